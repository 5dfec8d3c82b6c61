"""Human curation of positions: a reviewer confirms, changes or rejects what the extractor found.

Curated positions live in their own named graph, keyed by (response file name, proposal id),
so they survive re-ingesting the response (whose IRI is stable), and the named queries let
them win over automatic positions. ``rejected`` records that there is no position at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDF, XSD, Graph, Literal, URIRef

from graph.iris import FOAF, OA, PKG, PROV, IriMinter
from graph.mapping import STANCE_CONCEPTS, to_ntriples
from graph.sparql import iri, named, values
from graph.store import GraphStore
from ingest.errors import InputError
from ingest.model import REJECTED, STANCES, Stance

__all__ = ["CURATION_STANCES", "CurationDecision", "apply_decisions", "load_decisions_file"]

CURATION_STANCES = (*STANCES, REJECTED)


@dataclass(frozen=True, slots=True)
class CurationDecision:
    target: str  # proposal id, e.g. "R2"
    document: str  # response file name
    stance: str  # one of CURATION_STANCES
    reviewer: str
    note: str | None = None
    quote: str | None = None
    decided_at: str | None = None  # ISO timestamp; now when None


def load_decisions_file(path: Path) -> list[CurationDecision]:
    """A YAML list of ``{target, document, stance, reviewer?, note?, quote?}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the decisions file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of decisions (- target: R2, document: FILE, stance: ...)")
    out = []
    for i, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise InputError(f"{path}: decision #{i} must be a mapping")
        missing = [k for k in ("target", "document", "stance") if not entry.get(k)]
        if missing:
            raise InputError(f"{path}: decision #{i} lacks {', '.join(missing)}")
        out.append(
            CurationDecision(
                target=str(entry["target"]),
                document=str(entry["document"]),
                stance=str(entry["stance"]),
                reviewer=str(entry.get("reviewer") or "unknown"),
                note=_opt(entry, "note"),
                quote=_opt(entry, "quote"),
            )
        )
    return out


def _opt(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return str(value) if value not in (None, "") else None


def _existing(store: GraphStore, iris: IriMinter) -> dict[tuple[str, str], CurationDecision]:
    rows = store.select(named("curation-decisions", values("g", [iri(iris.curation_graph())])))
    return {
        (str(r["file"]), str(r["target"])): CurationDecision(
            target=str(r["target"]),
            document=str(r["file"]),
            stance=str(r["stance"]),
            reviewer=str(r["reviewer"]),
            note=r["note"],
            quote=r["quote"],
            decided_at=r["at"],
        )
        for r in rows
    }


def apply_decisions(
    store: GraphStore, iris: IriMinter, decisions: list[CurationDecision], *, known_targets: set[str]
) -> int:
    """Validate and merge decisions into the curation graph (a later decision on the same pair wins)."""
    documents = {str(r["file"]) for r in store.select(named("response-files"))}
    for d in decisions:
        if d.stance not in CURATION_STANCES:
            raise InputError(f"unknown stance '{d.stance}'; use one of: {', '.join(CURATION_STANCES)}")
        if d.target not in known_targets:
            raise InputError(
                f"unknown recommendation '{d.target}'; known: {', '.join(sorted(known_targets))}"
            )
        if d.document not in documents:
            raise InputError(
                f"no ingested response named '{d.document}'; ingest it first or check the file name"
            )
    merged = _existing(store, iris)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for d in decisions:
        merged[(d.document, d.target)] = CurationDecision(
            target=d.target,
            document=d.document,
            stance=d.stance,
            reviewer=d.reviewer,
            note=d.note,
            quote=d.quote,
            decided_at=d.decided_at or now,
        )
    g = Graph()
    for d in merged.values():
        node = URIRef(iris.curated_position(d.document, d.target))
        reviewer = URIRef(iris.reviewer(d.reviewer))
        g.add((node, RDF.type, PKG.CuratedPosition))
        g.add((node, RDF.type, PKG.Position))
        g.add((node, PKG.onProposal, URIRef(iris.proposal(d.target))))
        g.add((node, PKG.statedIn, URIRef(iris.response(d.document))))
        g.add((node, PKG.stance, STANCE_CONCEPTS[Stance(d.stance)] if d.stance != REJECTED else PKG.Rejected))
        g.add((node, PKG.confidence, Literal("1.0", datatype=XSD.decimal)))
        # Plain copies of the key, so the graph can be read back without the reference data.
        g.add((node, PKG.curatedFile, Literal(d.document)))
        g.add((node, PKG.curatedTarget, Literal(d.target)))
        g.add((node, PKG.curatedStance, Literal(d.stance)))
        g.add((node, PROV.wasAttributedTo, reviewer))
        g.add((node, PROV.generatedAtTime, Literal(d.decided_at, datatype=XSD.dateTime)))
        g.add((reviewer, RDF.type, PROV.Person))
        g.add((reviewer, FOAF.name, Literal(d.reviewer)))
        if d.note:
            g.add((node, PKG.note, Literal(d.note)))
        if d.quote:
            g.add((node, PKG.curatedQuote, Literal(d.quote)))
            evidence = URIRef(f"{node}/evidence")
            target = URIRef(f"{evidence}/target")
            g.add((node, PKG.evidence, evidence))
            g.add((evidence, RDF.type, OA.Annotation))
            g.add((evidence, OA.hasTarget, target))
            g.add((target, OA.hasSource, URIRef(iris.response(d.document))))
            quote_sel = URIRef(f"{target}/quote-selector")
            g.add((target, OA.hasSelector, quote_sel))
            g.add((quote_sel, RDF.type, OA.TextQuoteSelector))
            g.add((quote_sel, OA.exact, Literal(d.quote)))
    store.replace_graph(iris.curation_graph(), to_ntriples(g))
    return len(decisions)
