"""SPARQL results as bytes, shared by both stores, the query workers and the HTTP API.

One place for what every answer has in common, whichever store holds the graph: the media
types a result can be given in, content negotiation over an ``Accept`` header (q-values
honoured), the bounds on an analyst's query (:class:`QueryLimits`), term conversion to plain
strings for named queries, and the rendering of a pyoxigraph result as bytes
(:func:`render_result`), so negotiation, caps and bytes are the same for the embedded store
and a remote server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from graph.errors import QueryError, QueryTimeoutError, ResultTooLargeError
from graph.query_guard import DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TOKENS, check_query

__all__ = [
    "EXPORT_FORMATS",
    "GRAPH_MEDIA_TYPES",
    "GRAPH_TYPES",
    "INTERNAL_LIMITS",
    "RESULT_MEDIA_TYPES",
    "RESULT_TYPES",
    "ExportFormat",
    "QueryLimits",
    "RawResult",
    "Row",
    "literal",
    "negotiate",
    "render_result",
    "run_query",
    "sorted_nquads",
    "term_value",
]

Row = dict[str, str | None]
ExportFormat = Literal["nq", "trig", "jsonld"]

# SPARQL result / RDF media types the stores can produce; the first of each is the default.
RESULT_MEDIA_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
RESULT_TYPES = tuple(RESULT_MEDIA_TYPES)
GRAPH_TYPES = tuple(GRAPH_MEDIA_TYPES)
# Names clients commonly send for the same formats.
_RESULT_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
_GRAPH_ALIASES = {
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}
EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Bounds for analysts' own queries (``query_raw``).

    The text limits are checked by :func:`graph.query_guard.check_query` before the parser
    sees the query; internal named queries (``select``, ``ask``) are checked for nesting
    and forbidden forms only, since they may carry long generated VALUES lists.
    """

    timeout_s: float | None = None
    max_rows: int | None = None
    max_chars: int | None = DEFAULT_MAX_CHARS
    max_depth: int | None = DEFAULT_MAX_DEPTH
    max_tokens: int | None = DEFAULT_MAX_TOKENS

    def check(self, query: str) -> None:
        """Refuse a query that is too long, too deep or asks for SERVICE or an update."""
        check_query(query, max_chars=self.max_chars, max_depth=self.max_depth, max_tokens=self.max_tokens)


# Internal named queries: generated VALUES lists may be long, but nesting is bounded all the same.
INTERNAL_LIMITS = QueryLimits(max_chars=None, max_tokens=None)


@dataclass(frozen=True, slots=True)
class RawResult:
    """A query result serialised in the requested media type."""

    body: bytes
    media_type: str
    kind: Literal["select", "ask", "graph"]


def sorted_nquads(data: bytes) -> bytes:
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def term_value(term: object) -> str | None:
    """A term as a plain string (an IRI, a literal's lexical form), None when unbound."""
    if term is None:
        return None
    value = getattr(term, "value", None)
    return str(value) if value is not None else str(term)


def literal(value: str) -> str:
    """``value`` as a SPARQL string literal, written by pyoxigraph: quotes, backslashes and every
    control character are escaped, so a value can never end the literal or break the query."""
    return str(ox.Literal(value))


def run_query(store: ox.Store, query: str, limits: QueryLimits = INTERNAL_LIMITS) -> object:
    """Run a read query on a pyoxigraph store over the union default graph, after the text checks."""
    limits.check(query)  # before the parser: a deep query would crash the process, not raise
    try:
        return store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from exc


def negotiate(accept: str | None, kind: Literal["results", "graph"]) -> str | None:
    """The media type to answer with (q-values honoured, ties in the client's order), None if none fits."""
    table, aliases = (RESULT_TYPES, _RESULT_ALIASES) if kind == "results" else (GRAPH_TYPES, _GRAPH_ALIASES)
    if not accept or not accept.strip():
        return table[0]
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, order, media.lower()))
    for _, _, media in sorted(ranked):
        if media in table:
            return media
        if media in aliases:
            return aliases[media]
        if media == "*/*":
            return table[0]
        if media.endswith("/*"):
            family = media[:-1]
            match = next((t for t in table if t.startswith(family)), None)
            if match:
                return match
    return None


def _negotiated(accept: str, kind: Literal["results", "graph"]) -> str:
    media = negotiate(accept, kind)
    if media is None:
        offered = RESULT_TYPES if kind == "results" else GRAPH_TYPES
        raise QueryError(f"cannot produce any of '{accept}'; ask for one of: {', '.join(offered)}")
    return media


def render_result(result: object, accept: str, limits: QueryLimits, started: float) -> RawResult:
    """Serialise a pyoxigraph query result as the negotiated media type, within the limits.

    Results are read lazily: an engine error met while reading them (a failing SERVICE, an
    I/O error) is raised here as a :class:`QueryError`, so callers answer it cleanly.
    """
    try:
        return _render(result, accept, limits, started)
    except (OSError, SyntaxError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed while its results were read: {exc}") from exc


def _render(result: object, accept: str, limits: QueryLimits, started: float) -> RawResult:
    if isinstance(result, ox.QueryBoolean):
        media = _negotiated(accept, "results")
        return RawResult(result.serialize(format=RESULT_MEDIA_TYPES[media]) or b"", media, "ask")
    if isinstance(result, ox.QuerySolutions):
        media = _negotiated(accept, "results")
        variables = list(result.variables)
        rows = list(_bounded(iter(result), limits, started))
        return RawResult(_serialize_solutions(variables, rows, RESULT_MEDIA_TYPES[media]), media, "select")
    media = _negotiated(accept, "graph")
    triples = [
        t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object)  # type: ignore[attr-defined]
        for t in _bounded(iter(result), limits, started)  # type: ignore[call-overload]
    ]
    return RawResult(ox.serialize(triples, format=GRAPH_MEDIA_TYPES[media]) or b"", media, "graph")


def _bounded(items: Iterator[object], limits: QueryLimits, started: float) -> Iterator[object]:
    for count, item in enumerate(items, start=1):
        if limits.max_rows is not None and count > limits.max_rows:
            raise ResultTooLargeError(
                f"the query returns more than {limits.max_rows} rows; add a LIMIT or narrow it down"
            )
        if limits.timeout_s is not None and time.monotonic() - started > limits.timeout_s:
            raise QueryTimeoutError(
                f"the query ran longer than {limits.timeout_s:g} s; narrow it down or add a LIMIT"
            )
        yield item
    if limits.timeout_s is not None and time.monotonic() - started > limits.timeout_s:
        raise QueryTimeoutError(f"the query ran longer than {limits.timeout_s:g} s; narrow it down")


def _serialize_solutions(
    variables: list[ox.Variable], rows: list[object], fmt: ox.QueryResultsFormat
) -> bytes:
    # Re-serialise the (already materialised, bounded) rows through an in-memory result
    # by round-tripping via the JSON results format, which pyoxigraph can parse back.
    bindings = []
    for row in rows:
        binding: dict[str, dict[str, str]] = {}
        for var in variables:
            term = row[var]  # type: ignore[index]
            if term is None:
                continue
            binding[var.value] = _json_term(term)
        bindings.append(binding)
    doc = {"head": {"vars": [v.value for v in variables]}, "results": {"bindings": bindings}}
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == ox.QueryResultsFormat.JSON:
        return raw
    parsed = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=fmt) or b""


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}
