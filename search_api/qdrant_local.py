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
from typing import Any

__all__ = ["use_write_ahead_log"]


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
