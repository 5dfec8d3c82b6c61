"""Norwegian-aware lexical analysis (bokmål and nynorsk) and BM25-style sparse vectors.

The sparse vector is the lexical half of hybrid search. Documents get BM25 term-frequency
saturation weights ``tf·(k1+1) / (tf + k1·(1 − b + b·len/avgdl))``; the query side is a
plain bag of terms with weight 1. IDF is *not* computed here: Qdrant applies it at search
time through ``Modifier.IDF`` on the sparse vector, so adding a letter never requires
re-weighting the others.

Analysis of one token:

1. NFC + lower-case; split on everything that is not a letter or digit, but keep both the
   parts of a hyphenated compound (``luft-til-vann-varmepumper`` → ``luft``, ``til``,
   ``vann``, ``varmepumper``) and the joined form (``lufttilvannvarmepumper``), so the
   compound matches whether a writer hyphenates it or not;
2. stop words for bokmål, nynorsk and a few English function words (``ingest/lexicon``) (questions come in
   English too, and "to"/"for"/"i" collide with Norwegian). Negations (ikke/ikkje,
   ingen, uten/utan) are kept: "ikke enige" is a position; IDF keeps them light;
3. Snowball "norwegian" stemmer (PyStemmer). It already folds many nynorsk inflections
   onto bokmål ones (kommunar/kommunane/kommuner/kommunene → ``kommun``);
4. the nynorsk→bokmål table of ``ingest/lexicon/spellings.yaml`` (shared with entity
   linking and stance) for words where the two written standards use different stems
   (tilskot→tilskudd, bustad→bolig, tilråding→anbefaling ...): long stems folded inside
   the word, so the head or tail of compounds follows (``tilskotsordning``,
   ``omsorgsbustad``), short words on their stem. ``tests/test_lexical.py`` has the
   measured pairs.

Snowball and the table join far more of the nynorsk/bokmål word pairs of
``tests/test_lexical.py`` than simplemma's lemmas, which treat the two standards
inconsistently (``midler``→``middel`` but ``midlar`` unchanged, ``tilskotet`` not at all);
the figures are in the README's "Evaluation".

Token ids are ``blake2b(term, digest_size=4)`` as an unsigned 32-bit int, identical on
every machine and Python version (unlike ``hash()``); collisions at this vocabulary size
are rare and only merge two rare terms.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import Stemmer

from ingest._morph import normalise_dashes, to_bokmaal
from ingest.lexicon import spellings, stop_words

__all__ = [
    "DEFAULT_AVG_LEN",
    "DEFAULT_B",
    "DEFAULT_K1",
    "QUERY_STOP_WORDS",
    "STOP_WORDS",
    "analyze",
    "query_sparse_vector",
    "sparse_vector",
    "term_id",
    "tokenize",
]

# BM25 defaults (Robertson/Zaragoza). avgdl is nominal: the index is incremental, so a true
# corpus average would change with every letter; a typical paragraph is ~40 content terms.
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75
DEFAULT_AVG_LEN = 40.0

# Function words of bokmål, nynorsk and English (``ingest/lexicon/stopwords.yaml``). English
# questions are embedded well, but their function words must not match Norwegian homographs
# ("to" = two, "for", "i", "at", "by" = town).
STOP_WORDS: frozenset[str] = stop_words().all

# Dropped from questions only (documents keep them): words that name the hearing's letters
# themselves ("Hvilke høringsinstanser ...", "Which respondents ...") and the particle fram/frem
# ("trekker fram", "ser fram til"). Each letter has them once, in its title or closing line,
# so passage-level IDF rates them as rare and the lexical list fills with "Høringssvar fra ..."
# headers instead of answers.
QUERY_STOP_WORDS: frozenset[str] = stop_words().query_only

_STEMMER = Stemmer.Stemmer("norwegian")
# Letters and digits; everything else separates. Hyphens and slashes inside a word are
# handled by _COMPOUND first so the joined form is kept too.
_WORD = re.compile(r"[^\W_]+(?:[-/]+[^\W_]+)*", re.UNICODE)
_PART = re.compile(r"[^\W_]+", re.UNICODE)


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _build_exact() -> dict[str, str]:
    # Long nynorsk stems are folded inside the word *before* stemming (``_morph.to_bokmaal``,
    # one pass, longest first), so inflected forms and compounds follow (bustad-ene,
    # omsorgs-bustader, tilskot-s-ordning) and the result is stemmed exactly like the bokmål
    # word; Snowball treats a compound's tail differently from the bare word
    # ("boliger"→"bol" but "omsorgsboliger"→"omsorgsbo"), so mapping stems afterwards would
    # miss compounds. Short words would hit unrelated words as substrings: those ("whole" in
    # spellings.yaml) map on the stem, so their inflections follow too ("samde" → "enige").
    exact: dict[str, str] = {}
    for nn, nb in spellings().whole.items():
        if _stem(nn) != _stem(nb):
            exact[_stem(nn)] = _stem(nb)
    return exact


_EXACT = _build_exact()


@lru_cache(maxsize=200_000)
def _normalise_term(word: str) -> str:
    """Stem one lower-cased word after folding nynorsk words onto bokmål ones."""
    s = _stem(to_bokmaal(word))
    # Snowball leaves bokmål definite plurals in -erne as "-ern" ("innbyggerne"); nynorsk
    # "-arane" (folded to "-erane") stems to "-er", so meet there.
    if len(s) >= 7 and s.endswith("ern"):
        s = s[:-1]
    return _EXACT.get(s, s)


def tokenize(text: str) -> list[str]:
    """Lower-cased NFC words, compounds split into parts plus their joined form; no stop words."""
    text = normalise_dashes(unicodedata.normalize("NFC", text)).lower()  # "hus–hytte" = "hus-hytte"
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        parts = _PART.findall(word)
        if len(parts) > 1:
            out.extend(p for p in parts if p not in STOP_WORDS)
            # "søknads-" in "søknads-, rapporterings- og ..." has one part: nothing to join.
            out.append("".join(parts))
        elif word not in STOP_WORDS:
            out.append(word)
    return out


def analyze(text: str) -> list[str]:
    """Index terms of a text: tokens, stemmed and folded nynorsk→bokmål."""
    return [_normalise_term(t) for t in tokenize(text)]


def term_id(term: str) -> int:
    """Stable uint32 id of a term (same on every machine)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")


def _merge(weights: dict[int, float]) -> tuple[list[int], list[float]]:
    indices = sorted(weights)
    return indices, [weights[i] for i in indices]


def sparse_vector(
    text: str, *, k1: float = DEFAULT_K1, b: float = DEFAULT_B, avg_len: float = DEFAULT_AVG_LEN
) -> tuple[list[int], list[float]]:
    """Document-side sparse vector: BM25 term-frequency saturation, length-normalised.

    Returns sorted ``(indices, values)``; empty lists for a text without content words.
    """
    terms = analyze(text)
    if not terms:
        return [], []
    norm = k1 * (1.0 - b + b * len(terms) / avg_len)
    weights: dict[int, float] = {}
    for term, tf in Counter(terms).items():
        tid = term_id(term)
        # Two terms hashing to one id add up rather than overwrite.
        weights[tid] = weights.get(tid, 0.0) + tf * (k1 + 1.0) / (tf + norm)
    return _merge(weights)


@lru_cache(maxsize=1)
def _query_stop_terms() -> frozenset[str]:
    return frozenset(_normalise_term(w) for w in QUERY_STOP_WORDS)


def query_sparse_vector(text: str) -> tuple[list[int], list[float]]:
    """Query-side sparse vector: each distinct term once, weight 1 (Qdrant multiplies by IDF).

    Terms of :data:`QUERY_STOP_WORDS` are left out.
    """
    drop = _query_stop_terms()
    return _merge(dict.fromkeys((term_id(t) for t in analyze(text) if t not in drop), 1.0))
