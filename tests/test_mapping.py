"""Mapping to RDF: stable IRIs, no blank nodes, SHACL accepts good documents and rejects broken ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Literal, URIRef

from graph.errors import ValidationError
from graph.iris import OA, PKG, IriMinter
from graph.mapping import map_reference, map_response, to_ntriples
from graph.validation import validate_document_graph
from ingest.model import (
    ActorRef,
    ActorType,
    DocumentFormat,
    EntityKind,
    Mention,
    Passage,
    PassageKind,
    Position,
    ResponseDocument,
    ResponseMetadata,
    ResponseType,
    Stance,
)
from ingest.reference import ReferenceData

TEXT = "Høringssvar fra Lia kommune\n\nLia kommune går imot forslaget. Husbanken er viktig."


def make_doc() -> ResponseDocument:
    heading_end = TEXT.index("\n")
    body_start = TEXT.index("Lia kommune går")
    quote = "Lia kommune går imot forslaget."
    return ResponseDocument(
        path=Path("lia kommune (1).txt"),
        file_name="lia kommune (1).txt",
        format=DocumentFormat.TXT,
        content_hash="a" * 64,
        text=TEXT,
        metadata=ResponseMetadata(
            sender_name="Lia kommune",
            date=date(2026, 4, 21),
            language="nb",
            response_type=ResponseType.WITH_COMMENTS,
            title="Høringssvar fra Lia kommune",
        ),
        passages=[
            Passage(0, 0, heading_end, TEXT[:heading_end], PassageKind.HEADING),
            Passage(
                1,
                body_start,
                len(TEXT),
                TEXT[body_start:],
                PassageKind.PARAGRAPH,
                ("Høringssvar fra Lia kommune",),
            ),
        ],
        mentions=[
            Mention(
                1,
                TEXT.index("Husbanken"),
                TEXT.index("Husbanken") + 9,
                "Husbanken",
                "husbanken",
                EntityKind.ACTOR,
            ),
        ],
        positions=[
            Position("R1", Stance.OPPOSES, 1, body_start, body_start + len(quote), quote, 0.9, "test"),
        ],
        sender=ActorRef("lia-kommune", "Lia kommune", ActorType.MUNICIPALITY, known=False),
    )


def test_iris_are_stable_and_valid() -> None:
    iris = IriMinter("https://example.org/kg")  # a missing final slash is added
    assert (
        iris.response("lia kommune (1).txt") == "https://example.org/kg/response/lia%20kommune%20%281%29.txt"
    )
    assert iris.passage("a.pdf", 3) == "https://example.org/kg/response/a.pdf/passage/3"
    assert iris.proposal("R2") == "https://example.org/kg/proposal/R2"
    assert iris.actor("sorvik-kommune") == "https://example.org/kg/actor/sorvik-kommune"
    assert iris.response_graph("Østmark.txt") == "https://example.org/kg/graph/response/%C3%98stmark.txt"
    assert iris.id_from(iris.proposal("V1"), "proposal") == "V1"


def test_same_input_same_triples(reference: ReferenceData) -> None:
    iris = IriMinter()
    first = to_ntriples(map_response(make_doc(), reference, iris, ingest_key="k"))
    second = to_ntriples(map_response(make_doc(), reference, iris, ingest_key="k"))
    assert first == second
    assert to_ntriples(map_reference(reference, iris)) == to_ntriples(map_reference(reference, iris))


def test_no_blank_nodes(reference: ReferenceData) -> None:
    for graph in (
        map_response(make_doc(), reference, IriMinter(), ingest_key="k"),
        map_reference(reference, IriMinter()),
    ):
        assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_response_graph_content(reference: ReferenceData) -> None:
    iris = IriMinter()
    g = map_response(make_doc(), reference, iris, ingest_key="k")
    doc = URIRef(iris.response("lia kommune (1).txt"))
    assert (doc, RDF.type, PKG.ConsultationResponse) in g
    sender = URIRef(iris.actor("lia-kommune"))
    assert (doc, PKG.sender, sender) in g
    assert (sender, RDF.type, PKG.Municipality) in g
    pos = URIRef(iris.position("lia kommune (1).txt", "R1"))
    assert (pos, PKG.stance, PKG.Opposes) in g
    exact = list(g.objects(URIRef(f"{pos}/evidence/target/quote-selector"), OA.exact))
    assert exact == [Literal("Lia kommune går imot forslaget.")]
    starts = list(g.objects(URIRef(f"{iris.passage('lia kommune (1).txt', 1)}/position-selector"), OA.start))
    assert [int(s) for s in starts] == [TEXT.index("Lia kommune går")]
    validate_document_graph(g, "lia.txt")  # conforms


def test_the_extractors_method_is_its_own_property_not_a_note(reference: ReferenceData) -> None:
    iris = IriMinter()
    doc = make_doc()
    g = map_response(doc, reference, iris, ingest_key="k")
    pos = URIRef(iris.position("lia kommune (1).txt", "R1"))
    assert list(g.objects(pos, PKG.extractionMethod)) == [Literal(doc.positions[0].method)]
    assert list(g.objects(pos, PKG.note)) == []  # pkg:note is kept for a reviewer's note
    g.add((pos, PKG.extractionMethod, Literal("a second method")))
    with pytest.raises(ValidationError, match="extractionMethod"):
        validate_document_graph(g, "lia.txt")


def test_shacl_rejects_a_response_without_sender(reference: ReferenceData) -> None:
    doc = make_doc()
    doc.sender = None
    g = map_response(doc, reference, IriMinter(), ingest_key="k")
    with pytest.raises(ValidationError, match="sender"):
        validate_document_graph(g, "lia.txt")


def test_shacl_rejects_bad_offsets_and_confidence(reference: ReferenceData) -> None:
    doc = make_doc()
    doc.passages[1] = replace(doc.passages[1], start=50, end=10)
    with pytest.raises(ValidationError, match="start < end"):
        validate_document_graph(map_response(doc, reference, IriMinter(), ingest_key="k"), "lia.txt")
    doc = make_doc()
    doc.positions[0] = replace(doc.positions[0], confidence=1.7)
    with pytest.raises(ValidationError, match=r"lia\.txt"):
        validate_document_graph(map_response(doc, reference, IriMinter(), ingest_key="k"), "lia.txt")


def test_shacl_rejects_a_document_without_passages(reference: ReferenceData) -> None:
    doc = make_doc()
    doc.passages, doc.mentions, doc.positions = [], [], []
    with pytest.raises(ValidationError, match="at least one passage"):
        validate_document_graph(map_response(doc, reference, IriMinter(), ingest_key="k"), "empty.txt")


def test_initiative_not_in_reference_is_typed_and_labelled(reference: ReferenceData) -> None:
    doc = make_doc()
    start = TEXT.index("forslaget")
    doc.mentions.append(
        Mention(1, start, start + 9, "forslaget", "fjordlandsprofilen", EntityKind.PILOT, 0.9)
    )
    iris = IriMinter()
    g = map_response(doc, reference, iris, ingest_key="k")
    pilot = URIRef(iris.pilot("fjordlandsprofilen"))
    assert (pilot, RDF.type, PKG.Pilot) in g
    assert list(g.objects(pilot, RDFS.label)) == [Literal("forslaget")]
    validate_document_graph(g, "lia.txt")
