"""Exceptions raised by ``graph/``.

PolicykgError (ingest.errors)
└── GraphError                 (anything the graph layer refuses or fails at)
    ├── StoreConfigError       (ambiguous or missing store settings)
    ├── StoreUnavailableError  (the store cannot be opened or reached: locked, server down)
    ├── QueryError             (a SPARQL query is malformed or refused)
    │   ├── QueryTimeoutError  (ran longer than the configured timeout)
    │   ├── ResultTooLargeError (more rows than the configured cap)
    │   ├── QueryTooComplexError (longer, deeper or with more operators than the limits)
    │   └── QueryForbiddenError (SERVICE or an update, which the store never runs for a caller)
    └── ValidationError        (a document's triples fail the SHACL shapes)
"""

from __future__ import annotations

from ingest.errors import PolicykgError

__all__ = [
    "GraphError",
    "QueryError",
    "QueryForbiddenError",
    "QueryTimeoutError",
    "QueryTooComplexError",
    "ResultTooLargeError",
    "StoreConfigError",
    "StoreUnavailableError",
    "ValidationError",
]


class GraphError(PolicykgError):
    """Base of the graph layer's errors."""


class StoreConfigError(GraphError):
    """The store settings are ambiguous or incomplete."""


class StoreUnavailableError(GraphError):
    """The store cannot be opened (locked by another process, server unreachable, ...)."""


class QueryError(GraphError):
    """A SPARQL query is malformed, or refused (e.g. an update on the read-only endpoint)."""


class QueryTimeoutError(QueryError):
    """A query ran longer than the configured timeout."""


class ResultTooLargeError(QueryError):
    """A query returned more rows than the configured cap."""


class QueryTooComplexError(QueryError):
    """The query is longer, deeper or has more operators than the configured limits."""


class QueryForbiddenError(QueryError):
    """The query asks for something this store never does for a caller (SERVICE, any update)."""


class ValidationError(GraphError):
    """A document's triples do not conform to the SHACL shapes."""

    def __init__(self, subject: str, report: str) -> None:
        self.subject = subject
        self.report = report
        super().__init__(f"{subject}: does not conform to the policykg shapes:\n{report}")
