"""Readers end to end: the ten sample letters, made-up files in every format, and bad input."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from ingest.errors import DocumentReadError
from ingest.model import ActorType, DocumentFormat, PassageKind, ResponseDocument, ResponseType
from ingest.readers import SUPPORTED_SUFFIXES, content_hash, read_response

H, P, L = PassageKind.HEADING, PassageKind.PARAGRAPH, PassageKind.LIST_ITEM


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def docs(responses_dir: Path) -> dict[str, ResponseDocument]:
    return {p.name: read_response(p) for p in sorted(responses_dir.iterdir())}


def _gold_rows(gold_dir: Path) -> list[dict[str, str]]:
    with (gold_dir / "responses.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _gold_quotes(gold_dir: Path) -> list[tuple[str, str]]:
    with (gold_dir / "stances.csv").open(encoding="utf-8") as fh:
        quotes = [(r["file"], r["quote"]) for r in csv.DictReader(fh)]
    for question in yaml.safe_load((gold_dir / "qa.yaml").read_text(encoding="utf-8")):
        quotes += [(a["file"], a["quote"]) for a in question["answers"]]
    return quotes


# -- the sample corpus ----------------------------------------------------------------------------------------
def test_all_ten_samples_read_in_every_format(docs: dict[str, ResponseDocument], gold_dir: Path) -> None:
    rows = _gold_rows(gold_dir)
    assert sorted(docs) == sorted(r["file"] for r in rows)
    for row in rows:
        doc = docs[row["file"]]
        assert doc.format is DocumentFormat(row["format"]), row["file"]
        assert doc.file_name == row["file"]
        assert doc.mentions == [] and doc.positions == [] and doc.sender is None
        assert doc.content_hash == content_hash(doc.path)
        assert len(doc.passages) >= 10, row["file"]


@pytest.mark.parametrize("field", ["sender_name", "date", "language", "response_type"])
def test_sample_metadata_matches_gold(docs: dict[str, ResponseDocument], gold_dir: Path, field: str) -> None:
    wrong = []
    for row in _gold_rows(gold_dir):
        md = docs[row["file"]].metadata
        got = {
            "sender_name": md.sender_name,
            "date": md.date.isoformat() if md.date else None,
            "language": md.language,
            "response_type": md.response_type.value if md.response_type else None,
        }[field]
        if got != row[field]:
            wrong.append((row["file"], got, row[field]))
    assert wrong == []


def test_sample_references_addressee_and_titles(docs: dict[str, ResponseDocument]) -> None:
    aust = docs["aust-heia-kommune.txt"].metadata
    assert (aust.our_reference, aust.their_reference) == ("26/118-5", "2026/50")
    assert aust.addressee == "Kommunal- og distriktsdepartementet"
    assert aust.title == "Høringssvar - NOU 2026:1 En bærekraftig kommunesektor - melding om vedtak"
    nordfjell = docs["nordfjell-kommune.docx"].metadata
    assert (nordfjell.our_reference, nordfjell.their_reference) == (
        "2026/311-4",
        "2026/50",
    )  # «Dykkar referanse»
    assert nordfjell.title == "Høyringssvar – NOU 2026:1 En bærekraftig kommunesektor"
    real = docs["distriktssenteret-2026-04-15.txt"].metadata
    assert real.our_reference == "2026/50" and real.their_reference is None  # «Din referanse:» is left empty
    assert real.title == "NOU 2026:1 En bærekraftig kommunesektor. Høringsvar"
    html = docs["ks-lignende-vestlandsk-kommuneforbund.html"].metadata
    assert html.addressee == "Kommunal- og distriktsdepartementet"  # from «Til: ...»
    assert html.title == "Høringssvar – NOU 2026:1 En bærekraftig kommunesektor"
    lia = docs["lia-kommune.pdf"].metadata
    assert lia.title == "Høringssvar - NOU 2026:1 En bærekraftig kommunesektor - melding om vedtak"
    assert lia.our_reference == "2026/77-3"


def test_every_gold_quote_is_in_the_extracted_text(docs: dict[str, ResponseDocument], gold_dir: Path) -> None:
    quotes = _gold_quotes(gold_dir)
    assert len(quotes) > 40
    missing = [(f, q) for f, q in quotes if _collapse(q) not in _collapse(docs[f].text)]
    assert missing == []


def test_offsets_invariant_for_every_passage(docs: dict[str, ResponseDocument]) -> None:
    for name, doc in docs.items():
        assert doc.text == unicodedata.normalize("NFC", doc.text), name
        assert "\r" not in doc.text and "\ufeff" not in doc.text and "\t" not in doc.text, name
        previous_end = -2
        for i, p in enumerate(doc.passages):
            assert p.index == i
            assert doc.text[p.start : p.end] == p.text, (name, i)
            assert p.text and p.text == p.text.strip() and "\n" not in p.text and "  " not in p.text
            assert p.start == previous_end + 2  # passages are separated by exactly one blank line
            previous_end = p.end
        assert previous_end == len(doc.text)


def test_html_reads_the_letter_not_the_site(docs: dict[str, ResponseDocument]) -> None:
    doc = docs["ks-lignende-vestlandsk-kommuneforbund.html"]
    for furniture in (
        "Regjeringen.no",
        "Brødsmulesti",
        "Forsiden",
        "Tilbake til høringen",
        "Svartype",
        "Departementene",
    ):
        assert furniture not in doc.text
    assert doc.passages[0].kind is H and doc.passages[0].text == "Høringssvar fra Vestlandsk kommuneforbund"
    items = [p.text for p in doc.passages if p.kind is L]
    assert (
        len(items) == 5
        and items[0] == "Vi slutter oss til at flere øremerkede tilskudd legges inn i rammetilskuddet."
    )
    rapport = next(p for p in doc.passages if p.text.startswith("Anbefalingen om å rydde"))
    assert rapport.headings[-1] == "Rapportering, søknader og dokumentasjon (kapittel 7.4)"
    # <br> in the signature separates lines; it does not glue or merge them.
    assert {"Med vennlig hilsen", "Ingrid Hjelmeland Sæbø", "styreleder"} <= {p.text for p in doc.passages}


def test_docx_headings_tables_and_order(docs: dict[str, ResponseDocument]) -> None:
    doc = docs["nordfjell-kommune.docx"]
    heads = [(p.text, p.headings) for p in doc.passages if p.kind is H]
    assert heads[0] == ("Høyringssvar – NOU 2026:1 En bærekraftig kommunesektor", ())
    assert (
        "Bemanningsnormene (kapittel 7.3)",
        ("Høyringssvar – NOU 2026:1 En bærekraftig kommunesektor",),
    ) in heads
    under = next(p for p in doc.passages if p.text.startswith("Nordfjell kommune er usamd"))
    assert under.headings[-1] == "Bemanningsnormene (kapittel 7.3)"
    # The reference table sits between the address and the title, and is read there.
    texts = [p.text for p in doc.passages]
    assert texts.index("Dykkar referanse: 2026/50") < texts.index(heads[0][0])


def test_pdf_structure(docs: dict[str, ResponseDocument]) -> None:
    doc = docs["barnehagelaererforbundet.pdf"]
    assert "Side 1" not in doc.text and "Side 2" not in doc.text
    items = [p.text for p in doc.passages if p.kind is L]
    assert items == [
        "Forbundet støtter ikke at bemanningsnormen og pedagognormen i barnehageloven oppheves.",
        "Vi kan ikke se at det er godtgjort at kravet om barnehagelærerutdanning binder personell unødvendig.",
        "Forbundet vil følge kommisjonens videre arbeid med veiledere og faglige retningslinjer.",
    ]
    title = "Høringssvar fra Forbundet for barnehagelærere – NOU 2026:1 En bærekraftig kommunesektor"
    heads = [p.text for p in doc.passages if p.kind is H]
    assert heads == [
        title,
        "Sammendrag",
        "Bemanningsnormene",
        "Kompetansekravene",
        "Veiledere og retningslinjer",
        "Avslutning",
    ]
    # A paragraph running over the page break is one passage.
    running = next(p for p in doc.passages if p.text.startswith("Det er heller ikke riktig"))
    assert running.text.endswith("men de gir ikke barna en barnehagelærer.")
    assert running.headings == (title, "Kompetansekravene")
    lia = docs["lia-kommune.pdf"]
    texts = [p.text for p in lia.passages]
    assert (
        "Saksbehandler: Even Brattås, konsulent" in texts
    )  # a field line is not glued to the next paragraph
    assert sum(p.kind is L for p in lia.passages) == 6


def test_markdown_syntax_is_removed_but_txt_is_kept_literal(docs: dict[str, ResponseDocument]) -> None:
    md = docs["fjordland-fylkeskommune.md"]
    assert not re.search(r"(^|\n)#|\*\*|\]\(", md.text)
    sub = next(p for p in md.passages if p.text == "3.1 Et forpliktende rammeverk")
    assert sub.kind is H and sub.headings[-1] == "3. Samordnet statlig styring"
    assert sum(p.kind is L for p in md.passages) == 3
    real = docs["distriktssenteret-2026-04-15.txt"]
    assert "[Generalistkommuneutvalget](#)" in real.text  # the real letter's link stubs are part of its text


def test_latin1_crlf_sample_is_decoded(docs: dict[str, ResponseDocument]) -> None:
    doc = docs["ostmark-kommune-latin1.txt"]
    assert doc.text.startswith("Østmark kommune")
    assert "Ã" not in doc.text and "\ufffd" not in doc.text
    heads = [p.text for p in doc.passages if p.kind is H]
    assert heads == ["HØRINGSUTTALELSE - NOU 2026:1 EN BÆREKRAFTIG KOMMUNESEKTOR"]
    items = [p.text for p in doc.passages if p.kind is L]
    assert items[0] == "1. Investeringstilskuddet til omsorgsboliger og sykehjem (kap. 7.2)"


# -- bad input -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty"),
        ("truncated.pdf", "truncated"),
        ("encrypted.pdf", "password-protected"),
        ("garbage.docx", "not a valid DOCX"),
        ("binary-noise.txt", "binary data"),
        ("unclosed.html", "nested more than"),
    ],
)
def test_bad_input_is_refused_with_file_and_reason(bad_input_dir: Path, name: str, reason: str) -> None:
    path = bad_input_dir / name
    with pytest.raises(DocumentReadError) as info:
        read_response(path)
    assert info.value.path == path
    assert name in str(info.value)
    assert reason in info.value.reason
    assert ";" in info.value.reason  # what is wrong; what to do


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    odt = tmp_path / "brev.odt"
    odt.write_bytes(b"hei")
    with pytest.raises(DocumentReadError, match=r"brev\.odt: unsupported file type '\.odt'"):
        read_response(odt)
    with pytest.raises(DocumentReadError, match="cannot read"):
        read_response(tmp_path / "finnes-ikke.txt")
    assert {
        ".txt",
        ".md",
        ".html",
        ".htm",
        ".pdf",
        ".docx",
    } <= SUPPORTED_SUFFIXES and ".odt" not in SUPPORTED_SUFFIXES


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "tom.md"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    with pytest.raises(DocumentReadError, match="empty"):
        read_response(path)


def test_pdf_without_text_asks_for_ocr(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "skannet.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentReadError, match="OCR"):
        read_response(path)


def test_cut_pdf_and_fake_pdf(tmp_path: Path, responses_dir: Path) -> None:
    raw = (responses_dir / "lia-kommune.pdf").read_bytes()
    cut = tmp_path / "halv.pdf"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DocumentReadError, match="truncated"):
        read_response(cut)
    fake = tmp_path / "tekst.pdf"
    fake.write_text("Dette er ikke en PDF, bare tekst.", encoding="utf-8")
    with pytest.raises(DocumentReadError, match="not a PDF"):
        read_response(fake)


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hei.txt", "ikke word")
    with pytest.raises(DocumentReadError, match=r"arkiv\.docx: the DOCX file is damaged"):
        read_response(path)


def test_deep_html_is_refused_without_recursion(tmp_path: Path) -> None:
    path = tmp_path / "dyp.html"
    path.write_text("<html><body>" + "<span>" * 20000 + "tekst" + "</span>" * 20000 + "</body></html>")
    with pytest.raises(DocumentReadError, match="nested"):
        read_response(path)


# -- made-up files in each format -----------------------------------------------------------------------------
LETTER = (
    "Vestby kommune\n\nDato: 03.04.2026\n\n"
    "Kommunen støtter forslaget om færre rapporteringskrav – og sparer 5 000 € i året på det.\n"
)


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\n"), ("utf-8-sig", "\r\n"), ("cp1252", "\r\n"), ("cp1252", "\r")],
)
def test_text_encodings(tmp_path: Path, encoding: str, newline: str) -> None:
    path = tmp_path / "vestby.txt"
    path.write_bytes(LETTER.replace("\n", newline).encode(encoding))
    doc = read_response(path)
    assert doc.text == (
        "Vestby kommune\n\nDato: 03.04.2026\n\n"
        "Kommunen støtter forslaget om færre rapporteringskrav – og sparer 5 000 € i året på det."
    )
    assert doc.metadata.sender_name == "Vestby kommune"
    assert doc.metadata.date == date(2026, 4, 3)


def test_latin1_text(tmp_path: Path) -> None:
    path = tmp_path / "nes.txt"
    path.write_bytes(
        "Nes kommune\r\n\r\nNes kommune støtter økt rammefinansiering av tiltakene i distriktene.\r\n".encode(
            "latin-1"
        )
    )
    doc = read_response(path)
    assert doc.passages[1].text == "Nes kommune støtter økt rammefinansiering av tiltakene i distriktene."


def test_markdown_reader(tmp_path: Path) -> None:
    path = tmp_path / "brev.md"
    path.write_text(
        "# Høringssvar fra Vestby kommune\n\n"
        "Vi **støtter** _forenklingen_ av [investeringstilskuddet](https://husbanken.no).\n\n"
        "## Merknader\n\n- Første punkt\n* Andre punkt\n1. Tredje punkt\n\n---\n\nSiste avsnitt.\n",
        encoding="utf-8",
    )
    doc = read_response(path)
    kinds = [(p.kind, p.text) for p in doc.passages]
    assert kinds == [
        (H, "Høringssvar fra Vestby kommune"),
        (P, "Vi støtter forenklingen av investeringstilskuddet."),
        (H, "Merknader"),
        (L, "Første punkt"),
        (L, "Andre punkt"),
        (L, "1. Tredje punkt"),
        (P, "Siste avsnitt."),
    ]
    assert doc.passages[3].headings == ("Høringssvar fra Vestby kommune", "Merknader")
    assert doc.metadata.sender_name == "Vestby kommune"


def test_html_reader_without_regjeringen_markup(tmp_path: Path) -> None:
    path = tmp_path / "svar.htm"
    path.write_bytes(
        "<html><head><meta charset='windows-1252'><script>var x = 1;</script></head><body>"
        "<nav>Meny</nav><article><h2>Høringssvar</h2><p>Vestby <b>kommune</b>forbund støtter"
        " forslaget.</p><ul><li><p>Punkt</p><p>én</p></li></ul><table><tr><td>Dato: 03.04.2026</td></tr></table>"
        "</article><footer>Bunntekst</footer></body></html>".encode("cp1252")
    )
    doc = read_response(path)
    assert [(p.kind, p.text) for p in doc.passages] == [
        (H, "Høringssvar"),
        (P, "Vestby kommuneforbund støtter forslaget."),
        (L, "Punkt én"),
        (P, "Dato: 03.04.2026"),
    ]
    assert doc.metadata.date == date(2026, 4, 3)


def _make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Vestby kommune")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Vår referanse: 26/1-1"
    table.rows[0].cells[1].text = "Dato: 03.04.2026"
    document.add_heading("Høringssvar – NOU 2026:1", level=1)
    document.add_heading("Tilskudd", level=2)
    document.add_paragraph("Vi støtter forenklingen av tilskuddene.")
    document.add_paragraph("Første punkt", style="List Bullet")
    document.add_paragraph("Andre punkt", style="List Number")
    document.save(str(path))


def test_docx_reader(tmp_path: Path) -> None:
    path = tmp_path / "vestby.docx"
    _make_docx(path)
    doc = read_response(path)
    assert [(p.kind, p.text) for p in doc.passages] == [
        (P, "Vestby kommune"),
        (P, "Vår referanse: 26/1-1"),
        (P, "Dato: 03.04.2026"),
        (H, "Høringssvar – NOU 2026:1"),
        (H, "Tilskudd"),
        (P, "Vi støtter forenklingen av tilskuddene."),
        (L, "Første punkt"),
        (L, "Andre punkt"),
    ]
    assert doc.passages[-1].headings == ("Høringssvar – NOU 2026:1", "Tilskudd")
    md = doc.metadata
    assert (md.sender_name, md.our_reference, md.date) == ("Vestby kommune", "26/1-1", date(2026, 4, 3))
    assert md.title == "Høringssvar – NOU 2026:1"


# -- sidecar and hash ----------------------------------------------------------------------------------------
def test_content_hash_covers_the_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "vestby.txt"
    path.write_text(LETTER, encoding="utf-8")
    plain = content_hash(path)
    assert plain == hashlib.sha256(path.read_bytes()).hexdigest()
    side = tmp_path / "vestby.txt.meta.yaml"
    side.write_text("language: nb\n", encoding="utf-8")
    with_side = content_hash(path)
    assert with_side != plain
    side.write_text("language: nn\n", encoding="utf-8")
    assert content_hash(path) not in (plain, with_side)
    assert read_response(path).content_hash == content_hash(path)


def test_sidecar_overrides_a_sample(tmp_path: Path, responses_dir: Path) -> None:
    path = tmp_path / "lia-kommune.pdf"
    path.write_bytes((responses_dir / "lia-kommune.pdf").read_bytes())
    (tmp_path / "lia-kommune.pdf.meta.yaml").write_text(
        "sender_name: Lia kommune, kommunestyret\nactor_id: lia-kommune\nactor_type: municipality\n"
        "response_type: med-merknad\ndate: 2026-04-20\n",
        encoding="utf-8",
    )
    md = read_response(path).metadata
    assert md.sender_name == "Lia kommune, kommunestyret"
    assert (md.actor_id, md.actor_type) == ("lia-kommune", ActorType.MUNICIPALITY)
    assert md.date == date(2026, 4, 20)
    assert md.response_type is ResponseType.WITH_COMMENTS
    assert md.our_reference == "2026/77-3"  # fields the sidecar does not name are still read from the letter


def test_bad_sidecar_value_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vestby.txt"
    path.write_text(LETTER, encoding="utf-8")
    (tmp_path / "vestby.txt.meta.yaml").write_text("actor_type: kommune\n", encoding="utf-8")
    with pytest.raises(DocumentReadError, match=r"vestby\.txt\.meta\.yaml: field 'actor_type'.*municipality"):
        read_response(path)


def test_reader_never_leaks_a_library_exception(tmp_path: Path) -> None:
    """Random bytes under every supported name come back as DocumentReadError, never a traceback."""
    noise = bytes((i * 73 + 41) % 256 for i in range(5000))
    for suffix in sorted(SUPPORTED_SUFFIXES):
        path = tmp_path / f"stoy{suffix}"
        for payload in (noise, b"%PDF-1.4\n" + noise, b"PK\x03\x04" + noise, b"<html>" + noise):
            path.write_bytes(payload)
            try:
                read_response(path)
            except DocumentReadError as exc:
                assert path.name in str(exc)


def test_docx_letterhead_in_the_page_header_names_the_sender(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "Nordvik kommune"
    header.add_paragraph("Side 1")
    document.add_paragraph("Dato: 05.04.2026")
    document.add_paragraph(
        "Kommunen mener at rapporteringskravene bør forenkles kraftig, og støtter kommisjonen."
    )
    path = tmp_path / "nordvik.docx"
    document.save(str(path))
    doc = read_response(path)
    assert [p.text for p in doc.passages][:2] == ["Nordvik kommune", "Dato: 05.04.2026"]
    assert "Side 1" not in doc.text
    assert doc.metadata.sender_name == "Nordvik kommune"


def test_html_text_directly_in_divs_is_read(tmp_path: Path) -> None:
    path = tmp_path / "eksport.html"
    path.write_text(
        "<html><body><main><div class='wrap'><div>Vestby kommune</div>"
        "<div>Kommunen mener at <i>tilskuddene</i> bør innlemmes i rammen fra 2027.</div>"
        "<div><p>Med hilsen</p></div></div></main></body></html>",
        encoding="utf-8",
    )
    doc = read_response(path)
    assert [p.text for p in doc.passages] == [
        "Vestby kommune",
        "Kommunen mener at tilskuddene bør innlemmes i rammen fra 2027.",
        "Med hilsen",
    ]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ('<p class="post-byline">Publisert: 4. feb, 2031 · Skrevet av styret</p>', date(2031, 2, 4)),
        (
            '<div class="entry-meta">Publisert 17.11.2030 · Av Ola Fjell · Lesetid 2 min</div>',
            date(2030, 11, 17),
        ),
        ('<meta property="article:published_time" content="2030-06-09T08:00:00+02:00">', date(2030, 6, 9)),
    ],
)
def test_html_publication_stamp_dates_an_organisation_page(
    tmp_path: Path, stamp: str, expected: date
) -> None:
    """A page without a hearing-answer box is dated by its byline or article:published_time."""
    head, body = (stamp, "") if stamp.startswith("<meta") else ("", stamp)
    page = (
        f"<html><head>{head}</head><body><main><h1>Innspill om fjordferjene</h1>{body}"
        "<p>Lagets medlemmer reiser daglig med ferjene og ønsker at rutetilbudet styrkes om vinteren.</p>"
        '<p class="cat">Publisert i <a href="/x">Innspill</a></p>'
        "</main></body></html>"
    )
    path = tmp_path / "ferjelaget.html"
    path.write_text(page, encoding="utf-8")
    assert read_response(path).metadata.date == expected
