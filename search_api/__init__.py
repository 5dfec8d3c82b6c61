"""search_api: the index, hybrid search, the service facade (:class:`PolicyKG`), the CLI and the HTTP API.

The names below are what the package offers; each is imported from its module on first use
(PEP 562), so ``import search_api`` stays cheap and a command that needs one part loads only that part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest._lazy import lazy_attribute

if TYPE_CHECKING:
    from search_api.errors import (
        EmbedderMismatchError,
        IndexConfigError,
        IndexUnavailableError,
        QueueFullError,
        SearchError,
        SearchQueryError,
    )
    from search_api.service import FileFailure, IngestReport, PolicyKG
    from search_api.settings import Settings

__all__ = [
    "EmbedderMismatchError",
    "FileFailure",
    "IndexConfigError",
    "IndexUnavailableError",
    "IngestReport",
    "PolicyKG",
    "QueueFullError",
    "SearchError",
    "SearchQueryError",
    "Settings",
]

_WHERE: dict[str, str] = {
    **dict.fromkeys(("FileFailure", "IngestReport", "PolicyKG"), "search_api.service"),
    **dict.fromkeys(("Settings",), "search_api.settings"),
    **dict.fromkeys(
        (
            "EmbedderMismatchError",
            "IndexConfigError",
            "IndexUnavailableError",
            "QueueFullError",
            "SearchError",
            "SearchQueryError",
        ),
        "search_api.errors",
    ),
}


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _WHERE, name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
