"""Two things entity linking reads around the names themselves: the letter's frame, and schemes named by what they fund.

*The frame.* A letter's own name in its letterhead, page heading, address or footer line and
signature block is the letter introducing itself, not a mention of the sender in what it
says; a place after a postcode ("6899 Brattvik") is an address, not the municipality. The
body starts at the first real sentence and ends at the signature opener ("Med vennlig
hilsen", from ``ingest/lexicon/metadata.yaml``).

*Schemes by description.* A grant scheme named "Tilskudd til klimatilpasningstiltak i små
kommuner" is often referred to by what it funds or whom: "tilskotsordninga for
klimatilpassingstiltak", "tilskuddsordning for små kommuner", "ordninga for leirskule"
(for "Tilskot til leirskuleopphald"). :class:`SchemeReferences` reads the topic and the
qualifier from each scheme's own name in the reference data and finds such phrases: a
head noun (tilskudd, tilskotsordning, støtteordning, ordninga ...), a connector (til, for),
then the topic (same stem, a misspelling, or its first compound parts) or the qualifier
(the same words in another standard). Head nouns and connectors are data
(``ingest/lexicon/letters.yaml``); nothing here knows a hearing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from ingest._morph import decompound, stem, tokens
from ingest.lexicon import letters
from ingest.model import Passage, PassageKind

__all__ = [
    "Frame",
    "SchemeReference",
    "SchemeReferences",
    "after_postcode",
    "fold_spelling",
    "frame_passages",
]

FUZZY_MIN = 88.0


@cache
def _contact_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in letters().contact_line)


@cache
def _postcode_before() -> re.Pattern[str]:
    return re.compile(letters().postcode_before)


@cache
def _opener() -> re.Pattern[str]:
    words = sorted(letters().signature_openers, key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(re.escape(w) for w in words) + r")(?![\wæøå])", re.IGNORECASE)


def is_contact_line(text: str) -> bool:
    """An address, e-mail, phone, page-number or header line ("Fra:", "Til:")."""
    return any(p.search(text) for p in _contact_patterns())


def after_postcode(text: str, start: int) -> bool:
    """True when the word at ``start`` follows a postcode ("0032 Oslo")."""
    return _postcode_before().search(text[max(0, start - 12) : start]) is not None


@dataclass(frozen=True, slots=True)
class Frame:
    """Passages around a letter's body, by index."""

    own_name: frozenset[
        int
    ]  # where the sender's own name is no mention: letterhead line, contact lines, signature
    outside: frozenset[int]  # everything before the first sentence, contact lines, the signature block


def frame_passages(passages: Iterable[Passage], sender_name: str | None) -> Frame:
    """The letter's frame: its first line (letterhead or page heading), contact lines, lines that are
    only the sender's name, and the signature block; ``outside`` adds all before the first sentence.

    A subject line before the body ("Høyringssvar frå X – NOU ...") still names the sender."""
    items = list(passages)
    body_start = next(
        (
            p.index
            for p in items
            if p.kind is not PassageKind.HEADING
            and not is_contact_line(p.text)
            and len(p.text.split()) >= 6
            and p.text.rstrip()[-1:] in '.!?:»"'
        ),
        None,
    )
    if body_start is None:
        return Frame(frozenset(), frozenset())
    name = " ".join((sender_name or "").lower().split())
    own = {items[0].index} if items and items[0].index < body_start else set()
    closing = next((p.index for p in items if p.index > body_start and _opener().match(p.text.strip())), None)
    if closing is not None:
        own |= {p.index for p in items if p.index >= closing}
    for p in items:
        line = " ".join(p.text.lower().split()).strip(" .,:;")
        if is_contact_line(p.text) or (name and line == name):
            own.add(p.index)
    outside = own | {p.index for p in items if p.index < body_start}
    return Frame(frozenset(own), frozenset(outside))


def fold_spelling(word: str) -> str:
    """Spelling variants of one sound folded ("flexiskyss" → "fleksiskyss"), for comparing misspellings."""
    word = word.lower()
    for a, b in letters().orthographic.items():
        word = word.replace(a, b)
    return word


# -- grant schemes named by what they fund ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SchemeReference:
    start: int
    end: int
    scheme_id: str
    by_topic: bool  # the topic named (stronger), or only the qualifier


@dataclass(frozen=True, slots=True)
class _Described:
    scheme_id: str
    topic: str  # stem of the first content word ("klimatilpasningstiltak")
    topic_parts: tuple[str, ...]  # its compound parts, stemmed
    qualifier: tuple[str, ...]  # stems of the words after "i"/"for"/"til" in the name ("små", "kommun")


def _stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(w) for w in words)


class SchemeReferences:
    """Descriptive references to the grant schemes of one reference data set."""

    def __init__(self, schemes: dict[str, list[str]]) -> None:
        lex = letters()
        connectors = "|".join(sorted(lex.scheme_connectors))
        name_form = re.compile(
            rf"^(?:tilskudd|tilskot|tilskott|støtte)\s+(?:{connectors})\s+(.+)$", re.IGNORECASE
        )
        self._described: list[_Described] = []
        for scheme_id, variants in schemes.items():
            for variant in dict.fromkeys(variants):
                m = name_form.match(variant.strip())
                if m is None:
                    continue
                words = [t.text.lower() for t in tokens(m.group(1))]
                if not words:
                    continue
                rest = words[1:]
                qualifier: tuple[str, ...] = ()
                for i, w in enumerate(rest):
                    if w in ("i", "for", "til", "på", "med") and len(rest) - i - 1 >= 2:
                        qualifier = _stems(rest[i + 1 :])
                        break
                parts = _stems(decompound(words[0]))
                self._described.append(_Described(scheme_id, stem(words[0]), parts, qualifier))
        heads = "|".join(lex.scheme_heads)
        self._phrase = re.compile(rf"(?<![\wæøå-])(?:{heads})\s+(?:{connectors})\s+", re.IGNORECASE)
        self._fillers = lex.scheme_fillers

    def find(self, text: str) -> list[SchemeReference]:
        if not self._described:
            return []
        out: list[SchemeReference] = []
        for m in self._phrase.finditer(text):
            # The words after the connector, up to the end of the clause.
            clause = re.split(r"[.,;:()\n]", text[m.end() : m.end() + 120])[0]
            toks = [t for t in tokens(clause)][:6]
            while toks and toks[0].text.lower() in self._fillers:
                toks = toks[1:]
            if not toks:
                continue
            found = self._match([t.text for t in toks])
            if found is None:
                continue
            scheme_id, n, by_topic = found
            out.append(SchemeReference(m.start(), m.end() + toks[n - 1].end, scheme_id, by_topic))
        return out

    def _match(self, words: list[str]) -> tuple[str, int, bool] | None:
        """The one scheme these words name (its id, how many words, whether by topic), else None."""
        stems = _stems(words)
        first = stems[0]
        first_parts = _stems(decompound(words[0]))
        by_topic: dict[str, int] = {}
        by_qualifier: dict[str, int] = {}
        for d in self._described:
            same = first == d.topic or (
                len(first) >= 8 and fuzz.ratio(fold_spelling(first), fold_spelling(d.topic)) >= FUZZY_MIN
            )
            # "leirskule" for "leirskuleopphald": the word is the topic's leading compound parts.
            leading = len(d.topic_parts) > 1 and d.topic_parts[: len(first_parts)] == first_parts
            if same or leading:
                by_topic[d.scheme_id] = 1
            q = len(d.qualifier)
            if q and tuple(stems[:q]) == d.qualifier:
                by_qualifier[d.scheme_id] = q
        for found, topic in ((by_topic, True), (by_qualifier, False)):
            if len(found) == 1:
                scheme_id, n = next(iter(found.items()))
                return scheme_id, n, topic
        return None
