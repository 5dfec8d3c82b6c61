"""Stance cue lexicons for bokmål and nynorsk, as regular expressions over lower-cased sentences.

Kept as data so they can be read and extended by someone who writes Norwegian, not code.
Order of precedence when a sentence has several: oppose > qualified > support > mention.
"""

from __future__ import annotations

import re

__all__ = [
    "CONDITION",
    "DEFER",
    "DESCRIBES_COMMISSION",
    "NORMATIVE",
    "OPPOSE",
    "REMOVAL",
    "RESERVATION",
    "RETAIN",
    "SUPPORT",
]


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Explicit opposition (negated support included: the negation is inside the pattern).
OPPOSE = _any(
    r"\bgår\s+(?:sterkt\s+|klart\s+|derfor\s+)?(?:imot|i mot|mot)\b",
    r"\b(?:støtter|stør|støttar)\s+(?:derfor\s+)?(?:ikke|ikkje)\b",
    r"\b(?:kan|vil)\s+(?:derfor\s+)?(?:ikke|ikkje)\s+(?:støtte|stø|slutte\s+seg\s+til|tilrå|anbefale|gå\s+inn\s+for)",
    r"\b(?:er|står)\s+(?:sterkt\s+)?(?:uenig|uenige|usamd|usamde|imot)\b",
    r"\b(?:ikke|ikkje)\s+(?:enig|enige|samd|samde)\s+(?:med|i)\b",
    r"\bfraråder\b|\bfrårår\b|\bavviser\b|\bavviser\b|\bgår\s+imot\b",
    r"\bbør\s+(?:ikke|ikkje)\s+(?:innlemmes|fjernes|oppheves|avvikles|gjennomføres)",
    r"\bvi\s+kan\s+(?:ikke|ikkje)\s+se\s+at\b",
    r"\bkan\s+(?:ikke|ikkje)\s+sjå\s+at\b",
)

# Support: agreement, backing, welcoming, positive evaluation.
SUPPORT = _any(
    r"\b(?:støtter|stør|støttar)\b",
    r"\bslutter\s+seg\s+til\b|\bsluttar\s+seg\s+til\b|\bslutta\s+seg\s+til\b",
    r"\b(?:er|var)\s+(?:helt\s+|heilt\s+|derfor\s+)?(?:enig|enige|samd|samde)\b",
    r"\bdeler\s+(?:kommisjonens|utvalgets)\s+(?:vurdering|syn)",
    r"\b(?:vår|forbundets|kommunens|fylkeskommunens|vår\s+klare|vår\s+fulle)\s+(?:klare\s+|fulle\s+)?støtte\b",
    r"\bhar\s+\w+\s+(?:klare|fulle|sterke)\s+støtte\b",
    r"\bstiller\s+seg\s+(?:helt\s+|heilt\s+)?bak\b|\bstiller\s+oss\s+bak\b",
    r"\bvelkommen\b|\bønsker\s+.{0,60}\s+velkommen\b",
    r"\b(?:er|stiller\s+seg)\s+(?:i\s+utgangspunktet\s+|svært\s+|veldig\s+|klart\s+)?positiv[e]?\s+til\b",
    r"\bpå\s+høy\s+tid\b|\bpå\s+høg\s+tid\b",
    r"\b(?:riktig|rett|fornuftig|klok|viktig|nødvendig)\s+(?:grep|retning|forslag)\b",
    r"\bdet\s+viktigste\s+grepet\b",
    r"\bgir\s+(?:sin\s+)?tilslutning\b|\bhilser\s+.{0,40}velkommen\b",
)

# Conditions and concessions that turn support into qualified support.
CONDITION = _any(
    r"\bforutsatt\s+at\b|\bforutset(?:ter|jer)\b|\bunder\s+(?:forutsetning|føresetnad)\b|\bføresetnad(?:en)?\s+(?:om|at)\b",
    r"\bmen\s+(?:bare|berre|kun)\s+(?:dersom|hvis|viss|om)\b",
    r"\bi\s+utgangspunktet\s+positiv",
    r"\bmed\s+(?:visse\s+|noen\s+|nokre\s+)?forbehold\b",
    r"\bpå\s+vilkår\s+(?:av|om)\b|\bså\s+lenge\b",
    r",?\s+men\s+(?:vi|det|forbundet|kommunen|fylkeskommunen|ordningen|ordninga)\s+(?:vil\s+)?(?:advare|må|bør|understreker|vil|er)\b",
)

# A reservation stated in a separate sentence about the same proposal.
RESERVATION = _any(
    r"\bvil\s+(?:vi\s+)?(?:peke\s+på|advare\s+mot)\b|\bvi\s+vil\s+advare\b",
    r"\bbør\s+(?:være\s+en\s+del\s+av|inngå\s+i)\s+(?:kunnskaps|beslutnings|vurdering)",
    r"\b(?:er|er\s+likevel|er\s+derimot)\s+(?:uroa|bekymret|bekymra)\b|\bvi\s+fryktar\b|\bvi\s+frykter\b",
    r"\bmå\s+(?:ikke|ikkje)\s+svekkes\b|\bmå\s+ikke\s+bli\b",
)

# Normative statements ("bør", "må") in line with a proposal: implicit support.
NORMATIVE = _any(
    r"\bdet\s+bør\s+(?:utvikles|etableres|gjennomgås|ryddes|reduseres|forenkles)\b",
    r"\b(?:bør|må)\s+(?:reduseres|forenkles|gjennomgås|fjernes|oppheves|utvikles|styrkes|samordnes)\b",
    r"\bmå\s+også\s+tydelig\b|\bmå\s+(?:fremme|sikre|legge\s+til\s+rette)\b",
    r"\bbinder\s+ressurser\b|\btar\s+(?:for\s+)?mye\s+tid\b|\btidkrevende\b",
)

# The respondent defers its position.
DEFER = _any(
    r"\bvil\s+komme\s+tilbake\s+til\b|\bkjem\s+attende\s+til\b|\bvil\s+følge\s+.{0,60}\s+arbeid\b",
    r"\bnår\s+.{0,40}\s+(?:foreligger|ligg\s+føre)\b",
)

# The sentence reports what the commission says or will do, not what the respondent thinks.
DESCRIBES_COMMISSION = _any(
    r"^(?:i\s+tillegg\s+)?(?:vil\s+)?(?:kommisjonen|utvalget|kommunekommisjonen)\s+(?:anbefaler|mener|foreslår|vil|varsler|skal|vurderer|begrunner|peker)\b",
    r"^i\s+tillegg\s+vil\s+kommisjonen\b",
    r"^kommisjonen\s+varsler\b",
)

# Keeping what exists ("må videreføres som egne ordninger"): opposition, but only to a proposal
# that removes or merges something; it says nothing against simplifying it.
RETAIN = _any(
    r"\b(?:må|bør|skal)\s+(?:fortsatt\s+)?(?:videreføres|vidareførast|vidareførast|beholdes|behaldast|opprettholdes|haldast\s+ved\s+lag)\b",
    r"\bnormene\s+bør\s+(?:difor\s+|derfor\s+)?(?:vidareførast|videreføres)\b",
)
# What a proposal does, read from its own text: removing, merging or loosening something.
REMOVAL = re.compile(r"innlemm|fjern|opphev|avvikl|myke\s+opp|avvikles")
