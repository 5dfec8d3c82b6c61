"""The pure part of ingest: one file in, one analysed :class:`ResponseDocument` out.

Read → segment → metadata (``readers``) → entity linking and sender (``linking``)
→ stance (``stance``) → campaign fingerprint (``campaign``). Nothing here touches a
store or an index, so evaluation commands can run it on any folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.campaign import text_fingerprint
from ingest.embedding import Embedder
from ingest.errors import DocumentReadError
from ingest.linking import EntityLinker
from ingest.model import ActorRef, ResponseDocument, ResponseType
from ingest.readers import SUPPORTED_SUFFIXES, read_response
from ingest.reference import ReferenceData
from ingest.stance import STANCE_EXTRACTOR_VERSION, StanceClassifier

__all__ = ["PIPELINE_VERSION", "Analyser", "discover_files", "ingest_key"]

# Bump when the analysis changes in a way that should re-ingest unchanged files.
PIPELINE_VERSION = "2"

_SKIP_NAMES = {"readme.md", "readme.txt", "readme"}
_SKIP_DIRS = {"reference", "gold", ".git", "__pycache__"}


def ingest_key(content_hash: str, reference_hash: str) -> str:
    """What decides whether a file must be analysed again: its bytes, the reference data, the code."""
    parts = (content_hash, reference_hash, PIPELINE_VERSION, STANCE_EXTRACTOR_VERSION)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def discover_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Response files under the given files or folders, sorted, skipping reference/gold/README.

    A folder that has a ``responses/`` subfolder is taken to be a corpus root.
    """
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            root = path / "responses" if (path / "responses").is_dir() else path
            candidates = sorted(
                p
                for p in root.rglob("*")
                if p.is_file()
                and not (set(p.relative_to(root).parts[:-1]) & _SKIP_DIRS)
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and p.name.lower() not in _SKIP_NAMES
                and not p.name.startswith(".")
            )
        elif path.exists():
            candidates = [path]
        else:
            continue  # the caller reports paths that do not exist
        for c in candidates:
            resolved = c.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield c


@dataclass
class Analyser:
    """Holds what is expensive to build (alias tables, recommendation vectors) for a batch."""

    reference: ReferenceData
    embedder: Embedder | None = None

    def __post_init__(self) -> None:
        self.linker = EntityLinker(self.reference)
        self.classifier = StanceClassifier(self.reference, self.embedder)

    def analyse_path(self, path: Path) -> ResponseDocument:
        """Read and analyse one file; raises :class:`DocumentReadError` for unreadable input."""
        doc = read_response(path)
        if not doc.passages:
            raise DocumentReadError(path, "no text found in the document; check that it is the right file")
        return self.analyse(doc)

    def analyse(self, doc: ResponseDocument) -> ResponseDocument:
        doc.mentions = self.linker.link(doc)
        sender = self.linker.resolve_sender(doc, doc.mentions)
        doc.sender = ActorRef(id=sender.id, name=sender.name, type=sender.type, known=sender.known)
        doc.endorsements = self.linker.endorsements(doc, doc.mentions)
        if doc.metadata.response_type == ResponseType.WITHOUT_COMMENTS:
            doc.positions = []
        else:
            doc.positions = self.classifier.classify(doc, sender_id=sender.id)
        doc.text_fingerprint = text_fingerprint(doc)
        return doc
