"""HTML reader, with regjeringen.no høringssvar pages in mind.

Only the letter is read: the page's h1 and its article body, not the site header,
navigation, breadcrumbs, back links or footer. The «Dato:» / «Svartype:» block of a
hearing answer is returned as fields for the metadata extractor.

Nesting is judged on the parsed tree, after lexbor has applied HTML5's rules (an unclosed
<p> or <li> is closed by the next one, a <div> inside a script string is text), so valid
pages pass while a tree thousands of levels deep is refused before anything walks it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.errors import DocumentReadError
from ingest.limits import DEFAULT_LIMITS, Deadline, ReadLimits
from ingest.model import PassageKind
from ingest.segment import Block

__all__ = ["html_blocks", "tree_depth"]

_FURNITURE = (
    "header, nav, footer, script, style, noscript, aside, form, template, iframe, button, "
    ".breadcrumbs, .breadcrumb, .back-link, [role=navigation], [role=banner], [role=contentinfo], "
    ".hearing-answer-meta, .article-info"
)
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, td, th, pre, blockquote, dt, dd"
# A <div> holding text directly (no block inside) is a paragraph too; exported pages often do this.
_LEAF_CANDIDATES = _BLOCKS + ", div"
_BLOCK_TAGS = frozenset(t.strip() for t in _LEAF_CANDIDATES.split(","))
_CONTAINERS = ("li", "p", "td", "th", "blockquote", "dd", "pre")
_INNER_BLOCKS = "p, div, li, br, tr, td, th, h1, h2, h3, h4, h5, h6, ul, ol, table, blockquote"


def tree_depth(root: Any, stop_at: int) -> int:
    """Depth of the parsed tree below ``root`` (text nodes count), walked without recursion.

    Stops as soon as ``stop_at`` is passed, so a hostile tree costs no more than the limit."""
    node, depth, deepest = root, 0, 0
    while node is not None:
        child = node.child
        if child is not None:
            node, depth = child, depth + 1
            deepest = max(deepest, depth)
            if deepest > stop_at:
                return deepest
            continue
        while node is not None and node.next is None:
            if node.mem_id == root.mem_id:
                return deepest
            node, depth = node.parent, depth - 1
        if node is None or node.mem_id == root.mem_id:
            return deepest
        node = node.next
    return deepest


def _decode(raw: bytes) -> str:
    declared = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096], re.I)
    # Strict UTF-8 first: a page saved as UTF-8 keeps a stale "windows-1252" meta more often than not,
    # and real cp1252 text with letters like æøå almost never decodes as UTF-8 by accident.
    for encoding in ["utf-8"] + ([declared.group(1).decode("ascii")] if declared else []):
        try:
            return raw.decode(encoding).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace")


_BYLINES = '[class*="byline"], [class*="meta"], [class*="date"], [class*="publi"], [class*="posted"]'
# The stamp's label; the date itself is parsed (and judged against other dates) by the metadata reader.
_PUBLISHED = re.compile(r"^(?:publisert|publisert dato|published|posted)\s*:?\s*(\d.*)$", re.IGNORECASE)


def _meta_fields(tree: object) -> dict[str, str]:
    """«Dato: 22.04.2026», «Svartype: Med merknad» and DC.Date, keyed in lower case."""
    fields: dict[str, str] = {}
    for node in tree.css(".hearing-answer-meta p, .hearing-answer-meta li, .article-info, meta[name]"):  # type: ignore[attr-defined]
        if node.tag == "meta":
            name, content = node.attributes.get("name") or "", node.attributes.get("content") or ""
            if name.lower() == "dc.date" and content:
                fields.setdefault("date", content)
            continue
        key, _, value = node.text(separator=" ", strip=True).partition(":")
        if value.strip():
            fields[key.strip().lower()] = value.strip()
    # An organisation's own page has no hearing-answer box, but a publication stamp: the
    # article:published_time meta, or a short byline "Publisert 1. okt, 2027 · Av ...".
    for node in tree.css('meta[property="article:published_time"]'):  # type: ignore[attr-defined]
        content = node.attributes.get("content") or ""
        if content:
            fields.setdefault("published", content[:10])
    for node in tree.css(_BYLINES):  # type: ignore[attr-defined]
        text = node.text(separator=" ", strip=True)
        stamp = _PUBLISHED.match(text) if len(text) <= 200 else None
        if stamp:
            fields.setdefault("published", stamp.group(1))
    return fields


def html_blocks(
    raw: bytes, path: Path, limits: ReadLimits = DEFAULT_LIMITS, deadline: Deadline | None = None
) -> tuple[list[Block], dict[str, str]]:
    from selectolax.lexbor import LexborHTMLParser

    deadline = deadline or limits.deadline(path)
    tree = LexborHTMLParser(_decode(raw))
    del raw
    deadline.check("after parsing the HTML")
    # Before anything below walks the tree (text(), css() and decompose() recurse in C).
    if tree.root is not None and tree_depth(tree.root, limits.max_html_depth) > limits.max_html_depth:
        raise DocumentReadError(
            path,
            f"the HTML is nested more than {limits.max_html_depth} levels deep (limit max_html_depth), "
            "so it is broken or hostile; save the page again from the browser or convert it to PDF",
        )
    fields = _meta_fields(tree)
    page_h1 = tree.css_first("main h1") or tree.css_first("h1")
    title = page_h1.text().strip() if page_h1 is not None else ""
    for node in tree.css(_FURNITURE):
        node.decompose()
    root = (
        tree.css_first(".article-body")
        or tree.css_first("main")
        or tree.css_first("article")
        or tree.css_first("[role=main]")
        or tree.body
        or tree.root
    )
    blocks: list[Block] = []
    if root is None:
        return blocks, fields
    # Line breaks and nested blocks separate words; inline tags (<b>kommune</b>forbund) do not.
    for inner in root.css(_INNER_BLOCKS):
        if inner.tag == "br":
            inner.replace_with("\n")
        else:
            inner.insert_after(" ")
    if title and not root.css_first("h1"):
        blocks.append(Block(PassageKind.HEADING, title, 1))
    text_chars = 0
    for count, node in enumerate(root.css(_LEAF_CANDIDATES)):
        if count % 512 == 0:
            deadline.check("while reading the HTML blocks")
        if node.tag == "div" and any(
            d.tag in _BLOCK_TAGS for d in node.traverse() if d.mem_id != node.mem_id
        ):
            continue  # css_first() would match the div itself
        # Text inside a list item or cell is read with that element, not twice.
        parent, nested = node.parent, False
        while parent is not None and parent.mem_id != root.mem_id:
            if parent.tag in _CONTAINERS:
                nested = True
                break
            parent = parent.parent
        if nested:
            continue
        # strip=True would strip each text node and glue "Vestlandsk <b>kommune</b>" together.
        text = node.text().strip()
        if not text:
            continue
        text_chars += len(text)
        if text_chars > limits.max_text_chars:
            raise limits.refuse(
                path,
                f"the text is longer than {limits.max_text_chars:,} characters",
                "max_text_chars",
                "split the page into smaller ones, or raise the limit for a very long report",
            )
        if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            blocks.append(Block(PassageKind.HEADING, text, int(node.tag[1])))
        elif node.tag == "li":
            blocks.append(Block(PassageKind.LIST_ITEM, text))
        else:
            lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
            # A signature or address written with <br> keeps one block per line, like in a letter.
            if len(lines) > 1 and all(len(ln) < 60 and not ln.endswith(".") for ln in lines):
                blocks.extend(Block(PassageKind.PARAGRAPH, ln) for ln in lines)
            else:
                blocks.append(Block(PassageKind.PARAGRAPH, " ".join(lines)))
    return blocks, fields
