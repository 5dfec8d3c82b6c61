"""Write-ahead logging for Qdrant's local mode, whose per-point commits otherwise wait on the disk.

``qdrant_client``'s local mode keeps each collection in a SQLite file and commits once per point
(inside ``upsert``). In SQLite's default rollback-journal mode every commit syncs the disk
several times, so indexing a hearing waited on the disk once per point. In WAL mode with
``synchronous=NORMAL`` a commit appends to the log without syncing: a crash of the process
loses nothing committed, a power cut may lose the last commits but never leaves a corrupt
file, and the index is rebuilt from the graph (the source of truth) in any case.

This reaches into the local client's collections (``QdrantClient._client.collections``, each
with ``storage.storage``, the SQLite connection); when a qdrant_client version lays them out
otherwise, or the client talks to a server, nothing is changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

__all__ = ["GraphPoints", "use_write_ahead_log"]


def use_write_ahead_log(client: Any) -> int:
    """Switch every local collection's SQLite file to WAL (idempotent); returns how many were switched."""
    collections = getattr(getattr(client, "_client", None), "collections", None)
    if not isinstance(collections, dict):
        return 0
    switched = 0
    for collection in collections.values():
        connection = getattr(getattr(collection, "storage", None), "storage", None)
        if not isinstance(connection, sqlite3.Connection):
            continue
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
                switched += 1
            connection.execute("PRAGMA synchronous=NORMAL")  # per connection, not stored in the file
        except sqlite3.Error:  # another thread's connection, or a read-only file: leave it as it is
            continue
    return switched


class GraphPoints:
    """Which points each named graph has, kept in step with the writes of one local-mode index.

    Qdrant's local mode has no payload index: listing a graph's points with a filter reads every
    point, once per letter when a hearing is indexed letter by letter. The single process that
    holds a local index sees every write to it, so it can keep the listing instead: loaded by one
    scan on first use, updated by each write, and forgotten (loaded again) after a write that failed.
    """

    def __init__(self) -> None:
        self._graph_of: dict[str, str] | None = None  # point id -> graph IRI
        self._points: dict[str, set[str]] = {}  # graph IRI -> point ids

    @property
    def loaded(self) -> bool:
        return self._graph_of is not None

    def load(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(point id, graph IRI) of every point that belongs to a graph."""
        self._graph_of, self._points = {}, {}
        for pid, graph in pairs:
            self.put(pid, graph)

    def ids(self, graph: str) -> set[str]:
        return set(self._points.get(graph, ()))

    def graphs(self) -> set[str]:
        """The graphs that have at least one point."""
        return {g for g, pids in self._points.items() if pids}

    def put(self, pid: str, graph: str | None) -> None:
        """Point ``pid`` was written with ``graph`` (None: belongs to no graph)."""
        if self._graph_of is None:
            return
        self.drop([pid])
        if graph:
            self._graph_of[pid] = graph
            self._points.setdefault(graph, set()).add(pid)

    def drop(self, pids: Iterable[str]) -> None:
        if self._graph_of is None:
            return
        for pid in pids:
            graph = self._graph_of.pop(pid, None)
            if graph is not None:
                self._points[graph].discard(pid)

    def forget(self) -> None:
        self._graph_of, self._points = None, {}
