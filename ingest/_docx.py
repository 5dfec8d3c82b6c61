"""DOCX reader: paragraphs and tables in document order, headings and lists from Word styles.

A .docx is a zip package; python-docx loads every part into memory and lxml parses the XML,
so the unzipped size is checked from the zip directory before anything is inflated (zipfile
never returns more bytes than an entry declares, so the declared sizes cannot lie).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ingest.errors import DocumentReadError
from ingest.limits import DEFAULT_LIMITS, Deadline, ReadLimits, human_bytes
from ingest.model import PassageKind
from ingest.segment import PAGE_FURNITURE, Block

__all__ = ["docx_blocks"]

# English and Norwegian style names: "Heading 2", "Overskrift 2"; "Title"/"Tittel" is the top level.
_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|tittel)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_name(para: Any, names: dict[tuple[Any, Any], str]) -> str:
    """The paragraph's style name, looked up once per style of a document: python-docx finds the
    default style by scanning every style's XML on each paragraph that names none (~1 ms each)."""
    key = (para.part, para._p.style)  # the style depends only on these (Paragraph.style)
    name = names.get(key)
    if name is None:
        style = para.style
        name = names[key] = (style.name if style is not None else "") or ""
    return name


def _paragraph_block(para: Any, names: dict[tuple[Any, Any], str]) -> Block | None:
    text = para.text.strip()
    if not text:
        return None
    style = _style_name(para, names)
    heading = _HEADING_STYLE.match(style)
    if heading:
        return Block(PassageKind.HEADING, text, int(heading.group(1)))
    if _TITLE_STYLE.match(style):
        return Block(PassageKind.HEADING, text, 1)
    p_pr = para._p.pPr
    # A list is either a list style or direct numbering (numPr) on a normal paragraph.
    if "list" in style.lower() or "liste" in style.lower() or (p_pr is not None and p_pr.numPr is not None):
        return Block(PassageKind.LIST_ITEM, text)
    return Block(PassageKind.PARAGRAPH, text)


def _table_blocks(table: Any, names: dict[tuple[Any, Any], str]) -> list[Block]:
    blocks: list[Block] = []
    seen: set[int] = set()
    # lxml makes a new proxy object per access and frees it after; holding every cell's element
    # keeps the ids in ``seen`` from being reused by another cell (which dropped cells at random).
    held: list[Any] = []
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; read it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            held.append(cell._tc)
            for para in cell.paragraphs:
                block = _paragraph_block(para, names)
                if block is not None:
                    blocks.append(block)
            for inner in cell.tables:
                blocks.extend(_table_blocks(inner, names))
    return blocks


def _header_blocks(document: Any, names: dict[tuple[Any, Any], str]) -> list[Block]:
    if not document.sections:
        return []
    section = document.sections[0]
    header = section.first_page_header if section.different_first_page_header_footer else section.header
    if header is None or header.is_linked_to_previous:
        return []
    blocks = [b for b in (_paragraph_block(p, names) for p in header.paragraphs) if b is not None]
    for table in header.tables:
        blocks.extend(_table_blocks(table, names))
    # Page numbers and the like are furniture; headings in a header are letterhead, not sections.
    return [Block(PassageKind.PARAGRAPH, b.text) for b in blocks if not PAGE_FURNITURE.match(b.text)]


def _check_unzipped_size(path: Path, limits: ReadLimits) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentReadError(
            path,
            f"the DOCX file is damaged ({type(exc).__name__}); open it in Word, save it again and ingest that",
        ) from None
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > limits.max_unzipped_bytes:
        raise limits.refuse(
            path,
            f"the DOCX unzips to {human_bytes(unzipped)}",
            "max_unzipped_bytes",
            "save it again without large images or embedded files, or as PDF",
        )


def docx_blocks(
    path: Path, limits: ReadLimits = DEFAULT_LIMITS, deadline: Deadline | None = None
) -> list[Block]:
    deadline = deadline or limits.deadline(path)
    if not zipfile.is_zipfile(path):
        raise DocumentReadError(
            path,
            "not a valid DOCX file (it is not a zip package); open it in Word, save it as .docx again and ingest that",
        )
    _check_unzipped_size(path, limits)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: Any = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, XML errors ... on broken packages
        raise DocumentReadError(
            path,
            f"the DOCX file is damaged ({type(exc).__name__}); open it in Word, save it again and ingest that",
        ) from None
    deadline.check("after opening the DOCX")
    blocks: list[Block] = []
    names: dict[tuple[Any, Any], str] = {}
    # Word templates often put the letterhead (the sender) in the first page's header.
    for head in _header_blocks(document, names):
        if head not in blocks:
            blocks.append(head)
    # Body order matters: the reference table of a letter sits between the address and the text.
    for count, child in enumerate(document.element.body.iterchildren()):
        if count % 512 == 0:
            deadline.check("while reading the DOCX paragraphs")
        if child.tag == f"{_W}p":
            block = _paragraph_block(Paragraph(child, document), names)
            if block is not None:
                blocks.append(block)
        elif child.tag == f"{_W}tbl":
            blocks.extend(_table_blocks(Table(child, document), names))
    return blocks
