"""``GET /recommendations`` (with counts per stance) and ``GET /recommendations/{id}`` (its positions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from graph.entities import RecommendationSummary, recommendations
from search_api.api.deps import KG
from search_api.api.errors import ApiError, error_responses
from search_api.records import RecommendationDetail
from search_api.trace import trace_target

__all__ = ["router"]

router = APIRouter(tags=["recommendations"])


@router.get("/recommendations", response_model=list[RecommendationSummary], responses=error_responses(503))
def list_recommendations(kg: KG) -> list[RecommendationSummary]:
    """Every recommendation and assessment, with how many responses support, qualify, oppose or mention it."""
    return recommendations(kg.store)


@router.get(
    "/recommendations/{target_id}",
    response_model=RecommendationDetail,
    responses=error_responses(404, 422, 503),
)
def get_recommendation(
    kg: KG, target_id: Annotated[str, Path(max_length=100, description="e.g. R2 or V1")]
) -> RecommendationDetail:
    """One recommendation with every effective position on it (curated ones win): ``policykg trace --json``."""
    trace = trace_target(kg.store, target_id)
    if trace is None:
        raise ApiError(
            404,
            f"no recommendation or assessment with id '{target_id}'; GET /recommendations lists them",
            {"id": target_id},
        )
    return RecommendationDetail.of(trace)
