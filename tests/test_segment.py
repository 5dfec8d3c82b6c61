"""Segmentation: blocks to text and offset passages, and plain/PDF lines to blocks."""

from __future__ import annotations

import pytest

from ingest.model import PassageKind
from ingest.segment import Block, assemble, blocks_from_lines, clean_inline, is_bare_bullet, is_bullet

H, P, L = PassageKind.HEADING, PassageKind.PARAGRAPH, PassageKind.LIST_ITEM


def test_assemble_offsets_join_and_heading_stack() -> None:
    blocks = [
        Block(H, "Høringssvar", 1),
        Block(P, "  Innledning\tmed   tabulator  "),
        Block(H, "3. Samordnet statlig styring", 2),
        Block(H, "3.1 Et forpliktende rammeverk", 3),
        Block(L, "Første punkt"),
        Block(P, "   "),  # empty after cleaning: no passage, no extra separator
        Block(H, "4. Samarbeid", 2),
        Block(P, "Siste avsnitt."),
    ]
    text, passages = assemble(blocks)
    assert text == (
        "Høringssvar\n\nInnledning med tabulator\n\n3. Samordnet statlig styring\n\n"
        "3.1 Et forpliktende rammeverk\n\nFørste punkt\n\n4. Samarbeid\n\nSiste avsnitt."
    )
    assert [p.index for p in passages] == list(range(7))
    for p in passages:
        assert text[p.start : p.end] == p.text
    assert passages[1].headings == ("Høringssvar",)
    assert passages[4].kind is L
    assert passages[4].headings == (
        "Høringssvar",
        "3. Samordnet statlig styring",
        "3.1 Et forpliktende rammeverk",
    )
    # A heading's own headings are those above it; a sibling replaces the previous one.
    assert passages[3].headings == ("Høringssvar", "3. Samordnet statlig styring")
    assert passages[5].headings == ("Høringssvar",)
    assert passages[6].headings == ("Høringssvar", "4. Samarbeid")


def test_clean_inline_normalises_unicode_and_space() -> None:
    raw = "  Ma\u0301l og\nmiddel \x07 A\u030aseral\u00a0kommune \t \u200bhar  "
    assert clean_inline(raw) == "Mál og middel Åseral kommune har"
    assert len(clean_inline("e\u0301")) == 1  # NFC: one code point


def test_offsets_hold_for_awkward_text() -> None:
    blocks = [
        Block(P, "a\u0301\u0301 «sitat» \t\t x"),
        Block(L, "\ufeffpunkt"),
        Block(H, "  ", 1),
        Block(P, "æøå"),
    ]
    text, passages = assemble(blocks)
    assert len(passages) == 3
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert text.endswith("æøå") and "\n\n\n" not in text


def test_hard_wrapped_pdf_lines_are_reflowed() -> None:
    lines = [
        "Forbundet støtter ikke forslaget om å oppheve de lovfestede bemanningskravene i",
        "barnehagen. Etter vårt syn vil et slikt grep øke forskjellene mellom barnehager og",
        "mellom kommuner.",
        "Kompetansekravene",
        "Kommisjonen anbefaler at kompetansekrav som binder personell unødvendig, fjernes",
        "eller gjøres mer fleksible.",
    ]
    blocks = blocks_from_lines(lines, wrapped=True)
    assert [b.kind for b in blocks] == [P, H, P]
    assert blocks[0].text == (
        "Forbundet støtter ikke forslaget om å oppheve de lovfestede bemanningskravene i "
        "barnehagen. Etter vårt syn vil et slikt grep øke forskjellene mellom barnehager og "
        "mellom kommuner."
    )
    assert blocks[1].text == "Kompetansekravene"
    assert blocks[2].text.endswith("fjernes eller gjøres mer fleksible.")


def test_bare_bullets_on_their_own_line_open_list_items() -> None:
    lines = [
        "Sammendrag",
        "–",
        "Forbundet støtter ikke at bemanningsnormen og pedagognormen i barnehageloven",
        "oppheves.",
        "–",
        "Vi kan ikke se at kravet binder personell unødvendig.",
    ]
    blocks = blocks_from_lines(lines, wrapped=True)
    assert [b.kind for b in blocks] == [H, L, L]
    assert (
        blocks[1].text
        == "Forbundet støtter ikke at bemanningsnormen og pedagognormen i barnehageloven oppheves."
    )
    assert blocks[2].text == "Vi kan ikke se at kravet binder personell unødvendig."


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ("- Vi støtter forenklingen.", "Vi støtter forenklingen."),
        ("– Vi støtter forenklingen.", "Vi støtter forenklingen."),
        ("• Vi støtter forenklingen.", "Vi støtter forenklingen."),
        ("* Vi støtter forenklingen.", "Vi støtter forenklingen."),
        ("1. Vi støtter forenklingen.", "1. Vi støtter forenklingen."),  # the number is part of the quote
        ("a) Vi støtter forenklingen.", "Vi støtter forenklingen."),
    ],
)
def test_bullet_styles(line: str, item: str) -> None:
    blocks = blocks_from_lines(
        ["Innledende avsnitt som er langt nok til å være et eget avsnitt her.", "", line], wrapped=False
    )
    assert blocks[-1] == Block(L, item)
    assert is_bullet(line)


def test_bullet_helpers() -> None:
    assert is_bare_bullet("–") and is_bare_bullet(" • ")
    assert not is_bare_bullet("– tekst")
    assert not is_bullet("Kommunen mener") and not is_bullet("2026 var et år")


def test_page_furniture_is_dropped() -> None:
    lines = [
        "Side 1",
        "Første avsnitt slutter her.",
        "",
        "Side 2 av 3",
        "- 3 -",
        "Andre avsnitt slutter her.",
    ]
    blocks = blocks_from_lines(lines, wrapped=True)
    assert [b.text for b in blocks] == ["Første avsnitt slutter her.", "Andre avsnitt slutter her."]


def test_address_block_and_fields_keep_one_block_per_line() -> None:
    lines = [
        "Vestby kommune",
        "Kommunal- og distriktsdepartementet",
        "Postboks 8112 Dep",
        "Saksbehandler: Ola Nordmann, rådgiver",
        "Dokumentet er elektronisk godkjent og har derfor ingen håndskrevne signaturer her.",
    ]
    blocks = blocks_from_lines(lines, wrapped=True)
    assert [b.text for b in blocks] == lines
    assert all(b.kind is P for b in blocks)


def test_plain_text_heading_heuristics() -> None:
    body = "Kommunen har lang erfaring med tilskuddsordningene og mener de har hatt god effekt lokalt."
    lines = [
        "Om de konkrete anbefalingene",
        body,
        "",
        "Dato: 15.04.2026",  # a field is never a heading
        body,
        "",
        "NOU 2026:1 En bærekraftig kommunesektor. Høringsvar",  # "2026:1" is no field
        body,
        "",
        "Bemanningsnormene (kapittel 7.3)",  # a closing parenthesis may end a heading
        body,
        "",
        "Hva kan en faktisk få til når aktørene tar en annen rolle?",  # a question is running text
        body,
    ]
    blocks = blocks_from_lines(lines, wrapped=False)
    heads = [b.text for b in blocks if b.kind is H]
    assert heads == [
        "Om de konkrete anbefalingene",
        "NOU 2026:1 En bærekraftig kommunesektor. Høringsvar",
        "Bemanningsnormene (kapittel 7.3)",
    ]


def test_dotted_section_numbers_are_headings_and_numbered_lines_are_items() -> None:
    lines = [
        "1. Investeringstilskuddet til omsorgsboliger og sykehjem (kap. 7.2)",
        "",
        "Kommisjonen anbefaler at regelverket for investeringstilskuddet forenkles og gjøres mer fleksibelt.",
        "",
        "3.1 Et forpliktende rammeverk",
        "Kommunene møter i dag staten og det regionale nivået gjennom mange separate kanaler.",
        "",
        "Vedtak:",
        "1. Lia kommune går imot kommisjonens anbefaling om å innlemme de øremerkede",
        "tilskuddene i rammetilskuddet.",
        "2. Kommunestyret ber om beregninger.",
    ]
    blocks = blocks_from_lines(lines, wrapped=True)
    # "1. Title" is read as a numbered point (the same shape as a resolution's points).
    assert blocks[0] == Block(L, "1. Investeringstilskuddet til omsorgsboliger og sykehjem (kap. 7.2)")
    assert blocks[2] == Block(H, "3.1 Et forpliktende rammeverk", 2)
    items = [b.text for b in blocks if b.kind is L][1:]
    assert items == [
        "1. Lia kommune går imot kommisjonens anbefaling om å innlemme de øremerkede tilskuddene i rammetilskuddet.",
        "2. Kommunestyret ber om beregninger.",
    ]
