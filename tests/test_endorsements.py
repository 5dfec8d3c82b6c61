"""Endorsements: a letter that adopts another body's response is recorded as such, mapped into the graph,
and shown in ``trace`` as positions held by reference (made-up letters, bokmål and nynorsk)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from docs import make_doc
from rdflib import RDF, Literal, URIRef

from graph.iris import PKG, IriMinter
from graph.mapping import map_reference, map_response, to_ntriples
from graph.store import OxigraphStore
from graph.validation import ontology_graph, validate_document_graph
from ingest.linking import EntityLinker
from ingest.model import ActorRef, ActorType, Endorsement, Position, ResponseDocument, Stance
from ingest.reference import Actor, Hearing, ReferenceData
from search_api.records import to_json
from search_api.trace import trace_target


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    ref = ReferenceData(
        hearing=Hearing(id="h", title="Høring", report_id="NOU 2099:1", report_title="Hamner")
    )
    for actor in (
        Actor("kystforum", "Kystforum Nord", ActorType.INTEREST_ORGANISATION, aliases=("KFN",)),
        Actor("fjordby-kommune", "Fjordby kommune", ActorType.MUNICIPALITY),
    ):
        ref.actors[actor.id] = actor
    return EntityLinker(ref)


def _endorsed(linker: EntityLinker, *paragraphs: str, sender: str = "Eikvik båtlag") -> list[Endorsement]:
    doc = make_doc(*paragraphs, sender=sender)
    return linker.endorsements(doc, linker.link(doc))


@pytest.mark.parametrize(
    "sentence",
    [
        "Båtlaget slutter seg til høringssvaret fra Kystforum Nord.",
        "Båtlaget sluttar seg til høyringssvaret frå Kystforum Nord.",
        "Vi viser til og støttar fråsegna frå KFN.",
        "Vi stiller oss bak uttalelsen fra Kystforum Nord, og vil i tillegg peke på to forhold.",
    ],
)
def test_endorsement_of_a_known_body(linker: EntityLinker, sentence: str) -> None:
    found = _endorsed(linker, "Eikvik båtlag har lest forslagene om hamnene med interesse.", sentence)
    assert [(e.actor_id, e.known) for e in found] == [("kystforum", True)]
    assert found[0].quote == sentence


def test_endorsement_of_a_body_not_in_the_reference_data(linker: EntityLinker) -> None:
    found = _endorsed(linker, "Vi slutter oss til høringssvaret fra Norsk kystlag og vil legge til følgende.")
    assert [(e.actor_id, e.actor_name, e.known) for e in found] == [("norsk-kystlag", "Norsk kystlag", False)]
    assert not found[0].reservation
    partial = _endorsed(linker, "Vi sluttar oss til høyringssvaret frå Kystforum Nord, med eitt unnatak.")
    assert [(e.actor_id, e.reservation) for e in partial] == [("kystforum", True)]


def test_support_for_a_proposal_is_no_endorsement(linker: EntityLinker) -> None:
    assert _endorsed(linker, "Vi støtter forslaget fra Kystforum Nord om nye moloer.") == []
    assert _endorsed(linker, "Vi slutter oss ikke til høringssvaret fra Kystforum Nord.") == []


def _letter(
    file_name: str, sender: ActorRef, text: str, positions: list[Position], endorsements: list[Endorsement]
) -> ResponseDocument:
    doc = make_doc(text, name=file_name)
    return replace(doc, path=Path(file_name), sender=sender, positions=positions, endorsements=endorsements)


def test_endorsement_in_graph_and_trace_by_reference(reference: ReferenceData) -> None:
    iris = IriMinter()
    ks = reference.actors["ks"]
    own = "KS går imot forslaget."
    body = _letter(
        "ks.txt",
        ActorRef(ks.id, ks.name, ks.type, known=True),
        own,
        [Position("R1", Stance.OPPOSES, 0, 0, len(own), own, 0.9, "test")],
        [],
    )
    adopting = "Vi slutter oss til høringssvaret fra KS."
    follower = _letter(
        "lia-kommune.txt",
        ActorRef("lia-kommune", "Lia kommune", ActorType.MUNICIPALITY, known=False),
        adopting,
        [],
        [Endorsement("ks", ks.name, 0, 0, len(adopting), adopting, reservation=True)],
    )
    g = map_response(follower, reference, iris, ingest_key="k")
    enode = URIRef(f"{iris.response('lia-kommune.txt')}/endorsement/0")
    assert (enode, RDF.type, PKG.Endorsement) in g
    assert (enode, PKG.endorses, URIRef(iris.actor("ks"))) in g
    assert (enode, PKG.endorsedBy, URIRef(iris.actor("lia-kommune"))) in g
    assert (enode, PKG.withReservation, Literal(True)) in g
    validate_document_graph(g, "lia-kommune.txt")

    store = OxigraphStore()
    store.replace_graph(iris.ontology_graph(), to_ntriples(ontology_graph()))
    store.replace_graph(iris.reference_graph(), to_ntriples(map_reference(reference, iris)))
    for doc in (body, follower):
        store.replace_graph(
            iris.response_graph(doc.file_name),
            to_ntriples(map_response(doc, reference, iris, ingest_key="k")),
        )
    found = trace_target(store, "R1")
    assert found is not None
    result = to_json(found)  # the JSON of `policykg trace R1 --json`
    assert [p["document"] for p in result["positions"]] == ["ks.txt"]  # stated positions only
    [held] = result["by_reference"]
    assert held["document"] == "lia-kommune.txt" and held["stance"] == "opposes" and held["by_reference"]
    assert held["endorses"] == ks.name and held["endorsement_quote"] == adopting
    assert held["own_stance"] is None and held["with_reservation"] is True
    assert "opposes" in result["counts"] and result["counts"]["opposes"]["responses"] == 1
