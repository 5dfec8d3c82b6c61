"""Who says what about one recommendation: the data behind `policykg trace` and the API."""

from __future__ import annotations

from dataclasses import replace

from graph.queries import campaign_groups, endorsements, positions, proposal
from graph.records import PositionRow
from graph.store import GraphStore
from search_api.records import ByReferencePosition, TextCounts, Trace

__all__ = ["trace_target"]


def trace_target(store: GraphStore, target_id: str) -> Trace | None:
    """Every effective position on the proposal, or None when the id is unknown.

    ``by_reference`` holds the positions a sender holds through an endorsement ("Vi slutter oss til
    høringssvaret fra X"): X's stance and quote on this proposal, marked ``by_reference`` with the
    endorsing sentence. They are not counted in ``counts``: the letter did not state them itself.
    """
    prop = proposal(store, target_id)
    if prop is None:
        return None
    rows = positions(store, target_id=target_id)
    # Campaign letters (the same council resolution from several senders) count once per distinct text.
    group_of = {f: g[0] for g in campaign_groups(store) for f in g}
    counts: dict[str, TextCounts] = {}
    for stance in sorted({r.stance for r in rows}):
        docs = [r.document for r in rows if r.stance == stance]
        counts[stance] = TextCounts(
            responses=len(docs), distinct_texts=len({group_of.get(d, d) for d in docs})
        )
    return Trace(
        target=target_id,
        title=prop.title,
        kind=prop.kind,
        text=prop.text,
        # The rows themselves (a PositionRow is a Position); their JSON is the Position fields.
        positions=[replace(r, campaign=group_of.get(r.document, r.document)) for r in rows],
        by_reference=_by_reference(store, rows),
        counts=counts,
    )


def _by_reference(store: GraphStore, rows: list[PositionRow]) -> list[ByReferencePosition]:
    """Positions held through an endorsement of a body that states one on this proposal."""
    held = {r.actor_iri: r for r in rows if r.actor_iri}
    own = {r.document: r.stance for r in rows}
    out = []
    for e in endorsements(store):
        r = held.get(e.endorsed_iri)
        if r is None or e.actor_iri == e.endorsed_iri:
            continue
        out.append(
            ByReferencePosition(
                actor=e.actor,
                actor_iri=e.actor_iri,
                actor_type=e.actor_type,
                document=e.document,
                stance=r.stance,
                endorses=e.endorsed,
                endorses_iri=e.endorsed_iri,
                endorsed_document=r.document,
                quote=r.quote,
                endorsement_quote=e.quote,
                with_reservation=e.reservation,
                passage_iri=e.passage_iri,
                start=e.start,
                end=e.end,
                own_stance=own.get(e.document),
            )
        )
    return out
