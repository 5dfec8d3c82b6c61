"""PDF reader: pypdf text with the layout signals a PDF still carries (font size, bold, line gaps).

Plain ``extract_text()`` loses where paragraphs end and which lines are headings; the text
visitor still sees each run's font and position. Lines are rebuilt from those runs, cut
into runs of one style without a wide vertical gap, and each run is segmented like plain
hard-wrapped text. When the visitor gives nothing usable we fall back to plain lines.

Word processors and browsers often draw list bullets as small filled shapes instead of a
bullet character, so the text alone has no sign of where one item ends and the next
begins. The operator visitor sees those shapes: a small, roughly square mark just left of
a line's first character on its baseline opens a list item there (see :func:`_mark_drawn_bullets`).
"""

from __future__ import annotations

import bisect
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
    x: float = 0.0  # where the line's first character starts
    drawn_bullet: bool = False  # a small shape drawn just left of the line marks it as a list item

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


# Operators that paint the current path (fill, or fill and stroke, or stroke); "n" discards it.
_PAINT = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s"}
_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page space


def _small_shapes(ops: list[tuple[bytes, list[Any], list[float]]]) -> list[_Box]:
    """Bounding boxes of the painted paths of a page that are small and roughly square.

    ``ops`` are the path operators in content order with the transformation matrix in force.
    Lines, rules and frames are long in one direction and are left out here; the size limit
    relative to the text is checked where a shape is matched to a line. A mark with another
    one close beside it on the same row is part of a dotted rule or pattern, not a bullet
    (bullets stand one per line, above each other).
    """
    boxes: list[_Box] = []
    points: list[tuple[float, float]] = []
    for op, args, cm in ops:
        try:
            nums = [float(a) for a in args]
        except (TypeError, ValueError):
            points.clear()
            continue
        if op == b"re" and len(nums) == 4:
            x, y, w, h = nums
            pts = [(x, y), (x + w, y + h)]
        elif op in (b"m", b"l", b"c", b"v", b"y"):
            pts = list(zip(nums[0::2], nums[1::2], strict=False))
        elif op in _PAINT or op == b"n":
            if points and op != b"n":
                xs = [x * cm[0] + y * cm[2] + cm[4] for x, y in points]
                ys = [x * cm[1] + y * cm[3] + cm[5] for x, y in points]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                if 0 < w < 20 and 0 < h < 20 and 0.5 <= w / h <= 2.0:
                    boxes.append((min(xs), min(ys), max(xs), max(ys)))
            points.clear()
            continue
        else:
            continue
        points.extend(pts)
    rows: dict[int, list[_Box]] = {}
    for box in boxes:
        rows.setdefault(round(box[1] + box[3]), []).append(box)  # twice the middle, to half a point
    alone: list[_Box] = []
    for row in rows.values():
        row.sort()
        for i, box in enumerate(row):
            near = 3 * (box[2] - box[0])
            left = i > 0 and box[0] - row[i - 1][2] < near
            right = i + 1 < len(row) and row[i + 1][0] - box[2] < near
            if not left and not right:
                alone.append(box)
    return alone


def _mark_drawn_bullets(lines: list[_Line], shapes: list[_Box]) -> None:
    """Marks each line that has a drawn bullet: a small shape left of its first character.

    The shape must be a dot-sized mark (between an eighth and three quarters of the font
    size), end at most two font sizes before the text, and sit between the baseline and
    the top of the letters. Of the lines a shape could belong to, the nearest one to its
    right takes it, so the right column of a two-column page keeps its own bullets.
    Only the lines whose baseline is near a shape are compared with it (a bisection over
    the sorted baselines), so a page of many dots and many lines stays cheap to read.
    """
    if not lines or not shapes:
        return
    by_y = sorted(lines, key=lambda ln: ln.y)
    ys = [ln.y for ln in by_y]
    largest = max(ln.size for ln in lines)
    for x0, y0, x1, y1 in shapes:
        if max(x1 - x0, y1 - y0) > largest * 0.75:
            continue
        mid = (y0 + y1) / 2
        best: tuple[float, _Line] | None = None
        lo, hi = bisect.bisect_left(ys, mid - 0.8 * largest), bisect.bisect_right(ys, mid + 0.1 * largest)
        for line in by_y[lo:hi]:
            size = line.size
            if not max(1.0, size / 8) <= max(x1 - x0, y1 - y0) <= size * 0.75:
                continue
            gap = line.x - x1
            if not -0.5 <= gap <= 2 * size or not line.y - 0.1 * size <= mid <= line.y + 0.8 * size:
                continue
            if best is None or gap < best[0]:
                best = (gap, line)
        if best is not None:
            best[1].drawn_bullet = True


def _page_lines(page: Any, number: int) -> list[_Line]:
    """The page's lines with the font size and weight of their first run."""
    lines: list[_Line] = []
    current: list[str] = []
    style: dict[str, Any] = {}
    path_ops: list[tuple[bytes, list[Any], list[float]]] = []

    def end_line() -> None:
        text = "".join(current).strip()
        if text:
            lines.append(_Line(text, style["y"], style["size"], style["bold"], number, style["x"]))
        current.clear()
        style.clear()

    def operator(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op in _PAINT or op in (b"n", b"re", b"m", b"l", b"c", b"v", b"y"):
            path_ops.append((op, list(args or []), [float(v) for v in cm]))

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        scale = abs(tm[3] * cm[3]) or 1.0
        name = str((font or {}).get("/BaseFont", "")) if hasattr(font, "get") else ""
        if style and text.strip() and abs(style["y"] - y) > max(2.0, 0.5 * style["size"]):
            end_line()  # a run on another baseline starts a new line even without "\n"
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if part.strip() and not style:
                style.update(
                    y=y,
                    x=x,
                    size=float(size) * scale,
                    bold=bool(re.search(r"bold|black|heavy", name, re.I)),
                )
            current.append(part)
            if i < len(parts) - 1:
                end_line()

    page.extract_text(visitor_text=visit, visitor_operand_before=operator)
    end_line()
    _mark_drawn_bullets(lines, _small_shapes(path_ops))
    for line in lines:
        if line.drawn_bullet and not is_bullet(line.text):
            line.text = "• " + line.text  # the segmenter reads an item from its bullet
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
        if line.drawn_bullet:
            runs.append([line])
            continue
        item_start = runs[-1][0] if runs and runs[-1] else None
        if item_start is not None and item_start.drawn_bullet and line.x < item_start.x - 0.5 * line.size:
            runs.append([line])  # back to the left of the item's text: the list has ended
            continue
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


def _is_styled(style: tuple[float, bool], body_style: tuple[float, bool]) -> bool:
    """Larger than the body text, or bold where the body is not."""
    size, bold = style
    return size > body_style[0] + 0.9 or (bold and not body_style[1] and size >= body_style[0] - 0.1)


def _is_heading_run(
    run: list[_Line],
    body_style: tuple[float, bool],
    next_run: list[_Line] | None,
    after_next: list[_Line] | None = None,
) -> bool:
    styled = _is_styled(run[0].style, body_style)
    text = " ".join(ln.text for ln in run)
    if not styled or len(text) > 200 or text.endswith((".", ",", ";")) or len(run) > 3:
        return False
    # A heading introduces running text or a list; a bold letterhead is followed by an address line.
    if next_run is None:
        return False
    first = next_run[0].text
    if is_bare_bullet(first) or is_bullet(first) or len(first) >= 40:
        return True
    # "Sammendrag" / "Kommunen:" / bullets: a one-line lead-in between the heading and its list.
    return (
        len(next_run) == 1
        and after_next is not None
        and not _is_styled(next_run[0].style, body_style)
        and (is_bare_bullet(after_next[0].text) or is_bullet(after_next[0].text))
    )


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


def _next_two(runs: list[list[_Line]], i: int) -> tuple[list[_Line] | None, list[_Line] | None]:
    return (runs[i + 1] if i + 1 < len(runs) else None, runs[i + 2] if i + 2 < len(runs) else None)


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
        {run[0].style for i, run in enumerate(runs) if _is_heading_run(run, body_style, *_next_two(runs, i))},
        reverse=True,
    )
    blocks: list[Block] = []
    for i, run in enumerate(runs):
        if _is_heading_run(run, body_style, *_next_two(runs, i)):
            level = heading_sizes.index(run[0].style) + 1
            blocks.append(Block(PassageKind.HEADING, " ".join(ln.text for ln in run), level))
        else:
            blocks.extend(blocks_from_lines([ln.text for ln in run], wrapped=True, width=width))
    return blocks
