"""Networks from the graph: exports load in networkx with node types and stance signs; analyses are stable."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import networkx as nx
import pytest

from graph.analytics import agreement, centrality, coalitions
from graph.networks import STANCE_SIGNS, build_network, to_cytoscape, write_network
from graph.queries import positions

if TYPE_CHECKING:
    from search_api.service import PolicyKG

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_stance_network_exports_keep_types_and_signs(kg: PolicyKG, fmt: str) -> None:
    g = build_network(kg.store, "stance")
    data = write_network(g, fmt)
    back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    assert {d["type"] for _, d in back.nodes(data=True)} == {"actor", "proposal"}
    rows = [p for p in positions(kg.store) if p.stance in STANCE_SIGNS]
    expected = {(p.actor_iri, p.target): STANCE_SIGNS[p.stance] for p in rows}
    got = {}
    for a, b, d in back.edges(data=True):
        actor, prop = (a, b) if back.nodes[a]["type"] == "actor" else (b, a)
        got[(actor, back.nodes[prop]["label"])] = float(d["sign"])
        assert d["stance"] in STANCE_SIGNS
    assert got == expected


@pytest.mark.parametrize("kind", ["participation", "comention"])
def test_other_networks_load_back_with_types(kg: PolicyKG, kind: str) -> None:
    g = build_network(kg.store, kind)
    assert g.number_of_edges() > 0
    for fmt in ("graphml", "gexf"):
        back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(write_network(g, fmt)))
        assert {d["type"] for _, d in back.nodes(data=True)} <= {"actor", "pilot", "grant-scheme"}
        assert sorted(back.nodes) == sorted(g.nodes)
    js = to_cytoscape(g)
    ids = {n["data"]["id"] for n in js["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in js["edges"])


def test_coalitions_are_the_same_across_runs_and_partition_the_actors(kg: PolicyKG) -> None:
    first, second = coalitions(kg.store), coalitions(kg.store)
    assert first == second
    members = [m.actor_iri for c in first.coalitions for m in c.members]
    g = build_network(kg.store, "stance")
    assert sorted(members) == sorted(n for n, d in g.nodes(data=True) if d["type"] == "actor")
    # The three councils that sent one resolution stand together.
    campaign = {"Aust-Heia kommune", "Lia kommune", "Sørvik kommune"}
    assert any(campaign <= {m.actor for m in c.members} for c in first.coalitions)


def test_centrality_and_agreement(kg: PolicyKG) -> None:
    c = centrality(kg.store)
    g = build_network(kg.store, "participation")
    assert len(c.nodes) == g.number_of_nodes()
    assert {(b.a, b.b) for b in c.bridges} == {tuple(sorted(e)) for e in nx.bridges(g)}
    a = agreement(kg.store)
    rows = [p for p in positions(kg.store) if STANCE_SIGNS.get(p.stance, 0) != 0]
    by_prop: dict[str, int] = {}
    for p in rows:
        by_prop[p.target] = by_prop.get(p.target, 0) + 1
    assert sum(p.pairs for p in a.pairs) == sum(n * (n - 1) // 2 for n in by_prop.values())
