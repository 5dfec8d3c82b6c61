"""``policykg serve``: the HTTP API and SPARQL endpoint under uvicorn."""

from __future__ import annotations

import logging

from search_api.settings import Settings

__all__ = ["serve"]

log = logging.getLogger("policykg.api")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted (Ctrl-C).

    One worker process only: the embedded graph store and the embedded Qdrant each lock the
    data dir. To scale out, point POLICYKG_SPARQL_URL and POLICYKG_QDRANT_URL at servers first.
    """
    import uvicorn

    from search_api.api import create_app

    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_token:
        log.warning("listening on %s: writes stay off until POLICYKG_API_TOKEN is set", host)
    uvicorn.run(create_app(settings), host=host, port=port, workers=1, log_level="info", proxy_headers=False)
