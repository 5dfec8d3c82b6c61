"""Stance cues in Norwegian hearing letters, bokmål and nynorsk: lexicons as data, one small reader.

A sentence gets at most one :class:`Cue`: what the respondent says (supports, opposes,
supports with a condition), that it only reports what the commission proposes or will do,
or that it defers. Which proposal the cue is about is decided in ``ingest._relevance``;
this module only reads the sentence's attitude.

Negation is scoped to the stance word itself: a negator a few words before a support word
("kan likevel ikke støtte", "er ikkje samde") or right after it ("støtter derfor ikke")
turns support into opposition, while a negation elsewhere in the sentence ("Vi er ikke
blinde for at ..., men") does not. Lexicons are tuples of regular expressions over the
lower-cased sentence, so someone who writes Norwegian can extend them without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Stance

__all__ = [
    "CONCESSION",
    "CONDITION",
    "CUE_WORDS",
    "DEFER",
    "DEONTIC",
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
    "cue_words_masked",
    "detect_cue",
    "is_commission_voice",
]

_NEGATORS = frozenset({"ikke", "ikkje", "ikkj", "ingen", "aldri", "neppe", "heller ikke", "ei"})
# "ikke bare", "ikkje minst": the negator does not negate what follows.
_NOT_NEGATING = frozenset({"bare", "berre", "minst", "utan", "uten"})

# A respondent agrees. Negated forms ("støtter ikke") are found by the negation scope, not listed.
SUPPORT: tuple[str, ...] = (
    r"støtt(?:er|ar|ast|es)",
    r"stør",
    # The infinitive only after a modal: "for å støtte kommunene" is no stance, "kan ikke støtte" is.
    r"(?:kan|kunne|vil|ville|skal|må|bør) (?:\w+ ){0,3}(?:støtte|stø)",
    r"slutt(?:er|ar|a|et|e) (?:oss|seg|meg) (?:\w+ )?til",
    r"stiller (?:oss|seg) (?:\w+ )?bak",
    r"(?:er|vere|være|var) (?:\w+ ){0,2}(?:enig|enige|einig|einige|samd|samde)",
    r"deler (?:\w+ ){0,2}(?:vurdering|vurderinga|vurderingen|syn|synet|analyse|analysen|oppfatning|"
    r"oppfatninga|oppfatningen|konklusjon|konklusjonen|bekymring|uro|beskrivelse|beskrivelsen|skildring|"
    r"skildringa|problemforståelse|problemforståelsen|problemforståinga|bilde|bildet|biletet|utgangspunkt|"
    r"utgangspunktet|ambisjon|ambisjonen|mål|målet)",
    # The noun only when it is the respondent's backing: "har vår klare støtte", "har forbundets fulle støtte".
    r"(?:har|får|gir|fortjener) (?:\w+ ){0,2}(?:vår|vårt|si|sin|full|fulle|klar|klare|sterk|sterke|[\wæøå]+s) "
    r"(?:\w+ )?(?:støtte|tilslutning)",
    r"(?:full|fulle|klar|klare|sterk|sterke|stor|helhjertet) støtte",
    r"(?:ønsk|hels|hils)(?:er|jer|ar) (?:\w+ ){1,12}velkom(?:men|e)",
    r"(?:er|vere|være|stiller (?:oss|seg)) (?:\w+ ){0,2}positiv(?:e)? til",
    r"ser (?:\w+ )?positivt på",
    r"imøteser",
    r"går (?:\w+ )?inn for",
    r"tilrår (?:at|å)",
)
# Evaluations in favour of a proposal, without a stance verb; weaker than SUPPORT.
SUPPORT_EVALUATIVE: tuple[str, ...] = (
    r"(?:er )?på (?:høy|høg) tid",
    r"(?:er|være|vere) (?:\w+ ){0,2}(?:riktig|rett|fornuftig|klokt|klok)",
    # "er viktig å sikre gode tjenester" is a platitude, "X er viktig" an evaluation of X.
    r"er (?:\w+ ){0,2}(?:nødvendig|avgjørende|avgjerande|viktig|bra|godt)(?! (?:å|for|når|i|om|med))",
    r"(?:riktig|rett|fornuftig|klokt|klok|godt|viktig|nødvendig) (?:grep|retning|forslag|steg|framlegg)",
    r"det viktigaste grepet|det viktigste grepet",
    r"treffer (?:\w+ )?kjernen",
    r"peker (?:\w+ )?i (?:riktig|rett) retning",
)
# Evaluations against a proposal, without a stance verb.
OPPOSE_EVALUATIVE: tuple[str, ...] = (
    r"(?:er|være|vere|blir|bli) (?:\w+ ){0,2}(?:feil|galt|gale|uheldig|uheldige|uklokt|ukloke|urett|"
    r"uakseptabelt|uakseptabel|uforsvarlig|uforsvarleg|eit feilsteg|et feilgrep|eit feilgrep)",
    r"(?:går|gå) i (?:feil|gal) retning",
)
# The respondent states what must or should happen, or wishes it; support when that is what the proposal does.
DEONTIC: tuple[str, ...] = (
    r"(?:bør|må|burde|skal)",
    r"(?:ønsk|ynsk)(?:er|jer) (?:\w+ )?at",
    r"ser (?:\w+ )?behov for",
    r"anbefal(?:er|ar) (?:\w+ )?(?:at|å)",
)
# A complaint about how things are now. When it restates the problem a proposal is meant to solve
# ("søknadsprosesser ... binder ressurser som heller kunne vært brukt til tjenester"), it supports
# that proposal, weakly; ``ingest.stance`` demands a close topic match for it.
PROBLEM: tuple[str, ...] = (
    r"binder (?:\w+ )?(?:ressurser|ressursar|kapasitet|tid|personell|kompetanse)",
    r"(?:tar|tek|krever|krev|stjeler|stel) (?:\w+ ){0,2}(?:ressurser|ressursar|kapasitet|tid|arbeidstid)",
    r"heller (?:kunne|kunne ha|kan) (?:vært|vore|blitt|blitt) brukt",
    r"(?:tidkrevende|tidkrevjande|ressurskrevende|ressurskrevjande|byråkratisk|byråkratiske|tungvint|tungvinte|"
    r"uoversiktlig|uoversiktleg|fragmentert|fragmenterte|unødvendig|unødig|detaljert|detaljerte)",
)
# No objection is agreement: "har ingen innvendinger mot forslaget".
NO_OBJECTION: tuple[str, ...] = (
    r"(?:har|har vi|hadde) (?:\w+ )?ingen (?:innvendinger|innvendingar|motforestillinger|motførestellingar|"
    r"innsigelser) (?:mot|til) (?:forslaget|framlegget|anbefalingen|anbefalinga|tilrådinga|tilrådingen|dette|det)",
)
OPPOSE: tuple[str, ...] = (
    r"går (?:\w+ ){0,2}(?:i ?)?mot",
    r"gå (?:i ?)?mot",
    r"(?:er|vere|være|står) (?:\w+ )?imot",
    r"(?:er|vere|være|var) (?:\w+ ){0,2}(?:uenig|uenige|ueinig|ueinige|usamd|usamde)",
    r"(?:fra|frå)r(?:åder|åde|ådde|ådet|år|ådar)",
    r"(?:ønsk|ynsk)(?:er|jer) (?:\w+ )?(?:ikke|ikkje) at",
    r"avvis(?:er|ar)",
    r"tar (?:\w+ )?avstand fr[aå]",
    r"(?:kan|klarer) (?:\w+ ){0,2}(?:ikke|ikkje) (?:se|sjå) at",
    r"(?:ser|ser vi) (?:ikke|ikkje) at",
    r"(?:har|har vi) (?:\w+ )?vanskel(?:ig|eg) for å (?:se|sjå) at",
    r"(?:er|vere|være) (?:\w+ )?(?:sterkt |svært )?kritisk(?:e)? til",
    r"advar(?:e|er|ar) (?:\w+ )?(?:sterkt|klart|tydeleg|tydelig) mot",
    r"(?:er|vere|være|stiller (?:oss|seg)) (?:\w+ ){0,2}negativ(?:e)? til",
)
# "should not be done": opposition when the verb is the proposal's action.
OPPOSE_ACTION: tuple[str, ...] = (
    r"bør (?:ikke|ikkje) (?:\w+ )?(?:innlemmes|innlemmast|fjernes|fjernast|oppheves|opphevast|avvikles|"
    r"avviklast|gjennomføres|gjennomførast|følges opp|følgjast opp|vedtas|vedtakast)",
)
# Conditions and concessions: with support they make it qualified.
CONDITION: tuple[str, ...] = (
    r"forutsatt at",
    r"føresett at",
    r"føreset at",
    r"under (?:den )?(?:forutsetning|føresetnad)",
    r"på (?:betingelse|vilkår|føresetnad) (?:av|om|at)",
    r"(?:bare|berre|kun|berre) (?:dersom|hvis|om|viss|når|så lenge)",
    r"så lenge",
    r"med (?:\w+ )?(?:forbehold|atterhald|reservasjon|reservasjonar|reservasjoner)",
    r"delvis (?:enig|enige|einig|einige|samd|samde)",
    r"i (?:utgangspunktet|prinsippet|hovudsak|hovedsak) (?:\w+ )?(?:positiv|positive|enig|enige|einig|einige|samd|samde)",
    r"advar(?:e|er|ar) mot",
    r"men (?:\w+ ){0,4}(?:må|bør|skal) (?:ikke|ikkje)",
    r"men (?:\w+ ){0,5}(?:må|bør) (?:\w+ ){0,3}(?:bygge|byggje|sikres|sikrast|ivaretas|ivaretakast|"
    r"omfatte|tas med|takast med|ta omsyn|ta hensyn|kompenseres|kompenserast)",
)
# Support that names its own limits: qualified without a separate condition.
QUALIFIED_SUPPORT: tuple[str, ...] = (
    r"i (?:utgangspunktet|prinsippet|hovudsak|hovedsak) (?:\w+ )?(?:positiv|positive|enig|enige|einig|einige|samd|samde)",
    r"delvis (?:enig|enige|einig|einige|samd|samde)",
    r"(?:positiv|positive|enig|enige|einig|einige|samd|samde) (?:\w+ ){0,8}?[\wæøå]+, men",
    r"i (?:hovedtrekk|hovudtrekk)\w*",
)
# "..., men ... må": a condition only after the respondent's own support in the same sentence
# ("Vi støtter forslaget, men overgangsordningar må på plass"); alone it is often just argument.
CONCESSION: tuple[str, ...] = (r"men (?:\w+ ){0,6}(?:må|bør|forutset\w*|føreset\w*|krev\w*|trengs|trengst)",)
# A concern or reservation stated in its own sentence about the same proposal.
RESERVATION: tuple[str, ...] = (
    # "en eventuell innlemming må vurderes ordning for ordning": to be examined, not yet agreed.
    r"(?:bør|må) (?:\w+ ){0,3}(?:vurderes|vurderast|utredes|utgreiast|greiast ut|ses nærmere på|"
    r"sjåast nærare på|drøftes|drøftast|konsekvensutredes|konsekvensutgreiast)",
    r"(?:eventuell|eventuelle|ei eventuell|en eventuell)",
    r"(?:er|vere|være) (?:\w+ ){0,2}(?:bekymret|bekymra|uroa|urolig|uroleg|skeptisk|skeptiske)",
    r"(?:frykter|fryktar|fryktar vi|frykter vi)",
    r"vil (?:\w+ )?(?:peke på|understreke|minne om) at (?:\w+ ){0,12}(?:bør|må) (?:\w+ ){0,4}"
    r"(?:inngå|være en del av|vere ein del av|vurderes|vurderast|utredes|greiast ut|synliggjøres|synleggjerast)",
    r"(?:bør|må) (?:\w+ ){0,6}(?:inngå|være en del av|vere ein del av) (?:i )?(?:\w+ ){0,2}"
    r"(?:vurdering|vurderinga|vurderingene|beslutningsgrunnlaget|avgjerdsgrunnlaget|grunnlaget)",
    r"ber (?:\w+ )?om at (?:\w+ ){0,12}(?:synliggjøres|synleggjerast|synleggjorde|synliggjort|utredes|greiast ut)",
    r"ber om at (?:\w+ ){0,10}før det (?:fattes|blir gjort|gjøres|vert gjort)",
)
# Keeping what exists: opposition to a proposal that removes, merges or loosens it.
RETAIN: tuple[str, ...] = (
    r"(?:må|bør|skal) (?:\w+ )?(?:videreføres|vidareførast|vidareførest|beholdes|behaldast|opprettholdes|"
    r"haldast ved lag|holdes ved lag|bestå|består|bli ståande|bli stående)",
)
# What a proposal does, read from its own title and text.
REMOVAL = re.compile(r"innlemm|fjern|opphev|avvikl|myke opp|avskaff|svekk")
# The respondent defers, or follows the work without a view.
DEFER: tuple[str, ...] = (
    r"(?:vil|skal) komme tilbake til",
    r"(?:kjem|kjem vi|vil koma) (?:\w+ )?(?:tilbake|attende) til",
    r"kommer (?:\w+ )?tilbake til",
    r"vil følgj?e (?:\w+ ){0,4}(?:arbeid|arbeidet|utredning|utgreiing|oppfølging)",
    r"ser (?:\w+ )?fram til",
    r"(?:tar|tek) (?:\w+ )?(?:ikke|ikkje) stilling",
    r"avventer|avventar",
    # "no comments on this" takes no position, but says the letter saw it
    r"(?:har|har vi|hadde) (?:\w+ )?ingen (?:synspunkter|synspunkt|merknader|merknadar|kommentarer|kommentarar) "
    r"(?:på|til|om) (?:dette|det|forslaget|framlegget|anbefalingen|anbefalinga|tilrådinga)",
    r"(?:dette|det) har (?:\w+ ){1,2}ingen (?:synspunkter|synspunkt|merknader|merknadar|kommentarer|kommentarar)",
)
_COMMISSION = re.compile(
    r"^(?:i tillegg |videre |vidare |samtidig |også )?(?:vil |skal )?(?:kommisjonen|kommunekommisjonen|utvalget|"
    r"utvalet|utredningen|utgreiinga|rapporten|nou-en|delutredningen|delutgreiinga)(?: sin| selv| sjølv)?"
    r"(?:,[^,]{1,60},)? (?:\w+ )?(?:anbefaler|anbefalte|tilrår|tilrådde|foreslår|foreslo|gjer framlegg|gjør framlegg|"
    r"mener|meiner|vil|skal|varsler|varslar|vurderer|peker|begrunner|grunngir|skriver|legger|konkluderer|"
    r"har|tar til orde|drøfter|drøftar|beskriver|skildrar|viser|påpeker|understreker)\b"
)


# Inverted word order after an adverbial: "I tillegg vil kommisjonen se på ...", "I andre delutgreiing skal utvalet ...".
_COMMISSION_INVERTED = re.compile(
    r"^(?:[\wæøå-]+ ){1,4}(?:vil|skal|har|anbefaler|tilrår|foreslår|mener|meiner|varsler|varslar) "
    r"(?:kommisjonen|kommunekommisjonen|utvalget|utvalet)\b"
)


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
_CLAUSE_BREAK = re.compile(r"[,;:]| men | og at | og ")


@dataclass(frozen=True, slots=True)
class Cue:
    stance: Stance | None  # None: only a reservation, no stance of its own
    strength: float  # 1.0 explicit statement ... 0.3 only reports the commission's work
    kind: str  # explicit | evaluative | deontic | retain | reservation | commission | defer
    reservation: bool = False  # a condition or concern is stated too
    phrase: str = ""  # the words that carry the cue (left out when judging what the sentence is about)


def _negated(text: str, start: int, end: int) -> bool:
    """A negator scoped to the word at text[start:end]: up to three words before it in its clause, or two after."""
    if any(w in _NEGATORS for w in text[start:end].split()):  # "er ikke enige", "er heller ikke riktig"
        return True
    clause = _CLAUSE_BREAK.split(text[max(0, start - 60) : start])[-1]
    before = clause.split()[-3:]
    after = _CLAUSE_BREAK.split(text[end : end + 40])[0].split()[:3]
    for words in (before, after[:2]):
        for i, w in enumerate(words):
            nxt = (words + after)[i + 1] if i + 1 < len(words + after) else ""
            if w in _NEGATORS and nxt not in _NOT_NEGATING:
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


def _commission_end(text: str) -> int:
    """Where "Kommisjonen anbefaler" ends when the sentence opens with it, else -1."""
    stripped = text.lstrip("*«\"'–- ")
    offset = len(text) - len(stripped)
    m = _COMMISSION.match(stripped) or _COMMISSION_INVERTED.match(stripped)
    return offset + m.end() if m else -1


def is_commission_voice(sentence: str) -> bool:
    """True when the sentence reports what the commission proposes or does, not the respondent's view."""
    return _commission_end(" ".join(sentence.lower().split())) >= 0


def _first(pattern: re.Pattern[str], text: str, *, negated: bool) -> re.Match[str] | None:
    for m in pattern.finditer(text):
        if _negated(text, m.start(), m.end()) is negated:
            return m
    return None


def detect_cue(sentence: str) -> Cue | None:
    """The attitude a sentence states, or None when it states none."""
    text = " ".join(sentence.lower().split())
    condition = _CONDITION.search(text) is not None
    reservation = condition or _RESERVATION.search(text) is not None
    oppose = _OPPOSE.search(text)  # its negations are part of the patterns
    against = [m for m in (oppose, _first(_SUPPORT, text, negated=True)) if m is not None]
    support = _first(_SUPPORT, text, negated=False) or _first(_QUALIFIED, text, negated=False)
    condition = condition or _QUALIFIED.search(text) is not None
    if support is not None and _CONCESSION.search(text, support.end()) is not None:
        condition = True
    first_against = min(against, key=lambda m: m.start()) if against else None
    commission_end = _commission_end(text)
    if commission_end >= 0:
        # "Kommisjonen tilrår at ...": the reporting verb is the commission's, not the respondent's.
        support = support if support is not None and support.start() >= commission_end else None
        if first_against is not None and first_against.start() < commission_end:
            first_against = None
    no_objection = _NO_OBJECTION.search(text)
    if no_objection is not None and (first_against is None or no_objection.start() <= first_against.start()):
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
        return Cue(
            Stance.QUALIFIED if condition else Stance.SUPPORTS,
            0.6,
            "evaluative",
            reservation,
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
    return None
