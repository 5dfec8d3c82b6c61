"""/sparql as real SPARQL clients see it: SPARQLWrapper and rdflib's SPARQLStore against a live uvicorn.

Also: every way of sending an update is refused, the timeout and the row cap hold on heavy
queries while the server keeps answering, and the protocol helpers behave.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML
from SPARQLWrapper import SPARQLWrapper as Wrapper

from graph.errors import QueryTimeoutError
from graph.results import negotiate
from graph.sparql import PREFIXES
from search_api.api import create_app
from search_api.api.errors import ApiError
from search_api.api.sparql_protocol import QueryRunner, request_form
from search_api.settings import Settings

if TYPE_CHECKING:
    from search_api.service import PolicyKG

PKG = "https://w3id.org/policykg/ontology#"
SELECT = (
    PREFIXES + "SELECT ?file ?d WHERE { ?d a pkg:ConsultationResponse ; pkg:fileName ?file } ORDER BY ?file"
)
ASK = PREFIXES + 'ASK { ?d pkg:fileName "lia-kommune.pdf" }'
CONSTRUCT = (
    PREFIXES
    + "CONSTRUCT { ?d pkg:fileName ?file } WHERE { ?d a pkg:ConsultationResponse ; pkg:fileName ?file }"
)
DESCRIBE = "DESCRIBE <https://policykg.org/id/pilot/tett-pa>"
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
UPDATE = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """uvicorn on a free 127.0.0.1 port in a background thread; stopped (bounded) at the end."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base_url(kg: PolicyKG) -> Iterator[str]:
    with live_server(create_app(kg.settings, kg=kg)) as url:
        yield url


def expected_files(kg: PolicyKG) -> list[str]:
    return [str(r["file"]) for r in kg.store.select(SELECT)]


def wrapper(base_url: str, query: str, fmt: str, method: tuple[str, str]) -> Any:
    w = Wrapper(f"{base_url}/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method[0])
    w.setRequestMethod(method[1])
    return w.query()


# -- SPARQLWrapper ---------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
def test_sparqlwrapper_select_and_ask_in_every_format(
    base_url: str, kg: PolicyKG, method: tuple[str, str]
) -> None:
    files = expected_files(kg)
    data = wrapper(base_url, SELECT, JSON, method).convert()
    assert [b["file"]["value"] for b in data["results"]["bindings"]] == files
    dom = wrapper(base_url, SELECT, XML, method).convert()
    literals = [n.firstChild.data for n in dom.getElementsByTagName("literal")]
    assert literals == files
    for fmt, delimiter in ((CSV, ","), (TSV, "\t")):
        text = wrapper(base_url, SELECT, fmt, method).convert().decode("utf-8")
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        cells = [r[0].strip('"') for r in rows[1:] if r]
        assert rows[0][0].lstrip("?") == "file" and cells == files
    assert wrapper(base_url, ASK, JSON, method).convert() == {"head": {}, "boolean": True}
    dom = wrapper(base_url, ASK, XML, method).convert()
    assert dom.getElementsByTagName("boolean")[0].firstChild.data == "true"
    for fmt in (CSV, TSV):
        assert b"true" in wrapper(base_url, ASK, fmt, method).convert()


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
def test_sparqlwrapper_construct_and_describe_in_every_format(
    base_url: str, kg: PolicyKG, method: tuple[str, str]
) -> None:
    files = set(expected_files(kg))
    for query in (CONSTRUCT, DESCRIBE):
        graphs = []
        for fmt in (TURTLE, N3, JSONLD, RDFXML):
            result = wrapper(base_url, query, fmt, method)
            media = result.response.headers["Content-Type"].split(";")[0]
            assert media in {
                "text/turtle",
                "application/n-triples",
                "application/ld+json",
                "application/rdf+xml",
            }
            converted = result.convert()
            graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format=media)
            graphs.append({(str(s), str(p), str(o)) for s, p, o in graph})
        assert all(g == graphs[0] for g in graphs), "every format must carry the same triples"
        if query is CONSTRUCT:
            assert {o for _, _, o in graphs[0]} == files
        else:
            assert (f"{PKG}region" in {p for _, p, _ in graphs[0]}) and len(graphs[0]) > 3


# -- rdflib SPARQLStore ----------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_in_every_format(base_url: str, kg: PolicyKG, method: str) -> None:
    files = expected_files(kg)
    for fmt in ("xml", "json", "csv", "tsv"):
        graph = Graph(store=SPARQLStore(f"{base_url}/sparql", returnFormat=fmt, method=method))
        rows = list(graph.query(SELECT))
        assert [str(r[0]) for r in rows] == files, fmt  # type: ignore[index]
        if fmt in ("xml", "json"):
            assert graph.query(ASK).askAnswer is True
    for fmt in ("xml", "turtle", "nt", "json-ld"):
        graph = Graph(store=SPARQLStore(f"{base_url}/sparql", returnFormat=fmt, method=method))
        built = graph.query(CONSTRUCT).graph
        assert built is not None and {str(o) for o in built.objects()} == set(files), fmt
        described = graph.query(DESCRIBE).graph
        assert described is not None and (None, URIRef(f"{PKG}region"), None) in described, fmt


# -- read-only ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_kind_of_update_is_refused(base_url: str) -> None:
    url = f"{base_url}/sparql"
    attempts = [
        httpx.post(url, data={"update": UPDATE}),
        httpx.post(url, content=UPDATE, headers={"Content-Type": "application/sparql-update"}),
        httpx.post(url, content=UPDATE, headers={"Content-Type": "application/sparql-query"}),
        httpx.post(url, data={"query": "PREFIX x: <urn:x:> # a comment\nDROP ALL"}),
        httpx.get(url, params={"query": "CLEAR DEFAULT"}),
        httpx.get(url, params={"update": UPDATE}),
        httpx.get(url, params={"query": "load <http://example.org/data.ttl>"}),
    ]
    for resp in attempts:
        assert resp.status_code == 403, resp.text
        assert "this endpoint is read-only" in resp.json()["error"]
    asked = httpx.get(
        url, params={"query": "ASK { <urn:x:a> ?p ?o }"}, headers={"Accept": "application/json"}
    )
    assert asked.json()["boolean"] is False


@pytest.mark.slow
def test_protocol_errors_are_clear(base_url: str) -> None:
    url = f"{base_url}/sparql"
    bad = httpx.get(url, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert bad.status_code == 400 and "SPARQL syntax error" in bad.json()["error"]
    assert httpx.get(url).status_code == 400
    wrong = httpx.get(url, params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert wrong.status_code == 406 and "text/csv" in wrong.json()["error"]
    plain = httpx.post(url, content=SELECT, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and "application/sparql-query" in plain.json()["error"]
    graphs = httpx.get(url, params={"query": SELECT, "default-graph-uri": "urn:g"})
    assert graphs.status_code == 400 and "union" in graphs.json()["error"]


# -- limits ----------------------------------------------------------------------------------------------
def heavy_count(kg: PolicyKG) -> str:
    """A COUNT over a cross join sized to take seconds: it blocks inside the engine, not between rows."""
    n = int(kg.store.select(PREFIXES + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a pkg:Passage }")[0]["n"] or 1)
    values = " ".join(str(i) for i in range(max(1, math.ceil(3e7 / (n * n)))))
    return (
        PREFIXES
        + f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} ?a a pkg:Passage . ?b a pkg:Passage }}"
    )


@pytest.mark.slow
def test_timeout_answers_at_the_deadline_and_the_server_stays_responsive(kg: PolicyKG) -> None:
    settings = kg.settings.model_copy(update={"query_timeout_s": 0.3})
    with live_server(create_app(settings, kg=kg)) as url:
        outcome: dict[str, Any] = {}

        def heavy() -> None:
            started = time.monotonic()
            outcome["resp"] = httpx.get(f"{url}/sparql", params={"query": heavy_count(kg)}, timeout=30)
            outcome["seconds"] = time.monotonic() - started

        worker = threading.Thread(target=heavy)
        worker.start()
        time.sleep(0.1)
        started = time.monotonic()
        assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 1.0
        worker.join(timeout=30)
        resp = outcome["resp"]
        assert resp.status_code == 503, resp.text
        assert "longer than 0.3 s" in resp.json()["error"]
        assert outcome["seconds"] < 3.0
        lazy = httpx.get(f"{url}/sparql", params={"query": CROSS_JOIN}, timeout=30)  # stopped between rows
        assert lazy.status_code in (400, 503) and lazy.json()["error"]


def test_row_cap(kg_light: TestClient) -> None:
    resp = kg_light.get("/sparql", params={"query": CROSS_JOIN})
    assert resp.status_code == 400 and "more than 5 rows" in resp.json()["error"]
    resp = kg_light.get("/sparql", params={"query": "CONSTRUCT WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert resp.status_code == 400 and "more than 5 rows" in resp.json()["error"]
    ok = kg_light.get("/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c } LIMIT 5"})
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 5


@pytest.fixture
def kg_light(tmp_path: Any) -> Iterator[TestClient]:
    """A small in-memory graph behind an app with a row cap of 5 (no ingest needed)."""
    from graph.store import OxigraphStore

    store = OxigraphStore(None)
    triples = "\n".join(f"<urn:x:{i}> <urn:x:p> <urn:x:{i + 1}> ." for i in range(40))
    store.replace_graph("urn:x:graph", triples + "\n")
    settings = Settings(data_dir=tmp_path, query_max_rows=5)
    kg = type("KG", (), {"store": store, "settings": settings})()
    with TestClient(create_app(settings, kg=kg)) as client:
        yield client


# -- protocol helpers ---------------------------------------------------------------------------------------
def test_request_form() -> None:
    assert (
        request_form("PREFIX a: <http://x#>\n# SELECT in a comment\nBASE <http://y/> select * {}")
        == "results"
    )
    assert request_form("ask {}") == "results"
    assert request_form("PREFIX : <urn:x#> CONSTRUCT WHERE { ?s ?p ?o }") == "graph"
    assert request_form("DESCRIBE <urn:x>") == "graph"
    for update in (
        "INSERT DATA {}",
        "  delete where {}",
        "WITH <g> DELETE {} WHERE {}",
        "LOAD <x>",
        "drop all",
    ):
        assert request_form(update) == "update"
    assert request_form("") is None and request_form("???") is None


def test_negotiate() -> None:
    assert negotiate(None, "results") == "application/sparql-results+json"
    assert negotiate("*/*", "graph") == "text/turtle"
    assert (
        negotiate("text/csv;q=0.5, application/sparql-results+xml", "results")
        == "application/sparql-results+xml"
    )
    assert negotiate("application/json", "results") == "application/sparql-results+json"
    assert negotiate("application/json", "graph") == "application/ld+json"
    assert negotiate("text/*", "results") == "text/csv"
    assert negotiate("text/turtle", "results") is None
    assert negotiate("application/sparql-results+json;q=0", "results") is None


def test_runner_answers_at_the_deadline_and_caps_concurrency() -> None:
    release = threading.Event()

    async def scenario() -> None:
        runner = QueryRunner(max_concurrent=1)
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError):
            await runner.run(lambda: release.wait(10), 0.2)
        assert time.monotonic() - started < 1.0
        with pytest.raises(ApiError) as busy:  # the abandoned query still holds the only slot
            await runner.run(lambda: 1, 1.0)
        assert busy.value.status == 503
        release.set()
        for _ in range(100):
            try:
                assert await runner.run(lambda: 42, 1.0) == 42
                return
            except ApiError:
                await asyncio.sleep(0.02)
        raise AssertionError("the slot was never released")

    asyncio.run(scenario())
