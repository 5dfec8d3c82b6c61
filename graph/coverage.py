"""Who was asked and who answered: the høringsliste against the responses, and the vocabulary's labels.

The invited bodies come from ``reference/invited.yaml`` (mapped to ``pkg:InvitedBody`` nodes
of the hearing). A body has answered when a response's sender is the actor it points at, or
when a sender has the same name (case and spacing aside): a letter from a body not in the
actor list is minted an actor from its own name.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.sparql import PREFIXES
from graph.store import GraphStore

__all__ = ["actor_type_labels", "coverage", "respondents", "stance_labels"]

_INVITED = """SELECT DISTINCT ?body ?id ?name ?type ?actor WHERE {
  ?h a pkg:Consultation ; pkg:invited ?body .
  ?body pkg:identifier ?id ; foaf:name ?name ; pkg:invitedType ?type ; pkg:invitedActor ?actor }"""

_RESPONDENTS = """SELECT DISTINCT ?doc ?file ?actor ?name ?type WHERE {
  ?doc a pkg:ConsultationResponse ; pkg:fileName ?file .
  OPTIONAL { ?doc pkg:sender ?actor . OPTIONAL { ?actor foaf:name ?name } OPTIONAL { ?actor pkg:actorType ?type } } }"""

_TYPE_LABELS = """SELECT ?notation ?label WHERE {
  ?cls rdfs:subClassOf pkg:Actor ; skos:notation ?notation ; rdfs:label ?label . FILTER(LANG(?label) = ?lang) }"""

_STANCE_LABELS = """SELECT ?notation ?label WHERE {
  ?s a pkg:Stance ; skos:notation ?notation ; skos:prefLabel ?label . FILTER(LANG(?label) = ?lang) }"""


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def respondents(store: GraphStore) -> list[dict[str, str]]:
    """One entry per response: file, document IRI, sender IRI, name and type ('' when unknown)."""
    out: dict[str, dict[str, str]] = {}
    rows = sorted(
        store.select(PREFIXES + _RESPONDENTS), key=lambda r: (str(r["file"]), len(str(r["name"] or "")))
    )
    for r in rows:
        out.setdefault(
            str(r["file"]),
            {
                "document": str(r["file"]),
                "document_iri": str(r["doc"]),
                "actor_iri": str(r["actor"] or ""),
                "actor": str(r["name"] or ""),
                "actor_type": str(r["type"] or ""),
            },
        )
    return [out[k] for k in sorted(out)]


def _labels(store: GraphStore, query: str, lang: str) -> dict[str, str]:
    if not (lang.isascii() and lang.isalpha() and len(lang) <= 8):
        raise ValueError(f"not a language tag: {lang!r}")
    # A checked tag (letters only) bound by a VALUES row.
    body = query.replace("WHERE {", f'WHERE {{ VALUES ?lang {{ "{lang}" }}', 1)
    rows = store.select(PREFIXES + body)
    return {str(r["notation"]): str(r["label"]) for r in rows}


def actor_type_labels(store: GraphStore, lang: str = "nb") -> dict[str, str]:
    """Actor type notation -> its label in ``lang`` from the ontology graph (``municipality`` -> ``Kommune``)."""
    return _labels(store, _TYPE_LABELS, lang)


def stance_labels(store: GraphStore, lang: str = "nb") -> dict[str, str]:
    """Stance notation -> its label in ``lang`` (``qualified`` -> ``Støtter med forbehold``)."""
    return _labels(store, _STANCE_LABELS, lang)


def coverage(store: GraphStore) -> dict[str, Any]:
    """Invited bodies that answered and did not, the response rate by actor type, and uninvited respondents.

    ``invited`` is 0 when the reference data has no høringsliste (then nothing else is claimed).
    """
    letters = respondents(store)
    by_actor = {r["actor_iri"]: r for r in letters if r["actor_iri"]}
    by_name = {_key(r["actor"]): r for r in letters if r["actor"]}
    invited = sorted(
        {str(r["body"]): r for r in store.select(PREFIXES + _INVITED)}.values(), key=lambda r: str(r["name"])
    )
    answered_docs: set[str] = set()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missing, answered = [], []
    for r in invited:
        letter = by_actor.get(str(r["actor"])) or by_name.get(_key(str(r["name"])))
        entry = {"id": str(r["id"]), "name": str(r["name"]), "actor_type": str(r["type"])}
        tally[str(r["type"])][0] += 1
        if letter is None:
            missing.append(entry)
            continue
        tally[str(r["type"])][1] += 1
        docs = [
            d["document"]
            for d in letters
            if d is letter or (letter["actor_iri"] and d["actor_iri"] == letter["actor_iri"])
        ]
        answered.append({**entry, "documents": docs})
        answered_docs.update(docs)
    labels = actor_type_labels(store)
    by_type = [
        {
            "actor_type": t,
            "label": labels.get(t, t),
            "invited": n,
            "answered": a,
            "rate": round(a / n, 3) if n else 0.0,
        }
        for t, (n, a) in sorted(tally.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]
    uninvited = [
        {"document": d["document"], "actor": d["actor"] or d["document"], "actor_type": d["actor_type"]}
        for d in letters
        if d["document"] not in answered_docs
    ]
    return {
        "invited": len(invited),
        "answered": len(answered),
        "rate": round(len(answered) / len(invited), 3) if invited else 0.0,
        "by_type": by_type,
        "answered_bodies": answered,
        "missing": missing,
        "uninvited_respondents": uninvited if invited else [],
    }
