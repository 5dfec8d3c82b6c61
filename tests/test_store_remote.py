"""The store contract against RemoteSparqlStore on a real ``oxigraph serve``, plus congruence checks."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from oxigraph_server import OxigraphServer, oxigraph_server
from store_contract import EX, G1, G2, G_SPECIAL, SAMPLE_G1, GraphStoreContract, load_sample

from graph.errors import QueryTimeoutError, StoreConfigError, StoreUnavailableError
from graph.remote_store import RemoteSparqlStore, resolve_endpoints
from graph.store import GraphStore, OxigraphStore, QueryLimits, open_store

pytestmark = pytest.mark.integration

__all__ = ["oxigraph_server"]  # re-exported so pytest finds the session fixture in this module


def _emptied(server: OxigraphServer) -> None:
    # One server for the session: every test starts from an empty dataset.
    response = httpx.post(
        f"{server.base_url}/update",
        content=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    response.raise_for_status()


class TestRemoteStoreGraphStoreProtocol(GraphStoreContract):
    """Writes and export through the Graph Store Protocol (the default for an Oxigraph base URL)."""

    @pytest.fixture
    def store(self, oxigraph_server: OxigraphServer) -> Iterator[GraphStore]:
        _emptied(oxigraph_server)
        store = RemoteSparqlStore(oxigraph_server.base_url)
        assert store.endpoints.graph_store == f"{oxigraph_server.base_url}/store"
        yield store
        store.close()


class TestRemoteStoreQueryUpdateOnly(GraphStoreContract):
    """Plain SPARQL 1.1 Query/Update, as for servers without the Graph Store Protocol (Virtuoso)."""

    @pytest.fixture
    def store(self, oxigraph_server: OxigraphServer) -> Iterator[GraphStore]:
        _emptied(oxigraph_server)
        store = RemoteSparqlStore(
            f"{oxigraph_server.base_url}/query",
            update_url=f"{oxigraph_server.base_url}/update",
            graph_store_url="",
        )
        assert store.endpoints.graph_store is None
        yield store
        store.close()


@pytest.fixture
def both(oxigraph_server: OxigraphServer) -> Iterator[tuple[GraphStore, GraphStore]]:
    _emptied(oxigraph_server)
    embedded, remote = OxigraphStore(), RemoteSparqlStore(oxigraph_server.base_url)
    for store in (embedded, remote):
        load_sample(store)
        store.replace_graph(G_SPECIAL, f"<{G_SPECIAL}> <{EX}p> _:b1 .\n")
        store.replace_graph(G1, SAMPLE_G1)  # replaced twice: only the last content counts
    yield embedded, remote
    remote.close()
    embedded.close()


def _without_blank_nodes(nquads: bytes) -> list[bytes]:
    return [line for line in nquads.splitlines() if b"_:" not in line]


def test_export_nq_byte_identical(both: tuple[GraphStore, GraphStore]) -> None:
    embedded, remote = both
    # Blank node labels are each store's own; compare the rest byte for byte.
    skolem = [line for line in embedded.export("nq").splitlines() if b"_:" in line]
    assert len(skolem) == 1
    assert _without_blank_nodes(embedded.export("nq")) == _without_blank_nodes(remote.export("nq"))
    assert embedded.graph_names() == remote.graph_names() == sorted([G1, G2, G_SPECIAL])


def test_export_nq_byte_identical_without_blank_nodes(oxigraph_server: OxigraphServer) -> None:
    _emptied(oxigraph_server)
    embedded = OxigraphStore()
    remotes = [
        RemoteSparqlStore(oxigraph_server.base_url),
        RemoteSparqlStore(oxigraph_server.base_url, graph_store_url=""),  # export via SELECT
    ]
    load_sample(embedded)
    load_sample(remotes[0])
    expected = embedded.export("nq")
    assert expected
    for remote in remotes:
        assert remote.export("nq") == expected
        remote.close()


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?o)) } ORDER BY ?s ?p ?o", media)
        for media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
    ]
    + [
        ("ASK { ?s ?p ?o }", "application/sparql-results+json"),
        ("ASK { <urn:x:no> ?p ?o }", "text/csv"),
        (f"CONSTRUCT WHERE {{ <{EX}a> ?p ?o }}", "application/n-triples"),
    ],
)
def test_query_raw_byte_identical(both: tuple[GraphStore, GraphStore], query: str, accept: str) -> None:
    embedded, remote = both
    mine, theirs = embedded.query_raw(query, accept), remote.query_raw(query, accept)
    if mine.kind == "graph":  # CONSTRUCT has no ORDER BY: same triples, maybe another order
        assert sorted(mine.body.splitlines()) == sorted(theirs.body.splitlines())
        assert (mine.media_type, mine.kind) == (theirs.media_type, theirs.kind)
    else:
        assert mine == theirs


def test_select_identical(both: tuple[GraphStore, GraphStore]) -> None:
    embedded, remote = both
    query = (
        "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } FILTER(!isBlank(?o)) } ORDER BY ?s ?p ?o"
    )
    assert embedded.select(query) == remote.select(query)


def test_http_timeout_is_a_query_timeout(oxigraph_server: OxigraphServer) -> None:
    # An aggregate sends nothing until it is done, so only the HTTP read timeout can stop it.
    _emptied(oxigraph_server)
    store = RemoteSparqlStore(oxigraph_server.base_url)
    try:
        store.replace_graph(G1, "".join(f"<{EX}s{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(300)))
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(QueryTimeoutError, match=r"0\.1 s"):
            store.query_raw(slow, "application/sparql-results+json", QueryLimits(timeout_s=0.1))
    finally:
        store.close()


def test_open_store_with_url_gives_remote_store(oxigraph_server: OxigraphServer) -> None:
    store = open_store(url=oxigraph_server.base_url)
    try:
        assert isinstance(store, RemoteSparqlStore) and isinstance(store, GraphStore)
    finally:
        store.close()


def test_unreachable_url_is_store_unavailable() -> None:
    # Port 9 (discard) on loopback: nothing listens there in CI.
    url = "http://127.0.0.1:9"
    with pytest.raises(StoreUnavailableError, match=r"http://127\.0\.0\.1:9/query.*is it running"):
        open_store(url=url)


def test_credentials_stay_out_of_messages() -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        RemoteSparqlStore("http://kg:s3cret@127.0.0.1:9")
    assert "s3cret" not in str(caught.value) and "http://127.0.0.1:9/query" in str(caught.value)


def test_url_that_is_not_a_sparql_endpoint(oxigraph_server: OxigraphServer) -> None:
    with pytest.raises(StoreConfigError, match="does not answer SPARQL"):
        RemoteSparqlStore(f"{oxigraph_server.base_url}/not/here")


@pytest.mark.parametrize(
    ("url", "update", "store"),
    [
        ("http://h:7878", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        (
            "http://h/repositories/kg",
            "http://h/repositories/kg/statements",
            "http://h/repositories/kg/rdf-graphs/service",
        ),
        ("http://h:8890/sparql", "http://h:8890/sparql", None),
    ],
)
def test_resolve_endpoints(url: str, update: str, store: str | None) -> None:
    endpoints = resolve_endpoints(url)
    assert (endpoints.update, endpoints.graph_store) == (update, store)
    fuseki = resolve_endpoints("http://f:3030/kg/query", graph_store_url="http://f:3030/kg/data")
    assert (fuseki.update, fuseki.graph_store) == ("http://f:3030/kg/update", "http://f:3030/kg/data")
