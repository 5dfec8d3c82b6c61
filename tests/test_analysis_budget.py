"""The per-letter clock bounds analysis too, not only reading: stance's embedding is batched and
checked against ``max_seconds_per_file``, and a run-on line is clipped before it is embedded."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from ingest._relevance import MAX_EMBED_CHARS
from ingest.embedding import Vectors
from ingest.errors import DocumentReadError
from ingest.limits import ReadLimits
from ingest.pipeline import Analyser
from ingest.reference import load_reference

REFERENCE = Path(__file__).resolve().parents[1] / "examples" / "nou-2026-1" / "reference"


class _SlowEmbedder:
    """Deterministic vectors, a fixed cost per call, and a record of what it was given."""

    def __init__(self, seconds_per_call: float) -> None:
        self.seconds_per_call = seconds_per_call
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return "slow-test-embedder"

    @property
    def dim(self) -> int:
        return 8

    def _embed(self, texts: list[str]) -> Vectors:
        self.calls.append(list(texts))
        time.sleep(self.seconds_per_call)
        rng = np.random.default_rng(len(texts))
        v = rng.normal(size=(len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    embed_passages = _embed
    embed_queries = _embed


def _letter(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "langt-brev.txt"
    path.write_text(
        "Høringssvar fra Testvik kommune\n\n" + body + "\n\nMed vennlig hilsen\nTestvik kommune\n"
    )
    return path


def test_a_slow_stance_stage_is_stopped_by_the_letter_clock(tmp_path: Path) -> None:
    sentences = " ".join(f"Kommunen mener punkt {i} i rapporten bør vurderes nærmere." for i in range(400))
    embedder = _SlowEmbedder(seconds_per_call=0.05)
    analyser = Analyser(
        load_reference(REFERENCE), embedder, ReadLimits(max_seconds_per_file=1.0, read_in_worker=False)
    )
    calls_for_targets = len(embedder.calls)
    started = time.monotonic()
    with pytest.raises(DocumentReadError, match="max_seconds_per_file"):
        analyser.analyse_path(_letter(tmp_path, sentences))
    # 400 sentences in batches of 16 would be 25 calls (1.25 s of sleep alone); the clock stops it early.
    assert len(embedder.calls) - calls_for_targets < 25
    assert time.monotonic() - started < 10


def test_a_run_on_line_is_clipped_before_it_is_embedded(tmp_path: Path) -> None:
    run_on = "Kommunen støtter forslaget om mer frihet " + "og flere ord uten punktum " * 400
    embedder = _SlowEmbedder(seconds_per_call=0.0)
    analyser = Analyser(load_reference(REFERENCE), embedder, ReadLimits(read_in_worker=False))
    analyser.analyse_path(_letter(tmp_path, run_on))
    embedded = [t for call in embedder.calls for t in call]
    assert len(run_on) > MAX_EMBED_CHARS
    assert embedded and max(len(t) for t in embedded) <= MAX_EMBED_CHARS
