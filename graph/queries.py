"""Reading the graph: functions over the named queries in ``graph/rq`` (see :mod:`graph.sparql`).

Each function takes a :class:`graph.store.GraphStore` and returns plain Python data.
Curated positions (in the curation graph) win over automatic ones for the same
response and proposal.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from graph.iris import IriMinter
from graph.records import GraphStats, IndexItem, PositionRow, Proposal
from graph.sparql import Clause, eq, has, iri, lit, named, ne, values
from graph.store import GraphStore, Row
from ingest.model import REJECTED

__all__ = [
    "EndorsementRow",
    "PositionRow",
    "campaign_groups",
    "document_ingest_keys",
    "endorsements",
    "index_items",
    "positions",
    "proposal",
    "proposal_ids",
    "remembered_positions",
    "rows_to_table",
    "stats",
]


def document_ingest_keys(store: GraphStore) -> dict[str, str]:
    """file name -> ingest key of every response in the store."""
    rows = store.select(named("ingest-keys"))
    return {str(r["file"]): str(r["key"]) for r in rows}


def stats(store: GraphStore) -> GraphStats:
    """Counts for ``policykg stats``."""
    counts = store.select(named("stats-counts"))
    positions_ = store.select(named("stats-stances"))
    by_type = store.select(named("stats-actor-types"))
    entities = store.select(named("stats-entities"))
    c, e = counts[0] if counts else {}, entities[0] if entities else {}
    return GraphStats(
        responses=int(c.get("responses") or 0),
        passages=int(c.get("passages") or 0),
        proposals=int(e.get("proposals") or 0),
        actors=int(e.get("actors") or 0),
        grant_schemes=int(e.get("grant_schemes") or 0),
        pilots=int(e.get("pilots") or 0),
        responses_by_actor_type={str(r["type"]): int(r["n"] or 0) for r in by_type},
        positions_by_stance={str(r["stance"]): int(r["n"] or 0) for r in positions_},
        named_graphs=len(store.graph_names()),
    )


def _scopes(target_id: str | None) -> dict[str, list[Clause]]:
    """For one proposal, patterns the outer query already implies, put inside positions.rq's OPTIONALs
    (its ``#bind:scope-*`` lines) so they read that proposal's evidence only (Oxigraph evaluates an
    OPTIONAL's pattern on its own and joins after)."""
    if not target_id:
        return {}
    on_target = has("pos", "pkg:onProposal/pkg:identifier", lit(target_id))
    return {
        "scope-pos": [on_target],
        "scope-t": [on_target, has("pos", "pkg:evidence/oa:hasTarget", "t")],
        "scope-prop": [has("prop", "pkg:identifier", lit(target_id))],
    }


# Positions already read in the current request (see :func:`remembered_positions`), by query.
_REMEMBERED: ContextVar[
    dict[tuple[int, str | None, str | None, str | None, bool], list[PositionRow]] | None
] = ContextVar("remembered_positions", default=None)


@contextmanager
def remembered_positions() -> Iterator[None]:
    """Within the block, the same :func:`positions` query on the same store is read once.

    One question asks for a proposal's positions twice (the ranker's features and the
    "who supports" answer); the positions query is linear in the hearing (~0.1-0.2 s at 1,000
    letters). The memory lasts for the block only (one request, one thread or task), so a write
    between two requests is always seen.
    """
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def positions(
    store: GraphStore,
    *,
    target_id: str | None = None,
    actor_iri: str | None = None,
    document_iri: str | None = None,
    include_rejected: bool = False,
) -> list[PositionRow]:
    """Every effective position, curated ones winning; filtered by proposal, actor or document."""
    memo = _REMEMBERED.get()
    key = (id(store), target_id, actor_iri, document_iri, include_rejected)
    if memo is not None and key in memo:
        return list(memo[key])
    found = _positions(store, target_id, actor_iri, document_iri, include_rejected)
    if memo is not None:
        memo[key] = list(found)
    return found


def _positions(
    store: GraphStore,
    target_id: str | None,
    actor_iri: str | None,
    document_iri: str | None,
    include_rejected: bool,
) -> list[PositionRow]:
    clauses: list[Clause] = []
    if target_id:
        clauses.append(eq("target", lit(target_id)))
    if actor_iri:
        clauses.append(eq("actorIri", iri(actor_iri)))
    if document_iri:
        clauses.append(eq("doc", iri(document_iri)))
    if not include_rejected:
        clauses.append(ne("stance", lit(REJECTED)))
    rows = store.select(named("positions", *clauses, slots=_scopes(target_id)))
    out: dict[tuple[str, str], PositionRow] = {}
    for r in rows:
        key = (str(r["target"]), str(r["doc"]))
        if key in out:  # OPTIONAL selectors may multiply rows; keep one per response and proposal
            continue
        out[key] = PositionRow(
            target=str(r["target"]),
            title=str(r["title"]),
            actor=str(r["actor"] or ""),
            actor_iri=str(r["actorIri"] or ""),
            actor_type=str(r["actorType"] or ""),
            document=str(r["file"]),
            document_iri=str(r["doc"]),
            stance=str(r["stance"]),
            quote=str(r["quote"] or ""),
            confidence=float(r["conf"]) if r["conf"] is not None else None,
            curated=str(r["curated"]).lower() == "true",
            reviewer=r["reviewer"],
            note=r["note"],
            method=r["method"],
            passage_iri=r["passage"] or r["autoPassage"],
            start=int(r["start"]) if r["start"] is not None else None,
            end=int(r["end"]) if r["end"] is not None else None,
        )
    return list(out.values())


@dataclass(frozen=True, slots=True)
class EndorsementRow:
    """A response that adopts another body's response: its sender holds that body's positions by reference."""

    document: str  # file name
    document_iri: str
    actor: str  # the endorsing sender
    actor_iri: str
    actor_type: str
    endorsed: str  # the body whose response is adopted
    endorsed_iri: str
    quote: str
    passage_iri: str | None
    start: int | None
    end: int | None
    reservation: bool = False  # adopted with exceptions


def endorsements(store: GraphStore, *, endorsed_iri: str | None = None) -> list[EndorsementRow]:
    """Every endorsement of another body's response, optionally only those of one endorsed actor."""
    clauses = [eq("endorsedIri", iri(endorsed_iri))] if endorsed_iri else []
    out: dict[tuple[str, str], EndorsementRow] = {}
    for r in store.select(named("endorsements", *clauses)):
        key = (str(r["doc"]), str(r["endorsedIri"]))
        if key in out:
            continue
        out[key] = EndorsementRow(
            document=str(r["file"]),
            document_iri=str(r["doc"]),
            actor=str(r["actor"] or ""),
            actor_iri=str(r["actorIri"] or ""),
            actor_type=str(r["actorType"] or ""),
            endorsed=str(r["endorsed"] or str(r["endorsedIri"]).rsplit("/", 1)[-1]),
            endorsed_iri=str(r["endorsedIri"]),
            quote=str(r["quote"]),
            passage_iri=r["passage"],
            start=int(r["start"]) if r["start"] is not None else None,
            end=int(r["end"]) if r["end"] is not None else None,
            reservation=str(r["res"]).lower() == "true",
        )
    return list(out.values())


def index_items(store: GraphStore, iris: IriMinter, graph_iris: list[str] | None = None) -> list[IndexItem]:
    """Passages (with their document's metadata and links) and reference entities, for the index.

    ``graph_iris`` limits passages to those named graphs; entities are included only
    when the reference graph is asked for (or no limit is given).
    """
    clauses: list[Clause] = []
    if graph_iris is not None:
        if not graph_iris:
            return []
        clauses.append(values("g", map(iri, graph_iris)))
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # The entity and sender look-ups read the asked graphs and the reference graph only.
    described_in = [*graph_iris, iris.reference_graph()] if graph_iris is not None else []
    entity_scope = {"scope-e": [values("eg", map(iri, described_in))]} if described_in else {}
    for r in store.select(named("passage-links", *clauses, slots=entity_scope)):
        links[str(r["p"])][str(r["kind"])].add(str(r["id"]))
    doc_targets: dict[str, set[str]] = defaultdict(set)
    passage_targets: dict[str, set[str]] = defaultdict(set)
    for r in store.select(named("passage-positions", *clauses)):
        doc_targets[str(r["doc"])].add(str(r["target"]))
        passage_targets[str(r["passage"])].add(str(r["target"]))
    items: list[IndexItem] = []
    seen: set[str] = set()
    # One graph (an ingest indexes each letter's graph in turn): the same graph inside each OPTIONAL
    # (passages.rq's #bind:scope-g lines), or each reads every graph in the store. Rows and their order
    # are unchanged; with several graphs the engine would order them otherwise, so those stay unscoped.
    one_graph = {"scope-g": clauses} if graph_iris is not None and len(graph_iris) == 1 else {}
    if described_in:
        one_graph["scope-sender"] = [values("sg", map(iri, described_in))]
    for r in store.select(named("passages", *clauses, slots=one_graph)):
        p_iri = str(r["p"])
        if p_iri in seen:
            continue
        seen.add(p_iri)
        lk = links.get(p_iri, {})
        items.append(
            IndexItem(
                iri=p_iri,
                kind="passage",
                text=str(r["text"]),
                graph_iri=str(r["g"]),
                document_iri=str(r["doc"]),
                file_name=str(r["file"]),
                passage_index=int(str(r["idx"])),
                start=int(str(r["start"])),
                end=int(str(r["end"])),
                headings=(str(r["heading"]),) if r["heading"] else (),
                sender_iri=r["sender"],
                sender_name=r["senderName"],
                actor_type=r["actorType"],
                date=r["date"],
                language=r["lang"],
                # A passage is linked to the proposals its own text takes a position on.
                recommendations=tuple(sorted(passage_targets.get(p_iri, set()))),
                pilots=tuple(sorted(lk.get("pilot", set()))),
                grant_schemes=tuple(sorted(lk.get("grant_scheme", set()))),
                actors=tuple(sorted(lk.get("actor", set()))),
            )
        )
    if graph_iris is None or iris.reference_graph() in graph_iris:
        items.extend(_entity_items(store, iris))
    return items


def _entity_items(store: GraphStore, iris: IriMinter) -> list[IndexItem]:
    ref = iris.reference_graph()
    items: dict[str, IndexItem] = {}
    for r in store.select(named("reference-entities", values("ref", [iri(ref)]))):
        e_iri = str(r["e"])
        if e_iri in items:
            continue
        label, desc = str(r["label"]), r["desc"]
        items[e_iri] = IndexItem(
            iri=e_iri,
            kind=str(r["kind"]),
            text=f"{label}. {desc}" if desc else label,
            graph_iri=ref,
            entity_id=str(r["id"]),
            label=label,
            recommendations=(str(r["id"]),) if r["kind"] in ("recommendation", "assessment") else (),
        )
    return sorted(items.values(), key=lambda i: i.iri)


def rows_to_table(rows: list[Row]) -> tuple[list[str], list[list[str]]]:
    """Column names and string cells, for printing a SELECT result."""
    if not rows:
        return [], []
    cols = list(rows[0].keys())
    return cols, [["" if r.get(c) is None else str(r[c]) for c in cols] for r in rows]


def proposal(store: GraphStore, target_id: str) -> Proposal | None:
    """A recommendation or assessment by id; None when unknown."""
    rows = store.select(named("proposal", values("id", [lit(target_id)])))
    if not rows:
        return None
    r = rows[0]
    return Proposal(
        id=target_id,
        iri=str(r["iri"]),
        kind=str(r["kind"]),
        title=str(r["title"]),
        text=r["text"],
        chapter=r["chapter"],
    )


def proposal_ids(store: GraphStore) -> list[str]:
    return sorted(str(r["id"]) for r in store.select(named("proposal-ids")))


# Campaign groups of the signatures last seen: (threshold, digest of every file and signature) -> groups.
# The grouping compares every letter with every other, so it is done once per set of stored
# signatures (an ingest generation), not once per trace or report; a changed, added or removed
# letter changes the digest.
_CAMPAIGN_CACHE: dict[tuple[float, str], tuple[tuple[str, ...], ...]] = {}
_CAMPAIGN_CACHE_SIZE = 4
_CAMPAIGN_LOCK = threading.Lock()


def campaign_groups(store: GraphStore, threshold: float = 0.5) -> list[list[str]]:
    """Responses grouped by near-identical text (campaigns), from the stored MinHash signatures."""
    from ingest.campaign import group_signatures

    rows = store.select(named("text-fingerprints"))
    signatures = {str(r["file"]): str(r["sig"]) for r in rows}
    digest = hashlib.sha256()
    for file, sig in sorted(signatures.items()):
        digest.update(f"{file}\t{sig}\n".encode())
    key = (threshold, digest.hexdigest())
    with _CAMPAIGN_LOCK:
        cached = _CAMPAIGN_CACHE.get(key)
    if cached is None:
        cached = tuple(tuple(g) for g in group_signatures(signatures, threshold))
        with _CAMPAIGN_LOCK:
            while len(_CAMPAIGN_CACHE) >= _CAMPAIGN_CACHE_SIZE:
                del _CAMPAIGN_CACHE[next(iter(_CAMPAIGN_CACHE))]
            _CAMPAIGN_CACHE[key] = cached
    return [list(g) for g in cached]
