"""The HTTP API: search, recommendations, actors, documents, curation and a read-only SPARQL endpoint.

``create_app()`` builds the FastAPI app; nothing is opened at import. The lifespan opens
the :class:`~search_api.service.PolicyKG` (or takes the one passed in, which the caller
then closes) and keeps it on ``app.state``; routes get it through dependencies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from search_api.api.deps import ApiState
from search_api.api.errors import install_error_handlers
from search_api.api.limits import BodyLimitMiddleware
from search_api.api.routers import ROUTERS
from search_api.api.sparql_protocol import QueryRunner
from search_api.jobs import JobRunner
from search_api.settings import Settings
from search_api.web import mount_web

if TYPE_CHECKING:
    from search_api.service import PolicyKG

__all__ = ["create_app"]

# Room for the multipart framing around an upload of exactly max_upload_bytes.
_MULTIPART_SLACK = 64 * 1024
_SPARQL_WORKERS = 4

_DESCRIPTION = """\
Consultation responses (høringssvar) to NOU 2026:1 as a knowledge graph.

* `/ask`: questions in bokmål, nynorsk or English over the responses' passages;
* `/recommendations`, `/actors`, `/pilots`, `/grant-schemes`, `/documents`: the graph's resources;
* `/report`, `/matrix`, `/networks/{kind}`, `/analyze/{name}`: the hearing summary, stance matrix,
  networks and analyses;
* `/sparql`: a read-only SPARQL 1.1 endpoint (the default graph is the union of all graphs);
* `POST /documents` (answers 202 with a job; `GET /jobs/{id}` follows it), `POST /curation`: writes,
  with `Authorization: Bearer <POLICYKG_API_TOKEN>`.

Errors are JSON: `{"error": "what went wrong and what to do", "detail": ...}`.
"""


def create_app(
    settings: Settings | None = None, *, kg: PolicyKG | None = None, close_service: bool = False
) -> FastAPI:
    """The app. ``settings`` rules the API (token, limits); by default the service's own settings.

    A service passed in is the caller's to close, unless ``close_service``: ``policykg serve`` asks
    for that, because uvicorn re-raises SIGTERM after shutdown and code after ``uvicorn.run`` never runs.
    """
    api_settings = settings or (kg.settings if kg is not None else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = kg is None or close_service
        if kg is None:
            from search_api.service import PolicyKG  # heavy imports only when the app starts

            service = PolicyKG(api_settings)
        else:
            service = kg
        state = ApiState(kg=service, settings=api_settings, runner=QueryRunner(_SPARQL_WORKERS))
        app.state.api = state
        # Uploads are ingested by one background worker; its first job finishes whatever an
        # interrupted run left behind (graph and index back in step), while requests are served.
        jobs = JobRunner(service, api_settings, lambda: state.lock)
        jobs.start()
        app.state.jobs = jobs
        if hasattr(service, "reconcile"):  # test doubles without an index have none
            jobs.submit_reconcile()
        try:
            yield
        finally:
            app.state.jobs = None
            jobs.stop()
            app.state.api = None
            if owned:
                service.close()

    app = FastAPI(
        title="policykg",
        version="0.1.0",
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    cap = api_settings.max_upload_bytes
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=cap + _MULTIPART_SLACK,
        message=f"the request is larger than the server accepts (POLICYKG_MAX_UPLOAD_BYTES = {cap} bytes)",
    )
    for router in ROUTERS:
        app.include_router(router)
    mount_web(app)  # the secretariat's pages (search_api/web)
    return app
