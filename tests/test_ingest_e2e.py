"""The whole pipeline through the CLI and the service: ingest, idempotence, bad input, SPARQL, trace, curation.

Every test runs twice: with the graph in the embedded Oxigraph store, and in a real
``oxigraph serve`` (started on a loopback port) reached through POLICYKG_SPARQL_URL.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from oxigraph_server import running_oxigraph_server
from typer.testing import CliRunner

from graph.sparql import PREFIXES
from search_api.cli import app
from search_api.service import PolicyKG
from search_api.settings import Settings

pytestmark = pytest.mark.slow

runner = CliRunner()


Env = dict[str, str]


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def graph_env(backend: str, tmp: Path) -> Iterator[Env]:
    """Environment that puts the graph in the chosen store (a fresh server per use)."""
    if backend == "embedded":
        yield {}
        return
    with running_oxigraph_server(tmp / "oxigraph") as server:
        yield {"POLICYKG_SPARQL_URL": server.base_url}


def cli(kg: tuple[Path, Env], *args: str) -> tuple[int, str, str]:
    data_dir, env = kg
    result = runner.invoke(app, ["--data-dir", str(data_dir), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def ingested(
    backend: str, tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path
) -> Iterator[tuple[Path, Env]]:
    tmp = tmp_path_factory.mktemp("kg")
    with graph_env(backend, tmp) as env:
        kg = (tmp / "data", env)
        code, out, err = cli(kg, "ingest", str(corpus_dir))
        assert code == 0, out + err
        assert "ingested 10, unchanged 0, failed 0" in out
        yield kg


@pytest.fixture
def fresh(backend: str, tmp_path: Path) -> Iterator[tuple[Path, Env]]:
    with graph_env(backend, tmp_path) as env:
        yield (tmp_path / "kg", env)


def gold_responses(gold_dir: Path) -> list[dict[str, str]]:
    with (gold_dir / "responses.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_responses_per_actor_type(ingested: tuple[Path, Env], gold_dir: Path) -> None:
    code, out, err = cli(
        ingested, "sparql", "-f", "examples/queries/responses-per-actor-type.rq", "--format", "json"
    )
    assert code == 0, err
    bindings = json.loads(out)["results"]["bindings"]
    got = {b["actorType"]["value"]: int(b["responses"]["value"]) for b in bindings}
    expected = Counter(r["actor_type"] for r in gold_responses(gold_dir))
    assert got == dict(expected)


def test_each_response_sender_date_and_type(ingested: tuple[Path, Env], gold_dir: Path) -> None:
    code, out, err = cli(ingested, "sparql", "-f", "examples/queries/responses.rq", "--format", "csv")
    assert code == 0, err
    rows = {r["file"]: r for r in csv.DictReader(out.splitlines())}
    for gold in gold_responses(gold_dir):
        row = rows[gold["file"]]
        assert row["sender"] == gold["sender_name"]
        assert row["date"] == gold["date"]
        assert row["responseType"] == gold["response_type"]


def test_stats_counts(ingested: tuple[Path, Env]) -> None:
    code, out, _ = cli(ingested, "stats", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["responses"] == 10
    assert data["proposals"] == 10
    assert data["passages"] > 100
    assert data["named_graphs"] == 12  # ten responses, reference data, the ontology


def test_reingest_is_a_no_op(ingested: tuple[Path, Env], corpus_dir: Path) -> None:
    code, before, _ = cli(ingested, "export", "--format", "nq")
    assert code == 0
    code, out, err = cli(ingested, "ingest", str(corpus_dir))
    assert code == 0, err
    assert "ingested 0, unchanged 10, failed 0" in out
    assert "0 texts embedded" in out
    _, after, _ = cli(ingested, "export", "--format", "nq")
    assert after == before
    assert before.splitlines() == sorted(before.splitlines())


def test_changed_file_changes_only_its_graph(
    fresh: tuple[Path, Env], tmp_path: Path, corpus_dir: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir / "reference", corpus / "reference")
    shutil.copytree(corpus_dir / "responses", corpus / "responses")
    data_dir = fresh
    assert cli(data_dir, "ingest", "--no-index", str(corpus))[0] == 0
    _, before, _ = cli(data_dir, "export", "--format", "nq")
    letter = corpus / "responses" / "havbu-kommune-uten-merknad.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("Per Ove Strand", "Per Ove Strand-Berg"), encoding="utf-8"
    )
    code, out, _ = cli(data_dir, "ingest", "--no-index", str(corpus))
    assert code == 0 and "ingested 1, unchanged 9" in out
    _, after, _ = cli(data_dir, "export", "--format", "nq")
    graph = "graph/response/havbu-kommune-uten-merknad.txt>"
    changed = set(before.splitlines()) ^ set(after.splitlines())
    assert changed, "the edit must show in the export"
    assert all(line.rstrip(" .").endswith(graph) for line in changed)


def test_bad_input_is_reported_and_the_batch_goes_on(
    fresh: tuple[Path, Env], tmp_path: Path, corpus_dir: Path, bad_input_dir: Path
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(bad_input_dir, folder)
    (folder / "README.md").unlink()
    shutil.copy(corpus_dir / "responses" / "aust-heia-kommune.txt", folder)
    data_dir = fresh
    code, out, err = cli(
        data_dir, "ingest", "--no-index", "--reference", str(corpus_dir / "reference"), str(folder)
    )
    assert code == 1
    assert "ingested 1" in out
    bad = sorted(p.name for p in bad_input_dir.iterdir() if p.name != "README.md")
    for name in bad:
        assert f"{name}:" in err, f"{name} not reported: {err}"
    assert "Traceback" not in out + err
    kg = PolicyKG(Settings(data_dir=fresh[0], sparql_url=fresh[1].get("POLICYKG_SPARQL_URL")))
    try:
        files = {r["f"] for r in kg.store.select(PREFIXES + "SELECT ?f WHERE { ?d pkg:fileName ?f }")}
    finally:
        kg.close()
    assert files == {"aust-heia-kommune.txt"}


def test_missing_path_and_unknown_command_are_clean(fresh: tuple[Path, Env], tmp_path: Path) -> None:
    code, _, err = cli(
        fresh, "ingest", "--reference", "examples/nou-2026-1/reference", str(tmp_path / "nope")
    )
    assert code == 1 and "no such file or folder" in err and "Traceback" not in err
    code, _, err = cli(fresh, "sparql", "SELECT ?x WHERE { ?x ?y }")
    assert code == 1 and "error:" in err and "Traceback" not in err


def test_trace_v1_shows_distriktssenteret_opposing(ingested: tuple[Path, Env]) -> None:
    code, out, err = cli(ingested, "trace", "V1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["target"] == "V1"
    opposing = [p for p in data["positions"] if p["stance"] == "opposes"]
    dss = [p for p in opposing if p["document"] == "distriktssenteret-2026-04-15.txt"]
    assert dss, data
    assert dss[0]["actor"] == "Distriktssenteret"
    assert "øremerking" in dss[0]["quote"]
    assert dss[0]["curated"] is False
    code, out, _ = cli(ingested, "trace", "V1")
    assert code == 0 and "Distriktssenteret" in out and "går imot" in out


def test_curation_wins_and_survives_reingest(
    fresh: tuple[Path, Env], tmp_path: Path, corpus_dir: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir / "reference", corpus / "reference")
    (corpus / "responses").mkdir()
    shutil.copy(corpus_dir / "responses" / "lia-kommune.pdf", corpus / "responses")
    data_dir = fresh
    assert cli(data_dir, "ingest", "--no-index", str(corpus))[0] == 0
    code, _, err = cli(
        data_dir,
        "curate",
        "R5",
        "lia-kommune.pdf",
        "--stance",
        "qualified",
        "--note",
        "forbehold i pkt 4",
        "--reviewer",
        "kari",
    )
    assert code == 0, err
    decisions = tmp_path / "decisions.yaml"
    decisions.write_text(
        "- {target: R9, document: lia-kommune.pdf, stance: mentions, reviewer: ola, quote: Kommunestyret}\n",
        encoding="utf-8",
    )
    assert cli(data_dir, "curate", "--file", str(decisions))[0] == 0

    def lia(target: str) -> dict[str, object]:
        code, out, _ = cli(data_dir, "trace", target, "--json")
        assert code == 0
        rows = [p for p in json.loads(out)["positions"] if p["document"] == "lia-kommune.pdf"]
        assert len(rows) == 1, rows
        return rows[0]

    r5 = lia("R5")
    assert (r5["stance"], r5["curated"], r5["reviewer"], r5["note"]) == (
        "qualified",
        True,
        "kari",
        "forbehold i pkt 4",
    )
    assert "søknads- og rapporteringskravene" in str(r5["quote"])  # the extractor's quote is kept
    # Re-ingest after a change to the file's bytes (a sidecar) must keep the decisions.
    (corpus / "responses" / "lia-kommune.pdf.meta.yaml").write_text("language: nb\n", encoding="utf-8")
    code, out, _ = cli(data_dir, "ingest", "--no-index", str(corpus))
    assert code == 0 and "ingested 1" in out
    assert lia("R5")["curated"] is True
    assert lia("R9")["stance"] == "mentions"
    # Unknown target or document: a clear error, nothing written.
    code, _, err = cli(data_dir, "curate", "R99", "lia-kommune.pdf", "--stance", "opposes")
    assert code == 1 and "unknown recommendation 'R99'" in err
    code, _, err = cli(data_dir, "curate", "R1", "nope.pdf", "--stance", "opposes")
    assert code == 1 and "no ingested response named 'nope.pdf'" in err


def test_index_check_and_reindex(ingested: tuple[Path, Env]) -> None:
    code, out, _ = cli(ingested, "check")
    assert code == 0, out
    assert "0 missing from the index, 0 orphan points" in out
    code, out, _ = cli(ingested, "reindex")
    assert code == 0 and "0 texts embedded" in out  # vectors come from the cache


def test_ask_json_shape(ingested: tuple[Path, Env]) -> None:
    code, out, err = cli(
        ingested, "ask", "Hvem vil beholde bemanningsnormene i barnehagen?", "--top-k", "5", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["question"].startswith("Hvem vil beholde")
    assert len(data["hits"]) == 5
    hit = data["hits"][0]
    assert {"document", "passage_iri", "text", "score", "actor", "links"} <= set(hit)
    assert all(h["actor"] and h["actor_type"] for h in data["hits"])  # known senders too
    assert any(
        h["document"] in {"barnehagelaererforbundet.pdf", "nordfjell-kommune.docx"} for h in data["hits"]
    )
    code, out, _ = cli(ingested, "ask", "bemanningsnormer", "--actor-type", "union", "--json")
    assert code == 0
    assert {h["actor_type"] for h in json.loads(out)["hits"]} == {"union"}
