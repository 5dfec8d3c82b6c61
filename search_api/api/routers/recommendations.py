"""``GET /recommendations`` (with counts per stance) and ``GET /recommendations/{id}`` (its positions)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Path

from graph.entities import RecommendationSummary, recommendations
from ingest.model import STANCES
from search_api.api.deps import KG
from search_api.api.errors import ApiError, error_responses
from search_api.api.models import RecommendationDetailOut
from search_api.trace import trace_target

__all__ = ["router"]

router = APIRouter(tags=["recommendations"])


@router.get("/recommendations", response_model=list[RecommendationSummary], responses=error_responses(503))
def list_recommendations(kg: KG) -> list[RecommendationSummary]:
    """Every recommendation and assessment, with how many responses support, qualify, oppose or mention it."""
    return recommendations(kg.store)


@router.get(
    "/recommendations/{target_id}",
    response_model=RecommendationDetailOut,
    responses=error_responses(404, 422, 503),
)
def get_recommendation(
    kg: KG, target_id: Annotated[str, Path(max_length=100, description="e.g. R2 or V1")]
) -> RecommendationDetailOut:
    """One recommendation with every effective position on it (curated ones win): ``policykg trace --json``."""
    trace = trace_target(kg.store, target_id)
    if trace is None:
        raise ApiError(
            404,
            f"no recommendation or assessment with id '{target_id}'; GET /recommendations lists them",
            {"id": target_id},
        )
    counts = Counter(p.stance for p in trace.positions)
    return RecommendationDetailOut(
        target=trace.target,
        title=trace.title,
        kind=trace.kind,
        text=trace.text,
        stance_counts={s: counts[s] for s in STANCES},
        counts=trace.counts,
        positions=trace.positions,
        by_reference=trace.by_reference,
    )
