"""Who was asked and who answered: the høringsliste against the responses, and the vocabulary's labels.

The invited bodies come from ``reference/invited.yaml`` (mapped to ``pkg:InvitedBody`` nodes
of the hearing). A body has answered when a response's sender is the actor it points at, or
when a sender has the same name (case and spacing aside): a letter from a body not in the
actor list is minted an actor from its own name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.sparql import lit, named, values
from graph.store import GraphStore

__all__ = [
    "AnsweredBody",
    "Coverage",
    "InvitedBody",
    "Respondent",
    "TypeCoverage",
    "UninvitedRespondent",
    "actor_type_labels",
    "coverage",
    "respondents",
    "stance_labels",
]


@dataclass(frozen=True, slots=True)
class Respondent:
    """One response and its sender ('' when unknown)."""

    document: str  # file name
    document_iri: str
    actor_iri: str
    actor: str
    actor_type: str


@dataclass(frozen=True, slots=True)
class InvitedBody:
    """A body on the høringsliste that did not answer."""

    id: str
    name: str
    actor_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnsweredBody(InvitedBody):
    """An invited body that answered, with its responses."""

    documents: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TypeCoverage:
    actor_type: str
    label: str
    invited: int
    answered: int
    rate: float


@dataclass(frozen=True, slots=True)
class UninvitedRespondent:
    document: str
    actor: str
    actor_type: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """Who was asked and who answered; ``invited`` is 0 when there is no høringsliste."""

    invited: int
    answered: int
    rate: float
    by_type: list[TypeCoverage]
    answered_bodies: list[AnsweredBody]
    missing: list[InvitedBody]
    uninvited_respondents: list[UninvitedRespondent]


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def respondents(store: GraphStore) -> list[Respondent]:
    """One entry per response (by file name): its sender's IRI, name and type ('' when unknown)."""
    out: dict[str, Respondent] = {}
    rows = sorted(
        store.select(named("respondents")), key=lambda r: (str(r["file"]), len(str(r["name"] or "")))
    )
    for r in rows:
        out.setdefault(
            str(r["file"]),
            Respondent(
                document=str(r["file"]),
                document_iri=str(r["doc"]),
                actor_iri=str(r["actor"] or ""),
                actor=str(r["name"] or ""),
                actor_type=str(r["type"] or ""),
            ),
        )
    return [out[k] for k in sorted(out)]


def _labels(store: GraphStore, query: str, lang: str) -> dict[str, str]:
    rows = store.select(named(query, values("lang", [lit(lang)])))
    return {str(r["notation"]): str(r["label"]) for r in rows}


def actor_type_labels(store: GraphStore, lang: str = "nb") -> dict[str, str]:
    """Actor type notation -> its label in ``lang`` from the ontology graph (``municipality`` -> ``Kommune``)."""
    return _labels(store, "type-labels", lang)


def stance_labels(store: GraphStore, lang: str = "nb") -> dict[str, str]:
    """Stance notation -> its label in ``lang`` (``qualified`` -> ``Støtter med forbehold``)."""
    return _labels(store, "stance-labels", lang)


def coverage(store: GraphStore) -> Coverage:
    """Invited bodies that answered and did not, the response rate by actor type, and uninvited respondents.

    ``invited`` is 0 when the reference data has no høringsliste (then nothing else is claimed).
    """
    letters = respondents(store)
    by_actor = {r.actor_iri: r for r in letters if r.actor_iri}
    by_name = {_key(r.actor): r for r in letters if r.actor}
    invited = sorted(
        {str(r["body"]): r for r in store.select(named("invited-bodies"))}.values(),
        key=lambda r: str(r["name"]),
    )
    answered_docs: set[str] = set()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missing: list[InvitedBody] = []
    answered: list[AnsweredBody] = []
    for r in invited:
        letter = by_actor.get(str(r["actor"])) or by_name.get(_key(str(r["name"])))
        body_id, name, actor_type = str(r["id"]), str(r["name"]), str(r["type"])
        tally[actor_type][0] += 1
        if letter is None:
            missing.append(InvitedBody(body_id, name, actor_type))
            continue
        tally[actor_type][1] += 1
        docs = [
            d.document
            for d in letters
            if d is letter or (letter.actor_iri and d.actor_iri == letter.actor_iri)
        ]
        answered.append(AnsweredBody(body_id, name, actor_type, documents=docs))
        answered_docs.update(docs)
    labels = actor_type_labels(store)
    by_type = [
        TypeCoverage(t, labels.get(t, t), n, a, round(a / n, 3) if n else 0.0)
        for t, (n, a) in sorted(tally.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]
    uninvited = [
        UninvitedRespondent(d.document, d.actor or d.document, d.actor_type)
        for d in letters
        if d.document not in answered_docs
    ]
    return Coverage(
        invited=len(invited),
        answered=len(answered),
        rate=round(len(answered) / len(invited), 3) if invited else 0.0,
        by_type=by_type,
        answered_bodies=answered,
        missing=missing,
        uninvited_respondents=uninvited if invited else [],
    )
