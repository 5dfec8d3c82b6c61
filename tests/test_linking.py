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


# -- made-up reference data: names read from the letter's frame, schemes by description ------------
@pytest.fixture(scope="module")
def made_up() -> EntityLinker:
    from ingest.reference import Actor, GrantScheme, Hearing, Pilot

    ref = ReferenceData(hearing=Hearing(id="h", title="Høring", report_id="NOU 2099:1", report_title="Vegar"))
    for actor in (
        Actor("eikvik-kommune", "Eikvik kommune", ActorType.MUNICIPALITY),
        Actor("lyngdal-vegforum", "Eikvik vegforum", ActorType.INTEREST_ORGANISATION),
        Actor("brusund-kommune", "Brusund kommune", ActorType.MUNICIPALITY),
        Actor("steinfjell-kommune", "Steinfjell kommune", ActorType.MUNICIPALITY, aliases=("Steinfjell",)),
        Actor("vegbanken", "Vegbanken", ActorType.STATE_AGENCY),
    ):
        ref.actors[actor.id] = actor
    ref.grant_schemes["skyss"] = GrantScheme("skyss", "Tilskudd til båtskyss i små øysamfunn")
    ref.grant_schemes["kai"] = GrantScheme("kai", "Tilskot til ferjekaianlegg", aliases=("kaitilskotet",))
    ref.pilots["hus-hytte"] = Pilot("hus-hytte", "Hus–hytte-ordningen", aliases=("hus–hytte",))
    ref.pilots["bryggeloft"] = Pilot("bryggeloft", "Bryggeløftet", aliases=("Bryggeløft",))
    ref.pilots["ekspressruta"] = Pilot("ekspressruta", "Ekspressruta")
    return EntityLinker(ref)


def test_en_dash_and_hyphen_meet(made_up: EntityLinker) -> None:
    assert ("hus-hytte", "hus-hytte") in links(made_up, "Vi har gode erfaringer med hus-hytte i fjor.")
    assert ("hus-hytte", "hus–hytte") in links(made_up, "Vi har gode erfaringer med hus–hytte i fjor.")


def test_bare_municipality_name_as_written_not_inflected_nor_inside_another_name(
    made_up: EntityLinker,
) -> None:
    found = links(made_up, "Forsøket gikk i Brusund og Eikvik i fjor.")
    assert {"brusund-kommune", "eikvik-kommune"} <= {e for e, _ in found}
    # "Steinfjellet" is the mountain; a proper name is not inflected.
    assert "steinfjell-kommune" not in {
        e for e, _ in links(made_up, "Vegen over Steinfjellet er stengt om vinteren.")
    }
    assert ("steinfjell-kommune", "Steinfjells") in links(made_up, "Steinfjells innbyggere er berørt.")
    # "Eikvik" in "Eikvik vegforum" is part of the forum's name.
    assert {e for e, _ in links(made_up, "Vi viser til innspillet fra Eikvik vegforum.")} == {
        "lyngdal-vegforum"
    }


def test_grant_scheme_named_by_what_it_funds(made_up: EntityLinker) -> None:
    for sentence in (
        "Vi støtter en egen tilskuddsordning for båtskyss i små øysamfunn.",
        "Tilskotsordninga for båtskyss bør aukast.",  # nynorsk, the topic only
        "Vi ønskjer ei eiga ordning for små øysamfunn.",  # the qualifier only
        "Tilskuddsordningen til ferjekaier må styrkes.",  # the leading part of the compound topic
    ):
        ids = {e for e, _ in links(made_up, sentence)}
        assert ids & {"skyss", "kai"}, sentence
    assert not {e for e, _ in links(made_up, "Tilskuddsordningen for idrettsanlegg må styrkes.")} & {
        "skyss",
        "kai",
    }


def test_pilot_named_inside_a_hyphen_compound_and_misspelt_with_x(made_up: EntityLinker) -> None:
    assert "bryggeloft" in {e for e, _ in links(made_up, "Bryggeløft-midlene kom godt med.")}
    assert "ekspressruta" in {e for e, _ in links(made_up, "Vi har prøvd expressruta i eitt år.")}
    # Typed without Norwegian letters, or with the last letter of a definite name dropped.
    assert "bryggeloft" in {e for e, _ in links(made_up, "Bryggeloftet har hjulpet mange.")}
    assert "vegbanken" in {e for e, _ in links(made_up, "Vegbanke burde gi lån til flere.")}
    assert "vegbanken" not in {e for e, _ in links(made_up, "Vi trenger en vegbank i regionen.")}


def test_senders_own_name_in_letterhead_contact_line_and_signature_is_no_mention(
    made_up: EntityLinker,
) -> None:
    doc_paragraphs = (
        "Eikvik vegforum",
        "Postboks 12, 9999 Eikvik · post@vegforum.example",
        "Høringssvar fra Eikvik vegforum om vegar",
        "Eikvik vegforum viser til høringsbrevet og har følgende merknader.",
        "Med vennlig hilsen",
        "Eikvik vegforum",
    )
    mentions = made_up.link(make_doc(*doc_paragraphs, sender="Eikvik vegforum"))
    where = {(m.passage_index, m.entity_id) for m in mentions}
    # The subject line and the body name the sender; the letterhead, address line and signature do not.
    assert (2, "lyngdal-vegforum") in where and (3, "lyngdal-vegforum") in where
    assert not {i for i, e in where if e == "lyngdal-vegforum"} & {0, 1, 5}
    # "9999 Eikvik" is an address, not the municipality.
    assert "eikvik-kommune" not in {e for _, e in where}
