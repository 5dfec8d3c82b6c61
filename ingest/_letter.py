"""The parts of a letter the metadata reader needs: its lexicon, its fields and its dates.

Forms, not letters: a field is a known label followed by a value ("Vår dato: 06.10.2027", several per
line or one per table cell, a label whose value stands on the next line); a date is any common
Norwegian form (3. mars 2027, 03.03.2027, 3.3.27, 27. sep. 2023, 1. okt, 2023, 2027-03-03); the
letter's own date is told from deadlines and cited documents by where it stands (a date field, a
"Place, date" line, a line of its own, the signature) and by the words before it. The vocabulary is
data in ``ingest/lexicon/metadata.yaml``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import InputError
from ingest.model import Passage

__all__ = [
    "Field",
    "is_field_passage",
    "letter_date",
    "lexicon",
    "parse_date",
    "passage_fields",
    "phrase_pattern",
]

_LEXICON_PATH = Path(__file__).parent / "lexicon" / "metadata.yaml"


_REQUIRED_KEYS = (
    "months", "weekdays", "labels", "date_context", "signature_openers", "signature_end", "signature_prefixes",
    "from_phrases", "org_heads", "org_words", "whole_word_heads", "not_senders", "never_in_names",
    "sentence_words", "response_type_values", "language_pairs", "partial_no_comments", "page_words", "page_of",
    "address_words", "name_connectors", "lower_in_names", "ministry_words", "ministry_postbox", "subject_verbs",
    "subject_name_heads", "from_words", "title_cutters", "first_person_singular",
)  # fmt: skip


@cache
def lexicon() -> dict[str, Any]:
    """The metadata word lists, read once; a broken file is an error naming the file and the key."""
    try:
        data = yaml.safe_load(_LEXICON_PATH.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"{_LEXICON_PATH}: cannot be read as YAML ({exc}); fix or reinstall the file"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{_LEXICON_PATH}: expected a mapping of named word lists at the top level")
    missing = [k for k in _REQUIRED_KEYS if not data.get(k)]
    if missing:
        raise InputError(f"{_LEXICON_PATH}: missing or empty: {', '.join(missing)}")
    return data


def phrase_pattern(phrases: list[str], *, suffix: str = "") -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation of phrases, longest first; spaces match any spacing."""
    return _phrase_pattern(tuple(phrases), suffix)


@cache
def _phrase_pattern(phrases: tuple[str, ...], suffix: str) -> re.Pattern[str]:
    parts = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\wæøåÆØÅ])(?:" + "|".join(parts) + r")(?![\wæøåÆØÅ])" + suffix, re.IGNORECASE)


# -- dates ---------------------------------------------------------------------------------------
@cache
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    months = sorted(lexicon()["months"], key=len, reverse=True)
    word = re.compile(
        r"(?<![\d.])(\d{1,2})\.?\s*(" + "|".join(months) + r")(?![a-zæøå])\.?,?\s*(\d{4})(?!\d)",
        re.IGNORECASE,
    )
    numeric = re.compile(r"(?<![\d.,/])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?![\d/]|\.\d)")
    iso = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
    # "27/9-23", "27/9-2023": an informal form, trusted like a two-digit year (never in running text).
    slash = re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})[-–](\d{4}|\d{2})(?![\d/-])")
    return word, numeric, iso, slash


@dataclass(frozen=True, slots=True)
class _DateHit:
    when: date
    start: int
    end: int
    short_year: bool


def _date_hits(text: str) -> list[_DateHit]:
    word, numeric, iso, slash = _date_patterns()
    months: dict[str, int] = lexicon()["months"]
    hits: list[_DateHit] = []
    for m in word.finditer(text):
        _add(hits, m, int(m.group(3)), months[m.group(2).lower()], int(m.group(1)), False)
    for m in numeric.finditer(text):
        year = m.group(3)
        _add(
            hits,
            m,
            int(year) + (2000 if len(year) == 2 else 0),
            int(m.group(2)),
            int(m.group(1)),
            len(year) == 2,
        )
    for m in iso.finditer(text):
        _add(hits, m, int(m.group(1)), int(m.group(2)), int(m.group(3)), False)
    for m in slash.finditer(text):
        year = m.group(3)
        _add(hits, m, int(year) + (2000 if len(year) == 2 else 0), int(m.group(2)), int(m.group(1)), True)
    return sorted(hits, key=lambda h: h.start)


def _add(hits: list[_DateHit], m: re.Match[str], year: int, month: int, day: int, short: bool) -> None:
    with contextlib.suppress(ValueError):  # 31.02.2027 is no date
        hits.append(_DateHit(date(year, month, day), m.start(), m.end(), short))


def parse_date(text: str) -> date | None:
    """The first date in the text in any common Norwegian form; None when absent or impossible."""
    hits = _date_hits(text)
    return hits[0].when if hits else None


# -- fields --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Field:
    kind: str  # the label's group in the lexicon: date, sent, sender, ...
    label: str
    value: str
    passage_index: int


@cache
def _label_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for kind, labels in lexicon()["labels"].items():
        if kind == "bare":
            continue
        for label in labels:
            kinds.setdefault(label.lower(), kind)
    return kinds


@cache
def _label_pattern() -> re.Pattern[str]:
    # "Vår ref.:", "Dato :", "Sakshandsamar, innvalstelefon:" - a label, optional dot, then a colon.
    labels = sorted(_label_kinds(), key=len, reverse=True)
    alternation = "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in labels)
    return re.compile(r"(?:^|(?<=[\s|·]))(" + alternation + r")\.?(?:,[^:|\n]{0,30})?\s*:\s*", re.IGNORECASE)


@cache
def _bare_label_pattern() -> re.Pattern[str]:
    bare = lexicon()["labels"]["bare"]
    return re.compile(r"^(" + "|".join(map(re.escape, bare)) + r")\s+(?=[\dA-ZÆØÅ])(.+)$", re.IGNORECASE)


def _cells(text: str) -> list[str]:
    """A Markdown table row is read cell by cell; any other line as it is."""
    if text.count("|") >= 2 and text.lstrip().startswith("|"):
        return [c.strip() for c in text.strip().strip("|").split("|")]
    return [text]


def _fields_in(text: str, index: int) -> list[Field]:
    kinds = _label_kinds()
    out: list[Field] = []
    for cell in _cells(text):
        matches = list(_label_pattern().finditer(cell))
        if not matches:
            bare = _bare_label_pattern().match(cell.strip())
            if bare and len(cell) <= 120:
                label = bare.group(1).lower()
                out.append(Field(kinds.get(label, "other"), label, bare.group(2).strip(), index))
            continue
        if matches[0].start() > 0 and not _is_filler(cell[: matches[0].start()]):
            continue  # a label in the middle of a sentence is not a field
        for m, nxt in zip(matches, [*matches[1:], None], strict=True):
            label = re.sub(r"\s+", " ", m.group(1).lower())
            value = cell[m.end() : nxt.start() if nxt else len(cell)].strip(" |·")
            out.append(Field(kinds.get(label, "other"), label, value, index))
    return out


_FIELD_PASSAGE_MAX = 300  # the longest field block in the development and training letters is 203


def is_field_passage(text: str) -> bool:
    """A block of labelled fields, as a letterhead, e-mail header or web form has it ("Fra: ...",
    "Høringssvar til: ... Avsender: ... Dato: ..."): it starts with a known label and is short.
    It says who wrote and when, which the graph holds as metadata; it states nothing a question asks."""
    if len(text) > _FIELD_PASSAGE_MAX:
        return False
    head = text.lstrip().lower()
    return any(head.startswith(f.label) for f in _fields_in(text, 0))


def _is_filler(text: str) -> bool:
    return not re.search(r"[A-Za-zÆØÅæøå]{3}", text)


def passage_fields(passages: list[Passage], limit: int = 40) -> list[Field]:
    """Labelled fields in the first passages, in order. A value left empty takes the next passage when
    that is no field itself ("Vår dato:" / "30. sep. 2027" in two table cells); a run of empty labels
    takes the same number of passages after it, in order (a letterhead table read row by row)."""
    fields: list[Field] = []
    head = passages[:limit]
    found_in = [_fields_in(p.text, p.index) for p in head]
    i = 0
    while i < len(head):
        found = found_in[i]
        run = i
        while run < len(head) and len(found_in[run]) == 1 and not found_in[run][0].value:
            run += 1
        width = run - i
        values = head[run : run + width]
        labels = [found_in[k][0] for k in range(i, run)]
        if (
            width >= 2
            and len(values) == width
            and not any(found_in[run : run + width])
            and all(_fits(f.kind, v.text) for f, v in zip(labels, values, strict=True))
        ):
            fields += [
                Field(found_in[k][0].kind, found_in[k][0].label, v.text.strip(), v.index)
                for k, v in zip(range(i, run), values, strict=True)
                if len(v.text) <= 80
            ]
            i = run + width
            continue
        nxt = head[i + 1] if i + 1 < len(head) else None
        if found and nxt is not None and not any(f.value for f in found) and not found_in[i + 1]:
            found = _values_below(found, nxt)
        fields += found
        i += 1
    fields += _header_table(head)
    return fields


_DATE_KINDS = ("date", "sent", "published", "their_date")


def _fits(kind: str, value: str) -> bool:
    """Could this be the value of such a label? A date for a date, a number in a reference."""
    if kind in _DATE_KINDS:
        return bool(_date_hits(value))
    if kind in ("our_reference", "their_reference"):
        return bool(re.search(r"\d", value)) and len(value) <= 40
    return len(value) <= 80


def _values_below(labels: list[Field], below: Passage) -> list[Field]:
    """Labels without values above the line that holds them: one label takes the whole line; several
    take the line's dates in order when there are as many dates as date labels (cells a PDF set in
    one line: "27/2841 27/198-4 Kari Nordmann 30.09.2027")."""
    if len(labels) == 1:
        if len(below.text) > 80:
            return labels
        return [Field(labels[0].kind, labels[0].label, below.text.strip(), below.index)]
    dated = [f for f in labels if f.kind in _DATE_KINDS]
    hits = _date_hits(below.text)
    if not dated or len(hits) != len(dated):
        return labels
    values = iter(below.text[h.start : h.end] for h in hits)
    return [Field(f.kind, f.label, next(values), below.index) if f.kind in _DATE_KINDS else f for f in labels]


def _header_table(passages: list[Passage]) -> list[Field]:
    """A row of bare labels above a row of values (a Markdown table, or cells a PDF set in one line)."""
    kinds = _label_kinds()
    out: list[Field] = []
    for i, above in enumerate(passages):
        labels = [re.sub(r"[.:\s]+$", "", c).lower() for c in _cells(above.text)]
        if len(labels) < 2 or not all(re.sub(r"\s+", " ", c) in kinds for c in labels):
            continue
        for below in passages[i + 1 : i + 3]:
            # "|---|---| | 27/1 | 3. mars 2027 |": a separator row may share a passage with the values.
            row = _SEPARATOR_ROW.sub("|", below.text, count=1)
            cells = _cells(row)
            if not row.strip(" |"):
                continue
            if len(cells) == len(labels):
                out += [
                    Field(kinds[re.sub(r"\s+", " ", k)], k, v, below.index)
                    for k, v in zip(labels, cells, strict=True)
                ]
            break
    return out


_SEPARATOR_ROW = re.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*")


# -- the letter's date ---------------------------------------------------------------------------
_FIELD_SCORE = {"date": 9.0, "sent": 7.0, "published": 5.0}


def _context_kind(before: str) -> str | None:
    ctx = lexicon()["date_context"]
    tail = before[-40:]
    for kind in ("deadline", "resolution", "cited"):
        if phrase_pattern(ctx[kind], suffix=r"[\s:,]*(?:[\wæøå]+\s+){0,3}$").search(tail):
            return kind
    return None


@cache
def _place() -> re.Pattern[str]:
    """What may stand before a letter's date on its line: a place, a weekday, "den"."""
    weekdays = "|".join(lexicon()["weekdays"])
    return re.compile(
        r"^\s*(?:(?:[A-ZÆØÅ][a-zæøåA-ZÆØÅ-]+\s?){1,3},?\s*)?(?i:(?:" + weekdays + r")\s+)?(?i:den\s+)?$"
    )


_PLACE_AFTER_FIELD = re.compile(r"\s[A-ZÆØÅ][a-zæøå-]+,\s*$")
_RUNNING_SCORE = {"cited": None, "deadline": None, "resolution": 2.0, None: 1.0}


def _dated_field(fields: list[Field], kinds: tuple[str, ...]) -> set[date]:
    return {h.when for f in fields if f.kind in kinds for h in _date_hits(f.value)}


def letter_date(passages: list[Passage], fields: list[Field], html_fields: dict[str, str]) -> date | None:
    """The letter's own date, scored by where it stands.

    A date field beats a "Place, date" line or a date on its own line (in the letterhead or the
    signature), which beats a sent/published stamp, which beats a resolution date in running text.
    Deadlines, the dates of documents the letter cites and the addressee's dates never count.
    """
    for key in ("dato", "date"):
        when = parse_date(html_fields.get(key, ""))
        if when:
            return when
    best: tuple[float, int, date] | None = None

    def consider(score: float, order: int, when: date) -> None:
        nonlocal best
        if best is None or (score, order) > (best[0], best[1]):
            best = (score, order, when)

    # A page's publication stamp as the HTML reader passes it (a byline, article:published_time).
    for key in ("published", "publisert", "article:published_time"):
        when = parse_date(html_fields.get(key, ""))
        if when:
            consider(_FIELD_SCORE["published"], 0, when)
    for f in fields:
        if f.kind in _FIELD_SCORE:
            hits = _date_hits(f.value)
            if hits:
                consider(_FIELD_SCORE[f.kind], -f.passage_index, hits[0].when)
    theirs = _dated_field(fields, ("their_date",))
    labelled = _dated_field(fields, tuple(_FIELD_SCORE))
    signature = _signature_start(passages)
    for p in passages:
        for hit in _date_hits(p.text):
            if hit.when in theirs or hit.when in labelled:
                continue  # the addressee's date, or a field already weighed
            before, after = p.text[: hit.start], p.text[hit.end :]
            kind = _context_kind(before)
            if kind == "deadline":
                continue
            # The letterhead, or the end of the letter: the signature and the lines just above it.
            near_head = p.index < 25 or p.index >= signature - 2
            if len(after.strip()) <= 12 and near_head and _place().match(before):
                consider(8.0, -p.index, hit.when)  # "Oslo, 3. mars 2027" or a date on its own line
                continue
            if len(after.strip()) <= 12 and near_head and _PLACE_AFTER_FIELD.search(before):
                consider(8.0, -p.index, hit.when)  # "Vår ref.: 27/4 Oslo, 3. mars 2027"
                continue
            if hit.short_year:
                continue  # "3.3.27" in running text is as likely a section number
            score = _RUNNING_SCORE[kind]
            if score is not None:
                # Among running-text dates the latest is nearest the letter: it cannot predate what it cites.
                consider(score, hit.when.toordinal(), hit.when)
    return best[2] if best else None


def _signature_start(passages: list[Passage]) -> int:
    openers = phrase_pattern(lexicon()["signature_openers"], suffix=r"[\s,.!]*$")
    for p in reversed(passages):
        if len(p.text) <= 40 and openers.match(p.text.strip()):
            return p.index
    return len(passages) + 1
