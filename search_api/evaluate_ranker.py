"""Fitting and scoring the learned ranker (:mod:`search_api.ranker`) leave-one-hearing-out, nested.

Every choice is made without the hearing being scored:

- **outer** loop: each hearing is held out in turn; its questions are ranked by a ranker fitted
  on the other hearings;
- **inner** loop, on those other hearings only: each configuration of :func:`default_configs`
  (feature set x per-letter decay; the ranker is the average of pointwise fits over regularisation
  C and class weighting, :data:`AVERAGED`, and listwise fits, :data:`LISTWISE`) is scored leave-one-hearing-out among them
  (fit on all but one training hearing, score that one), and the configuration with the best mean
  objective (mean over hearings of (Recall@5 + MRR@10) / 2, ties to the first) is then fitted on
  all of them.

``select_and_fit`` on all hearings gives the ranker that ships (``evaluate search --fit``). Training
rows: every candidate of every question (the union of the dense and lexical lists and the passages
the graph brought), labelled 1 when it answers one of the question's gold answers (the rule of
:func:`search_api.evaluate_search.score_hits`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.errors import InputError
from search_api.evaluate_search import (
    MRR_AT,
    HearingRun,
    HearingScore,
    ModeResult,
    _answers,
    _norm,
    hearing_score,
    score_hits,
    score_run,
)
from search_api.fusion import FusionParams, fuse_candidates
from search_api.ranker import FEATURE_SETS, LearnedRanker, candidate_features
from search_api.search import Hit

__all__ = [
    "AVERAGED",
    "LISTWISE",
    "RankerConfig",
    "default_configs",
    "leave_one_hearing_out_learned",
    "score_unseen",
    "select_and_fit",
]


# The fits an averaged configuration (c None) averages: each regularisation, unweighted and with
# the classes balanced. Choosing one of them in the inner loop was noisy (folds chose C from 0.01 to
# 1 with or without weighting, and a re-fit after a small graph change chose another); their
# average is one linear ranker (LearnedRanker.average) and held out did better (README "Evaluation").
AVERAGED: tuple[tuple[float, bool], ...] = tuple((c, b) for b in (False, True) for c in (0.01, 0.1, 1.0))
# ... and the listwise fits it averages with them (LearnedRanker.fit_listwise), one per L2 strength.
# The pointwise loss rewards any answer ranked high (recall); the listwise one an answer ranked
# first (MRR); their average raised held-out MRR on every question set (README "Evaluation").
LISTWISE: tuple[float, ...] = (0.1, 1.0, 10.0)


@dataclass(frozen=True, slots=True)
class RankerConfig:
    """What the inner loop chooses: a feature set, the regularisation, class weighting and the per-letter decay.

    ``c`` None: the average of the fits over :data:`AVERAGED` and :data:`LISTWISE` (``balanced`` is
    then unused).
    """

    feature_set: str
    c: float | None
    decay: float
    balanced: bool = False

    def describe(self) -> str:
        if self.c is None:
            fit = "average of fits over C=" + "/".join(f"{c:g}" for c in sorted({c for c, _ in AVERAGED}))
            fit += ", unweighted and balanced, and listwise over C=" + "/".join(f"{c:g}" for c in LISTWISE)
        else:
            fit = f"C={self.c:g}" + (", classes balanced" if self.balanced else "")
        return f"features {self.feature_set}, {fit}, per-letter decay={self.decay:g}"


def default_configs() -> list[RankerConfig]:
    """The configurations the inner loop chooses from, in a fixed order (ties go to the first)."""
    return [RankerConfig(fs, None, decay) for fs in FEATURE_SETS for decay in (1.0, 0.8, 0.6)]


@dataclass(slots=True)
class _Question:
    """One question's candidates, their feature rows and labels (computed once, replayed often)."""

    run: HearingRun
    index: int
    x: np.ndarray
    y: np.ndarray


_STOP_WORDS = False  # the lexical list the ranker uses (query stop words kept)


def _questions(run: HearingRun) -> list[_Question]:
    out = []
    for i, (gold, cands) in enumerate(zip(run.gold, run.candidates, strict=True)):
        merged = cands.merged(_STOP_WORDS)
        answers = [(f, _norm(q)) for f, q in gold.answers]
        y = np.array(
            [any(_answers(Hit.from_payload(c.payload, 0.0), f, q) for f, q in answers) for c in merged],
            dtype=np.int64,
        )
        out.append(_Question(run, i, candidate_features(merged, cands.signals), y))
    return out


Fitter = Callable[[Sequence[HearingRun], RankerConfig], LearnedRanker]


class _Replay:
    """Feature rows of every hearing's questions, kept across folds."""

    def __init__(self, runs: Sequence[HearingRun]) -> None:
        self.questions = {r.name: _questions(r) for r in runs}

    def fit(self, runs: Sequence[HearingRun], config: RankerConfig) -> LearnedRanker:
        qs = [q for r in runs for q in self.questions[r.name]]
        if not qs:
            raise InputError("fitting the ranker needs at least one hearing with gold questions")
        x = np.vstack([q.x for q in qs])
        y = np.concatenate([q.y for q in qs])
        features = FEATURE_SETS[config.feature_set]
        try:
            if config.c is None:
                sizes = [len(q.y) for q in qs]
                return LearnedRanker.average(
                    [LearnedRanker.fit(x, y, features, c, balanced=b) for c, b in AVERAGED]
                    + [LearnedRanker.fit_listwise(x, y, sizes, features, c) for c in LISTWISE]
                )
            return LearnedRanker.fit(x, y, features, config.c, balanced=config.balanced)
        except ValueError as exc:  # e.g. no candidate of these hearings answers any gold question
            names = ", ".join(r.name for r in runs)
            raise InputError(f"cannot fit the search ranker on {names}: {exc}") from exc

    def score(self, run: HearingRun, params: FusionParams) -> ModeResult:
        """Hybrid Recall@5 / MRR@10 of one hearing under a learned ranker (features replayed)."""
        assert params.ranker is not None
        per_q = []
        for q in self.questions[run.name]:
            cands = run.candidates[q.index]
            fused = fuse_candidates(
                cands.merged(_STOP_WORDS),
                params,
                cands.signals,
                limit=MRR_AT,
                base=params.ranker.probabilities(q.x).tolist(),
            )
            hits = [Hit.from_payload(c.payload, s, c.why) for c, s in fused]
            per_q.append(score_hits(run.gold[q.index], hits))
        return ModeResult(
            mode="hybrid",
            recall_at_5=float(np.mean([r.recall for r in per_q])) if per_q else 0.0,
            mrr_at_10=float(np.mean([r.reciprocal_rank for r in per_q])) if per_q else 0.0,
            questions=per_q,
        )


def _params(ranker: LearnedRanker, config: RankerConfig) -> FusionParams:
    # Graph boosts are features of the ranker, so the multiplicative boosts are off.
    return FusionParams(method="learned", ranker=ranker, decay=config.decay, query_stop_words=_STOP_WORDS)


def select_and_fit(
    runs: Sequence[HearingRun],
    configs: Sequence[RankerConfig] | None = None,
    *,
    fitter: Fitter | None = None,
    replay: _Replay | None = None,
) -> tuple[FusionParams, RankerConfig, float]:
    """Choose a configuration by leave-one-hearing-out among ``runs``, then fit it on all of them.

    Returns the fitted constants, the chosen configuration and its inner mean objective. With one
    hearing there is nothing to hold out: the first configuration is fitted.
    """
    configs = list(configs or default_configs())
    replay = replay or _Replay(runs)
    fit = fitter or replay.fit
    best, best_value = configs[0], -1.0
    if len(runs) > 1:
        for config in configs:
            values = []
            for inner in runs:
                train = [r for r in runs if r.name != inner.name]
                values.append(replay.score(inner, _params(fit(train, config), config)).objective)
            value = float(np.mean(values))
            if value > best_value + 1e-12:
                best, best_value = config, value
    return _params(fit(runs, best), best), best, best_value


def leave_one_hearing_out_learned(
    runs: Sequence[HearingRun],
    configs: Sequence[RankerConfig] | None = None,
    *,
    modes: Sequence[str] = ("lexical", "dense", "hybrid"),
    fitter: Fitter | None = None,
) -> tuple[list[HearingScore], list[RankerConfig]]:
    """Each hearing ranked by a ranker chosen and fitted on the others only (see the module docstring).

    Lexical and dense rows are the index's own lists (nothing fitted). Returns the scores and the
    configuration each fold chose.
    """
    if len(runs) < 2:
        raise InputError("leave-one-hearing-out needs the gold questions of at least two hearings")
    replay = _Replay(runs)
    out, chosen = [], []
    for run in runs:
        others = [r for r in runs if r.name != run.name]
        params, config, _ = select_and_fit(others, configs, fitter=fitter, replay=replay)
        results = {m: score_run(run, m, params) for m in modes if m != "hybrid"}
        if "hybrid" in modes:
            results["hybrid"] = replay.score(run, params)
        out.append(hearing_score(run, params, {m: results[m] for m in modes}))
        chosen.append(config)
    return out, chosen


def score_unseen(
    runs: Sequence[HearingRun],
    unseen: Sequence[HearingRun],
    *,
    modes: Sequence[str] = ("lexical", "dense", "hybrid"),
    fitted: tuple[FusionParams, RankerConfig] | None = None,
) -> tuple[list[HearingScore], RankerConfig]:
    """Hearings never used to fit, ranked by the ranker :func:`select_and_fit` chooses on all of ``runs``.

    The truest guide to hearings nobody has seen: nothing in them chose a feature, a weight or a
    rule. ``fitted``: that choice when it is already made (``--fit`` makes the same one).
    """
    if not runs:
        raise InputError("scoring unseen hearings needs gold questions of at least one hearing to fit on")
    params, config = fitted if fitted is not None else select_and_fit(runs)[:2]
    replay = _Replay(unseen)
    out = []
    for run in unseen:
        results = {m: score_run(run, m, params) for m in modes if m != "hybrid"}
        if "hybrid" in modes:
            results["hybrid"] = replay.score(run, params)
        out.append(hearing_score(run, params, {m: results[m] for m in modes}))
    return out, config
