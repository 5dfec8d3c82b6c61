"""Hybrid search: dense (semantic) + lexical (BM25-style) candidates, fused on the client.

Dense vectors find paraphrases and cross-language matches (an English question about a
nynorsk letter); the lexical vector finds names, numbers and rare words exactly
("Rindal", "Arkiverket", "2027"). Search runs in two steps so that evaluation can replay
them: :meth:`HybridSearcher.candidates` asks the index for both lists (one batch call) and
reads the question (which senders it names, :mod:`search_api.question`);
:meth:`HybridSearcher.rank` fuses them with :mod:`search_api.fusion` under a set of
constants, by default the ones fitted leave-one-hearing-out and shipped in
``search_params.json``. ``dense`` and ``lexical`` modes return one list unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from qdrant_client import models as qm

from graph.records import IndexItem
from ingest.embedding import Embedder
from ingest.lexical import analyze, query_sparse_vector, term_id
from search_api.errors import SearchQueryError
from search_api.fusion import (
    Candidate,
    FusionParams,
    QuestionSignals,
    fuse_candidates,
    load_params,
    merge_lists,
)
from search_api.index import DENSE, LEXICAL, PassageIndex
from search_api.question import dense_query

if TYPE_CHECKING:
    from search_api.question import QuestionReader
    from search_api.question_kinds import KindModel

__all__ = [
    "MODES",
    "PREFETCH_LIMIT",
    "Candidates",
    "Hit",
    "HybridSearcher",
    "SearchFilters",
    "lexical_query",
    "rank",
]

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "dense", "lexical")
# Candidates per method before fusion. Fusion only reorders what the two lists bring in, so
# each list must be deep enough to hold answers one method ranks low; 50 covers several
# paragraphs per letter for a hearing of some hundred letters and costs little.
PREFETCH_LIMIT = 50
PROPOSAL_KINDS = ("recommendation", "assessment")

Ranked = list[tuple[str, dict[str, Any], float]]


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit(IndexItem):
    """One search result: the index item (its payload read back) with its score and why it was found."""

    score: float
    passage_iri: str | None = None  # the graph's passage (a sentence window's iri is its own)
    why: tuple[str, ...] = ()  # what found it: "text" (dense), "words" (lexical), "actor", ...

    @classmethod
    def from_point(cls, point: qm.ScoredPoint) -> Hit:
        return cls.from_payload(dict(point.payload or {}), float(point.score))

    @classmethod
    def from_payload(cls, p: dict[str, Any], score: float, why: Sequence[str] = ()) -> Hit:
        """The hit of a point's payload (``points.item_payload`` wrote every IndexItem field; lists back to tuples)."""
        item: dict[str, Any] = {}
        for name in _ITEM_FIELDS:
            value = p.get(name)
            item[name] = tuple(value or ()) if name in _TUPLE_FIELDS else value
        for name in _REQUIRED_TEXT:
            item[name] = str(item[name] or "")
        return cls(**item, score=score, passage_iri=p.get("passage_iri") or p.get("iri"), why=tuple(why))


_ITEM_FIELDS = tuple(f.name for f in fields(IndexItem))
_TUPLE_FIELDS = frozenset(f.name for f in fields(IndexItem) if str(f.type).startswith("tuple"))
_REQUIRED_TEXT = ("iri", "kind", "text", "graph_iri")  # the str fields without a default


def lexical_query(question: str, *, stop_words: bool) -> tuple[list[int], list[float]]:
    """The question's sparse vector, with or without the query-side stop words naming the hearing."""
    if stop_words:
        return query_sparse_vector(question)
    ids = sorted({term_id(t) for t in analyze(question)})
    return ids, [1.0] * len(ids)


@dataclass(slots=True)
class Candidates:
    """What the index returned for one question, before fusion (see :meth:`HybridSearcher.rank`)."""

    question: str
    dense: Ranked
    lexical: dict[bool, Ranked]  # by "query stop words dropped"
    signals: QuestionSignals = field(default_factory=QuestionSignals)
    embed_ms: float = 0.0
    graph: Ranked = field(default_factory=list)  # passages the graph brought (no-comments letters)
    _merged: dict[bool, list[Candidate]] = field(default_factory=dict, repr=False)

    def merged(self, stop_words: bool) -> list[Candidate]:
        """The union of the two lists as candidates (kept: a fit fuses them under many constants)."""
        if stop_words not in self._merged:
            self._merged[stop_words] = merge_lists(self.dense, self.lexical.get(stop_words, []), self.graph)
        return self._merged[stop_words]


def rank(cands: Candidates, *, mode: str, top_k: int, params: FusionParams) -> list[Hit]:
    """The ranking step of search, pure: the same for a live question and a replayed one."""
    lexical = cands.lexical.get(params.query_stop_words, [])
    if mode == "dense":
        return [Hit.from_payload(pl, s, ("text",)) for _, pl, s in cands.dense[:top_k]]
    if mode == "lexical":
        return [Hit.from_payload(pl, s, ("words",)) for _, pl, s in lexical[:top_k]]
    fused = fuse_candidates(cands.merged(params.query_stop_words), params, cands.signals, limit=top_k)
    return [Hit.from_payload(c.payload, s, c.why) for c, s in fused]


class HybridSearcher:
    """Searches a :class:`PassageIndex` with the embedder it was built with."""

    def __init__(
        self,
        index: PassageIndex,
        embedder: Embedder,
        *,
        prefetch_limit: int = PREFETCH_LIMIT,
        params: FusionParams | None = None,
        reader: QuestionReader | None = None,
        kind_model: KindModel | None = None,
    ) -> None:
        """``reader`` reads the question against the graph; ``kind_model`` reads what it asks for by its
        vector (:func:`search_api.question_kinds.load_kind_model`; None: the cue lists alone)."""
        self.index = index
        self.embedder = embedder
        self.prefetch_limit = prefetch_limit
        self.params = params or load_params()
        self.reader = reader
        self.kind_model = kind_model

    def build_filter(self, filters: SearchFilters | None, kinds: Sequence[str] | None) -> qm.Filter:
        must = filters.conditions() if filters else []
        if kinds:
            must.append(qm.FieldCondition(key="kind", match=qm.MatchAny(any=list(kinds))))
        return qm.Filter(must=must or None, must_not=[PassageIndex.not_meta()])

    def candidates(
        self,
        question: str,
        *,
        mode: str = "hybrid",
        filters: SearchFilters | None = None,
        kinds: Sequence[str] | None = ("passage",),
        limit: int | None = None,
        stop_word_variants: Sequence[bool] | None = None,
        keep_names: bool = False,
    ) -> Candidates:
        """Both candidate lists (only the one a single-list mode needs) and the question's signals.

        ``stop_word_variants`` fetches the lexical list for each setting (evaluation fits it);
        by default only the one the constants use. ``keep_names``: the dense model reads the
        question as :func:`dense_query` gives it, the senders and kinds of sender it names kept
        (:meth:`dense_text` leaves them out); evaluation's plain dense baseline.
        """
        if mode not in MODES:
            raise SearchQueryError(f"unknown search mode '{mode}'; use one of {', '.join(MODES)}")
        if not question.strip():
            raise SearchQueryError("the question is empty")
        limit = limit or self.prefetch_limit
        flt = self.build_filter(filters, kinds)
        requests: list[qm.QueryRequest] = []
        embed_ms = 0.0
        dense: list[list[float]] = []
        if mode in ("hybrid", "dense"):
            # "dense" is a MaxSim multivector: a one-row query scores each point by its best row.
            started = time.perf_counter()
            text = dense_query(question) if keep_names else self.dense_text(question)
            dense = [self.embedder.embed_queries([text])[0].tolist()]
            embed_ms = (time.perf_counter() - started) * 1000.0
            requests.append(
                qm.QueryRequest(query=dense, using=DENSE, filter=flt, limit=limit, with_payload=True)
            )
        variants: list[bool] = []
        if mode in ("hybrid", "lexical"):
            for sw in stop_word_variants or (self.params.query_stop_words,):
                idx, val = lexical_query(question, stop_words=sw)
                if idx:
                    variants.append(sw)
                    sparse = qm.SparseVector(indices=idx, values=val)
                    requests.append(
                        qm.QueryRequest(
                            query=sparse, using=LEXICAL, filter=flt, limit=limit, with_payload=True
                        )
                    )
        # What the question asks for by its meaning (who had no comments / adopted another's response),
        # read from the same query vector; the reader adds the cue phrases.
        asked = self.kind_model.asked(dense[0]) if self.kind_model is not None and dense else {}
        signals = self.reader.read(question, asked) if self.reader is not None else QuestionSignals()
        p = self.params
        # Only when something uses them: a boost, the learned ranker's features, a stance question's
        # positions, or a fit (variants).
        want_proposals = mode == "hybrid" and bool(
            p.method == "learned"
            or p.proposal_boost
            or p.position_boost
            or signals.stance
            or stop_word_variants
        )
        if want_proposals:
            # The proposals closest to the question (their text is in the index as entities).
            requests.append(
                qm.QueryRequest(
                    query=dense,
                    using=DENSE,
                    filter=self.build_filter(None, PROPOSAL_KINDS),
                    limit=3,
                    with_payload=["entity_id"],
                )
            )
        # "Hvem har ingen merknader ...": the letters the graph has as «uten merknad» are candidates;
        # "Hvem slutter seg til svaret fra ...": the letters that adopt another body's response.
        graph_letters = signals.graph_letters()
        want_graph = mode == "hybrid" and bool(graph_letters)
        if want_graph:
            by_graph = qm.Filter(
                must=[
                    *(flt.must or []),
                    qm.FieldCondition(key="document_iri", match=qm.MatchAny(any=sorted(graph_letters))),
                ],
                must_not=flt.must_not,
            )
            requests.append(
                qm.QueryRequest(query=dense, using=DENSE, filter=by_graph, limit=limit, with_payload=True)
            )
        lists = self.index.search_batch(requests)
        graph_list = lists.pop() if want_graph else []
        proposals = lists.pop() if want_proposals else []
        dense_list = lists.pop(0) if mode in ("hybrid", "dense") else []
        closest = tuple((str(pl["entity_id"]), sc) for _, pl, sc in proposals if pl.get("entity_id"))
        held: tuple[tuple[str, str], ...] = ()
        # The graph's positions matter only to a question asking who holds a stance.
        if closest and signals.stance and self.reader is not None and self.reader.positions is not None:
            held = tuple(self.reader.positions(closest[0][0]))
        signals = replace(
            signals, proposals=closest, positions=held, entities=self._entities(dense, want_proposals)
        )
        return Candidates(
            question, dense_list, dict(zip(variants, lists, strict=True)), signals, embed_ms, graph_list
        )

    def dense_text(self, question: str) -> str:
        """What the dense model reads (:meth:`QuestionReader.dense_text`; :func:`dense_query` without a reader)."""
        return self.reader.dense_text(question) if self.reader is not None else dense_query(question)

    def _entities(self, dense: list[list[float]], wanted: bool) -> tuple[tuple[str, float], ...]:
        """Pilots and grant schemes by the question's cosine to their centroids, closest first."""
        centroids = self.index.entity_centroids() if wanted else {}
        if not centroids:
            return ()
        q = np.asarray(dense[0], dtype=np.float32)
        q = q / (float(np.linalg.norm(q)) or 1.0)
        sims = ((e, float(np.dot(c, q))) for e, c in centroids.items())
        return tuple(sorted(sims, key=lambda t: (-t[1], t[0])))

    def rank(
        self, cands: Candidates, *, mode: str = "hybrid", top_k: int = 10, params: FusionParams | None = None
    ) -> list[Hit]:
        """Hits for stored candidates under ``params`` (default: the searcher's constants)."""
        return rank(cands, mode=mode, top_k=top_k, params=params or self.params)

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
        return self.search_with_signals(question, top_k=top_k, mode=mode, filters=filters, kinds=kinds)[0]

    def search_with_signals(
        self,
        question: str,
        *,
        top_k: int = 10,
        mode: str = "hybrid",
        filters: SearchFilters | None = None,
        kinds: Sequence[str] | None = ("passage",),
    ) -> tuple[list[Hit], QuestionSignals]:
        """:meth:`search`, also returning what the question was read to name (senders, proposals)."""
        if mode not in MODES:
            raise SearchQueryError(f"unknown search mode '{mode}'; use one of {', '.join(MODES)}")
        if not question.strip():
            raise SearchQueryError("the question is empty")
        if top_k < 1:
            raise SearchQueryError("top_k must be at least 1")
        if not self.index.check_embedder(self.embedder):
            return [], QuestionSignals()
        cands = self.candidates(
            question, mode=mode, filters=filters, kinds=kinds, limit=max(self.prefetch_limit, top_k)
        )
        return self.rank(cands, mode=mode, top_k=top_k), cands.signals
