"""Fusing the dense and lexical candidate lists into one ranking, with constants fitted from gold.

Search fetches two candidate lists from the index (dense MaxSim and lexical BM25, each
``depth`` deep) and ranks their union here, on the client, so that the same code ranks a
live question and an evaluation replaying stored candidates under many constant sets.

Two fusions, chosen (like every constant) by leave-one-hearing-out fitting in
:mod:`search_api.evaluate_search`, not by hand:

- ``rrf``: weighted reciprocal rank fusion, ``1/(k + dense rank) + w/(k + lexical rank)``;
- ``score``: normalised score fusion, ``(1 - a) * dense' + a * lexical'`` where ``dense'`` is
  the cosine min-max scaled over the candidates and ``lexical'`` the BM25 score over its best.

Then, greedily (like MMR with the letter as the redundancy unit), each further passage of a
letter already ranked has its score multiplied by ``decay`` (questions like "which
respondents ..." want several letters), and near-duplicates from other letters (campaign
letters repeating one council resolution) follow the passage they copy. Graph signals
multiply the fused score: ``sender_boost`` for passages whose sender the question names
("Hva mener Kystby om ..."), ``proposal_boost`` for passages the graph holds a position in on
the proposal the question is about (the closest proposal text by the dense model, when it
beats the next one by ``proposal_margin``), and ``position_boost`` more when that position
has the stance a "Hvem støtter / who opposes ..." question asks for.

The constants that ship live in ``search_params.json`` next to this module, written by
``policykg evaluate search GOLD... --fit``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from search_api.points import linked_entities
from search_api.ranker import LearnedRanker, passage_of, stances_wanted
from search_api.ranker import sender_id as _sender_id

__all__ = [
    "NEAR_DUPLICATE",
    "PARAMS_FILE",
    "Candidate",
    "FusionParams",
    "QuestionSignals",
    "fuse_candidates",
    "load_params",
    "save_params",
]

PARAMS_FILE = Path(__file__).with_name("search_params.json")
# Two passages of different letters are copies when this share of the shorter one's words
# lies in the other; passages under _MIN_DUP_WORDS distinct words ("Havbu kommune") never are.
NEAR_DUPLICATE = 0.8
_MIN_DUP_WORDS = 8
_WORD = re.compile(r"[^\W_]+")

Method = Literal["rrf", "score", "learned"]


@dataclass(frozen=True, slots=True)
class FusionParams:
    """Every constant the ranking depends on; defaults are the pre-fitting hand-picked ones."""

    method: Method = "rrf"
    k: float = 2.0  # rrf constant
    lexical_weight: float = 1.0  # rrf: weight of the lexical list (dense 1); score: share a of lexical
    decay: float = 0.6  # score factor per passage of the same letter already ranked
    query_stop_words: bool = True  # drop words naming the hearing from the lexical query
    sender_boost: float = 0.0  # fused score x (1 + b) for passages of a sender the question names
    proposal_boost: float = 0.0  # x (1 + b) for passages with a position on the proposal asked about
    proposal_margin: float = 0.02  # the closest proposal counts when it beats the next by this cosine
    position_boost: float = 0.0  # x (1 + b) more when that position has the stance the question asks
    ranker: LearnedRanker | None = None  # method "learned": the fitted model (search_api.ranker)

    def __post_init__(self) -> None:
        if self.method == "learned" and self.ranker is None:
            raise ValueError("search method 'learned' needs a fitted ranker")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ranker"] = self.ranker.to_json() if self.ranker is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FusionParams:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known - {"fitted_on", "objective", "note", "selection"}
        if unknown:
            raise ValueError(f"unknown search constants {sorted(unknown)}; known: {sorted(known)}")
        values = {k: v for k, v in data.items() if k in known}
        if isinstance(values.get("ranker"), dict):
            values["ranker"] = LearnedRanker.from_json(values["ranker"])
        return cls(**values)

    def with_(self, **changes: Any) -> FusionParams:
        return replace(self, **changes)


def load_params(path: Path = PARAMS_FILE) -> FusionParams:
    """The shipped constants; the hand-picked defaults when no fitted file exists."""
    if not path.is_file():
        return FusionParams()
    try:
        return FusionParams.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: cannot read the fitted search constants: {exc}") from exc


def save_params(params: FusionParams, path: Path = PARAMS_FILE, **info: Any) -> None:
    """Write constants (sorted keys, so a re-fit on the same data gives the same bytes)."""
    data = {**params.to_json(), **info}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


@dataclass(slots=True)
class Candidate:
    """One point that either list brought in, with its rank and score in each (None: absent)."""

    pid: str
    payload: dict[str, Any]
    dense: float | None = None
    dense_rank: int | None = None
    lexical: float | None = None
    lexical_rank: int | None = None
    why: list[str] = field(default_factory=list)
    # Memos (the same candidate is fused under many constant sets during a fit).
    _words: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _copies: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @property
    def doc(self) -> str:
        return str(self.payload.get("document_iri") or self.payload.get("file_name") or self.pid)

    @property
    def is_passage(self) -> bool:
        return self.payload.get("kind") == "passage"

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = _words(str(self.payload.get("text", "")))
        return self._words

    def copied_by(self, other: Candidate) -> bool:
        """Is ``other`` a near-duplicate passage of this one in another letter (a campaign copy)?"""
        if other.pid not in self._copies:
            self._copies[other.pid] = (
                other.is_passage and other.doc != self.doc and _near_duplicate(self.words, other.words)
            )
        return self._copies[other.pid]


@dataclass(frozen=True, slots=True)
class QuestionSignals:
    """What the question names that the graph knows.

    ``actors``: ids of senders it names; ``proposals``: the proposals closest to it by the dense
    model, (id, cosine) best first, of which :meth:`proposal` picks one when it stands out;
    ``stances``: the stances a "who supports / who opposes ..." question asks for, ``stance``
    the first of them.
    """

    actors: frozenset[str] = frozenset()
    proposals: tuple[tuple[str, float], ...] = ()
    # "supports" | "opposes" | "qualified" for "Hvem støtter ..." questions; several for "positive,
    # fully or with reservations".
    stances: tuple[str, ...] = ()
    # The graph's positions on the closest proposal: (document IRI, stance) per response.
    positions: tuple[tuple[str, str], ...] = ()
    question: str = ""  # the text asked (the learned ranker compares its words with a passage's)
    actor_types: frozenset[str] = frozenset()  # kinds of sender it asks about ("Hvilken kommune ...")
    # How surely it asks who answered without comments (1 by a cue phrase, else the question-kind
    # model's probability; 0: it does not), and who adopted another body's response.
    no_comments: float = 0.0
    endorsing: float = 0.0
    without_comments: frozenset[str] = frozenset()  # document IRIs the graph has as "uten merknad"
    # It asks who adopted another body's response: the letters that did, and the passages saying so.
    endorsing_letters: frozenset[str] = frozenset()
    endorsement_passages: frozenset[str] = frozenset()
    # Pilots and grant schemes by the cosine of the question to what the letters say about each
    # (PassageIndex.entity_centroids), closest first.
    entities: tuple[tuple[str, float], ...] = ()

    @property
    def stance(self) -> str | None:
        """The first stance the question asks for (it orders the /ask positions answer)."""
        return self.stances[0] if self.stances else None

    def graph_letters(self) -> frozenset[str]:
        """The letters whose passages the graph brings as candidates for this question."""
        return (self.without_comments if self.no_comments else frozenset()) | self.endorsing_letters

    def proposal(self, margin: float) -> str | None:
        if not self.proposals:
            return None
        first = self.proposals[0]
        second = self.proposals[1][1] if len(self.proposals) > 1 else -1.0
        return first[0] if first[1] - second >= margin else None


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    if len(a) < _MIN_DUP_WORDS or len(b) < _MIN_DUP_WORDS:
        return False
    return len(a & b) >= NEAR_DUPLICATE * min(len(a), len(b))


def _base_scores(
    cands: Sequence[Candidate], p: FusionParams, signals: QuestionSignals | None = None
) -> list[float]:
    if p.method == "learned" and p.ranker is not None:
        return p.ranker.score(cands, signals, p.proposal_margin)
    if p.method == "rrf":
        return [
            (1.0 / (p.k + c.dense_rank) if c.dense_rank else 0.0)
            + (p.lexical_weight / (p.k + c.lexical_rank) if c.lexical_rank else 0.0)
            for c in cands
        ]
    dense = [c.dense for c in cands if c.dense is not None]
    lo, hi = (min(dense), max(dense)) if dense else (0.0, 1.0)
    top_lex = max((c.lexical for c in cands if c.lexical is not None), default=0.0)
    out = []
    for c in cands:
        d = (c.dense - lo) / (hi - lo) if c.dense is not None and hi > lo else (1.0 if c.dense else 0.0)
        lex = c.lexical / top_lex if c.lexical is not None and top_lex > 0 else 0.0
        out.append((1.0 - p.lexical_weight) * d + p.lexical_weight * lex)
    return out


def fuse_candidates(
    cands: Sequence[Candidate],
    params: FusionParams,
    signals: QuestionSignals | None = None,
    *,
    limit: int = 10,
    base: Sequence[float] | None = None,
) -> list[tuple[Candidate, float]]:
    """The ``limit`` best candidates, best first, with their fused scores (see the module docstring).

    A copy pulled up behind its original carries its own score, so scores need not be monotonic.
    Each candidate's ``why`` is filled with the signals that found it. ``base``: the candidates'
    scores before the graph boosts and decay when already computed (an evaluation replaying a
    learned ranker scores each question's features once).
    """
    if base is None:
        base = _base_scores(cands, params, signals)
    asked = signals.actors if signals else frozenset()
    proposal = (
        signals.proposal(params.proposal_margin)
        if signals and (params.proposal_boost or params.position_boost)
        else None
    )
    wanted = stances_wanted(signals) if signals and proposal else ()
    holds = {doc: st for doc, st in signals.positions if st in wanted} if signals and wanted else {}
    score: dict[str, float] = {}
    by_id: dict[str, Candidate] = {}
    order: dict[str, int] = {}  # ties go to the earlier candidate (dense list first, as merged)
    for c, s in zip(cands, base, strict=True):
        order[c.pid] = len(order)
        c.why = [w for w, r in (("text", c.dense_rank), ("words", c.lexical_rank)) if r]
        if signals and signals.actor_types and c.payload.get("actor_type") in signals.actor_types:
            c.why.append("actor type")
        if signals and signals.no_comments and c.payload.get("document_iri") in signals.without_comments:
            c.why.append("no comments")
        if signals and passage_of(c.payload) in signals.endorsement_passages:
            c.why.append("endorsement")
        if signals and signals.entities and signals.entities[0][0] in linked_entities(c.payload):
            c.why.append("pilot or grant scheme")
        if asked and _sender_id(c.payload) in asked:
            c.why.append("actor")
            s *= 1.0 + params.sender_boost
        if proposal and proposal in (c.payload.get("recommendations") or ()):
            c.why.append("proposal")
            s *= 1.0 + params.proposal_boost
            if c.payload.get("document_iri") in holds:
                c.why.append("position")
                s *= 1.0 + params.position_boost
        score[c.pid] = s
        by_id[c.pid] = c

    left = dict(score)
    seen: dict[str, int] = {}
    out: list[tuple[Candidate, float]] = []
    decay = params.decay
    while left and len(out) < limit:
        best = max(left, key=lambda pid: (left[pid] * decay ** seen.get(by_id[pid].doc, 0), -order[pid]))
        group = [best]
        b = by_id[best]
        if b.is_passage:
            copies = [pid for pid in left if pid != best and b.copied_by(by_id[pid])]
            group += sorted(copies, key=lambda q: (-left[q], order[q]))
        for pid in group:
            out.append((by_id[pid], score[pid]))
            seen[by_id[pid].doc] = seen.get(by_id[pid].doc, 0) + 1
            del left[pid]
    return out[:limit]


def merge_lists(
    dense: Iterable[tuple[str, dict[str, Any], float]],
    lexical: Iterable[tuple[str, dict[str, Any], float]],
    graph: Iterable[tuple[str, dict[str, Any], float]] = (),
) -> list[Candidate]:
    """Union of the two ranked lists ((id, payload, score) best first) as candidates, then the
    passages the graph brought (``graph``, with their cosine but no rank) that neither list has."""
    out: dict[str, Candidate] = {}
    for rank, (pid, payload, s) in enumerate(dense, start=1):
        out[pid] = Candidate(pid, payload, dense=s, dense_rank=rank)
    for rank, (pid, payload, s) in enumerate(lexical, start=1):
        c = out.setdefault(pid, Candidate(pid, payload))
        c.lexical, c.lexical_rank = s, rank
    for pid, payload, s in graph:
        out.setdefault(pid, Candidate(pid, payload, dense=s))
    return list(out.values())
