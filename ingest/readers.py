"""Readers: one response file in, a segmented :class:`ResponseDocument` with metadata out.

Formats: .txt (any encoding), .md, .html/.htm (incl. regjeringen.no høringssvar pages),
.pdf, .docx. Every library error becomes a :class:`DocumentReadError` that names the
file and says what to do; nothing else escapes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

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
MAX_HTML_DEPTH = 400  # real pages nest a few dozen deep; thousands is an attack or a broken export


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
            blocks, html_fields = _html_blocks(raw, path)
        elif fmt is DocumentFormat.PDF:
            blocks = _pdf_blocks(raw, path)
        else:
            blocks = _docx_blocks(path)
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
            path, "no text found in the document; if it is a scanned image it needs OCR first"
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
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text.replace("`", "")


def _markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            blocks.extend(blocks_from_lines([_md_inline(c) for c in chunk], wrapped=False))
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


# -- html ------------------------------------------------------------------------------------------
def _html_depth(raw: bytes) -> int:
    """Nesting depth of open tags, counted without building a tree (a parser would recurse)."""
    depth = deepest = 0
    void = {
        b"br",
        b"img",
        b"meta",
        b"link",
        b"input",
        b"hr",
        b"source",
        b"wbr",
        b"area",
        b"col",
        b"base",
        b"embed",
    }
    for match in re.finditer(rb"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>", raw):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if name in void or selfclosing:
            continue
        depth = depth - 1 if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _html_blocks(raw: bytes, path: Path) -> tuple[list[Block], dict[str, str]]:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    if _html_depth(raw) > MAX_HTML_DEPTH:
        raise DocumentReadError(
            path,
            f"the HTML is nested more than {MAX_HTML_DEPTH} levels deep; it looks broken or hostile, save the page again",
        )
    tree = HTMLParser(
        decode_text(raw, path) if not raw.lstrip().startswith(b"<") else raw.decode("utf-8", errors="replace")
    )
    fields: dict[str, str] = {}
    for node in tree.css(".hearing-answer-meta p, .article-info, meta[name]"):
        if node.tag == "meta":
            name, content = node.attributes.get("name") or "", node.attributes.get("content") or ""
            if name.lower() == "dc.date" and content:
                fields.setdefault("date", content)
            continue
        text = node.text(separator=" ", strip=True)
        key, _, value = text.partition(":")
        if value.strip():
            fields[key.strip().lower()] = value.strip()
    for selector in (
        "header",
        "nav",
        "footer",
        "script",
        "style",
        "noscript",
        "aside",
        "form",
        ".hearing-answer-meta",
        ".article-info",
    ):
        for node in tree.css(selector):
            node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    blocks: list[Block] = []
    if root is None:
        return blocks, fields
    for node in root.css("h1, h2, h3, h4, h5, h6, p, li, td, th, pre, blockquote, dt, dd"):
        # Text inside a list item or cell is read with that element, not twice.
        parent, nested = node.parent, False
        while parent is not None and parent is not root:
            if parent.tag in ("li", "p", "td", "th", "blockquote", "dd"):
                nested = True
                break
            parent = parent.parent
        if nested:
            continue
        text = node.text(separator=" ", strip=True)
        if not text:
            continue
        if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            blocks.append(Block(PassageKind.HEADING, text, int(node.tag[1])))
        elif node.tag == "li":
            blocks.append(Block(PassageKind.LIST_ITEM, text))
        else:
            blocks.append(Block(PassageKind.PARAGRAPH, text))
    return blocks, fields


# -- pdf -------------------------------------------------------------------------------------------
def _pdf_blocks(raw: bytes, path: Path) -> list[Block]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs repairs of damaged files itself; the reason reaches the user through our error.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    if not raw.startswith(b"%PDF"):
        raise DocumentReadError(path, "not a PDF file (no %PDF header); check the file")
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            # An empty user password still opens "protected against editing" PDFs, which we can read.
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise DocumentReadError(
                    path,
                    "the PDF is password-protected; ask the sender for an unprotected copy or save one without the password",
                )
        lines: list[str] = []
        for page in reader.pages:
            lines.extend((page.extract_text() or "").splitlines())
            lines.append("")  # a page break ends a paragraph only if the text says so
    except DocumentReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentReadError(
            path, f"the PDF is damaged or truncated ({exc}); ask for a new copy"
        ) from None
    # Page breaks split paragraphs in extraction: join across the blank page line when a sentence runs on.
    joined: list[str] = []
    for i, line in enumerate(lines):
        if (
            line == ""
            and joined
            and i + 1 < len(lines)
            and joined[-1]
            and not joined[-1].rstrip().endswith((".", ":", "!", "?"))
        ):
            continue
        joined.append(line)
    if not any(ln.strip() for ln in joined):
        raise DocumentReadError(
            path, "the PDF has no extractable text; if it is a scanned image it needs OCR first"
        )
    return blocks_from_lines(joined, wrapped=True)


# -- docx ------------------------------------------------------------------------------------------
def _docx_blocks(path: Path) -> list[Block]:
    if not zipfile.is_zipfile(path):
        raise DocumentReadError(
            path, "not a valid DOCX file (it is not a zip package); open it in Word and save again"
        )
    import docx

    try:
        document: Any = docx.Document(str(path))
    except Exception as exc:
        raise DocumentReadError(
            path, f"the DOCX file is damaged ({type(exc).__name__}); open it in Word and save again"
        ) from None
    blocks: list[Block] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level_match = re.match(r"(?:Heading|Overskrift)\s*(\d)", style)
        if level_match:
            blocks.append(Block(PassageKind.HEADING, text, int(level_match.group(1))))
        elif style.lower() == "title":
            blocks.append(Block(PassageKind.HEADING, text, 1))
        elif "list" in style.lower() or (para._p.pPr is not None and para._p.pPr.numPr is not None):
            blocks.append(Block(PassageKind.LIST_ITEM, text))
        else:
            blocks.append(Block(PassageKind.PARAGRAPH, text))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.text.strip():
                    blocks.append(Block(PassageKind.PARAGRAPH, cell.text.strip()))
    return blocks
