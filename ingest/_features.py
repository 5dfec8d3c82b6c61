"""What a letter says about each proposal, as numbers: the evidence the stance model decides from.

``letter_evidence`` reads a response once: its sentences (with the heading above and whether
they sit in a summary), the cue of each (``ingest._cues``), and the relevance signals of each
sentence to each proposal (``ingest._relevance``: lexical, heading, e5 cosine, chapter, grant
scheme). ``pair_features`` turns that, plus the rules' own decision, into one feature vector per
(letter, proposal) pair. The names in :data:`FEATURE_NAMES` are stored with the trained weights, so
a model trained on another feature set is refused instead of silently misread.

Everything is relative to the hearing's own proposals (rank and margin among them, cosine centred
over them), so nothing depends on one hearing's vocabulary.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ingest._cues import Cue, cue_words_masked, detect_cue, is_commission_voice
from ingest._linkrules import is_contact_line
from ingest._relevance import Relevance, TargetIndex
from ingest.model import EntityKind, PassageKind, Position, ResponseDocument, Stance

__all__ = ["FEATURE_NAMES", "LetterEvidence", "Sentence", "letter_evidence", "pair_features", "sentences"]

Matrix = npt.NDArray[np.float32]

MIN_RELEVANCE = 0.5  # below this a sentence is not about the proposal
TOP_MARGIN = 0.85  # a sentence counts for every proposal within this fraction of its best one

_LEADER = re.compile(r"^(?:\(?\d{1,2}[.)]|[a-z][.)]|[-–•*])\s+")
_SUMMARY = re.compile(
    r"sammendrag|samandrag|oppsummer|hovedsynspunkt|hovudsynspunkt|hovedbudskap|hovudbodskap|"
    r"hovedpunkt|hovudpunkt|konklusjon|summary",
    re.IGNORECASE,
)
STANCE_ORDER = (Stance.SUPPORTS, Stance.QUALIFIED, Stance.OPPOSES, Stance.MENTIONS)
# Cues that report or defer: no view of the sender's own (the rules read them as "mentions").
REPORTED_KINDS = ("commission", "defer", "evidence")
# What the sender asks to be done: evidence about a measure, not about an assessment (a claim).
_DEMANDS = ("deontic", "problem")
CUE_KINDS = (
    "explicit", "evaluative", "deontic", "retain", "problem", "reservation", "commission", "defer", "evidence",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sentence:
    passage_index: int
    start: int  # document offsets
    end: int
    text: str
    heading: str
    summary: bool  # a bullet in a summary section


def sentences(doc: ResponseDocument) -> list[Sentence]:
    """The letter's sentences of four words or more, list leaders stripped, with heading and summary flag."""
    from ingest.segment import sentence_spans

    out: list[Sentence] = []
    summary_intro = False
    label = ""  # the last row label or unstyled sub-heading since the last heading
    body = False  # the letter's body has begun (a paragraph of eight words or more)
    for p in doc.passages:
        if p.kind is PassageKind.HEADING:
            summary_intro = False
            label = ""
            # A heading that states a verdict ("Utvida skuleskyss – ja takk") is the letter's view on its topic.
            text = p.text.strip()
            if text and _verdict(text):
                start = p.text.index(text)
                out.append(Sentence(p.index, p.start + start, p.start + start + len(text), text, text, False))
            continue
        if (
            body
            and p.kind is PassageKind.PARAGRAPH
            and _label(p.text)
            and not _verdict(p.text)
            and not is_contact_line(p.text)  # a running footer ("Side 2 av 3 ... 3701 Storby") heads nothing
        ):
            # "Krav til arealdelen (kap. 6.2)" over "Støttes med forbehold.": a line that names a topic
            # without saying anything about it heads what follows, as a heading does; it is no statement.
            label = p.text.strip()
            continue
        body = body or (p.kind is PassageKind.PARAGRAPH and len(p.text.split()) >= 8)
        heading = label or (p.headings[-1] if p.headings else "")
        if p.kind is not PassageKind.LIST_ITEM:
            # "Oppsummert er våre hovedbudskap at:" introduces the bullets that follow.
            summary_intro = p.text.rstrip().endswith(":") and bool(_SUMMARY.search(p.text))
        summary = p.kind is PassageKind.LIST_ITEM and (summary_intro or bool(_SUMMARY.search(heading)))
        for start, end in sentence_spans(p.text):
            lead = _LEADER.match(p.text, start)
            if lead and lead.end() < end:
                start = lead.end()
            text = p.text[start:end]
            if len(text.split()) < 4 and not _verdict(text):  # "Støttes." is a verdict however short
                continue
            out.append(Sentence(p.index, p.start + start, p.start + end, text, heading, summary))
    return out


_LABEL_END = re.compile(r"[\w)\]»”\"]$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-ZÆØÅ]")


def _label(text: str) -> bool:
    """A short line that names a topic and is no sentence: no closing stop, no second sentence, no
    colon (a "Dato: ..." field), at most twelve words. A table's row label or a bold sub-heading."""
    t = text.strip()
    n = len(t.split())
    return 1 <= n <= 12 and bool(_LABEL_END.search(t)) and ":" not in t and not _SENTENCE_BREAK.search(t)


def _verdict(text: str) -> bool:
    """The text states the sender's own stance in words (support, opposition, support with a condition)."""
    cue = detect_cue(text)
    return cue is not None and cue.kind in ("explicit", "evaluative") and cue.stance is not Stance.MENTIONS


@dataclass(frozen=True, slots=True)
class LetterEvidence:
    sentences: list[Sentence]
    cues: list[Cue | None]
    topics: list[str]  # the sentence with its cue words blanked: what it is about
    commission: list[bool]  # the sentence reports the commission's (or another body's) words
    signals: Relevance
    relevance: Matrix  # summed relevance (sentences × targets)


_CONTRAST = re.compile(r"[,;] men ")
_OPPOSITE = {Stance.SUPPORTS: Stance.OPPOSES, Stance.OPPOSES: Stance.SUPPORTS}


def _contrast_clauses(s: Sentence, others: list[str]) -> list[Sentence]:
    """A sentence with two verdicts ("Vi støtter X, men går imot Y"), each about its own clause's topic,
    read as two clauses. Only when both clauses state an explicit stance and the stances are opposite; a
    reservation after "men" ("..., men fristen er for kort") stays one qualified sentence."""
    m = _CONTRAST.search(s.text)
    if m is None:
        return [s]
    left, right = s.text[: m.start()], s.text[m.end() :]
    cl, cr = detect_cue(left, others=others), detect_cue(right, others=others)
    if cl is None or cr is None or cl.kind != "explicit" or cr.kind != "explicit":
        return [s]
    if cl.stance not in _OPPOSITE or _OPPOSITE[cl.stance] is not cr.stance:
        return [s]
    return [
        Sentence(s.passage_index, s.start, s.start + m.start(), left, s.heading, s.summary),
        Sentence(s.passage_index, s.start + m.end(), s.end, right, s.heading, s.summary),
    ]


def letter_evidence(
    doc: ResponseDocument, index: TargetIndex, sender_id: str | None = None
) -> LetterEvidence:
    """Read the letter once. What another body the letter names says ("KS mener ...") is reported
    speech, never the sender's position: the names of the actors it mentions, other than the sender,
    go to the cue reader."""
    sender = sender_id or (doc.sender.id if doc.sender is not None else None)
    others = sorted({m.surface for m in doc.mentions if m.kind is EntityKind.ACTOR and m.entity_id != sender})
    sents = [c for s in sentences(doc) for c in _contrast_clauses(s, others)]
    grants = [
        {
            m.entity_id
            for m in doc.mentions
            if m.kind is EntityKind.GRANT_SCHEME and s.start <= m.start < s.end
        }
        for s in sents
    ]
    cues = [detect_cue(s.text, others=others) for s in sents]
    # The stance words are no topic: "deler kommisjonens analyse" is not about data analysis.
    topics = [cue_words_masked(s.text, c.phrase) if c else s.text for s, c in zip(sents, cues, strict=True)]
    signals = index.components(topics, [s.heading for s in sents], grants)
    commission = [is_commission_voice(s.text, others=others) for s in sents]
    return LetterEvidence(sents, cues, topics, commission, signals, signals.total())


def _names() -> tuple[str, ...]:
    names = [f"rule_{s}" for s in ("none", *[x.value for x in STANCE_ORDER])]
    names += ["rule_confidence"] + [f"rule_kind_{k}" for k in CUE_KINDS]
    names += ["max_rel", "max_rel_cue", "max_lexical", "max_heading", "max_cosine", "max_cosine_cue"]
    names += ["chapter", "grant", "top1_count", "top1_cue_count", "evidence_count"]
    names += ["rank", "margin", "ratio", "cosine_rank", "cosine_margin"]
    names += [f"sum_{s.value}" for s in STANCE_ORDER] + ["sum_reservation"]
    names += [f"sum_kind_{k}" for k in CUE_KINDS]
    names += [f"best_{s.value}" for s in STANCE_ORDER] + ["best_reservation_only"]
    names += [f"best_kind_{k}" for k in CUE_KINDS]
    names += ["best_relevance", "best_strength", "best_has_reservation", "best_summary", "best_shared"]
    names += ["best_next_reservation", "best_position", "best_commission_next"]
    names += ["letter_sentences", "letter_targets", "rule_targets"]
    # Weaker topic evidence for stated views: the proposal is the sentence's first choice, however
    # clearly (lexical+heading+chapter, or e5 alone), per stance of the sentence's cue.
    names += [f"near_{s.value}" for s in STANCE_ORDER] + [f"cosine_top_{s.value}" for s in STANCE_ORDER]
    return tuple(names)


FEATURE_NAMES = _names()


def _rank_margin(values: npt.NDArray[np.float64], j: int) -> tuple[float, float]:
    others = np.delete(values, j)
    best_other = float(others.max()) if len(others) else 0.0
    rank = float((others > values[j]).sum())
    return rank, float(values[j]) - best_other


def pair_features(
    ev: LetterEvidence,
    rules: dict[str, Position],
    target_ids: list[str],
    removal: frozenset[str] | set[str] = frozenset(),
    assessments: frozenset[str] | set[str] = frozenset(),
) -> tuple[Matrix, list[int]]:
    """One row per target, columns :data:`FEATURE_NAMES`; and per target its best evidence sentence (-1: none).

    ``removal``: the targets that remove, merge or loosen something; "X må videreføres" (a retain cue)
    is evidence against those only, as in the rules (keeping a scheme says nothing against simplifying it).
    ``assessments``: the targets that are the report's assessments (a claim, not a measure); one agrees
    or disagrees with a claim, so what the sender says should be done (a deontic or problem cue) is no
    evidence about them.
    """
    n, k = ev.relevance.shape if ev.relevance.size else (len(ev.sentences), len(target_ids))
    out = np.zeros((len(target_ids), len(FEATURE_NAMES)), dtype=np.float32)
    best_of = [-1] * len(target_ids)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    rel = ev.relevance.astype(np.float64) if n else np.zeros((0, k))
    cos = ev.signals.centred_cosine().astype(np.float64) if n else np.zeros((0, k))
    has_cue = np.array([c is not None for c in ev.cues], dtype=bool)
    stated = np.array([c is not None and c.kind not in REPORTED_KINDS for c in ev.cues], dtype=bool)
    cue_rel = np.where(has_cue[:, None], rel, 0.0) if n else rel
    per_target = cue_rel.max(axis=0) if n else np.zeros(k)
    per_cos = cos.max(axis=0) if n else np.zeros(k)
    row_best = rel.max(axis=1) if n else np.zeros(0)
    argmax = rel.argmax(axis=1) if n else np.zeros(0, dtype=int)
    cos_argmax = cos.argmax(axis=1) if n and ev.signals.embedded else np.full(n, -1)
    in_scope = (rel >= MIN_RELEVANCE) & (rel >= TOP_MARGIN * row_best[:, None]) if n else rel > 0
    for j, tid in enumerate(target_ids):
        f = out[j]
        rule = rules.get(tid)
        f[col[f"rule_{rule.stance.value}" if rule else "rule_none"]] = 1
        if rule:
            f[col["rule_confidence"]] = rule.confidence
            kind = rule.method.rsplit("+", 1)[-1].rsplit("-", 1)[0]
            if kind in CUE_KINDS:
                f[col[f"rule_kind_{kind}"]] = 1
        f[col["letter_sentences"]] = math.log1p(n)
        f[col["letter_targets"]] = math.log(max(k, 1))
        f[col["rule_targets"]] = len(rules) / max(k, 1)
        if not n:
            continue
        f[col["max_rel"]] = min(float(rel[:, j].max()), 3.0)
        f[col["max_rel_cue"]] = min(float(per_target[j]), 3.0)
        f[col["max_lexical"]] = float(ev.signals.lexical[:, j].max())
        f[col["max_heading"]] = float(ev.signals.heading[:, j].max())
        f[col["max_cosine"]] = float(per_cos[j]) * 10
        f[col["max_cosine_cue"]] = float(np.where(has_cue, cos[:, j], -1.0).max()) * 10
        f[col["chapter"]] = float(ev.signals.chapter[:, j].max())
        f[col["grant"]] = float(ev.signals.grant[:, j].max())
        top1 = (argmax == j) & (rel[:, j] >= MIN_RELEVANCE)
        f[col["top1_count"]] = math.log1p(int(top1.sum()))
        f[col["top1_cue_count"]] = math.log1p(int((top1 & has_cue).sum()))
        rank, margin = _rank_margin(per_target, j)
        f[col["rank"]], f[col["margin"]] = min(rank, 5.0), max(min(margin, 3.0), -3.0)
        f[col["ratio"]] = float(per_target[j] / per_target.max()) if per_target.max() > 0 else 0.0
        crank, cmargin = _rank_margin(per_cos, j)
        f[col["cosine_rank"]], f[col["cosine_margin"]] = min(crank, 5.0), cmargin * 10
        retain_counts = tid in removal
        claim = tid in assessments
        for i in range(n):
            cue = ev.cues[i]
            if cue is None or cue.stance is None or ev.commission[i]:
                continue
            if (cue.kind == "retain" and not retain_counts) or (claim and cue.kind in _DEMANDS):
                continue
            if argmax[i] == j:
                key = col[f"near_{cue.stance.value}"]
                f[key] = max(f[key], min(float(rel[i, j]), 3.0))
            if cos_argmax[i] == j:
                key = col[f"cosine_top_{cue.stance.value}"]
                f[key] = max(f[key], float(cos[i, j]) * 10)
        evidence = [
            i
            for i in range(n)
            if has_cue[i]
            and in_scope[i, j]
            and (retain_counts or ev.cues[i].kind != "retain")  # type: ignore[union-attr]
            and not (claim and ev.cues[i].kind in _DEMANDS)  # type: ignore[union-attr]
        ]
        f[col["evidence_count"]] = math.log1p(len(evidence))
        best, best_score = -1, 0.0
        for i in evidence:
            cue = ev.cues[i]
            assert cue is not None
            w = min(float(rel[i, j]), 2.0)
            if cue.stance is None:
                f[col["sum_reservation"]] += w
            else:
                f[col[f"sum_{cue.stance.value}"]] += w
            if cue.kind in CUE_KINDS:
                f[col[f"sum_kind_{cue.kind}"]] += w
            score = cue.strength * w * (0.9 if ev.sentences[i].summary else 1.0) * (1.2 if stated[i] else 1.0)
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            continue
        best_of[j] = best
        cue = ev.cues[best]
        assert cue is not None
        f[col[f"best_{cue.stance.value}" if cue.stance else "best_reservation_only"]] = 1
        if cue.kind in CUE_KINDS:
            f[col[f"best_kind_{cue.kind}"]] = 1
        f[col["best_relevance"]] = min(float(rel[best, j]), 3.0)
        f[col["best_strength"]] = cue.strength
        f[col["best_has_reservation"]] = float(cue.reservation)
        f[col["best_summary"]] = float(ev.sentences[best].summary)
        f[col["best_shared"]] = float(in_scope[best].sum() - 1)
        f[col["best_position"]] = best / max(n - 1, 1)
        nxt = best + 1
        if nxt < n and ev.sentences[nxt].passage_index == ev.sentences[best].passage_index:
            c2 = ev.cues[nxt]
            # "Vi støtter forslaget. Samtidig må ...": a reservation in the next sentence counts.
            f[col["best_next_reservation"]] = float(c2 is not None and (c2.reservation or c2.stance is None))
            f[col["best_commission_next"]] = float(ev.commission[nxt])
    return out, best_of


def best_sentence(ev: LetterEvidence, j: int, stance: Stance) -> int:
    """The sentence that best shows ``stance`` on target ``j``: cue agrees, most relevant; -1 if none."""
    best, best_score = -1, 0.0
    for i, cue in enumerate(ev.cues):
        r = float(ev.relevance[i, j])
        if r < MIN_RELEVANCE * 0.5:
            continue
        agree = cue is not None and (cue.stance is stance or (stance is Stance.QUALIFIED and cue.reservation))
        score = min(r, 2.0) * (1.0 + (cue.strength if cue else 0.0) + (1.0 if agree else 0.0))
        score *= 0.9 if ev.sentences[i].summary else 1.0
        if score > best_score:
            best, best_score = i, score
    return best
