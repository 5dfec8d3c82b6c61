"""Stance cues in Norwegian hearing letters, bokmål and nynorsk: lexicons as data, one small reader.

A sentence gets at most one :class:`Cue`: what the respondent says (supports, opposes,
supports with a condition), that it only reports what the commission proposes or will do,
or that it defers. Which proposal the cue is about is decided in ``ingest._relevance``;
this module only reads the sentence's attitude.

Negation is scoped to the stance word itself: a negator a few words before a support word
("kan likevel ikke støtte", "er ikkje samde") or right after it ("støtter derfor ikke")
turns support into opposition, while a negation elsewhere in the sentence ("Vi er ikke
blinde for at ..., men") does not; "ikke bare ..., men også" negates nothing. What someone
else says ("Kommisjonen foreslår", "Et mindretall i utvalget er imot", "Departementet legger
opp til") is reported speech, never the respondent's view. Adopting another body's response
("slutter oss til høringssvaret fra X") is an endorsement (:func:`detect_endorsement`), not a
stance on a proposal. The lexicons are data in ``ingest/lexicon/cues.yaml`` (regular
expressions over the lower-cased sentence), so someone who writes Norwegian can extend them
without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ingest.lexicon import cues
from ingest.model import Stance

__all__ = [
    "CONCESSION",
    "CONDITION",
    "CUE_WORDS",
    "DEFER",
    "DEONTIC",
    "NO_BASIS",
    "NO_OBJECTION",
    "OPPOSE",
    "OPPOSE_ACTION",
    "OPPOSE_EVALUATIVE",
    "PROBLEM",
    "QUALIFIED_SUPPORT",
    "REMOVAL",
    "RESERVATION",
    "RETAIN",
    "SUPPORT",
    "SUPPORT_EVALUATIVE",
    "Cue",
    "EndorsementCue",
    "cue_words_masked",
    "detect_cue",
    "detect_endorsement",
    "is_commission_voice",
]

_LEX = cues()
# Negators are words or phrases ("heller ikke"); the nynorsk article "ei" is none.
_NEGATORS: tuple[tuple[str, ...], ...] = tuple(
    sorted((tuple(n.split()) for n in _LEX.negators), key=len, reverse=True)
)
# "ikke bare", "ikkje minst": the negator does not negate what follows.
_NOT_NEGATING = _LEX.not_negating

SUPPORT = _LEX.groups["support"]
SUPPORT_EVALUATIVE = _LEX.groups["support_evaluative"]
OPPOSE_EVALUATIVE = _LEX.groups["oppose_evaluative"]
DEONTIC = _LEX.groups["deontic"]
PROBLEM = _LEX.groups["problem"]
NO_OBJECTION = _LEX.groups["no_objection"]
OPPOSE = _LEX.groups["oppose"]
OPPOSE_ACTION = _LEX.groups["oppose_action"]
CONDITION = _LEX.groups["condition"]
QUALIFIED_SUPPORT = _LEX.groups["qualified_support"]
CONCESSION = _LEX.groups["concession"]
RESERVATION = _LEX.groups["reservation"]
RETAIN = _LEX.groups["retain"]
DEFER = _LEX.groups["defer"]
EVIDENCE = _LEX.groups["evidence"]
NO_BASIS = _LEX.groups["no_basis"]
# What a proposal does, read from its own title and text.
REMOVAL = re.compile("|".join(_LEX.removal))

_RS = _LEX.reported
_REPORT_BODY = "|".join(_RS.report_bodies)
# "Kommisjonen anbefaler ...", "Et mindretall i utvalget er imot ...", "I tillegg vil utvalet ...".
_COMMISSION = re.compile(
    r"^(?:i tillegg |videre |vidare |samtidig |også |dessuten |derimot )?(?:vil |skal )?"
    rf"(?:{_REPORT_BODY})(?: sin| selv| sjølv)?(?:,[^,]{{1,60}},)? (?:\w+ )?(?:{'|'.join(_RS.report_verbs)})\b"
)
# Inverted word order after an adverbial: "I tillegg vil kommisjonen se på ...", "I andre delutgreiing skal utvalet ...".
_COMMISSION_INVERTED = re.compile(
    rf"^(?!(?:vi|me|eg|jeg) )(?:[\wæøå-]+ ){{1,4}}(?:{'|'.join(_RS.inverted_verbs)}) (?:{_REPORT_BODY})\b"
)
# The ministry or government proposes: reported, but "departementet må ..." is the sender asking.
_OTHER_BODY = re.compile(
    rf"^(?:{'|'.join(_RS.other_bodies)})(?:,[^,]{{1,60}},)? (?:\w+ )?(?:{'|'.join(_RS.other_verbs)})\b"
)
_ATTRIBUTION = re.compile(rf"^(?:{'|'.join(_RS.attributions)})")
_THIRD_PARTY = re.compile(rf"(?<![\wæøå])(?:{'|'.join(_RS.third_party)})(?![\wæøå])")
_NAMED_VERBS = "|".join(_RS.named_verbs)
_OWN_VIEW = re.compile(rf"(?<![\wæøå])(?:{'|'.join(_RS.own_view)})(?![\wæøå])")

_EN = _LEX.endorsement
# "slutter oss til høringssvaret fra": the body's name begins where this ends.
_ENDORSEMENT = re.compile(
    rf"(?<![\wæøå])(?:{'|'.join(_EN.verbs)}) ?(?:{'|'.join(_EN.objects)})\s+(?:(?:{'|'.join(_EN.before_name)})\s+)?"
)
_ENDORSEMENT_EXCEPTION = re.compile(rf"(?<![\wæøå])(?:{'|'.join(_EN.exceptions)})(?![\wæøå])")


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\wæøå])(?:" + "|".join(patterns) + r")(?![\wæøå])")


_SUPPORT = _compile(SUPPORT)
_EVALUATIVE = _compile(SUPPORT_EVALUATIVE)
_DEONTIC = _compile(DEONTIC)
_OPPOSE = _compile(OPPOSE + OPPOSE_ACTION)
_OPPOSE_EVALUATIVE = _compile(OPPOSE_EVALUATIVE)
_NO_OBJECTION = _compile(NO_OBJECTION)
_PROBLEM = _compile(PROBLEM)
_CONDITION = _compile(CONDITION)
_QUALIFIED = _compile(QUALIFIED_SUPPORT)
_CONCESSION = _compile(CONCESSION)
_RESERVATION = _compile(RESERVATION)
_RETAIN = _compile(RETAIN)
_DEFER = _compile(DEFER)
_EVIDENCE = _compile(EVIDENCE)
_NO_BASIS = _compile(NO_BASIS)
_CLAUSE_BREAK = re.compile(r"[,;:]| men | og at | og ")


@dataclass(frozen=True, slots=True)
class Cue:
    stance: Stance | None  # None: only a reservation, no stance of its own
    strength: float  # 1.0 explicit statement ... 0.3 only reports what someone else says
    # explicit | evaluative | deontic | retain | problem | reservation | defer | evidence | commission (reported
    # speech: the commission, part of it, the ministry, another named body)
    kind: str
    reservation: bool = False  # a condition or concern is stated too
    phrase: str = ""  # the words that carry the cue (left out when judging what the sentence is about)


def _negator_at(words: list[str], i: int) -> int:
    """Length of the negator (a word or phrase such as "heller ikke") starting at words[i], else 0."""
    for neg in _NEGATORS:
        if tuple(words[i : i + len(neg)]) == neg:
            return len(neg)
    return 0


def _negated(text: str, start: int, end: int) -> bool:
    """A negator scoped to the words at text[start:end]: up to three words before them in their clause, or two after.

    A negator directly followed by "bare"/"berre"/"minst" ("støtter ikke bare X, men også Y")
    negates nothing. The next word is read from the sentence itself, never wrapped around.
    """
    inside = text[start:end].split()
    if any(_negator_at(inside, i) for i in range(len(inside))):  # "er ikke enige", "er heller ikke riktig"
        return True
    before = _CLAUSE_BREAK.split(text[max(0, start - 60) : start])[-1].split()[-4:]
    after = _CLAUSE_BREAK.split(text[end : end + 60])[0].split()[:4]
    seq = [*before, *inside, *after]
    first_after = len(before) + len(inside)
    windows = [*range(max(0, len(before) - 3), len(before)), *range(first_after, first_after + 2)]
    for i in windows:
        n = _negator_at(seq, i)
        if n and (i + n >= len(seq) or seq[i + n] not in _NOT_NEGATING):
            return True
    return False


# Words that only carry attitude ("deler kommisjonens analyse": "analyse" is no topic there).
CUE_WORDS = frozenset(
    w
    for group in (SUPPORT, SUPPORT_EVALUATIVE, QUALIFIED_SUPPORT, OPPOSE)
    for pattern in group
    for w in re.findall(r"[a-zæøå]{2,}", re.sub(r"\\w|\?[:=!<]", " ", pattern))
)
_CUE_PREFIXES = tuple(w for w in CUE_WORDS if len(w) >= 5)


def cue_words_masked(sentence: str, phrase: str) -> str:
    """The sentence with the attitude words of its cue phrase blanked (topic words stay)."""
    if not phrase:
        return sentence
    pattern = r"\s+".join(re.escape(w) for w in phrase.split())
    m = re.search(pattern, sentence, flags=re.IGNORECASE)
    if m is None:
        return sentence
    kept = " ".join(
        w
        for w in m.group(0).split()
        if w.lower() not in CUE_WORDS and not w.lower().startswith(_CUE_PREFIXES)
    )
    return f"{sentence[: m.start()]} {kept} {sentence[m.end() :]}"


@lru_cache(maxsize=256)
def _named_subject(others: tuple[str, ...]) -> re.Pattern[str] | None:
    names = [re.escape(" ".join(o.lower().split())) for o in others if o.strip()]
    if not names:
        return None
    alternation = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(
        rf"^(?:{alternation})(?:s| sitt| si| sin)?(?:,[^,]{{1,60}},)? (?:\w+ ){{0,2}}(?:{_NAMED_VERBS})\b"
    )


def _commission_end(text: str, others: tuple[str, ...] = ()) -> int:
    """Where the reported part of the sentence ends ("Kommisjonen anbefaler", "KS mener"), else -1."""
    if _OWN_VIEW.search(text):
        return -1  # "Høringsnotatet peker etter vår vurdering i riktig retning": the sender's view
    stripped = text.lstrip("*«\"'–- ")
    offset = len(text) - len(stripped)
    named = _named_subject(others)
    m = (
        _COMMISSION.match(stripped)
        or _COMMISSION_INVERTED.match(stripped)
        or _OTHER_BODY.match(stripped)
        or _ATTRIBUTION.match(stripped)
        or (named.match(stripped) if named is not None else None)
    )
    if m is not None:
        return offset + m.end()
    third = _THIRD_PARTY.search(text)
    if third is not None:
        # "Fellesrådet peker i sitt høringssvar på at ...": theirs up to a clause of the sender's own.
        own = re.search(r"[;:]| men | og (?:vi|me|det) ", text[third.end() :])
        return third.end() + own.start() if own else len(text)
    return -1


def is_commission_voice(sentence: str, *, others: Iterable[str] = ()) -> bool:
    """True when the sentence reports what someone else says: the commission, part of it ("et mindretall i
    utvalget"), the ministry or government proposing, or "ifølge utvalget"; never the respondent's own view."""
    return _commission_end(" ".join(sentence.lower().split()), tuple(others)) >= 0


def _first(pattern: re.Pattern[str], text: str, *, negated: bool) -> re.Match[str] | None:
    for m in pattern.finditer(text):
        if _negated(text, m.start(), m.end()) is negated:
            return m
    return None


@dataclass(frozen=True, slots=True)
class EndorsementCue:
    """The sender adopts another body's response: "Vi slutter oss til høringssvaret fra KS"."""

    start: int  # offsets into the sentence as given: the endorsing words
    end: int
    name_start: int  # where the endorsed body's name begins (the linker decides who it is)
    phrase: str
    reservation: bool = False  # "med ett unntak", "bortsett frå ...": not adopted wholesale


def detect_endorsement(sentence: str) -> EndorsementCue | None:
    """An endorsement of another body's response in the sentence, or None.

    Offsets refer to the sentence as given (matched case-insensitively). A negated one
    ("slutter oss ikke til") is none. The body is whoever is named from ``name_start`` on.
    """
    low = sentence.lower()
    m = _ENDORSEMENT.search(low)
    if m is None or _negated(low, m.start(), m.end()):
        return None
    reservation = _ENDORSEMENT_EXCEPTION.search(low) is not None
    return EndorsementCue(m.start(), m.end(), m.end(), sentence[m.start() : m.end()].strip(), reservation)


def detect_cue(sentence: str, *, others: Iterable[str] = ()) -> Cue | None:
    """The attitude a sentence states, or None when it states none.

    ``others``: names of other bodies the letter mentions (not the sender); a sentence that opens
    with one of them and a reporting verb ("KS mener ...", "NFLB går imot ...") is reported speech.
    """
    text = " ".join(sentence.lower().split())
    endorsement = detect_endorsement(text)
    if endorsement is not None:
        # Adopting another body's response is no position on a proposal (see detect_endorsement);
        # what the sentence says besides ("..., men vi går imot X") still counts.
        text = f"{text[: endorsement.start]}¤ {text[endorsement.end :]}"
    condition = _CONDITION.search(text) is not None
    reservation = condition or _RESERVATION.search(text) is not None
    oppose = _OPPOSE.search(text)  # its negations are part of the patterns
    against = [m for m in (oppose, _first(_SUPPORT, text, negated=True)) if m is not None]
    support = _first(_SUPPORT, text, negated=False) or _first(_QUALIFIED, text, negated=False)
    condition = condition or _QUALIFIED.search(text) is not None
    if support is not None and _CONCESSION.search(text, support.end()) is not None:
        condition = True
    first_against = min(against, key=lambda m: m.start()) if against else None
    commission_end = _commission_end(text, tuple(others))
    if commission_end >= 0:
        # "Kommisjonen tilrår at ...": the reporting verb is the commission's, not the respondent's.
        support = support if support is not None and support.start() >= commission_end else None
        if first_against is not None and first_against.start() < commission_end:
            first_against = None
    no_objection = _NO_OBJECTION.search(text)
    if no_objection is not None and (first_against is None or no_objection.start() <= first_against.start()):
        # "Vi er ikkje usamde i X, men ...": the agreement has a stated limit, as after a support verb.
        condition = condition or _CONCESSION.search(text, no_objection.end()) is not None
        return Cue(Stance.QUALIFIED if condition else Stance.SUPPORTS, 1.0, "explicit", reservation,
                   no_objection.group(0))  # fmt: skip
    # Letters lead with their verdict: whichever explicit word comes first decides.
    if first_against is not None and (support is None or first_against.start() < support.start()):
        return Cue(Stance.OPPOSES, 1.0, "explicit", reservation, first_against.group(0))
    if support is not None:
        if condition or first_against is not None:
            return Cue(Stance.QUALIFIED, 1.0, "explicit", True, support.group(0))
        return Cue(Stance.SUPPORTS, 1.0, "explicit", reservation, support.group(0))
    if commission_end >= 0:
        return Cue(Stance.MENTIONS, 0.3, "commission")
    if _NO_BASIS.search(text):  # "har ikke grunnlag for å vurdere om X er riktig": no verdict on X
        return Cue(Stance.MENTIONS, 0.35, "defer", reservation)
    retain = _RETAIN.search(text)
    if retain is not None and not _first(_RETAIN, text, negated=True):
        before = text[: retain.start()]
        if " men " in before and _first(_DEONTIC, before.rsplit(" men ", 1)[0], negated=False):
            # "kravene bør gjennomgås, men kravet om X må beholdes": yes, with an exception.
            return Cue(Stance.QUALIFIED, 0.6, "deontic", True)
        return Cue(Stance.OPPOSES, 0.7, "retain", reservation)
    evaluative = _EVALUATIVE.search(text)
    if evaluative is not None:
        if _negated(text, evaluative.start(), evaluative.end()):  # "det er heller ikke riktig at"
            return Cue(Stance.OPPOSES, 0.6, "evaluative", reservation, evaluative.group(0))
        # "Tilskotet er bra, men ...": a limit after the evaluation qualifies it, as after a support verb.
        limited = condition or _CONCESSION.search(text, evaluative.end()) is not None
        return Cue(
            Stance.QUALIFIED if limited else Stance.SUPPORTS,
            0.6,
            "evaluative",
            reservation or limited,
            evaluative.group(0),
        )
    against_eval = _OPPOSE_EVALUATIVE.search(text)
    if against_eval is not None and not _negated(text, against_eval.start(), against_eval.end()):
        return Cue(Stance.OPPOSES, 0.6, "evaluative", reservation, against_eval.group(0))
    if _DEFER.search(text):
        return Cue(Stance.MENTIONS, 0.35, "defer", reservation)
    if reservation:
        return Cue(None, 0.4, "reservation", True)
    deontic = _first(_DEONTIC, text, negated=False)
    if deontic is not None and not _first(_DEONTIC, text, negated=True):
        return Cue(Stance.SUPPORTS, 0.45, "deontic")
    problems = [m for m in _PROBLEM.finditer(text) if not _negated(text, m.start(), m.end())]
    if len(problems) >= 2:  # one complaint word is a description; two are a complaint
        return Cue(Stance.SUPPORTS, 0.35, "problem")
    if _EVIDENCE.search(text):  # "Undersøkinga vår viser at ...": reported, not judged
        return Cue(Stance.MENTIONS, 0.3, "evidence")
    return None
