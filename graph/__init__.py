"""graph: the RDF mapping, the graph store (embedded Oxigraph or a SPARQL 1.1 server) and SPARQL results.

The names below are what the package offers; each is imported from its module on first use
(PEP 562), so ``import graph`` stays cheap and a command that needs one part loads only that part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest._lazy import lazy_attribute

if TYPE_CHECKING:
    from graph.errors import (
        GraphError,
        QueryError,
        QueryForbiddenError,
        QueryTimeoutError,
        QueryTooComplexError,
        ResultTooLargeError,
        StoreConfigError,
        StoreUnavailableError,
        ValidationError,
    )
    from graph.iris import DEFAULT_BASE_IRI, IriMinter
    from graph.results import ExportFormat, QueryLimits, RawResult, Row, negotiate, render_result
    from graph.store import GraphStore, OxigraphStore, open_store

__all__ = [
    "DEFAULT_BASE_IRI",
    "ExportFormat",
    "GraphError",
    "GraphStore",
    "IriMinter",
    "OxigraphStore",
    "QueryError",
    "QueryForbiddenError",
    "QueryLimits",
    "QueryTimeoutError",
    "QueryTooComplexError",
    "RawResult",
    "ResultTooLargeError",
    "Row",
    "StoreConfigError",
    "StoreUnavailableError",
    "ValidationError",
    "negotiate",
    "open_store",
    "render_result",
]

_WHERE: dict[str, str] = {
    **dict.fromkeys(("GraphStore", "OxigraphStore", "open_store"), "graph.store"),
    **dict.fromkeys(
        ("ExportFormat", "QueryLimits", "RawResult", "Row", "negotiate", "render_result"), "graph.results"
    ),
    **dict.fromkeys(("DEFAULT_BASE_IRI", "IriMinter"), "graph.iris"),
    **dict.fromkeys(
        (
            "GraphError",
            "QueryError",
            "QueryForbiddenError",
            "QueryTimeoutError",
            "QueryTooComplexError",
            "ResultTooLargeError",
            "StoreConfigError",
            "StoreUnavailableError",
            "ValidationError",
        ),
        "graph.errors",
    ),
}


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _WHERE, name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
