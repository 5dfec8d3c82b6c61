"""Plain records that ``graph/`` hands to the layers above it (no RDF terms leak out)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Agreement",
    "Bridge",
    "Centrality",
    "CentralityNode",
    "Coalition",
    "CoalitionMember",
    "Coalitions",
    "GraphStats",
    "IndexItem",
    "Position",
    "PositionRow",
    "Proposal",
    "SharedStance",
    "TargetPosition",
    "TypePair",
]


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


@dataclass(frozen=True, slots=True)
class Proposal:
    """A recommendation or assessment the hearing asks about."""

    id: str
    iri: str
    kind: str  # recommendation | assessment
    title: str
    text: str | None
    chapter: str | None


@dataclass(frozen=True, slots=True)
class Position:
    """One effective position on a proposal (curated ones win): who, in which letter, which stance, the quote.

    These fields are the JSON of a position in ``policykg trace --json`` and the API; the subclasses add
    the proposal (:class:`TargetPosition`) and the document's IRI (:class:`PositionRow`, what the
    positions query returns), so each field is declared once and each view is a class.
    """

    actor: str
    actor_iri: str
    actor_type: str
    document: str  # file name
    stance: str
    quote: str
    confidence: float | None
    curated: bool
    reviewer: str | None = None
    note: str | None = None  # a reviewer's (curated positions only)
    method: str | None = None  # how the extractor found it (automatic positions only)
    passage_iri: str | None = None
    start: int | None = None
    end: int | None = None
    campaign: str | None = None  # first file of the group of responses sharing this text (trace only)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetPosition(Position):
    """A position with its proposal: the positions of an actor or a document."""

    target: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionRow(TargetPosition):
    """A row of :func:`graph.queries.positions`."""

    document_iri: str


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Counts for ``policykg stats``."""

    responses: int
    passages: int
    proposals: int
    actors: int
    grant_schemes: int
    pilots: int
    responses_by_actor_type: dict[str, int]
    positions_by_stance: dict[str, int]
    named_graphs: int


# -- analyses (graph.analytics) ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CoalitionMember:
    actor: str
    actor_iri: str
    actor_type: str | None


@dataclass(frozen=True, slots=True)
class SharedStance:
    """A stance on a proposal held by ``members`` of a coalition's members."""

    proposal: str
    stance: str
    members: int


@dataclass(frozen=True, slots=True)
class Coalition:
    id: int
    members: list[CoalitionMember]
    shared: list[SharedStance]  # stances held by at least two members (or by the only member)
    cohesion: float  # share of member pairs that agree on balance (1.0: every pair is linked)


@dataclass(frozen=True, slots=True)
class Coalitions:
    method: str
    seed: int
    resolution: float
    coalitions: list[Coalition]


@dataclass(frozen=True, slots=True)
class CentralityNode:
    id: str
    label: str
    type: str
    actor_type: str | None
    degree: int
    degree_centrality: float
    betweenness: float
    articulation_point: bool
    regions: list[str]  # an actor's pilots' regions


@dataclass(frozen=True, slots=True)
class Bridge:
    a: str
    b: str
    a_label: str
    b_label: str


@dataclass(frozen=True, slots=True)
class Centrality:
    network: str
    nodes: list[CentralityNode]
    bridges: list[Bridge]
    articulation_points: list[str]
    components: int


@dataclass(frozen=True, slots=True)
class TypePair:
    """Letters of actor types ``a`` and ``b`` on the same proposal: how many pairs agree."""

    a: str
    b: str
    agree: int
    disagree: int
    pairs: int
    share: float


@dataclass(frozen=True, slots=True)
class Agreement:
    types: list[str]
    pairs: list[TypePair]
