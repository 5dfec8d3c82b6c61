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


# -- forms of dates, senders and response types (made-up letters; no words from the gold letters) --------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3. mars 2027", date(2027, 3, 3)),
        ("03.03.2027", date(2027, 3, 3)),
        ("3.3.27", date(2027, 3, 3)),
        ("27. sep. 2023", date(2023, 9, 27)),
        ("1. okt, 2023", date(2023, 10, 1)),
        ("1.okt.2023", date(2023, 10, 1)),
        ("12. des. 2026", date(2026, 12, 12)),
        ("Tindvik, 3. mars 2027", date(2027, 3, 3)),
        ("Dato: 2027-03-03", date(2027, 3, 3)),
        ("2027-10-01T14:32:00+02:00", date(2027, 10, 1)),
        ("sendt tysdag 2. februar 2027 kl. 09:40", date(2027, 2, 2)),
        ("31.02.2027", None),
        ("sak 27/3318", None),
        ("Tindvik 3/3-27", date(2027, 3, 3)),
    ],
)
def test_date_forms(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_the_letters_own_date_beats_deadline_and_cited_documents() -> None:
    letter = """Lyngnes kommune

Vi viser til høringsbrev av 12. januar 2027 om NOU 2027:9, med høringsfrist 1. april 2027.

Lyngnes kommune mener at forslaget om felles brygger er godt, men at finansieringen må avklares bedre.

Med vennlig hilsen
Lyngnes kommune
Tindvik, 3. mars 2027
Kari Holm
ordfører
"""
    assert _metadata(letter).date == date(2027, 3, 3)


def test_a_resolution_date_is_used_when_nothing_better_exists() -> None:
    letter = """Lyngnes kommune

Vi viser til brev datert 12.01.2027. Kommunestyret behandlet saken i møte 24.02.2027 og gjorde vedtak.

Svarfristen er 01.04.2027.
"""
    assert _metadata(letter).date == date(2027, 2, 24)


def test_only_a_deadline_and_a_cited_letter_give_no_date() -> None:
    letter = "Lyngnes kommune\n\nVi viser til høringsbrev av 12. januar 2027 med frist 1. april 2027.\n"
    assert _metadata(letter).date is None


@pytest.mark.parametrize(
    "head",
    [
        "Deres dato: 12.01.2027 Vår dato: 03.03.2027 Vår ref.: 27/55-2",  # several fields on one line
        "Vår dato:\n\n3. mars 2027\n\nVår ref.:\n\n27/55-2",  # a label over its value (table cells)
        "| Vår ref. | Dato |\n|---|---|\n| 27/55-2 | 03.03.2027 |",  # a Markdown table
        "Dykkar ref.: Vår ref.: Dato:\n\n27/9 27/55-2 Kari Holm 03.03.2027",  # labels above their values
        "Dato: 3.3.27",  # two-digit year in a date field
        "Tindvik 3/3-27",  # the informal day/month-year form on its own line
        "Vår ref.: 27/55-2 Tindvik, 3. mars 2027",  # place and date after a reference
    ],
)
def test_date_fields_in_letterhead_forms(head: str) -> None:
    letter = f"Lyngnes kommune\n\n{head}\n\nDeres brev av 12. januar 2027 er mottatt, og fristen er 1. april 2027.\n"
    assert _metadata(letter).date == date(2027, 3, 3)


def test_an_e_mail_gives_its_sender_and_sent_date() -> None:
    letter = """Fra: Ola Vassbotn <ola.vassbotn@example.no>
Sendt: tirsdag 2. februar 2027 09:40
Til: postmottak@example.dep.no
Emne: Innspill til høringen

Hei. Jeg bor ved sjøen og vil si noe om bryggene. Likevel er jeg usikker på om dette hjelper.

Hilsen
Ola Vassbotn
"""
    md = _metadata(letter)
    assert md.sender_name == "Ola Vassbotn"
    assert md.date == date(2027, 2, 2)


@pytest.mark.parametrize(
    ("letter", "sender"),
    [
        # The letterhead's address line: the name before the separators, never the address or e-mail.
        ("Lyngnes kommune · Storgata 4 · 9990 Lyngnes · postmottak@lyngnes.example.no\n\n"
         "Heldigvis er bryggene i god stand. Vi mener likevel at tilskuddet bør videreføres.\n", "Lyngnes kommune"),
        # A page number glued to the letterhead by the PDF reader, and logo initials.
        ("Side 1 av 2Lyngnes kommune · Storgata 4, 9990 Lyngnes\n\nLK LYNGNES KOMMUNE\n\n"
         "Likevel vil vi peke på noen forhold ved forslaget som gjelder oss.\n", "Lyngnes kommune"),
        # A sender field.
        ("Avsender: Senter for kystkultur\nDato: 03.03.2027\n\n"
         "Likevel vil vi peke på noen forhold ved forslaget som gjelder oss.\n", "Senter for kystkultur"),
        # A printed web form writes its labels without colons.
        ("Høringssvar\n\nAvsender Senter for kystkultur\n\nInnsendt 03.03.2027 10:12\n\n"
         "Heldigvis er mye bra i utredningen, men vi savner en vurdering av kostnadene.\n", "Senter for kystkultur"),
        # "Høringssvar fra X – title".
        ("Høringssvar fra Foreningen for trygge bryggjer – NOU 2027:9 Kysten\n\n"
         "Heldigvis er det brei semje om målet. Likevel er vi usamde i verkemidla.\n",
         "Foreningen for trygge bryggjer"),
        # Only the signature names the organisation; the first lines are sentences and adverbs.
        ("Heldigvis har kysten fått mer oppmerksomhet.\n\nLikevel mener vi at forslaget ikke går langt nok.\n\n"
         "Med vennlig hilsen\nForeningen for trygge bryggjer\nKari Holm\nleder\n", "Foreningen for trygge bryggjer"),
        # Nynorsk signature: "for X" names the organisation.
        ("Me takkar for høvet til å seie noko om saka.\n\nDifor meiner me at framlegget bør endrast.\n\n"
         "Med venleg helsing\nfor Vassbygd sogelag\nPer Li\nleiar\n", "Vassbygd sogelag"),
        # A title before the organisation in one signature line.
        ("Me takkar for høvet til å seie noko om saka.\n\nMed helsing\nPer Li\nleiar, Vassbygd ungdomsråd\n",
         "Vassbygd ungdomsråd"),
        # An upper-case letterhead takes the casing the letter uses elsewhere.
        ("NORSK FORENING FOR KYSTKULTUR\n\nNorsk forening for kystkultur mener at forslaget er godt, "
         "men at det trengs mer penger.\n", "Norsk forening for kystkultur"),
    ],
)  # fmt: skip
def test_sender_sources_and_traps(letter: str, sender: str) -> None:
    assert _metadata(letter).sender_name == sender


@pytest.mark.parametrize(
    "letter",
    [
        "Likevel\n\nHeldigvis er det mye bra i forslaget, og vi støtter det.\n",
        "Forbundet mener at forslaget er godt.\n\nForbundet støtter derfor hovedlinjene.\n",
        "Vi har lest forslaget. Det er godt.\n\nMed vennlig hilsen\n\nVi ser fram til videre arbeid.\n",
    ],
)
def test_no_sender_rather_than_an_adverb_a_sentence_or_an_anaphor(letter: str) -> None:
    assert _metadata(letter).sender_name is None


def test_a_regjeringen_page_heading_names_the_sender() -> None:
    from ingest._html import html_blocks

    page = (
        b"<html><head><meta name='DC.Date' content='03.03.2027'></head><body><main>"
        b"<div class='article-header'><h1>Lyngnes kommune</h1><div class='hearing-answer-meta'>"
        b"<p>Dato: 03.03.2027</p><p>Svartype: Uten merknad</p></div></div>"
        b"<div class='article-body'><p>Heldigvis er alt godt. Vi har ingen merknader.</p></div>"
        b"</main></body></html>"
    )
    blocks, fields = html_blocks(page, Path("side.html"))
    text, passages = assemble(blocks)
    md = extract_metadata(text, passages, html_fields=fields)
    assert md.sender_name == "Lyngnes kommune"
    assert md.date == date(2027, 3, 3)
    assert md.response_type is ResponseType.WITHOUT_COMMENTS


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Svartype: Uten merknad", ResponseType.WITHOUT_COMMENTS),
        ("Svartype: Utan merknad", ResponseType.WITHOUT_COMMENTS),
        ("Svartype Med merknad", ResponseType.WITH_COMMENTS),
    ],
)
def test_a_declared_response_type_in_the_text(line: str, expected: ResponseType) -> None:
    letter = f"Avsender: Senter for kystkultur\n{line}\n\nSenteret har ingen kommentarer til saka.\n"
    assert _metadata(letter).response_type is expected


@pytest.mark.parametrize(
    "line",
    ["fredag 3. mars 2027", "Tindvik, den 3. mars 2027", "Publisert 03.03.2027 · Skrevet av Kari Holm"],
)
def test_weekday_den_and_published_stamps(line: str) -> None:
    letter = (
        f"Lyngnes kommune\n\n{line}\n\nVi viser til høringsbrev av 12. januar 2027 med frist 1. april 2027.\n"
    )
    assert _metadata(letter).date == date(2027, 3, 3)


def test_a_person_signing_for_an_organisation_is_not_the_sender() -> None:
    letter = (
        "Lyngnes kommune viser til høringen og støtter forslaget om felles brygger.\n\n"
        "Lyngnes kommune mener likevel at driften må finansieres av staten.\n\n"
        "Med hilsen\nKari Holm\nordfører\n"
    )
    assert _metadata(letter).sender_name == "Lyngnes kommune"


def test_a_private_letter_is_from_the_person_who_signs_it() -> None:
    letter = (
        "Jeg bor i Lyngnes og har fulgt saken lenge.\n\n"
        "Lyngnes kommune har gjort mye bra, men jeg mener bryggene må vedlikeholdes bedre.\n\n"
        "Vennlig hilsen\nOla Vassbotn\n"
    )
    assert _metadata(letter).sender_name == "Ola Vassbotn"


def test_a_nynorsk_from_heading() -> None:
    letter = "Uttale frå Vassbygd sogelag\n\nLaget meiner at framlegget er godt, men at pengane ikkje strekk til.\n"
    assert _metadata(letter).sender_name == "Vassbygd sogelag"


def test_a_person_in_the_from_field_gives_way_to_the_organisation_that_signs() -> None:
    letter = (
        "Fra: Kari Holm <kari.holm@lyngnes.example.no>\nSendt: 3. mars 2027 10:12\n\n"
        "Vi viser til høringen og støtter forslaget om felles brygger.\n\n"
        "Med hilsen\nKari Holm\nrådgiver\nLyngnes kommune\n"
    )
    assert _metadata(letter).sender_name == "Lyngnes kommune"


def test_letter_spaced_capitals_of_a_logo() -> None:
    letter = "L YNGNES KOMMUNE\n\nVi viser til høringen og støtter forslaget om felles brygger.\n"
    assert _metadata(letter).sender_name == "Lyngnes kommune"


def test_a_letterhead_table_read_row_by_row() -> None:
    letter = (
        "Statsforvaltaren i Lyngfjord\n\nVår dato:\n\nVår ref:\n\nDykkar dato:\n\nDykkar ref:\n\n"
        "03.03.2027\n\n2027/55\n\n12.01.2027\n\n27/9\n\nStatsforvaltaren viser til brevet og har nokre merknader.\n"
    )
    md = _metadata(letter)
    assert md.date == date(2027, 3, 3)
    assert md.our_reference == "2027/55"
    assert md.their_reference == "27/9"


def test_the_recipients_address_block_is_not_the_sender() -> None:
    letter = """Lyngnes kommune
Storgata 4, 9990 Lyngnes

Direktoratet for kystkultur
Postboks 123 Sentrum
0101 Oslo

Høringssvar om felles brygger

Direktoratet for kystkultur foreslår nye regler. Direktoratet for kystkultur mener at bryggene må vedlikeholdes.

Vi støtter forslaget.
"""
    assert _metadata(letter).sender_name == "Lyngnes kommune"


def test_a_broken_metadata_lexicon_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import _letter
    from ingest.errors import InputError

    broken = tmp_path / "metadata.yaml"
    broken.write_text("months: {januar: 1}\nlabels: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(_letter, "_LEXICON_PATH", broken)
    _letter.lexicon.cache_clear()
    try:
        with pytest.raises(InputError, match=r"metadata\.yaml"):
            _letter.lexicon()
        broken.write_text("months: {januar: 1}\n", encoding="utf-8")
        _letter.lexicon.cache_clear()
        with pytest.raises(InputError, match="missing or empty: weekdays"):
            _letter.lexicon()
    finally:
        _letter.lexicon.cache_clear()


def test_evaluate_metadata_scores_each_field_and_counts_unread_letters(tmp_path: Path) -> None:
    from ingest.eval_metadata import MetadataPrediction, MetadataReport, evaluate_metadata

    gold = tmp_path / "responses.csv"
    gold.write_text(
        "file,sender_name,actor_id,actor_type,date,language,format,response_type\n"
        "a.txt,Lyngnes kommune,lyngnes-kommune,municipality,2027-03-03,nb,txt,med-merknad\n"
        "b.pdf,Senter for kystkultur,skk,research,2027-03-04,nn,pdf,uten-merknad\n"
        "c.docx,Vassbygd sogelag,vassbygd-sogelag,other,2027-03-05,nn,docx,med-merknad\n",
        encoding="utf-8",
    )
    predicted = [
        # Name differs only in case and spacing: right.
        MetadataPrediction("a.txt", "LYNGNES  kommune", None, date(2027, 3, 3), "med-merknad", "nb"),
        # Name written otherwise but resolved to the gold actor: right; the date is wrong.
        MetadataPrediction("b.pdf", "SKK", "skk", date(2027, 1, 1), "uten-merknad", "nn"),
        # c.docx was not read: wrong on every field.
    ]
    score = evaluate_metadata(predicted, gold, "kyst")
    assert score.letters == 3
    assert score.right == {"sender": 2, "date": 1, "response_type": 2, "language": 2}
    assert score.sender_by_name == 1 and score.sender_by_actor == 1
    assert score.all_three == 1
    assert ("kyst/b.pdf", "date", "2027-03-04", "2027-01-01") in score.disagreements
    text = MetadataReport([score]).format()
    assert "kyst" in text and "0.667" in text and "c.docx" in text


def test_evaluate_metadata_names_a_bad_gold_file(tmp_path: Path) -> None:
    from ingest.errors import InputError
    from ingest.eval_metadata import evaluate_metadata

    gold = tmp_path / "responses.csv"
    gold.write_text("file,sender\nx.txt,Lyngnes\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"responses\.csv: expected a header"):
        evaluate_metadata([], gold, "kyst")


def test_evaluate_metadata_command_on_the_sample_hearing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from search_api.cli import app

    gold = Path(__file__).resolve().parent.parent / "examples" / "nou-2026-1" / "gold"
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "evaluate", "metadata", str(gold)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines() if line.strip()}
    assert rows["nou-2026-1"][0] == "10"  # letters
    sender, when, kind, language = map(float, rows["nou-2026-1"][1:5])
    assert min(sender, when, kind, language) >= 0.9
    assert "all" in rows


def test_a_title_of_the_organisation_in_the_signature() -> None:
    letter = "Vi støtter forslaget om felles brygger.\n\nMed hilsen\nKari Holm\nOrdfører i Lyngnes kommune\n"
    assert _metadata(letter).sender_name == "Lyngnes kommune"


def test_a_mailbox_in_the_from_field_is_no_sender() -> None:
    letter = (
        "Fra: Postmottak KYD <postmottak@kyd.example.no>\nSendt: 3. mars 2027 10:12\n\n"
        "Videresendt høringssvar.\n\nMed hilsen\nSenter for kystkultur\n"
    )
    assert _metadata(letter).sender_name == "Senter for kystkultur"


def test_a_page_headed_by_a_private_persons_name() -> None:
    from ingest._html import html_blocks

    page = (
        "<html><body><main><h1>Ola Vassbotn</h1><div class='hearing-answer-meta'><p>Dato: 03.03.2027</p></div>"
        "<div class='article-body'><p>Jeg bor ved sjøen. Jeg mener bryggene må vedlikeholdes.</p></div>"
        "</main></body></html>"
    ).encode()
    blocks, fields = html_blocks(page, Path("side.html"))
    text, passages = assemble(blocks)
    assert extract_metadata(text, passages, html_fields=fields).sender_name == "Ola Vassbotn"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Lyngnes kommune har ingen merknader til høringen.", ResponseType.WITHOUT_COMMENTS),
        ("Laget har ingen særskilde merknader til framlegget.", ResponseType.WITHOUT_COMMENTS),
        ("Vi har ingen merknader til kapittel 3, men bryggene må få mer penger.", ResponseType.WITH_COMMENTS),
        ("Vi har ingen merknader utover at bryggene må få mer penger.", ResponseType.WITH_COMMENTS),
        ("Vi stør framlegget og har elles ingen merknader.", ResponseType.WITH_COMMENTS),
    ],
)
def test_no_comments_on_one_part_is_a_remark_on_the_rest(sentence: str, expected: ResponseType) -> None:
    letter = f"Lyngnes kommune\n\nVi viser til høringsbrevet om felles brygger.\n\n{sentence}\n"
    assert _metadata(letter).response_type is expected


def test_a_pages_publication_stamp_from_the_reader_dates_a_letter_without_a_date() -> None:
    letter = "Lyngnes kommune\n\nStyret vedtok uttalen i møte 28. februar 2027.\n"
    assert _metadata(letter).date == date(2027, 2, 28)
    stamped = _metadata(letter, {"published": "2027-03-03T14:32:00+01:00"})
    assert stamped.date == date(2027, 3, 3)


def test_the_organisation_in_a_footer_after_the_signature() -> None:
    letter = (
        "Vi støtter forslaget om felles brygger.\n\nMed vennlig hilsen\nKari Holm\nordfører\n"
        "Lyngnes kommune · Storgata 4 · 9990 Lyngnes\n"
    )
    assert _metadata(letter).sender_name == "Lyngnes kommune"


def test_date_labels_without_colons() -> None:
    letter = "Lyngnes kommune\n\nDeres dato 12.01.2027\n\nVår dato 03.03.2027\n\nVi støtter forslaget.\n"
    assert _metadata(letter).date == date(2027, 3, 3)
    later_theirs = (
        "Lyngnes kommune\n\nVår dato 03.03.2027\n\nDeres dato 04.03.2027\n\nVi støtter forslaget.\n"
    )
    assert _metadata(later_theirs).date == date(2027, 3, 3)


def test_a_private_letter_with_the_writers_address_on_top() -> None:
    letter = """Ola Vassbotn
Postboks 12
9990 Lyngnes

Kommunal- og distriktsdepartementet
Postboks 8112 Dep
0032 Oslo

Jeg har lest forslaget om felles brygger. Jeg mener det er godt, men Lyngnes kommune må få mer penger.
"""
    assert _metadata(letter).sender_name == "Ola Vassbotn"


def test_the_date_just_above_the_signature_of_a_long_letter() -> None:
    body = "\n\n".join(
        f"Punkt {i}: vi mener bryggene må vedlikeholdes, tiltaket starter 1. mai 2027." for i in range(30)
    )
    letter = f"Lyngnes kommune\n\n{body}\n\nTindvik, 3. mars 2027\n\nMed hilsen\nKari Holm\n"
    assert _metadata(letter).date == date(2027, 3, 3)


def test_a_reference_that_looks_like_a_short_date_is_not_the_letters_date() -> None:
    letter = "Lyngnes kommune\n\nVår ref.: 27/12-27\n\nDato: 03.03.2027\n\nVi viser til sak 3/3-27 i kommunestyret.\n"
    assert _metadata(letter).date == date(2027, 3, 3)
