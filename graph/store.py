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

import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pyoxigraph as ox

from graph.errors import QueryError, StoreConfigError, StoreUnavailableError
from graph.results import (
    EXPORT_FORMATS,
    ExportFormat,
    QueryLimits,
    RawResult,
    Row,
    render_result,
    run_query,
    sorted_nquads,
    term_value,
)
from graph.sparql import iri

if TYPE_CHECKING:
    from graph.query_pool import QueryPool

__all__ = [
    "ExportFormat",
    "GraphStore",
    "OxigraphStore",
    "QueryLimits",
    "RawResult",
    "Row",
    "open_store",
]


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


# A SELECT whose answer can change without a write is never remembered.
_VOLATILE = re.compile(r"\b(RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_REMEMBERED_SELECTS = 64  # answers kept (the newest), each of at most _REMEMBERED_ROWS rows
_REMEMBERED_ROWS = 20_000


class OxigraphStore:
    """Embedded Oxigraph store in a folder (or in memory when ``path`` is None).

    A store opened for writing is the only writer of its folder (Oxigraph locks it), and every
    write goes through :meth:`replace_graph` or :meth:`drop_graph`, which count them. So the answer
    of a SELECT is remembered until the next write: a proposal's positions, the campaign
    signatures and the index keys are read on every question and are linear in the hearing
    (~0.1-0.2 s each at 1,000 letters), while they change only when a letter is ingested or curated.
    A read-only store (the SPARQL workers, another process's view) remembers nothing.
    """

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
        self._write_lock = threading.Lock()  # replace_graph's look-then-load is one step for this store
        self._writes = 0  # bumped by every write; remembered SELECT answers are of one count
        self._remembered: OrderedDict[tuple[int, str], list[Row]] = OrderedDict()
        self._remember_lock = threading.Lock()

    # -- writing ---------------------------------------------------------------
    def replace_graph(self, graph_iri: str, ntriples: str) -> None:
        graph = ox.NamedNode(graph_iri)
        with self._write_lock:
            try:
                if not self._store.contains_named_graph(graph):
                    # A new graph (every letter of a first ingest): Oxigraph parses and loads it in one
                    # transaction, so readers see all of it or none; there is nothing to drop, and the
                    # lock keeps another writer of this store from creating it meanwhile.
                    self._store.load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                    return
                self._replace_existing(graph, ntriples)
            finally:
                self._written()

    def _written(self) -> None:
        with self._remember_lock:
            self._writes += 1
            self._remembered.clear()

    def _replace_existing(self, graph: ox.NamedNode, ntriples: str) -> None:
        quads = [
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        ]
        # One SPARQL update is one transaction: readers never see the graph half-replaced,
        # and a crash leaves either the old or the new content.
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        self._store.update(f"DROP SILENT GRAPH {graph} ; INSERT DATA {{ GRAPH {graph} {{ {body} }} }}")

    def drop_graph(self, graph_iri: str) -> None:
        with self._write_lock:
            try:
                self._store.update(f"DROP SILENT GRAPH {iri(graph_iri)}")
            finally:
                self._written()

    # -- reading ---------------------------------------------------------------
    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def select(self, query: str) -> list[Row]:
        remember = not self._read_only and not _VOLATILE.search(query)
        if remember:
            with self._remember_lock:
                key = (self._writes, query)
                got = self._remembered.get(key)
                if got is not None:
                    self._remembered.move_to_end(key)
                    return [dict(r) for r in got]  # callers may change their rows
        result = run_query(self._store, query)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows = [{n: term_value(sol[n]) for n in names} for sol in result]
        if remember and len(rows) <= _REMEMBERED_ROWS:
            with self._remember_lock:
                if key[0] == self._writes:  # no write since the query began
                    self._remembered[key] = [dict(r) for r in rows]
                    while len(self._remembered) > _REMEMBERED_SELECTS:
                        self._remembered.popitem(last=False)
        return rows

    def ask(self, query: str) -> bool:
        result = run_query(self._store, query)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def query_raw(self, query: str, accept: str, limits: QueryLimits | None = None) -> RawResult:
        limits = limits or QueryLimits()
        started = time.monotonic()
        return render_result(run_query(self._store, query, limits), accept, limits, started)

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
        if fmt not in EXPORT_FORMATS:
            raise QueryError(f"unknown export format '{fmt}'; use nq, trig or jsonld")
        return self._store.dump(format=EXPORT_FORMATS[fmt]) or b""

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        # pyoxigraph closes the RocksDB handle when the object is collected.
        self._store.flush() if self.path is not None and not self._read_only else None
        del self._store


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
