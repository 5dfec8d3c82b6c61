"""PDF reader: pypdf text with the layout signals a PDF still carries (font size, bold, line gaps).

Plain ``extract_text()`` loses where paragraphs end and which lines are headings; the text
visitor still sees each run's font and position. Lines are rebuilt from those runs, cut
into runs of one style without a wide vertical gap, and each run is segmented like plain
hard-wrapped text. When the visitor gives nothing usable we fall back to plain lines.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import DocumentReadError
from ingest.limits import DEFAULT_LIMITS, Deadline, ReadLimits
from ingest.model import PassageKind
from ingest.segment import PAGE_FURNITURE, TERMINAL, Block, blocks_from_lines, is_bare_bullet, is_bullet

__all__ = ["pdf_blocks"]


@dataclass(slots=True)
class _Line:
    text: str
    y: float
    size: float
    bold: bool
    page: int

    @property
    def style(self) -> tuple[float, bool]:
        return (round(self.size * 2) / 2, self.bold)


def _open(raw: bytes, path: Path) -> Any:
    from pypdf import PdfReader

    if not raw.lstrip()[:1024].count(b"%PDF"):
        raise DocumentReadError(
            path, "not a PDF file (no %PDF header); check that the file is what its name says"
        )
    if b"%%EOF" not in raw[-2048:] and b"startxref" not in raw[-4096:]:
        # pypdf "repairs" a cut-off file into a half document without a word; say it plainly.
        raise DocumentReadError(
            path, "the PDF is truncated (its end is missing); download or export it again"
        )
    reader = PdfReader(io.BytesIO(raw), strict=False)
    if reader.is_encrypted:
        # An empty user password still opens PDFs that are only protected against editing.
        try:
            opened = bool(reader.decrypt(""))
        except Exception:
            opened = False
        if not opened:
            raise DocumentReadError(
                path,
                "the PDF is password-protected; save an unprotected copy (or ask the sender for one) and ingest that",
            )
    return reader


def _page_lines(page: Any, number: int) -> list[_Line]:
    """The page's lines with the font size and weight of their first run."""
    lines: list[_Line] = []
    current: list[str] = []
    style: dict[str, Any] = {}

    def end_line() -> None:
        text = "".join(current).strip()
        if text:
            lines.append(_Line(text, style["y"], style["size"], style["bold"], number))
        current.clear()
        style.clear()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        name = str((font or {}).get("/BaseFont", "")) if hasattr(font, "get") else ""
        if style and text.strip() and abs(style["y"] - y) > max(2.0, 0.5 * style["size"]):
            end_line()  # a run on another baseline starts a new line even without "\n"
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if part.strip() and not style:
                style.update(
                    y=y, size=float(size) * scale, bold=bool(re.search(r"bold|black|heavy", name, re.I))
                )
            current.append(part)
            if i < len(parts) - 1:
                end_line()

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


def _runs(lines: list[_Line]) -> list[list[_Line]]:
    """Groups of lines in one style without a paragraph gap between them."""
    body = Counter[tuple[float, bool]]()
    gaps = Counter[float]()
    for line in lines:
        body[line.style] += len(line.text)
    body_style = body.most_common(1)[0][0] if body else (10.0, False)
    for a, b in itertools.pairwise(lines):
        if a.page == b.page and a.style == b.style == body_style and a.y > b.y:
            gaps[round(a.y - b.y, 0)] += 1
    leading = gaps.most_common(1)[0][0] if gaps else body_style[0] * 1.4
    runs: list[list[_Line]] = []
    pending_bullet: _Line | None = None
    for line in lines:
        if is_bare_bullet(line.text):
            pending_bullet = line  # a bullet glyph alone on its line (often in another size) opens an item
            continue
        prev = runs[-1][-1] if runs and runs[-1] else None
        if pending_bullet is not None:
            runs.append([pending_bullet, line])
            pending_bullet = None
            continue
        same_run = False
        if prev is not None and prev.style == line.style:
            if prev.page == line.page:
                same_run = 0 < prev.y - line.y <= leading * 1.3
            else:  # a sentence running over a page break continues the paragraph
                same_run = not prev.text.endswith(TERMINAL[:4]) and not is_bullet(line.text)
        if same_run:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _is_heading_run(run: list[_Line], body_style: tuple[float, bool], next_run: list[_Line] | None) -> bool:
    size, bold = run[0].style
    styled = size > body_style[0] + 0.9 or (bold and not body_style[1] and size >= body_style[0] - 0.1)
    text = " ".join(ln.text for ln in run)
    if not styled or len(text) > 200 or text.endswith((".", ",", ";")) or len(run) > 3:
        return False
    # A heading introduces running text or a list; a bold letterhead is followed by an address line.
    if next_run is None:
        return False
    first = next_run[0].text
    return is_bare_bullet(first) or is_bullet(first) or len(first) >= 40


def _page_text_lines(pages: list[Any], path: Path, limits: ReadLimits, deadline: Deadline) -> list[_Line]:
    """Every page's lines, with the clock and the text length checked after each page."""
    lines: list[_Line] = []
    chars = 0
    for i, page in enumerate(pages):
        deadline.check(f"at page {i + 1} of {len(pages)}")
        page_lines = _page_lines(page, i)
        chars += sum(len(ln.text) for ln in page_lines)
        if chars > limits.max_text_chars:
            raise limits.refuse(
                path,
                f"the text is longer than {limits.max_text_chars:,} characters by page {i + 1}",
                "max_text_chars",
                "split the PDF into smaller ones, or raise the limit for a very long report",
            )
        lines.extend(page_lines)
    return lines


def pdf_blocks(
    raw: bytes, path: Path, limits: ReadLimits = DEFAULT_LIMITS, deadline: Deadline | None = None
) -> list[Block]:
    """Blocks of a PDF; DocumentReadError for encrypted, truncated, damaged or image-only files."""
    from pypdf.errors import PdfReadError

    deadline = deadline or limits.deadline(path)

    # pypdf logs its repairs of damaged files; the user gets our error instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = _open(raw, path)
        pages = list(reader.pages)
        lines = _page_text_lines(pages, path, limits, deadline)
        plain = [(page.extract_text() or "") for page in pages] if not lines else []
    except DocumentReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError) as exc:
        raise DocumentReadError(
            path, f"the PDF is damaged or truncated ({type(exc).__name__}: {exc}); ask for a new copy"
        ) from None
    lines = [ln for ln in lines if not PAGE_FURNITURE.match(ln.text)]
    if not lines:
        if any(p.strip() for p in plain):
            return blocks_from_lines("\n\n".join(plain).splitlines(), wrapped=True)
        raise DocumentReadError(
            path,
            "the PDF has no extractable text; it may be a scanned image, run it through OCR and ingest the result",
        )
    body_counts = Counter[tuple[float, bool]]()
    for ln in lines:
        body_counts[ln.style] += len(ln.text)
    body_style = body_counts.most_common(1)[0][0]
    width = max((len(ln.text) for ln in lines if ln.style == body_style), default=60)
    runs = _runs(lines)
    heading_sizes = sorted(
        {
            run[0].style
            for i, run in enumerate(runs)
            if _is_heading_run(run, body_style, runs[i + 1] if i + 1 < len(runs) else None)
        },
        reverse=True,
    )
    blocks: list[Block] = []
    for i, run in enumerate(runs):
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        if _is_heading_run(run, body_style, nxt):
            level = heading_sizes.index(run[0].style) + 1
            blocks.append(Block(PassageKind.HEADING, " ".join(ln.text for ln in run), level))
        else:
            blocks.extend(blocks_from_lines([ln.text for ln in run], wrapped=True, width=width))
    return blocks
