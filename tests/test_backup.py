"""Backup, restore and import round trips: the export is byte-identical and curated decisions survive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.curation import CurationDecision, apply_decisions
from graph.queries import positions, proposal_ids
from ingest.errors import InputError
from search_api.backup import MANIFEST, import_dataset, read_manifest, restore, write_backup
from search_api.cli import app
from search_api.records import IndexCheck
from search_api.service import PolicyKG
from search_api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "nou-2026-1"


def _kg(data: Path) -> PolicyKG:
    return PolicyKG(Settings(data_dir=data))


@pytest.mark.slow
def test_backup_wipe_restore_and_export_import_round_trips(tmp_path: Path) -> None:
    data, saved = tmp_path / "data", tmp_path / "backup"
    kg = _kg(data)
    try:
        assert kg.ingest([CORPUS]).ok
        decision = CurationDecision(
            target="R2", document="lia-kommune.pdf", stance="opposes", reviewer="kari", note="round trip"
        )
        apply_decisions(kg.store, kg.iris, [decision], known_targets=set(proposal_ids(kg.store)))
        before = kg.store.export("nq")
        manifest = write_backup(kg, saved)
        assert manifest.curated_quads > 0 and manifest.reference and manifest.embedding_cache
    finally:
        kg.close()
    (tmp_path / "export.nq").write_bytes(before)

    shutil.rmtree(data)
    kg = _kg(data)
    try:
        got = restore(kg, saved)
        assert got.indexed > 0
        assert kg.store.export("nq") == before
        rows = positions(kg.store, target_id="R2", document_iri=kg.iris.response("lia-kommune.pdf"))
        assert [(r.stance, r.curated, r.note) for r in rows] == [("opposes", True, "round trip")]
        assert kg.index_status().in_step and kg.check() == IndexCheck([], [], [])
        assert kg.reference.content_hash  # the reference data came back too (uploads need it)
    finally:
        kg.close()

    kg = _kg(tmp_path / "imported")
    try:
        counts = import_dataset(kg, tmp_path / "export.nq")
        assert counts.quads == before.count(b"\n") and counts.dropped == 0
        sync = kg.reconcile()
        assert sync.reindexed and kg.index_status().in_step
        assert kg.store.export("nq") == before
        trig = kg.store.export("trig")
    finally:
        kg.close()
    (tmp_path / "export.trig").write_bytes(trig)
    kg = _kg(tmp_path / "from-trig")
    try:
        import_dataset(kg, tmp_path / "export.trig")
        assert kg.store.export("nq") == before
    finally:
        kg.close()


def test_bad_backups_and_imports_are_refused_with_the_reason(tmp_path: Path) -> None:
    kg = _kg(tmp_path / "data")
    try:
        with pytest.raises(InputError, match="not a policykg backup"):
            restore(kg, tmp_path)
        default_graph = tmp_path / "triples.nq"
        default_graph.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
        with pytest.raises(InputError, match="outside any named graph"):
            import_dataset(kg, default_graph)
        broken = tmp_path / "broken.nq"
        broken.write_text("<http://example.org/a> <http://example.org/b> .\n")
        with pytest.raises(InputError, match=r"broken\.nq: not valid"):
            import_dataset(kg, broken)
        with pytest.raises(InputError, match=r"\.nq\) or TriG"):
            import_dataset(kg, tmp_path / "data.json")
        kg.store.replace_graph(
            "http://example.org/g", '<http://example.org/a> <http://example.org/b> "x" .\n'
        )
        saved = tmp_path / "saved"
        write_backup(kg, saved)
        with pytest.raises(InputError, match="exists and is not empty"):
            write_backup(kg, saved)
        with (saved / "graph.nq").open("ab") as fh:
            fh.write(
                b"<http://example.org/x> <http://example.org/y> <http://example.org/z> <http://example.org/g> .\n"
            )
        with pytest.raises(InputError, match="checksum"):
            restore(kg, saved)
        manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
        del manifest["base_iri"]
        manifest["quads"] = "many"
        (saved / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(
            InputError, match=r"policykg-backup\.json: not a policykg backup manifest.*base_iri.*quads"
        ):
            read_manifest(saved)
        (saved / MANIFEST).write_text("[1]", encoding="utf-8")
        with pytest.raises(InputError, match="backup format None"):
            read_manifest(saved)
    finally:
        kg.close()


def test_cli_import_of_a_bad_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("this is not trig {")
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.trig: not valid" in result.output and "Traceback" not in result.output
