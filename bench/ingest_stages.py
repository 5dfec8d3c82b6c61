"""Ingest a corpus with a clock on each stage, then ingest it again unchanged.

Stages: read+segment (the reader, which segments as it reads), link (entities, sender,
endorsements), stance (of which embedding sentences), graph build (map, validate, N-Triples),
graph write, index (reconcile: embed passages and upsert into Qdrant). Embedding time is the
model's own time (calls that miss the embedding cache), measured under the cache wrapper, so
it is counted once whichever stage asked for it. Nothing in ingest changes: the clocks wrap the
analyser's parts and the embedder from the outside.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.embedding import Embedder, Vectors, create_embedder
from ingest.embedding_cache import CachedEmbedder
from ingest.pipeline import Analyser
from search_api.service import PolicyKG, build_document
from search_api.settings import Settings

__all__ = ["IngestFigures", "run_ingest"]


@dataclass
class IngestFigures:
    files: int = 0
    ingested: int = 0
    failed: list[str] = field(default_factory=list)
    passages: int = 0
    indexed: int = 0
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    embed_s: float = 0.0
    embedded_texts: int = 0
    first_s: float = 0.0
    first_cpu_s: float = 0.0  # process CPU (every thread, the model's included) of the first ingest
    reingest_s: float = 0.0
    reingest_unchanged: int = 0


class _TimedEmbedder:
    """The model under the cache: counts the time and texts of every call that reaches it."""

    def __init__(self, inner: Embedder, figures: IngestFigures) -> None:
        self.inner, self.figures = inner, figures

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _timed(self, fn: Callable[[list[str]], Vectors], texts: list[str]) -> Vectors:
        t = time.perf_counter()
        try:
            return fn(texts)
        finally:
            self.figures.embed_s += time.perf_counter() - t
            self.figures.embedded_texts += len(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._timed(self.inner.embed_passages, texts)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._timed(self.inner.embed_queries, texts)


class _Clock:
    """Wraps an object's methods so each call adds its time to one stage."""

    def __init__(self, inner: Any, stages: dict[str, float], names: dict[str, str]) -> None:
        self._inner, self._stages, self._names = inner, stages, names

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        stage = self._names.get(attr)
        if stage is None or not callable(value):
            return value

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self._stages[stage] += time.perf_counter() - t

        return timed


def run_ingest(corpus: Path, settings: Settings) -> IngestFigures:
    """First ingest (stage clocks, graph then index) and an unchanged re-ingest (with index)."""
    fig = IngestFigures()
    kg = PolicyKG(settings)
    try:
        kg.settings.data_dir.mkdir(parents=True, exist_ok=True)
        kg._embedder = CachedEmbedder(  # the bench times the model under the cache
            _TimedEmbedder(create_embedder(settings.embedder), fig), settings.embedding_cache_path
        )
        st = fig.stages
        analyser: Analyser | None = None
        t0, c0 = time.perf_counter(), time.process_time()

        def build(path: Path, key: str) -> tuple[str, str]:
            nonlocal analyser
            ref = kg.reference
            if analyser is None:
                analyser = Analyser(ref, kg.embedder, limits=kg.settings.read_limits())
                analyser.linker = _Clock(
                    analyser.linker,
                    st,
                    {"link": "link", "resolve_sender": "link", "endorsements": "link"},
                )  # type: ignore[assignment]
                analyser.classifier = _Clock(analyser.classifier, st, {"classify": "stance"})  # type: ignore[assignment]
            t = time.perf_counter()
            inner = st["link"] + st["stance"]
            t_an = time.perf_counter()
            doc_holder: list[Any] = []
            original = analyser.analyse

            def analyse(doc: Any, deadline: Any = None) -> Any:
                st["read+segment"] += time.perf_counter() - t_an
                fig.passages += len(doc.passages)
                doc_holder.append(doc)
                return original(doc, deadline)

            analyser.analyse = analyse  # type: ignore[method-assign]
            try:
                out = build_document(path, key, ref, kg.iris, analyser)
            finally:
                analyser.analyse = original  # type: ignore[method-assign]
            total = time.perf_counter() - t
            analysed = st["link"] + st["stance"] - inner
            st["_build_total"] += total
            st["_analysed"] += analysed
            fig.ingested += 1
            if fig.ingested % 50 == 0:  # partial throughput, should a long run be stopped
                print(f"analysed {fig.ingested} letters in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            return out

        report = kg.ingest([corpus], with_index=False, build=build)
        t_graph = time.perf_counter() - t0
        fig.files = len(report.ingested) + len(report.failed) + len(report.unchanged)
        fig.ingested = len(report.ingested)
        fig.failed = [f"{f.path}: {f.reason}" for f in report.failed]
        st["graph build"] = st.pop("_build_total") - st["read+segment"] - st.pop("_analysed")
        st["graph write"] = t_graph - (st["read+segment"] + st["link"] + st["stance"] + st["graph build"])
        t1 = time.perf_counter()
        fig.indexed = kg.reconcile().items
        st["index (embed + upsert)"] = time.perf_counter() - t1
        fig.first_s = time.perf_counter() - t0
        fig.first_cpu_s = time.process_time() - c0
        t2 = time.perf_counter()
        again = kg.ingest([corpus])
        fig.reingest_s = time.perf_counter() - t2
        fig.reingest_unchanged = len(again.unchanged)
    finally:
        kg.close()
    return fig
