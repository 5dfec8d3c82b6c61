"""Readers: one response file in, a segmented :class:`ResponseDocument` with metadata out.

Formats: .txt (any encoding), .md, .html/.htm (incl. regjeringen.no høringssvar pages),
.pdf, .docx. Every library error becomes a :class:`DocumentReadError` that names the
file and says what to do; nothing else escapes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ingest._docx import docx_blocks
from ingest._html import html_blocks
from ingest._pdf import pdf_blocks
from ingest.errors import DocumentReadError
from ingest.metadata import apply_sidecar, extract_metadata, sidecar_path
from ingest.model import DocumentFormat, PassageKind, ResponseDocument
from ingest.segment import Block, assemble, blocks_from_lines

__all__ = ["SUPPORTED_SUFFIXES", "content_hash", "read_response"]

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})
_FORMATS = {
    ".txt": DocumentFormat.TXT,
    ".md": DocumentFormat.MD,
    ".markdown": DocumentFormat.MD,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".pdf": DocumentFormat.PDF,
    ".docx": DocumentFormat.DOCX,
}


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes and of its sidecar's, so editing either re-ingests the file."""
    digest = hashlib.sha256()
    try:
        digest.update(Path(path).read_bytes())
        side = sidecar_path(Path(path))
        if side.is_file():
            digest.update(b"\0sidecar\0" + side.read_bytes())
    except OSError as exc:
        raise DocumentReadError(
            path, f"cannot read the file ({exc.strerror}); check that it exists and is readable"
        ) from None
    return digest.hexdigest()


def read_response(path: Path) -> ResponseDocument:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise DocumentReadError(
            path,
            f"unsupported file type '{suffix or '(none)'}'; convert it to PDF, DOCX, HTML, Markdown or text",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentReadError(path, f"cannot read the file ({exc.strerror})") from None
    if not raw.strip():
        raise DocumentReadError(path, "the file is empty; check the export or ask the sender for a new copy")
    fmt = _FORMATS[suffix]
    html_fields: dict[str, str] = {}
    try:
        if fmt is DocumentFormat.TXT:
            blocks = blocks_from_lines(decode_text(raw, path).splitlines(), wrapped=False)
        elif fmt is DocumentFormat.MD:
            blocks = _markdown_blocks(decode_text(raw, path))
        elif fmt is DocumentFormat.HTML:
            blocks, html_fields = html_blocks(raw, path)
        elif fmt is DocumentFormat.PDF:
            blocks = pdf_blocks(raw, path)
        else:
            blocks = docx_blocks(path)
    except DocumentReadError:
        raise
    except RecursionError:
        raise DocumentReadError(
            path, "the document is nested too deeply to read; it looks broken or hostile"
        ) from None
    except Exception as exc:  # library errors on corrupt input: name them, don't crash the batch
        raise DocumentReadError(
            path,
            f"the {fmt.value.upper()} file is damaged or not what its name says ({type(exc).__name__}: {exc})",
        ) from None
    text, passages = assemble(blocks)
    if not passages:
        raise DocumentReadError(
            path,
            "no text found in the document; check that it is the full letter (a scanned image needs OCR first)",
        )
    metadata = extract_metadata(text, passages, html_fields=html_fields)
    metadata = apply_sidecar(path, metadata)
    return ResponseDocument(
        path=path,
        file_name=path.name,
        format=fmt,
        content_hash=content_hash(path),
        text=text,
        metadata=metadata,
        passages=passages,
    )


# -- text --------------------------------------------------------------------------------------
def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) first; otherwise the detected legacy encoding (cp1252/latin-1)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw, cp_isolation=["cp1252", "latin_1", "iso8859_15", "utf_16"]).best()
        text = str(best) if best is not None else raw.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise DocumentReadError(
            path, "the file contains binary data, not text; check that it is the right file"
        )
    return text


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\n\t\f") or 0x7F <= ord(ch) < 0xA0 or ch == "\ufffd"
    )
    # Unusual letters (outside Latin-1 and common punctuation) are a second sign of noise decoded as text.
    odd = sum(1 for ch in sample if ord(ch) > 0x24F and ch not in "–—‘’“”«»•…€‰§")
    return bool(sample) and (bad + odd) / len(sample) > 0.05


# -- markdown ------------------------------------------------------------------------------------
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Emphasis only where a delimiter stands at a word edge: "snake_case_name" and "5*3*2" stay as written.
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text.replace("`", "")


def _markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            # Markdown marks its headings with '#': no guessing from line shape here.
            lines = [_md_inline(_MD_QUOTE.sub("", c)) for c in chunk]
            blocks.extend(blocks_from_lines(lines, wrapped=False, headings=False))
            chunk.clear()

    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block(PassageKind.HEADING, _md_inline(heading.group(2)), len(heading.group(1))))
        elif re.match(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", line):
            flush()
        else:
            chunk.append(line)
    flush()
    return blocks
