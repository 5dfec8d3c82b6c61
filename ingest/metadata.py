"""Metadata of a response, found in the letter itself and overridable by a sidecar.

Sender (``ingest._sender``: fields, "Høringssvar fra X", signature, letterhead, body), date
(``ingest._letter``: any common Norwegian form, chosen by where it stands), references («Vår
referanse», «Deres/Dykkar referanse»), addressee, response type (a declared «Svartype», else a
short letter whose message is "ingen merknader"), language (bokmål/nynorsk) and title. The word
lists are data in ``ingest/lexicon/metadata.yaml``. A sidecar ``<file>.meta.yaml`` next to the
file overrides any field.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ingest._language import detect_language
from ingest._letter import (
    Field,
    is_field_passage,
    letter_date,
    lexicon,
    parse_date,
    passage_fields,
    phrase_pattern,
)
from ingest._sender import find_sender
from ingest.errors import DocumentReadError
from ingest.lexicon import no_comments_pattern
from ingest.model import ActorType, Passage, PassageKind, ResponseMetadata, ResponseType

__all__ = [
    "apply_sidecar",
    "detect_language",
    "extract_metadata",
    "is_field_passage",
    "normalise_name",
    "parse_date",
    "sidecar_path",
]

_FIELD = re.compile(r"^\s*(?P<key>[A-Za-zÆØÅæøå .]+?)\s*:\s*(?P<value>.*)$")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.yaml")


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,.;:-–")
    if name.isupper() and len(name) > 3:  # "NORDFJELL KOMMUNE" -> "Nordfjell kommune"
        words = [w.capitalize() if i == 0 or w.lower() not in lexicon()["lower_in_names"] else w.lower()
                 for i, w in enumerate(name.split())]  # fmt: skip
        name = " ".join(
            "-".join(p.capitalize() for p in w.split("-")) if i == 0 else w for i, w in enumerate(words)
        )
    return name


def _cased_as_written(name: str, text: str) -> str:
    """An upper-case letterhead name as the letter writes it elsewhere ("NORSK X-FORBUND" -> "Norsk x-forbund")."""
    if not name.isupper() or len(name) <= 3:
        return normalise_name(name)
    pattern = re.compile(
        r"(?<![\wæøåÆØÅ])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\wæøåÆØÅ])", re.I
    )
    for m in pattern.finditer(text):
        if not m.group().isupper():
            return normalise_name(m.group())
    return normalise_name(name)


_NO_COMMENTS_MIN_BODY = 4  # more body paragraphs than this: "ingen merknader" is one remark among many
_NOU = re.compile(r"\bNOU\s+\d{4}\s*:\s*\d+")
_TITLE_START = re.compile(
    r"^(?:høringssvar|høyringssvar|høring|høyring|høringsuttalelse|høyringsfråsegn|uttalelse|fråsegn|"
    r"svar på høring)\b",
    re.IGNORECASE,
)


def _response_type(text: str, passages: list[Passage], declared: str | None) -> ResponseType:
    """The «Svartype» a page or form declares; else «uten merknad» when "ingen merknader" is the
    letter's whole message, not one remark among many."""
    values = lexicon()["response_type_values"]
    if declared:
        if phrase_pattern(values["without"]).search(declared):
            return ResponseType.WITHOUT_COMMENTS
        if phrase_pattern(values["with"]).search(declared):
            return ResponseType.WITH_COMMENTS
    body = [p for p in passages if p.kind is not PassageKind.HEADING and len(p.text) > 40]
    if len(body) > _NO_COMMENTS_MIN_BODY:
        return ResponseType.WITH_COMMENTS
    partial = phrase_pattern(lexicon()["partial_no_comments"])
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        # "ingen merknader til kapittel 3, men ...": no remarks on one part is a remark on the rest.
        if no_comments_pattern().search(sentence) and not partial.search(sentence):
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


def _first(fields: list[Field], kind: str) -> str | None:
    return next((f.value for f in fields if f.kind == kind and f.value), None)


def _addressee(fields: list[Field], passages: list[Passage]) -> str | None:
    value = _first(fields, "addressee")
    if value is not None:
        return re.split(r",\s*(?=postboks|\d)", value, maxsplit=1, flags=re.I)[0].strip() or None
    # "Kommunal- og distriktsdepartementet": the ministry word ends a compound, so no word boundary.
    ministry = re.compile("|".join(map(re.escape, lexicon()["ministry_words"])), re.IGNORECASE)
    for p in passages[:8]:
        if ministry.search(p.text) and len(p.text) < 70 and not p.text.endswith("."):
            return p.text.strip()
    return None


def extract_metadata(
    text: str, passages: list[Passage], *, html_fields: dict[str, str] | None = None
) -> ResponseMetadata:
    html_fields = html_fields or {}
    fields = passage_fields(passages)
    addressee = _addressee(fields, passages)
    declared_type = html_fields.get("svartype") or _first(fields, "response_type")
    sender = find_sender(text, passages, fields, addressee)
    return ResponseMetadata(
        sender_name=_cased_as_written(sender, text) if sender else None,
        date=letter_date(passages, fields, html_fields),
        our_reference=_first(fields, "our_reference"),
        their_reference=_first(fields, "their_reference"),
        addressee=addressee,
        response_type=_response_type(text, passages, declared_type),
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
