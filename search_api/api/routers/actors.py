"""``GET /actors`` and ``GET /actors/{id}``: who responded, and what each actor is linked to."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph.entities import actor, actors
from ingest.model import ActorType
from search_api.api.deps import KG
from search_api.api.errors import ApiError, error_responses
from search_api.api.models import ActorDetailOut, ActorOut, DocumentOut, EntityLinkOut

__all__ = ["router"]

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=list[ActorOut], responses=error_responses(422, 503))
def list_actors(
    kg: KG,
    actor_type: Annotated[
        ActorType | None, Query(alias="type", description="Only this type of actor.")
    ] = None,
) -> list[ActorOut]:
    """Every actor (from the reference data and found in letters) with its type and number of responses."""
    return [
        ActorOut(**asdict(a)) for a in actors(kg.store, actor_type=actor_type.value if actor_type else None)
    ]


@router.get("/actors/{actor_id}", response_model=ActorDetailOut, responses=error_responses(404, 422, 503))
def get_actor(
    kg: KG, actor_id: Annotated[str, Path(max_length=200, description="e.g. husbanken")]
) -> ActorDetailOut:
    """An actor with its responses, positions, and the pilots and grant schemes it is linked to."""
    found = actor(kg.store, actor_id)
    if found is None:
        raise ApiError(404, f"no actor with id '{actor_id}'; GET /actors lists them", {"id": actor_id})
    return ActorDetailOut(
        **asdict(found.summary),
        aliases=found.aliases,
        org_number=found.org_number,
        response_documents=[DocumentOut(**asdict(d)) for d in found.responses],
        positions=list(found.positions),
        pilots=[EntityLinkOut(**asdict(e)) for e in found.pilots],
        grant_schemes=[EntityLinkOut(**asdict(e)) for e in found.grant_schemes],
        mentioned_in=found.mentioned_in,
    )
