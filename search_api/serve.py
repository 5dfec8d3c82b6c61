"""``policykg serve``: the HTTP API and SPARQL endpoint under uvicorn."""

from __future__ import annotations

import logging

from search_api.settings import Settings

__all__ = ["serve"]

log = logging.getLogger("policykg.api")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted (Ctrl-C).

    The service is opened here, before uvicorn starts, so a locked data dir or an
    unreachable store is a one-line ``PolicykgError`` for the CLI, not a startup traceback.
    One worker process only: the embedded graph store and the embedded Qdrant each lock
    the data dir. To scale out, point POLICYKG_SPARQL_URL and POLICYKG_QDRANT_URL at servers.
    """
    import uvicorn

    from search_api.api import create_app
    from search_api.service import PolicyKG

    kg = PolicyKG(settings)
    try:
        if not settings.api_token:
            log.warning("POLICYKG_API_TOKEN is not set: POST /documents and POST /curation are off")
        uvicorn.run(
            create_app(settings, kg=kg, close_service=True), host=host, port=port, workers=1, log_level="info"
        )
    finally:
        kg.close()
