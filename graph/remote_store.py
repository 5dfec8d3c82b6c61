"""The graph store on a SPARQL 1.1 server (Oxigraph server, Jena Fuseki, GraphDB, Virtuoso).

:class:`RemoteSparqlStore` implements :class:`graph.store.GraphStore` over the SPARQL 1.1
Protocol (query and update) and, where the server offers it, the SPARQL 1.1 Graph Store
HTTP Protocol (replacing a graph is then one ``PUT``, atomic on the server).

Results are congruent with :class:`graph.store.OxigraphStore` by construction: the server
is asked for one canonical format (SPARQL JSON results, N-Triples, N-Quads), which is
parsed with pyoxigraph and re-serialised by the *same* code the embedded store uses
(:mod:`graph.results`). The
server is only the query engine; media-type negotiation, row caps and the byte layout of
every answer are policykg's, whichever server sits behind the URL.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from graph.errors import (
    QueryError,
    QueryTimeoutError,
    StoreConfigError,
    StoreUnavailableError,
)
from graph.results import (
    EXPORT_FORMATS,
    INTERNAL_LIMITS,
    ExportFormat,
    QueryLimits,
    RawResult,
    Row,
    render_result,
    sorted_nquads,
    term_value,
)

__all__ = ["RemoteSparqlStore", "SparqlEndpoints", "resolve_endpoints"]

# What we ask the server for: one format per result kind that pyoxigraph parses in a stream;
# the second-choice formats are for servers that lack the first (older Virtuoso).
_UPSTREAM_ACCEPT = (
    "application/sparql-results+json, application/n-triples, "
    "application/sparql-results+xml;q=0.8, text/turtle;q=0.8"
)
_UPSTREAM_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
_UPSTREAM_GRAPHS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples' pre-2014 media type, still sent by some servers
    "text/turtle": ox.RdfFormat.TURTLE,
}
_QUADS_QUERY = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
_ERROR_EXCERPT = 500  # server error pages can be whole HTML documents


@dataclass(frozen=True, slots=True)
class SparqlEndpoints:
    query: str
    update: str
    graph_store: str | None  # None: the server has no Graph Store Protocol; use SPARQL Update


def resolve_endpoints(
    url: str, update_url: str | None = None, graph_store_url: str | None = None
) -> SparqlEndpoints:
    """Derive the three endpoints from ``url`` (a base URL or a query endpoint).

    ``http://host:7878`` or ``.../query`` → Oxigraph layout (``/query``, ``/update``, ``/store``);
    ``.../repositories/<id>`` → RDF4J/GraphDB (``/statements``, ``/rdf-graphs/service``);
    ``.../sparql`` → Virtuoso-style single endpoint, no Graph Store Protocol.
    Explicit ``update_url``/``graph_store_url`` win; ``graph_store_url=""`` turns the Graph
    Store Protocol off (plain SPARQL 1.1 Query/Update only).
    """
    url = url.rstrip("/")
    store: str | None
    if url.endswith("/query"):
        base = url.removesuffix("/query")
        query, update, store = url, f"{base}/update", f"{base}/store"
    elif "/repositories/" in url:
        query, update, store = url, f"{url}/statements", f"{url}/rdf-graphs/service"
    elif url.endswith("/sparql"):
        query, update, store = url, url, None
    else:
        query, update, store = f"{url}/query", f"{url}/update", f"{url}/store"
    if graph_store_url is not None:
        store = graph_store_url or None
    return SparqlEndpoints(query, update_url or update, store)


class _ResponseReader(io.RawIOBase):
    """A file over a streamed HTTP body, so pyoxigraph parses while bytes arrive.

    Transport errors raised here would cross pyoxigraph's Rust code and come back as a
    generic ``OSError``; they are kept in ``error`` so the caller can report the real cause.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.iter_bytes()
        self._buffer = b""
        self.error: httpx.HTTPError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                self.error = exc
                raise
        n = min(len(buffer), len(self._buffer))
        buffer[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class RemoteSparqlStore:
    """A :class:`graph.store.GraphStore` on a SPARQL 1.1 server whose default graph is the union."""

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout_s: float = 30,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.endpoints = resolve_endpoints(url, update_url, graph_store_url)
        self.url = _public(self.endpoints.query)
        self._timeout_s = timeout_s
        # One persistent client: keep-alive connections, and credentials set once.
        self._client = httpx.Client(timeout=timeout_s, auth=auth, headers={"User-Agent": "policykg"})
        try:
            self.ask("ASK {}")  # fail at startup, with the URL, rather than on the first request
        except QueryTimeoutError as exc:
            self._client.close()
            raise StoreUnavailableError(
                f"the SPARQL server at {self.url} did not answer within {timeout_s:g} s"
            ) from exc
        except QueryError as exc:
            self._client.close()
            raise StoreConfigError(
                f"{self.url} does not answer SPARQL queries ({exc}); "
                "give the server's base URL or its query endpoint"
            ) from exc
        except Exception:
            self._client.close()
            raise

    # -- writing ---------------------------------------------------------------
    def replace_graph(self, graph_iri: str, ntriples: str) -> None:
        graph = ox.NamedNode(graph_iri)
        # Parse locally: bad input fails here as in the embedded store, and the server gets canonical N-Triples.
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        ]
        if not triples:
            # A PUT of nothing would leave an empty named graph behind; the embedded store leaves none.
            self.drop_graph(graph_iri)
            return
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if self.endpoints.graph_store is not None:
            self._send(
                "PUT",
                self.endpoints.graph_store,
                params={"graph": graph_iri},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
            return
        # One update request is one transaction on every server we target.
        self._update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{body.decode()}}} }}")

    def drop_graph(self, graph_iri: str) -> None:
        graph = ox.NamedNode(graph_iri)
        if self.endpoints.graph_store is not None:
            self._send("DELETE", self.endpoints.graph_store, params={"graph": graph_iri}, missing_ok=True)
        else:
            self._update(f"DROP SILENT GRAPH {graph}")

    # -- reading ---------------------------------------------------------------
    def graph_names(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return sorted(g for row in rows if (g := row["g"]) is not None)

    def select(self, query: str) -> list[Row]:
        with self._query(query, None) as result:
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError("expected a SELECT query")
            names = [v.value for v in result.variables]
            return [{n: term_value(sol[n]) for n in names} for sol in result]

    def ask(self, query: str) -> bool:
        with self._query(query, None) as result:
            if not isinstance(result, ox.QueryBoolean):
                raise QueryError("expected an ASK query")
            return bool(result)

    def query_raw(self, query: str, accept: str, limits: QueryLimits | None = None) -> RawResult:
        limits = limits or QueryLimits()
        started = time.monotonic()
        with self._query(query, limits.timeout_s, limits) as result:
            return render_result(result, accept, limits, started)

    def export(self, fmt: ExportFormat) -> bytes:
        if fmt != "nq" and fmt not in EXPORT_FORMATS:
            raise QueryError(f"unknown export format '{fmt}'; use nq, trig or jsonld")
        quads = self._dataset()
        if fmt == "nq":
            # Re-serialised by pyoxigraph, so escaping and spacing match the embedded dump byte for byte.
            return sorted_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        return ox.serialize(quads, format=EXPORT_FORMATS[fmt]) or b""

    def close(self) -> None:
        self._client.close()

    # -- HTTP ------------------------------------------------------------------
    def _dataset(self) -> list[ox.Quad]:
        if self.endpoints.graph_store is not None:
            # A GET on the store without ?graph= is the whole dataset on Oxigraph and RDF4J.
            with self._errors(self.endpoints.graph_store, None):
                response = self._client.get(
                    self.endpoints.graph_store, headers={"Accept": "application/n-quads"}
                )
            if response.is_success and _media_type(response) == "application/n-quads":
                return list(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))
        # Portable fallback: every quad of every named graph through one SELECT.
        with self._query(_QUADS_QUERY, None) as result:
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError("the SPARQL server did not answer a SELECT with solutions")
            return [ox.Quad(s["s"], s["p"], s["o"], s["g"]) for s in result]

    @contextmanager
    def _query(
        self, query: str, timeout_s: float | None, limits: QueryLimits = INTERNAL_LIMITS
    ) -> Iterator[object]:
        """Run a read query; yield the parsed, still streaming result while the response is open.

        The guard runs first: a SERVICE or update is never forwarded (the server would fetch
        the URL), and a query too deep for the parser never leaves this process.
        """
        limits.check(query)
        timeout = httpx.Timeout(timeout_s if timeout_s is not None else self._timeout_s)
        url = self.endpoints.query
        with self._errors(url, timeout_s):
            request = self._client.build_request(
                "POST",
                url,
                content=query.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": _UPSTREAM_ACCEPT},
                timeout=timeout,
            )
            response = self._client.send(request, stream=True)
            try:
                _check(response, url)
                reader = _ResponseReader(response)
                buffered = io.BufferedReader(reader, buffer_size=1 << 16)
                media = _media_type(response)
                try:
                    if media in _UPSTREAM_RESULTS:
                        yield ox.parse_query_results(buffered, format=_UPSTREAM_RESULTS[media])
                    elif media in _UPSTREAM_GRAPHS:
                        yield ox.parse(buffered, format=_UPSTREAM_GRAPHS[media])
                    else:
                        raise QueryError(
                            f"the SPARQL server at {_public(url)} answered in an unexpected format '{media}'"
                        )
                except (OSError, SyntaxError, ValueError) as exc:
                    if reader.error is not None:
                        raise reader.error from exc  # the transport failed, not the parser
                    raise QueryError(f"cannot read the SPARQL server's answer: {exc}") from exc
            finally:
                response.close()

    def _update(self, update: str) -> None:
        self._send(
            "POST",
            self.endpoints.update,
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )

    def _send(self, method: str, url: str, *, missing_ok: bool = False, **kwargs: object) -> None:
        with self._errors(url, None):
            response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        if missing_ok and response.status_code == 404:
            return  # DELETE of a graph that is not there: already gone
        _check(response, url)

    @contextmanager
    def _errors(self, url: str, timeout_s: float | None) -> Iterator[None]:
        """Turn transport failures into the graph layer's errors, with the URL and no traceback noise."""
        url = _public(url)
        try:
            yield
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise StoreUnavailableError(
                f"cannot reach the SPARQL server at {url}: {exc}; is it running?"
            ) from exc
        except httpx.TimeoutException as exc:
            limit = timeout_s if timeout_s is not None else self._timeout_s
            raise QueryTimeoutError(
                f"the query ran longer than {limit:g} s; narrow it down or add a LIMIT"
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailableError(f"lost the connection to the SPARQL server at {url}: {exc}") from exc


def _public(url: str) -> str:
    """The URL without ``user:password@``: error messages end up in logs."""
    return str(httpx.URL(url).copy_with(username=None, password=None))


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _check(response: httpx.Response, url: str) -> None:
    if response.is_success:
        return
    url = _public(url)
    response.read()
    message = " ".join(response.text.split())[:_ERROR_EXCERPT] or response.reason_phrase
    status = response.status_code
    if status in (401, 403):
        raise StoreConfigError(
            f"the SPARQL server at {url} refused access (HTTP {status}): {message}; check the credentials"
        )
    if status in (502, 503, 504):
        raise StoreUnavailableError(f"the SPARQL server at {url} is unavailable (HTTP {status}): {message}")
    if status < 500:
        raise QueryError(f"the SPARQL server refused the request (HTTP {status}): {message}")
    raise QueryError(f"the SPARQL server failed (HTTP {status}): {message}")
