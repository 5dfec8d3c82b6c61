"""Plain records that ``graph/`` hands to the layers above it (no RDF terms leak out)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IndexItem"]


@dataclass(frozen=True, slots=True)
class IndexItem:
    """One thing to put in the search index: a passage, or an entity (recommendation, pilot, ...).

    Built by :func:`graph.queries.index_items` from the store; the vector index is
    derived from these and can always be rebuilt from the graph.
    """

    iri: str
    kind: str  # "passage" | "recommendation" | "assessment" | "grant-scheme" | "pilot" | "actor"
    text: str
    graph_iri: str  # the named graph the item lives in (a response document's graph, or reference)
    # Passages only:
    document_iri: str | None = None
    file_name: str | None = None
    passage_index: int | None = None
    start: int | None = None
    end: int | None = None
    headings: tuple[str, ...] = ()
    sender_iri: str | None = None
    sender_name: str | None = None
    actor_type: str | None = None
    date: str | None = None  # ISO date
    language: str | None = None  # "nb" | "nn"
    # Ids (not IRIs) of what the graph links to the passage / its document:
    recommendations: tuple[str, ...] = ()
    pilots: tuple[str, ...] = ()
    grant_schemes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    # Entities only: their reference id ("R2", "husbanken") and label.
    entity_id: str | None = None
    label: str | None = None
