"""HTML reader, with regjeringen.no høringssvar pages in mind.

Only the letter is read: the page's h1 and its article body, not the site header,
navigation, breadcrumbs, back links or footer. The «Dato:» / «Svartype:» block of a
hearing answer is returned as fields for the metadata extractor.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import DocumentReadError
from ingest.model import PassageKind
from ingest.segment import Block

__all__ = ["MAX_HTML_DEPTH", "html_blocks", "html_depth"]

MAX_HTML_DEPTH = 400  # real pages nest a few dozen deep; thousands is a broken export or an attack

_VOID = frozenset(
    b"area base br col embed hr img input link meta param source track wbr".split()
)  # fmt: skip
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
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


def html_depth(raw: bytes) -> int:
    """Deepest nesting of open tags, counted with a flat scan: a tree walk would recurse."""
    depth = deepest = 0
    for match in _TAG.finditer(raw):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or selfclosing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
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
    return fields


def html_blocks(raw: bytes, path: Path) -> tuple[list[Block], dict[str, str]]:
    from selectolax.lexbor import LexborHTMLParser

    if html_depth(raw) > MAX_HTML_DEPTH:
        raise DocumentReadError(
            path,
            f"the HTML is nested more than {MAX_HTML_DEPTH} levels deep, so it is broken or hostile; "
            "save the page again from the browser or convert it to PDF",
        )
    tree = LexborHTMLParser(_decode(raw))
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
    for node in root.css(_LEAF_CANDIDATES):
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
