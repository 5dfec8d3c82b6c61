"""The positions and endorsements queries give one row per position (per endorsement) when one sender
wrote several letters: a sender not in the reference data is described in each of its letters' graphs,
and the store's default graph is the union of them (made-up letters)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from docs import make_doc

from graph.entities import actors, documents
from graph.iris import IriMinter
from graph.mapping import map_reference, map_response, to_ntriples
from graph.queries import endorsements, positions
from graph.sparql import eq, iri, lit, named
from graph.store import OxigraphStore
from graph.validation import ontology_graph
from ingest.model import ActorRef, ActorType, Endorsement, Position, ResponseDocument, Stance
from ingest.reference import ReferenceData
from search_api.records import to_json
from search_api.trace import trace_target

LETTERS = 4


def _letter(
    file_name: str, sender: ActorRef, text: str, pos: list[Position], end: list[Endorsement]
) -> ResponseDocument:
    doc = make_doc(text, name=file_name)
    return replace(doc, path=Path(file_name), sender=sender, positions=pos, endorsements=end)


def _store(reference: ReferenceData) -> tuple[OxigraphStore, IriMinter]:
    iris = IriMinter()
    ks = reference.actors["ks"]
    own = "KS går imot forslaget."
    letters = [
        _letter(
            "ks.txt",
            ActorRef(ks.id, ks.name, ks.type, known=True),
            own,
            [Position("R1", Stance.OPPOSES, 0, 0, len(own), own, 0.9, "test")],
            [],
        )
    ]
    # One sender unknown to the reference data, with several letters: each letter's graph describes it.
    lag = ActorRef("saltnes-lag", "Saltnes grendalag", ActorType.INTEREST_ORGANISATION, known=False)
    for i in range(LETTERS):
        text = f"Vi slutter oss til høringssvaret fra KS. Brev nummer {i} støttar forslaget."
        cut = text.index(" Brev")
        letters.append(
            _letter(
                f"saltnes-{i}.txt",
                lag,
                text,
                [Position("R1", Stance.SUPPORTS, 0, cut + 1, len(text), text[cut + 1 :], 0.8, "test")],
                [Endorsement("ks", ks.name, 0, 0, cut, text[:cut])],
            )
        )
    store = OxigraphStore()
    store.replace_graph(iris.ontology_graph(), to_ntriples(ontology_graph()))
    store.replace_graph(iris.reference_graph(), to_ntriples(map_reference(reference, iris)))
    for doc in letters:
        store.replace_graph(
            iris.response_graph(doc.file_name),
            to_ntriples(map_response(doc, reference, iris, ingest_key="k")),
        )
    return store, iris


def test_one_row_per_position_and_endorsement_of_a_sender_with_several_letters(
    reference: ReferenceData,
) -> None:
    store, iris = _store(reference)
    lag = iris.actor("saltnes-lag")
    # The raw rows: before, each letter of the sender gave LETTERS² rows (name × type from every graph).
    raw = store.select(named("positions", eq("target", lit("R1"))))
    assert len(raw) == LETTERS + 1
    assert len(store.select(named("endorsements"))) == LETTERS
    assert len(store.select(named("endorsements", eq("endorsedIri", iri(iris.actor("ks")))))) == LETTERS

    rows = positions(store, target_id="R1")
    assert sorted((r.document, r.actor, r.actor_type, r.stance) for r in rows) == [
        ("ks.txt", reference.actors["ks"].name, reference.actors["ks"].type.value, "opposes"),
        *(
            (f"saltnes-{i}.txt", "Saltnes grendalag", "interest-organisation", "supports")
            for i in range(LETTERS)
        ),
    ]
    assert [r.document for r in positions(store, actor_iri=lag)] == [
        f"saltnes-{i}.txt" for i in range(LETTERS)
    ]
    assert len(positions(store)) == LETTERS + 1

    ends = endorsements(store)
    assert sorted(e.document for e in ends) == [f"saltnes-{i}.txt" for i in range(LETTERS)]
    assert {(e.actor, e.endorsed) for e in ends} == {("Saltnes grendalag", reference.actors["ks"].name)}

    found = trace_target(store, "R1")
    assert found is not None
    result = to_json(found)
    assert [h["document"] for h in result["by_reference"]] == [f"saltnes-{i}.txt" for i in range(LETTERS)]
    assert {h["own_stance"] for h in result["by_reference"]} == {"supports"}
    assert result["counts"]["supports"]["responses"] == LETTERS


def test_one_row_per_actor_and_document_of_a_sender_with_several_letters(reference: ReferenceData) -> None:
    store, _ = _store(reference)
    # The count is right either way; before, the rows behind it grew with a power of the letters per graph.
    assert len(store.select(named("actors", eq("id", lit("saltnes-lag"))))) == 1
    [lag] = [a for a in actors(store) if a.id == "saltnes-lag"]
    assert (lag.name, lag.type, lag.known, lag.responses) == (
        "Saltnes grendalag",
        "interest-organisation",
        False,
        LETTERS,
    )
    assert len(store.select(named("documents"))) == LETTERS + 1
    docs = documents(store)
    assert [d.file_name for d in docs] == ["ks.txt", *(f"saltnes-{i}.txt" for i in range(LETTERS))]
    assert {d.sender_name for d in docs[1:]} == {"Saltnes grendalag"}


def test_an_actor_page_lists_the_pilots_its_letters_mention_once_per_letter(reference: ReferenceData) -> None:
    # Each letter of a sender outside the reference data mentions a pilot and the sender itself (so the
    # sender is described in every letter's graph); the actor's links read the pilot one graph at a time.
    from graph.entities import actor
    from ingest.model import EntityKind, Mention

    pilot = next(iter(reference.pilots.values()))
    lag = ActorRef("saltnes-lag", "Saltnes grendalag", ActorType.INTEREST_ORGANISATION, known=False)
    iris = IriMinter()
    store = OxigraphStore()
    store.replace_graph(iris.ontology_graph(), to_ntriples(ontology_graph()))
    store.replace_graph(iris.reference_graph(), to_ntriples(map_reference(reference, iris)))
    for i in range(LETTERS):
        text = f"Saltnes grendalag har vore med i {pilot.name} i år {i}."
        doc = _letter(f"saltnes-{i}.txt", lag, text, [], [])
        at = text.index(pilot.name)
        mentions = [
            Mention(0, 0, len(lag.name), lag.name, lag.id, EntityKind.ACTOR, 1.0, lag.type, lag.name),
            Mention(0, at, at + len(pilot.name), pilot.name, pilot.id, EntityKind.PILOT),
        ]
        doc = replace(doc, mentions=mentions)
        store.replace_graph(
            iris.response_graph(doc.file_name),
            to_ntriples(map_response(doc, reference, iris, ingest_key="k")),
        )
    found = actor(store, "saltnes-lag")
    assert found is not None
    assert [(p.id, p.relations, p.documents) for p in found.pilots] == [
        (pilot.id, ("mentioned",), tuple(f"saltnes-{i}.txt" for i in range(LETTERS)))
    ]
    assert found.grant_schemes == []


def test_positions_are_read_once_per_remembered_block_and_again_after_it(reference: ReferenceData) -> None:
    from graph.queries import remembered_positions

    store, iris = _store(reference)
    calls: list[str] = []
    select = store.select

    def counting(query: str, *args: object, **kwargs: object):
        calls.append(query)
        return select(query, *args, **kwargs)

    store.select = counting  # type: ignore[method-assign]
    with remembered_positions():
        first = positions(store, target_id="R1")
        again = positions(store, target_id="R1")
        other = positions(store, target_id="R2")
    assert first == again and len(first) == LETTERS + 1 and other == []
    assert len(calls) == 2  # R1 once, R2 once
    # Outside the block every call reads the store: a write in between is seen.
    store.replace_graph(iris.response_graph("ks.txt"), "")
    assert len(positions(store, target_id="R1")) == LETTERS
    assert len(calls) == 3
