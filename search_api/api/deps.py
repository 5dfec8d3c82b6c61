"""FastAPI dependencies: the resources the lifespan put on ``app.state``, and the write guard."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from search_api.api.errors import ApiError
from search_api.api.sparql_protocol import QueryRunner
from search_api.settings import Settings

if TYPE_CHECKING:
    from search_api.service import PolicyKG

__all__ = ["KG", "ApiState", "Runner", "State", "get_kg", "get_runner", "get_state", "require_writer"]


@dataclass(slots=True)
class ApiState:
    """What the app holds between requests; created in the lifespan, never at import."""

    kg: PolicyKG
    settings: Settings
    runner: QueryRunner
    # The vector index (embedded Qdrant) and the embedder are not known to be thread-safe,
    # and ingest replaces graphs and points together: index users and graph writers take turns.
    lock: threading.Lock = field(default_factory=threading.Lock)


def get_state(request: Request) -> ApiState:
    state: ApiState | None = getattr(request.app.state, "api", None)
    if state is None:  # only when the app is used without its lifespan
        raise ApiError(503, "the service is starting or stopping; try again in a moment")
    return state


def get_kg(state: Annotated[ApiState, Depends(get_state)]) -> PolicyKG:
    return state.kg


def get_runner(state: Annotated[ApiState, Depends(get_state)]) -> QueryRunner:
    return state.runner


State = Annotated[ApiState, Depends(get_state)]
Runner = Annotated[QueryRunner, Depends(get_runner)]
if TYPE_CHECKING:
    KG = PolicyKG
else:  # the service module is imported lazily (in the lifespan), so FastAPI sees a plain dependency
    KG = Annotated[Any, Depends(get_kg)]

_bearer = HTTPBearer(
    auto_error=False,
    description="The token in POLICYKG_API_TOKEN; required by the endpoints that write.",
)


def require_writer(
    state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Writes need ``Authorization: Bearer <POLICYKG_API_TOKEN>``; without a configured token they are off."""
    token = state.settings.api_token
    if not token:
        raise ApiError(403, "writes are disabled: set POLICYKG_API_TOKEN on the server to enable them")
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiError(401, "this endpoint writes: send 'Authorization: Bearer <token>'", headers=challenge)
    # Constant-time comparison: the response time must not reveal how much of the token matched.
    if not secrets.compare_digest(credentials.credentials.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(401, "the bearer token is wrong", headers=challenge)
