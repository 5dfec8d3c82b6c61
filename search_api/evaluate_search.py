"""Retrieval quality against gold questions: Recall@5 and MRR@10 per search mode, per hearing.

Gold format (``gold/qa.yaml``): a list of ``{question, answers: [{file, quote}, ...]}``.

Scoring, per question and mode:

- a hit *answers* gold answer ``a`` when the hit's ``file_name`` is ``a.file`` and ``a.quote``
  (whitespace collapsed) lies inside the hit's text (whitespace collapsed), or the hit's
  text lies inside the quote and covers at least half of it (a sentence window of a long
  passage that shows most of the answer);
- **Recall@5** = the fraction of the question's gold answers answered by some hit in the top
  5. For a one-answer question that is 0 or 1; for a cross-letter question ("which
  municipalities ...", five letters) it is the share of those letters found;
- **MRR@10** = 1/rank of the first hit (top 10) that answers *any* gold answer, else 0;
- both averaged over a hearing's questions (each question weighs the same); the mean over
  hearings weighs each hearing the same.

Every constant the ranking uses (:class:`search_api.fusion.FusionParams`) is fitted
**leave-one-hearing-out**: for each hearing, the constants that score best on the *other*
hearings' questions (objective: mean over those hearings of (Recall@5 + MRR@10) / 2 for
hybrid) rank the held-out hearing's questions. The index is queried once per question
(:meth:`HybridSearcher.candidates`), so a fit replays stored candidate lists under every
constant set of the grid and only the ranking runs again. ``fit`` on all hearings gives the
constants that ship.

Latency is measured like ``/ask``: the service's whole ``ask`` (embedding, index, fusion,
stance look-up) per question, against one query embedding by the raw model.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from ingest.errors import InputError
from search_api.fusion import FusionParams
from search_api.search import MODES, Candidates, Hit, rank

__all__ = [
    "GoldQuestion",
    "HearingRun",
    "HearingScore",
    "ModeResult",
    "default_grid",
    "fit",
    "leave_one_hearing_out",
    "load_gold_questions",
    "score_run",
]

RECALL_AT = 5
MRR_AT = 10


@dataclass(frozen=True, slots=True)
class GoldQuestion:
    question: str
    answers: tuple[tuple[str, str], ...]  # (file name, quote)


def _norm(text: str) -> str:
    return " ".join(text.split())


def load_gold_questions(path: Path | str) -> list[GoldQuestion]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read gold questions: {exc}") from exc
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of {{question, answers}}")
    out: list[GoldQuestion] = []
    for n, entry in enumerate(data, start=1):
        try:
            answers = tuple((str(a["file"]), str(a["quote"])) for a in entry["answers"])
            question = str(entry["question"])
        except (KeyError, TypeError) as exc:
            raise InputError(
                f"{path}: question {n} needs 'question' and 'answers: [{{file, quote}}]'"
            ) from exc
        if not answers or not question.strip():
            raise InputError(f"{path}: question {n} has no text or no answers")
        out.append(GoldQuestion(question, answers))
    return out


@dataclass(slots=True)
class QuestionResult:
    question: str
    recall: float
    reciprocal_rank: float
    first_rank: int | None
    missed: list[str]  # files of gold answers not found in the top 5


@dataclass(slots=True)
class ModeResult:
    mode: str
    recall_at_5: float
    mrr_at_10: float
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def objective(self) -> float:
        return (self.recall_at_5 + self.mrr_at_10) / 2.0


def _answers(hit: Hit, file_name: str, quote: str) -> bool:
    if hit.file_name != file_name:
        return False
    text = _norm(hit.text)
    # A sentence window of a long passage answers when it holds the quote, or lies inside it and
    # covers at least half of it (so a bare heading or a fragment of the quote never does).
    return quote in text or (2 * len(text) >= len(quote) and text in quote)


def score_hits(gold: GoldQuestion, hits: Sequence[Hit]) -> QuestionResult:
    answers = [(f, _norm(q)) for f, q in gold.answers]
    found: set[int] = set()
    first: int | None = None
    for rank_, hit in enumerate(hits[:MRR_AT], start=1):
        for j, (file_name, quote) in enumerate(answers):
            if _answers(hit, file_name, quote):
                if rank_ <= RECALL_AT:
                    found.add(j)
                if first is None:
                    first = rank_
    return QuestionResult(
        question=gold.question,
        recall=len(found) / len(answers),
        reciprocal_rank=1.0 / first if first else 0.0,
        first_rank=first,
        missed=[answers[j][0] for j in range(len(answers)) if j not in found],
    )


@dataclass(slots=True)
class HearingRun:
    """One hearing's questions and the index's candidates for each (replayable under any constants)."""

    name: str
    gold: list[GoldQuestion]
    candidates: list[Candidates]
    answers_outside_index: int = 0
    ask_ms: list[float] = field(default_factory=list)  # the whole ask, per question and round
    embed_ms: list[float] = field(default_factory=list)  # one query embedding, raw model
    # The dense baseline's lists: the question as asked, senders' names kept (hybrid's dense list
    # reads it without them, HybridSearcher.dense_text); None: the dense mode uses ``candidates``.
    dense_baseline: list[Candidates] | None = None

    @property
    def n_answers(self) -> int:
        return sum(len(g.answers) for g in self.gold)


def score_run(run: HearingRun, mode: str, params: FusionParams) -> ModeResult:
    """Recall@5 and MRR@10 of one hearing's questions in one mode under ``params``."""
    if mode not in MODES:
        raise InputError(f"unknown search mode '{mode}'; use {', '.join(MODES)}")
    lists = run.dense_baseline if mode == "dense" and run.dense_baseline is not None else run.candidates
    per_q = [
        score_hits(g, rank(c, mode=mode, top_k=MRR_AT, params=params))
        for g, c in zip(run.gold, lists, strict=True)
    ]
    return ModeResult(
        mode=mode,
        recall_at_5=float(np.mean([q.recall for q in per_q])) if per_q else 0.0,
        mrr_at_10=float(np.mean([q.reciprocal_rank for q in per_q])) if per_q else 0.0,
        questions=per_q,
    )


def default_grid() -> list[FusionParams]:
    """The constant sets a fit chooses from, in a fixed order (ties go to the first)."""
    # Weighted RRF only: normalised score fusion (lexical share 0.1-0.5) was in the grid and lost
    # leave-one-hearing-out on every item variant measured (base items 0.649/0.585 vs RRF alone
    # 0.696/0.585, Recall@5/MRR@10), and broke "hybrid >= dense and lexical" on three hearings.
    fusions = [("rrf", k, w) for k in (1.0, 2.0, 5.0, 10.0, 30.0, 60.0) for w in (0.25, 0.5, 1.0)]
    graph = [
        (sender, proposal, position)
        for sender in (0.0, 0.5)
        for proposal, position in ((0.0, 0.0), (0.25, 0.0), (0.0, 0.5), (0.25, 0.5))
    ]
    return [
        FusionParams(
            method=method,  # type: ignore[arg-type]
            k=k,
            lexical_weight=w,
            decay=decay,
            query_stop_words=stop,
            sender_boost=sender,
            proposal_boost=proposal,
            position_boost=position,
        )
        for (method, k, w), decay, stop, (sender, proposal, position) in itertools.product(
            fusions, (1.0, 0.8, 0.6, 0.5), (False, True), graph
        )
    ]


Table = dict[str, dict[FusionParams, float]]  # hearing -> constants -> objective


def objective_table(runs: Sequence[HearingRun], grid: Sequence[FusionParams]) -> Table:
    """Hybrid objective of every hearing under every constant set (computed once, shared by folds)."""
    return {r.name: {p: score_run(r, "hybrid", p).objective for p in grid} for r in runs}


def fit(table: Table, hearings: Iterable[str], grid: Sequence[FusionParams]) -> tuple[FusionParams, float]:
    """The constants with the best mean objective over ``hearings`` (each weighs the same)."""
    names = list(hearings)
    if not names:
        raise InputError("fitting needs at least one hearing with gold questions")
    best, best_value = grid[0], -1.0
    for p in grid:
        value = sum(table[n][p] for n in names) / len(names)
        if value > best_value + 1e-12:
            best, best_value = p, value
    return best, best_value


@dataclass(slots=True)
class HearingScore:
    """One held-out hearing: the constants fitted without it and its figures per mode."""

    name: str
    params: FusionParams
    modes: dict[str, ModeResult]
    n_questions: int
    n_answers: int
    answers_outside_index: int
    ask_p50_ms: float
    ask_p95_ms: float
    embed_ms: float


def _latency(run: HearingRun) -> tuple[float, float, float]:
    ask = run.ask_ms or [0.0]
    emb = run.embed_ms or [0.0]
    return (
        float(np.percentile(ask, 50)),
        float(np.percentile(ask, 95)),
        float(np.median(emb)),
    )


def leave_one_hearing_out(
    runs: Sequence[HearingRun],
    grid: Sequence[FusionParams] | None = None,
    *,
    modes: Sequence[str] = ("lexical", "dense", "hybrid"),
    fitter: Callable[[Table, Iterable[str], Sequence[FusionParams]], tuple[FusionParams, float]] = fit,
    table: Table | None = None,
) -> list[HearingScore]:
    """Score each hearing with constants fitted on the others only (one hearing: the given ``grid[0]``).

    ``table`` (from :func:`objective_table` over the same runs and grid) saves computing it again.
    """
    grid = list(grid or default_grid())
    if table is None:
        table = objective_table(runs, grid) if len(runs) > 1 else {}
    out = []
    for run in runs:
        others = [r.name for r in runs if r.name != run.name]
        params = fitter(table, others, grid)[0] if others else grid[0]
        out.append(hearing_score(run, params, {m: score_run(run, m, params) for m in modes}))
    return out


def hearing_score(run: HearingRun, params: FusionParams, modes: dict[str, ModeResult]) -> HearingScore:
    """One held-out hearing's row: its scores per mode, its question counts and its latency."""
    p50, p95, emb = _latency(run)
    return HearingScore(
        name=run.name,
        params=params,
        modes=modes,
        n_questions=len(run.gold),
        n_answers=run.n_answers,
        answers_outside_index=run.answers_outside_index,
        ask_p50_ms=p50,
        ask_p95_ms=p95,
        embed_ms=emb,
    )


def format_scores(scores: Sequence[HearingScore], *, loho: bool, title: str | None = None) -> str:
    """A table: one row per hearing (and the mean), Recall@5 / MRR@10 per mode, latency.

    ``title`` replaces the first line, which otherwise says how the constants were chosen."""
    modes = list(scores[0].modes) if scores else []
    w = max([16, *(len(s.name) for s in scores)])  # "samferdsel-2028/qa-fresh3" is wider than a hearing
    head = f"{'hearing':<{w}} {'qs':>3} " + " ".join(f"{m + ' R@5':>12} {'MRR':>6}" for m in modes)
    head += f" {'ask p50':>8} {'p95':>6} {'embed':>6}"
    lines = [
        title
        or (
            "leave-one-hearing-out: each row ranked with constants fitted on the other hearings"
            if loho
            else "constants: the shipped ones (search_api/search_params.json)"
        ),
        "",
        head,
    ]
    for s in scores:
        row = f"{s.name:<{w}} {s.n_questions:>3} " + " ".join(
            f"{s.modes[m].recall_at_5:>12.3f} {s.modes[m].mrr_at_10:>6.3f}" for m in modes
        )
        row += f" {s.ask_p50_ms:>8.1f} {s.ask_p95_ms:>6.1f} {s.embed_ms:>6.1f}"
        if s.answers_outside_index:
            row += f"  ({s.answers_outside_index} answers in files missing from the index)"
        lines.append(row)
    if len(scores) > 1:
        row = f"{'mean':<{w}} {sum(s.n_questions for s in scores):>3} " + " ".join(
            f"{np.mean([s.modes[m].recall_at_5 for s in scores]):>12.3f} "
            f"{np.mean([s.modes[m].mrr_at_10 for s in scores]):>6.3f}"
            for m in modes
        )
        p95 = max(s.ask_p95_ms for s in scores)
        emb = float(np.median([s.embed_ms for s in scores]))
        row += f" {np.median([s.ask_p50_ms for s in scores]):>8.1f} {p95:>6.1f} {emb:>6.1f}"
        lines.append(row)
    if scores:
        worst = max(scores, key=lambda s: s.ask_p95_ms / s.embed_ms if s.embed_ms else 0.0)
        if worst.embed_ms:
            lines += [
                "",
                f"latency (ms): ask p95 / one query embedding = {worst.ask_p95_ms / worst.embed_ms:.2f} "
                f"(worst hearing, {worst.name}; target <= 3)",
            ]
        lines.append("")
        for s in scores:
            lines.append(f"{s.name}: {_describe(s.params)}")
    return "\n".join(lines)


def _describe(p: FusionParams) -> str:
    if p.method == "learned" and p.ranker is not None:
        return (
            f"learned ranker ({len(p.ranker.features)} features, "
            f"{f'average of {len(p.ranker.averaged)} fits' if p.ranker.averaged else f'C={p.ranker.c:g}'}), "
            f"per-letter decay={p.decay:g}, "
            f"query stop words={'on' if p.query_stop_words else 'off'}"
        )
    fusion = (
        f"rrf k={p.k:g} lexical weight={p.lexical_weight:g}"
        if p.method == "rrf"
        else (f"score fusion lexical share={p.lexical_weight:g}")
    )
    return (
        f"{fusion}, per-letter decay={p.decay:g}, query stop words={'on' if p.query_stop_words else 'off'}, "
        f"sender boost={p.sender_boost:g}, proposal boost={p.proposal_boost:g}, position boost={p.position_boost:g} (margin {p.proposal_margin:g})"
    )
