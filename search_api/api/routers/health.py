"""``GET /healthz``: is the service able to answer, and is it answering well?

- 503 when the graph store does not answer (nothing can be served);
- ``busy`` when every SPARQL slot is taken (new queries get 503 until one frees);
- ``degraded`` when the search index is behind the graph or cannot be read: ``/ask``
  answers may miss documents until the service's reconcile (or ``policykg reindex``) ran.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from search_api.api.deps import ApiState, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.models import HealthOut, SparqlHealthOut
from search_api.sync import IndexHealth

__all__ = ["router"]

router = APIRouter(tags=["health"])

_LOCK_WAIT_S = 1.0  # the index lock may be held by a short index write; never wait on a long one


@router.get("/healthz", response_model=HealthOut, responses=error_responses(503))
async def healthz(state: State) -> HealthOut:
    """Liveness and readiness: 200 with ok / busy / degraded while the graph store answers, else 503."""
    # A store call may block (a remote server); keep the event loop free for other requests.
    try:
        graphs = await run_in_threadpool(state.kg.store.graph_names)
    except Exception as exc:  # any failure here means "not ready", which is what the caller asks
        raise ApiError(
            503, f"the graph store does not answer: {type(exc).__name__}", {"status": "degraded"}
        ) from exc
    sparql = _sparql(state)
    index, problems = await run_in_threadpool(_index, state)
    status: Literal["ok", "busy", "degraded"] = "ok"
    if problems:
        status = "degraded"
    elif sparql.busy >= sparql.slots:
        status = "busy"
        problems.append(
            f"all {sparql.slots} SPARQL query slots are taken; new queries get 503 until one frees"
        )
    return HealthOut(
        status=status,
        named_graphs=len(graphs),
        writes_enabled=bool(state.settings.api_token),
        sparql=sparql,
        index=index,
        problems=problems,
    )


def _sparql(state: ApiState) -> SparqlHealthOut:
    runner = state.runner
    pool = runner.pool(state.kg.store, start=False)  # never start workers just to report on them
    stats = pool.stats() if pool is not None else None
    return SparqlHealthOut(
        slots=runner.capacity,
        busy=runner.in_use,
        workers=stats.size if stats else 0,
        replaced=stats.killed if stats else 0,
    )


def _index(state: ApiState) -> tuple[IndexHealth | None, list[str]]:
    """The service's ``index_status()`` (when it has one), read under the index lock."""
    index_status = getattr(state.kg, "index_status", None)
    if index_status is None:  # a service without an index (e.g. a graph-only test double)
        return None, []
    if not state.lock.acquire(timeout=_LOCK_WAIT_S):
        return None, []  # an index write holds the lock: not known now, and not a fault
    try:
        status = index_status()
    except Exception as exc:  # the index cannot be read: say so, the graph still answers
        return None, [f"the search index cannot be read: {type(exc).__name__}: {exc}"]
    finally:
        state.lock.release()
    message = status.message()
    return status.health(), [message] if message else []
