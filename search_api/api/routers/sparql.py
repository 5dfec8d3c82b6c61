"""``GET|POST /sparql``: a read-only SPARQL 1.1 Protocol endpoint over the union of all graphs.

Queries arrive as ``GET ?query=``, ``POST application/x-www-form-urlencoded`` (``query=``)
or ``POST application/sparql-query``; every form of update, and ``SERVICE`` (the engine
would fetch any URL for the caller), is refused with 403. Before anything parses it, the
text is checked against ``POLICYKG_QUERY_MAX_CHARS``, ``_MAX_DEPTH`` and ``_MAX_TOKENS``
(400 naming the limit: a deep enough query would crash the parser). The result format
follows the Accept header. Each query runs in a worker process that is killed at
``POLICYKG_QUERY_TIMEOUT_S``, under the row cap ``POLICYKG_QUERY_MAX_ROWS``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request, Response

from graph.errors import QueryError
from graph.query_guard import QueryForbiddenError
from graph.results import GRAPH_TYPES, RESULT_TYPES, QueryLimits, negotiate
from search_api.api.deps import Runner, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.sparql_protocol import request_form

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted (use the policykg CLI to change data)"
_GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")

_RESULT_CONTENT: dict[str, Any] = {
    "application/sparql-results+json": {"schema": {"type": "object"}},
    **{t: {"schema": {"type": "string"}} for t in RESULT_TYPES[1:]},
    "text/turtle": {"schema": {"type": "string"}},
    "application/n-triples": {"schema": {"type": "string"}},
    "application/ld+json": {"schema": {}},
    "application/rdf+xml": {"schema": {"type": "string"}},
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SELECT/ASK: SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT/DESCRIBE: RDF "
        "(Turtle, N-Triples, JSON-LD, RDF/XML), as the Accept header asks.",
        "content": _RESULT_CONTENT,
    },
    **error_responses(400, 403, 406, 413, 415, 422, 503),
}
_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/sparql-query": {"schema": {"type": "string", "minLength": 1}},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string", "minLength": 1},
                        "update": {"type": "string", "description": "Refused: the endpoint is read-only."},
                    },
                }
            },
            "application/sparql-update": {
                "schema": {"type": "string", "description": "Refused: the endpoint is read-only."}
            },
        },
    }
}


async def _answer(state: State, runner: Runner, params: dict[str, list[str]], accept: str | None) -> Response:
    if params.get("update"):
        raise ApiError(403, READ_ONLY)
    used = [p for p in _GRAPH_PARAMS if params.get(p)]
    if used:
        raise ApiError(
            400,
            f"{', '.join(used)} is not supported: the default graph is the union of all named graphs; "
            "use GRAPH <...> { } or FROM inside the query to pick graphs",
        )
    queries = params.get("query") or []
    if len(queries) != 1 or not queries[0].strip():
        raise ApiError(
            400, "give exactly one SPARQL query: ?query=... or a POST body (application/sparql-query)"
        )
    text = queries[0]
    form = request_form(text)
    if form == "update":
        raise ApiError(403, READ_ONLY)
    settings = state.settings
    limits = QueryLimits(
        timeout_s=settings.query_timeout_s,
        max_rows=settings.query_max_rows,
        max_chars=settings.query_max_chars,
        max_depth=settings.query_max_depth,
        max_tokens=settings.query_max_tokens,
    )
    try:
        limits.check(text)  # here, in the server process, before any parser sees the text
    except QueryForbiddenError as exc:
        raise ApiError(403, str(exc)) from None
    except QueryError as exc:
        raise ApiError(400, str(exc), {"kind": type(exc).__name__}) from None
    media = accept or ""
    if form is not None:
        chosen = negotiate(accept, form)
        if chosen is None:
            offered = RESULT_TYPES if form == "results" else GRAPH_TYPES
            raise ApiError(
                406,
                f"cannot answer this query as '{accept}'; ask for one of: {', '.join(offered)}",
                {"acceptable": list(offered)},
            )
        media = chosen
    raw = await runner.query(state.kg.store, text, media, limits, settings.query_max_memory_mb)
    return Response(raw.body, media_type=raw.media_type, headers={"Vary": "Accept"})


@router.get("/sparql", response_class=Response, responses=_RESPONSES)
async def sparql_get(
    request: Request,
    state: State,
    runner: Runner,
    query: Annotated[
        str | None, Query(min_length=1, description="A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE).")
    ] = None,
    update: Annotated[str | None, Query(description="Refused: the endpoint is read-only.")] = None,
) -> Response:
    """Run a read-only SPARQL query over the union of all named graphs."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return await _answer(state, runner, params, request.headers.get("accept"))


@router.post("/sparql", response_class=Response, responses=_RESPONSES, openapi_extra=_POST_BODY)
async def sparql_post(request: Request, state: State, runner: Runner) -> Response:
    """The same over POST: a form (``query=``) or the query itself as ``application/sparql-query``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise ApiError(403, READ_ONLY)
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the request body is not UTF-8") from None
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if content_type == "application/x-www-form-urlencoded":
        for key, values in parse_qs(text, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif content_type == "application/sparql-query":
        params.setdefault("query", []).append(text)
    else:
        raise ApiError(
            415,
            f"send the query as application/sparql-query or application/x-www-form-urlencoded "
            f"(query=...), not '{content_type or 'no content type'}'",
        )
    return await _answer(state, runner, params, request.headers.get("accept"))
