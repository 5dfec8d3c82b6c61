"""The stance matrix and the hearing summary as typed records.

:func:`search_api.report.summary.build_matrix` and ``build_summary`` return these; the renderers
(DOCX, XLSX, CSV, HTML, Markdown, the heatmap), the CLI and the API read their attributes, and
``to_json()`` is the one JSON form (``matrix --format json``, ``report --format json``, ``GET /matrix``,
``GET /report?format=json``). The API's ``/matrix`` documents :class:`Matrix` as its response model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from graph.coverage import Coverage
from search_api.records import to_json

__all__ = [
    "Hearing",
    "Matrix",
    "MatrixCell",
    "MatrixCount",
    "MatrixProposal",
    "MatrixRow",
    "ProposalCampaign",
    "ProposalSummary",
    "Quote",
    "ReviewItem",
    "Summary",
]


# -- the matrix -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MatrixCell:
    """A letter's effective position on one proposal."""

    stance: str
    quote: str
    confidence: float | None
    curated: bool
    reviewer: str | None
    review: Annotated[bool, Field(description="Automatic and below review_below: a person should check it.")]


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One response letter and its positions."""

    document: str
    actor: str
    actor_iri: str
    actor_type: str
    actor_type_label: str
    campaign: Annotated[
        str, Field(description="First file of the letter's near-identical group (itself when alone).")
    ]
    curated: int  # curated positions in the row
    cells: Annotated[dict[str, MatrixCell], Field(description="Proposal id -> the letter's position on it.")]


@dataclass(frozen=True, slots=True)
class MatrixProposal:
    """A column of the matrix: a recommendation or assessment."""

    id: str
    title: str
    kind: str


@dataclass(frozen=True, slots=True)
class MatrixCount:
    """Positions of one actor type with one stance on one proposal (campaign letters: one text)."""

    proposal: str
    actor_type: str
    stance: str
    responses: int
    distinct_texts: int


@dataclass(frozen=True, slots=True)
class Matrix:
    """Letters × proposals with stance, quote, confidence and curation; counts by actor type and stance."""

    proposals: list[MatrixProposal]
    rows: list[MatrixRow]
    counts: list[MatrixCount]
    review_below: float

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = to_json(self)
        return out


# -- the summary ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Hearing:
    id: str | None
    title: str | None
    report_title: str | None


@dataclass(frozen=True, slots=True)
class ProposalCampaign:
    """Letters of one near-identical group taking one stance on a proposal."""

    stance: str
    documents: list[str]
    actors: list[str]


@dataclass(frozen=True, slots=True)
class Quote:
    """The quote shown for a (stance, actor type) of a proposal: curated first, then the most confident."""

    stance: str
    actor_type: str
    actor: str
    document: str
    quote: str
    confidence: float | None
    curated: bool


@dataclass(frozen=True, slots=True)
class ProposalSummary:
    """One proposal's section: counts, who said what, campaigns, quotes and the draft paragraph."""

    id: str
    title: str
    kind: str
    total: int
    distinct_texts: int
    counts: dict[str, dict[str, int]]  # stance -> actor type -> positions (stances with any)
    stance_totals: dict[str, int]  # every stance
    respondents: dict[str, list[str]]  # stance -> sender names
    campaigns: list[ProposalCampaign]
    quotes: list[Quote]
    to_review: int
    paragraph: str = ""  # filled by search_api.report.norwegian.paragraph from the fields above


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """An automatic position below the review threshold."""

    proposal: str
    document: str
    actor: str
    stance: str
    confidence: float | None


@dataclass(frozen=True, slots=True)
class Summary:
    """The structured summary behind every report format (``GET /report?format=json``)."""

    hearing: Hearing
    respondents: int
    distinct_texts: int
    campaigns: list[list[str]]  # near-identical letter groups (file names), first file first
    review_below: float
    to_review: int
    review: list[ReviewItem]
    stance_labels: dict[str, str]
    actor_type_labels: dict[str, str]
    proposals: list[ProposalSummary]
    coverage: Coverage

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = to_json(self)
        return out
