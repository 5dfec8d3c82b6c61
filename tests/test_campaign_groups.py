"""Campaign texts: MinHash signatures group the three municipalities' identical resolution, and only them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.campaign import group_signatures, signature_similarity, text_fingerprint
from ingest.pipeline import Analyser
from ingest.reference import ReferenceData

CAMPAIGN = ["aust-heia-kommune.txt", "lia-kommune.pdf", "sorvik-kommune.txt"]


@pytest.fixture(scope="module")
def signatures(reference: ReferenceData, responses_dir: Path) -> dict[str, str]:
    analyser = Analyser(reference, None)
    return {p.name: analyser.analyse_path(p).text_fingerprint or "" for p in sorted(responses_dir.iterdir())}


def test_campaign_is_one_group(signatures: dict[str, str]) -> None:
    groups = group_signatures(signatures)
    assert groups[0] == CAMPAIGN
    assert all(len(g) == 1 for g in groups[1:])
    assert sum(len(g) for g in groups) == len(signatures)


def test_similarity_separates_campaign_from_the_rest(signatures: dict[str, str]) -> None:
    inside = [signature_similarity(signatures[a], signatures[b]) for a in CAMPAIGN for b in CAMPAIGN if a < b]
    outside = [
        signature_similarity(signatures[a], signatures[b])
        for a in CAMPAIGN
        for b in signatures
        if b not in CAMPAIGN
    ]
    assert min(inside) >= 0.6
    assert max(outside) <= 0.2


def test_signature_is_stable(
    reference: ReferenceData, responses_dir: Path, signatures: dict[str, str]
) -> None:
    again = Analyser(reference, None).analyse_path(responses_dir / "lia-kommune.pdf")
    assert again.text_fingerprint == signatures["lia-kommune.pdf"] == text_fingerprint(again)
    assert len(signatures["lia-kommune.pdf"].split(".")) == 64


def test_sender_names_are_masked(reference: ReferenceData, tmp_path: Path, responses_dir: Path) -> None:
    text = (responses_dir / "aust-heia-kommune.txt").read_text(encoding="utf-8")
    renamed = tmp_path / "nye-dal-kommune.txt"
    renamed.write_text(text.replace("Aust-Heia", "Nye Dal"), encoding="utf-8")
    analyser = Analyser(reference, None)
    a = analyser.analyse_path(responses_dir / "aust-heia-kommune.txt").text_fingerprint or ""
    b = analyser.analyse_path(renamed).text_fingerprint or ""
    assert signature_similarity(a, b) >= 0.9
