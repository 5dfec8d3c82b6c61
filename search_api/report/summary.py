"""The hearing summary's facts, from the graph: per proposal counts, respondents, quotes, a draft paragraph.

Everything here is read from the store (effective positions with curated ones winning,
campaign groups, coverage); the renderers in this package only lay it out.
Counts are per response letter; campaign letters (near-identical texts) are also counted once
per distinct text, and noted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from graph.coverage import actor_type_labels, coverage, respondents, stance_labels
from graph.networks import effective_positions, proposal_nodes
from graph.queries import PositionRow, campaign_groups
from graph.sparql import PREFIXES
from graph.store import GraphStore
from ingest.model import STANCES
from search_api.report.norwegian import paragraph

__all__ = ["build_matrix", "build_summary"]

DEFAULT_REVIEW_BELOW = 0.6


def _natural(pid: str) -> tuple[str, int, str]:
    head = pid.rstrip("0123456789")
    tail = pid[len(head) :]
    return (head, int(tail), "") if tail else (pid, -1, "")


def _proposals(store: GraphStore) -> list[dict[str, str]]:
    props = [
        {"id": a["label"], "title": a["title"], "kind": a["kind"]} for a in proposal_nodes(store).values()
    ]
    return sorted(props, key=lambda p: _natural(p["id"]))


def _review(p: PositionRow, below: float) -> bool:
    return not p.curated and (p.confidence is None or p.confidence < below)


def build_matrix(store: GraphStore, review_below: float = DEFAULT_REVIEW_BELOW) -> dict[str, Any]:
    """Letters × proposals with stance, quote, confidence, curated; counts by actor type × proposal × stance."""
    rows = effective_positions(store)
    group_of = {f: g[0] for g in campaign_groups(store) for f in g}
    labels = actor_type_labels(store)
    letters = {r.document: r for r in respondents(store)}
    out_rows: dict[str, dict[str, Any]] = {}
    for doc, r in letters.items():
        out_rows[doc] = {
            "document": doc,
            "actor": r.actor or doc,
            "actor_iri": r.actor_iri,
            "actor_type": r.actor_type,
            "actor_type_label": labels.get(r.actor_type, r.actor_type),
            "campaign": group_of.get(doc, doc),
            "curated": 0,
            "cells": {},
        }
    counts: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for p in rows:
        row = out_rows.setdefault(
            p.document,
            {
                "document": p.document,
                "actor": p.actor or p.document,
                "actor_iri": p.actor_iri,
                "actor_type": p.actor_type,
                "actor_type_label": labels.get(p.actor_type, p.actor_type),
                "campaign": group_of.get(p.document, p.document),
                "curated": 0,
                "cells": {},
            },
        )
        row["cells"][p.target] = {
            "stance": p.stance,
            "quote": p.quote,
            "confidence": p.confidence,
            "curated": p.curated,
            "reviewer": p.reviewer,
            "review": _review(p, review_below),
        }
        row["curated"] += int(p.curated)
        counts[(p.target, p.actor_type or "", p.stance)].append(p.document)
    return {
        "proposals": _proposals(store),
        "rows": sorted(out_rows.values(), key=lambda r: (r["actor"].casefold(), r["document"])),
        "counts": [
            {
                "proposal": t,
                "actor_type": a,
                "stance": s,
                "responses": len(docs),
                "distinct_texts": len({group_of.get(d, d) for d in docs}),
            }
            for (t, a, s), docs in sorted(counts.items(), key=lambda kv: (_natural(kv[0][0]), kv[0][1:]))
        ],
        "review_below": review_below,
    }


def _quotes(rows: list[PositionRow]) -> list[dict[str, Any]]:
    """At most one quote per (stance, actor type): curated first, then the highest confidence."""
    best: dict[tuple[str, str], PositionRow] = {}
    for p in sorted(rows, key=lambda r: r.document):
        if not p.quote:
            continue
        key = (p.stance, p.actor_type)
        rank = (p.curated, p.confidence or 0.0)
        old = best.get(key)
        if old is None or rank > (old.curated, old.confidence or 0.0):
            best[key] = p
    order = {s: i for i, s in enumerate(STANCES)}
    return [
        {
            "stance": p.stance,
            "actor_type": p.actor_type,
            "actor": p.actor or p.document,
            "document": p.document,
            "quote": p.quote,
            "confidence": p.confidence,
            "curated": p.curated,
        }
        for (s, a), p in sorted(best.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]


def build_summary(store: GraphStore, review_below: float = DEFAULT_REVIEW_BELOW) -> dict[str, Any]:
    """The structured summary behind every format (``GET /report?format=json``)."""
    rows = effective_positions(store)
    groups = [g for g in campaign_groups(store) if len(g) > 1]
    group_of = {f: g[0] for g in groups for f in g}
    type_labels = actor_type_labels(store)
    s_labels = stance_labels(store)
    letters = respondents(store)
    hearing = store.select(
        PREFIXES
        + "SELECT ?id ?title ?report WHERE { ?h a pkg:Consultation ; pkg:identifier ?id ; dcterms:title ?title ."
        " OPTIONAL { ?h pkg:aboutReport/dcterms:title ?report } } LIMIT 1"
    )
    proposals = []
    for prop in _proposals(store):
        mine = [p for p in rows if p.target == prop["id"]]
        counts: dict[str, dict[str, int]] = {}
        names: dict[str, list[str]] = {}
        campaigns = []
        for stance in STANCES:
            these = sorted((p for p in mine if p.stance == stance), key=lambda p: p.actor or p.document)
            if not these:
                continue
            by_type: dict[str, int] = defaultdict(int)
            for p in these:
                by_type[p.actor_type or "unknown"] += 1
            counts[stance] = dict(sorted(by_type.items()))
            names[stance] = [p.actor or p.document for p in these]
            grouped: dict[str, list[PositionRow]] = defaultdict(list)
            for p in these:
                if p.document in group_of:
                    grouped[group_of[p.document]].append(p)
            campaigns += [
                {
                    "stance": stance,
                    "documents": [p.document for p in ps],
                    "actors": [p.actor or p.document for p in ps],
                }
                for ps in grouped.values()
                if len(ps) > 1
            ]
        totals = {s: sum(counts.get(s, {}).values()) for s in STANCES}
        entry = {
            **prop,
            "total": len(mine),
            "distinct_texts": len({group_of.get(p.document, p.document) for p in mine}),
            "counts": counts,
            "stance_totals": totals,
            "respondents": names,
            "campaigns": campaigns,
            "quotes": _quotes(mine),
            "to_review": sum(_review(p, review_below) for p in mine),
        }
        entry["paragraph"] = paragraph(entry, type_labels)
        proposals.append(entry)
    h = hearing[0] if hearing else {}
    return {
        "hearing": {"id": h.get("id"), "title": h.get("title"), "report_title": h.get("report")},
        "respondents": len(letters),
        "distinct_texts": len({group_of.get(r.document, r.document) for r in letters}),
        "campaigns": groups,
        "review_below": review_below,
        "to_review": sum(_review(p, review_below) for p in rows),
        "review": [
            {
                "proposal": p.target,
                "document": p.document,
                "actor": p.actor,
                "stance": p.stance,
                "confidence": p.confidence,
            }
            for p in sorted(rows, key=lambda r: (r.confidence or 0.0, r.target, r.document))
            if _review(p, review_below)
        ],
        "stance_labels": {s: s_labels.get(s, s) for s in STANCES},
        "actor_type_labels": type_labels,
        "proposals": proposals,
        "coverage": asdict(coverage(store)),  # the summary is a JSON document
    }
