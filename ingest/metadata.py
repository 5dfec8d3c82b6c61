"""Metadata of a response, found in the letter itself and overridable by a sidecar.

Sender, date, references («Vår referanse», «Deres/Dykkar referanse»), addressee,
response type (med/uten merknad), language (bokmål/nynorsk) and title. A sidecar
``<file>.meta.yaml`` next to the file overrides any field.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ingest._language import detect_language
from ingest.errors import DocumentReadError
from ingest.model import ActorType, Passage, PassageKind, ResponseMetadata, ResponseType

__all__ = [
    "apply_sidecar",
    "detect_language",
    "extract_metadata",
    "normalise_name",
    "parse_date",
    "sidecar_path",
]

_MONTHS = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\.\s*(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_FIELD = re.compile(r"^\s*(?P<key>[A-Za-zÆØÅæøå .]+?)\s*:\s*(?P<value>.*)$")

_ORG_WORDS = re.compile(
    r"\b(kommune|fylkeskommune|fylkeskommunen|statsforvalteren|statsforvaltaren|departement\w*|direktorat\w*|"
    r"forbund\w*|forening\w*|foreining\w*|organisasjon\w*|senter\w*|senteret|tilsyn\w*|etat\w*|"
    r"regionråd\w*|universitet\w*|høgskule\w*|høgskole\w*|institutt\w*|KS|LO|NHO|Unio|YS|Akademikerne|"
    r"bank\w*|råd|rådet|utval\w*|utvalg\w*|kommisjon\w*|sekretariat\w*|lag|laget|samband\w*)\b",
    re.IGNORECASE,
)
_NOT_SENDER = re.compile(
    r"^(postboks|\d{4}\s|til:|til |deres|dykkar|din |vår |dato|saksbehandler|sakshandsamar|kopi|"
    r"kommunal- og distrikt|høring|høyring|høringssvar|nou\b)",
    re.IGNORECASE,
)
_SUBJECT_VERB = re.compile(
    r"(?:^|[.!?]\s+)([A-ZÆØÅ][\wæøåÆØÅ-]+(?:\s+(?:kommune|fylkeskommune|[A-ZÆØÅ][\wæøå-]+))?)\s+"
    r"(?:takker|takkar|støtter|stør|mener|meiner|vil|deler|bruker|har|er|kan|ser|viser|anbefaler|ønsker|ynskjer)\b"
)
_PRONOUNS = {"vi", "det", "dette", "den", "de", "dei", "kommisjonen", "kommunene", "kommunane", "staten", "regjeringen",
             "utvalget", "departementet", "forslaget", "utredningen", "rapporten", "en", "et", "ei", "eit", "ein",
             "mange", "flere", "fleire", "små", "slike", "hvis", "når", "mindre", "bedre", "både", "nye", "samtidig"}  # fmt: skip
_LOWER_IN_NAMES = {"kommune", "fylkeskommune", "og", "for", "i", "til", "av", "på", "med", "kommunar", "kommuner",
                   "forbund", "forbundet", "regionråd", "senter", "senteret", "departementet", "direktoratet"}  # fmt: skip


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.yaml")


def parse_date(text: str) -> date | None:
    """A date written as 15.04.2026, 15. april 2026 or 2026-04-15; None when absent or impossible."""
    for pattern, order in ((_NUMERIC_DATE, "dmy"), (_WORD_DATE, "dMy"), (_ISO_DATE, "ymd")):
        m = pattern.search(text)
        if not m:
            continue
        try:
            if order == "dmy":
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if order == "dMy":
                return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.;:-–")
    if name.isupper() and len(name) > 3:  # "NORDFJELL KOMMUNE" -> "Nordfjell kommune"
        words = [w.capitalize() if i == 0 or w.lower() not in _LOWER_IN_NAMES else w.lower()
                 for i, w in enumerate(name.split())]  # fmt: skip
        name = " ".join(
            "-".join(p.capitalize() for p in w.split("-")) if i == 0 else w for i, w in enumerate(words)
        )
    return name


def _fields(passages: list[Passage]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in passages[:40]:
        m = _FIELD.match(p.text)
        if m and len(m.group("key")) <= 25:
            out.setdefault(m.group("key").strip().lower(), m.group("value").strip())
    return out


def _field(fields: dict[str, str], *prefixes: str) -> str | None:
    for key, value in fields.items():
        if any(key.startswith(p) for p in prefixes):
            return value or None
    return None


def _sender(
    text: str, passages: list[Passage], addressee: str | None, html_fields: dict[str, str]
) -> str | None:
    for p in passages[:3]:
        m = re.match(
            r"^(?:Høringssvar|Høyringssvar|Høringsuttalelse)\s+(?:fra|frå)\s+(.+)$", p.text, re.IGNORECASE
        )
        if m:
            return normalise_name(m.group(1))
    # The letterhead: the first short line naming an organisation that is not the addressee.
    for p in passages[:6]:
        line = p.text
        if len(line) > 80 or _NOT_SENDER.match(line) or (addressee and line.lower() == addressee.lower()):
            continue
        if "departement" in line.lower() and len(passages) > 1 and addressee is None:
            continue  # an address block to a ministry; the sender is named elsewhere
        if _ORG_WORDS.search(line) and not line.endswith("."):
            return normalise_name(line)
    # No letterhead (the real letter has none): the organisation that most often speaks in the body.
    counts: Counter[str] = Counter()
    for m in _SUBJECT_VERB.finditer(text):
        name = m.group(1).strip()
        if name.lower() not in _PRONOUNS and not name.lower().startswith("kommisjon"):
            counts[name] += 1
    if counts:
        return normalise_name(counts.most_common(1)[0][0])
    return None


_NO_COMMENTS = re.compile(
    r"\b(?:ingen|ikkje|ikke)\s+(?:nokon\s+|noen\s+|særskilde\s+|særskilte\s+)?"
    r"(?:merknad(?:er)?|kommentar(?:ar|er)?|innspel|innspill|bemerkning(?:ar|er)?|synspunkt(?:er)?)\b",
    re.IGNORECASE,
)
_NOU = re.compile(r"\bNOU\s+\d{4}\s*:\s*\d+")
_TITLE_START = re.compile(
    r"^(?:høringssvar|høyringssvar|høring|høyring|høringsuttalelse|høyringsfråsegn|uttalelse|fråsegn|"
    r"svar på høring)\b",
    re.IGNORECASE,
)


def _response_type_from_text(text: str, passages: list[Passage]) -> ResponseType:
    """«uten merknad» when "ingen merknader" is the letter's whole message, not one remark among many."""
    body = [p for p in passages if p.kind is not PassageKind.HEADING and len(p.text) > 40]
    if _NO_COMMENTS.search(text) and len(body) <= 4:
        return ResponseType.WITHOUT_COMMENTS
    return ResponseType.WITH_COMMENTS


def _title(passages: list[Passage]) -> str | None:
    """The letter's subject line: one that names the report, starts like a hearing answer, or is a heading."""
    best: tuple[int, int] | None = None
    for p in passages[:15]:
        field = _FIELD.match(p.text)
        if len(p.text) > 160 or (field is not None and len(field.group("key")) <= 25):
            continue  # "Sak: Høring - NOU 2026:1 ..." is the case field of a protocol, not the title
        score = 2 * bool(_NOU.search(p.text)) + bool(_TITLE_START.match(p.text))
        score += bool(score) and p.kind is PassageKind.HEADING
        if score and (best is None or score > best[0]):
            best = (score, p.index)
    if best is None:
        heading = next((p for p in passages[:15] if p.kind is PassageKind.HEADING), None)
        return heading.text if heading is not None else None
    return next(p.text for p in passages if p.index == best[1])


def extract_metadata(
    text: str, passages: list[Passage], *, html_fields: dict[str, str] | None = None
) -> ResponseMetadata:
    html_fields = html_fields or {}
    fields = _fields(passages)
    addressee = _field(fields, "til")
    if addressee is None:
        for p in passages[:8]:
            if re.search(r"departementet\b", p.text) and len(p.text) < 70 and not p.text.endswith("."):
                addressee = p.text.strip()
                break
    date_text = html_fields.get("dato") or _field(fields, "dato") or html_fields.get("date") or ""
    when = parse_date(date_text) or parse_date("\n".join(p.text for p in passages[:12]))
    answer = (html_fields.get("svartype") or "").lower()
    if "uten" in answer or "utan" in answer:
        response_type = ResponseType.WITHOUT_COMMENTS
    elif "med" in answer:
        response_type = ResponseType.WITH_COMMENTS
    else:
        response_type = _response_type_from_text(text, passages)
    return ResponseMetadata(
        sender_name=_sender(text, passages, addressee, html_fields),
        date=when,
        our_reference=_field(fields, "vår ref", "vår referanse", "vår sak"),
        their_reference=_field(fields, "deres ref", "dykkar ref", "din ref", "dykkar referanse"),
        addressee=addressee,
        response_type=response_type,
        language=detect_language(text),
        title=_title(passages),
    )


class _SidecarLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: PyYAML raises a bare ValueError on 2026-02-30,
    and we want to name the field instead."""


_SidecarLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SIDECAR_FIELDS = {
    "sender_name", "date", "our_reference", "their_reference", "addressee", "response_type",
    "language", "title", "actor_id", "actor_type",
}  # fmt: skip


def apply_sidecar(path: Path, metadata: ResponseMetadata) -> ResponseMetadata:
    """Override extracted fields with ``<file>.meta.yaml`` when it exists."""
    side = sidecar_path(path)
    if not side.is_file():
        return metadata
    try:
        data: Any = yaml.load(side.read_text(encoding="utf-8"), Loader=_SidecarLoader)  # a SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError, OSError, ValueError) as exc:
        raise DocumentReadError(
            side, f"the sidecar is not valid UTF-8 YAML ({exc}); fix it or remove it"
        ) from None
    if data is None:
        return metadata
    if not isinstance(data, dict):
        raise DocumentReadError(side, "the sidecar must be a mapping of field: value")
    unknown = set(data) - _SIDECAR_FIELDS
    if unknown:
        raise DocumentReadError(
            side,
            f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(_SIDECAR_FIELDS))}",
        )
    updates: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, dict, set)) or (isinstance(value, str) and not value.strip()):
            raise DocumentReadError(
                side,
                f"field '{key}': expected one value, got {value!r}; write a single value or remove the line",
            )
        if key == "date":
            if isinstance(value, datetime):
                value = value.date()
            parsed = value if isinstance(value, date) else parse_date(str(value))
            if parsed is None:
                raise DocumentReadError(
                    side, f"field 'date': '{value}' is not a date; write it as 2026-04-15"
                )
            updates[key] = parsed
        elif key == "response_type":
            try:
                updates[key] = ResponseType(str(value))
            except ValueError:
                raise DocumentReadError(
                    side, "field 'response_type': use med-merknad or uten-merknad"
                ) from None
        elif key == "actor_type":
            try:
                updates[key] = ActorType(str(value))
            except ValueError:
                allowed = ", ".join(t.value for t in ActorType)
                raise DocumentReadError(
                    side, f"field 'actor_type': unknown type '{value}'; use one of: {allowed}"
                ) from None
        elif key == "language":
            if str(value) not in ("nb", "nn"):
                raise DocumentReadError(side, "field 'language': use nb (bokmål) or nn (nynorsk)")
            updates[key] = str(value)
        elif key == "actor_id":
            if not _ACTOR_ID.match(str(value)):
                raise DocumentReadError(
                    side,
                    f"field 'actor_id': '{value}' is not an id; use lower-case letters, digits and hyphens "
                    "as in the reference actors (e.g. lia-kommune)",
                )
            updates[key] = str(value)
        else:
            updates[key] = str(value).strip()
    return replace(metadata, **updates)
