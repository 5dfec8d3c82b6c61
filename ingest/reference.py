"""Loading the hearing's reference data from a ``reference/`` folder of YAML files.

Files: ``hearing.yaml`` (required), ``recommendations.yaml`` (required),
``actors.yaml``, ``grant_schemes.yaml``, ``pilots.yaml``, ``themes.yaml``, ``invited.yaml``
(the høringsliste: the bodies the hearing was sent to).
Errors name the file, the entry and the field, and say what to fix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import ReferenceDataError
from ingest.model import ActorType

__all__ = [
    "Actor",
    "GrantScheme",
    "Hearing",
    "InvitedBody",
    "Pilot",
    "ReferenceData",
    "Target",
    "Theme",
    "load_reference",
]


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    broader: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A recommendation (anbefaling) or assessment (vurdering) in the report."""

    id: str
    kind: str  # "recommendation" | "assessment"
    title: str
    text: str
    chapter: str | None = None
    themes: tuple[str, ...] = ()
    grant_schemes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    org_number: str | None = None


@dataclass(frozen=True, slots=True)
class GrantScheme:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    administered_by: str | None = None
    earmarked: bool | None = None


@dataclass(frozen=True, slots=True)
class Pilot:
    id: str
    name: str
    kind: str = "pilot"
    aliases: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    region: str | None = None


@dataclass(frozen=True, slots=True)
class InvitedBody:
    """A body on the høringsliste; ``id`` names it like an actor (a letter from it has the same IRI)."""

    id: str
    name: str
    type: ActorType


@dataclass(frozen=True, slots=True)
class Hearing:
    id: str
    title: str
    report_id: str
    report_title: str
    report_author: str | None = None
    report_part: str | None = None
    issued_by: str | None = None
    reference: str | None = None
    deadline: date | None = None
    source_url: str | None = None


@dataclass(slots=True)
class ReferenceData:
    hearing: Hearing
    targets: dict[str, Target] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    grant_schemes: dict[str, GrantScheme] = field(default_factory=dict)
    pilots: dict[str, Pilot] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    invited: tuple[InvitedBody, ...] = ()
    content_hash: str = ""  # sha256 over the files' bytes: re-loading unchanged data is a no-op


_FILES = ("hearing", "recommendations", "actors", "grant_schemes", "pilots", "themes", "invited")


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReferenceDataError(path, f"not valid YAML ({exc}); fix the syntax and run again") from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path, "not UTF-8 text; save the file as UTF-8") from exc


def _str(path: Path, entry: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise ReferenceDataError(path, f"{where}: missing required field '{key}'")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ReferenceDataError(path, f"{where}: field '{key}' must be text, got {type(value).__name__}")
    text = str(value).strip()
    if required and not text:
        raise ReferenceDataError(path, f"{where}: field '{key}' is empty")
    return text or None


def _str_list(path: Path, entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ReferenceDataError(path, f"{where}: field '{key}' must be a list of text")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _entries(path: Path, data: Any) -> list[Mapping[str, Any]]:
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise ReferenceDataError(path, "expected a list of entries (each '- id: ...')")
    return data


def _index(path: Path, items: Iterable[Any], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise ReferenceDataError(path, f"duplicate {what} id '{item.id}'; ids must be unique")
        out[item.id] = item
    return out


def _check_refs(path: Path, where: str, ids: Iterable[str], known: Mapping[str, Any], what: str) -> None:
    for ref in ids:
        if ref not in known:
            raise ReferenceDataError(
                path, f"{where}: unknown {what} id '{ref}'; add it to the {what} file or fix the id"
            )


def load_reference(folder: Path) -> ReferenceData:
    """Load and cross-check every reference file in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReferenceDataError(folder, "reference folder not found; pass --reference DIR")
    paths = {name: folder / f"{name}.yaml" for name in _FILES}
    for required in ("hearing", "recommendations"):
        if not paths[required].is_file():
            raise ReferenceDataError(paths[required], "required reference file is missing")

    digest = hashlib.sha256()
    for name in _FILES:
        if paths[name].is_file():
            digest.update(name.encode() + b"\0" + paths[name].read_bytes() + b"\0")

    hearing = _load_hearing(paths["hearing"])

    themes_path = paths["themes"]
    themes = _index(
        themes_path,
        (
            Theme(
                id=str(_str(themes_path, e, "id", f"theme #{i + 1}")),
                label=str(_str(themes_path, e, "label", f"theme #{i + 1}")),
                broader=_str(themes_path, e, "broader", f"theme #{i + 1}", required=False),
            )
            for i, e in enumerate(
                _entries(themes_path, _read_yaml(themes_path) if themes_path.is_file() else [])
            )
        ),
        "theme",
    )
    for t in themes.values():
        if t.broader:
            _check_refs(themes_path, f"theme '{t.id}'", [t.broader], themes, "theme")

    actors_path = paths["actors"]
    actor_list = []
    for i, e in enumerate(_entries(actors_path, _read_yaml(actors_path) if actors_path.is_file() else [])):
        where = f"actor #{i + 1} ({e.get('id', '?')})"
        type_text = str(_str(actors_path, e, "type", where))
        try:
            actor_type = ActorType(type_text)
        except ValueError:
            allowed = ", ".join(t.value for t in ActorType)
            raise ReferenceDataError(
                actors_path, f"{where}: unknown actor type '{type_text}'; use one of: {allowed}"
            ) from None
        actor_list.append(
            Actor(
                id=str(_str(actors_path, e, "id", where)),
                name=str(_str(actors_path, e, "name", where)),
                type=actor_type,
                aliases=_str_list(actors_path, e, "aliases", where),
                org_number=_str(actors_path, e, "org_number", where, required=False),
            )
        )
    actors = _index(actors_path, actor_list, "actor")

    gs_path = paths["grant_schemes"]
    gs_list = []
    for i, e in enumerate(_entries(gs_path, _read_yaml(gs_path) if gs_path.is_file() else [])):
        where = f"grant scheme #{i + 1} ({e.get('id', '?')})"
        gs = GrantScheme(
            id=str(_str(gs_path, e, "id", where)),
            name=str(_str(gs_path, e, "name", where)),
            aliases=_str_list(gs_path, e, "aliases", where),
            administered_by=_str(gs_path, e, "administered_by", where, required=False),
            earmarked=bool(e["earmarked"]) if "earmarked" in e else None,
        )
        if gs.administered_by:
            _check_refs(gs_path, where, [gs.administered_by], actors, "actor")
        gs_list.append(gs)
    grant_schemes = _index(gs_path, gs_list, "grant scheme")

    pilots_path = paths["pilots"]
    pilot_list = []
    for i, e in enumerate(_entries(pilots_path, _read_yaml(pilots_path) if pilots_path.is_file() else [])):
        where = f"pilot #{i + 1} ({e.get('id', '?')})"
        pilot = Pilot(
            id=str(_str(pilots_path, e, "id", where)),
            name=str(_str(pilots_path, e, "name", where)),
            kind=_str(pilots_path, e, "kind", where, required=False) or "pilot",
            aliases=_str_list(pilots_path, e, "aliases", where),
            participants=_str_list(pilots_path, e, "participants", where),
            region=_str(pilots_path, e, "region", where, required=False),
        )
        _check_refs(pilots_path, where, pilot.participants, actors, "actor")
        pilot_list.append(pilot)
    pilots = _index(pilots_path, pilot_list, "pilot")

    rec_path = paths["recommendations"]
    target_list = []
    for i, e in enumerate(_entries(rec_path, _read_yaml(rec_path))):
        where = f"recommendation #{i + 1} ({e.get('id', '?')})"
        kind = _str(rec_path, e, "kind", where, required=False) or "recommendation"
        if kind not in ("recommendation", "assessment"):
            raise ReferenceDataError(rec_path, f"{where}: kind must be 'recommendation' or 'assessment'")
        target = Target(
            id=str(_str(rec_path, e, "id", where)),
            kind=kind,
            title=str(_str(rec_path, e, "title", where)),
            text=str(_str(rec_path, e, "text", where)),
            chapter=_str(rec_path, e, "chapter", where, required=False),
            themes=_str_list(rec_path, e, "themes", where),
            grant_schemes=_str_list(rec_path, e, "grant_schemes", where),
        )
        _check_refs(rec_path, where, target.themes, themes, "theme")
        _check_refs(rec_path, where, target.grant_schemes, grant_schemes, "grant scheme")
        target_list.append(target)
    targets = _index(rec_path, target_list, "recommendation")
    if not targets:
        raise ReferenceDataError(rec_path, "no recommendations defined; at least one is needed")

    if hearing.issued_by:
        _check_refs(paths["hearing"], "hearing", [hearing.issued_by], actors, "actor")

    invited = _load_invited(paths["invited"], actors) if paths["invited"].is_file() else ()

    return ReferenceData(
        hearing=hearing,
        invited=invited,
        targets=targets,
        actors=actors,
        grant_schemes=grant_schemes,
        pilots=pilots,
        themes=themes,
        content_hash=digest.hexdigest(),
    )


def _actor_type(path: Path, where: str, text: str) -> ActorType:
    try:
        return ActorType(text)
    except ValueError:
        allowed = ", ".join(t.value for t in ActorType)
        raise ReferenceDataError(
            path, f"{where}: unknown actor type '{text}'; use one of: {allowed}"
        ) from None


def _load_invited(path: Path, actors: Mapping[str, Actor]) -> tuple[InvitedBody, ...]:
    """The høringsliste: each entry an actor id from actors.yaml, or ``{id, name, type}`` for another body.

    A body not in actors.yaml should be given the id a letter from it gets (the slug of its
    name, e.g. ``havbu-kommune``), so its answer is found; coverage also matches by name.
    """
    data = _read_yaml(path)
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ReferenceDataError(
            path, "expected a list of bodies (each '- actor-id' or '- {id, name, type}')"
        )
    out: dict[str, InvitedBody] = {}
    for i, e in enumerate(data):
        where = f"invited body #{i + 1}"
        if isinstance(e, str):
            e = {"id": e}
        if not isinstance(e, dict):
            raise ReferenceDataError(path, f"{where}: expected an actor id or a mapping with id, name, type")
        body_id = str(_str(path, e, "id", where))
        where = f"{where} ({body_id})"
        known = actors.get(body_id)
        name = _str(path, e, "name", where, required=known is None) or (known.name if known else "")
        type_text = _str(path, e, "type", where, required=known is None)
        if type_text:
            body_type = _actor_type(path, where, type_text)
        else:
            assert known is not None  # type is required for a body not in actors.yaml
            body_type = known.type
        if body_id in out:
            raise ReferenceDataError(path, f"{where}: listed twice; each body once")
        out[body_id] = InvitedBody(id=body_id, name=str(name), type=body_type)
    return tuple(out.values())


def _load_hearing(path: Path) -> Hearing:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ReferenceDataError(path, "expected a mapping with id, title and report")
    report = data.get("report")
    if not isinstance(report, dict):
        raise ReferenceDataError(path, "hearing: missing 'report' mapping (id, title)")
    deadline = data.get("deadline")
    if deadline is not None and not isinstance(deadline, date):
        try:
            deadline = date.fromisoformat(str(deadline))
        except ValueError:
            raise ReferenceDataError(path, "hearing: 'deadline' must be a date like 2026-05-01") from None
    return Hearing(
        id=str(_str(path, data, "id", "hearing")),
        title=str(_str(path, data, "title", "hearing")),
        report_id=str(_str(path, report, "id", "hearing.report")),
        report_title=str(_str(path, report, "title", "hearing.report")),
        report_author=_str(path, report, "author", "hearing.report", required=False),
        report_part=_str(path, report, "part", "hearing.report", required=False),
        issued_by=_str(path, data, "issued_by", "hearing", required=False),
        reference=_str(path, data, "reference", "hearing", required=False),
        deadline=deadline,
        source_url=_str(path, data, "source_url", "hearing", required=False),
    )
