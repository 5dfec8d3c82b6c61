"""Stance: what a response says about each recommendation or assessment, with its best quote.

For every sentence of the letter:

1. *Which proposal is it about?* A relevance score per proposal from (a) the proposal's
   distinctive word stems (its title and text, weighted by how few proposals share them),
   (b) grant schemes the sentence names that the proposal concerns, (c) the chapter named
   in the sentence or the heading above it, and (d) embedding similarity of the sentence to
   the proposal (when an embedder is given).
2. *What does it say?* Cue lexicons (``ingest._cues``) in bokmål and nynorsk: opposition
   (with its negations: "støtter ikke", "kan ikkje stø", "ikke enige i"), conditions and
   concessions ("forutsatt at", "i utgangspunktet positive, men"), support, implicit support
   by normative statements ("bør utvikles"), deferral, and sentences that only report what
   the commission says (→ mentions).

Per proposal the strongest relevant sentence wins; supporting sentences plus a separate
reservation about the same proposal make it qualified. No network, no GPU.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ingest import _cues
from ingest._morph import stem, tokens
from ingest.embedding import Embedder
from ingest.model import EntityKind, PassageKind, Position, ResponseDocument, Stance
from ingest.reference import ReferenceData, Target
from ingest.segment import sentence_spans

__all__ = ["STANCE_EXTRACTOR_VERSION", "StanceClassifier"]

STANCE_EXTRACTOR_VERSION = "rules-1"

_STOP = set(
    ["og", "i", "på", "til", "for", "av", "med", "som", "at", "det", "den", "de", "er", "å", "en", "et", "ei", "ein", "eit", "om", "fra", "frå", "har", "vil", "kan", "skal", "bør", "må", "ikke", "ikkje", "også", "og", "eller", "men", "så", "seg", "sin", "sitt", "sine", "vi", "oss", "vår", "våre", "dei", "dykk", "kommisjonen", "kommisjonens", "anbefaler", "anbefaling", "mener", "vurderer", "vurdere", "vil", "kommunene", "kommunane", "kommunen", "kommuner", "kommunar", "kommunesektoren", "slik", "der", "dette", "disse", "mer", "flere", "fleire", "ved", "under", "etter", "blir", "bli", "gjøres", "gjort", "selv", "sjølv", "eget", "egne", "eigne"]
)
_CHAPTER = re.compile(r"\bkap(?:ittel|\.)?\s*(\d+(?:\.\d+)?)", re.IGNORECASE)

MIN_RELEVANCE = 0.5  # below this a sentence is not about the proposal at all
TOP_MARGIN = 0.85  # a sentence counts for every proposal within this fraction of its best one


@dataclass(frozen=True, slots=True)
class _Sentence:
    passage_index: int
    start: int  # document offsets
    end: int
    text: str
    heading: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    target: str
    stance: Stance
    strength: float  # cue strength × relevance
    relevance: float
    sentence: _Sentence
    reservation: bool


def _stems(text: str) -> list[str]:
    return [stem(t.text) for t in tokens(text) if t.text.lower() not in _STOP and len(t.text) > 2]


class StanceClassifier:
    def __init__(self, reference: ReferenceData, embedder: Embedder | None = None) -> None:
        self.reference = reference
        self.embedder = embedder
        self.targets: list[Target] = list(reference.targets.values())
        # Distinctive stems per proposal: idf over proposals, so "tilskudd" (in many) weighs less than "bemanningsnorm".
        profiles = [Counter(_stems(f"{t.title} {t.title} {t.text}")) for t in self.targets]
        df = Counter(s for prof in profiles for s in set(prof))
        n = len(self.targets)
        self._weights: list[dict[str, float]] = [
            {s: math.log(1 + n / df[s]) * (1.0 if c == 1 else 1.3) for s, c in prof.items()}
            for prof in profiles
        ]
        self._grant_targets: dict[str, list[str]] = {}
        for t in self.targets:
            for gs in t.grant_schemes:
                self._grant_targets.setdefault(gs, []).append(t.id)
        self._removal = {t.id for t in self.targets if _cues.REMOVAL.search(f"{t.title} {t.text}".lower())}
        self._target_vectors: np.ndarray | None = None
        if embedder is not None:
            texts = [f"{t.title}. {t.text}" for t in self.targets]
            self._target_vectors = embedder.embed_queries(texts)

    # -- relevance -------------------------------------------------------------------------------
    def _lexical(self, text: str) -> np.ndarray:
        stems = set(_stems(text))
        scores = []
        for weights in self._weights:
            total = sum(weights.values()) or 1.0
            hit = sum(
                w for s, w in weights.items() if s in stems or any(len(s) >= 6 and s in x for x in stems)
            )
            scores.append(hit / math.sqrt(total))
        return np.asarray(scores, dtype=np.float32)

    def _relevance(self, sentences: list[_Sentence], grant_ids: list[set[str]]) -> np.ndarray:
        lex = (
            np.stack([self._lexical(s.text) for s in sentences])
            if sentences
            else np.zeros((0, len(self.targets)))
        )
        rel = lex * 1.0
        if self.embedder is not None and self._target_vectors is not None and sentences:
            vecs = self.embedder.embed_passages([s.text for s in sentences])
            sims = vecs @ self._target_vectors.T
            # e5 similarities sit in a narrow band; centre them per sentence so only a clear preference counts.
            centred = sims - sims.mean(axis=1, keepdims=True)
            rel = rel + np.clip(centred, 0, None) * 8.0
        for i, s in enumerate(sentences):
            chapters = set(_CHAPTER.findall(s.text)) | set(_CHAPTER.findall(s.heading))
            for j, t in enumerate(self.targets):
                if t.chapter and t.chapter in chapters:
                    rel[i, j] += 0.25
                if any(gs in grant_ids[i] for gs in t.grant_schemes):
                    rel[i, j] += 0.6
        return rel

    # -- stance of one sentence --------------------------------------------------------------------
    @staticmethod
    def _sentence_stance(text: str) -> tuple[Stance | None, float, bool]:
        """(stance, cue strength, is a reservation) for one sentence, from its own words."""
        low = text.lower()
        reservation = bool(_cues.RESERVATION.search(low))
        if _cues.DESCRIBES_COMMISSION.search(low):
            return Stance.MENTIONS, 0.5, False
        if _cues.DEFER.search(low):
            return Stance.MENTIONS, 0.6, False
        if _cues.OPPOSE.search(low):
            return Stance.OPPOSES, 1.0, reservation
        if _cues.RETAIN.search(low):
            return Stance.OPPOSES, 0.8, True
        support = bool(_cues.SUPPORT.search(low))
        if support and _cues.CONDITION.search(low):
            return Stance.QUALIFIED, 1.0, reservation
        if support:
            return Stance.SUPPORTS, 0.9, reservation
        if _cues.NORMATIVE.search(low):
            return Stance.SUPPORTS, 0.55, reservation
        return None, 0.0, reservation

    # -- the document --------------------------------------------------------------------------------
    def _sentences(self, doc: ResponseDocument) -> list[_Sentence]:
        out = []
        for p in doc.passages:
            if p.kind is PassageKind.HEADING:
                continue
            heading = p.headings[-1] if p.headings else ""
            for start, end in sentence_spans(p.text):
                out.append(_Sentence(p.index, p.start + start, p.start + end, p.text[start:end], heading))
        return out

    def classify(self, doc: ResponseDocument, sender_id: str | None = None) -> list[Position]:
        sentences = self._sentences(doc)
        if not sentences:
            return []
        grants: list[set[str]] = []
        for s in sentences:
            grants.append(
                {
                    m.entity_id
                    for m in doc.mentions
                    if m.kind is EntityKind.GRANT_SCHEME and s.start <= m.start < s.end
                }
            )
        rel = self._relevance(sentences, grants)
        candidates: dict[str, list[_Candidate]] = {}
        cues = [self._sentence_stance(s.text) for s in sentences]
        for i, s in enumerate(sentences):
            stance, strength, reservation = cues[i]
            if stance is None and not reservation:
                continue
            row = rel[i].copy()
            nxt = i + 1
            if (
                stance not in (None, Stance.MENTIONS)
                and nxt < len(sentences)
                and sentences[nxt].passage_index == s.passage_index
                and _cues.DESCRIBES_COMMISSION.search(sentences[nxt].text.lower())
            ):
                # "We agree with the commission that ... . The commission says X": the agreement is about X.
                row = np.maximum(row, rel[nxt] * 0.8)
            best = float(row.max())
            retain = bool(_cues.RETAIN.search(s.text.lower())) and not _cues.OPPOSE.search(s.text.lower())
            for j, t in enumerate(self.targets):
                r = float(row[j])
                # The sentence must be about this proposal, and about it more than about others.
                if r < MIN_RELEVANCE or r < best * TOP_MARGIN:
                    continue
                if retain and t.id not in self._removal:
                    continue
                candidates.setdefault(t.id, []).append(
                    _Candidate(t.id, stance or Stance.MENTIONS, strength * min(r, 2.0), r, s, reservation)
                )
        positions = []
        for target_id, cands in candidates.items():
            stated = [c for c in cands if c.stance is not Stance.MENTIONS or c.strength > 0]
            if not stated:
                continue
            best_c = max(stated, key=lambda c: (c.stance is not Stance.MENTIONS, c.strength))
            stance = best_c.stance
            if stance is Stance.MENTIONS and best_c.strength < 0.25:
                continue
            if stance is Stance.SUPPORTS and any(
                c.reservation and c.sentence != best_c.sentence for c in cands
            ):
                stance = Stance.QUALIFIED
            if stance is Stance.SUPPORTS and any(c.stance is Stance.OPPOSES for c in cands):
                stance = Stance.QUALIFIED
            s = best_c.sentence
            positions.append(
                Position(
                    target_id=target_id,
                    stance=stance,
                    passage_index=s.passage_index,
                    quote_start=s.start,
                    quote_end=s.end,
                    quote=s.text,
                    confidence=round(min(0.95, 0.4 + 0.3 * best_c.strength), 3),
                    method="lexical+embedding relevance, cue lexicon"
                    if self.embedder
                    else "lexical relevance, cue lexicon",
                )
            )
        return sorted(positions, key=lambda p: p.target_id)
