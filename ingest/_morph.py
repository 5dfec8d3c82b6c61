"""Norwegian word-form helpers shared by linking and stance: tokens, light stemming, nynorsk spellings.

Deliberately small and predictable: entity names in hearing letters vary by inflection
(definite, plural, genitive -s), by written standard (tilskudd/tilskot, bolig/bustad) and
by typos; a suffix-stripping stem plus a handful of nynorsk→bokmål spellings covers that,
and rapidfuzz covers the typos.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Token", "slugify", "stem", "tokens"]

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:-[0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*-?")

# Nynorsk (and older bokmål) spellings mapped to the bokmål form the reference data uses.
_NN_TO_NB = (
    ("tilskot", "tilskudd"),
    ("tilskott", "tilskudd"),
    ("omsorgsbustad", "omsorgsbolig"),
    ("bustad", "bolig"),
    ("sjukeheim", "sykehjem"),
    ("kommunar", "kommuner"),
    ("tilrådinga", "anbefalingen"),
    ("tilråding", "anbefaling"),
    ("utgreiing", "utredning"),
    ("høyring", "høring"),
    ("styresmakt", "myndighet"),
    ("øyremerk", "øremerk"),
    ("løysing", "løsning"),
    ("verkemiddel", "virkemiddel"),
    ("verkemidl", "virkemidl"),
    ("rettleiar", "veileder"),
    ("rettleiing", "veiledning"),
    ("ulikskap", "ulikhet"),
    ("tenest", "tjenest"),
    ("samordna", "samordnet"),
    ("rapportar", "rapporter"),
    ("folkevald", "folkevalgt"),
    ("utgreie", "utrede"),
    ("innbyggjar", "innbygger"),
    ("forsking", "forskning"),
)
# Inflectional endings, longest first; stripped only when a stem of 4+ letters remains.
_SUFFIXES = (
    "anes", "enes", "ets", "ens", "ane", "ene", "ar", "er", "et", "en", "as", "es", "a", "e", "s", "r",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokens(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def to_bokmaal(word: str) -> str:
    word = word.lower()
    for nn, nb in _NN_TO_NB:
        if nn in word:
            word = word.replace(nn, nb)
    return word


def stem(word: str) -> str:
    """Lower-cased, nynorsk spellings mapped, one inflectional ending stripped."""
    word = to_bokmaal(word.strip("-"))
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def slugify(name: str) -> str:
    """'Sørvik kommune' -> 'sorvik-kommune' (ø→o, æ→ae, å→a), stable on every machine."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
