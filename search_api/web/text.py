"""Norwegian labels and the HTML of marked text: matched words in a hit, positions and links in a letter.

Everything returned as :class:`markupsafe.Markup` is built from escaped pieces only, so letter text
can never inject markup into a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import quote

from markupsafe import Markup, escape

from graph.entities import MentionInfo, PassageInfo
from graph.records import TargetPosition
from ingest.lexical import analyze

__all__ = [
    "ACTOR_TYPES",
    "LANGUAGES",
    "RELATIONS",
    "STANCE_LABELS",
    "STANCE_SHORT",
    "WHY",
    "LetterPassage",
    "actor_type_label",
    "letter_passages",
    "mark_words",
    "stance_label",
]

# Labels of the stances (ingest.model.STANCES, in that order) and of a reviewer's "rejected".
STANCE_LABELS = {
    "supports": "Støtter",
    "qualified": "Støtter med forbehold",
    "opposes": "Går imot",
    "mentions": "Nevner",
    "rejected": "Avvist (ingen holdning)",
}
ACTOR_TYPES = {
    "ministry": "Departement",
    "commission": "Utvalg",
    "state-agency": "Statlig etat",
    "county-governor": "Statsforvalter",
    "county": "Fylkeskommune",
    "municipality": "Kommune",
    "municipal-group": "Kommunegruppe",
    "interest-organisation": "Interesseorganisasjon",
    "union": "Fagforening",
    "research": "Forskning",
    "other": "Annen",
}
# Short codes for the matrix cells (the colour is never the only sign).
STANCE_SHORT = {"supports": "S", "qualified": "F", "opposes": "M", "mentions": "N"}
RELATIONS = {"participant": "deltaker", "administers": "forvalter", "mentioned": "nevnt"}
LANGUAGES = {"nb": "Bokmål", "nn": "Nynorsk"}
WHY = {
    "text": "meningen i teksten",
    "words": "ordene i spørsmålet",
    "actor": "avsenderen spørsmålet nevner",
    "proposal": "forslaget spørsmålet gjelder",
    "position": "et standpunkt til forslaget",
    "actor type": "typen avsender spørsmålet spør etter",
    "no comments": "et svar uten merknader",
    "endorsement": "at svaret slutter seg til et annet høringssvar",
    "pilot or grant scheme": "piloten eller tilskuddsordningen spørsmålet gjelder",
}


def stance_label(stance: str | None) -> str:
    return STANCE_LABELS.get(stance or "", stance or "ukjent")


def actor_type_label(actor_type: str | None) -> str:
    return ACTOR_TYPES.get(actor_type or "", actor_type or "ukjent")


_WORD = re.compile(r"\w+(?:-\w+)*")


def mark_words(text: str, question: str) -> Markup:
    """``text`` with every word that shares an index term with ``question`` in ``<mark>``.

    The terms are the lexical search's own (stemmed, nynorsk folded onto bokmål, stop words
    dropped), so a marked word is one the word search matched on.
    """
    wanted = set(analyze(question))
    out: list[str] = []
    last = 0
    for m in _WORD.finditer(text):
        if wanted and wanted.intersection(analyze(m.group())):
            out.append(str(escape(text[last : m.start()])))
            out.append(f"<mark>{escape(m.group())}</mark>")
            last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


@dataclass(frozen=True, slots=True)
class LetterPassage:
    """One passage of a letter, ready to show: its HTML and the positions stated in it."""

    index: int
    start: int
    kind: str | None
    html: Markup
    positions: list[TargetPosition]
    is_target: bool


def _mention_href(m: MentionInfo) -> str:
    if m.kind == "actor":
        return f"/aktorer/{quote(m.entity_id, safe='')}"
    return f"/enheter/{quote(m.kind, safe='')}/{quote(m.entity_id, safe='')}"


def _segments(
    text: str,
    start: int,
    end: int,
    mentions: Sequence[MentionInfo],
    quotes: Iterable[tuple[int, int, str]],
    target: tuple[int, int] | None,
) -> Markup:
    """The passage ``text[start:end]`` cut at every span edge; each piece wrapped in the spans covering it."""
    quote_spans = [(max(s, start), min(e, end), stance) for s, e, stance in quotes if s < end and e > start]
    cuts = {start, end}
    for m in mentions:
        cuts.update((max(m.start, start), min(m.end, end)))
    for s, e, _ in quote_spans:
        cuts.update((s, e))
    if target:
        cuts.update((max(target[0], start), min(target[1], end)))
    edges = sorted(c for c in cuts if start <= c <= end)
    out: list[str] = []
    for a, b in pairwise(edges):
        if a == b:
            continue
        piece = str(escape(text[a:b]))
        mention = next((m for m in mentions if m.start <= a and b <= m.end), None)
        if mention is not None:
            piece = f'<a href="{escape(_mention_href(mention))}">{piece}</a>'
        stances = [st for s, e, st in quote_spans if s <= a and b <= e]
        if stances:
            piece = f'<mark class="quote stance-{escape(stances[0])}">{piece}</mark>'
        if target and target[0] <= a and b <= target[1]:
            piece = f'<span class="hit">{piece}</span>'
        out.append(piece)
    return Markup("".join(out))


def letter_passages(
    text: str,
    passages: Sequence[PassageInfo],
    positions: Sequence[TargetPosition],
    target: tuple[int, int] | None = None,
) -> list[LetterPassage]:
    """The letter's passages with entity links and the quotes of its positions marked by their offsets.

    ``target`` (character offsets) is the range a search hit pointed at; the passage holding its
    start is flagged so the page can scroll there.
    """
    out: list[LetterPassage] = []
    quotes = [(p.start, p.end, p.stance) for p in positions if p.start is not None and p.end is not None]
    for p in passages:
        own = [
            pos
            for pos in positions
            if pos.start is not None and pos.end is not None and pos.start < p.end and pos.end > p.start
        ]
        html = _segments(text, p.start, p.end, p.mentions, quotes, target)
        is_target = target is not None and p.start <= target[0] < max(p.end, p.start + 1)
        out.append(LetterPassage(p.index, p.start, p.kind, html, own, is_target))
    if target is not None and out and not any(p.is_target for p in out):
        # A hit that starts between passages (a heading window, say): the next passage is its place.
        following = next((i for i, p in enumerate(passages) if p.start >= target[0]), len(out) - 1)
        lp = out[following]
        out[following] = LetterPassage(lp.index, lp.start, lp.kind, lp.html, lp.positions, True)
    return out
