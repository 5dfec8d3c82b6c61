"""What gets indexed: the graph's passages reshaped into units that answer a question.

The graph keeps every block of a letter as the reader found it (headings, paragraphs, list
items). Search wants units that *answer*, so the index items are built from them here, not
in the segmenter (stance reading depends on the passages as they are):

- **a heading alone is never a hit**: heading passages are left out of the index; the
  heading gives context to the passages under it instead (``headings`` of each item, put in
  front of the embedded and lexical text when ``ItemOptions.heading_context``). Nor is a bare
  name line ("Østmark kommune", a signature): a few words with no digit and no sentence end,
  nor a block of header fields ("Fra: ...", "Høringssvar til: ... Avsender: ... Dato: ...");
- **short list items can travel with their lead-in** (``list_lead_in``, off: measured, it
  lost a little): a paragraph ending in ":" and the short list items right after it become
  one item that spans them all;
- **long unbroken text is split into sentence windows** (a letter without blank lines is one
  2,000-character "passage"): windows of whole sentences (``ingest.segment.sentence_spans``)
  of at most ``window_chars``, overlapping by one sentence.

Offsets stay offsets into the letter's text: a group spans its first to last passage (the
text between blocks is the "\\n\\n" the segmenter joins them with), a window is a slice of its
passage. A window's IRI is its passage's plus ``#window-N``; ``passage_iri`` in the index
payload names the graph's passage.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace

from graph.iris import IriMinter
from graph.queries import index_items
from graph.records import IndexItem
from graph.sparql import Clause, iri, named, values
from graph.store import GraphStore
from ingest.metadata import is_field_passage
from ingest.segment import sentence_spans

__all__ = [
    "WINDOW_MARK",
    "ItemOptions",
    "build_items",
    "current_options",
    "is_bare_line",
    "items_version",
    "passage_iri",
    "reshape",
]

WINDOW_MARK = "#window-"
_SEPARATOR = "\n\n"  # what ingest.segment.assemble puts between blocks


@dataclass(frozen=True, slots=True)
class ItemOptions:
    """How passages become index items; each switch was measured leave-one-hearing-out."""

    drop_headings: bool = True
    drop_bare_lines: bool = True  # "Østmark kommune", a signature: a line that is no statement
    # "Fra: ...", "Høringssvar til: ... Avsender: ... Dato: ...": a letter's header fields
    # (ingest.metadata.is_field_passage); the graph holds them as metadata.
    drop_field_lines: bool = True
    heading_context: bool = False
    # Off: lead-in groups lost a little on the six hearings (README "Evaluation"): a group's longer
    # text ranks below its one matching item.
    list_lead_in: bool = False
    list_item_max: int = 200  # a list item longer than this stands on its own
    group_max: int = 1200  # a lead-in group longer than this is not merged
    # Passages longer than this are split into windows of at most window_chars. Splitting shorter
    # passages cost answers (a window with the question's words outranked the one with the answer;
    # README "Evaluation"), so only really unbroken text is split.
    window_over: int = 1000
    window_chars: int = 600


DEFAULT_OPTIONS = ItemOptions()


def current_options() -> ItemOptions:
    """The options in force (a module attribute, so an experiment can swap them before indexing)."""
    return DEFAULT_OPTIONS


def items_version() -> str:
    """Short digest of the options in force: part of the index markers, so a change re-indexes."""
    return hashlib.sha256(repr(current_options()).encode()).hexdigest()[:8]


_BARE_MAX_WORDS = 3


def is_bare_line(text: str) -> bool:
    """A name, address or signature line: a few words, no digit, no sentence end. Never an answer."""
    words = text.split()
    return (
        len(words) <= _BARE_MAX_WORDS
        and not any(ch.isdigit() for ch in text)
        and not text.rstrip().endswith((".", "!", "?", ":", "»", '"'))
    )


def passage_iri(item_iri: str) -> str:
    """The graph passage an index item stands for (a window's passage, a group's first)."""
    return item_iri.partition(WINDOW_MARK)[0]


def passage_kinds(store: GraphStore, graph_iris: list[str] | None) -> dict[str, str]:
    clauses: list[Clause] = [] if graph_iris is None else [values("g", map(iri, graph_iris))]
    return {str(r["p"]): str(r["kind"]) for r in store.select(named("passage-kinds", *clauses))}


def build_items(
    store: GraphStore,
    iris: IriMinter,
    graph_iris: list[str] | None = None,
    options: ItemOptions | None = None,
) -> list[IndexItem]:
    """The index items of the given graphs (all when None): reshaped passages, then entities."""
    items = index_items(store, iris, graph_iris)
    if graph_iris is not None and not graph_iris:
        return items
    return reshape(items, passage_kinds(store, graph_iris), options or current_options())


def _windows(item: IndexItem, options: ItemOptions) -> list[IndexItem]:
    spans = sentence_spans(item.text)
    if len(spans) < 2:
        return [item]
    out: list[IndexItem] = []
    i = 0
    while i < len(spans):
        j = i + 1
        while j < len(spans) and spans[j][1] - spans[i][0] <= options.window_chars:
            j += 1
        s, e = spans[i][0], spans[j - 1][1]
        out.append(
            replace(
                item,
                iri=f"{item.iri}{WINDOW_MARK}{len(out)}",
                text=item.text[s:e],
                start=(item.start or 0) + s,
                end=(item.start or 0) + e,
            )
        )
        if j >= len(spans):
            break
        i = j - 1 if j - 1 > i else j  # overlap by one sentence
    return out


def _merge(group: list[IndexItem]) -> IndexItem:
    first = group[0]

    def union(attr: str) -> tuple[str, ...]:
        return tuple(sorted({v for it in group for v in getattr(it, attr)}))

    return replace(
        first,
        text=_SEPARATOR.join(it.text for it in group),
        end=group[-1].end,
        recommendations=union("recommendations"),
        pilots=union("pilots"),
        grant_schemes=union("grant_schemes"),
        actors=union("actors"),
    )


def _contiguous(a: IndexItem, b: IndexItem) -> bool:
    return a.end is not None and b.start == a.end + len(_SEPARATOR)


def reshape(
    items: list[IndexItem], kinds: dict[str, str], options: ItemOptions | None = None
) -> list[IndexItem]:
    """Apply the options to passages (entities pass through); see the module docstring."""
    options = options or current_options()
    by_doc: dict[str, list[IndexItem]] = defaultdict(list)
    out: list[IndexItem] = []
    for it in items:
        if it.kind == "passage":
            by_doc[it.document_iri or it.graph_iri].append(it)
        else:
            out.append(it)
    shaped: list[IndexItem] = []
    for doc in sorted(by_doc):
        passages = sorted(by_doc[doc], key=lambda p: p.passage_index or 0)
        i = 0
        while i < len(passages):
            p = passages[i]
            kind = kinds.get(p.iri, "paragraph")
            if (
                (kind == "heading" and options.drop_headings)
                or (options.drop_bare_lines and kind == "paragraph" and is_bare_line(p.text))
                or (options.drop_field_lines and is_field_passage(p.text))
            ):
                i += 1
                continue
            if options.list_lead_in and kind == "paragraph" and p.text.rstrip().endswith(":"):
                group = [p]
                j = i + 1
                while (
                    j < len(passages)
                    and kinds.get(passages[j].iri) == "list-item"
                    and len(passages[j].text) <= options.list_item_max
                    and _contiguous(group[-1], passages[j])
                ):
                    group.append(passages[j])
                    j += 1
                if len(group) > 1 and sum(len(g.text) for g in group) <= options.group_max:
                    shaped.append(_merge(group))
                    i = j
                    continue
            if options.window_over and len(p.text) > options.window_over:
                shaped.extend(_windows(p, options))
            else:
                shaped.append(p)
            i += 1
    return shaped + out
