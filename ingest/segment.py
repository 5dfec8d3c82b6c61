"""Segmentation: blocks from a reader become the document text and its passages.

Readers produce :class:`Block` s (heading / paragraph / list item). :func:`assemble`
joins them into the normalised document text (blocks separated by a blank line) and
makes one :class:`Passage` per block whose offsets point into that text, so
``text[p.start:p.end] == p.text`` always holds. Plain text and PDF text come as lines;
:func:`blocks_from_lines` finds paragraphs, list items and headings in them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.model import Passage, PassageKind

__all__ = [
    "PAGE_FURNITURE",
    "TERMINAL",
    "Block",
    "assemble",
    "blocks_from_lines",
    "clean_inline",
    "is_bare_bullet",
    "is_bullet",
    "sentence_spans",
]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# "-", "–", "—", "•", "*", "·", "▪" bullets, and numbered items "1." "1)" "a)".
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪]|\d{1,2}[.)]|[a-z][)])(?:\s+|$)")
_BARE_BULLET = re.compile(r"^\s*[-–—•*·▪]\s*$")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
# Page numbers a PDF repeats on every page ("Side 1", "Side 2 av 3", "- 2 -"): not part of the letter.
PAGE_FURNITURE = re.compile(
    r"^\s*(?:(?:side|page|s\.)\s*\d+(?:\s*(?:av|of|/)\s*\d+)?|-\s*\d+\s*-)\s*$", re.IGNORECASE
)
TERMINAL = (".", "!", "?", ":", ";", ",", "»", '"', ")")
# A numbered sub-section title: "3.1", "3.1.2" followed by words, no final period.
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+[A-ZÆØÅ]")


@dataclass(frozen=True, slots=True)
class Block:
    kind: PassageKind
    text: str
    level: int = 0  # heading level (1 = outermost); 0 for other blocks


def is_bullet(line: str) -> bool:
    """A line that opens a list item: "- x", "• x", "1. x", "a) x"."""
    return _BULLET.match(line) is not None


def is_bare_bullet(line: str) -> bool:
    """A bullet glyph alone on its line (PDFs): the item's text follows on the next lines."""
    return _BARE_BULLET.match(line) is not None


def clean_inline(text: str) -> str:
    """NFC, one space between words, no control characters, stripped."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def assemble(blocks: Iterable[Block]) -> tuple[str, list[Passage]]:
    """The document text and its passages, with the enclosing headings of each."""
    parts: list[str] = []
    passages: list[Passage] = []
    heading_stack: list[tuple[int, str]] = []
    offset = 0
    for block in blocks:
        text = clean_inline(block.text)
        if not text:
            continue
        if parts:
            offset += 2  # the "\n\n" between blocks
        start, end = offset, offset + len(text)
        if block.kind is PassageKind.HEADING:
            level = block.level or 1
            while heading_stack and heading_stack[-1][0] >= level:
                heading_stack.pop()
            headings = tuple(h for _, h in heading_stack)
            heading_stack.append((level, text))
        else:
            headings = tuple(h for _, h in heading_stack)
        passages.append(Passage(len(passages), start, end, text, block.kind, headings))
        parts.append(text)
        offset = end
    return "\n\n".join(parts), passages


_HEADING_END = (".", "!", "?", ":", ";", ",")  # "(kapittel 7.3)" may end a heading, a sentence may not
_FIELD_LINE = re.compile(r"^[A-ZÆØÅ][\wæøåÆØÅ .-]{1,30}:\s+\S")


def _is_heading_line(line: str, next_line: str | None, min_next: int = 60) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 70 or stripped.endswith(_HEADING_END) or _BULLET.match(stripped):
        return False
    if _FIELD_LINE.match(stripped):  # "Dato: 12.04.2026" is a field, not a heading; "NOU 2026:1" is no field
        return False
    if not stripped[0].isupper() and not stripped[0].isdigit():
        return False
    if next_line is None:
        return False
    nxt = next_line.strip()
    # A heading is followed by running text or a list, not by another short line of an address block.
    return bool(nxt) and (_BULLET.match(nxt) is not None or (nxt[0].isupper() and len(nxt) >= min_next))


def _numbered_heading_level(line: str, following: str, full: int) -> int:
    """Level of a sub-section title numbered "3.1" or "3.1.2" (2, 3), else 0.

    "1. Innledning" stays a list item: in council resolutions and numbered letters the same
    shape is both a section title and a numbered point, and stance reading relies on the
    item reading. A dotted number is never a list marker, so it is safe to call a heading.
    """
    m = _NUMBERED_HEADING.match(line)
    if (
        not m
        or "." not in m.group(1)
        or len(line) > 80
        or len(line) >= full + 10
        or line.endswith(_HEADING_END)
    ):
        return 0
    if not following or _BULLET.match(following) or not following[0].isupper() or len(following) < 40:
        return 0
    return m.group(1).count(".") + 1


def blocks_from_lines(
    lines: list[str], *, wrapped: bool, width: int | None = None, headings: bool = True
) -> list[Block]:
    """Blocks from plain-text lines.

    ``wrapped`` says the lines are hard-wrapped (PDF text): a paragraph then also ends at
    a short line that closes a sentence. ``width`` is the longest body line when the caller
    knows it (a PDF reader segments one run of lines at a time). In either case a blank
    line ends a paragraph, a bullet starts a list item, and a group of short lines (an
    address block, a signature) keeps one block per line. ``headings=False`` turns off the
    guessing of headings from line shape (Markdown marks its own).
    """
    lines = [ln.rstrip() for ln in lines if not PAGE_FURNITURE.match(ln)]
    if width is None:
        width = max((len(ln.strip()) for ln in lines), default=0)
    full = max(40, int(width * 0.72)) if wrapped else 60
    blocks: list[Block] = []
    current: list[str] = []
    kind = PassageKind.PARAGRAPH

    def flush() -> None:
        nonlocal current, kind
        if current:
            blocks.append(Block(kind, " ".join(current)))
        current, kind = [], PassageKind.PARAGRAPH

    # The next non-blank line after each line, found in one backward pass (not a scan per line).
    following_lines = [""] * len(lines)
    for i in range(len(lines) - 2, -1, -1):
        after = lines[i + 1].strip()
        following_lines[i] = after or following_lines[i + 1]
    pending_bullet = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        prev = lines[i - 1].strip() if i > 0 else ""
        following = following_lines[i]
        if not line:
            flush()
            continue
        if _BARE_BULLET.match(line):  # a bullet alone on its line: the item's text follows
            flush()
            pending_bullet = True
            continue
        level = (
            0 if pending_bullet or current or not headings else _numbered_heading_level(line, following, full)
        )
        if level:
            blocks.append(Block(PassageKind.HEADING, line, level))
            continue
        if pending_bullet or _BULLET.match(line):
            flush()
            kind = PassageKind.LIST_ITEM
            current = [line if pending_bullet or _NUMBERED.match(line) else _BULLET.sub("", line, count=1)]
            pending_bullet = False
        elif (
            not current
            and headings
            and _is_heading_line(line, following, full)
            and (not prev or len(prev) < full or prev.endswith(TERMINAL))
        ):
            blocks.append(Block(PassageKind.HEADING, line, 1))
            continue
        else:
            current.append(line)
        short = len(line) < full
        if not short or not nxt:
            continue
        if wrapped and line.endswith(TERMINAL[:3]):
            flush()  # a short line that ends a sentence ends the paragraph
        elif len(current) == 1 and _FIELD_LINE.match(line):
            flush()  # a field line ("Saksbehandler: Even Brattås") is never the start of a paragraph
        elif len(current) == 1 and len(nxt) < full and not line.endswith(TERMINAL):
            flush()  # an address line or a signature line stays on its own
    flush()
    return blocks


# A sentence ends at . ! ? … followed by space and an upper-case letter, digit or opening quote,
# so "bl.a. kommunene" and "kap. 7.3" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(\[]?[A-ZÆØÅ0-9])")


def sentence_spans(text: str, min_words: int = 4) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (a passage), trailing spaces excluded.

    A fragment of fewer than ``min_words`` words ("Se vedlegg.") joins the next sentence,
    or the previous one at the end: it is no claim of its own.
    """
    raw: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            raw.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        raw.append((start, len(text.rstrip())))
    spans: list[tuple[int, int]] = []
    pending: int | None = None
    for s, e in raw:
        s = pending if pending is not None else s
        if len(text[s:e].split()) < min_words:
            pending = s
            continue
        pending = None
        spans.append((s, e))
    if pending is not None:
        if spans:
            spans[-1] = (spans[-1][0], raw[-1][1])
        else:
            spans.append((pending, raw[-1][1]))
    return spans
