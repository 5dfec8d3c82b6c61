"""A learned ranker over the fused candidates: logistic regression on per-candidate features.

Fusion by constants (weighted RRF) only sees the two ranks. Most answers the dense model misses
in its top 5 are in its top 50 among near ties (cosines within a few hundredths), so ranking
them needs more than the ranks: how far a candidate's cosine lies from the best, how much of
the question's words it holds, whether its letter has other strong passages, and what the graph
says about it (its sender is named; its sender is of the kind the question asks about,
"Hvilken kommune ..."; its letter answered "no comments", and this passage says so, when the
question asks who did; this passage is where its letter adopts another body's response, when the
question asks who did that).

:class:`LearnedRanker` is a linear model over standardised features; scoring is a few numpy
products (no scikit-learn at query time), so it costs about what RRF does. The probability it
gives replaces the RRF score in :func:`search_api.fusion.fuse_candidates`, whose per-letter
decay and campaign-copy grouping still apply. Weights, feature set, regularisation and decay
are fitted from gold questions by :mod:`search_api.evaluate_ranker` (feature set and decay by an
inner leave-one-hearing-out over the training hearings only; the shipped weights are the average of
pointwise fits over several regularisations and class weightings and of listwise fits,
:meth:`LearnedRanker.fit_listwise`, :meth:`LearnedRanker.average`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.lexical import analyze
from ingest.lexicon import no_comments_pattern
from search_api.points import linked_entities

if TYPE_CHECKING:
    from search_api.fusion import Candidate, QuestionSignals

__all__ = [
    "FEATURES",
    "FEATURE_SETS",
    "MIN_ENTITIES",
    "LearnedRanker",
    "candidate_features",
    "passage_of",
    "stances_wanted",
]

# A list this deep is what search fetches (search.PREFETCH_LIMIT); an absent rank counts as beyond it.
_ABSENT_RANK = 60
_RRF_K = 2.0

# Every feature the ranker can use, in a fixed order (see candidate_features).
FEATURES: tuple[str, ...] = (
    "rrf",  # 1/(2 + dense rank) + 1/(2 + lexical rank): the fused score RRF ranks by
    "inv_dense_rank",  # 1/(1 + dense rank), 0 when absent
    "inv_lexical_rank",
    "log_dense_rank",  # log(rank), absent = beyond the list
    "log_lexical_rank",
    "no_lexical",  # 1 when the lexical list did not bring it
    "cosine_gap",  # (best cosine - its cosine) x 100: how far from the top
    "cosine_z",  # its cosine as a z-score among the dense candidates
    "lexical_share",  # its BM25 score over the best one
    "sender",  # its sender is named in the question (the question reader)
    "proposal",  # the graph holds a position of its letter on the proposal the question is about
    "position",  # it is on the closest proposal, and its letter holds the stance asked ("Hvem støtter ...")
    "log_length",  # log(characters)
    "coverage",  # share of the question's analysed terms found in it
    "letter_best",  # 1/(best dense rank of any passage of its letter)
    "letter_top",  # 1 when it is its letter's best dense passage
    "letter_n10",  # passages of its letter in the dense top 10
    "actor_type",  # its sender is of a kind the question asks about ("Hvilken kommune ...")
    "actor_type_other",  # the question asks about a kind of sender and its sender is not one
    # The next three weigh by how surely the question asks this (1 by a cue, else the kind model's probability).
    "no_comments",  # the question asks who had no comments and its letter is one without
    "no_comments_said",  # ... and this passage says so ("Vi har ingen merknader", the lexicon's pattern)
    "endorsement",  # the question asks who adopted another's response, and this passage is where its letter does
    "entity",  # how close the question is to a pilot / grant scheme the passage names (z among them; -1: none)
    "rare_coverage",  # share of the question's terms found in it, each weighed by its rarity among the candidates
    "pair_coverage",  # share of the question's adjacent term pairs found adjacent in it ("fast lønn", "nye fastleger")
)
# The graph features added after the first learned ranker; "ranks+text" keeps the first rounds'
# sender, proposal and position features, so the two sets compare what those additions bring.
_GRAPH = frozenset(
    ("actor_type", "actor_type_other", "no_comments", "no_comments_said", "endorsement", "entity")
)
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "ranks+text": tuple(f for f in FEATURES if f not in _GRAPH),
    "ranks+text+graph": FEATURES,
}


# Which stances of the graph answer a question asking for one ("Hvem støtter" includes conditional support).
STANCE_MATCH: dict[str, tuple[str, ...]] = {
    "supports": ("supports", "qualified"),
    "qualified": ("qualified",),
    "opposes": ("opposes",),
}


def stances_wanted(signals: QuestionSignals) -> tuple[str, ...]:
    """The positions that answer the question's stances (a supporter "with reservations" answers
    "who supports")."""
    return tuple(dict.fromkeys(w for s in signals.stances for w in STANCE_MATCH.get(s, ())))


def passage_of(payload: dict[str, Any]) -> str | None:
    """The graph passage an index point stands for (a sentence window's passage)."""
    return payload.get("passage_iri") or payload.get("iri")


# A z-score among fewer entities than this is not read: among two it is +-1 whatever the question,
# among three or four it is little better, and every hearing the ranker was fitted on has 5-12
# pilots and grant schemes, so its weight says nothing about such a spread. Chosen after the fresh
# unseen check (README "Evaluation"): on hearings with 2-4 entities the feature pulled the closer
# entity's passages up for every question (fresh R@5 0.806 -> 0.857 without it there).
MIN_ENTITIES = 5


def _entity_z(signals: QuestionSignals | None) -> dict[str, float]:
    """Each pilot / grant scheme's cosine to the question as a z-score among them ({} for fewer
    than :data:`MIN_ENTITIES`)."""
    sims = dict(signals.entities) if signals is not None else {}
    if len(sims) < MIN_ENTITIES:
        return {}
    vals = np.asarray(list(sims.values()))
    mu, sd = float(vals.mean()), float(vals.std()) or 1.0
    return {e: (v - mu) / sd for e, v in sims.items()}


def sender_id(payload: dict[str, Any]) -> str | None:
    """The actor id of an index point's sender (the last segment of its IRI)."""
    iri = payload.get("sender_iri")
    return str(iri).rsplit("/", 1)[-1] if iri else None


_NOTHING: tuple[frozenset[str], frozenset[tuple[str, str]]] = (frozenset(), frozenset())


@lru_cache(maxsize=65536)
def _analysed(text: str) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """A text's analysed terms and its adjacent term pairs (cached: a passage's text is analysed
    once per process)."""
    terms = analyze(text)
    return frozenset(terms), frozenset(pairwise(terms))


def _rarity(qterms: frozenset[str], texts: Sequence[frozenset[str]]) -> dict[str, float]:
    """Each question term's weight by how few candidates hold it, log((n + 1) / (df + 0.5)).

    The candidates are what both lists found for this question, so a term every candidate holds
    (the hearing's own subject, "skole" in a hearing on schools) says little about which one
    answers, and a term few hold ("nattevakt") says much; the corpus IDF BM25 uses cannot see that.
    """
    n = len(texts)
    return {t: math.log((n + 1) / (sum(1 for ts in texts if t in ts) + 0.5)) for t in qterms}


def candidate_features(
    cands: Sequence[Candidate], signals: QuestionSignals | None, margin: float = 0.02
) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate (``margin``: see ``FusionParams.proposal_margin``)."""
    n = len(cands)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if not n:
        return out
    dense = np.array([c.dense for c in cands if c.dense is not None], dtype=np.float64)
    top_d = float(dense.max()) if len(dense) else 0.0
    low_d = float(dense.min()) if len(dense) else 0.0
    mu = float(dense.mean()) if len(dense) else 0.0
    sd = float(dense.std()) if len(dense) else 0.0
    sd = sd or 1.0
    top_l = max((c.lexical for c in cands if c.lexical is not None), default=0.0) or 1.0
    qterms, qpairs = _analysed(signals.question) if signals is not None and signals.question else _NOTHING
    asked = signals.actors if signals else frozenset()
    proposal = signals.proposal(margin) if signals else None
    # The stance asked is read against the closest proposal even when it does not beat the next
    # by the margin: the graph's positions on it were fetched anyway, and a stance question whose
    # proposal is near a second one (0.001-0.02 apart) still gains (README "Evaluation").
    closest = signals.proposals[0][0] if signals and signals.proposals else None
    wanted = stances_wanted(signals) if signals and closest else ()
    holds = {doc for doc, st in signals.positions if st in wanted} if signals else set()
    types = signals.actor_types if signals else frozenset()
    # The graph's kind features weigh by how surely the question asks for them (1 by a cue phrase).
    without = signals.without_comments if signals and signals.no_comments else frozenset()
    no_comments = signals.no_comments if signals else 0.0
    endorsing = signals.endorsement_passages if signals else frozenset()
    endorsing_w = signals.endorsing if signals else 0.0
    entity_z = _entity_z(signals)
    analysed = [_analysed(str(c.payload.get("text", ""))) for c in cands]
    rarity = _rarity(qterms, [terms for terms, _ in analysed])
    # fsum: a set's order changes with the process's string hashing; an exact sum does not.
    rarity_total = math.fsum(rarity.values())
    best: dict[str, int] = {}
    n10: dict[str, int] = {}
    for c in cands:
        if c.dense_rank:
            best[c.doc] = min(best.get(c.doc, _ABSENT_RANK), c.dense_rank)
            if c.dense_rank <= 10:
                n10[c.doc] = n10.get(c.doc, 0) + 1
    for i, c in enumerate(cands):
        dr, lr = c.dense_rank, c.lexical_rank
        d = c.dense if c.dense is not None else low_d - 0.01
        text = str(c.payload.get("text", ""))
        terms, pairs = analysed[i]
        on = c.payload.get("recommendations") or ()
        in_proposal = bool(proposal and proposal in on)
        holds_asked = bool(closest and closest in on and c.payload.get("document_iri") in holds)
        actor_type = c.payload.get("actor_type")
        out[i] = (
            (1.0 / (_RRF_K + dr) if dr else 0.0) + (1.0 / (_RRF_K + lr) if lr else 0.0),
            1.0 / (1 + dr) if dr else 0.0,
            1.0 / (1 + lr) if lr else 0.0,
            math.log(dr or _ABSENT_RANK),
            math.log(lr or _ABSENT_RANK),
            0.0 if lr else 1.0,
            (top_d - d) * 100.0,
            (d - mu) / sd,
            (c.lexical or 0.0) / top_l,
            1.0 if asked and sender_id(c.payload) in asked else 0.0,
            1.0 if in_proposal else 0.0,
            1.0 if holds_asked else 0.0,
            math.log(10 + len(text)),
            len(qterms & terms) / len(qterms) if qterms else 0.0,
            1.0 / best.get(c.doc, _ABSENT_RANK),
            1.0 if dr and best.get(c.doc) == dr else 0.0,
            float(n10.get(c.doc, 0)),
            1.0 if types and actor_type in types else 0.0,
            1.0 if types and actor_type not in types else 0.0,
            no_comments if without and c.payload.get("document_iri") in without else 0.0,
            no_comments
            if without and c.payload.get("document_iri") in without and no_comments_pattern().search(text)
            else 0.0,
            endorsing_w if endorsing and passage_of(c.payload) in endorsing else 0.0,
            _entity_feature(entity_z, c.payload),
            math.fsum(rarity[t] for t in qterms & terms) / rarity_total if rarity_total > 0 else 0.0,
            len(qpairs & pairs) / len(qpairs) if qpairs else 0.0,
        )
    return out


def _standardised(x: np.ndarray, features: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns ``features`` of ``x`` standardised, with their mean and scale (fits on the same rows
    share them exactly, so they can be averaged)."""
    sub = x[:, [FEATURES.index(f) for f in features]]
    mean = sub.mean(axis=0)
    scale = sub.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    return (sub - mean) / scale, mean, scale


def _entity_feature(entity_z: dict[str, float], payload: dict[str, Any]) -> float:
    """The best z-score of the entities the passage names; -1 when it names none (0: no entities)."""
    if not entity_z:
        return 0.0
    zs = [entity_z[e] for e in linked_entities(payload) if e in entity_z]
    return max(zs) if zs else -1.0


@dataclass(frozen=True, slots=True)
class LearnedRanker:
    """A fitted logistic regression: P(answer) = sigmoid(((x - mean) / scale) . coef + intercept)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    c: float  # the inverse regularisation strength it was fitted with (0 for an average of fits)
    balanced: bool = False  # fitted with the two classes weighing the same (answers are rare)
    listwise: bool = False  # fitted by the listwise loss (:meth:`fit_listwise`)
    # An average of fits (:meth:`average`): how each fit was made (:meth:`describe`).
    averaged: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown ranker features {sorted(unknown)}; known: {list(FEATURES)}")
        if not len(self.features) == len(self.mean) == len(self.scale) == len(self.coef):
            raise ValueError("ranker: features, mean, scale and coef must have the same length")

    def columns(self) -> list[int]:
        return [FEATURES.index(f) for f in self.features]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(answer) per row of a full :data:`FEATURES` matrix."""
        if not len(x):
            return np.zeros(0)
        z = ((x[:, self.columns()] - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef)
        return 1.0 / (1.0 + np.exp(-(z + self.intercept)))

    def score(
        self, cands: Sequence[Candidate], signals: QuestionSignals | None, margin: float = 0.02
    ) -> list[float]:
        return [float(v) for v in self.probabilities(candidate_features(cands, signals, margin))]

    @classmethod
    def fit(
        cls, x: np.ndarray, y: np.ndarray, features: Sequence[str], c: float, *, balanced: bool = False
    ) -> LearnedRanker:
        """Logistic regression (lbfgs, deterministic) on standardised columns ``features`` of ``x``;
        ``balanced`` weighs answering and other candidates the same in total."""
        from sklearn.linear_model import LogisticRegression

        sub, mean, scale = _standardised(x, features)
        if len(set(y.tolist())) < 2:
            raise ValueError("fitting the ranker needs answering and non-answering candidates")
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
        model.fit(sub, y)
        return cls._fitted(
            features, mean, scale, model.coef_[0], float(model.intercept_[0]), c, balanced=balanced
        )

    @classmethod
    def fit_listwise(
        cls, x: np.ndarray, y: np.ndarray, sizes: Sequence[int], features: Sequence[str], c: float
    ) -> LearnedRanker:
        """A linear score fitted to put an answer first in each question's list, then Platt-scaled.

        ``x`` holds the questions' candidates one question after another, ``sizes`` how many each
        has. The loss is the listwise softmax (conditional logit) of "any of the question's answers
        comes first", -log(sum over answers of exp(s) / sum over candidates of exp(s)), plus
        ||w||^2 / (2c); questions whose candidates are all answers or none teach nothing and are
        left out. Only differences within a question move the fit, which is what a question's
        ranking (and MRR) depends on; the pointwise fit also learns what makes a candidate an answer
        at all, which is what recall rewards. A one-feature logistic regression of the labels on
        the fitted score then turns it into a probability (the per-letter decay multiplies
        probabilities), so the result is one more linear ranker, averageable with pointwise fits.
        """
        from scipy.optimize import minimize
        from sklearn.linear_model import LogisticRegression

        sub, mean, scale = _standardised(x, features)
        if len(set(y.tolist())) < 2:
            raise ValueError("fitting the ranker needs answering and non-answering candidates")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        if int(np.sum(sizes)) != len(y):
            raise ValueError("the questions' sizes must add up to the rows")
        answers = np.add.reduceat(y, starts)
        keep = np.repeat((answers > 0) & (answers < np.asarray(sizes)), sizes)
        kept_sizes = [n for n, a in zip(sizes, answers, strict=True) if 0 < a < n]
        if not kept_sizes:
            raise ValueError(
                "fitting the ranker listwise needs a question with answering and other candidates"
            )
        z, pos = sub[keep], y[keep].astype(bool)
        kept_starts = np.concatenate([[0], np.cumsum(kept_sizes)[:-1]]).astype(np.int64)
        group = np.repeat(np.arange(len(kept_sizes)), kept_sizes)

        def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
            s = z @ w
            e = np.exp(s - np.maximum.reduceat(s, kept_starts)[group])
            total = np.add.reduceat(e, kept_starts)
            e_pos = np.where(pos, e, 0.0)
            total_pos = np.add.reduceat(e_pos, kept_starts)
            loss = float(np.sum(np.log(total) - np.log(total_pos))) + 0.5 * float(w @ w) / c
            return loss, z.T @ (e / total[group] - e_pos / total_pos[group]) + w / c

        w = minimize(loss_and_gradient, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B").x
        platt = LogisticRegression(C=1e6, max_iter=5000).fit((sub @ w).reshape(-1, 1), y)
        a = float(platt.coef_[0][0])
        return cls._fitted(features, mean, scale, w * a, float(platt.intercept_[0]), c, listwise=True)

    @classmethod
    def _fitted(
        cls,
        features: Sequence[str],
        mean: np.ndarray,
        scale: np.ndarray,
        coef: np.ndarray,
        intercept: float,
        c: float,
        *,
        balanced: bool = False,
        listwise: bool = False,
    ) -> LearnedRanker:
        return cls(
            features=tuple(features),
            mean=tuple(round(float(v), 8) for v in mean),
            scale=tuple(round(float(v), 8) for v in scale),
            coef=tuple(round(float(v), 8) for v in coef),
            intercept=round(intercept, 8),
            c=float(c),
            balanced=balanced,
            listwise=listwise,
        )

    @classmethod
    def average(cls, fits: Sequence[LearnedRanker]) -> LearnedRanker:
        """The fits' mean linear score as one ranker (the mean of their log-odds).

        The fits must share features and standardisation (fitted on the same rows), so averaging
        their coefficients and intercepts averages their scores: no cost at query time.
        """
        if not fits:
            raise ValueError("averaging rankers needs at least one fit")
        first = fits[0]
        if any(f.features != first.features or f.mean != first.mean or f.scale != first.scale for f in fits):
            raise ValueError("only fits on the same rows and features can be averaged")
        return cls(
            features=first.features,
            mean=first.mean,
            scale=first.scale,
            coef=tuple(round(float(v), 8) for v in np.mean([f.coef for f in fits], axis=0)),
            intercept=round(float(np.mean([f.intercept for f in fits])), 8),
            c=0.0,
            averaged=tuple(f.describe() for f in fits),
        )

    def describe(self) -> str:
        """How a single fit was made: "C=0.1", "C=1, balanced", "C=10, listwise"."""
        return (
            f"C={self.c:g}"
            + (", balanced" if self.balanced else "")
            + (", listwise" if self.listwise else "")
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "c": self.c,
            "balanced": self.balanced,
            "listwise": self.listwise,
            "averaged": list(self.averaged),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearnedRanker:
        try:
            return cls(
                features=tuple(str(f) for f in data["features"]),
                mean=tuple(float(v) for v in data["mean"]),
                scale=tuple(float(v) for v in data["scale"]),
                coef=tuple(float(v) for v in data["coef"]),
                intercept=float(data["intercept"]),
                c=float(data["c"]),
                balanced=bool(data.get("balanced", False)),
                listwise=bool(data.get("listwise", False)),
                averaged=tuple(str(a) for a in data.get("averaged", ())),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"ranker needs features, mean, scale, coef, intercept and c: {exc}") from exc
