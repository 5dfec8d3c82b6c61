"""``GET /pilots`` and ``GET /grant-schemes`` (and one of each by id)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from graph.entities import GrantSchemeInfo, PilotInfo, grant_schemes, pilots
from search_api.api.deps import KG
from search_api.api.errors import ApiError, error_responses

__all__ = ["router"]

router = APIRouter(tags=["pilots and grant schemes"])


@router.get("/pilots", response_model=list[PilotInfo], responses=error_responses(503))
def list_pilots(kg: KG) -> list[PilotInfo]:
    """Pilots and initiatives, their participants, and the responses that mention them."""
    return pilots(kg.store)


@router.get("/pilots/{pilot_id}", response_model=PilotInfo, responses=error_responses(404, 422, 503))
def get_pilot(kg: KG, pilot_id: Annotated[str, Path(max_length=200)]) -> PilotInfo:
    found = pilots(kg.store, pilot_id=pilot_id)
    if not found:
        raise ApiError(404, f"no pilot with id '{pilot_id}'; GET /pilots lists them", {"id": pilot_id})
    return found[0]


@router.get("/grant-schemes", response_model=list[GrantSchemeInfo], responses=error_responses(503))
def list_grant_schemes(kg: KG) -> list[GrantSchemeInfo]:
    """Grant schemes, who administers them, the recommendations concerning them, and where they are mentioned."""
    return grant_schemes(kg.store)


@router.get(
    "/grant-schemes/{scheme_id}", response_model=GrantSchemeInfo, responses=error_responses(404, 422, 503)
)
def get_grant_scheme(kg: KG, scheme_id: Annotated[str, Path(max_length=200)]) -> GrantSchemeInfo:
    found = grant_schemes(kg.store, scheme_id=scheme_id)
    if not found:
        raise ApiError(
            404, f"no grant scheme with id '{scheme_id}'; GET /grant-schemes lists them", {"id": scheme_id}
        )
    return found[0]
