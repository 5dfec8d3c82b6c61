"""``POST /curation``: a reviewer's decision on one position; curated positions win and survive re-ingest."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from graph.curation import CurationDecision, apply_decisions
from graph.queries import positions, proposal_ids
from search_api.api.deps import State, require_writer
from search_api.api.errors import error_responses
from search_api.api.models import CurationOut, CurationRequest

__all__ = ["router"]

router = APIRouter(tags=["curation"])


@router.post(
    "/curation",
    response_model=CurationOut,
    dependencies=[Depends(require_writer)],
    responses=error_responses(400, 401, 403, 413, 422, 503),
)
def curate(state: State, req: CurationRequest) -> CurationOut:
    """Record a stance decision (supports, qualified, opposes, mentions, or rejected: no position at all)."""
    kg = state.kg
    decision = CurationDecision(
        target=req.target,
        document=req.document,
        stance=req.stance,
        reviewer=req.reviewer,
        note=req.note,
        quote=req.quote,
    )
    # Writers take turns: apply_decisions reads the curation graph, merges and replaces it.
    with state.lock:
        n = apply_decisions(kg.store, kg.iris, [decision], known_targets=set(proposal_ids(kg.store)))
    rows = positions(
        kg.store, target_id=req.target, document_iri=kg.iris.response(req.document), include_rejected=True
    )
    return CurationOut(recorded=n, position=rows[0] if rows else None)
