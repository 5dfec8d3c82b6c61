"""Bounds on what reading one response file may cost: bytes, unzipped bytes, text, passages, seconds.

A response is untrusted input (uploads come from the network), so every reader checks these
limits *before* the expensive step they guard: the file size before reading it, the unzipped
size of a .docx before parsing its XML, the HTML tree depth before anything walks the tree, the
text length before segmenting it, and the clock between stages. A refusal is a
:class:`DocumentReadError`, so the batch goes on and nothing half-written stays.

Time is bounded twice. :meth:`Deadline.check` runs between stages and every few hundred blocks,
pages or passages; each Python stage is linear in its input (no super-linear regular
expressions) and its input is capped by the size limits, so the check stops it soon after the
deadline. That cannot interrupt C parsers, and lexbor's HTML5 tree builder is quadratic on some
hostile nesting, so ingest also reads each file in a child process that is killed at the
deadline and capped in memory (:mod:`ingest.sandbox`). The analysis after reading (linking,
stance with the in-process embedder) checks the same deadline between its stages.

``search_api.settings.Settings`` holds the same fields (``POLICYKG_MAX_FILE_BYTES`` ...) and builds
a :class:`ReadLimits` from them; ``ingest/`` never imports the settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import DocumentReadError

__all__ = ["DEFAULT_LIMITS", "Deadline", "ReadLimits", "human_bytes"]


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KB', 20971520 -> '20 MB' (binary units, as file managers show them)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" or n == int(n) else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover - the loop returns


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What one response file may cost. Defaults leave ample room: the largest development letter
    is 95 KB, 18,000 characters and 65 passages, and a 300-page report is about a million characters."""

    max_file_bytes: int = 20 * 1024 * 1024
    """Bytes on disk; checked before the file is read."""
    max_unzipped_bytes: int = 50 * 1024 * 1024
    """A .docx's parts once unzipped (python-docx holds every part in memory, lxml parses the XML)."""
    max_text_chars: int = 1_000_000
    """Characters of extracted text; checked before segmenting and again on the assembled text."""
    max_passages: int = 5_000
    """Passages of one letter; linking and stance work per passage."""
    max_seconds_per_file: float = 60.0
    """Wall-clock seconds for reading and analysing one letter."""
    max_html_depth: int = 400
    """Depth of the *parsed* HTML tree (HTML5 closes unclosed <p>/<li> itself); real pages nest a few dozen."""
    max_read_memory_bytes: int = 2 * 1024 * 1024 * 1024
    """Address space the reading child process may add (see :mod:`ingest.sandbox`)."""
    read_in_worker: bool = True
    """Read each file in a child process that is killed at the deadline (ingest does; tests may not)."""

    def deadline(self, path: Path | str) -> Deadline:
        """A clock for one file, started now."""
        return Deadline(Path(path), self)

    def refuse(self, path: Path | str, what: str, limit: str, todo: str) -> DocumentReadError:
        """The error for a file over a limit: what was found, which limit, and what to do."""
        setting = f"POLICYKG_{limit.upper()}"
        return DocumentReadError(
            path, f"{what}, over the {limit} limit ({self.describe(limit)}, setting {setting}); {todo}"
        )

    def describe(self, limit: str) -> str:
        value = getattr(self, limit)
        if limit.endswith("_bytes"):
            return human_bytes(value)
        if limit == "max_seconds_per_file":
            return f"{value:g} s"
        return f"{value:,}"


DEFAULT_LIMITS = ReadLimits()


@dataclass(slots=True)
class Deadline:
    """Wall-clock budget of one file; :meth:`check` raises once it is spent."""

    path: Path
    limits: ReadLimits
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, stage: str) -> None:
        """Raise :class:`DocumentReadError` when the letter has taken longer than ``max_seconds_per_file``."""
        elapsed = self.elapsed
        if elapsed > self.limits.max_seconds_per_file:
            raise self.limits.refuse(
                self.path,
                f"reading stopped after {elapsed:.1f} s ({stage})",
                "max_seconds_per_file",
                "split the file into smaller ones, or raise the limit if the machine is just slow",
            )
