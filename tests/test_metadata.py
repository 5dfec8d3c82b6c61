"""Metadata from the letter text: sender, date, references, addressee, type, language, title; sidecars."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.errors import DocumentReadError
from ingest.metadata import apply_sidecar, detect_language, extract_metadata, normalise_name, parse_date
from ingest.model import ActorType, ResponseMetadata, ResponseType
from ingest.segment import assemble, blocks_from_lines


def _metadata(letter: str, html_fields: dict[str, str] | None = None) -> ResponseMetadata:
    text, passages = assemble(blocks_from_lines(letter.splitlines(), wrapped=False))
    return extract_metadata(text, passages, html_fields=html_fields)


BOKMAL_LETTER = """Vestby kommune
Rådmannen

Til: Kommunal- og distriktsdepartementet

Deres ref.: 2026/50
Vår ref.: 26/311-4
Dato: 03.04.2026

Høringssvar – NOU 2026:1 En bærekraftig kommunesektor

Vestby kommune viser til høringen og mener at kommisjonens anbefalinger i hovedsak er gode. Vi ønsker likevel \
å peke på at det ikke er gitt at flere tilskudd bør legges inn i rammen, og derfor ber vi om en grundigere utredning.
"""

NYNORSK_LETTER = """VESTRE HEIA KOMMUNE

Kommunal- og distriktsdepartementet
Postboks 8112 Dep

Dykkar referanse: 2026/50
Vår referanse: 2026/77-3
Dato: 21. april 2026

Høyringssvar – NOU 2026:1 En bærekraftig kommunesektor

Vestre Heia kommune meiner at kommunane ikkje bør få fleire krav frå staten, og vi er difor usamde i tilrådinga. \
Det er berre dei små kommunane som kjenner korleis tilskota verkar, og vi vil vere med i arbeidet vidare.
"""


def test_bokmal_letter_fields() -> None:
    md = _metadata(BOKMAL_LETTER)
    assert md.sender_name == "Vestby kommune"
    assert md.date == date(2026, 4, 3)
    assert md.our_reference == "26/311-4"
    assert md.their_reference == "2026/50"
    assert md.addressee == "Kommunal- og distriktsdepartementet"
    assert md.response_type is ResponseType.WITH_COMMENTS
    assert md.language == "nb"
    assert md.title == "Høringssvar – NOU 2026:1 En bærekraftig kommunesektor"
    assert md.actor_id is None and md.actor_type is None


def test_nynorsk_letter_fields_and_upper_case_letterhead() -> None:
    md = _metadata(NYNORSK_LETTER)
    assert md.sender_name == "Vestre Heia kommune"
    assert md.date == date(2026, 4, 21)
    assert md.their_reference == "2026/50"
    assert md.our_reference == "2026/77-3"
    assert md.addressee == "Kommunal- og distriktsdepartementet"
    assert md.language == "nn"
    assert md.title == "Høyringssvar – NOU 2026:1 En bærekraftig kommunesektor"


def test_sender_named_only_in_the_body() -> None:
    letter = """Kommunal- og distriktsdepartementet

Dato: 15.04.2026

Innspill til NOU 2026:1

Nordsenteret takker for invitasjonen til å gi innspill i et viktig arbeid for kommunene i hele landet.

Kommisjonen peker på mange utfordringer. Nordsenteret mener at mindre statlig styring er riktig vei å gå.

Nordsentret har erfaring fra mange kommuner. Nordsenteret støtter derfor forslaget om færre rapporteringskrav.
"""
    md = _metadata(letter)
    assert md.sender_name == "Nordsenteret"  # the most frequent subject, not the misspelt variant
    assert md.addressee == "Kommunal- og distriktsdepartementet"


def test_html_fields_win_over_the_text() -> None:
    letter = "Høringssvar fra Vestlandsk kommuneforbund\n\nVestlandsk kommuneforbund har ingen merknader.\n"
    md = _metadata(letter, {"dato": "22.04.2026", "svartype": "Med merknad"})
    assert md.sender_name == "Vestlandsk kommuneforbund"
    assert md.date == date(2026, 4, 22)
    assert md.response_type is ResponseType.WITH_COMMENTS  # the page says so, whatever the text says
    assert _metadata(letter, {"svartype": "Uten merknad"}).response_type is ResponseType.WITHOUT_COMMENTS


@pytest.mark.parametrize(
    "sentence",
    [
        "Havbu kommune har ingen merknader til høringen.",
        "Kommunen har ingen merknad til utgreiinga.",
        "Fylkeskommunen har ikkje merknader til høyringa.",
        "Vi har ingen kommentarer til utredningen.",
    ],
)
def test_no_comment_letters(sentence: str) -> None:
    letter = f"Havbu kommune\n\nDato: 09.04.2026\n\nVi viser til høringsbrevet om NOU 2026:1.\n\n{sentence}\n"
    assert _metadata(letter).response_type is ResponseType.WITHOUT_COMMENTS


def test_no_comment_remark_inside_a_long_letter_is_still_with_comments() -> None:
    paragraphs = [
        f"Avsnitt {i}: kommunen mener at tilskuddsordningene må vurderes nærmere før de innlemmes i rammen."
        for i in range(6)
    ]
    letter = "Vestby kommune\n\n" + "\n\n".join(paragraphs) + "\n\nVi har ingen merknader til kapittel 9.\n"
    assert _metadata(letter).response_type is ResponseType.WITH_COMMENTS


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Vi meiner at kommunane ikkje bør få fleire krav, og vi er difor usamde i tilrådinga frå kommisjonen.", "nn"),
        ("Vi mener at kommunene ikke bør få flere krav, og vi er derfor uenige i anbefalingen fra kommisjonen.", "nb"),
        ("Eg trur det er viktig at dei små kommunane kan vere med, men berre dersom ordninga blir vidareført.", "nn"),
        ("Jeg tror det er viktig at de små kommunene kan være med, men bare dersom ordningen blir videreført.", "nb"),
        # A bokmål letter quoting the nynorsk name of a programme stays bokmål.
        ("Kommunen støtter ikke forslaget. Vi mener «Saman om ein betre kommune» bør videreføres fordi det virker.", "nb"),
        # A nynorsk letter that quotes the report's bokmål title stays nynorsk.
        ("Høyringssvar – NOU 2026:1 En bærekraftig kommunesektor. Kommunen meiner at tilskota ikkje må bli "
         "lagde inn i ramma, fordi dei små kommunane då får mykje mindre.", "nn"),
        ("", "nb"),
    ],
)  # fmt: skip
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_parse_date_forms() -> None:
    assert parse_date("Dato: 15.04.2026") == date(2026, 4, 15)
    assert parse_date("Oslo, 3. mars 2026") == date(2026, 3, 3)
    assert parse_date("Steinkjer 15. April 2026") == date(2026, 4, 15)
    assert parse_date("2026-04-15") == date(2026, 4, 15)
    assert parse_date("1.4.2026") == date(2026, 4, 1)
    assert parse_date("31.02.2026") is None
    assert parse_date("ingen dato her") is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("NORDFJELL KOMMUNE", "Nordfjell kommune"),
        ("AUST-HEIA KOMMUNE", "Aust-Heia kommune"),
        ("Fjordland fylkeskommune.", "Fjordland fylkeskommune"),
        ("  Forbundet for barnehagelærere ", "Forbundet for barnehagelærere"),
        ("KS", "KS"),
    ],
)
def test_normalise_name(raw: str, name: str) -> None:
    assert normalise_name(raw) == name


def test_sidecar_overrides_every_field(tmp_path: Path) -> None:
    path = tmp_path / "lia-kommune.pdf"
    path.write_bytes(b"%PDF-1.4")
    (tmp_path / "lia-kommune.pdf.meta.yaml").write_text(
        "sender_name: Lia kommune (formannskapet)\n"
        "date: 2026-04-21\n"
        "our_reference: 2026/77-3\n"
        "their_reference: '2026/50'\n"
        "addressee: Kommunal- og distriktsdepartementet\n"
        "response_type: uten-merknad\n"
        "language: nn\n"
        "title: Vedtak i kommunestyret\n"
        "actor_id: lia-kommune\n"
        "actor_type: municipality\n",
        encoding="utf-8",
    )
    before = ResponseMetadata(sender_name="Feil avsender", date=date(2020, 1, 1), language="nb")
    md = apply_sidecar(path, before)
    assert md == ResponseMetadata(
        sender_name="Lia kommune (formannskapet)",
        date=date(2026, 4, 21),
        our_reference="2026/77-3",
        their_reference="2026/50",
        addressee="Kommunal- og distriktsdepartementet",
        response_type=ResponseType.WITHOUT_COMMENTS,
        language="nn",
        title="Vedtak i kommunestyret",
        actor_id="lia-kommune",
        actor_type=ActorType.MUNICIPALITY,
    )


def test_sidecar_absent_or_empty_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "brev.txt"
    before = ResponseMetadata(sender_name="Vestby kommune")
    assert apply_sidecar(path, before) is before
    (tmp_path / "brev.txt.meta.yaml").write_text("# bare en kommentar\n", encoding="utf-8")
    assert apply_sidecar(path, before) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date: sometime in april\n", "field 'date'"),
        ("date: 2026-02-30\n", "field 'date'"),
        ("response_type: kanskje\n", "field 'response_type'"),
        ("actor_type: kommune\n", "field 'actor_type'"),
        ("language: se\n", "field 'language'"),
        ("actor_id: Lia Kommune\n", "field 'actor_id'"),
        ("sender_name: [a, b]\n", "field 'sender_name'"),
        ("sender_name: ''\n", "field 'sender_name'"),
        ("colour: blue\n", "unknown field"),
        ("- just\n- a list\n", "mapping"),
        ("sender_name: [unclosed\n", "not valid"),
    ],
)
def test_bad_sidecar_names_the_file_and_the_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "brev.txt"
    (tmp_path / "brev.txt.meta.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(DocumentReadError) as info:
        apply_sidecar(path, ResponseMetadata())
    assert "brev.txt.meta.yaml" in str(info.value)
    assert message in str(info.value)
