"""``GET|POST /ask``: hybrid search over the passages, the hits of ``policykg ask --json``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ingest.model import ActorType
from search_api.api.deps import State
from search_api.api.errors import error_responses
from search_api.api.models import AskRequest
from search_api.records import Answer

__all__ = ["router"]

router = APIRouter(tags=["search"])


def _ask(state: State, req: AskRequest) -> JSONResponse:
    with state.lock:
        answer = state.kg.ask(
            req.question,
            top_k=req.top_k,
            actor_type=req.actor_type.value if req.actor_type else None,
            recommendation=req.recommendation,
            language=req.language,
            file_name=req.file_name,
        )
    # The record's JSON, so the body is exactly `policykg ask --json` (links without a stance stay
    # without the key, and "positions" is there only when the question asks who supports or opposes).
    return JSONResponse(answer.to_json())


@router.get("/ask", response_model=Answer, responses=error_responses(409, 422, 503))
async def ask_get(
    state: State,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="The question.")],
    top_k: Annotated[int, Query(ge=1, le=100)] = 10,
    actor_type: Annotated[
        ActorType | None, Query(description="Only responses from this type of actor.")
    ] = None,
    recommendation: Annotated[
        str | None, Query(max_length=100, description="Only passages with a position on it, e.g. R2.")
    ] = None,
    language: Annotated[Literal["nb", "nn"] | None, Query()] = None,
    file_name: Annotated[str | None, Query(max_length=255, description="Only this response.")] = None,
) -> JSONResponse:
    """Ask a question in bokmål, nynorsk or English; each hit carries its document, sender and graph links."""
    req = AskRequest(
        question=q,
        top_k=top_k,
        actor_type=actor_type,
        recommendation=recommendation,
        language=language,
        file_name=file_name,
    )
    return await run_in_threadpool(_ask, state, req)


@router.post("/ask", response_model=Answer, responses=error_responses(400, 409, 413, 422, 503))
async def ask_post(state: State, req: AskRequest) -> JSONResponse:
    """The same as ``GET /ask`` with the question and filters in a JSON body."""
    return await run_in_threadpool(_ask, state, req)
