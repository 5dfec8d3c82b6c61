"""graph.sparql: prefixes from graph.iris, values as pyoxigraph terms, named queries in graph/rq/*.rq."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.iris import NAMESPACES, PKG
from graph.sparql import (
    PREFIXES,
    SLOT,
    eq,
    has,
    iri,
    lit,
    named,
    named_text,
    ne,
    query_names,
    values,
)
from graph.store import OxigraphStore

if TYPE_CHECKING:
    from search_api.service import PolicyKG

ROOT = Path(__file__).resolve().parents[1]


def test_prefixes_declare_every_namespace_of_iris() -> None:
    declared = dict(re.findall(r"PREFIX (\w+): <([^>]+)>", PREFIXES))
    assert declared == {p: str(ns) for p, ns in NAMESPACES.items()}
    assert declared["pkg"] == str(PKG)


def test_terms_are_written_by_pyoxigraph() -> None:
    assert str(lit('a"b\\c\rd')) == '"a\\"b\\\\c\\rd"'
    assert str(lit(3)) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert str(iri("https://x.org/a%20b")) == "<https://x.org/a%20b>"
    for bad in ("https://x.org/a> } DROP ALL #", "https://x.org/a b", "no scheme", ""):
        with pytest.raises(QueryError, match="not an IRI"):
            iri(bad)


def test_clauses() -> None:
    assert eq("target", lit("R2")) == 'FILTER (?target = "R2")'
    assert ne("stance", lit("rejected")) == 'FILTER (?stance != "rejected")'
    assert values("g", [iri("urn:a"), iri("urn:b")]) == "VALUES ?g { <urn:a> <urn:b> }"
    assert values("g", []) == "VALUES ?g {  }"
    assert has("iri", "pkg:sender", iri("urn:a")) == "?iri pkg:sender <urn:a> ."
    for bad_var in ("x y", "?x", "x}", ""):
        with pytest.raises(ValueError, match="variable"):
            eq(bad_var, lit("v"))
    with pytest.raises(ValueError, match="prefixed name"):
        has("x", "evil:p", iri("urn:a"))
    with pytest.raises(ValueError, match="prefixed name"):
        has("x", "<urn:p>", iri("urn:a"))
    assert (
        has("pos", "pkg:onProposal/pkg:identifier", lit("R2")) == '?pos pkg:onProposal/pkg:identifier "R2" .'
    )
    assert has("pos", "pkg:evidence/oa:hasTarget", "t") == "?pos pkg:evidence/oa:hasTarget ?t ."
    with pytest.raises(ValueError, match="prefixed name"):
        has("x", "pkg:a/<urn:p>", "t")
    with pytest.raises(ValueError, match="variable"):
        has("x", "pkg:a", "t }")


def test_named_queries_have_one_slot_and_run_unbound() -> None:
    names = query_names()
    assert {"positions", "endorsements", "passages", "hit-stances", "documents", "actors"} <= set(names)
    store = OxigraphStore()
    for name in names:
        text = named_text(name)
        assert sum(line.strip() == SLOT for line in text.splitlines()) == 1
        # No PREFIX lines of their own: `policykg sparql -f graph/rq/NAME.rq` adds the common ones.
        assert "prefix" not in text.lower(), name
        # It parses and runs; an empty store has no rows (an aggregate without GROUP BY: one row of zeros).
        rows = store.select(named(name))
        assert rows == [] or (len(rows) == 1 and set(rows[0].values()) == {"0"}), (name, rows)


def test_named_puts_clauses_on_the_slot_line() -> None:
    text = named("positions", eq("target", lit("R2")), ne("stance", lit("rejected")))
    assert text.startswith(PREFIXES)
    assert all(line.strip() != SLOT for line in text.splitlines())
    assert '  FILTER (?target = "R2")\n  FILTER (?stance != "rejected")\n}' in text
    scoped = named("positions", slots={"scope-prop": [has("prop", "pkg:identifier", lit("R2"))]})
    assert '    ?prop pkg:identifier "R2" .\n' in scoped
    assert (
        "#bind:scope-prop" not in scoped and "#bind:scope-pos" in scoped
    )  # a slot not given stays a comment
    with pytest.raises(ValueError, match="no slot scope-x"):
        named("positions", slots={"scope-x": []})
    with pytest.raises(ValueError, match="no named query 'nope'"):
        named("nope")
    with pytest.raises(ValueError, match="not a query name"):
        named("../store")


def test_no_query_is_assembled_by_text_replacement() -> None:
    offenders = []
    for path in [*ROOT.glob("graph/**/*.py"), *ROOT.glob("search_api/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"""\.replace\(\s*["']%[A-Z_]+%""", text) or re.search(r"%[A-Z][A-Z_]+%", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_bound_queries_select_what_the_unbound_ones_filter(kg: PolicyKG) -> None:
    store = kg.store
    every = store.select(named("positions"))
    target = str(every[0]["target"])
    bound = store.select(named("positions", eq("target", lit(target))))
    assert bound and bound == [r for r in every if r["target"] == target]
    docs = sorted({str(r["doc"]) for r in every})[:2]
    stances = store.select(named("hit-stances", values("doc", map(iri, docs))))
    assert stances and {r["doc"] for r in stances} <= set(docs)
    assert store.select(named("hit-stances", values("doc", []))) == []
    sender = next(str(r["actorIri"]) for r in every if r["actorIri"])
    letters = store.select(named("documents", has("iri", "pkg:sender", iri(sender))))
    assert letters and all(r["iri"] in {str(x["doc"]) for x in every} or r["iri"] for r in letters)
    assert {str(r["iri"]) for r in letters} >= {str(r["doc"]) for r in every if r["actorIri"] == sender}


def test_pyoxigraph_parses_every_named_query_with_its_prefixes() -> None:
    for name in query_names():
        ox.Store().query(named(name))


def test_the_code_runs_named_queries_only() -> None:
    """Every query the library runs is a graph/rq file bound through graph.sparql; only the CLI puts the
    prefixes in front of a user's query, and the remote store keeps its protocol queries (a quad dump,
    the graph list, a start-up ASK) to itself."""
    allowed = {"graph/sparql.py", "graph/remote_store.py", "search_api/cli.py"}
    inline = re.compile(r"""["'] *(SELECT|CONSTRUCT|ASK|DESCRIBE)\s|PREFIXES *\+""")
    offenders = []
    for path in [*ROOT.glob("graph/**/*.py"), *ROOT.glob("search_api/**/*.py")]:
        rel = str(path.relative_to(ROOT))
        if rel not in allowed and inline.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []
