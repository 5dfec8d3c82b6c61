"""Named queries behind the HTTP API's resources: recommendations, actors, pilots, grant schemes, documents.

Like ``graph.queries`` these run over the union default graph and return plain
dataclasses (strings, ints, lists): no RDF terms leak out. Positions always come from
:func:`graph.queries.positions`, so curated positions win here exactly as in ``trace``.
User input (ids, file names) only ever enters a query as an escaped string literal.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

from graph.iris import PKG
from graph.queries import positions
from graph.records import Proposal, TargetPosition
from graph.sparql import Clause, eq, has, iri, lit, named, values
from graph.store import GraphStore, Row
from ingest.model import STANCES

__all__ = [
    "ActorDetail",
    "ActorSummary",
    "DocumentDetail",
    "DocumentSummary",
    "EntityLink",
    "GrantSchemeInfo",
    "MentionInfo",
    "PassageInfo",
    "PilotInfo",
    "RecommendationSummary",
    "actor",
    "actors",
    "document",
    "documents",
    "grant_schemes",
    "pilots",
    "recommendations",
]


def _natural(value: str) -> tuple[str, int, str]:
    # R2 before R10: ids sort by their letters, then by their number.
    m = re.fullmatch(r"(\D*)(\d+)(.*)", value)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (value, -1, "")


def _fields_of(record: Any) -> dict[str, Any]:
    """A dataclass's fields by name, to build a subclass record from it."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _s(row: Row, name: str) -> str:
    """A variable the query binds outside every OPTIONAL, so always (a record's ``str`` field)."""
    return row[name] or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecommendationSummary(Proposal):
    """A proposal with its positions counted per stance (``GET /recommendations``)."""

    stance_counts: dict[str, int]  # every stance in STANCES, effective positions (curated win)
    total_positions: int


def recommendations(store: GraphStore) -> list[RecommendationSummary]:
    rows = store.select(named("recommendations"))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STANCES, 0))
    for pos in positions(store):
        if pos.stance in STANCES:
            counts[pos.target][pos.stance] += 1
    out: dict[str, RecommendationSummary] = {}
    for r in rows:
        rid = str(r["id"])
        c = counts[rid]
        out.setdefault(
            rid,
            RecommendationSummary(
                id=_s(r, "id"),
                iri=_s(r, "iri"),
                kind=_s(r, "kind"),
                title=_s(r, "title"),
                text=r["text"],
                chapter=r["chapter"],
                stance_counts=c,
                total_positions=sum(c.values()),
            ),
        )
    return sorted(out.values(), key=lambda s: _natural(s.id))


@dataclass(frozen=True, slots=True)
class ActorSummary:
    id: str
    iri: str
    name: str
    type: str
    known: bool  # in the reference data (False: found in a letter)
    responses: int


def actors(
    store: GraphStore, *, actor_type: str | None = None, actor_id: str | None = None
) -> list[ActorSummary]:
    clauses: list[Clause] = []
    if actor_type:
        clauses.append(eq("type", lit(actor_type)))
    if actor_id is not None:
        clauses.append(eq("id", lit(actor_id)))
    merged: dict[str, ActorSummary] = {}
    # An actor written by several graphs (reference data and letters) may carry two names;
    # the reference data's ("known") wins, then the shortest name, so the answer is stable.
    for r in store.select(named("actors", *clauses)):
        known, responses = str(r["known"]).lower() == "true", int(r["responses"] or 0)
        cand = ActorSummary(_s(r, "id"), _s(r, "iri"), _s(r, "name"), _s(r, "type"), known, responses)
        old = merged.get(cand.iri)
        if old is None or (cand.known, -len(cand.name), cand.name) > (old.known, -len(old.name), old.name):
            merged[cand.iri] = cand
    return sorted(merged.values(), key=lambda a: (a.name.casefold(), a.id))


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    file_name: str
    iri: str
    title: str | None
    date: str | None
    language: str | None
    response_type: str | None
    sender_id: str | None
    sender_name: str | None
    sender_type: str | None


def documents(
    store: GraphStore, *, sender_iri: str | None = None, file_name: str | None = None
) -> list[DocumentSummary]:
    clauses: list[Clause] = []
    if sender_iri:
        clauses.append(has("iri", "pkg:sender", iri(sender_iri)))
    if file_name is not None:
        clauses.append(eq("file_name", lit(file_name)))
    out: dict[str, DocumentSummary] = {}
    for r in store.select(named("documents", *clauses)):
        d = DocumentSummary(
            file_name=_s(r, "file_name"),
            iri=_s(r, "iri"),
            title=r["title"],
            date=r["date"],
            language=r["language"],
            response_type=r["response_type"],
            sender_id=r["sender_id"],
            sender_name=r["sender_name"],
            sender_type=r["sender_type"],
        )
        out.setdefault(d.file_name, d)
    return sorted(out.values(), key=lambda d: d.file_name)


@dataclass(frozen=True, slots=True)
class EntityLink:
    """A pilot or grant scheme an actor is linked to, and how (participant, administers, mentioned)."""

    id: str
    iri: str
    name: str
    relations: tuple[str, ...]
    documents: tuple[str, ...] = ()  # the actor's responses that mention it


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorDetail(ActorSummary):
    """An actor (its summary's fields) with its responses, positions and links (``GET /actors/{id}``)."""

    aliases: list[str]
    org_number: str | None
    response_documents: list[DocumentSummary]
    positions: list[TargetPosition]  # PositionRow instances; their JSON is a TargetPosition's
    pilots: list[EntityLink]
    grant_schemes: list[EntityLink]
    mentioned_in: list[str]  # file names of responses whose passages name this actor


def _links(store: GraphStore, actor_iri: str, cls: str, own: str, own_rel: str) -> list[EntityLink]:
    """Entities of class ``cls`` (an IRI) tied to the actor by ``own`` (an IRI), or mentioned in its letters."""
    bound = (values("actor", [iri(actor_iri)]), values("class", [iri(cls)]))
    found: dict[str, tuple[str, str, set[str], set[str]]] = {}
    for r in store.select(named("actor-own-links", *bound, values("own", [iri(own)]))):
        found.setdefault(str(r["e"]), (str(r["id"]), str(r["name"]), set(), set()))[2].add(own_rel)
    for r in store.select(named("actor-mentioned-links", *bound)):
        entry = found.setdefault(str(r["e"]), (str(r["id"]), str(r["name"]), set(), set()))
        entry[2].add("mentioned")
        entry[3].add(str(r["file"]))
    return sorted(
        (
            EntityLink(i, iri, n, tuple(sorted(rels)), tuple(sorted(docs)))
            for iri, (i, n, rels, docs) in found.items()
        ),
        key=lambda e: e.id,
    )


def actor(store: GraphStore, actor_id: str) -> ActorDetail | None:
    """An actor with its responses, positions, and the pilots and grant schemes it is linked to."""
    found = actors(store, actor_id=actor_id)
    if not found:
        return None
    summary = found[0]
    actor_iri = summary.iri
    bound = values("actor", [iri(actor_iri)])
    extra = store.select(named("actor-extra", bound))
    mentioned = store.select(named("actor-mentioned-in", bound))
    return ActorDetail(
        **_fields_of(summary),
        aliases=sorted({str(r["alias"]) for r in extra if r["alias"]}),
        org_number=next((str(r["org"]) for r in extra if r["org"]), None),
        response_documents=documents(store, sender_iri=actor_iri),
        positions=[*positions(store, actor_iri=actor_iri)],
        pilots=_links(store, actor_iri, PKG.Pilot, PKG.participant, "participant"),
        grant_schemes=_links(store, actor_iri, PKG.GrantScheme, PKG.administeredBy, "administers"),
        mentioned_in=[str(r["file"]) for r in mentioned],
    )


@dataclass(frozen=True, slots=True, order=True)
class ActorName:
    """An actor by id and name: a pilot's participant, a grant scheme's administrator."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class PilotInfo:
    id: str
    iri: str
    name: str
    kind: str | None
    region: str | None
    aliases: list[str]
    participants: list[ActorName]
    mentioned_in: list[str]  # file names


@dataclass(frozen=True, slots=True)
class GrantSchemeInfo:
    id: str
    iri: str
    name: str
    earmarked: bool | None
    aliases: list[str]
    administered_by: ActorName | None
    recommendations: list[str]  # ids of proposals concerning the scheme
    mentioned_in: list[str]


def _by_entity(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[str(r["e"])].append(r)
    return out


def _mentioned_in(store: GraphStore, cls: str) -> dict[str, set[str]]:
    """File names of the responses mentioning each entity of class ``cls`` (an IRI)."""
    rows = store.select(named("entity-mentioned-in", values("class", [iri(cls)])))
    return {e: {str(r["file"]) for r in found} for e, found in _by_entity(rows).items()}


def _aliases(store: GraphStore, cls: str) -> dict[str, list[str]]:
    """Other names of each entity of class ``cls`` (an IRI), sorted."""
    rows = store.select(named("entity-aliases", values("class", [iri(cls)])))
    return {e: sorted({str(r["alias"]) for r in found}) for e, found in _by_entity(rows).items()}


def _base(store: GraphStore, query: str, entity_id: str | None) -> list[Row]:
    """The rows of a named entity query (one per entity, by id), narrowed to ``entity_id`` if given."""
    bound = [eq("id", lit(entity_id))] if entity_id is not None else []
    unique = {str(r["iri"]): r for r in store.select(named(query, *bound))}
    return sorted(unique.values(), key=lambda r: str(r["id"]))


def pilots(store: GraphStore, *, pilot_id: str | None = None) -> list[PilotInfo]:
    rows = _base(store, "pilots", pilot_id)
    aliases, mentioned = _aliases(store, PKG.Pilot), _mentioned_in(store, PKG.Pilot)
    parts = _by_entity(store.select(named("pilot-participants")))
    return [
        PilotInfo(
            id=_s(r, "id"),
            iri=_s(r, "iri"),
            name=_s(r, "name"),
            kind=r["kind"],
            region=r["region"],
            aliases=aliases.get(str(r["iri"]), []),
            participants=sorted(
                {ActorName(str(p["aid"]), str(p["aname"])) for p in parts.get(str(r["iri"]), [])}
            ),
            mentioned_in=sorted(mentioned.get(str(r["iri"]), set())),
        )
        for r in rows
    ]


def grant_schemes(store: GraphStore, *, scheme_id: str | None = None) -> list[GrantSchemeInfo]:
    rows = _base(store, "grant-schemes", scheme_id)
    aliases, mentioned = _aliases(store, PKG.GrantScheme), _mentioned_in(store, PKG.GrantScheme)
    recs = _by_entity(store.select(named("grant-scheme-proposals")))
    return [
        GrantSchemeInfo(
            id=_s(r, "id"),
            iri=_s(r, "iri"),
            name=_s(r, "name"),
            earmarked=None if r["earmarked"] is None else str(r["earmarked"]).lower() == "true",
            aliases=aliases.get(str(r["iri"]), []),
            administered_by=ActorName(str(r["aid"]), str(r["aname"])) if r["aid"] else None,
            recommendations=sorted({str(p["pid"]) for p in recs.get(str(r["iri"]), [])}, key=_natural),
            mentioned_in=sorted(mentioned.get(str(r["iri"]), set())),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class MentionInfo:
    kind: str  # actor | pilot | grant_scheme
    entity_id: str
    surface: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PassageInfo:
    index: int
    iri: str
    kind: str | None
    start: int  # offsets into DocumentDetail.text
    end: int
    text: str
    heading: str | None
    mentions: list[MentionInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDetail(DocumentSummary):
    """A response (its summary's fields) with its text, passages and positions (``GET /documents/{file}``)."""

    format: str | None
    content_hash: str | None
    our_reference: str | None
    their_reference: str | None
    addressee: str | None
    text: str  # the normalised text every offset points into
    passages: list[PassageInfo]
    positions: list[TargetPosition]  # PositionRow instances; their JSON is a TargetPosition's


def document(store: GraphStore, file_name: str) -> DocumentDetail | None:
    """One response by file name: its text, passages with offsets (and mentions), sender, metadata, positions."""
    found = documents(store, file_name=file_name)
    if not found:
        return None
    summary = found[0]
    d = summary.iri
    bound = values("d", [iri(d)])
    meta = store.select(named("document-meta", bound))
    if not meta:
        return None
    mentions: dict[str, list[MentionInfo]] = defaultdict(list)
    for r in store.select(named("document-mentions", bound)):
        start, end = int(str(r["start"])), int(str(r["end"]))
        mentions[str(r["p"])].append(
            MentionInfo(_s(r, "kind"), _s(r, "entity_id"), _s(r, "surface"), start, end)
        )
    passages: dict[str, PassageInfo] = {}
    for r in store.select(named("document-passages", bound)):
        p_iri = str(r["iri"])
        passages.setdefault(
            p_iri,
            PassageInfo(
                index=int(_s(r, "index")),
                iri=p_iri,
                kind=r["kind"],
                start=int(_s(r, "start")),
                end=int(_s(r, "end")),
                text=_s(r, "text"),
                heading=r["heading"],
                mentions=mentions[p_iri],
            ),
        )
    return DocumentDetail(
        **_fields_of(summary),
        format=meta[0]["format"],
        content_hash=meta[0]["content_hash"],
        our_reference=meta[0]["our_reference"],
        their_reference=meta[0]["their_reference"],
        addressee=meta[0]["addressee"],
        text=str(meta[0]["text"] or ""),
        passages=sorted(passages.values(), key=lambda p: p.index),
        positions=[*positions(store, document_iri=d)],
    )
