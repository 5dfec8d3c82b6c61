"""The graph store: one small interface, an embedded default and a factory.

:class:`GraphStore` is what every other module talks to. :class:`OxigraphStore` is the
default (embedded Oxigraph on disk, RocksDB underneath); ``graph.remote_store``
implements the same protocol over SPARQL 1.1 Query/Update + Graph Store Protocol for a
server. :func:`open_store` chooses by ``path`` or ``url`` and rejects both at once.

Every named query is written against the *union default graph* (the default graph is
the union of all named graphs), so a remote server must be configured that way too
(``oxigraph serve --union-default-graph``, Fuseki ``tdb2:unionDefaultGraph true``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import pyoxigraph as ox

from graph.errors import (
    QueryError,
    QueryTimeoutError,
    ResultTooLargeError,
    StoreConfigError,
    StoreUnavailableError,
)
from graph.query_guard import DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TOKENS, check_query

if TYPE_CHECKING:
    from graph.query_pool import QueryPool

__all__ = [
    "RESULT_MEDIA_TYPES",
    "GraphStore",
    "OxigraphStore",
    "QueryLimits",
    "RawResult",
    "Row",
    "open_store",
    "render_result",
    "sorted_nquads",
]

Row = dict[str, str | None]
ExportFormat = Literal["nq", "trig", "jsonld", "nt", "ttl"]

# SPARQL result / RDF media types the stores can produce.
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
_EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
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
_INTERNAL = QueryLimits(max_chars=None, max_tokens=None)


@dataclass(frozen=True, slots=True)
class RawResult:
    """A query result serialised in the requested media type."""

    body: bytes
    media_type: str
    kind: Literal["select", "ask", "graph"]


@runtime_checkable
class GraphStore(Protocol):
    """What policykg needs from an RDF quad store."""

    def replace_graph(self, graph_iri: str, ntriples: str) -> None:
        """Atomically replace a named graph's content with the given N-Triples."""
        ...

    def drop_graph(self, graph_iri: str) -> None: ...

    def graph_names(self) -> list[str]: ...

    def select(self, query: str) -> list[Row]:
        """Run a SELECT over the union default graph; values as plain strings (IRIs, lexical forms)."""
        ...

    def ask(self, query: str) -> bool: ...

    def query_raw(self, query: str, accept: str, limits: QueryLimits | None = None) -> RawResult:
        """Run any read query and serialise the result as ``accept`` (a media type)."""
        ...

    def export(self, fmt: ExportFormat) -> bytes:
        """The whole dataset; ``nq`` is sorted line by line so equal graphs give equal bytes."""
        ...

    def close(self) -> None: ...


def sorted_nquads(data: bytes) -> bytes:
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _term_value(term: object) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    return str(value) if value is not None else str(term)


def _negotiate(accept: str, table: Mapping[str, object], default: str) -> str:
    """Pick the first acceptable media type we can produce (q-values ignored: clients list their favourite first)."""
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in table:
            return media
        if media in ("*/*", "application/*", "text/*", ""):
            return default
    if not accept:
        return default
    raise QueryError(f"cannot produce any of '{accept}'; ask for one of: {', '.join(table)}")


class OxigraphStore:
    """Embedded Oxigraph store in a folder (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreUnavailableError(
                f"cannot open the graph store in {path}: {exc}. "
                "Is another policykg process (serve, ingest) using the same data dir?"
            ) from exc
        self.path = Path(path) if path is not None else None
        self._read_only = read_only
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()

    # -- writing ---------------------------------------------------------------
    def replace_graph(self, graph_iri: str, ntriples: str) -> None:
        graph = ox.NamedNode(graph_iri)
        quads = [
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        ]
        # One SPARQL update is one transaction: readers never see the graph half-replaced,
        # and a crash leaves either the old or the new content.
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        self._store.update(
            f"DROP SILENT GRAPH <{graph_iri}> ; INSERT DATA {{ GRAPH <{graph_iri}> {{ {body} }} }}"
        )

    def drop_graph(self, graph_iri: str) -> None:
        self._store.update(f"DROP SILENT GRAPH <{graph_iri}>")

    # -- reading ---------------------------------------------------------------
    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _run(self, query: str, limits: QueryLimits = _INTERNAL) -> object:
        limits.check(query)  # before the parser: a deep query would crash the process, not raise
        try:
            return self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def select(self, query: str) -> list[Row]:
        result = self._run(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: _term_value(sol[n]) for n in names} for sol in result]

    def ask(self, query: str) -> bool:
        result = self._run(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def query_raw(self, query: str, accept: str, limits: QueryLimits | None = None) -> RawResult:
        limits = limits or QueryLimits()
        started = time.monotonic()
        return render_result(self._run(query, limits), accept, limits, started)

    def query_pool(
        self, size: int = 4, *, stack_mb: int = 256, memory_mb: int = 0, start: bool = True
    ) -> QueryPool | None:
        """Worker processes that run ``query_raw`` where a timeout can stop them (started on first use).

        None for an in-memory or read-only store, which has no folder to snapshot (callers
        then run queries in a thread), and with ``start=False`` while none was started.
        The arguments count only on the first call.
        """
        if self.path is None or self._read_only:
            return None
        with self._pool_lock:
            if self._pool is None and start:
                from graph.query_pool import QueryPool  # the worker machinery only when asked for

                self._pool = QueryPool(self._store, self.path, size, stack_mb=stack_mb, memory_mb=memory_mb)
            return self._pool

    def export(self, fmt: ExportFormat) -> bytes:
        if fmt == "nq":
            return sorted_nquads(self._store.dump(format=ox.RdfFormat.N_QUADS) or b"")
        if fmt not in _EXPORT_FORMATS:
            raise QueryError(f"unknown export format '{fmt}'; use nq, trig or jsonld")
        return self._store.dump(format=_EXPORT_FORMATS[fmt]) or b""

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        # pyoxigraph closes the RocksDB handle when the object is collected.
        self._store.flush() if self.path is not None and not self._read_only else None
        del self._store


def render_result(result: object, accept: str, limits: QueryLimits, started: float) -> RawResult:
    """Serialise a pyoxigraph query result as the negotiated media type, within the limits.

    Shared by every store, so negotiation, caps and bytes are the same whichever holds the graph.
    Results are read lazily: an engine error met while reading them (a failing SERVICE, an
    I/O error) is raised here as a :class:`QueryError`, so callers answer it cleanly.
    """
    try:
        return _render(result, accept, limits, started)
    except (OSError, SyntaxError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed while its results were read: {exc}") from exc


def _render(result: object, accept: str, limits: QueryLimits, started: float) -> RawResult:
    if isinstance(result, ox.QueryBoolean):
        media = _negotiate(accept, RESULT_MEDIA_TYPES, "application/sparql-results+json")
        return RawResult(result.serialize(format=RESULT_MEDIA_TYPES[media]) or b"", media, "ask")
    if isinstance(result, ox.QuerySolutions):
        media = _negotiate(accept, RESULT_MEDIA_TYPES, "application/sparql-results+json")
        variables = list(result.variables)
        rows = list(_bounded(iter(result), limits, started))
        return RawResult(_serialize_solutions(variables, rows, RESULT_MEDIA_TYPES[media]), media, "select")
    media = _negotiate(accept, GRAPH_MEDIA_TYPES, "text/turtle")
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
    import json

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


def open_store(
    path: Path | str | None = None, *, url: str | None = None, update_url: str | None = None
) -> GraphStore:
    """Open the embedded store at ``path``, or a SPARQL 1.1 server at ``url``; never both."""
    if path is not None and url:
        raise StoreConfigError(
            "both a local graph store path and a SPARQL server URL are set; "
            "unset POLICYKG_SPARQL_URL to use the embedded store, or leave the path out to use the server"
        )
    if url:
        from graph.remote_store import RemoteSparqlStore  # lazy: httpx client only when used

        return RemoteSparqlStore(url, update_url=update_url)
    if path is None:
        raise StoreConfigError("no graph store configured: give a data dir or POLICYKG_SPARQL_URL")
    return OxigraphStore(path)
