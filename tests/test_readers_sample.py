"""Readers on the sample corpus and on made-up files: text, offsets, metadata, encodings, bad input."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from ingest.errors import DocumentReadError
from ingest.metadata import detect_language, parse_date
from ingest.model import DocumentFormat, PassageKind, ResponseDocument, ResponseType
from ingest.readers import content_hash, read_response
from ingest.segment import blocks_from_lines


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def sample_docs(responses_dir: Path) -> dict[str, ResponseDocument]:
    return {p.name: read_response(p) for p in sorted(responses_dir.iterdir())}


def test_every_sample_reads_with_exact_offsets(sample_docs: dict[str, ResponseDocument]) -> None:
    assert len(sample_docs) == 10
    formats = {doc.format for doc in sample_docs.values()}
    assert formats == set(DocumentFormat)
    for doc in sample_docs.values():
        assert doc.passages
        for p in doc.passages:
            assert doc.text[p.start : p.end] == p.text
            assert p.text == p.text.strip() and "\n" not in p.text


def test_metadata_matches_gold(sample_docs: dict[str, ResponseDocument], gold_dir: Path) -> None:
    with (gold_dir / "responses.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            md = sample_docs[row["file"]].metadata
            assert md.sender_name == row["sender_name"], row["file"]
            assert md.date is not None and md.date.isoformat() == row["date"], row["file"]
            assert md.language == row["language"], row["file"]
            assert md.response_type.value == row["response_type"], row["file"]


def test_gold_quotes_are_in_the_extracted_text(
    sample_docs: dict[str, ResponseDocument], gold_dir: Path
) -> None:
    quotes: list[tuple[str, str]] = []
    with (gold_dir / "stances.csv").open(encoding="utf-8") as fh:
        quotes += [(r["file"], r["quote"]) for r in csv.DictReader(fh)]
    for q in yaml.safe_load((gold_dir / "qa.yaml").read_text(encoding="utf-8")):
        quotes += [(a["file"], a["quote"]) for a in q["answers"]]
    missing = [(f, q) for f, q in quotes if _norm(q) not in _norm(sample_docs[f].text)]
    assert not missing


def test_structure_is_kept(sample_docs: dict[str, ResponseDocument]) -> None:
    html = sample_docs["ks-lignende-vestlandsk-kommuneforbund.html"]
    kinds = {p.kind for p in html.passages}
    assert {PassageKind.HEADING, PassageKind.LIST_ITEM, PassageKind.PARAGRAPH} <= kinds
    assert "Regjeringen.no" not in html.text  # site furniture is not part of the letter
    docx = sample_docs["nordfjell-kommune.docx"]
    under = [p for p in docx.passages if p.headings and p.headings[-1] == "Bemanningsnormene (kapittel 7.3)"]
    assert under and under[0].text.startswith("Nordfjell kommune er usamd")
    pdf = sample_docs["barnehagelaererforbundet.pdf"]
    assert "Side 1" not in pdf.text
    items = [p.text for p in pdf.passages if p.kind is PassageKind.LIST_ITEM]
    assert "Forbundet støtter ikke at bemanningsnormen og pedagognormen i barnehageloven oppheves." in items
    md = sample_docs["fjordland-fylkeskommune.md"]
    assert not any(p.text.startswith("#") for p in md.passages)


@pytest.mark.parametrize(
    "name",
    ["empty.txt", "truncated.pdf", "encrypted.pdf", "garbage.docx", "binary-noise.txt", "unclosed.html"],
)
def test_bad_input_is_refused_with_the_file_named(bad_input_dir: Path, name: str) -> None:
    with pytest.raises(DocumentReadError) as info:
        read_response(bad_input_dir / name)
    assert name in str(info.value)
    assert info.value.reason and "Traceback" not in info.value.reason


def test_encrypted_pdf_says_what_to_do(bad_input_dir: Path) -> None:
    with pytest.raises(DocumentReadError, match="password-protected"):
        read_response(bad_input_dir / "encrypted.pdf")


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "brev.odt"
    path.write_bytes(b"hei")
    with pytest.raises(DocumentReadError, match=r"unsupported file type '\.odt'"):
        read_response(path)


LETTER = "Vestby kommune\n\nDato: 03.04.2026\n\nKommunen støtter forslaget om færre rapporteringskrav på øremerkede tilskudd.\n"


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8", "\n"), ("utf-8-sig", "\n"), ("cp1252", "\r\n"), ("latin-1", "\r\n")]
)
def test_text_encodings(tmp_path: Path, encoding: str, newline: str) -> None:
    path = tmp_path / "vestby.txt"
    path.write_bytes(LETTER.replace("\n", newline).encode(encoding))
    doc = read_response(path)
    assert "støtter forslaget om færre" in doc.text
    assert "\r" not in doc.text and "\ufeff" not in doc.text
    assert doc.metadata.sender_name == "Vestby kommune"
    assert doc.metadata.date is not None and doc.metadata.date.isoformat() == "2026-04-03"


def test_sidecar_overrides_and_bad_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "vestby.txt"
    path.write_text(LETTER, encoding="utf-8")
    before = content_hash(path)
    side = tmp_path / "vestby.txt.meta.yaml"
    side.write_text(
        "sender_name: Vestby kommune (formannskapet)\ndate: 2026-04-05\nactor_type: municipality\n",
        encoding="utf-8",
    )
    doc = read_response(path)
    assert doc.metadata.sender_name == "Vestby kommune (formannskapet)"
    assert doc.metadata.date is not None and doc.metadata.date.isoformat() == "2026-04-05"
    assert content_hash(path) != before  # editing the sidecar re-ingests the file
    side.write_text("date: sometime in april\n", encoding="utf-8")
    with pytest.raises(DocumentReadError, match=r"vestby\.txt\.meta\.yaml: field 'date'"):
        read_response(path)
    side.write_text("colour: blue\n", encoding="utf-8")
    with pytest.raises(DocumentReadError, match="unknown field"):
        read_response(path)


def test_no_comment_letter(tmp_path: Path) -> None:
    path = tmp_path / "nes.txt"
    path.write_text(
        "Nes kommune\n\nDato: 01.04.2026\n\nNes kommune har ingen merknader til høringen.\n", encoding="utf-8"
    )
    assert read_response(path).metadata.response_type is ResponseType.WITHOUT_COMMENTS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Vi meiner at kommunane ikkje bør få fleire krav, og vi er difor usamde i tilrådinga frå kommisjonen.",
            "nn",
        ),
        (
            "Vi mener at kommunene ikke bør få flere krav, og vi er derfor uenige i anbefalingen fra kommisjonen.",
            "nb",
        ),
        (
            "Eg trur det er viktig at dei små kommunane kan vere med, men berre dersom ordninga blir vidareført.",
            "nn",
        ),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_dates() -> None:
    assert parse_date("Dato: 15.04.2026") is not None
    assert str(parse_date("Oslo, 3. mars 2026")) == "2026-03-03"
    assert str(parse_date("2026-04-15")) == "2026-04-15"
    assert parse_date("31.02.2026") is None


def test_hard_wrapped_lines_are_reflowed() -> None:
    lines = [
        "Forbundet støtter ikke forslaget om å oppheve de lovfestede bemanningskravene i",
        "barnehagen. Etter vårt syn vil et slikt grep øke forskjellene mellom barnehager og",
        "mellom kommuner.",
        "Kompetansekravene",
        "Kommisjonen anbefaler at kompetansekrav som binder personell unødvendig, fjernes",
        "eller gjøres mer fleksible.",
    ]
    blocks = blocks_from_lines(lines, wrapped=True)
    assert [b.kind for b in blocks] == [PassageKind.PARAGRAPH, PassageKind.HEADING, PassageKind.PARAGRAPH]
    assert blocks[0].text.endswith("øke forskjellene mellom barnehager og mellom kommuner.")
