"""Hybrid search: dense (semantic) + lexical (BM25-style) fused by Qdrant with RRF.

Dense vectors find paraphrases and cross-language matches (an English question about a
nynorsk letter); the lexical vector finds names, numbers and rare words exactly
("Rindal", "Arkiverket", "2027"). Reciprocal rank fusion needs no score calibration
between the two, which is why it is used instead of a weighted sum. Both candidate
lists are fetched by Qdrant itself (``prefetch``) and fused server-side in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from qdrant_client import models as qm

from ingest.embedding import Embedder
from ingest.lexical import query_sparse_vector
from search_api.errors import SearchQueryError
from search_api.index import DENSE, LEXICAL, PassageIndex

__all__ = ["MODES", "PREFETCH_LIMIT", "Hit", "HybridSearcher", "SearchFilters"]

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "dense", "lexical")
# Candidates per method before fusion. RRF only reorders what the two lists bring in, so
# each list must be deep enough to hold answers one method ranks low; 50 covers several
# paragraphs per letter for a hearing of some hundred letters and costs little.
PREFETCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Restrict a search; ``None`` means no restriction on that field."""

    actor_type: str | None = None
    recommendation: str | None = None  # id, e.g. "R2": passages with a position on it
    language: str | None = None  # "nb" | "nn"
    file_name: str | None = None
    kind: str | None = None
    graph_iri: str | None = None

    def conditions(self) -> list[qm.Condition]:
        pairs = (
            ("actor_type", self.actor_type),
            ("recommendations", self.recommendation),
            ("language", self.language),
            ("file_name", self.file_name),
            ("kind", self.kind),
            ("graph_iri", self.graph_iri),
        )
        # MatchValue on a list field (recommendations) matches when any element equals it.
        return [qm.FieldCondition(key=k, match=qm.MatchValue(value=v)) for k, v in pairs if v]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result with what the index knows about it."""

    iri: str
    kind: str
    score: float
    text: str
    file_name: str | None = None
    document_iri: str | None = None
    sender_name: str | None = None
    sender_iri: str | None = None
    actor_type: str | None = None
    date: str | None = None
    language: str | None = None
    passage_index: int | None = None
    start: int | None = None
    end: int | None = None
    recommendations: tuple[str, ...] = ()
    pilots: tuple[str, ...] = ()
    grant_schemes: tuple[str, ...] = ()
    entity_id: str | None = None
    label: str | None = None
    headings: tuple[str, ...] = field(default=())

    @classmethod
    def from_point(cls, point: qm.ScoredPoint) -> Hit:
        p: dict[str, Any] = dict(point.payload or {})
        return cls(
            iri=str(p.get("iri", "")),
            kind=str(p.get("kind", "")),
            score=float(point.score),
            text=str(p.get("text", "")),
            file_name=p.get("file_name"),
            document_iri=p.get("document_iri"),
            sender_name=p.get("sender_name"),
            sender_iri=p.get("sender_iri"),
            actor_type=p.get("actor_type"),
            date=p.get("date"),
            language=p.get("language"),
            passage_index=p.get("passage_index"),
            start=p.get("start"),
            end=p.get("end"),
            recommendations=tuple(p.get("recommendations") or ()),
            pilots=tuple(p.get("pilots") or ()),
            grant_schemes=tuple(p.get("grant_schemes") or ()),
            entity_id=p.get("entity_id"),
            label=p.get("label"),
            headings=tuple(p.get("headings") or ()),
        )


class HybridSearcher:
    """Searches a :class:`PassageIndex` with the embedder it was built with."""

    def __init__(
        self, index: PassageIndex, embedder: Embedder, *, prefetch_limit: int = PREFETCH_LIMIT
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.prefetch_limit = prefetch_limit

    def build_filter(self, filters: SearchFilters | None, kinds: Sequence[str] | None) -> qm.Filter:
        must = filters.conditions() if filters else []
        if kinds:
            must.append(qm.FieldCondition(key="kind", match=qm.MatchAny(any=list(kinds))))
        return qm.Filter(must=must or None, must_not=[PassageIndex.not_meta()])

    def search(
        self,
        question: str,
        *,
        top_k: int = 10,
        mode: str = "hybrid",
        filters: SearchFilters | None = None,
        kinds: Sequence[str] | None = ("passage",),
    ) -> list[Hit]:
        """The ``top_k`` best items for a question; ``kinds=None`` searches entities too."""
        if mode not in MODES:
            raise SearchQueryError(f"unknown search mode '{mode}'; use one of {', '.join(MODES)}")
        if not question.strip():
            raise SearchQueryError("the question is empty")
        if top_k < 1:
            raise SearchQueryError("top_k must be at least 1")
        # Refuse vectors of another model before computing anything; no index yet = no hits.
        if not self.index.check_embedder(self.embedder):
            return []
        flt = self.build_filter(filters, kinds)
        client, coll = self.index.client, self.index.collection
        dense: list[list[float]] | None = None
        if mode in ("hybrid", "dense"):
            # "dense" is a MaxSim multivector: a one-row query scores each point by its best row.
            dense = [self.embedder.embed_queries([question])[0].tolist()]
        sparse: qm.SparseVector | None = None
        if mode in ("hybrid", "lexical"):
            idx, val = query_sparse_vector(question)
            sparse = qm.SparseVector(indices=idx, values=val)
            if not idx and mode == "lexical":
                return []  # only stop words: nothing can match lexically
        if mode == "dense" or (mode == "hybrid" and sparse is not None and not sparse.indices):
            res = client.query_points(
                coll, query=dense, using=DENSE, query_filter=flt, limit=top_k, with_payload=True
            )
        elif mode == "lexical":
            res = client.query_points(
                coll, query=sparse, using=LEXICAL, query_filter=flt, limit=top_k, with_payload=True
            )
        else:
            limit = max(self.prefetch_limit, top_k)
            res = client.query_points(
                coll,
                prefetch=[
                    qm.Prefetch(query=dense, using=DENSE, filter=flt, limit=limit),
                    qm.Prefetch(query=sparse, using=LEXICAL, filter=flt, limit=limit),
                ],
                query=qm.FusionQuery(fusion=qm.Fusion.RRF),
                query_filter=flt,
                limit=top_k,
                with_payload=True,
            )
        return [Hit.from_point(p) for p in res.points]
