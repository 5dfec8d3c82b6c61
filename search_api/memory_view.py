"""An in-memory copy of an embedded index's vectors, so a question costs a few matrix products.

The embedded (local) Qdrant scores every point in Python on each query and deep-copies the
payloads it returns: on a development hearing its three searches per question (dense,
lexical, proposals) took about twice as long as embedding the question. What it computes is
small and fixed between writes (the stacked MaxSim rows, the sparse vectors and their
document frequencies), so :class:`MemoryView` reads them once per index *generation* (every
write bumps it, see :class:`search_api.index.PassageIndex`) and answers a query with numpy:

- dense: MaxSim of a one-row query = the best cosine over a point's rows (the passage and its
  sentences), like Qdrant's ``MAX_SIM`` comparator on unit vectors;
- lexical: ``sum(query weight x IDF x document weight)`` over shared terms, with Qdrant's
  ``Modifier.IDF``: ``ln(1 + (N - df + 0.5) / (df + 0.5))`` over the points that have the
  sparse vector; points sharing no term are not returned (as in Qdrant).

Only the filters search builds (field equals a value / any of values, on keyword and list
fields; ``must`` and ``must_not``) are evaluated here; any other request goes to Qdrant. A
Qdrant server is always queried directly: it has its own indexes and other writers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from qdrant_client import models as qm

__all__ = ["MemoryView", "Ranked", "supported", "unit_mean"]

Ranked = list[tuple[str, dict[str, Any], float]]


def unit_mean(vectors: Sequence[Any]) -> np.ndarray:
    """The mean of ``vectors``, scaled to unit length (a centroid compared by cosine)."""
    m = np.mean(np.asarray(vectors, dtype=np.float32), axis=0)
    return m / (float(np.linalg.norm(m)) or 1.0)


def _condition_ok(cond: Any) -> bool:
    return isinstance(cond, qm.FieldCondition) and isinstance(cond.match, qm.MatchValue | qm.MatchAny)


def supported(request: qm.QueryRequest) -> bool:
    """Can :class:`MemoryView` answer this request exactly like Qdrant?"""
    flt = request.filter
    if request.prefetch or request.offset or (flt is not None and (flt.should or flt.min_should)):
        return False
    query = request.query
    dense_ok = isinstance(query, list) and len(query) == 1 and isinstance(query[0], list)
    if not (dense_ok or isinstance(query, qm.SparseVector)):
        return False
    if flt is None:
        return True
    conds = [*(flt.must or []), *(flt.must_not or [])]
    return all(_condition_ok(c) for c in conds)


class MemoryView:
    """The points of one collection generation: payloads, stacked dense rows, sparse vectors."""

    def __init__(
        self, points: Sequence[tuple[str, dict[str, Any], list[list[float]], Any]], dense: str
    ) -> None:
        """``points``: (id, payload, dense rows, sparse vector or None) of every point."""
        self.dense_name = dense
        self.ids = [p[0] for p in points]
        self.payloads = [p[1] for p in points]
        rows: list[np.ndarray] = []
        owner: list[int] = []
        for i, (_, _, multi, _) in enumerate(points):
            m = np.asarray(multi, dtype=np.float32).reshape(len(multi), -1) if multi else None
            if m is None or not len(m):
                continue
            norms = np.linalg.norm(m, axis=1, keepdims=True)
            rows.append(m / np.where(norms > 0, norms, 1.0))
            owner.extend([i] * len(m))
        self.rows = np.vstack(rows) if rows else np.zeros((0, 1), dtype=np.float32)
        self.owner = np.asarray(owner, dtype=np.int64)
        # Rows are grouped by point: reduceat over each group's first row gives the MaxSim.
        starts, seen = [], -1
        for r, o in enumerate(owner):
            if o != seen:
                starts.append(r)
                seen = o
        self.starts = np.asarray(starts, dtype=np.int64)
        self.has_rows = self.owner[self.starts] if len(starts) else np.zeros(0, dtype=np.int64)
        # Inverted lists term -> (points, weights); df counts points that carry a sparse vector.
        postings: dict[int, tuple[list[int], list[float]]] = {}
        n_sparse = 0
        for i, (_, _, _, sparse) in enumerate(points):
            if sparse is None:
                continue
            n_sparse += 1
            for t, w in zip(sparse.indices, sparse.values, strict=True):
                lst = postings.setdefault(int(t), ([], []))
                lst[0].append(i)
                lst[1].append(float(w))
        self.postings = {t: (np.asarray(p, dtype=np.int64), np.asarray(w)) for t, (p, w) in postings.items()}
        self.n_sparse = n_sparse
        self._by_value: dict[str, dict[Any, np.ndarray]] = {}
        self._centroids: dict[str, np.ndarray] | None = None

    def entity_centroids(self, linked: Callable[[dict[str, Any]], Iterable[str]]) -> dict[str, np.ndarray]:
        """Entity id -> the unit mean of the whole-text vectors (each point's first row) of the
        passages whose payload ``linked`` names it with; kept for this generation."""
        if self._centroids is None:
            firsts = {int(o): self.rows[r] for r, o in zip(self.starts, self.has_rows, strict=True)}
            groups: dict[str, list[np.ndarray]] = {}
            for i, payload in enumerate(self.payloads):
                if payload.get("kind") == "passage" and i in firsts:
                    for entity in linked(payload):
                        groups.setdefault(entity, []).append(firsts[i])
            self._centroids = {e: unit_mean(vs) for e, vs in groups.items()}
        return self._centroids

    def _points_with(self, key: str) -> dict[Any, np.ndarray]:
        """Value -> indices of the points whose payload field ``key`` is or contains it, built on
        first use and kept for this generation: a filter is then a few array unions instead of a
        Python test of every payload (0.3 s a query at 7,500 points)."""
        got = self._by_value.get(key)
        if got is None:
            lists: dict[Any, list[int]] = {}
            for i, payload in enumerate(self.payloads):
                value = payload.get(key)
                for v in value if isinstance(value, list) else [value]:
                    try:
                        lists.setdefault(v, []).append(i)
                    except TypeError:  # an unhashable payload value cannot equal a match value
                        continue
            got = self._by_value[key] = {v: np.asarray(ix, dtype=np.int64) for v, ix in lists.items()}
        return got

    def _condition_mask(self, cond: qm.FieldCondition) -> np.ndarray:
        by_value = self._points_with(cond.key)
        match = cond.match
        wanted = [match.value] if isinstance(match, qm.MatchValue) else list(match.any)  # type: ignore[union-attr]
        mask = np.zeros(len(self.ids), dtype=bool)
        for v in wanted:
            try:
                ix = by_value.get(v)
            except TypeError:
                continue
            if ix is not None:
                mask[ix] = True
        return mask

    def _mask(self, flt: qm.Filter | None) -> np.ndarray:
        mask = np.ones(len(self.ids), dtype=bool)
        if flt is None:
            return mask
        for c in flt.must or []:
            mask &= self._condition_mask(c)  # type: ignore[arg-type]
        for c in flt.must_not or []:
            mask &= ~self._condition_mask(c)  # type: ignore[arg-type]
        return mask

    def _top(self, scores: np.ndarray, candidates: np.ndarray, limit: int) -> Ranked:
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
        return [(self.ids[i], self.payloads[i], float(scores[i])) for i in order]

    def query(self, request: qm.QueryRequest) -> Ranked:
        """The request's best points, best first (same scores as Qdrant's)."""
        mask = self._mask(request.filter)
        limit = request.limit or 10
        query = request.query
        if isinstance(query, qm.SparseVector):
            scores = np.zeros(len(self.ids))
            hit = np.zeros(len(self.ids), dtype=bool)
            for t, w in zip(query.indices, query.values, strict=True):
                got = self.postings.get(int(t))
                if got is None:
                    continue
                pts, weights = got
                idf = math.log((self.n_sparse - len(pts) + 0.5) / (len(pts) + 0.5) + 1.0)
                np.add.at(scores, pts, w * idf * weights)
                hit[pts] = True
            return self._top(scores, np.nonzero(hit & mask)[0], limit)
        q = np.asarray(query[0], dtype=np.float32)  # type: ignore[index]
        q = q / (np.linalg.norm(q) or 1.0)
        scores = np.full(len(self.ids), -np.inf)
        if len(self.starts):
            scores[self.has_rows] = np.maximum.reduceat(self.rows @ q, self.starts)
        return self._top(scores, np.nonzero(mask & np.isfinite(scores))[0], limit)
