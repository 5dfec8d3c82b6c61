"""The data the pages need beyond the API's resources: review queue, stance matrix and networks.

Each is built from the graph's effective positions (curated ones win), the same rows as
``GET /recommendations/{id}``; the JSON routes in :mod:`search_api.web.routes` return them as they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NotRequired, TypedDict

from markupsafe import Markup

from graph.entities import grant_schemes, pilots, recommendations
from graph.queries import PositionRow, positions
from graph.sparql import lit, named, values
from graph.store import GraphStore
from ingest.model import STANCES as STANCE_ORDER
from search_api.records import AskHit

__all__ = [
    "ActorMatrix",
    "ActorRow",
    "PageEdge",
    "PageHit",
    "PageNetwork",
    "PageNode",
    "matrix",
    "network",
    "review_queue",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PageHit(AskHit):
    """A hit as the search page shows it: the answer's hit, its text with the question's words marked,
    and the link to its place in the letter."""

    marked: Markup
    href: str

    @classmethod
    def view(cls, hit: AskHit, marked: Markup, href: str) -> PageHit:
        return cls(**{f.name: getattr(hit, f.name) for f in fields(hit)}, marked=marked, href=href)


def review_queue(store: GraphStore, below: float, limit: int) -> list[PositionRow]:
    """Automatic positions with confidence below ``below``, lowest first (``policykg review``)."""
    rows = [
        r for r in positions(store) if not r.curated and r.confidence is not None and r.confidence < below
    ]
    rows.sort(key=lambda r: (r.confidence or 0.0, r.target, r.document))
    return rows[:limit]


def letter_texts(store: GraphStore, file_names: Iterable[str]) -> dict[str, str]:
    """The normalised text of each named response (what position offsets point into), in one query."""
    names = sorted(set(file_names))
    if not names:
        return {}
    rows = store.select(named("letter-texts", values("file", map(lit, names))))
    return {str(r["file"]): str(r["text"]) for r in rows}


@dataclass(slots=True)
class ActorRow:
    """An actor's row of the page's matrix: its first position on each proposal (the report's matrix,
    :class:`search_api.report.records.Matrix`, has a row per letter instead)."""

    actor: str
    actor_id: str
    actor_type: str
    cells: dict[str, PositionRow] = field(default_factory=dict)  # proposal id -> position

    def count(self, stance: str) -> int:
        return sum(1 for p in self.cells.values() if p.stance == stance)


@dataclass(slots=True)
class ActorMatrix:
    """Actors × proposals for ``/matrise`` and ``/web/api/matrix``."""

    proposals: list[tuple[str, str]]  # (id, title) in the hearing's order
    rows: list[ActorRow]

    def as_json(self) -> dict[str, Any]:
        return {
            "proposals": [{"id": i, "title": t} for i, t in self.proposals],
            "rows": [
                {
                    "actor": r.actor,
                    "actor_id": r.actor_id,
                    "actor_type": r.actor_type,
                    "cells": {k: asdict(p) for k, p in r.cells.items()},
                }
                for r in self.rows
            ],
        }


SORTS = ("navn", "type", "stotte", "imot")


def matrix(store: GraphStore, *, actor_type: str | None = None, sort: str = "navn") -> ActorMatrix:
    """Actors × proposals: one row per actor with a position, its stance on each proposal."""
    props = [(r.id, r.title) for r in recommendations(store)]
    by_actor: dict[str, ActorRow] = {}
    for p in positions(store):
        if actor_type and p.actor_type != actor_type:
            continue
        key = p.actor_iri or p.document
        row = by_actor.setdefault(
            key, ActorRow(p.actor or p.document, p.actor_iri.rsplit("/", 1)[-1], p.actor_type)
        )
        row.cells.setdefault(p.target, p)
    rows = sorted(by_actor.values(), key=lambda r: r.actor.casefold())
    if sort == "type":
        rows.sort(key=lambda r: r.actor_type)
    elif sort == "stotte":
        rows.sort(key=lambda r: -(r.count("supports") + r.count("qualified")))
    elif sort == "imot":
        rows.sort(key=lambda r: -r.count("opposes"))
    return ActorMatrix(props, rows)


class PageNode(TypedDict):
    """A node of the page's network (``group``: actor, proposal, pilot or grant-scheme)."""

    id: str
    label: str
    group: str
    title: NotRequired[str]  # proposals
    actor_type: NotRequired[str]  # actors
    degree: NotRequired[int]  # set once the edges are known


class PageEdge(TypedDict):
    id: str
    source: str
    target: str
    stance: NotRequired[str]  # positions network
    document: NotRequired[str]  # positions network


class PageNetwork(TypedDict):
    """``/web/api/network``: the nodes and edges the network page draws with Cytoscape.js."""

    kind: str
    nodes: list[PageNode]
    edges: list[PageEdge]


def network(store: GraphStore, kind: str) -> PageNetwork:
    """Nodes and edges for Cytoscape: ``positions`` (actors → proposals, by stance) or ``participation``
    (actors → pilots they take part in and grant schemes they administer)."""
    nodes: dict[str, PageNode] = {}
    edges: list[PageEdge] = []

    def actor_node(iri: str, name: str, actor_type: str) -> str:
        node_id = "a:" + iri.rsplit("/", 1)[-1]
        nodes.setdefault(
            node_id, {"id": node_id, "label": name, "group": "actor", "actor_type": actor_type or "other"}
        )
        return node_id

    if kind == "positions":
        for r in recommendations(store):
            nodes["p:" + r.id] = {"id": "p:" + r.id, "label": r.id, "title": r.title, "group": "proposal"}
        for p in positions(store):
            if p.stance not in STANCE_ORDER:
                continue
            source = actor_node(p.actor_iri or p.document, p.actor or p.document, p.actor_type)
            edges.append(
                {
                    "id": f"e{len(edges)}",
                    "source": source,
                    "target": "p:" + p.target,
                    "stance": p.stance,
                    "document": p.document,
                }
            )
        used = {e["target"] for e in edges} | {e["source"] for e in edges}
        nodes = {k: v for k, v in nodes.items() if k in used or v["group"] == "proposal"}
    else:
        types = _actor_types(store)
        for pilot in pilots(store):
            nodes["pi:" + pilot.id] = {"id": "pi:" + pilot.id, "label": pilot.name, "group": "pilot"}
            for who in pilot.participants:
                source = actor_node(who.id, who.name, types.get(who.id, "other"))
                edges.append({"id": f"e{len(edges)}", "source": source, "target": "pi:" + pilot.id})
        for scheme in grant_schemes(store):
            nodes["g:" + scheme.id] = {"id": "g:" + scheme.id, "label": scheme.name, "group": "grant-scheme"}
            if (adm := scheme.administered_by) is not None:
                source = actor_node(adm.id, adm.name, types.get(adm.id, "other"))
                edges.append({"id": f"e{len(edges)}", "source": source, "target": "g:" + scheme.id})
    degree = Counter([e["source"] for e in edges] + [e["target"] for e in edges])
    for node_id, node in nodes.items():
        node["degree"] = degree[node_id]
    return {"kind": kind, "nodes": list(nodes.values()), "edges": edges}


def _actor_types(store: GraphStore) -> dict[str, str]:
    from graph.entities import actors

    return {a.id: a.type for a in actors(store)}


def stance_bars(rows: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """(stance, actor type) pairs counted by actor type, then stance (for the proposal page's bar)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STANCE_ORDER, 0))
    for stance, actor_type in rows:
        if stance in STANCE_ORDER:
            out[actor_type or "other"][stance] += 1
    return dict(out)
