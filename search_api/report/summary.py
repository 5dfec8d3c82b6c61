"""The hearing summary's facts, from the graph: per proposal counts, respondents, quotes, a draft paragraph.

Everything here is read from the store (effective positions with curated ones winning,
campaign groups, coverage); the renderers in this package only lay it out.
Counts are per response letter; campaign letters (near-identical texts) are also counted once
per distinct text, and noted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from graph.coverage import actor_type_labels, coverage, respondents, stance_labels
from graph.networks import effective_positions, proposal_nodes
from graph.queries import PositionRow, campaign_groups
from graph.sparql import named
from graph.store import GraphStore
from ingest.model import STANCES
from search_api.report.norwegian import paragraph
from search_api.report.records import (
    Hearing,
    Matrix,
    MatrixCell,
    MatrixCount,
    MatrixProposal,
    MatrixRow,
    ProposalCampaign,
    ProposalSummary,
    Quote,
    ReviewItem,
    Summary,
)

__all__ = ["build_matrix", "build_summary"]

DEFAULT_REVIEW_BELOW = 0.6


def _natural(pid: str) -> tuple[str, int, str]:
    head = pid.rstrip("0123456789")
    tail = pid[len(head) :]
    return (head, int(tail), "") if tail else (pid, -1, "")


def _proposals(store: GraphStore) -> list[MatrixProposal]:
    props = [MatrixProposal(n.id, n.title, n.kind) for n in proposal_nodes(store).values()]
    return sorted(props, key=lambda p: _natural(p.id))


def _review(p: PositionRow, below: float) -> bool:
    return not p.curated and (p.confidence is None or p.confidence < below)


def build_matrix(store: GraphStore, review_below: float = DEFAULT_REVIEW_BELOW) -> Matrix:
    """Letters × proposals with stance, quote, confidence, curated; counts by actor type × proposal × stance."""
    rows = effective_positions(store)
    group_of = {f: g[0] for g in campaign_groups(store) for f in g}
    labels = actor_type_labels(store)
    # (document, actor, actor IRI, actor type) of every letter, then of letters only the positions name
    letters = {r.document: (r.document, r.actor, r.actor_iri, r.actor_type) for r in respondents(store)}
    for p in rows:
        letters.setdefault(p.document, (p.document, p.actor, p.actor_iri, p.actor_type))
    cells: dict[str, dict[str, MatrixCell]] = {doc: {} for doc in letters}
    counts: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for p in rows:
        cells[p.document][p.target] = MatrixCell(
            p.stance, p.quote, p.confidence, p.curated, p.reviewer, _review(p, review_below)
        )
        counts[(p.target, p.actor_type or "", p.stance)].append(p.document)
    out_rows = [
        MatrixRow(
            document=doc,
            actor=actor or doc,
            actor_iri=actor_iri,
            actor_type=actor_type,
            actor_type_label=labels.get(actor_type, actor_type),
            campaign=group_of.get(doc, doc),
            curated=sum(c.curated for c in cells[doc].values()),
            cells=cells[doc],
        )
        for doc, actor, actor_iri, actor_type in letters.values()
    ]
    return Matrix(
        proposals=_proposals(store),
        rows=sorted(out_rows, key=lambda r: (r.actor.casefold(), r.document)),
        counts=[
            MatrixCount(t, a, s, len(docs), len({group_of.get(d, d) for d in docs}))
            for (t, a, s), docs in sorted(counts.items(), key=lambda kv: (_natural(kv[0][0]), kv[0][1:]))
        ],
        review_below=review_below,
    )


def _quotes(rows: list[PositionRow]) -> list[Quote]:
    """At most one quote per (stance, actor type): curated first, then the highest confidence."""
    best: dict[tuple[str, str], PositionRow] = {}
    for p in sorted(rows, key=lambda r: r.document):
        if not p.quote:
            continue
        key = (p.stance, p.actor_type)
        rank = (p.curated, p.confidence or 0.0)
        old = best.get(key)
        if old is None or rank > (old.curated, old.confidence or 0.0):
            best[key] = p
    order = {s: i for i, s in enumerate(STANCES)}
    return [
        Quote(p.stance, p.actor_type, p.actor or p.document, p.document, p.quote, p.confidence, p.curated)
        for (s, a), p in sorted(best.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]


def _proposal_summary(
    prop: MatrixProposal, mine: list[PositionRow], group_of: dict[str, str], review_below: float
) -> ProposalSummary:
    counts: dict[str, dict[str, int]] = {}
    names: dict[str, list[str]] = {}
    campaigns: list[ProposalCampaign] = []
    for stance in STANCES:
        these = sorted((p for p in mine if p.stance == stance), key=lambda p: p.actor or p.document)
        if not these:
            continue
        by_type: dict[str, int] = defaultdict(int)
        for p in these:
            by_type[p.actor_type or "unknown"] += 1
        counts[stance] = dict(sorted(by_type.items()))
        names[stance] = [p.actor or p.document for p in these]
        grouped: dict[str, list[PositionRow]] = defaultdict(list)
        for p in these:
            if p.document in group_of:
                grouped[group_of[p.document]].append(p)
        campaigns += [
            ProposalCampaign(stance, [p.document for p in ps], [p.actor or p.document for p in ps])
            for ps in grouped.values()
            if len(ps) > 1
        ]
    entry = ProposalSummary(
        id=prop.id,
        title=prop.title,
        kind=prop.kind,
        total=len(mine),
        distinct_texts=len({group_of.get(p.document, p.document) for p in mine}),
        counts=counts,
        stance_totals={s: sum(counts.get(s, {}).values()) for s in STANCES},
        respondents=names,
        campaigns=campaigns,
        quotes=_quotes(mine),
        to_review=sum(_review(p, review_below) for p in mine),
    )
    return replace(entry, paragraph=paragraph(entry))


def build_summary(store: GraphStore, review_below: float = DEFAULT_REVIEW_BELOW) -> Summary:
    """The structured summary behind every format (``GET /report?format=json``)."""
    rows = effective_positions(store)
    groups = [g for g in campaign_groups(store) if len(g) > 1]
    group_of = {f: g[0] for g in groups for f in g}
    s_labels = stance_labels(store)
    letters = respondents(store)
    found = store.select(named("hearing"))
    h = found[0] if found else {}
    proposals = [
        _proposal_summary(prop, [p for p in rows if p.target == prop.id], group_of, review_below)
        for prop in _proposals(store)
    ]
    return Summary(
        hearing=Hearing(h.get("id"), h.get("title"), h.get("report")),
        respondents=len(letters),
        distinct_texts=len({group_of.get(r.document, r.document) for r in letters}),
        campaigns=groups,
        review_below=review_below,
        to_review=sum(_review(p, review_below) for p in rows),
        review=[
            ReviewItem(p.target, p.document, p.actor, p.stance, p.confidence)
            for p in sorted(rows, key=lambda r: (r.confidence or 0.0, r.target, r.document))
            if _review(p, review_below)
        ],
        stance_labels={s: s_labels.get(s, s) for s in STANCES},
        actor_type_labels=actor_type_labels(store),
        proposals=proposals,
        coverage=coverage(store),
    )
