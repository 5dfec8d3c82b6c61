"""Campaign grouping at scale: the array grouping and its per-generation cache equal the all-pairs one."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import graph.queries as queries
import ingest.campaign as campaign
from ingest.campaign import _single_link, group_signatures, signature_similarity
from ingest.pipeline import Analyser
from ingest.reference import load_reference
from ingest.synth import synthesize

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "skule-2027"


def _all_pairs(signatures: dict[str, str], threshold: float = 0.5) -> list[list[str]]:
    """The definition: single-link over every pair compared with signature_similarity."""
    return _single_link(signatures, lambda a, b: signature_similarity(a, b) >= threshold)


@pytest.fixture(scope="module")
def synthetic_signatures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("campaign") / "hearing"
    synthesize(CORPUS, out, 40, seed=3)
    analyser = Analyser(load_reference(out / "reference"), None)
    return {
        p.name: analyser.analyse_path(p).text_fingerprint or "" for p in sorted((out / "responses").iterdir())
    }


def test_grouping_equals_all_pairs_on_a_synthetic_hearing(synthetic_signatures: dict[str, str]) -> None:
    groups = group_signatures(synthetic_signatures)
    assert groups == _all_pairs(synthetic_signatures)
    assert any(len(g) >= 3 for g in groups)  # synth writes campaigns: the test compares real groups
    for threshold in (0.3, 0.7, 0.95):
        assert group_signatures(synthetic_signatures, threshold) == _all_pairs(
            synthetic_signatures, threshold
        )


def _mutate(sig: list[str], rng: random.Random, changed: int) -> list[str]:
    out = list(sig)
    for j in rng.sample(range(len(out)), changed):
        out[j] = f"{rng.getrandbits(60):x}"
    return out


def test_grouping_equals_all_pairs_around_the_threshold() -> None:
    """Copies differing in 30..34 of 64 slots (similarity 0.53..0.47), chains, odd lengths and empty ones."""
    rng = random.Random(11)
    signatures: dict[str, str] = {}
    for base in range(12):
        root = [f"{rng.getrandbits(60):x}" for _ in range(64)]
        signatures[f"b{base:02d}-0"] = ".".join(root)
        prev = root
        for k in range(1, 5):
            prev = _mutate(prev if k % 2 else root, rng, rng.choice([30, 31, 32, 33, 34]))
            signatures[f"b{base:02d}-{k}"] = ".".join(prev)
    signatures["empty-a"] = signatures["empty-b"] = ""
    signatures["short-a"] = "a.b.c"
    signatures["short-b"] = "a.b.x"
    signatures["one"] = "abc"
    groups = group_signatures(signatures)
    assert groups == _all_pairs(signatures)
    assert ["short-a", "short-b"] in groups and ["empty-a"] in groups
    assert 1 < len(groups) < len(signatures) - 5


class _Store:
    """Just enough of a GraphStore for campaign_groups: the signature rows."""

    def __init__(self, signatures: dict[str, str]) -> None:
        self.signatures = signatures

    def select(self, query: str) -> list[dict[str, Any]]:
        assert "textFingerprint" in query
        return [{"file": f, "sig": s} for f, s in self.signatures.items()]


def test_campaign_groups_are_grouped_once_per_generation(
    synthetic_signatures: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def spy(signatures: dict[str, str], threshold: float = 0.5) -> list[list[str]]:
        calls.append(len(signatures))
        return group_signatures(signatures, threshold)

    monkeypatch.setattr(campaign, "group_signatures", spy)
    monkeypatch.setattr(queries, "_CAMPAIGN_CACHE", {})
    store = _Store(dict(synthetic_signatures))
    expected = _all_pairs(synthetic_signatures)
    first = queries.campaign_groups(store)  # type: ignore[arg-type]
    first[0].append("mutated by a caller")
    assert queries.campaign_groups(store) == expected  # type: ignore[arg-type]
    assert calls == [40]
    # A new generation (one letter re-ingested with another text) is grouped again.
    name = next(iter(store.signatures))
    store.signatures[name] = ".".join(["0"] * 64)
    again = queries.campaign_groups(store)  # type: ignore[arg-type]
    assert again == _all_pairs(store.signatures) and calls == [40, 40]
    assert queries.campaign_groups(store, 0.7) == _all_pairs(store.signatures, 0.7) and len(calls) == 3
