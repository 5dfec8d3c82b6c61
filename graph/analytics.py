"""Analyses of the networks in :mod:`graph.networks`: coalitions, centrality and bridges, agreement by type.

* **coalitions**: actors are joined by how alike their positions are (for every proposal both
  took a stance on, the product of the two signs: +1 both support, -1 one supports and one
  opposes, 0.5 support against support with reservations; mentions carry no sign). Only pairs
  with a positive sum are linked, with that sum as weight, and the communities are found with
  networkx's Louvain method under a fixed seed, with nodes and edges added in sorted order, so
  two runs give the same coalitions.
* **centrality**: degree and betweenness centrality in the participation network, its bridges
  (edges whose removal splits a component) and articulation points (nodes that do), and for
  each actor the regions of the pilots it is linked to: an actor linked to pilots in several
  regions bridges them.
* **agreement**: between actor types, every pair of letters from the two types that both took
  a stance (not a mention) on the same proposal, counted as agreeing when the signs are on the
  same side (support and support with reservations agree).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx

from graph.networks import STANCE_SIGNS, effective_positions, participation_network, stance_network
from graph.queries import PositionRow
from graph.records import (
    Agreement,
    Bridge,
    Centrality,
    CentralityNode,
    Coalition,
    CoalitionMember,
    Coalitions,
    SharedStance,
    TypePair,
)
from graph.store import GraphStore

__all__ = ["COALITION_SEED", "agreement", "centrality", "coalitions"]

COALITION_SEED = 42


def _signed(g: nx.Graph) -> dict[str, dict[str, float]]:
    """actor node -> proposal id -> sign (mentions left out), from the stance network."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for a, b, attrs in g.edges(data=True):
        actor, prop = (a, b) if g.nodes[a]["type"] == "actor" else (b, a)
        if attrs["sign"] != 0:
            out[actor][g.nodes[prop]["label"]] = float(attrs["sign"])
    return out


def coalitions(store: GraphStore, *, seed: int = COALITION_SEED, resolution: float = 1.0) -> Coalitions:
    """Groups of actors whose positions agree, by Louvain community detection (seeded)."""
    g_stance = stance_network(store)
    signs = _signed(g_stance)
    similarity = nx.Graph()
    actors = sorted(n for n, d in g_stance.nodes(data=True) if d["type"] == "actor")
    similarity.add_nodes_from(actors)
    for a, b in combinations(actors, 2):
        common = sorted(set(signs.get(a, {})) & set(signs.get(b, {})))
        score = sum(signs[a][p] * signs[b][p] for p in common)
        if score > 0:
            similarity.add_edge(a, b, weight=score, common=len(common))
    groups = nx.community.louvain_communities(similarity, weight="weight", resolution=resolution, seed=seed)
    ordered = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c))
    out = []
    for i, members in enumerate(ordered, start=1):
        shared: dict[tuple[str, str], int] = defaultdict(int)
        for m in members:
            for _, prop, attrs in g_stance.edges(m, data=True):
                if attrs["stance"] != "mentions":
                    shared[(g_stance.nodes[prop]["label"], attrs["stance"])] += 1
        inner = [similarity[a][b]["weight"] for a, b in combinations(members, 2) if similarity.has_edge(a, b)]
        pairs = len(members) * (len(members) - 1) // 2
        out.append(
            Coalition(
                id=i,
                members=[
                    CoalitionMember(g_stance.nodes[m]["label"], m, g_stance.nodes[m]["actor_type"])
                    for m in members
                ],
                shared=[
                    SharedStance(p, s, n)
                    for (p, s), n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
                    if n >= min(2, len(members))
                ],
                cohesion=round(len(inner) / pairs, 3) if pairs else 1.0,
            )
        )
    return Coalitions(method="louvain", seed=seed, resolution=resolution, coalitions=out)


def centrality(store: GraphStore) -> Centrality:
    """Degree and betweenness centrality, bridges and articulation points of the participation network."""
    g = participation_network(store)
    degree = nx.degree_centrality(g) if g.number_of_nodes() > 1 else dict.fromkeys(g.nodes, 0.0)
    between = nx.betweenness_centrality(g, normalized=True)
    cut_nodes = set(nx.articulation_points(g))
    nodes = []
    for n, attrs in g.nodes(data=True):
        regions = sorted(
            {
                g.nodes[m].get("region", "")
                for m in g.neighbors(n)
                if g.nodes[m]["type"] == "pilot" and g.nodes[m].get("region")
            }
        )
        nodes.append(
            CentralityNode(
                id=n,
                label=attrs["label"],
                type=attrs["type"],
                actor_type=attrs.get("actor_type"),
                degree=g.degree(n),
                degree_centrality=round(degree[n], 4),
                betweenness=round(between[n], 4),
                articulation_point=n in cut_nodes,
                regions=regions if attrs["type"] == "actor" else [],
            )
        )
    nodes.sort(key=lambda d: (-d.betweenness, -d.degree, d.label))
    bridges = sorted(tuple(sorted((a, b))) for a, b in nx.bridges(g)) if g.number_of_nodes() else []
    label = {n: g.nodes[n]["label"] for n in g.nodes}
    return Centrality(
        network="participation",
        nodes=nodes,
        bridges=[Bridge(a, b, label[a], label[b]) for a, b in bridges],
        articulation_points=sorted(label[n] for n in cut_nodes),
        components=nx.number_connected_components(g) if g.number_of_nodes() else 0,
    )


def agreement(store: GraphStore) -> Agreement:
    """How often letters of two actor types take the same side on the same proposal."""
    rows = [p for p in effective_positions(store) if STANCE_SIGNS[p.stance] != 0]
    by_prop: dict[str, list[PositionRow]] = defaultdict(list)
    for p in rows:
        by_prop[p.target].append(p)
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for letters in by_prop.values():
        for x, y in combinations(sorted(letters, key=lambda r: r.document), 2):
            a, b = sorted((x.actor_type or "unknown", y.actor_type or "unknown"))
            same = (STANCE_SIGNS[x.stance] > 0) == (STANCE_SIGNS[y.stance] > 0)
            tally[(a, b)][0 if same else 1] += 1
    types = sorted({p.actor_type or "unknown" for p in rows})
    pairs = [
        TypePair(a, b, agree, disagree, agree + disagree, round(agree / (agree + disagree), 3))
        for (a, b), (agree, disagree) in sorted(tally.items())
    ]
    return Agreement(types=types, pairs=pairs)
