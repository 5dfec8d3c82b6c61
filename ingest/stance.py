"""Stance: what a response says about each recommendation or assessment, with its best quote.

For every sentence of the letter (``ingest.segment.sentence_spans``):

1. *Which proposal is it about?* A relevance score per proposal (``ingest._relevance``):
   distinctive stems of the proposal, grant schemes it concerns, chapter references, the
   heading above, and e5 similarity when an embedder is given.
2. *What does it say?* A cue (``ingest._cues``) read in bokmål and nynorsk with negation
   scope: opposition, support with a condition or concession (qualified), support,
   evaluative or normative support ("er på høy tid", "bør utvikles"), keeping what a
   removal proposal removes ("må videreføres" → opposes), a complaint that restates the
   problem a proposal addresses ("binder ressurser som heller kunne vært brukt til ...",
   weak support, only with a close topic match), deferral and sentences that only report
   the commission's proposal (→ mentions).

Per proposal the strongest relevant statement wins; a supporting statement plus a separate
reservation about the same proposal makes it qualified. A proposal that is only reported,
deferred or given the sender's own survey or figures about it is "mentions". A sentence that
agrees with the commission and is followed by the commission's proposal ("Vi er enige i at ... .
Kommisjonen mener ...") counts for that proposal. Summary bullets and body often say the same:
the body's own statement is preferred as the quote at equal strength. No network, no GPU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest._cues import Cue
from ingest._features import (
    MIN_RELEVANCE,
    REPORTED_KINDS,
    TOP_MARGIN,
    LetterEvidence,
    Sentence,
    best_sentence,
    letter_evidence,
    pair_features,
)
from ingest._relevance import TargetIndex
from ingest.embedding import Embedder
from ingest.lexicon import no_comments_pattern
from ingest.model import Position, ResponseDocument, ResponseType, Stance
from ingest.reference import ReferenceData
from ingest.stance_model import NO_POSITION, Matrix, StanceModel, load_default_model

__all__ = ["STANCE_EXTRACTOR_VERSION", "StanceClassifier", "is_without_comments"]

STANCE_EXTRACTOR_VERSION = "model-7"

MENTION_RELEVANCE = 0.8  # a proposal only reported, not judged, must be named clearly
WEAK_MIN_RELEVANCE = 0.7  # evaluative / normative cues need a clearer topic than explicit ones
PROBLEM_MIN_RELEVANCE = 1.0  # a complaint restating the problem must name the proposal's own topic
HEADING_CLEAR = 0.35  # a heading this relevant to one proposal names the section's topic
HEADING_MARGIN = 0.5  # ... and another proposal must beat it by this much to count there
SUMMARY_PENALTY = 0.9  # prefer the body's statement over the summary bullet that repeats it

_OTHER_SIDE = {Stance.SUPPORTS: Stance.OPPOSES, Stance.OPPOSES: Stance.SUPPORTS}
_COORDINATION = re.compile(r",? (?:og|samt|og dessutan|og dessuten) (?:å|at|om) |; |, og |, samt ")


@dataclass(frozen=True, slots=True)
class _Candidate:
    stance: Stance
    cue: Cue
    score: float  # cue strength × relevance (× summary penalty)
    relevance: float
    sentence: Sentence


def is_without_comments(doc: ResponseDocument) -> bool:
    """A «uten merknad» response: says so in its metadata, or is short and says it has no remarks."""
    if doc.metadata.response_type is ResponseType.WITHOUT_COMMENTS:
        return True
    body = [p for p in doc.passages if len(p.text.split()) >= 8]
    return len(body) <= 3 and any(no_comments_pattern().search(p.text) for p in doc.passages)


class StanceClassifier:
    def __init__(
        self,
        reference: ReferenceData,
        embedder: Embedder | None = None,
        model: StanceModel | bool | None = True,
    ) -> None:
        """``model``: True loads the shipped model, False uses the rules only.

        The model decides from e5 similarities among its features, so without an embedder (and when
        the model file is missing or stale) the hand-written rules decide.
        """
        self.reference = reference
        self.model: StanceModel | None = (
            None
            if embedder is None
            else load_default_model()
            if model is True
            else model
            if isinstance(model, StanceModel)
            else None
        )
        self.embedder = embedder
        self.index = TargetIndex(reference, embedder)  # per-target weights and vectors, once
        self.targets = self.index.targets

    def _candidates(self, ev: LetterEvidence) -> tuple[dict[str, list[_Candidate]], set[int]]:
        """Candidate statements per target, and the passages where the respondent states something."""
        sentences, cues, topics, commission = ev.sentences, ev.cues, ev.topics, ev.commission
        rel = ev.relevance
        heading_rel = {h: self.index.lexical(h) for h in {s.heading for s in sentences} if h}
        engaged = {
            s.passage_index
            for s, c, comm in zip(sentences, cues, commission, strict=True)
            if c is not None and not comm
        }
        out: dict[str, list[_Candidate]] = {}
        for i, s in enumerate(sentences):
            cue = cues[i]
            if cue is None:
                continue
            row = rel[i].copy()
            nxt = i + 1
            if (
                cue.stance in (Stance.SUPPORTS, Stance.OPPOSES, Stance.QUALIFIED)
                and nxt < len(sentences)
                and sentences[nxt].passage_index == s.passage_index
                and commission[nxt]
            ):
                # "Vi er enige med kommisjonen i at ... . Kommisjonen mener X": the agreement is about X.
                row = np.maximum(row, rel[nxt] * 0.8)
            prev = ev.cues[i - 1] if i > 0 and sentences[i - 1].passage_index == s.passage_index else None
            if cue.stance is None and prev is not None and prev.stance is Stance.SUPPORTS:
                # "Vi stør framlegget. Fristen må likevel ...": a reservation right after a support in the
                # same paragraph limits that support, whatever words it uses for the topic.
                row = np.maximum(row, rel[i - 1])
            if cue.kind in ("explicit", "evaluative") and float(row.max()) < MIN_RELEVANCE:
                # "... . Vi går derfor imot forslaget.": a verdict without a topic of its own is about
                # what the sentences before it in the same paragraph discussed.
                for back, decay in ((1, 0.8), (2, 0.6)):
                    if i - back >= 0 and sentences[i - back].passage_index == s.passage_index:
                        row = np.maximum(row, rel[i - back] * decay)
            hrow = heading_rel.get(s.heading)
            if hrow is not None and hrow.max() >= HEADING_CLEAR:
                # Under a heading that names one proposal, another must be clearly more relevant to count.
                h = int(hrow.argmax())
                # A heading that clearly names a second proposal too ("Bemanningsnormer og kompetansekrav") names no single one.
                if np.sort(hrow)[-2] < min(hrow[h] / 1.5, HEADING_CLEAR):
                    keep = row >= row[h] + HEADING_MARGIN
                    keep[h] = True
                    row = np.where(keep, row, 0.0)
            best = float(row.max())
            weak = cue.kind in ("evaluative", "deontic", "retain")
            floor = (
                PROBLEM_MIN_RELEVANCE
                if cue.kind == "problem"
                else WEAK_MIN_RELEVANCE
                if weak
                else MIN_RELEVANCE
            )
            coordinated = self._clause_targets(topics[i]) if cue.kind == "explicit" else set()
            for j, t in enumerate(self.targets):
                r = float(row[j])
                if r < floor or (r < best * TOP_MARGIN and j not in coordinated):
                    continue
                stance = cue.stance
                if cue.kind == "retain" and t.id not in self.index.removal:
                    continue  # keeping a scheme says nothing against simplifying it
                if cue.kind in ("deontic", "problem") and t.id in self.index.assessments:
                    continue  # what should be done is no verdict on a claim of the report
                if stance is None:  # a reservation only: remembered, upgrades support to qualified
                    stance = Stance.QUALIFIED
                score = cue.strength * min(r, 2.0) * (SUMMARY_PENALTY if s.summary else 1.0)
                out.setdefault(t.id, []).append(_Candidate(stance, cue, score, r, s))
        return out, engaged

    def _clause_targets(self, text: str) -> set[int]:
        """Targets each named in a clause of their own: "støtter å redusere X og å forenkle Y" is about both."""
        clauses = _COORDINATION.split(text)
        if len(clauses) < 2:
            return set()
        out = set()
        for clause in clauses:
            row = self.index.lexical(clause)
            if float(row.max()) >= MIN_RELEVANCE:
                out.add(int(row.argmax()))
        return out

    def evidence(self, doc: ResponseDocument, sender_id: str | None = None) -> LetterEvidence:
        """The letter read once: sentences, cues and relevance to every proposal."""
        return letter_evidence(doc, self.index, sender_id)

    def rule_positions(self, ev: LetterEvidence) -> dict[str, Position]:
        """The hand-written rules' decision per proposal (the fallback, and features of the model)."""
        if not ev.sentences:
            return {}
        candidates, engaged = self._candidates(ev)
        out = {}
        for target_id, cands in candidates.items():
            position = self._decide(target_id, cands, engaged)
            if position is not None:
                out[target_id] = position
        return out

    def features(
        self, doc: ResponseDocument, sender_id: str | None = None
    ) -> tuple[LetterEvidence, dict[str, Position], Matrix]:
        """Evidence, the rules' positions and the pair feature rows (one per proposal, in target order)."""
        ev = self.evidence(doc, sender_id)
        rules = self.rule_positions(ev)
        rows, _ = pair_features(
            ev, rules, [t.id for t in self.targets], self.index.removal, self.index.assessments
        )
        return ev, rules, rows

    def classify(self, doc: ResponseDocument, sender_id: str | None = None) -> list[Position]:
        """One position per proposal the response really addresses, best evidence first."""
        if is_without_comments(doc):
            return []
        ev, rules, rows = self.features(doc, sender_id)
        if not ev.sentences:
            return []
        if self.model is None:
            return sorted(rules.values(), key=lambda p: p.target_id)
        return self.decide_with_model(ev, rules, self.model.predict_proba(rows))

    def decide_with_model(
        self, ev: LetterEvidence, rules: dict[str, Position], probs: Matrix
    ) -> list[Position]:
        """Positions from the model's class probabilities; the quote is the sentence that best shows it."""
        assert self.model is not None
        positions = []
        for j, t in enumerate(self.targets):
            k = int(np.argmax(probs[j]))
            label = self.model.classes[k]
            if label == NO_POSITION:
                continue
            stance = Stance(label)
            rule = rules.get(t.id)
            i = best_sentence(ev, j, stance)
            if rule is not None and (rule.stance is stance or i < 0):
                start, end, passage, quote = rule.quote_start, rule.quote_end, rule.passage_index, rule.quote
            elif i >= 0:
                s = ev.sentences[i]
                start, end, passage, quote = s.start, s.end, s.passage_index, s.text
            else:
                continue  # nothing in the letter to show for it
            rules_said = f"{rule.stance.value} by {rule.method}" if rule else "none"
            positions.append(
                Position(
                    target_id=t.id,
                    stance=stance,
                    passage_index=passage,
                    quote_start=start,
                    quote_end=end,
                    quote=quote,
                    confidence=round(self.model.confidence(float(probs[j, k])), 3),
                    method=f"model {self.model.version} p={float(probs[j, k]):.2f}; rules said {rules_said}",
                )
            )
        return positions

    def _decide(self, target_id: str, cands: list[_Candidate], engaged: set[int]) -> Position | None:
        stated = [c for c in cands if c.cue.kind not in (*REPORTED_KINDS, "reservation")]
        reported = [c for c in cands if c.cue.kind in REPORTED_KINDS]
        if stated:
            best = max(stated, key=lambda c: c.score)
            stance = best.stance
            others = [c for c in cands if c.sentence != best.sentence]
            if stance is Stance.SUPPORTS and any(c.cue.reservation for c in others):
                stance = Stance.QUALIFIED  # supported, with a reservation stated elsewhere
            elif stance in (Stance.SUPPORTS, Stance.OPPOSES) and any(
                c.stance is _OTHER_SIDE[stance] and c.cue.kind == "explicit" and c.score >= 0.5 * best.score
                for c in stated
            ):
                stance = Stance.QUALIFIED  # mixed: supports in part, objects in part
            method = f"{best.cue.kind}-cue"
        elif reported:
            # Only where the respondent engages with it in the same passage; a letter's recap of the
            # commission's mandate in its introduction is not a mention of a proposal.
            discussed = [c for c in reported if c.sentence.passage_index in engaged]
            if not discussed:
                return None
            best = max(discussed, key=lambda c: c.relevance)
            if best.relevance < MENTION_RELEVANCE:
                return None
            stance = Stance.MENTIONS
            method = f"{best.cue.kind}-report"
        else:
            return None  # only reservations: not enough to say the response addresses it
        s = best.sentence
        signals = "lexical+embedding" if self.embedder is not None else "lexical"
        confidence = min(0.95, 0.3 + 0.35 * best.cue.strength + 0.2 * min(best.relevance, 1.5))
        return Position(
            target_id=target_id,
            stance=stance,
            passage_index=s.passage_index,
            quote_start=s.start,
            quote_end=s.end,
            quote=s.text,
            confidence=round(confidence, 3),
            method=f"{signals}-relevance+{method}",
        )
