"""Retrieval quality against gold questions: Recall@5 and MRR@10 per search mode.

Gold format (``gold/qa.yaml``): a list of ``{question, answers: [{file, quote}, ...]}``.

Scoring, per question and mode:

- a hit *answers* gold answer ``a`` when the hit's ``file_name`` is ``a.file`` and ``a.quote``
  (whitespace collapsed) lies inside the hit's text (whitespace collapsed);
- **Recall@5** = the fraction of the question's gold answers answered by some hit in the top
  5. For a one-answer question that is 0 or 1; for a cross-letter question ("which
  municipalities ...", five letters) it is the share of those letters found;
- **MRR@10** = 1/rank of the first hit (top 10) that answers *any* gold answer, else 0;
- both averaged over questions (each question weighs the same).

Also measured: embedding throughput (passages/s, on passages taken from the index, with the
uncached model) and query latency p50/p95 per mode (embedding the question included).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from graph.records import IndexItem
from ingest.errors import InputError
from search_api.index import embed_text
from search_api.search import MODES, Hit, HybridSearcher

__all__ = ["GoldQuestion", "ModeResult", "SearchEvaluation", "evaluate_search", "load_gold_questions"]

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
    latency_p50_ms: float
    latency_p95_ms: float
    questions: list[QuestionResult] = field(default_factory=list)


@dataclass(slots=True)
class SearchEvaluation:
    modes: dict[str, ModeResult]
    n_questions: int
    n_answers: int
    passages_per_s: float | None
    throughput_sample: int
    answers_outside_index: int  # gold answers whose file has no passage in the index

    def format(self) -> str:
        """A plain-text table, one row per mode."""
        lines = [
            f"{self.n_questions} questions, {self.n_answers} gold answers"
            + (
                f" ({self.answers_outside_index} in files missing from the index)"
                if self.answers_outside_index
                else ""
            ),
            "",
            f"{'mode':<8} {'Recall@5':>9} {'MRR@10':>8} {'p50 ms':>8} {'p95 ms':>8}",
        ]
        for m in self.modes.values():
            lines.append(
                f"{m.mode:<8} {m.recall_at_5:>9.3f} {m.mrr_at_10:>8.3f} {m.latency_p50_ms:>8.1f} {m.latency_p95_ms:>8.1f}"
            )
        if self.passages_per_s is not None:
            lines += [
                "",
                f"embedding throughput: {self.passages_per_s:.1f} passages/s ({self.throughput_sample} passages)",
            ]
        return "\n".join(lines)

    def misses(self, mode: str = "hybrid") -> list[QuestionResult]:
        return [q for q in self.modes[mode].questions if q.recall < 1.0]


def _score(gold: GoldQuestion, hits: list[Hit]) -> QuestionResult:
    answers = [(f, _norm(q)) for f, q in gold.answers]
    found: set[int] = set()
    first: int | None = None
    for rank, hit in enumerate(hits[:MRR_AT], start=1):
        text = _norm(hit.text)
        for j, (file_name, quote) in enumerate(answers):
            if hit.file_name == file_name and quote in text:
                if rank <= RECALL_AT:
                    found.add(j)
                if first is None:
                    first = rank
    return QuestionResult(
        question=gold.question,
        recall=len(found) / len(answers),
        reciprocal_rank=1.0 / first if first else 0.0,
        first_rank=first,
        missed=[answers[j][0] for j in range(len(answers)) if j not in found],
    )


def _throughput(
    searcher: HybridSearcher, items: Sequence[IndexItem] | None, sample: int
) -> tuple[float | None, int]:
    """Passages/s of the raw model (an embedding cache would make this meaningless)."""
    model: Any = getattr(searcher.embedder, "inner", searcher.embedder)
    if items is not None:
        texts = [embed_text(i) for i in items if i.kind == "passage"][:sample]
    else:
        points, _ = searcher.index.client.scroll(
            searcher.index.collection,
            scroll_filter=searcher.build_filter(None, ("passage",)),
            limit=sample,
            with_payload=["text"],
        )
        texts = [str((p.payload or {}).get("text", "")) for p in points]
    if not texts:
        return None, 0
    started = time.perf_counter()
    model.embed_passages(texts)
    elapsed = time.perf_counter() - started
    return (len(texts) / elapsed if elapsed > 0 else None), len(texts)


def evaluate_search(
    gold_qa_yaml: Path | str,
    searcher: HybridSearcher,
    items: Sequence[IndexItem] | None = None,
    *,
    modes: Sequence[str] = ("lexical", "dense", "hybrid"),
    throughput_sample: int = 128,
) -> SearchEvaluation:
    """Ask every gold question in every mode; see the module docstring for the scoring.

    ``items`` (optional) are used for the throughput figure; without them passages are
    taken from the index.
    """
    gold = load_gold_questions(gold_qa_yaml)
    for m in modes:
        if m not in MODES:
            raise InputError(f"unknown search mode '{m}'; use {', '.join(MODES)}")
    indexed_files = {i.file_name for i in items} if items is not None else searcher.index.file_names()
    # Warm-up: the first query pays model/page loading that no later query does.
    searcher.search(gold[0].question, top_k=MRR_AT, mode="hybrid")
    results: dict[str, ModeResult] = {}
    for mode in modes:
        per_q: list[QuestionResult] = []
        latencies: list[float] = []
        for g in gold:
            started = time.perf_counter()
            hits = searcher.search(g.question, top_k=MRR_AT, mode=mode)
            latencies.append((time.perf_counter() - started) * 1000.0)
            per_q.append(_score(g, hits))
        results[mode] = ModeResult(
            mode=mode,
            recall_at_5=float(np.mean([q.recall for q in per_q])),
            mrr_at_10=float(np.mean([q.reciprocal_rank for q in per_q])),
            latency_p50_ms=float(np.percentile(latencies, 50)),
            latency_p95_ms=float(np.percentile(latencies, 95)),
            questions=per_q,
        )
    outside = sum(1 for g in gold for f, _ in g.answers if f not in indexed_files)
    rate, n = _throughput(searcher, items, throughput_sample)
    return SearchEvaluation(
        modes=results,
        n_questions=len(gold),
        n_answers=sum(len(g.answers) for g in gold),
        passages_per_s=rate,
        throughput_sample=n,
        answers_outside_index=outside,
    )
