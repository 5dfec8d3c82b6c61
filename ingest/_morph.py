"""Norwegian word-form helpers shared by linking, relevance and stance: tokens, light stemming, spellings, compounds.

Deliberately small and predictable: entity names in hearing letters vary by inflection
(definite, plural, genitive -s), by written standard (tilskudd/tilskot, bolig/bustad) and
by typos; a suffix-stripping stem plus the nynorsk→bokmål spellings of
``ingest/lexicon/spellings.yaml`` covers that, and rapidfuzz covers the typos.

Compounds are split by :func:`decompound` against the bokmål and nynorsk word lists that
simplemma ships (already a dependency), plus any vocabulary the caller knows (a hearing's
own words): "generalistkommunesystemet" and "generalistkommuneprinsippet" then share
"generalist" and "kommune".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import simplemma

from ingest.lexicon import cues, morphology, normalise_dashes, spellings, stop_words

__all__ = ["Token", "decompound", "normalise_dashes", "slugify", "stem", "to_bokmaal", "tokens"]

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:-[0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*-?")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written (dashes read as hyphens)
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokens(text: str) -> list[Token]:
    """Words with offsets; "hus–hytte" (en dash) is one token "hus-hytte", as with a hyphen."""
    return [Token(m.group(0), m.start(), m.end()) for m in _WORD.finditer(normalise_dashes(text))]


def to_bokmaal(word: str) -> str:
    """The word lower-cased with nynorsk spellings folded to bokmål, in one pass, longest first."""
    word = word.lower()
    sp = spellings()
    whole = sp.whole.get(word)
    if whole is not None:
        return whole
    return sp.inside_pattern.sub(lambda m: dict(sp.inside)[m.group(0)], word)


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """Lower-cased, nynorsk spellings mapped, one inflectional ending stripped (remembered: linking and
    relevance stem the same words of a letter against many aliases and proposals)."""
    word = to_bokmaal(normalise_dashes(word).strip("-"))
    for suffix in morphology().suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def slugify(name: str) -> str:
    """'Sørvik kommune' -> 'sorvik-kommune' (ø→o, æ→ae, å→a), stable on every machine."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# -- compounds -------------------------------------------------------------------------------------
@lru_cache(maxsize=200_000)
def _known(word: str) -> bool:
    """A bokmål or nynorsk word form simplemma knows (nynorsk spellings also through their bokmål form)."""
    if len(word) < morphology().min_part or word in stop_words().all or word in cues().negators:
        return False
    if simplemma.is_known(word, lang="nb") or simplemma.is_known(word, lang="nn"):
        return True
    folded = to_bokmaal(word)
    return folded != word and simplemma.is_known(folded, lang="nb")


def _modifier(part: str, vocabulary: frozenset[str]) -> tuple[str, int] | None:
    """A compound's first part as a word, and whether a fugue was dropped: "distrikts" → ("distrikt", 1)."""
    for fugue in morphology().fugues:
        base = part[: -len(fugue)]
        # The genitive/linking -s is preferred over the form as written ("fylkes" → "fylke").
        if (
            part.endswith(fugue)
            and (fugue == "s" or not _is_word(part, vocabulary))
            and _is_word(base, vocabulary)
        ):
            return base, 1
    if _is_word(part, vocabulary):
        return part, 0
    return None


def _is_word(word: str, vocabulary: frozenset[str]) -> bool:
    return len(word) >= morphology().min_part and (word in vocabulary or _known(word))


def _key(parts: tuple[str, ...], fugues: int, vocabulary: frozenset[str]) -> tuple[int, int, int, int]:
    """Fewest parts; then parts the caller's vocabulary has; then more fugues ("bygning-s-loven",
    not "bygning-sloven"); then the longest shortest part ("legevakt-sentral", not "lege-vaktsentral")."""
    return (len(parts), -sum(p in vocabulary for p in parts), -fugues, -min(len(p) for p in parts))


@cache
def _split(word: str, vocabulary: frozenset[str], whole: bool = True) -> tuple[tuple[str, ...], int] | None:
    """The best split of a word into known parts (fugues dropped) and its fugue count; None if there is none.

    ``whole=False`` asks for a real split of a word that is itself known: then each half must
    be a clear word of 5+ letters in its base form ("kommunesystemet" → "kommune" + "systemet",
    but "fellesskapene" is no "felle" + "skapene").
    """
    min_part = morphology().min_part
    best: tuple[tuple[str, ...], int] | None = ((word,), 0) if whole and _is_word(word, vocabulary) else None
    for i in range(min_part, len(word) - min_part + 1):
        head = _modifier(word[:i], vocabulary)
        if head is None:
            continue
        if whole:
            rest = _split(word[i:], vocabulary)
        elif len(head[0]) >= 5 and _is_word(word[i:], vocabulary) and len(_lemma(word[i:])) >= 5:
            rest = _split(word[i:], vocabulary, False) or ((word[i:],), 0)
        else:
            rest = None
        if rest is None:
            continue
        cand = ((head[0], *rest[0]), head[1] + rest[1])
        if best is None or _key(*cand, vocabulary) < _key(*best, vocabulary):
            best = cand
    return best


@lru_cache(maxsize=50_000)
def _lemma(word: str) -> str:
    return str(simplemma.lemmatize(word, lang=("nb", "nn")))


def _resplit(part: str, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """A lexicalised compound inside a longer one, split when both halves are clear words.

    "generalistkommunesystemet" is first "generalist" + "kommunesystemet" (a word simplemma
    knows); splitting that again lets it share "kommune" with "generalistkommuneprinsippet".
    """
    found = _split(part, vocabulary, False)
    return found[0] if found is not None else (part,)


# A long word simplemma knows as a whole ("kommunesektoren", "tilskuddsordning") is split too.
_RESPLIT_WHOLE = 12


def decompound(word: str, vocabulary: Iterable[str] = ()) -> tuple[str, ...]:
    """The parts of a Norwegian compound, lower-cased: ``("distrikt", "fastlege", "tilskudd")``.

    Returns the fewest parts that are each a known bokmål/nynorsk word (simplemma's word
    lists, or ``vocabulary``, e.g. a hearing's own words), each of at least ``min_part``
    letters and no function word; linking letters (-s-, -e-) are dropped from the first
    parts; the last part keeps its inflection as written ("...systemet"), so callers stem it.
    A hyphenated word is split at its hyphens (en dashes count as hyphens) and each piece
    decompounded. A word that is not a compound, or cannot be split into known parts,
    returns ``(word.lower(),)``. Pure and deterministic; cached per word.
    """
    vocab = frozenset(w.lower() for w in vocabulary)
    out: list[str] = []
    for piece in normalise_dashes(word).lower().split("-"):
        if not piece:
            continue
        found = _split(piece, vocab)
        if found is None or (len(found[0]) == 1 and len(piece) < _RESPLIT_WHOLE):
            out.append(piece)
            continue
        for part in found[0]:
            out.extend(_resplit(part, vocab))
    return tuple(out) if out else (word.lower(),)
