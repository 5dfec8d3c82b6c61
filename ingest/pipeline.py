"""The pure part of ingest: one file in, one analysed :class:`ResponseDocument` out.

Read → segment → metadata (``readers``) → entity linking and sender (``linking``)
→ stance (``stance``) → campaign fingerprint (``campaign``). Nothing here touches a
store or an index, so evaluation commands can run it on any folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.campaign import text_fingerprint
from ingest.embedding import Embedder, Vectors
from ingest.errors import DocumentReadError
from ingest.limits import DEFAULT_LIMITS, Deadline, ReadLimits
from ingest.linking import EntityLinker
from ingest.model import ActorRef, ResponseDocument, ResponseType
from ingest.readers import SUPPORTED_SUFFIXES, read_response
from ingest.reference import ReferenceData
from ingest.sandbox import read_isolated
from ingest.stance import STANCE_EXTRACTOR_VERSION, StanceClassifier

__all__ = ["PIPELINE_VERSION", "Analyser", "discover_files", "ingest_key"]

# Bump when the analysis changes in a way that should re-ingest unchanged files.
# 4: the extractor's method is pkg:extractionMethod (it was pkg:note, now a reviewer's note only).
# 5: PDF bullets drawn as shapes open list items (passages of such PDFs change).
PIPELINE_VERSION = "5"

_SKIP_NAMES = {"readme.md", "readme.txt", "readme"}
_SKIP_DIRS = {"reference", "gold", ".git", "__pycache__"}


def ingest_key(content_hash: str, reference_hash: str) -> str:
    """What decides whether a file must be analysed again: its bytes, the reference data, the code."""
    parts = (content_hash, reference_hash, PIPELINE_VERSION, STANCE_EXTRACTOR_VERSION)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _hidden_reason(name: str) -> str:
    if name.startswith("._"):
        return "a macOS metadata file ('._' name), not a letter; delete it"
    return (
        "hidden file (the name starts with '.'), not read; rename it without the leading dot "
        "to ingest it, or move it out of the folder"
    )


def discover_files(paths: Iterable[Path], skipped: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """Response files under the given files or folders, sorted, skipping reference/gold/README.

    A folder that has a ``responses/`` subfolder is taken to be a corpus root. Hidden files
    (names starting with '.', e.g. ``..txt`` or a macOS ``._brev.docx``) in a folder are not read
    but listed in ``skipped`` with the reason, so the caller can say so; a file named on the
    command line is read whatever its name. Office lock files (``~$brev.docx``) are skipped silently.
    """
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            root = path / "responses" if (path / "responses").is_dir() else path
            candidates = []
            for p in sorted(root.rglob("*")):
                if (
                    not p.is_file()
                    or set(p.relative_to(root).parts[:-1]) & _SKIP_DIRS
                    or p.suffix.lower() not in SUPPORTED_SUFFIXES
                    or p.name.lower() in _SKIP_NAMES
                    or p.name.startswith("~$")
                ):
                    continue
                if p.name.startswith("."):
                    if skipped is not None:
                        skipped.append((p, _hidden_reason(p.name)))
                    continue
                candidates.append(p)
        elif path.exists():
            candidates = [path]
        else:
            continue  # the caller reports paths that do not exist
        for c in candidates:
            resolved = c.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield c


class _BudgetedEmbedder:
    """Embeds in small batches and checks the current letter's clock between them.

    One embedder call over a long letter can take minutes on a CPU; batching lets
    ``max_seconds_per_file`` stop the letter mid-stance rather than after it."""

    BATCH = 16

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.deadline: Deadline | None = None

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _batched(self, texts: list[str], embed: Callable[[list[str]], Vectors]) -> Vectors:
        if self.deadline is None or len(texts) <= self.BATCH:
            return embed(texts)
        parts = []
        for i in range(0, len(texts), self.BATCH):
            self.deadline.check("while embedding sentences for stance")
            parts.append(embed(texts[i : i + self.BATCH]))
        return np.concatenate(parts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._batched(texts, self.inner.embed_passages)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._batched(texts, self.inner.embed_queries)


@dataclass
class Analyser:
    """Holds what is expensive to build (alias tables, recommendation vectors) for a batch."""

    reference: ReferenceData
    embedder: Embedder | None = None
    limits: ReadLimits = field(default=DEFAULT_LIMITS)

    def __post_init__(self) -> None:
        self.linker = EntityLinker(self.reference)
        self._budgeted = _BudgetedEmbedder(self.embedder) if self.embedder is not None else None
        self.classifier = StanceClassifier(self.reference, self._budgeted)

    def analyse_path(self, path: Path) -> ResponseDocument:
        """Read and analyse one file within ``limits``; raises :class:`DocumentReadError` for
        unreadable input and for a file over a limit (including ``max_seconds_per_file`` for the whole)."""
        deadline = self.limits.deadline(path)
        if self.limits.read_in_worker:
            doc = read_isolated(path, self.limits, deadline)
        else:
            doc = read_response(path, self.limits, deadline)
        if not doc.passages:
            raise DocumentReadError(path, "no text found in the document; check that it is the right file")
        return self.analyse(doc, deadline)

    def analyse(self, doc: ResponseDocument, deadline: Deadline | None = None) -> ResponseDocument:
        """Links, sender, endorsements, positions and fingerprint; the clock is checked between stages
        (each stage is bounded by the passage and text limits the reader enforced)."""
        check = deadline.check if deadline is not None else (lambda stage: None)
        doc.mentions = self.linker.link(doc)
        check("after linking entities")
        sender = self.linker.resolve_sender(doc, doc.mentions)
        doc.sender = ActorRef(id=sender.id, name=sender.name, type=sender.type, known=sender.known)
        doc.endorsements = self.linker.endorsements(doc, doc.mentions)
        check("after finding the sender")
        if doc.metadata.response_type == ResponseType.WITHOUT_COMMENTS:
            doc.positions = []
        else:
            if self._budgeted is not None:
                self._budgeted.deadline = deadline
            try:
                doc.positions = self.classifier.classify(doc, sender_id=sender.id)
            finally:
                if self._budgeted is not None:
                    self._budgeted.deadline = None
        check("after reading the stances")
        doc.text_fingerprint = text_fingerprint(doc)
        return doc
