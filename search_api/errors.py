"""Exceptions raised by the search layer (vector index and hybrid search).

PolicykgError (ingest.errors)
└── SearchError                 (anything the index or search refuses or fails at)
    ├── IndexConfigError        (ambiguous or missing index settings: path *and* url ...)
    ├── IndexUnavailableError   (the index cannot be opened or reached: locked folder, server down)
    ├── EmbedderMismatchError   (the index was built with another embedder; run `policykg reindex`)
    └── SearchQueryError        (a bad search request: unknown mode, empty question ...)
QueueFullError (PolicykgError)  (the server's job queue is full or stopping; retry later)

The whole tree, from the root in ``ingest.errors`` (the lowest layer, so every layer can raise
and catch it) through ``graph.errors`` to this module, is re-exported by ``search_api`` and
mapped to HTTP statuses in one table, ``search_api.api.errors.STATUS``.
"""

from __future__ import annotations

from ingest.errors import PolicykgError

__all__ = [
    "EmbedderMismatchError",
    "IndexConfigError",
    "IndexUnavailableError",
    "QueueFullError",
    "SearchError",
    "SearchQueryError",
]


class SearchError(PolicykgError):
    """Base of the search layer's errors."""


class IndexConfigError(SearchError):
    """The index settings are ambiguous or incomplete."""


class IndexUnavailableError(SearchError):
    """The index cannot be opened (folder locked by another process, server unreachable, ...)."""


class EmbedderMismatchError(SearchError):
    """The index holds vectors of another embedder than the one asked to use it."""

    def __init__(self, index_embedder: str, index_dim: int, embedder: str, dim: int) -> None:
        self.index_embedder = index_embedder
        self.index_dim = index_dim
        self.embedder = embedder
        self.dim = dim
        super().__init__(
            f"the index was built with embedder '{index_embedder}' (dim {index_dim}), "
            f"not '{embedder}' (dim {dim}); run `policykg reindex` to rebuild it with the "
            f"current embedder, or use --embedder to pick the one it was built with"
        )


class SearchQueryError(SearchError):
    """The search request itself is wrong (unknown mode, bad filter ...)."""


class QueueFullError(PolicykgError):
    """Too many jobs are waiting, or the server is stopping; the client should retry later."""
