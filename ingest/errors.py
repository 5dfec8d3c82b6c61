"""Exceptions raised by ``ingest/``.

Every policykg error derives from :class:`PolicykgError`; the CLI and the API turn
them into a message for a person (no traceback). Each carries enough context
(file, field) to say what is wrong and what to do.

    PolicykgError
    ├── InputError            (bad user input in general)
    │   ├── DocumentReadError (a file could not be read: empty, encrypted, corrupt ...)
    │   └── ReferenceDataError (reference YAML: unknown ids, duplicates, missing fields)
    └── EmbedderError         (an embedding backend could not be loaded or called)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DocumentReadError",
    "EmbedderError",
    "InputError",
    "PolicykgError",
    "ReferenceDataError",
]


class PolicykgError(Exception):
    """Base of every error policykg raises on purpose."""


class InputError(PolicykgError):
    """The user's input is wrong; the message says what to do."""


class DocumentReadError(InputError):
    """A response file could not be read."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ReferenceDataError(InputError):
    """Reference data (recommendations, actors, ...) is inconsistent."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class EmbedderError(PolicykgError):
    """An embedding backend could not be created or failed."""
