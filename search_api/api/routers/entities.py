"""``GET /pilots`` and ``GET /grant-schemes`` (and one of each by id)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from graph.entities import GrantSchemeInfo, PilotInfo, grant_schemes, pilots
from search_api.api.deps import KG
from search_api.api.errors import ApiError, error_responses
from search_api.api.models import ActorRefOut, GrantSchemeOut, PilotOut

__all__ = ["router"]

router = APIRouter(tags=["pilots and grant schemes"])


def _pilot(p: PilotInfo) -> PilotOut:
    return PilotOut(
        id=p.id,
        iri=p.iri,
        name=p.name,
        kind=p.kind,
        region=p.region,
        aliases=p.aliases,
        participants=[ActorRefOut(id=i, name=n) for i, n in p.participants],
        mentioned_in=p.mentioned_in,
    )


def _scheme(g: GrantSchemeInfo) -> GrantSchemeOut:
    adm = g.administered_by
    return GrantSchemeOut(
        id=g.id,
        iri=g.iri,
        name=g.name,
        earmarked=g.earmarked,
        aliases=g.aliases,
        administered_by=ActorRefOut(id=adm[0], name=adm[1]) if adm else None,
        recommendations=g.recommendations,
        mentioned_in=g.mentioned_in,
    )


@router.get("/pilots", response_model=list[PilotOut], responses=error_responses(503))
def list_pilots(kg: KG) -> list[PilotOut]:
    """Pilots and initiatives, their participants, and the responses that mention them."""
    return [_pilot(p) for p in pilots(kg.store)]


@router.get("/pilots/{pilot_id}", response_model=PilotOut, responses=error_responses(404, 422, 503))
def get_pilot(kg: KG, pilot_id: Annotated[str, Path(max_length=200)]) -> PilotOut:
    found = pilots(kg.store, pilot_id=pilot_id)
    if not found:
        raise ApiError(404, f"no pilot with id '{pilot_id}'; GET /pilots lists them", {"id": pilot_id})
    return _pilot(found[0])


@router.get("/grant-schemes", response_model=list[GrantSchemeOut], responses=error_responses(503))
def list_grant_schemes(kg: KG) -> list[GrantSchemeOut]:
    """Grant schemes, who administers them, the recommendations concerning them, and where they are mentioned."""
    return [_scheme(g) for g in grant_schemes(kg.store)]


@router.get(
    "/grant-schemes/{scheme_id}", response_model=GrantSchemeOut, responses=error_responses(404, 422, 503)
)
def get_grant_scheme(kg: KG, scheme_id: Annotated[str, Path(max_length=200)]) -> GrantSchemeOut:
    found = grant_schemes(kg.store, scheme_id=scheme_id)
    if not found:
        raise ApiError(
            404, f"no grant scheme with id '{scheme_id}'; GET /grant-schemes lists them", {"id": scheme_id}
        )
    return _scheme(found[0])
