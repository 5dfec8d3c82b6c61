"""The records that flow out of ``ingest/``: plain, immutable data, no RDF.

Everything here is produced by pure functions (readers, segmenter, linker, stance
classifier) and consumed by ``graph.mapping``, which turns it into triples.
Offsets are always character offsets into :attr:`ResponseDocument.text`, the
normalised text of the document, so a quote can be pointed to exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

__all__ = [
    "REJECTED",
    "STANCES",
    "ActorRef",
    "ActorType",
    "DocumentFormat",
    "Endorsement",
    "EntityKind",
    "Mention",
    "Passage",
    "PassageKind",
    "Position",
    "ResponseDocument",
    "ResponseMetadata",
    "ResponseType",
    "Stance",
]


class DocumentFormat(StrEnum):
    TXT = "txt"
    MD = "md"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class ResponseType(StrEnum):
    """regjeringen.no's «Svartype»."""

    WITH_COMMENTS = "med-merknad"
    WITHOUT_COMMENTS = "uten-merknad"


class ActorType(StrEnum):
    MINISTRY = "ministry"
    COMMISSION = "commission"
    STATE_AGENCY = "state-agency"
    COUNTY_GOVERNOR = "county-governor"
    COUNTY = "county"
    MUNICIPALITY = "municipality"
    MUNICIPAL_GROUP = "municipal-group"
    INTEREST_ORGANISATION = "interest-organisation"
    UNION = "union"
    RESEARCH = "research"
    OTHER = "other"


class EntityKind(StrEnum):
    ACTOR = "actor"
    PILOT = "pilot"
    GRANT_SCHEME = "grant_scheme"


class Stance(StrEnum):
    SUPPORTS = "supports"
    QUALIFIED = "qualified"  # supports with reservations or conditions
    OPPOSES = "opposes"
    MENTIONS = "mentions"  # discussed without taking a position


# The stance values as plain strings, in the order every table, report and count lists them.
STANCES: tuple[str, ...] = tuple(s.value for s in Stance)
# A reviewer's decision that a letter takes no position on a proposal (curation only, never extracted).
REJECTED = "rejected"


class PassageKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list-item"


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph, list item or heading, with offsets into the document text.

    ``text == document.text[start:end]`` always holds.
    """

    index: int
    start: int
    end: int
    text: str
    kind: PassageKind = PassageKind.PARAGRAPH
    # Headings above this passage, outermost first ("3. Samordnet statlig styring", "3.1 ...").
    headings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseMetadata:
    """What the letter says about itself; every field may be missing."""

    sender_name: str | None = None
    date: date | None = None
    our_reference: str | None = None  # «Vår referanse»: the sender's case number
    their_reference: str | None = None  # «Deres referanse» / «Dykkar referanse»
    addressee: str | None = None
    response_type: ResponseType | None = None
    language: str | None = None  # "nb" or "nn"
    title: str | None = None
    # Overrides from a sidecar <file>.meta.yaml (actor id, actor type) when given.
    actor_id: str | None = None
    actor_type: ActorType | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a known or newly found entity in a passage."""

    passage_index: int
    start: int  # document offsets
    end: int
    surface: str  # exactly as written
    entity_id: str
    kind: EntityKind
    score: float = 1.0  # 1.0 exact alias match, lower for fuzzy matches
    # For actors found but not in the reference data ("Lia kommune"): their type and name.
    new_actor_type: ActorType | None = None
    new_actor_name: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """The response's stance on one recommendation or assessment, with evidence."""

    target_id: str  # "R1" ... "V1"
    stance: Stance
    passage_index: int
    quote_start: int  # document offsets of the best evidence quote
    quote_end: int
    quote: str
    confidence: float
    method: str  # how it was found, e.g. "explicit-reference+cue-lexicon"


@dataclass(frozen=True, slots=True)
class Endorsement:
    """The response adopts another body's response ("Vi slutter oss til høringssvaret fra KS").

    Not a position on any proposal: the sender holds that body's positions by reference, and
    says so here. ``actor_id`` is a reference actor's id or the slug of a body found in the letter.
    """

    actor_id: str
    actor_name: str
    passage_index: int
    start: int  # document offsets of the endorsing sentence
    end: int
    quote: str
    known: bool = True  # the endorsed body is in the reference data
    reservation: bool = False  # adopted with exceptions ("med ett unntak")


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as the graph needs it: from the reference data (``known``) or found in a letter."""

    id: str
    name: str
    type: ActorType
    known: bool


@dataclass(slots=True)
class ResponseDocument:
    """A consultation response after reading, segmentation and analysis."""

    path: Path
    file_name: str
    format: DocumentFormat
    content_hash: str  # sha256 of the raw bytes (and sidecar, if any)
    text: str  # normalised text: "\n" line ends, NFC, no trailing spaces
    metadata: ResponseMetadata
    passages: list[Passage] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    # Other bodies' responses this one adopts as its own (held by reference, not stated here).
    endorsements: list[Endorsement] = field(default_factory=list)
    sender: ActorRef | None = None
    # Stable id of the near-duplicate group this text belongs to (campaign texts).
    text_fingerprint: str | None = None
