"""Organisations and initiatives a letter names that are not in the reference data.

Norwegian public bodies are named by pattern: "<Name> kommune", "<Name> fylkeskommune",
"Statsforvalteren i <Region>" (nynorsk "Statsforvaltaren"), "<Name> regionråd",
"<Name>direktoratet/-tilsynet/-etaten", "<Name>forbundet", "Forbundet for <profession>".
Each becomes a typed actor whose id is the slug of its normalised name, so "NORDFJELL
KOMMUNE" and "Nordfjell kommune" are one actor. Initiatives are found only where the
letter says what they are ("tjenesten Fjordlandsprofilen", "satsingen «Tett på»"): a bare
capitalised word is too often just a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest._morph import slugify
from ingest.lexicon import entities
from ingest.model import ActorType

__all__ = ["NewEntity", "actor_type_for_name", "find_new_actors", "find_new_pilots", "new_actor_id"]

# "<Name> kommune", "Statsforvalteren i <Region>", "<Name>forbundet": data in ingest/lexicon/entities.yaml.
_NEW_ACTOR_PATTERNS: tuple[tuple[re.Pattern[str], ActorType], ...] = tuple(
    (pattern, ActorType(actor_type)) for actor_type, pattern in entities().name_patterns
)
# Capitalised words that start a sentence, not a name ("Hver kommune", "Denne kommune"), and the
# nouns that introduce an initiative's name: data in ingest/lexicon/entities.yaml.
_NOT_NAMES = entities().not_names
_INITIATIVE = "(?:" + "|".join(sorted(entities().initiative_nouns, key=len, reverse=True)) + ")"
_QUOTED_INITIATIVE = re.compile(rf"\b{_INITIATIVE}\s*,?\s+«([A-ZÆØÅ][^»\n]{{1,60}})»")
_NAMED_INITIATIVE = re.compile(
    rf"\b{_INITIATIVE}\s*,?\s+([A-ZÆØÅ][a-zæøå]{{5,}}(?:-[A-ZÆØÅ]?[a-zæøå]+)?)(?=[\s,.;:)]|$)"
)


@dataclass(frozen=True, slots=True)
class NewEntity:
    start: int
    end: int
    name: str  # as written
    actor_type: ActorType | None  # None for an initiative


def actor_type_for_name(name: str) -> ActorType:
    """The type an organisation's name implies (senders, and organisations not in the reference).

    The first rule of ``entities.yaml`` ``actor_types`` whose pattern is in the lower-cased name wins.
    """
    low = name.lower()
    for actor_type, pattern in entities().actor_types:
        if pattern.search(low):
            return ActorType(actor_type)
    return ActorType.OTHER


def new_actor_id(name: str) -> str:
    """'Statsforvaltaren i Fjordland' → 'statsforvalteren-fjordland'; otherwise the slug of the name."""
    m = re.match(r"(?i)statsforvalt(?:eren|aren)\s+i\s+(.+)$", name)
    if m:
        return "statsforvalteren-" + slugify(m.group(1))
    return slugify(name)


def _non_overlapping(found: list[NewEntity]) -> list[NewEntity]:
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[NewEntity] = []
    for f in found:
        if not any(k.start < f.end and f.start < k.end for k in kept):
            kept.append(f)
    return kept


def find_new_actors(text: str) -> list[NewEntity]:
    """Organisation names by pattern, longest non-overlapping first."""
    found: list[NewEntity] = []
    for pattern, actor_type in _NEW_ACTOR_PATTERNS:
        for m in pattern.finditer(text):
            first = m.group(0).split()[0].lower()
            if first in _NOT_NAMES:
                continue
            words = m.group(0).split()
            if "og" in words and words[words.index("og") - 1] == words[words.index("og") + 1]:
                continue  # "Vestland og Vestland fylkeskommune" is two names
            found.append(NewEntity(m.start(), m.end(), m.group(0), actor_type))
    return _non_overlapping(found)


def find_new_pilots(text: str, known_words: frozenset[str]) -> list[NewEntity]:
    """Initiatives the letter introduces by what they are: «quoted» or a capitalised compound after the noun."""
    found: list[NewEntity] = []
    for pattern in (_QUOTED_INITIATIVE, _NAMED_INITIATIVE):
        for m in pattern.finditer(text):
            name = m.group(1).strip()
            if name.lower() in known_words or name.lower() in _NOT_NAMES:
                continue
            start, end = m.start(1), m.end(1)
            if pattern is _QUOTED_INITIATIVE:  # the name as written includes its quotation marks
                start, end = start - 1, end + 1
            found.append(NewEntity(start, end, name, None))
    return _non_overlapping(found)
