"""The secretariat's web interface: bokmål pages over the graph, served by ``policykg serve``.

:func:`mount_web` adds the pages (``search_api.web.routes``) and their static files (CSS, small
scripts, and the npm libraries vendored under ``static/vendor`` by ``npm run vendor``) to the app.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

__all__ = ["mount_web"]


def mount_web(app: FastAPI) -> None:
    """Include the pages and serve ``/static``; resources come from the app's lifespan like the API's."""
    from search_api.web.routes import router

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")
