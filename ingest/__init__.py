"""ingest: pure functions from files to analysed responses (readers, segmentation, metadata, reference data, linking, stance, embedders).

The names below are what the package offers; each is imported from its module on first use
(PEP 562), so ``import ingest`` stays cheap and a command that needs one part loads only that part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest._lazy import lazy_attribute

if TYPE_CHECKING:
    from ingest.embedding import Embedder, create_embedder
    from ingest.errors import DocumentReadError, EmbedderError, InputError, PolicykgError, ReferenceDataError
    from ingest.model import ActorType, Passage, Position, ResponseDocument
    from ingest.pipeline import Analyser, discover_files
    from ingest.readers import read_response
    from ingest.reference import ReferenceData, load_reference

__all__ = [
    "ActorType",
    "Analyser",
    "DocumentReadError",
    "Embedder",
    "EmbedderError",
    "InputError",
    "Passage",
    "PolicykgError",
    "Position",
    "ReferenceData",
    "ReferenceDataError",
    "ResponseDocument",
    "create_embedder",
    "discover_files",
    "load_reference",
    "read_response",
]

_WHERE: dict[str, str] = {
    **dict.fromkeys(("read_response",), "ingest.readers"),
    **dict.fromkeys(("ReferenceData", "load_reference"), "ingest.reference"),
    **dict.fromkeys(("Analyser", "discover_files"), "ingest.pipeline"),
    **dict.fromkeys(("ActorType", "Passage", "Position", "ResponseDocument"), "ingest.model"),
    **dict.fromkeys(("Embedder", "create_embedder"), "ingest.embedding"),
    **dict.fromkeys(
        ("DocumentReadError", "EmbedderError", "InputError", "PolicykgError", "ReferenceDataError"),
        "ingest.errors",
    ),
}


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _WHERE, name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
