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
