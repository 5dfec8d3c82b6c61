"""Networks built from the graph by SPARQL, as networkx graphs for analysis and export.

Three networks, each an undirected :class:`networkx.Graph` whose node ids are IRIs and whose
attributes are plain strings, numbers and booleans (so GraphML and GEXF can hold them):

* **stance**: a signed bipartite actor–proposal network. One edge per (sender, proposal) from
  the effective positions (curated ones win, :func:`graph.queries.positions`); ``sign`` is +1
  for supports, +0.5 for supports with reservations, -1 for opposes and 0 for a mention.
* **participation**: actors and the pilots and grant schemes they take part in (reference data:
  ``pkg:participant``), administer (``pkg:administeredBy``) or write about (a passage of a letter
  they sent names it).
* **comention**: actors, pilots and grant schemes named together in one passage; an edge's
  ``weight`` is the number of passages naming both.

Nothing here reads files: every node and edge comes from the store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx
from typing_extensions import TypedDict

from graph.queries import PositionRow, positions
from graph.sparql import named
from graph.store import GraphStore

__all__ = [
    "NETWORK_KINDS",
    "STANCE_SIGNS",
    "CytoscapeElement",
    "CytoscapeNetwork",
    "EntityNode",
    "ProposalNode",
    "build_network",
    "comention_network",
    "effective_positions",
    "participation_network",
    "proposal_nodes",
    "stance_graph",
    "stance_network",
    "to_cytoscape",
    "write_network",
]

NETWORK_KINDS = ("stance", "participation", "comention")
STANCE_SIGNS: dict[str, float] = {"supports": 1.0, "qualified": 0.5, "opposes": -1.0, "mentions": 0.0}


@dataclass(frozen=True, slots=True)
class ProposalNode:
    """A proposal of the hearing as a node of the stance network."""

    id: str
    title: str
    kind: str  # recommendation | assessment ("" for a target the reference data does not hold)

    def attrs(self) -> dict[str, Any]:
        """The node's attributes (``label`` is the id)."""
        return {"type": "proposal", "label": self.id, "title": self.title, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class EntityNode:
    """An actor, pilot or grant scheme as a node of the participation and co-mention networks."""

    type: str  # actor | pilot | grant-scheme
    label: str
    ref_id: str
    actor_type: str | None = None  # actors only
    region: str | None = None  # pilots only ("" when none is given)

    def attrs(self) -> dict[str, Any]:
        """The node's attributes; ``actor_type`` and ``region`` only where they belong."""
        out: dict[str, Any] = {"type": self.type, "label": self.label, "ref_id": self.ref_id}
        if self.actor_type is not None:
            out["actor_type"] = self.actor_type
        if self.region is not None:
            out["region"] = self.region
        return out


class CytoscapeElement(TypedDict):
    """A Cytoscape.js element: a node ``{data: {id, label, type, ...}}`` or an edge
    ``{data: {id, source, target, ...}}``; ``data`` holds the network's attributes as they are."""

    data: dict[str, Any]


class CytoscapeNetwork(TypedDict):
    """A network as Cytoscape.js elements (the JSON export format)."""

    kind: str
    nodes: list[CytoscapeElement]
    edges: list[CytoscapeElement]


def effective_positions(store: GraphStore) -> list[PositionRow]:
    """Every effective position on a proposal (curated ones win; rejected ones are left out)."""
    return [p for p in positions(store) if p.stance in STANCE_SIGNS]


def _sender_node(p: PositionRow) -> str:
    # A letter whose sender was not recognised stands for itself.
    return p.actor_iri or p.document_iri


def _priority(p: PositionRow) -> tuple[bool, float]:
    return (p.curated, p.confidence if p.confidence is not None else 0.0)


def stance_network(store: GraphStore, rows: list[PositionRow] | None = None) -> nx.Graph:
    """Signed actor–proposal network of the store's effective positions (or of ``rows``)."""
    return stance_graph(effective_positions(store) if rows is None else rows, proposal_nodes(store))


def stance_graph(rows: list[PositionRow], proposals: dict[str, ProposalNode]) -> nx.Graph:
    """The stance network of ``rows``; an actor with several letters keeps its strongest position per proposal
    (curated first, then the highest confidence)."""
    g = nx.Graph(kind="stance")
    for iri, node in sorted(proposals.items()):
        g.add_node(iri, **node.attrs())
    by_id = {node.id: iri for iri, node in proposals.items()}
    best: dict[tuple[str, str], PositionRow] = {}
    for p in sorted(rows, key=lambda r: (r.target, r.document)):
        actor = _sender_node(p)
        g.add_node(actor, type="actor", label=p.actor or p.document, actor_type=p.actor_type or "unknown")
        prop = by_id.get(p.target) or f"proposal:{p.target}"
        if prop not in g:
            g.add_node(prop, **ProposalNode(p.target, p.title, "").attrs())
        key = (actor, prop)
        if key not in best or _priority(p) > _priority(best[key]):
            best[key] = p
    for (actor, prop), p in sorted(best.items()):
        g.add_edge(
            actor,
            prop,
            stance=p.stance,
            sign=STANCE_SIGNS[p.stance],
            weight=abs(STANCE_SIGNS[p.stance]) or 0.25,
            curated=p.curated,
            confidence=float(p.confidence) if p.confidence is not None else 0.0,
            document=p.document,
        )
    return g


def proposal_nodes(store: GraphStore) -> dict[str, ProposalNode]:
    """Proposal IRI -> its node (every proposal, also those no letter takes a position on)."""
    out: dict[str, ProposalNode] = {}
    for r in sorted(store.select(named("network-proposals")), key=lambda r: (str(r["iri"]), str(r["title"]))):
        kind = "assessment" if str(r["assessment"]).lower() == "true" else "recommendation"
        out.setdefault(str(r["iri"]), ProposalNode(str(r["id"]), str(r["title"]), kind))
    return out


def _entities(store: GraphStore) -> dict[str, EntityNode]:
    """IRI -> node of every actor, pilot and grant scheme (one label per node, stable)."""
    out: dict[str, EntityNode] = {}
    rows = sorted(
        store.select(named("network-entities")),
        key=lambda r: (str(r["e"]), len(str(r["label"])), str(r["label"])),
    )
    for r in rows:
        iri = str(r["e"])
        if iri in out:
            continue
        kind = str(r["kind"])
        out[iri] = EntityNode(
            kind,
            str(r["label"]),
            str(r["id"]),
            actor_type=str(r["actorType"] or "unknown") if kind == "actor" else None,
            region=str(r["region"] or "") if kind == "pilot" else None,
        )
    return out


def participation_network(store: GraphStore) -> nx.Graph:
    """Actors linked to the pilots and grant schemes they take part in, administer or write about."""
    nodes = _entities(store)
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in store.select(named("participation-links")):
        relations[(str(r["a"]), str(r["e"]))].add(str(r["rel"]))
    g = nx.Graph(kind="participation")
    for (actor, entity), rels in sorted(relations.items()):
        if actor not in nodes or entity not in nodes:
            continue
        g.add_node(actor, **nodes[actor].attrs())
        g.add_node(entity, **nodes[entity].attrs())
        g.add_edge(actor, entity, relation=",".join(sorted(rels)), weight=float(len(rels)))
    return g


def comention_network(store: GraphStore) -> nx.Graph:
    """Actors, pilots and grant schemes named in the same passage; weight = passages naming both."""
    nodes = _entities(store)
    by_passage: dict[str, set[str]] = defaultdict(set)
    for r in store.select(named("comentions")):
        if str(r["e"]) in nodes:
            by_passage[str(r["p"])].add(str(r["e"]))
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for together in by_passage.values():
        ordered = sorted(together)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                weights[(a, b)] += 1
    g = nx.Graph(kind="comention")
    for (a, b), w in sorted(weights.items()):
        g.add_node(a, **nodes[a].attrs())
        g.add_node(b, **nodes[b].attrs())
        g.add_edge(a, b, weight=float(w))
    return g


def build_network(store: GraphStore, kind: str) -> nx.Graph:
    """One of :data:`NETWORK_KINDS` by name; ValueError for another name."""
    if kind == "stance":
        return stance_network(store)
    if kind == "participation":
        return participation_network(store)
    if kind == "comention":
        return comention_network(store)
    raise ValueError(f"unknown network '{kind}'; use one of: {', '.join(NETWORK_KINDS)}")


def to_cytoscape(g: nx.Graph) -> CytoscapeNetwork:
    """Cytoscape.js elements: ``{"kind", "nodes": [{"data": {...}}], "edges": [{"data": {...}}]}``."""
    nodes: list[CytoscapeElement] = [{"data": {"id": n, **attrs}} for n, attrs in sorted(g.nodes(data=True))]
    edges: list[CytoscapeElement] = [
        {"data": {"id": f"e{i}", "source": a, "target": b, **attrs}}
        for i, (a, b, attrs) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[1])))
    ]
    return {"kind": str(g.graph.get("kind", "")), "nodes": nodes, "edges": edges}


def write_network(g: nx.Graph, fmt: str) -> bytes:
    """GraphML or GEXF bytes (both load back with networkx, attributes and types kept)."""
    import io

    buf = io.BytesIO()
    # GraphML/GEXF writers take only scalar graph attributes; the kind is one.
    if fmt == "graphml":
        nx.write_graphml(g, buf, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(g, buf, encoding="utf-8")
    else:
        raise ValueError(f"unknown network format '{fmt}'; use graphml or gexf")
    return buf.getvalue()
