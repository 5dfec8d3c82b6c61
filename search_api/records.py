"""What the service answers, as typed records: the CLI prints them, the API's response models are built
from them (:mod:`search_api.api.models` uses these classes as its field types), so each field is
declared once and serialised one way (:func:`to_json`, pydantic's dataclass serialiser).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, SerializerFunctionWrapHandler, TypeAdapter, WithJsonSchema, model_serializer

from graph.records import Position
from ingest.model import STANCES

if TYPE_CHECKING:  # search pulls in qdrant-client
    from search_api.search import Hit

__all__ = [
    "Answer",
    "AskHit",
    "AskLink",
    "ByReferencePosition",
    "IndexCheck",
    "PositionQuote",
    "PositionsAnswer",
    "RecommendationDetail",
    "RecommendationLink",
    "StanceCounts",
    "TextCounts",
    "Trace",
    "to_json",
]


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def to_json(record: Any) -> Any:
    """A record as JSON-ready data (dicts, lists, strings, numbers), fields in declaration order."""
    cls = type(record)
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter.dump_python(record, mode="json")


# -- trace ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextCounts:
    """Positions counted per response and per distinct text (campaign letters count once)."""

    responses: int
    distinct_texts: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ByReferencePosition:
    """A position held through an endorsement ("Vi slutter oss til høringssvaret fra X"): X's stance on the
    proposal, marked ``by_reference``, with the sentence where the sender adopts X's response."""

    actor: str
    actor_iri: str
    actor_type: str
    document: str
    stance: str
    by_reference: bool = True
    endorses: str
    endorses_iri: str
    endorsed_document: str
    quote: str  # what the endorsed body says
    endorsement_quote: str  # where the sender adopts it
    with_reservation: bool = False  # adopted with exceptions ("med ett unntak")
    passage_iri: str | None = None
    start: int | None = None
    end: int | None = None
    own_stance: str | None = None  # what the endorsing letter says itself, if anything


@dataclass(frozen=True, slots=True)
class Trace:
    """Every effective position on one proposal (``policykg trace --json``, ``GET /recommendations/{id}``)."""

    target: str
    title: str
    kind: str
    text: str | None
    positions: list[Position]
    by_reference: list[ByReferencePosition]
    counts: dict[str, TextCounts]  # per stance; by_reference positions are not counted


# Positions per stance: every stance present (0 when none), in ingest.model.STANCES order.
StanceCounts = Annotated[
    dict[str, int],
    WithJsonSchema(
        {
            "title": "StanceCounts",
            "type": "object",
            "properties": {s: {"type": "integer", "minimum": 0} for s in STANCES},
            "required": list(STANCES),
            "additionalProperties": False,
        }
    ),
]
_DETAIL_KEYS = ("target", "title", "kind", "text", "stance_counts", "counts", "positions", "by_reference")


@dataclass(frozen=True, slots=True)
class RecommendationDetail(Trace):
    """``GET /recommendations/{id}``: the trace with its positions counted per stance."""

    stance_counts: StanceCounts

    @classmethod
    def of(cls, trace: Trace) -> RecommendationDetail:
        counts = Counter(p.stance for p in trace.positions)
        head = (trace.target, trace.title, trace.kind, trace.text, trace.positions, trace.by_reference)
        return cls(*head, trace.counts, {s: counts[s] for s in STANCES})

    # No return annotation: pydantic then keeps the fields' schema for the response (with one it
    # would document the annotation instead). The API has always sent the counts after the text.
    @model_serializer(mode="wrap")
    def _in_api_order(self, handler: SerializerFunctionWrapHandler):
        out = handler(self)
        return {k: out[k] for k in _DETAIL_KEYS}


# -- ask --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AskLink:
    """A pilot or grant scheme the hit's passage names."""

    kind: Annotated[str, Field(description="recommendation | pilot | grant-scheme")]
    id: str


@dataclass(frozen=True, slots=True)
class RecommendationLink(AskLink):
    """A proposal the hit's letter takes a position on, with that position's stance (None: rejected)."""

    stance: str | None = None


@dataclass(frozen=True, slots=True)
class AskHit:
    """One search hit with what the graph links to it."""

    # The view of a search_api.search.Hit (an index item with its score), built by AskHit.of: its
    # names are the reader's (document, actor), not the index payload's (file_name, sender_name).

    document: Annotated[str | None, Field(description="The response's file name.")]
    document_iri: str | None
    passage_iri: str
    kind: str
    text: str
    score: float
    actor: str | None = None
    actor_iri: str | None = None
    actor_type: str | None = None
    date: str | None = None
    language: str | None = None
    start: int | None = None
    end: int | None = None
    entity_id: str | None = None
    links: list[RecommendationLink | AskLink] = field(default_factory=list)
    why: Annotated[
        list[str],
        Field(
            description="What found the hit: text (meaning), words (exact terms), actor (the sender the "
            "question names)"
        ),
    ] = field(default_factory=list)

    @classmethod
    def of(cls, hit: Hit, stances: Mapping[str, str | None]) -> AskHit:
        """The view of ``hit``; ``stances`` holds its letter's stance per proposal id (absent: none)."""
        links: list[RecommendationLink | AskLink] = [
            RecommendationLink("recommendation", rec, stances.get(rec)) for rec in hit.recommendations
        ]
        links += [AskLink("pilot", p) for p in hit.pilots]
        links += [AskLink("grant-scheme", g) for g in hit.grant_schemes]
        return cls(
            document=hit.file_name,
            document_iri=hit.document_iri,
            passage_iri=hit.passage_iri or hit.iri,
            kind=hit.kind,
            text=hit.text,
            score=round(float(hit.score), 6),
            actor=hit.sender_name,
            actor_iri=hit.sender_iri,
            actor_type=hit.actor_type,
            date=hit.date,
            language=hit.language,
            start=hit.start,
            end=hit.end,
            entity_id=hit.entity_id,
            links=links,
            why=list(hit.why),
        )


@dataclass(frozen=True, slots=True)
class PositionQuote:
    """A position in a "who supports ..." answer: who said it, where, and the quote."""

    actor: str
    actor_iri: str
    document: str
    quote: str
    passage_iri: str | None
    start: int | None
    end: int | None

    @classmethod
    def of(cls, p: Position) -> PositionQuote:
        return cls(p.actor, p.actor_iri, p.document, p.quote, p.passage_iri, p.start, p.end)


@dataclass(frozen=True, slots=True)
class PositionsAnswer:
    """For "Hvem støtter / who opposes ..." about a proposal: the graph's positions on it, by stance
    (the asked one first), each with its actor, document and quote."""

    proposal: str
    title: str
    asked: str | None
    by_stance: dict[str, list[PositionQuote]]


@dataclass(frozen=True, slots=True)
class Answer:
    """``policykg ask --json`` and ``/ask``."""

    question: str
    hits: list[AskHit]
    index_warning: Annotated[
        str | None,
        Field(description="Set when the search index is behind the graph (answers may miss documents)."),
    ] = None
    positions: PositionsAnswer | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON, without ``positions`` when the question asks for none (as the CLI has always printed)."""
        out: dict[str, Any] = to_json(self)
        if out["positions"] is None:
            del out["positions"]
        return out


# -- index ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class IndexCheck:
    """``policykg check``: what the index lacks, what it holds for nothing, graphs not in step."""

    missing_from_index: list[str]
    orphan_points: list[str]
    stale_graphs: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing_from_index or self.orphan_points or self.stale_graphs)
