"""The passages query for one graph, with its OPTIONALs scoped to that graph, equals the unscoped one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from graph.queries import index_items
from graph.sparql import iri, named, values

if TYPE_CHECKING:
    from search_api.service import PolicyKG

pytestmark = pytest.mark.slow


def _rows(kg: PolicyKG, query: str) -> list[tuple[tuple[str, str], ...]]:
    return [tuple(sorted((k, str(v)) for k, v in r.items())) for r in kg.store.select(query)]


def test_one_graph_items_equal_the_unscoped_query(kg: PolicyKG) -> None:
    graphs = sorted({i.graph_iri for i in index_items(kg.store, kg.iris) if i.kind == "passage"})
    assert len(graphs) == 10
    for g in graphs:
        clause = values("g", [iri(g)])
        unscoped = named("passages", clause)  # the #bind:scope-g lines stay comments
        scoped = named("passages", clause, slots={"scope-g": [clause]})
        assert scoped != unscoped
        assert _rows(kg, scoped) == _rows(kg, unscoped)
        items = index_items(kg.store, kg.iris, [g])
        assert items and {i.graph_iri for i in items} == {g}
        # [g, g] is two graphs: the unscoped path, whose order may differ
        assert sorted(items, key=lambda i: i.iri) == sorted(
            index_items(kg.store, kg.iris, [g, g]), key=lambda i: i.iri
        )
