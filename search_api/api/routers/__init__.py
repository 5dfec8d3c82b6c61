"""One router per resource; :func:`search_api.api.create_app` includes them all."""

from __future__ import annotations

from search_api.api.routers import (
    actors,
    admin,
    ask,
    curation,
    documents,
    entities,
    health,
    jobs,
    recommendations,
    report,
    sparql,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    health.router,
    ask.router,
    recommendations.router,
    actors.router,
    entities.router,
    documents.router,
    jobs.router,
    admin.router,
    curation.router,
    report.router,
    sparql.router,
]
