"""``GET /healthz``: is the graph store reachable?"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from search_api.api.deps import State
from search_api.api.errors import ApiError, error_responses
from search_api.api.models import HealthOut

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, responses=error_responses(503))
async def healthz(state: State) -> HealthOut:
    """Liveness and readiness: answers 200 while the graph store answers."""
    # A store call may block (a remote server); keep the event loop free for other requests.
    try:
        graphs = await run_in_threadpool(state.kg.store.graph_names)
    except Exception as exc:  # any failure here means "not ready", which is what the caller asks
        raise ApiError(503, f"the graph store does not answer: {type(exc).__name__}") from exc
    return HealthOut(status="ok", named_graphs=len(graphs), writes_enabled=bool(state.settings.api_token))
