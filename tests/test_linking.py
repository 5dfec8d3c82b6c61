"""Entity linking and sender resolution: morphology (bokmål, nynorsk), misspellings, precision guards,
organisations not in the reference data, sender typing, and the sample corpus against its gold."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docs import make_doc

from ingest.evaluation import evaluate_linking
from ingest.linking import EntityLinker, SenderActor, actor_type_for_name
from ingest.model import (
    ActorType,
    EntityKind,
    ResponseMetadata,
)
from ingest.readers import read_response
from ingest.reference import ReferenceData


@pytest.fixture(scope="module")
def linker(reference: ReferenceData) -> EntityLinker:
    return EntityLinker(reference)


def links(linker: EntityLinker, *paragraphs: str, sender: str | None = None) -> set[tuple[str, str]]:
    return {(m.entity_id, m.surface) for m in linker.link(make_doc(*paragraphs, sender=sender))}


@pytest.mark.parametrize(
    ("sentence", "entity_id", "surface"),
    [
        ("Vi viser til Husbankens veiledning.", "husbanken", "Husbankens"),
        (
            "Investeringstilskota frå Husbanken har vore avgjerande.",
            "investeringstilskudd-omsorg",
            "Investeringstilskota",
        ),
        (
            "Utan investeringstilskotet hadde vi ikkje bygd.",
            "investeringstilskudd-omsorg",
            "investeringstilskotet",
        ),
        ("Erfaringane frå bygdevekstavtalane er gode.", "bygdevekstavtaler", "bygdevekstavtalane"),
        ("Bygdevekstavtalen i regionen har gitt resultater.", "bygdevekstavtaler", "Bygdevekstavtalen"),
        ("Vi har søkt om rammetilskotet.", "rammetilskudd", "rammetilskotet"),
        ("Kommunekommisjonens forslag er tydelige.", "kommunekommisjonen", "Kommunekommisjonens"),
        ("Dette er kommisjonens syn.", "kommunekommisjonen", "kommisjonens"),
    ],
)
def test_inflections_bokmaal_and_nynorsk(
    linker: EntityLinker, sentence: str, entity_id: str, surface: str
) -> None:
    assert (entity_id, surface) in links(linker, sentence)


@pytest.mark.parametrize(
    ("sentence", "entity_id", "surface"),
    [
        ("Piloteringen av Bygdevekestavtaler viser noe.", "bygdevekstavtaler", "Bygdevekestavtaler"),
        ("Bygdevestavtalene kan brukes til å teste ut.", "bygdevekstavtaler", "Bygdevestavtalene"),
        (
            "Vi har fått støtte fra investeringstilskudet i mange år.",
            "investeringstilskudd-omsorg",
            "investeringstilskudet",
        ),
        ("Distriktskommunene har andre behov.", None, None),  # near "Distriktssenteret", but another word
        ("Tilskuddet er viktig for oss.", None, None),  # the head word alone is no grant scheme
    ],
)
def test_misspellings(
    linker: EntityLinker, sentence: str, entity_id: str | None, surface: str | None
) -> None:
    found = links(linker, sentence)
    if entity_id is None:
        assert not found
    else:
        assert (entity_id, surface) in found


def test_multiword_name_and_typo_inside(linker: EntityLinker) -> None:
    found = links(
        linker, "Energiltak i kommunale utleieboliger, omsorgsboliger og sykehjem er brukt av mange."
    )
    assert (
        "energitiltak-kommunale-boliger",
        "Energiltak i kommunale utleieboliger, omsorgsboliger og sykehjem",
    ) in found


def test_short_alias_takes_the_rest_of_the_name(linker: EntityLinker) -> None:
    found = links(linker, "Vi fikk tilskudd til energitiltak i kommunale utleieboliger og omsorgsboliger.")
    assert (
        "energitiltak-kommunale-boliger",
        "energitiltak i kommunale utleieboliger og omsorgsboliger",
    ) in found


@pytest.mark.parametrize(
    "sentence",
    [
        "Kommunen har mange kskurs og et eget ks-verksted.",  # "ks" inside words
        "Vi er enige med Ks-representanten.",  # not the case as written
        "Vi jobber i lag med nabokommunene. I lag med fylket får vi mer til.",  # common words, not «I lag»
        "Det er ikke lag på lag med regler som hjelper.",
        "Hver kommune må selv vurdere dette. Denne kommune er liten.",
        "Det finnes mange distriktssentre i landet.",  # a kind of body, not Distriktssenteret
        "En kommisjon bør se på dette.",  # indefinite: any commission
        "Vi ønsker å ha tett på dialog med staten.",  # common words of «Tett på», not the programme
    ],
)
def test_precision_guards(linker: EntityLinker, sentence: str) -> None:
    assert links(linker, sentence) == set()


def test_short_all_caps_alias_as_written(linker: EntityLinker) -> None:
    assert links(linker, "Vi støtter det KS og SSB har sagt.") >= {("ks", "KS"), ("ssb", "SSB")}
    assert ("i-lag-trondelag", "«I lag» i Trøndelag") in links(linker, "Vi lærer av «I lag» i Trøndelag.")


@pytest.mark.parametrize(
    ("sentence", "actor_id", "actor_type"),
    [
        ("Saka er drøfta med Kinn kommune.", "kinn-kommune", ActorType.MUNICIPALITY),
        ("Høringssvaret fra SØRHEIA KOMMUNE er vedtatt.", "sorheia-kommune", ActorType.MUNICIPALITY),
        ("Vi samarbeider med Vestfjord fylkeskommune.", "vestfjord-fylkeskommune", ActorType.COUNTY),
        (
            "Statsforvaltaren i Vestland har uttalt seg.",
            "statsforvalteren-vestland",
            ActorType.COUNTY_GOVERNOR,
        ),
        (
            "Statsforvalteren i Sogn og Fjordane sa det samme.",
            "statsforvalteren-sogn-og-fjordane",
            ActorType.COUNTY_GOVERNOR,
        ),
        ("Saken kom fra Hallingdal regionråd.", "hallingdal-regionrad", ActorType.MUNICIPAL_GROUP),
        (
            "Vestlandsk kommuneforbund mener det.",
            "vestlandsk-kommuneforbund",
            ActorType.INTEREST_ORGANISATION,
        ),
        ("Forbundet for barnehagelærere mener noe annet.", "forbundet-for-barnehagelaerere", ActorType.UNION),
        ("Fagforbundet er imot.", "fagforbundet", ActorType.UNION),
        ("Veiledning fra Utdanningsdirektoratet hjelper.", "utdanningsdirektoratet", ActorType.STATE_AGENCY),
        ("Arbeidstilsynet fører tilsyn.", "arbeidstilsynet", ActorType.STATE_AGENCY),
    ],
)
def test_new_actors_typed(linker: EntityLinker, sentence: str, actor_id: str, actor_type: ActorType) -> None:
    mentions = [m for m in linker.link(make_doc(sentence)) if m.entity_id == actor_id]
    assert mentions, sentence
    assert mentions[0].kind is EntityKind.ACTOR
    assert mentions[0].new_actor_type is actor_type


def test_governor_and_county_side_by_side(linker: EntityLinker) -> None:
    found = {
        e for e, _ in links(linker, "Statsforvaltaren i Vestland og Vestland fylkeskommune samarbeider.")
    }
    assert found == {"statsforvalteren-vestland", "vestland-fylkeskommune"}


def test_one_id_per_organisation_however_spelled(linker: EntityLinker) -> None:
    doc = make_doc(
        "NORDFJELL KOMMUNE",
        "Nordfjell kommune viser til høyringa.",
        "Nordfjell er ein liten kommune.",
        sender="Nordfjell kommune",
    )
    mentions = [m for m in linker.link(doc) if m.entity_id == "nordfjell-kommune"]
    assert {m.surface for m in mentions} == {"NORDFJELL KOMMUNE", "Nordfjell kommune", "Nordfjell"}
    assert all(doc.text[m.start : m.end] == m.surface for m in mentions)
    assert {m.new_actor_name for m in mentions} == {"Nordfjell kommune"}


def test_new_initiative_introduced_by_what_it_is(linker: EntityLinker) -> None:
    found = links(linker, "Vi har selv etablert en tilsvarende tjeneste, Kystprofilen, som brukes aktivt.")
    assert ("kystprofilen", "Kystprofilen") in found
    assert not links(linker, "Kystprofilen er et ord vi bruker.")  # no introduction: no guess


def test_offsets_are_document_offsets(linker: EntityLinker) -> None:
    doc = make_doc("Innledning.", "Husbanken og KS er viktige.")
    for m in linker.link(doc):
        assert doc.text[m.start : m.end] == m.surface
        assert m.passage_index == 1


@pytest.mark.parametrize(
    ("name", "actor_type"),
    [
        ("Aust-Heia kommune", ActorType.MUNICIPALITY),
        ("Fjordland fylkeskommune", ActorType.COUNTY),
        ("Statsforvaltaren i Rogaland", ActorType.COUNTY_GOVERNOR),
        ("Midtheia regionråd", ActorType.MUNICIPAL_GROUP),
        ("Vestlandsk kommuneforbund", ActorType.INTEREST_ORGANISATION),
        ("Forbundet for barnehagelærere", ActorType.UNION),
        ("Fagforbundet", ActorType.UNION),
        ("Helsedirektoratet", ActorType.STATE_AGENCY),
        ("Finansdepartementet", ActorType.MINISTRY),
        ("Universitetet i Bergen", ActorType.RESEARCH),
        ("Bygdelaget Fram", ActorType.INTEREST_ORGANISATION),
        ("Ola Nordmann", ActorType.OTHER),
    ],
)
def test_actor_type_for_name(name: str, actor_type: ActorType) -> None:
    assert actor_type_for_name(name) is actor_type


def test_sender_known_by_alias_and_new_sender_typed(linker: EntityLinker) -> None:
    known = linker.resolve_sender(make_doc("Tekst.", sender="Distriktsenteret"), [])
    assert (known.id, known.type, known.known) == ("distriktssenteret", ActorType.STATE_AGENCY, True)
    new = linker.resolve_sender(make_doc("Tekst.", sender="Sørvik kommune"), [])
    assert (new.id, new.name, new.type, new.known) == (
        "sorvik-kommune",
        "Sørvik kommune",
        ActorType.MUNICIPALITY,
        False,
    )


def test_sender_from_sidecar_overrides(linker: EntityLinker) -> None:
    doc = make_doc("Tekst uten avsender.")
    doc.metadata = ResponseMetadata(actor_id="kdd")
    assert linker.resolve_sender(doc, []) == SenderActor("kdd", "Kommunal- og distriktsdepartementet",
                                                         ActorType.MINISTRY, True)  # fmt: skip
    doc.metadata = ResponseMetadata(sender_name="Bygdelaget Fram", actor_id="bygdelaget-fram",
                                    actor_type=ActorType.INTEREST_ORGANISATION)  # fmt: skip
    assert linker.resolve_sender(doc, []) == SenderActor(
        "bygdelaget-fram", "Bygdelaget Fram", ActorType.INTEREST_ORGANISATION, False
    )
    doc.metadata = ResponseMetadata(actor_id="anonym-innsender", actor_type=ActorType.OTHER)
    assert linker.resolve_sender(doc, []).id == "anonym-innsender"


def test_sender_from_letterhead_when_metadata_has_none(linker: EntityLinker) -> None:
    doc = make_doc("Fagforbundet Nord", "Kommunal- og distriktsdepartementet", "Vi har lest utredningen.")
    sender = linker.resolve_sender(doc, linker.link(doc))
    assert (sender.id, sender.type, sender.known) == ("fagforbundet-nord", ActorType.UNION, False)


def test_sender_fallback_is_not_the_commission_or_ministry(linker: EntityLinker) -> None:
    doc = make_doc(
        "Til Kommunal- og distriktsdepartementet.", "Kommisjonen foreslår mye. Kommisjonen vil mer."
    )
    sender = linker.resolve_sender(doc, linker.link(doc))
    assert sender.id not in ("kommunekommisjonen", "kdd")
    assert sender.type is ActorType.OTHER


def test_sample_corpus_linking_against_gold(
    linker: EntityLinker, responses_dir: Path, gold_dir: Path
) -> None:
    predicted = set()
    for path in sorted(responses_dir.iterdir()):
        doc = read_response(path)
        predicted |= {(doc.file_name, m.entity_id) for m in linker.link(doc)}
    report = evaluate_linking(sorted(predicted), gold_dir / "mentions.csv")
    assert report.precision >= 0.95, report.format()
    assert report.recall >= 0.95, report.format()
    for kind in ("actor", "grant_scheme", "pilot"):
        assert report.per_kind[kind][0] >= 0.9 and report.per_kind[kind][1] >= 0.9, report.format()


def test_sample_corpus_senders_against_gold(
    linker: EntityLinker, responses_dir: Path, gold_dir: Path
) -> None:
    with (gold_dir / "responses.csv").open(encoding="utf-8") as fh:
        gold = {r["file"]: (r["actor_id"], r["actor_type"]) for r in csv.DictReader(fh)}
    for path in sorted(responses_dir.iterdir()):
        doc = read_response(path)
        sender = linker.resolve_sender(doc, linker.link(doc))
        assert (sender.id, sender.type.value) == gold[path.name], path.name
