"""Readers: one response file in, a segmented :class:`ResponseDocument` with metadata out.

Formats: .txt (any encoding), .md, .html/.htm (incl. regjeringen.no høringssvar pages),
.pdf, .docx. Every library error becomes a :class:`DocumentReadError` that names the
file and says what to do; nothing else escapes.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from ingest._docx import docx_blocks
from ingest._html import html_blocks
from ingest._markdown import markdown_blocks
from ingest._pdf import pdf_blocks
from ingest.errors import DocumentReadError
from ingest.limits import DEFAULT_LIMITS, Deadline, ReadLimits, human_bytes
from ingest.metadata import apply_sidecar, extract_metadata, sidecar_path
from ingest.model import DocumentFormat, ResponseDocument
from ingest.segment import assemble, blocks_from_lines

__all__ = ["MAX_NAME_BYTES", "SUPPORTED_SUFFIXES", "content_hash", "read_response", "sidecar_of"]

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


# Most file systems allow 255 bytes per name; "<name>.meta.yaml" adds 10.
MAX_NAME_BYTES = 255


def sidecar_of(path: Path) -> Path | None:
    """The sidecar ``<name>.meta.yaml`` when it exists; None when absent or when its name would be
    too long for the file system (then it cannot exist, and asking would raise ENAMETOOLONG)."""
    side = sidecar_path(Path(path))
    if len(os.fsencode(side.name)) > MAX_NAME_BYTES:
        return None
    try:
        return side if side.is_file() else None
    except OSError:
        return None


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes and of its sidecar's, so editing either re-ingests the file.

    Read in chunks: the hash is taken before any size limit is checked, so it must not load the file."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        side = sidecar_of(Path(path))
        if side is not None:
            digest.update(b"\0sidecar\0" + side.read_bytes())
    except OSError as exc:
        raise DocumentReadError(
            path, f"cannot read the file ({exc.strerror}); check that it exists and is readable"
        ) from None
    return digest.hexdigest()


def read_response(
    path: Path, limits: ReadLimits = DEFAULT_LIMITS, deadline: Deadline | None = None
) -> ResponseDocument:
    """Read, segment and describe one response file, within ``limits`` (see :mod:`ingest.limits`).

    Raises :class:`DocumentReadError` for every file that cannot be read or is over a limit.
    """
    path = Path(path)
    deadline = deadline or limits.deadline(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise DocumentReadError(
            path,
            f"unsupported file type '{suffix or '(none)'}'; convert it to PDF, DOCX, HTML, Markdown or text",
        )
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise limits.refuse(
                path,
                f"the file is {human_bytes(size)}",
                "max_file_bytes",
                "split it, or save it without embedded images or attachments",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentReadError(path, f"cannot read the file ({exc.strerror})") from None
    if not raw.strip():
        raise DocumentReadError(path, "the file is empty; check the export or ask the sender for a new copy")
    fmt = _FORMATS[suffix]
    html_fields: dict[str, str] = {}
    try:
        if fmt is DocumentFormat.TXT:
            text = _bounded(decode_text(raw, path), path, limits)
            del raw
            blocks = blocks_from_lines(text.splitlines(), wrapped=False)
        elif fmt is DocumentFormat.MD:
            text = _bounded(decode_text(raw, path), path, limits)
            del raw
            blocks = markdown_blocks(text)
        elif fmt is DocumentFormat.HTML:
            blocks, html_fields = html_blocks(raw, path, limits, deadline)
        elif fmt is DocumentFormat.PDF:
            blocks = pdf_blocks(raw, path, limits, deadline)
        else:
            blocks = docx_blocks(path, limits, deadline)
    except DocumentReadError:
        raise
    except RecursionError:
        raise DocumentReadError(
            path, "the document is nested too deeply to read; it looks broken or hostile"
        ) from None
    except MemoryError:
        raise DocumentReadError(
            path, "reading the file ran out of memory; it is too large or built to be hostile, split it"
        ) from None
    except Exception as exc:  # library errors on corrupt input: name them, don't crash the batch
        raise DocumentReadError(
            path,
            f"the {fmt.value.upper()} file is damaged or not what its name says ({type(exc).__name__}: {exc})",
        ) from None
    deadline.check("after extracting the text")
    if sum(len(b.text) for b in blocks) > limits.max_text_chars:
        raise _too_long(path, limits)
    text, passages = assemble(blocks)
    del blocks
    if not passages:
        raise DocumentReadError(
            path,
            "no text found in the document; check that it is the full letter (a scanned image needs OCR first)",
        )
    if len(text) > limits.max_text_chars:
        raise _too_long(path, limits)
    if len(passages) > limits.max_passages:
        raise limits.refuse(
            path,
            f"the text has {len(passages):,} passages",
            "max_passages",
            "split the file into smaller ones (a response is a letter, not a collection)",
        )
    not_letter = why_not_a_letter(text)
    if not_letter:
        raise DocumentReadError(path, f"{not_letter}; check that it is the right file and that it opens")
    deadline.check("after segmenting")
    metadata = extract_metadata(text, passages, html_fields=html_fields)
    if sidecar_of(path) is not None:
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


def _bounded(text: str, path: Path, limits: ReadLimits) -> str:
    if len(text) > limits.max_text_chars:
        raise _too_long(path, limits)
    return text


def _too_long(path: Path, limits: ReadLimits) -> DocumentReadError:
    return limits.refuse(
        path,
        f"the text is longer than {limits.max_text_chars:,} characters",
        "max_text_chars",
        "split the file into smaller ones, or raise the limit for a very long report",
    )


# A word of letters, maybe with a hyphen or apostrophe inside and punctuation around: "e-post", «kap.»
# (fullmatch on tokens of at most 60 characters: with search() the leading \W* would be quadratic).
_WORD = re.compile(r"\W*[^\W\d_]+(?:[-'’][^\W\d_]+)*\W*")
MIN_WORDS = 2
MIN_LETTERS = 8
MIN_WORD_SHARE = 0.5


def why_not_a_letter(text: str) -> str | None:
    """Why ``text`` cannot be a letter (too little text, mostly noise), or None when it can.

    Binary data and random bytes decoded as text make "words" of mixed letters, digits and
    symbols; a letter is mostly words. The thresholds leave a wide margin: the development
    letters have 85-99 % words, random bytes 0-10 %, and "Ingen merknader." (2 words, 14 letters)
    passes, while a few random bytes (at most 7 letters) do not.
    """
    tokens = text.split()
    words = sum(1 for tok in tokens if len(tok) <= 60 and _WORD.fullmatch(tok))
    letters = sum(1 for ch in text if ch.isalpha())
    if words < MIN_WORDS or letters < MIN_LETTERS:
        return (
            f"the file holds {words} word(s) and {letters} letter(s) of text, too little to be a letter "
            f"(at least {MIN_WORDS} words and {MIN_LETTERS} letters)"
        )
    if words < MIN_WORD_SHARE * len(tokens):
        share = 100 * words / len(tokens)
        return (
            f"the text does not look like a letter (only {share:.0f} % of it is words: binary data or noise)"
        )
    return None


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
