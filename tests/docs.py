"""Building small in-memory responses for unit tests (not a fixture: plain functions)."""

from __future__ import annotations

from pathlib import Path

from ingest.model import DocumentFormat, PassageKind, ResponseDocument, ResponseMetadata
from ingest.segment import Block, assemble

__all__ = ["make_doc"]


def make_doc(*paragraphs: str, sender: str | None = None, name: str = "brev.txt") -> ResponseDocument:
    """A document from paragraphs joined by blank lines, with exact offsets (the readers' own assembly)."""
    text, passages = assemble(Block(PassageKind.PARAGRAPH, p) for p in paragraphs)
    return ResponseDocument(
        path=Path(name),
        file_name=name,
        format=DocumentFormat.TXT,
        content_hash="0" * 64,
        text=text,
        metadata=ResponseMetadata(sender_name=sender),
        passages=passages,
    )
