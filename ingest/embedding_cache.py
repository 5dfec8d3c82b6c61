"""A persistent cache of passage vectors, so re-ingesting an unchanged corpus embeds nothing.

Keyed by ``(embedder name, sha256(text))``: another model (or the same model with other
prefixes) has another name and so never reads a stale vector. Queries are not cached on
disk (they are rarely repeated and cheap), only counted.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ingest.embedding import Embedder, Vectors
from ingest.errors import EmbedderError

__all__ = ["CachedEmbedder", "text_hash"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS passage_vectors (
    embedder TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, text_sha256)
)
"""
# SQLite's default limit of host parameters per statement is 999 on old builds.
_LOOKUP_CHUNK = 500


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """An :class:`Embedder` that wraps another and caches its passage vectors in SQLite.

    ``embedded`` counts texts actually sent to the model, ``cached`` the cache hits
    (both passages only), so a caller can report "embedded 0 texts" on a re-run.
    """

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.path = Path(path)
        self.embedded = 0
        self.cached = 0
        self.queries = 0
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread=False: the API server calls from worker threads; _lock serialises.
            self._db = sqlite3.connect(str(self.path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.Error as exc:
            raise EmbedderError(f"cannot open the embedding cache {self.path}: {exc}") from exc

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _lookup(self, hashes: list[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        name, dim = self.inner.name, self.inner.dim
        for i in range(0, len(hashes), _LOOKUP_CHUNK):
            chunk = hashes[i : i + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT text_sha256, dim, vector FROM passage_vectors WHERE embedder = ? AND text_sha256 IN ({marks})",
                [name, *chunk],
            ).fetchall()
            for h, d, blob in rows:
                if d == dim:  # a model re-published with another size must not be served stale
                    found[h] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def embed_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        with self._lock:
            found = self._lookup(sorted(set(hashes)))
            # Embed each missing distinct text once, even if it occurs several times.
            missing: dict[str, str] = {}
            for h, t in zip(hashes, texts, strict=True):
                if h not in found and h not in missing:
                    missing[h] = t
            if missing:
                vectors = self.inner.embed_passages(list(missing.values()))
                name, dim = self.inner.name, self.inner.dim
                rows = []
                for h, v in zip(missing, vectors, strict=True):
                    vec = np.asarray(v, dtype=np.float32)
                    found[h] = vec
                    rows.append((name, h, dim, vec.tobytes()))
                try:
                    self._db.executemany("INSERT OR REPLACE INTO passage_vectors VALUES (?, ?, ?, ?)", rows)
                    self._db.commit()
                except sqlite3.Error as exc:
                    raise EmbedderError(f"cannot write the embedding cache {self.path}: {exc}") from exc
            self.embedded += len(missing)
            self.cached += len(texts) - len(missing)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)

    def embed_queries(self, texts: list[str]) -> Vectors:
        self.queries += len(texts)
        return self.inner.embed_queries(texts)

    def close(self) -> None:
        with self._lock:
            self._db.close()
