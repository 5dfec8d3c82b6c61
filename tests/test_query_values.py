"""Values put into named queries are bound as pyoxigraph literals: any string, control characters
included, is a value to look up (not found: None or []), never a broken query (which the API would
answer 400 instead of 404)."""

from __future__ import annotations

import pytest

from graph import coverage, entities, queries
from graph.results import literal
from graph.store import OxigraphStore

HOSTILE = ["V1\r", 'a"b', "a\\b", "x\ny", "\x00\x7f", '") } ; DROP ALL ; #', "æøå\t"]


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return OxigraphStore()


def test_literal_escapes_what_would_end_or_break_it() -> None:
    assert literal('a"b\\c\rd') == '"a\\"b\\\\c\\rd"'
    assert literal("\x00") == '"\\u0000"'


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_ids_are_not_found(store: OxigraphStore, value: str) -> None:
    assert queries.proposal(store, value) is None
    assert queries.positions(store, target_id=value) == []
    assert entities.actors(store, actor_id=value) == []
    assert entities.document(store, value) is None
    assert entities.pilots(store, pilot_id=value) == []
    assert coverage.stance_labels(store, value) == {}  # a language tag is bound as a literal too
