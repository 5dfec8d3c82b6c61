"""The service's typed records and their one serialisation (the JSON of the CLI's --json and the API)."""

from __future__ import annotations

from dataclasses import fields

from graph.records import Position, PositionRow, TargetPosition
from search_api.api.models import CurationOut
from search_api.records import (
    Answer,
    AskHit,
    AskLink,
    PositionQuote,
    PositionsAnswer,
    RecommendationDetail,
    RecommendationLink,
    TextCounts,
    Trace,
    to_json,
)

ROW = PositionRow(
    actor="Lia kommune",
    actor_iri="urn:a",
    actor_type="municipality",
    document="lia.txt",
    stance="opposes",
    quote="Vi går imot.",
    confidence=0.9,
    curated=False,
    target="R2",
    title="Tittel",
    document_iri="urn:d",
)
POSITION_KEYS = [f.name for f in fields(Position)]


def test_each_position_view_adds_fields_to_the_one_before() -> None:
    assert POSITION_KEYS[:4] == ["actor", "actor_iri", "actor_type", "document"]
    assert POSITION_KEYS[8:11] == ["reviewer", "note", "method"]
    assert [f.name for f in fields(TargetPosition)] == [*POSITION_KEYS, "target", "title"]
    assert [f.name for f in fields(PositionRow)] == [*POSITION_KEYS, "target", "title", "document_iri"]


def test_a_row_serialises_as_the_view_it_is_declared_as() -> None:
    trace = Trace("R2", "Tittel", "recommendation", None, [ROW], [], {"opposes": TextCounts(1, 1)})
    got = to_json(trace)
    assert list(got) == ["target", "title", "kind", "text", "positions", "by_reference", "counts"]
    assert list(got["positions"][0]) == POSITION_KEYS  # no target, title or document IRI
    assert got["counts"] == {"opposes": {"responses": 1, "distinct_texts": 1}}
    detail = to_json(RecommendationDetail.of(trace))
    # The API's order (counts after the text), the trace's fields, and one count per stance.
    assert list(detail) == [
        "target",
        "title",
        "kind",
        "text",
        "stance_counts",
        "counts",
        "positions",
        "by_reference",
    ]
    assert {k: detail[k] for k in got} == got
    assert detail["stance_counts"] == {"supports": 0, "qualified": 0, "opposes": 1, "mentions": 0}
    assert list(detail["positions"][0]) == POSITION_KEYS
    assert list(CurationOut(recorded=1, position=ROW).model_dump()["position"]) == POSITION_KEYS


def test_answer_json_keeps_the_cli_shape() -> None:
    hit = AskHit(
        document="lia.txt",
        document_iri="urn:d",
        passage_iri="urn:p",
        kind="passage",
        text="...",
        score=0.5,
        links=[RecommendationLink("recommendation", "R2", None), AskLink("pilot", "P1")],
    )
    plain = Answer("Hvem?", [hit]).to_json()
    assert "positions" not in plain and plain["index_warning"] is None
    # A proposal link always says its stance (null: none in effect); a pilot link has no stance key.
    assert plain["hits"][0]["links"] == [
        {"kind": "recommendation", "id": "R2", "stance": None},
        {"kind": "pilot", "id": "P1"},
    ]
    asked = Answer(
        "Hvem går imot R2?",
        [],
        positions=PositionsAnswer("R2", "Tittel", "opposes", {"opposes": [PositionQuote.of(ROW)]}),
    ).to_json()
    assert asked["positions"]["by_stance"]["opposes"] == [
        {
            "actor": "Lia kommune",
            "actor_iri": "urn:a",
            "document": "lia.txt",
            "quote": "Vi går imot.",
            "passage_iri": None,
            "start": None,
            "end": None,
        }
    ]


def test_an_ask_hit_is_the_view_of_a_search_hit() -> None:
    from search_api.search import Hit

    hit = Hit(
        iri="urn:p#window-1",
        kind="passage",
        graph_iri="urn:g",
        text="Vi støtter R2.",
        file_name="lia.txt",
        document_iri="urn:d",
        sender_name="Lia kommune",
        sender_iri="urn:a",
        recommendations=("R2", "R3"),
        pilots=("P1",),
        score=0.1234567,
        passage_iri="urn:p",
        why=("text", "words"),
    )
    got = to_json(AskHit.of(hit, {"R2": "supports"}))
    assert (got["document"], got["actor"], got["actor_iri"], got["passage_iri"]) == (
        "lia.txt",
        "Lia kommune",
        "urn:a",
        "urn:p",
    )
    assert got["score"] == 0.123457 and got["why"] == ["text", "words"]
    assert got["links"] == [
        {"kind": "recommendation", "id": "R2", "stance": "supports"},
        {"kind": "recommendation", "id": "R3", "stance": None},
        {"kind": "pilot", "id": "P1"},
    ]
