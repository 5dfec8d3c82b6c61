"""Which recommendation or assessment a sentence is about: a relevance score per target.

Signals, summed:

- lexical: the target's distinctive word stems (title counted twice, text, theme labels at
  a lower weight), weighted by inverse frequency over the targets, matched on stems with
  compound awareness ("rapporteringskrava" contains "rapportering"), nynorsk spellings
  mapped to bokmål by ``ingest._morph.stem``;
- grant schemes the sentence names that the target concerns (R2 ↔ investeringstilskuddet);
- the chapter named in the sentence or in the heading above it ("kapittel 7.3");
- the heading above the sentence, lexically, at a lower weight: sections are often named
  after the proposal they discuss ("Bemanningsnormene");
- e5 similarity of the sentence to the target (when an embedder is given), centred per
  sentence so only a clear preference counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ingest import _cues
from ingest._morph import decompound, stem, tokens
from ingest.embedding import Embedder
from ingest.lexicon import stop_words
from ingest.reference import ReferenceData, Target

__all__ = ["Relevance", "TargetIndex"]

Matrix = npt.NDArray[np.float32]

_CHAPTER = re.compile(r"\bkap(?:ittel|itel|\.)?\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
GRANT_BONUS = 0.6
CHAPTER_BONUS = 0.7  # shared by the targets of the chapter named
HEADING_WEIGHT = 0.35
EMBEDDING_SCALE = 10.0
EMBEDDING_FLOOR = 0.03  # e5 cosine above the sentence's mean over targets
MAX_EMBED_CHARS = 1200  # of one sentence sent to the embedder
SINGLE_TERM = 0.6
PART_WEIGHT = 0.5


_DASH = re.compile(r"(?<=\w)[\u2010\u2011\u2013\u2014](?=\w)")  # "hus–hytte" is written "hus-hytte" too


def _stems(text: str) -> list[str]:
    stop = stop_words().norwegian
    text = _DASH.sub("-", text)
    return [stem(t.text) for t in tokens(text) if t.text.lower().strip("-") not in stop and len(t.text) > 2]


def _parts(text: str) -> list[str]:
    """Stems of the parts of the compounds in ``text`` ("generalistkommuneprinsippet" → generalist,
    kommune, prinsipp): two compounds sharing a part are related, how much is the part's IDF."""
    stop = stop_words().norwegian
    out = []
    for t in tokens(_DASH.sub("-", text)):
        parts = decompound(t.text)
        if len(parts) > 1:
            out += [stem(p) for p in parts if p not in stop and len(p) > 3]
    return out


def _match(term: str, word: str) -> float:
    """How well a word stem of the sentence matches a term stem of the proposal."""
    if term == word:
        return 1.0
    if len(term) >= 7 and term in word:  # compound containing the term: "bemanningskrav" ∋ "bemanning"
        return 0.9
    prefix = 0
    for a, b in zip(term, word, strict=False):
        if a != b:
            break
        prefix += 1
    # Same word, other ending ("øremerked" ~ "øremerkt"), but not a longer compound ("søknads" ≠ "søknadsbasert").
    if prefix >= 6 and len(term) - prefix <= 3 and len(word) - prefix <= 3:
        return 0.8
    return 0.0


def _split_match(term: str, words: dict[str, None]) -> str:
    """A compound term written as separate words: "krav til kompetanse" for "kompetansekrav".
    ``words`` in text order (the first modifier found is returned), a dict for the membership test."""
    for i in range(5, len(term) - 3):
        head, modifier = term[i:], term[:i]
        if head in words:
            stem_mod = modifier[:-1] if modifier.endswith("s") and len(modifier) > 5 else modifier
            for w in words:
                if w != head and len(w) >= 5 and (w.startswith(stem_mod) or stem_mod.startswith(w)):
                    return w
    return ""


@dataclass(frozen=True, slots=True)
class Relevance:
    """The signals of :meth:`TargetIndex.components`, each (sentences × targets)."""

    lexical: Matrix
    heading: Matrix  # lexical relevance of the heading above the sentence
    cosine: Matrix  # raw e5 cosine (zeros without an embedder)
    chapter: Matrix
    grant: Matrix
    embedded: bool

    def centred_cosine(self) -> Matrix:
        """Cosine minus the sentence's mean over targets: only a preference between proposals counts."""
        if not self.embedded or not len(self.cosine):
            return np.zeros_like(self.cosine)
        return self.cosine - self.cosine.mean(axis=1, keepdims=True)

    def total(self) -> Matrix:
        rel = self.lexical + HEADING_WEIGHT * np.minimum(self.heading, 1.5) + self.chapter + self.grant
        if self.embedded:
            # Only a clear preference counts: the per-sentence best is above EMBEDDING_FLOOR for half
            # of all sentences, whatever they are about.
            rel = rel + np.clip(self.centred_cosine() - EMBEDDING_FLOOR, 0, None) * EMBEDDING_SCALE
        return rel.astype(np.float32)


class TargetIndex:
    """Per-target term weights and vectors, built once per reference data set."""

    def __init__(self, reference: ReferenceData, embedder: Embedder | None = None) -> None:
        self.targets: list[Target] = list(reference.targets.values())
        themes = reference.themes
        profiles: list[dict[str, float]] = []  # stem -> how much it is the proposal's own word
        for t in self.targets:
            prof: dict[str, float] = {}
            title = _stems(t.title)
            # Recommendation titles lead with their verb ("Forenkle ...", "Fjerne ..."): the topic is the noun.
            if len(title) > 1 and re.fullmatch(r"[^\W\d]+[eå]", t.title.split()[0].lower()):
                prof[title[0]] = prof.get(title[0], 0.0) + 0.4
                title = title[1:]
            for s in title:
                prof[s] = prof.get(s, 0.0) + 1.0
            for s in _stems(t.text):
                prof[s] = prof.get(s, 0.0) + 1.0
            for s in _parts(f"{t.title} {t.text}"):
                prof.setdefault(s, PART_WEIGHT)  # a part of the proposal's compounds counts, less
            for theme_id in t.themes:
                if theme_id in themes:
                    for s in _stems(themes[theme_id].label):
                        prof.setdefault(s, 0.3)  # the theme's words count, a little
            profiles.append(prof)
        df = Counter(s for prof in profiles for s in prof)
        n = len(self.targets)
        self._weights: list[dict[str, float]] = [
            {s: math.log((n + 1) / df[s]) * min(c, 1.6) for s, c in prof.items()} for prof in profiles
        ]
        self._norms = [math.sqrt(sum(w.values())) or 1.0 for w in self._weights]
        self.removal = {t.id for t in self.targets if _cues.REMOVAL.search(f"{t.title} {t.text}".lower())}
        self.assessments = {t.id for t in self.targets if t.kind == "assessment"}
        self._terms = sorted({t for w in self._weights for t in w})
        self._long_terms = [t for t in self._terms if len(t) >= 9]
        self._by_word: dict[str, list[tuple[str, float]]] = {}
        self.embedder = embedder
        self._vectors: Matrix | None = None
        if embedder is not None:
            self._vectors = embedder.embed_queries([f"{t.title}. {t.text}" for t in self.targets])

    def _word_matches(self, word: str) -> list[tuple[str, float]]:
        """The proposal terms a sentence's word matches (:func:`_match` > 0), remembered per word:
        words recur across letters, and the terms are fixed for this index."""
        got = self._by_word.get(word)
        if got is None:
            got = self._by_word[word] = [(t, sc) for t in self._terms if (sc := _match(t, word)) > 0]
        return got

    def lexical(self, text: str) -> Matrix:
        # In text order, not a set's: which word a term matches decides whether two terms share one
        # word, and a set's order changed with PYTHONHASHSEED (the stance features, and so the
        # held-out scores, differed from run to run).
        words = dict.fromkeys([*_stems(text), *_parts(text)])
        # Each term's best word, the first in text order that reaches the best score (as a scan
        # of the words per term would pick it); terms without a word at 0.8 may match split up.
        best: dict[str, tuple[float, str]] = {}
        for word in words:
            for term, score in self._word_matches(word):
                if score > best.get(term, (0.0, ""))[0]:
                    best[term] = (score, word)
        for term in self._long_terms:
            if best.get(term, (0.0, ""))[0] < 0.8:
                split = _split_match(term, words)
                if split:
                    best[term] = (0.8, split)
        out = np.zeros(len(self.targets), dtype=np.float32)
        for j, weights in enumerate(self._weights):
            hit = 0.0
            matched: set[str] = set()
            for term, w in weights.items():
                score, word = best.get(term, (0.0, ""))
                hit += w * score
                if score >= 0.8:
                    matched.add(word)
            # One shared word is a hint, two are a topic.
            out[j] = hit / self._norms[j] * (1.0 if len(matched) >= 2 else SINGLE_TERM)
        return out

    def components(
        self, sentences: Sequence[str], headings: Sequence[str], grant_ids: Sequence[set[str]]
    ) -> Relevance:
        """Each signal separately, shape (len(sentences), len(targets)) each."""
        n, k = len(sentences), len(self.targets)
        lex = np.stack([self.lexical(s) for s in sentences]) if n else np.zeros((0, k), dtype=np.float32)
        head = np.zeros((n, k), dtype=np.float32)
        heading_cache: dict[str, Matrix] = {}
        for i, heading in enumerate(headings):
            if heading:
                if heading not in heading_cache:
                    heading_cache[heading] = self.lexical(heading)
                head[i] = heading_cache[heading]
        cosine = np.zeros((n, k), dtype=np.float32)
        if n and self._vectors is not None and self.embedder is not None:
            # A "sentence" past MAX_EMBED_CHARS is a run-on line, not prose (development letters stay under
            # 450); its head carries the topic, and the embedder's time grows with the text's length.
            clipped = [text[:MAX_EMBED_CHARS] for text in sentences]
            cosine = (self.embedder.embed_passages(clipped) @ self._vectors.T).astype(np.float32)
        chapter = np.zeros((n, k), dtype=np.float32)
        grant = np.zeros((n, k), dtype=np.float32)
        for i, text in enumerate(sentences):
            chapter[i] = self.chapter_bonus(set(_CHAPTER.findall(text)) | set(_CHAPTER.findall(headings[i])))
            for j, t in enumerate(self.targets):
                if any(gs in grant_ids[i] for gs in t.grant_schemes):
                    grant[i, j] = GRANT_BONUS
        return Relevance(lex, head, cosine, chapter, grant, self._vectors is not None)

    def relevance(
        self, sentences: Sequence[str], headings: Sequence[str], grant_ids: Sequence[set[str]]
    ) -> Matrix:
        """The summed relevance, shape (len(sentences), len(targets))."""
        return self.components(sentences, headings, grant_ids).total()

    def chapter_bonus(self, chapters: set[str]) -> Matrix:
        """A chapter reference points at the targets in it: strongly when it holds one, weakly when many."""
        out = np.zeros(len(self.targets), dtype=np.float32)
        for chapter in chapters:
            inside = [
                j
                for j, t in enumerate(self.targets)
                if t.chapter and (t.chapter == chapter or t.chapter.startswith(chapter + "."))
            ]
            for j in inside:
                out[j] = max(out[j], CHAPTER_BONUS / len(inside))
        return out
