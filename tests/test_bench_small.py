"""The scale benchmark in small: a synthetic hearing of tens of letters through synth, ingest and re-ingest.

Checks what the pipeline produced (counts, gold readable and matching the letters, no failures, an
unchanged re-ingest that skips every file), never how long it took: timings live in ``bench/``.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.model import STANCES
from ingest.readers import read_response
from ingest.synth import FORMATS, SynthError, synthesize

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "skule-2027"
N = 30


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "hearing"
    synthesize(CORPUS, out, N, seed=7)
    return out


def test_synth_covers_formats_languages_stances_campaigns(synth_dir: Path) -> None:
    responses = _rows(synth_dir / "gold" / "responses.csv")
    stances = _rows(synth_dir / "gold" / "stances.csv")
    assert len(responses) == N == len(list((synth_dir / "responses").iterdir()))
    assert {r["format"] for r in responses} == set(FORMATS)
    assert {r["language"] for r in responses} == {"nb", "nn"}
    assert {r["response_type"] for r in responses} == {"med-merknad", "uten-merknad"}
    assert {r["stance"] for r in stances} == set(STANCES)
    targets = {
        t for t in re.findall(r"^- id: (\S+)", (CORPUS / "reference/recommendations.yaml").read_text(), re.M)
    }
    assert {r["target_id"] for r in stances} <= targets
    # a campaign: one text sent by several people, each with their own gold positions
    senders_per_quote = Counter(r["quote"].replace(r["actor_id"], "") for r in stances)
    assert max(senders_per_quote.values()) >= 3
    without = {r["file"] for r in responses if r["response_type"] == "uten-merknad"}
    assert without and not without & {r["file"] for r in stances}
    assert (synth_dir / "reference" / "recommendations.yaml").is_file()


def test_gold_quotes_are_in_the_letters_as_read(synth_dir: Path) -> None:
    """Every format is readable by the ingest readers and holds its gold quotes."""
    texts = {}
    for path in sorted((synth_dir / "responses").iterdir()):
        doc = read_response(path)
        texts[path.name] = _squash(" ".join(p.text for p in doc.passages))
    for row in _rows(synth_dir / "gold" / "stances.csv"):
        assert _squash(row["quote"]) in texts[row["file"]], (row["file"], row["quote"])


def test_same_seed_same_letters(synth_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synthesize(CORPUS, again, N, seed=7)
    for name in ("responses.csv", "stances.csv", "mentions.csv"):
        assert (again / "gold" / name).read_bytes() == (synth_dir / "gold" / name).read_bytes()
    for path in (synth_dir / "responses").iterdir():
        if path.suffix != ".docx":  # python-docx stamps the time of writing
            assert (again / "responses" / path.name).read_bytes() == path.read_bytes(), path.name
    other = tmp_path / "other"
    synthesize(CORPUS, other, N, seed=8)
    assert (other / "gold" / "stances.csv").read_bytes() != (synth_dir / "gold" / "stances.csv").read_bytes()


def test_synth_refuses_bad_arguments(synth_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(SynthError, match="already holds files"):
        synthesize(CORPUS, synth_dir, 5)
    with pytest.raises(SynthError, match="no reference data"):
        synthesize(tmp_path, tmp_path / "out", 5)
    from search_api.cli import app

    result = CliRunner().invoke(
        app, ["synth", "--responses", "3", "--out", str(tmp_path / "x"), "--hearing", str(tmp_path)]
    )
    assert result.exit_code == 1 and "no reference data" in result.output


@pytest.mark.slow
def test_small_benchmark_ingests_and_reingests(synth_dir: Path, tmp_path: Path) -> None:
    from bench.ingest_stages import run_ingest
    from graph.queries import positions
    from graph.store import OxigraphStore
    from ingest.evaluation import evaluate_stance
    from search_api.settings import Settings

    cache = Path(os.environ.get("POLICYKG_EMBEDDING_CACHE") or tmp_path / "cache.sqlite")
    fig = run_ingest(synth_dir, Settings(data_dir=tmp_path / "data", embedding_cache=cache))
    assert fig.failed == []
    assert fig.ingested == fig.files == N
    assert fig.passages >= 5 * N and fig.indexed > N
    assert fig.reingest_unchanged == N
    assert set(fig.stages) >= {"read+segment", "link", "stance", "graph build", "graph write"}
    assert all(v >= 0 for v in fig.stages.values())
    store = OxigraphStore(tmp_path / "data" / "graph", read_only=True)
    try:
        predicted = [(p.document, p.target, p.stance) for p in positions(store)]
    finally:
        store.close()
    report = evaluate_stance(predicted, synth_dir / "gold" / "stances.csv")
    gold = len(_rows(synth_dir / "gold" / "stances.csv"))
    assert sum(report.per_class[c][3] for c in STANCES) == gold
    # the letters name each proposal by its title: most gold positions are found with some stance
    found = sum(n for g in STANCES for p, n in report.confusion[g].items() if p in STANCES)
    assert found >= gold // 2, report.format()
