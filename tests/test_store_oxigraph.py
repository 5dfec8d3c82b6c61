"""The store contract against the embedded Oxigraph store, on disk and in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_contract import GraphStoreContract

from graph.errors import StoreConfigError
from graph.store import GraphStore, OxigraphStore, open_store


class TestOxigraphStoreOnDisk(GraphStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[GraphStore]:
        store = OxigraphStore(tmp_path / "graph")
        yield store
        store.close()


class TestOxigraphStoreInMemory(GraphStoreContract):
    @pytest.fixture
    def store(self) -> Iterator[GraphStore]:
        store = OxigraphStore()
        yield store
        store.close()


def test_open_store_rejects_path_and_url(tmp_path: Path) -> None:
    with pytest.raises(StoreConfigError, match="both"):
        open_store(tmp_path / "graph", url="http://127.0.0.1:7878")


def test_open_store_needs_path_or_url() -> None:
    with pytest.raises(StoreConfigError):
        open_store()


def test_open_store_path_gives_embedded_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "graph")
    try:
        assert isinstance(store, OxigraphStore) and isinstance(store, GraphStore)
    finally:
        store.close()


def test_a_new_and_a_replaced_graph_hold_the_same_quads_and_bad_input_writes_nothing() -> None:
    """replace_graph loads a graph the store lacks in one transaction and replaces an existing one
    with one SPARQL update: both give the same quads, and malformed N-Triples leave the store as it was."""
    g, other = "https://example.org/g/new", "https://example.org/g/old"
    data = '<https://example.org/s> <https://example.org/p> "å"@nn .\n<https://example.org/s> <https://example.org/q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    store = OxigraphStore()
    store.replace_graph(other, "<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    store.replace_graph(g, data)  # new: loaded
    store.replace_graph(other, data)  # existing: replaced
    q = "SELECT ?g ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?p ?o"
    rows = store.select(q)
    assert [(r["p"], r["o"]) for r in rows if r["g"] == g] == [
        (r["p"], r["o"]) for r in rows if r["g"] == other
    ]
    assert len(rows) == 4
    with pytest.raises(SyntaxError):
        store.replace_graph("https://example.org/g/bad", data + "<https://example.org/s> <broken\n")
    with pytest.raises(SyntaxError):
        store.replace_graph(other, data + "<https://example.org/s> <broken\n")
    assert store.select(q) == rows
    assert store.graph_names() == sorted([g, other])
    store.close()


def test_a_select_is_remembered_until_the_next_write(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import graph.store as store_module

    ran: list[str] = []
    real = store_module.run_query

    def counting(store: object, query: str, *args: object, **kwargs: object) -> object:
        ran.append(query)
        return real(store, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "run_query", counting)
    store = OxigraphStore(tmp_path / "graph")
    q = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o"
    store.replace_graph("urn:g:1", '<urn:s> <urn:p> "a" .\n')
    first = store.select(q)
    first[0]["o"] = "changed by the caller"
    assert store.select(q) == [{"o": "a"}] and len(ran) == 1  # from memory, unchanged by the caller
    store.replace_graph("urn:g:2", '<urn:s> <urn:p> "b" .\n')
    assert store.select(q) == [{"o": "a"}, {"o": "b"}] and len(ran) == 2  # a write: read again
    store.drop_graph("urn:g:1")
    assert store.select(q) == [{"o": "b"}] and len(ran) == 3
    volatile = "SELECT (RAND() AS ?r) WHERE {}"
    store.select(volatile)
    store.select(volatile)
    assert len(ran) == 5  # never remembered
    store.close()
    reader = OxigraphStore(tmp_path / "graph", read_only=True)
    reader.select(q)
    reader.select(q)
    assert len(ran) == 7  # a read-only store may be behind another writer: it remembers nothing
    reader.close()
