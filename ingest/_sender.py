"""Who sent the letter: candidates from every place a letter names its sender, weighed together.

Places, strongest first: a sender field ("Avsender:", "Fra:", a web form's "Avsender X"); a heading
"Høringssvar fra X"; the organisation in the signature block ("Med vennlig hilsen" / X / name /
title, "for X", "leder, X"); the letterhead (page numbers, addresses, e-mail, logo initials cut
away); a person who signs a letter with no organisation; last, the organisation the body most often
makes the subject of a sentence. A name found in several places, or repeated in the text, gains.
Adverbs, pronouns, anaphoric nouns ("Forbundet") and sentences are never names. The vocabulary is
data (``ingest/lexicon/metadata.yaml``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ingest._letter import Field, lexicon, phrase_pattern
from ingest.model import Passage, PassageKind

__all__ = ["find_sender", "is_org_name", "looks_like_name"]

_WORD = re.compile(r"[\wæøåÆØÅ]+(?:-[\wæøåÆØÅ]+)*-?")
_SEPARATOR = re.compile(r"\s*[·|•]\s*|\s+[–—-]\s+")
_EMAIL = re.compile(r"<[^>]*>|\S+@\S+")


def _alt(key: str) -> str:
    return "|".join(re.escape(w) for w in sorted(lexicon()[key], key=len, reverse=True))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """The letterhead and body patterns, built once from the lexicon."""
    page = rf"(?:{_alt('page_words')})\s*\d+(?:\s*(?:{_alt('page_of')}|/)\s*\d+)?"
    return {
        "page_prefix": re.compile(
            rf"^\s*(?:{page}|\d+\s*/\s*\d+|\d+\s*\(\d+\)|[–-]\s*\d+\s*[–-])\s*", re.IGNORECASE
        ),
        "page_suffix": re.compile(rf"\s*\|?\s*(?:\d+\s*/\s*\d+|[–-]\s*\d+\s*[–-]|{page})\s*$", re.IGNORECASE),
        "address": re.compile(
            rf"\(\s*[A-ZÆØÅ]{{2,8}}\s*\)|\S+@\S+|\bwww\.|https?://|(?<![\wæøå])(?:{_alt('address_words')})(?![\wæøå])|\d|,",
            re.IGNORECASE,
        ),
        "postal": re.compile(
            rf"^\s*(?:(?:{_alt('address_words')})(?![\wæøå])|\d{{4}}\s+[A-ZÆØÅ])", re.IGNORECASE
        ),
        "ministry": re.compile(_alt("ministry_words"), re.IGNORECASE),
        "ministry_postbox": re.compile(rf"\b(?:{_alt('ministry_postbox')})\b"),
        "subject_verb": re.compile(
            rf"(?:^|[.!?]\s+)([A-ZÆØÅ][\wæøåÆØÅ-]+(?:[ \t]+(?:{_alt('subject_name_heads')}|[A-ZÆØÅ][\wæøå-]+))?)[ \t]+"
            rf"(?:{_alt('subject_verbs')})\b"
        ),
    }


def _connectors() -> frozenset[str]:
    return _words("name_connectors")


@cache
def _words(key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon()[key])


def _tokens(name: str) -> list[str]:
    return _WORD.findall(name)


def is_org_name(name: str) -> bool:
    """Names an organisation: a word (or the last part of a compound) that ends organisation names."""
    heads, whole = _words("org_heads"), _words("whole_word_heads")
    org_words = set(lexicon()["org_words"])
    for token in _tokens(name):
        low = token.lower().rstrip("-")
        if token in org_words or low in heads:
            return True
        if any(low.endswith(h) and len(low) >= len(h) + 4 for h in heads - whole):
            return True
    return False


def looks_like_name(name: str) -> bool:
    """A short run of words that starts with a capital and is no sentence, field, adverb or pronoun."""
    name = name.strip()
    tokens = _tokens(name)
    if not tokens or len(tokens) > 9 or len(name) > 90 or not name[0].isupper():
        return False
    if name.endswith((".", "!", "?", ":", ";")) or re.search(r"\d|@|www\.|https?:", name):
        return False
    low = [t.lower() for t in tokens]
    if " ".join(low) in _words("not_senders") or (len(low) == 1 and low[0] in _words("not_senders")):
        return False
    if (_words("sentence_words") | _words("never_in_names")) & set(low):
        return False
    return not phrase_pattern(lexicon()["from_phrases"]).match(name) and not _is_field(name)


def _is_field(line: str) -> bool:
    return bool(re.match(r"^[\wæøåÆØÅ .]{2,30}:", line))


def _person_name(line: str) -> bool:
    tokens = line.split()
    return (
        2 <= len(tokens) <= 4
        and all(re.fullmatch(r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?", t) for t in tokens)
        and not is_org_name(line)
        and looks_like_name(line)
    )


def _clean_segment(segment: str) -> str:
    """The name in one piece of a letterhead: address, logo initials and a tagline cut away."""
    m = _patterns()["address"].search(segment)
    if m:
        cut = m.start()
        if segment[m.start()].isdigit():  # "Fjordvegen 2": the street name goes with its number
            cut = segment.rfind(" ", 0, max(cut - 1, 0)) + 1 if " " in segment[:cut].strip() else 0
        segment = segment[:cut]
    # "V IKØY KOMMUNE": a PDF that spaces out the capitals of a logo splits off the first letter.
    segment = re.sub(r"^\s*([B-DF-HJ-NP-TV-ZØ]) ([A-ZÆØÅ]{2,})(?![\wæøåÆØÅ])", r"\1\2", segment)
    tokens = segment.split()
    # "BK BRATTVIK KOMMUNE", "PIF Plan- og ingeniørforbundet": logo initials before the name.
    if (
        len(tokens) > 1
        and re.fullmatch(r"[A-ZÆØÅ]{2,4}", tokens[0])
        and tokens[0][0] == tokens[1][0].upper()
        and is_org_name(" ".join(tokens[1:]))
    ):
        tokens = tokens[1:]
    # "STORELVA KOMMUNE Kommunedirektøren": the capitals are the name, the rest a unit.
    caps = 0
    while caps < len(tokens) and tokens[caps].isupper() and len(tokens[caps]) > 1:
        caps += 1
    if 2 <= caps < len(tokens):
        tokens = tokens[:caps]
    # "Plan- og ingeniørforbundet Fagforeningen for ...": a name ends at its organisation word.
    for i, token in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        same_caps = token.isupper() and nxt.isupper()  # "NORSK FORBUND FOR X": one name in capitals
        if is_org_name(token) and nxt[:1].isupper() and nxt.lower() not in _connectors() and not same_caps:
            tokens = tokens[: i + 1]
            break
    return " ".join(tokens).strip(" ,.;:-–")


def _strip_prefix(line: str) -> str:
    prefixes = phrase_pattern(lexicon()["signature_prefixes"], suffix=r"\s+")
    return prefixes.sub("", line, count=1) if prefixes.match(line) else line


@dataclass
class _Votes:
    scores: dict[str, float]
    names: dict[str, str]
    sources: dict[str, set[str]]
    order: dict[str, int]

    def add(self, name: str, score: float, source: str) -> None:
        name = re.sub(r"\s+", " ", name).strip(" ,.;:-–")
        if not looks_like_name(name):
            return
        key = name.casefold()
        self.names.setdefault(key, name)
        self.order.setdefault(key, len(self.order))
        self.scores[key] = max(self.scores.get(key, 0.0), score)
        self.sources.setdefault(key, set()).add(source)


def _from_fields(fields: list[Field], votes: _Votes) -> None:
    for f in fields:
        if f.kind == "sender" and f.value:
            value = _EMAIL.sub("", f.value).strip(" ,;")
            votes.add(_strip_prefix(value), 6.0, "field")


def _from_headings(passages: list[Passage], votes: _Votes) -> None:
    phrases = phrase_pattern(lexicon()["from_phrases"])
    for p in passages[:15]:
        m = phrases.match(p.text.strip())
        if not m:
            continue
        rest = re.match(rf"\s+(?:{_alt('from_words')})\s+(.+)$", p.text.strip()[m.end() :], re.IGNORECASE)
        if rest:
            # "Høringssvar fra X – NOU ...", "... fra X til NOU ...": the name ends where the subject starts.
            name = re.split(rf"\s+[–—-]\s+|:|\(|\s+(?:{_alt('title_cutters')})\s+", rest.group(1))[0]
            votes.add(name, 5.0, "heading")


def _signature_lines(passages: list[Passage]) -> list[str]:
    openers = phrase_pattern(lexicon()["signature_openers"], suffix=r"[\s,.!]*")
    ends = phrase_pattern(lexicon()["signature_end"])
    for i in range(len(passages) - 1, -1, -1):
        m = openers.match(passages[i].text.strip())
        if not m or len(passages[i].text) > 60:
            continue
        lines = [passages[i].text.strip()[m.end() :]] if passages[i].text.strip()[m.end() :] else []
        for p in passages[i + 1 : i + 10]:
            if ends.match(p.text.strip()) or len(p.text) > 90 or p.kind is PassageKind.HEADING:
                break
            lines.append(p.text.strip())
        return lines
    return []


def _role_of(part: str) -> str:
    """ "Ordfører i Lyngnes kommune" -> "Lyngnes kommune": a title of the organisation that follows."""
    m = re.match(r"^([A-ZÆØÅ][a-zæøå-]+)\s+(?:i|for|ved)\s+(.+)$", part)
    if m and not is_org_name(m.group(1)) and is_org_name(m.group(2)):
        return m.group(2)
    return part


def _from_signature(passages: list[Passage], votes: _Votes) -> bool:
    """Votes for the organisation in the signature; a signing person only when no organisation signs."""
    person = None
    for line in _signature_lines(passages):
        line = _patterns()["page_suffix"].sub("", _patterns()["page_prefix"].sub("", line))
        # "Lyngnes kommune · Storgata 4 · 9990 Lyngnes" (a footer), "leder, Foreningen X" (title, name).
        parts = [p.strip() for seg in _SEPARATOR.split(line) for p in seg.split(",")]
        for raw in parts:
            if _patterns()["address"].search(raw):
                raw = _clean_segment(raw)
            if not raw:
                continue
            part = _strip_prefix(_role_of(raw))
            # "for X", "Styret i X": what a role prefix introduces is an organisation.
            if (part != raw or is_org_name(part)) and looks_like_name(part):
                votes.add(_clean_segment(part) or part, 5.0, "signature")
                return True
            if person is None and _person_name(part):
                person = part
    if person is not None:
        votes.add(person, 2.0, "signature-person")
    return False


def _from_page_heading(passages: list[Passage], votes: _Votes) -> None:
    """A page whose heading is a person's name (a private answer published on regjeringen.no)."""
    if passages and passages[0].kind is PassageKind.HEADING and _person_name(passages[0].text.strip()):
        votes.add(passages[0].text.strip(), 3.0, "page-heading")


def _letterhead_end(passages: list[Passage]) -> int:
    phrases = phrase_pattern(lexicon()["from_phrases"])
    for p in passages[:12]:
        if p.index > 0 and (len(p.text) > 160 or (p.kind is PassageKind.HEADING and phrases.match(p.text))):
            return p.index
    return min(len(passages), 12)


def _from_letterhead(passages: list[Passage], addressee: str | None, votes: _Votes) -> None:
    end = _letterhead_end(passages)
    head = [p.text.strip() for p in passages[:end]]
    # A name a PDF broke over two lines ("Institutt for X og" / "Y").
    joined: list[str] = []
    for line in head:
        if joined and joined[-1].split() and joined[-1].split()[-1].lower() in _connectors():
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    have_org = False
    for i, line in enumerate(joined):
        if addressee and line.lower() == addressee.lower():
            continue
        following = joined[i + 1] if i + 1 < len(joined) else ""
        if (
            i > 0
            and _patterns()["postal"].match(following)
            and (have_org or _patterns()["ministry_postbox"].search(following))
        ):
            continue  # the recipient's address block: a name over "Postboks ..." after the sender's
        line = _patterns()["page_suffix"].sub("", _patterns()["page_prefix"].sub("", line))
        if _is_field(line):
            continue
        for segment in _SEPARATOR.split(line):
            name = _clean_segment(segment)
            if not name or (addressee and name.lower() == addressee.lower()):
                continue
            if i > 0 and _patterns()["ministry"].search(name):
                continue  # the ministry in the address block
            if is_org_name(name):
                votes.add(name, 4.0 - 0.05 * i, "letterhead")
                have_org = True
                break
            if (name.isupper() and len(name) >= 2) or (len(name.split()) == 1 and i == 0 and len(name) >= 4):
                votes.add(name, 2.5 - 0.05 * i, "letterhead-brand")
            elif i == 0 and _person_name(name) and _patterns()["postal"].match(following):
                votes.add(
                    name, 2.5, "signature-person"
                )  # a private letter: the writer's name over an address


def _from_body(text: str, votes: _Votes) -> None:
    counts: Counter[str] = Counter()
    for m in _patterns()["subject_verb"].finditer(text):
        name = m.group(1).strip()
        if name.lower() not in _words("not_senders"):
            counts[name] += 1
    for name, _n in counts.most_common(1):
        votes.add(name, 1.0, "body")


def _first_person_singular(text: str) -> bool:
    words = re.findall(r"[a-zæøå]+", text.lower())
    return sum(w in _words("first_person_singular") for w in words) >= 2


def find_sender(text: str, passages: list[Passage], fields: list[Field], addressee: str | None) -> str | None:
    """The sender's name as written, or None when the letter does not say."""
    votes = _Votes({}, {}, {}, {})
    _from_fields(fields, votes)
    _from_headings(passages, votes)
    _from_signature(passages, votes)
    _from_letterhead(passages, addressee, votes)
    _from_page_heading(passages, votes)
    _from_body(text, votes)
    if not _first_person_singular(text):
        # A person who writes or signs for an organisation is not the sender; in a letter in the
        # first person singular ("jeg", "eg") the person is. A person named in a sender field gives
        # way only to an organisation the letterhead, a heading or the signature names.
        org_scores = [votes.scores[k] for k in votes.scores if is_org_name(votes.names[k])]
        for key in [k for k in votes.scores if _person_name(votes.names[k])]:
            if org_scores and (votes.scores[key] < 4.0 or max(org_scores) >= 4.0):
                del votes.scores[key]
    if not votes.scores:
        return None
    low = text.casefold()

    def total(key: str) -> tuple[float, int]:
        repeated = low.count(key) >= 2
        return votes.scores[key] + 0.5 * (len(votes.sources[key]) - 1) + 0.75 * repeated, -votes.order[key]

    best = max(votes.scores, key=total)
    return votes.names[best]
