"""Reference data: the sample loads; broken files give errors naming file, entry and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.errors import ReferenceDataError
from ingest.model import ActorType
from ingest.reference import ReferenceData, load_reference


def test_sample_reference_loads(reference: ReferenceData) -> None:
    assert set(reference.targets) == {f"R{i}" for i in range(1, 10)} | {"V1"}
    assert reference.targets["V1"].kind == "assessment"
    assert reference.targets["R2"].grant_schemes == ("investeringstilskudd-omsorg",)
    assert reference.actors["distriktssenteret"].type is ActorType.STATE_AGENCY
    assert reference.actors["distriktssenteret"].org_number == "992375434"
    assert reference.pilots["bygdevekstavtaler"].participants == ("kdd", "indre-namdal-kommuner")
    assert reference.themes["oremerking"].broader == "okonomisk-styring"
    assert reference.hearing.deadline is not None and reference.hearing.deadline.isoformat() == "2026-05-01"
    assert len(reference.content_hash) == 64


@pytest.fixture()
def ref_copy(tmp_path: Path, corpus_dir: Path) -> Path:
    dest = tmp_path / "reference"
    shutil.copytree(corpus_dir / "reference", dest)
    return dest


def test_content_hash_follows_the_files(ref_copy: Path) -> None:
    before = load_reference(ref_copy).content_hash
    assert load_reference(ref_copy).content_hash == before
    path = ref_copy / "themes.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- {id: ny, label: Ny}\n", encoding="utf-8")
    assert load_reference(ref_copy).content_hash != before


def test_duplicate_id_is_named(ref_copy: Path) -> None:
    path = ref_copy / "actors.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + '- {id: ks, name: "KS igjen", type: union}\n', encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"actors\.yaml: duplicate actor id 'ks'"):
        load_reference(ref_copy)


def test_unknown_theme_in_recommendation_is_named(ref_copy: Path) -> None:
    path = ref_copy / "recommendations.yaml"
    text = path.read_text(encoding="utf-8").replace("themes: [digitalisering]", "themes: [digitalsering]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ReferenceDataError, match=r"recommendation #9 \(R9\): unknown theme id 'digitalsering'"
    ):
        load_reference(ref_copy)


def test_unknown_participant_and_actor_type(ref_copy: Path) -> None:
    path = ref_copy / "pilots.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("participants: [kdd,", "participants: [kdx,"),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="unknown actor id 'kdx'"):
        load_reference(ref_copy)


def test_bad_actor_type_lists_the_allowed_ones(ref_copy: Path) -> None:
    path = ref_copy / "actors.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("type: research}", "type: researcher}"), encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match="unknown actor type 'researcher'; use one of: ministry"):
        load_reference(ref_copy)


def test_missing_required_file_and_field(ref_copy: Path) -> None:
    (ref_copy / "recommendations.yaml").write_text("- {id: R1, title: Uten tekst}\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="missing required field 'text'"):
        load_reference(ref_copy)
    (ref_copy / "hearing.yaml").unlink()
    with pytest.raises(ReferenceDataError, match=r"hearing\.yaml: required reference file is missing"):
        load_reference(ref_copy)


def test_invalid_yaml_is_reported(ref_copy: Path) -> None:
    (ref_copy / "themes.yaml").write_text("- {id: a, label: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid YAML"):
        load_reference(ref_copy)
