"""Response and request models: every route declares one, so the OpenAPI schema is exact."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, WithJsonSchema

from graph.curation import CURATION_STANCES
from graph.records import Position
from ingest.model import ActorType
from search_api.sync import IndexHealth

__all__ = [
    "AskRequest",
    "CurationOut",
    "CurationRequest",
    "ErrorOut",
    "HealthOut",
    "SparqlHealthOut",
]


def _curation_stance(value: str) -> str:
    if value not in CURATION_STANCES:
        raise ValueError(f"unknown stance '{value}'; use one of: {', '.join(CURATION_STANCES)}")
    return value


# The vocabulary is ingest.model.Stance (and graph.curation's "rejected"); these types only carry it.
CurationStance = Annotated[
    str, AfterValidator(_curation_stance), WithJsonSchema({"type": "string", "enum": list(CURATION_STANCES)})
]


class ErrorOut(BaseModel):
    """Every error: a message a person can act on, and details for programs."""

    error: str = Field(description="What went wrong and what to do about it.")
    detail: Any | None = Field(default=None, description="Structured details (ids, limits, field errors).")


class SparqlHealthOut(BaseModel):
    slots: int = Field(description="SPARQL queries that may run at once.")
    busy: int = Field(description="Slots taken right now.")
    workers: int = Field(
        description="Live query worker processes (0 while none started, or on a remote store)."
    )
    replaced: int = Field(description="Workers killed at a query's deadline (or found dead) and replaced.")


class HealthOut(BaseModel):
    status: Literal["ok", "busy", "degraded"] = Field(
        description="ok; busy: every SPARQL slot is taken (queries get 503 until one frees); "
        "degraded: the search index is behind the graph or cannot be read (see problems)."
    )
    named_graphs: int
    writes_enabled: bool
    sparql: SparqlHealthOut
    index: IndexHealth | None = Field(
        default=None, description="The index against the graph (in_step, behind, gone); null when unknown."
    )
    problems: list[str] = Field(default_factory=list, description="What is wrong, for people.")


# -- ask ------------------------------------------------------------------------------------------
class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        max_length=2000,
        validation_alias=AliasChoices("question", "q"),
        description="A question in bokmål, nynorsk or English.",
    )
    top_k: int = Field(default=10, ge=1, le=100)
    actor_type: ActorType | None = None
    recommendation: str | None = Field(default=None, max_length=100, description="e.g. R2")
    language: Literal["nb", "nn"] | None = None
    file_name: str | None = Field(default=None, max_length=255, description="Only this response.")


# -- curation ---------------------------------------------------------------------------------------
class CurationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(min_length=1, max_length=100, description="Recommendation id, e.g. R2.")
    document: str = Field(min_length=1, max_length=255, description="The response's file name.")
    stance: CurationStance
    reviewer: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=5000)
    quote: str | None = Field(default=None, max_length=5000)


class CurationOut(BaseModel):
    recorded: int
    position: Position | None = Field(description="The position now in effect (None when rejected).")
