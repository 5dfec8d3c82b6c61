"""What one item becomes in the vector index: its point id, the text the model sees, the sentences
that get vectors of their own, and the payload stored beside the vectors.

:mod:`search_api.index` writes these points; :meth:`search_api.search.Hit.from_payload` reads the
payload back into a hit, field for field.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import fields
from typing import Any

from graph.records import IndexItem
from ingest.segment import sentence_spans
from search_api.items import passage_iri

__all__ = [
    "ENTITY_FIELDS",
    "embed_text",
    "item_hash",
    "item_payload",
    "linked_entities",
    "point_id",
    "sentences",
]

# Bump when embed_text, sentences() or the lexical analysis change: stored hashes then differ
# and the next upsert re-embeds everything, so an upgrade never leaves stale vectors.
_TEXT_FORMAT = "v3"


# The passage payload fields naming the pilots and grant schemes the graph links to the passage.
ENTITY_FIELDS = ("pilots", "grant_schemes")


def linked_entities(payload: dict[str, Any]) -> list[str]:
    """Ids of the pilots and grant schemes the graph links to an index point's passage."""
    return [str(e) for key in ENTITY_FIELDS for e in payload.get(key) or ()]


def point_id(iri: str) -> str:
    """Deterministic point id of an item."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


def embed_text(item: IndexItem, context: bool | None = None) -> str:
    """What the dense model sees (and the lexical vector is built from).

    With ``context`` (default: ``heading_context`` of :func:`search_api.items.current_options`)
    a passage is prefixed by the heading it stands under ("Om øremerking: ..."), so a section's
    title helps find the statements under it. Sender names are never prefixed: a shared
    "sender — heading" prefix pulls a letter's passages together and drowns the sentence that
    answers (measured: README "Evaluation"). Entities are their label and description either way.
    """
    if context is None:
        from search_api.items import current_options

        context = current_options().heading_context
    if item.kind != "passage" or not context or not item.headings:
        return item.text
    return f"{item.headings[-1]}: {item.text}"


_MAX_SEGMENTS = 32


def sentences(text: str) -> list[str]:
    """The sentences of a passage worth a vector of their own; [] for a one-sentence passage.

    The same split as stance extraction uses (``ingest.segment.sentence_spans``), so the
    embedding cache serves both.
    """
    out = [text[s:e] for s, e in sentence_spans(text)]
    return out[:_MAX_SEGMENTS] if len(out) > 1 else []


def item_hash(item: IndexItem, context: bool | None) -> str:
    """The hash of what the model sees of ``item``: a stored point whose hash differs is embedded again."""
    return hashlib.sha256(f"{_TEXT_FORMAT}\n{embed_text(item, context)}".encode()).hexdigest()


_ITEM_FIELDS = tuple(f.name for f in fields(IndexItem))


def item_payload(item: IndexItem, embedder_name: str, context: bool | None = None) -> dict[str, Any]:
    """A point's payload: every field of the item (tuples as lists), the graph passage it stands for,
    and the embedder and text hash that tell whether its vectors are current."""
    payload: dict[str, Any] = {}
    for name in _ITEM_FIELDS:
        value = getattr(item, name)
        payload[name] = list(value) if isinstance(value, tuple) else value
    payload["passage_iri"] = passage_iri(item.iri) if item.kind == "passage" else None
    payload["embedder"] = embedder_name
    payload["text_hash"] = item_hash(item, context)
    return payload
