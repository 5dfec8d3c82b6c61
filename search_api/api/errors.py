"""JSON errors: ``{"error": "...", "detail": ...}`` for every failure, never a stack trace.

Library errors (``PolicykgError``) carry messages written for people, so they are passed
on with a status that fits; anything else is a bug: logged with an id, answered with a
generic message and that id.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    QueryError,
    QueryForbiddenError,
    QueryTimeoutError,
    QueryTooComplexError,
    ResultTooLargeError,
    StoreConfigError,
    StoreUnavailableError,
    ValidationError,
)
from ingest.errors import DocumentReadError, EmbedderError, InputError, PolicykgError, ReferenceDataError
from search_api.api.models import ErrorOut
from search_api.errors import (
    EmbedderMismatchError,
    IndexConfigError,
    IndexUnavailableError,
    QueueFullError,
    SearchQueryError,
)

__all__ = ["STATUS", "ApiError", "error_responses", "install_error_handlers", "status_for"]

log = logging.getLogger("policykg.api")


class ApiError(Exception):
    """Raised by routes for an answer other than 2xx."""

    def __init__(
        self, status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.detail, self.headers = status, message, detail, headers


# Every error a caller or the server's state can cause, by class; a subclass not listed takes its
# nearest listed ancestor's status. The layer bases (PolicykgError, GraphError, SearchError) are not
# listed: raised directly they mean a broken invariant, a bug (500, logged).
STATUS: dict[type[PolicykgError], int] = {
    # the request is wrong
    InputError: 422,
    DocumentReadError: 422,
    ValidationError: 422,
    SearchQueryError: 422,
    QueryError: 400,
    QueryTooComplexError: 400,
    ResultTooLargeError: 400,
    QueryForbiddenError: 403,
    # the server's data conflicts with the request: its reference data is missing or broken
    ReferenceDataError: 409,
    # the server cannot answer now; the message says what to do (retry, reindex, fix the settings)
    QueryTimeoutError: 503,
    StoreUnavailableError: 503,
    StoreConfigError: 503,
    EmbedderError: 503,
    IndexConfigError: 503,
    IndexUnavailableError: 503,
    EmbedderMismatchError: 503,
    QueueFullError: 503,
}

_MESSAGES = {
    400: "Bad request",
    401: "Unauthorized: send Authorization: Bearer <token>",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict with the server's data",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid request",
    500: "Internal error",
    503: "Service unavailable",
}


def status_for(error: PolicykgError | type[PolicykgError]) -> int:
    """The HTTP status of an error (or error class): its own, or its nearest listed ancestor's."""
    cls = error if isinstance(error, type) else type(error)
    for klass in cls.__mro__:
        status = STATUS.get(klass)
        if status is not None:
            return status
    return 500


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each listed status answers with :class:`ErrorOut`."""
    return {s: {"model": ErrorOut, "description": _MESSAGES.get(s, "Error")} for s in statuses}


def _json(
    status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorOut(error=message, detail=detail).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _json(exc.status, exc.message, exc.detail, exc.headers)


async def _policykg_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PolicykgError)
    status = status_for(exc)
    headers = {"Retry-After": "5"} if status == 503 else None
    if status == 500:
        log.error("unexpected policykg error: %s", exc)
    return _json(status, str(exc), {"kind": type(exc).__name__}, headers)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = (
        exc.detail if isinstance(exc.detail, str) and exc.detail else _MESSAGES.get(exc.status_code, "Error")
    )
    if exc.status_code == 404 and message == "Not Found":
        message = "no such resource; see /docs for the routes"
    if exc.status_code == 400 and message == "There was an error parsing the body":
        message = (
            "the request body could not be parsed: check that it matches its Content-Type (JSON in UTF-8)"
        )
    if exc.status_code == 405:
        message = "method not allowed on this route; see /docs"
    return _json(exc.status_code, message, None, getattr(exc, "headers", None))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    summary = "; ".join(f"{e['location']}: {e['message']}" for e in errors[:5])
    return _json(422, f"invalid request: {summary}" if summary else "invalid request", errors)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s", error_id, exc_info=exc)
    return _json(
        500, f"internal error (id {error_id}); the server log has the details", {"error_id": error_id}
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(PolicykgError, _policykg_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
