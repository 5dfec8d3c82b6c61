"""Who says what about one recommendation: the data behind `policykg trace` and the API."""

from __future__ import annotations

from typing import Any

from graph.queries import campaign_groups, positions, proposal
from graph.store import GraphStore

__all__ = ["trace_target"]


def trace_target(store: GraphStore, target_id: str) -> dict[str, Any] | None:
    """``{"target", "title", "positions": [...]}``, or None when the id is unknown."""
    prop = proposal(store, target_id)
    if prop is None:
        return None
    rows = positions(store, target_id=target_id)
    # Campaign letters (the same council resolution from several senders) count once per distinct text.
    group_of = {f: g[0] for g in campaign_groups(store) for f in g}
    counts: dict[str, dict[str, int]] = {}
    for stance in sorted({r.stance for r in rows}):
        docs = [r.document for r in rows if r.stance == stance]
        counts[stance] = {"responses": len(docs), "distinct_texts": len({group_of.get(d, d) for d in docs})}
    return {
        "target": target_id,
        "title": prop["title"],
        "kind": prop["kind"],
        "text": prop["text"],
        "positions": [
            {
                "actor": r.actor,
                "actor_iri": r.actor_iri,
                "actor_type": r.actor_type,
                "document": r.document,
                "stance": r.stance,
                "quote": r.quote,
                "confidence": r.confidence,
                "curated": r.curated,
                "reviewer": r.reviewer,
                "note": r.note,
                "passage_iri": r.passage_iri,
                "start": r.start,
                "end": r.end,
                "campaign": group_of.get(r.document, r.document),
            }
            for r in rows
        ],
        "counts": counts,
    }
