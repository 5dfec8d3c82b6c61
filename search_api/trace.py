"""Who says what about one recommendation: the data behind `policykg trace` and the API."""

from __future__ import annotations

from typing import Any

from graph.queries import positions, proposal
from graph.store import GraphStore

__all__ = ["trace_target"]


def trace_target(store: GraphStore, target_id: str) -> dict[str, Any] | None:
    """``{"target", "title", "positions": [...]}``, or None when the id is unknown."""
    prop = proposal(store, target_id)
    if prop is None:
        return None
    rows = positions(store, target_id=target_id)
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
            }
            for r in rows
        ],
    }
