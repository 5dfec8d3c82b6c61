"""``GET /actors`` and ``GET /actors/{id}``: who responded, and what each actor is linked to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph.entities import ActorDetail, ActorSummary, actor, actors
from ingest.model import ActorType
from search_api.api.deps import KG
from search_api.api.errors import ApiError, error_responses

__all__ = ["router"]

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=list[ActorSummary], responses=error_responses(422, 503))
def list_actors(
    kg: KG,
    actor_type: Annotated[
        ActorType | None, Query(alias="type", description="Only this type of actor.")
    ] = None,
) -> list[ActorSummary]:
    """Every actor (from the reference data and found in letters) with its type and number of responses."""
    return actors(kg.store, actor_type=actor_type.value if actor_type else None)


@router.get("/actors/{actor_id}", response_model=ActorDetail, responses=error_responses(404, 422, 503))
def get_actor(
    kg: KG, actor_id: Annotated[str, Path(max_length=200, description="e.g. husbanken")]
) -> ActorDetail:
    """An actor with its responses, positions, and the pilots and grant schemes it is linked to."""
    found = actor(kg.store, actor_id)
    if found is None:
        raise ApiError(404, f"no actor with id '{actor_id}'; GET /actors lists them", {"id": actor_id})
    return found
