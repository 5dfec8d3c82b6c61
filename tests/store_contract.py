"""The behaviour every :class:`graph.store.GraphStore` must show, as a reusable test base.

Subclass :class:`GraphStoreContract` with a ``store`` fixture that yields an *empty* store;
the cases below run unchanged against each implementation. Congruence is the point: code
above the store (API, CLI) must not be able to tell the embedded store from a server.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from graph.errors import (
    QueryError,
    QueryForbiddenError,
    QueryTimeoutError,
    QueryTooComplexError,
    ResultTooLargeError,
)
from graph.store import GraphStore, QueryLimits

__all__ = ["EX", "G1", "G2", "G_SPECIAL", "SAMPLE_G1", "SAMPLE_G2", "GraphStoreContract", "load_sample"]

EX = "https://ex.org/"
G1 = f"{EX}graph/one"
G2 = f"{EX}graph/two"
# Percent-encoded file name (as graph.iris mints them) plus query/fragment-like and non-ASCII characters.
G_SPECIAL = f"{EX}graph/response/H%C3%B8ringssvar%20%C2%ABNHO%C2%BB%20(1).pdf?a=1&b=2;c+d/æøå"

SAMPLE_G1 = f"""\
<{EX}a> <{EX}name> "Bærum kommune"@nb .
<{EX}a> <{EX}label> "«Høringssvar» fra Bærum – æøå ÆØÅ" .
<{EX}a> <{EX}count> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{EX}a> <{EX}when> "2026-01-31"^^<http://www.w3.org/2001/XMLSchema#date> .
<{EX}a> <{EX}knows> <{EX}b> .
<{EX}a> <{EX}quote> "line one\\nline \\"two\\"\\ttab \\\\ back" .
"""
SAMPLE_G2 = f"""\
<{EX}b> <{EX}name> "NHO"@nb .
<{EX}b> <{EX}name> "NHO"@en .
"""


def load_sample(store: GraphStore) -> None:
    store.replace_graph(G1, SAMPLE_G1)
    store.replace_graph(G2, SAMPLE_G2)


def _values(store: GraphStore, query: str, var: str) -> list[str | None]:
    return sorted((row[var] for row in store.select(query)), key=lambda v: (v is None, v or ""))


# rdflib's JSON-LD and TriG parsers use its own deprecated APIs internally; not ours to fix.
@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")
class GraphStoreContract:
    """Test cases shared by every GraphStore; subclasses provide the ``store`` fixture."""

    # -- writing -------------------------------------------------------------------
    def test_replace_graph_then_select(self, store: GraphStore) -> None:
        load_sample(store)
        rows = store.select(f"SELECT ?o WHERE {{ <{EX}a> <{EX}knows> ?o }}")
        assert rows == [{"o": f"{EX}b"}]
        assert len(store.select("SELECT * WHERE { ?s ?p ?o }")) == 8

    def test_replace_again_replaces_only_that_graph(self, store: GraphStore) -> None:
        load_sample(store)
        store.replace_graph(G1, f'<{EX}a> <{EX}name> "Ny"@nb .\n')
        in_g1 = store.select(f"SELECT ?p ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
        assert in_g1 == [{"p": f"{EX}name", "o": "Ny"}]
        assert _values(store, f"SELECT ?o WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}", "o") == ["NHO", "NHO"]

    def test_replace_with_nothing_leaves_no_graph(self, store: GraphStore) -> None:
        load_sample(store)
        store.replace_graph(G1, "")
        store.replace_graph(f"{EX}graph/never", "")
        assert store.graph_names() == [G2]

    def test_drop_graph(self, store: GraphStore) -> None:
        load_sample(store)
        store.drop_graph(G1)
        store.drop_graph(f"{EX}graph/not-there")  # dropping a missing graph is not an error
        assert store.graph_names() == [G2]
        assert not store.ask(f"ASK {{ <{EX}a> ?p ?o }}")

    def test_graph_names_sorted(self, store: GraphStore) -> None:
        assert store.graph_names() == []
        for iri in (f"{EX}z", f"{EX}a", f"{EX}m"):
            store.replace_graph(iri, f"<{EX}s> <{EX}p> <{iri}> .\n")
        assert store.graph_names() == [f"{EX}a", f"{EX}m", f"{EX}z"]

    # -- select / ask ----------------------------------------------------------------
    def test_optional_unbound_is_none(self, store: GraphStore) -> None:
        load_sample(store)
        rows = store.select(
            f"SELECT ?s ?missing WHERE {{ ?s <{EX}knows> ?x OPTIONAL {{ ?s <{EX}nope> ?missing }} }}"
        )
        assert rows == [{"s": f"{EX}a", "missing": None}]

    def test_literals_come_back_as_lexical_forms(self, store: GraphStore) -> None:
        load_sample(store)
        got = {row["p"]: row["o"] for row in store.select(f"SELECT ?p ?o WHERE {{ <{EX}a> ?p ?o }}")}
        assert got[f"{EX}name"] == "Bærum kommune"
        assert got[f"{EX}count"] == "42"
        assert got[f"{EX}when"] == "2026-01-31"
        assert got[f"{EX}quote"] == 'line one\nline "two"\ttab \\ back'

    def test_unicode_round_trips(self, store: GraphStore) -> None:
        load_sample(store)
        rows = store.select(f'SELECT ?s WHERE {{ ?s <{EX}label> "«Høringssvar» fra Bærum – æøå ÆØÅ" }}')
        assert rows == [{"s": f"{EX}a"}]

    def test_iri_with_special_characters(self, store: GraphStore) -> None:
        store.replace_graph(G_SPECIAL, f"<{G_SPECIAL}> <{EX}p> <{EX}o> .\n")
        assert store.graph_names() == [G_SPECIAL]
        assert store.select(f"SELECT ?s WHERE {{ GRAPH <{G_SPECIAL}> {{ ?s ?p ?o }} }}") == [{"s": G_SPECIAL}]
        store.replace_graph(G_SPECIAL, f"<{EX}s> <{EX}p> <{EX}o2> .\n")
        assert _values(store, "SELECT ?o WHERE { ?s ?p ?o }", "o") == [f"{EX}o2"]
        store.drop_graph(G_SPECIAL)
        assert store.graph_names() == []

    def test_ask(self, store: GraphStore) -> None:
        load_sample(store)
        assert store.ask(f"ASK {{ <{EX}a> <{EX}knows> <{EX}b> }}") is True
        assert store.ask(f"ASK {{ <{EX}b> <{EX}knows> <{EX}a> }}") is False

    def test_select_and_ask_reject_the_other_form(self, store: GraphStore) -> None:
        with pytest.raises(QueryError):
            store.select("ASK { ?s ?p ?o }")
        with pytest.raises(QueryError):
            store.ask("SELECT * WHERE { ?s ?p ?o }")

    def test_malformed_sparql_is_a_query_error(self, store: GraphStore) -> None:
        for call in (store.select, store.ask):
            with pytest.raises(QueryError):
                call("SELEKT ?x WHERE {")
        with pytest.raises(QueryError):
            store.query_raw("SELECT ?x WHERE { ?x", "application/sparql-results+json")

    def test_service_and_deep_queries_never_reach_the_parser(self, store: GraphStore) -> None:
        """Refused before parsing (a remote store sends nothing): SERVICE would fetch URLs, depth crashes."""
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
        for call in (store.select, lambda q: store.query_raw(q, "application/sparql-results+json")):
            with pytest.raises(QueryForbiddenError, match="SERVICE"):
                call(service)
            with pytest.raises(QueryTooComplexError, match="POLICYKG_QUERY_MAX_DEPTH"):
                call(deep)
        with pytest.raises(QueryTooComplexError, match="POLICYKG_QUERY_MAX_CHARS"):
            store.query_raw("ASK {}" + " " * 200, "", QueryLimits(max_chars=100))
        assert store.ask('ASK { ?s ?p "SERVICE { { {" }') is False  # inside a literal it is text

    # -- query_raw -------------------------------------------------------------------
    NAMES = f"SELECT ?s ?name WHERE {{ ?s <{EX}name> ?name }} ORDER BY ?s ?name"

    def test_query_raw_select_json(self, store: GraphStore) -> None:
        load_sample(store)
        raw = store.query_raw(self.NAMES, "application/sparql-results+json")
        assert (raw.kind, raw.media_type) == ("select", "application/sparql-results+json")
        doc = json.loads(raw.body)
        assert doc["head"]["vars"] == ["s", "name"]
        names = sorted((b["name"]["value"], b["name"].get("xml:lang")) for b in doc["results"]["bindings"])
        assert names == [("Bærum kommune", "nb"), ("NHO", "en"), ("NHO", "nb")]

    def test_query_raw_select_xml(self, store: GraphStore) -> None:
        load_sample(store)
        raw = store.query_raw(self.NAMES, "application/sparql-results+xml")
        assert raw.media_type == "application/sparql-results+xml"
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(raw.body)
        literals = sorted(el.text or "" for el in root.iterfind(".//r:binding[@name='name']/r:literal", ns))
        assert literals == ["Bærum kommune", "NHO", "NHO"]

    @pytest.mark.parametrize(("media", "delimiter"), [("text/csv", ","), ("text/tab-separated-values", "\t")])
    def test_query_raw_select_csv_tsv(self, store: GraphStore, media: str, delimiter: str) -> None:
        load_sample(store)
        raw = store.query_raw(self.NAMES, media)
        assert raw.media_type == media
        table = list(csv.reader(io.StringIO(raw.body.decode("utf-8")), delimiter=delimiter))
        assert [h.lstrip("?") for h in table[0]] == ["s", "name"]
        assert len(table) == 4
        assert any("Bærum kommune" in cell for row in table for cell in row)

    def test_query_raw_ask(self, store: GraphStore) -> None:
        load_sample(store)
        raw = store.query_raw(f"ASK {{ <{EX}a> ?p ?o }}", "application/sparql-results+json")
        assert raw.kind == "ask"
        assert json.loads(raw.body)["boolean"] is True
        raw = store.query_raw("ASK { <urn:x:none> ?p ?o }", "application/sparql-results+xml")
        assert b"false" in raw.body

    @pytest.mark.parametrize(
        ("media", "rdflib_format"),
        [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
    )
    def test_query_raw_construct(self, store: GraphStore, media: str, rdflib_format: str) -> None:
        load_sample(store)
        raw = store.query_raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{EX}a>) }}", media)
        assert (raw.kind, raw.media_type) == ("graph", media)
        graph = rdflib.Graph().parse(data=raw.body, format=rdflib_format)
        assert len(graph) == 6
        expected = rdflib.Literal("«Høringssvar» fra Bærum – æøå ÆØÅ")
        assert (rdflib.URIRef(f"{EX}a"), rdflib.URIRef(f"{EX}label"), expected) in graph

    def test_query_raw_negotiates_a_list_and_wildcards(self, store: GraphStore) -> None:
        load_sample(store)
        # The CLI sends one Accept for queries of unknown form; each store picks per result kind.
        accept = "application/sparql-results+json,text/turtle"
        assert store.query_raw(self.NAMES, accept).media_type == "application/sparql-results+json"
        construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s <{EX}name> ?o BIND(<{EX}name> AS ?p) }}"
        assert store.query_raw(construct, accept).media_type == "text/turtle"
        assert store.query_raw(construct, "*/*").media_type == "text/turtle"

    def test_unknown_media_type_is_a_query_error(self, store: GraphStore) -> None:
        load_sample(store)
        with pytest.raises(QueryError, match="application/x-nope"):
            store.query_raw(self.NAMES, "application/x-nope")
        with pytest.raises(QueryError):
            store.query_raw("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")

    def test_max_rows_enforced(self, store: GraphStore) -> None:
        load_sample(store)
        everything = "SELECT * WHERE { ?s ?p ?o }"
        assert (
            len(
                json.loads(store.query_raw(everything, "", QueryLimits(max_rows=8)).body)["results"][
                    "bindings"
                ]
            )
            == 8
        )
        with pytest.raises(ResultTooLargeError):
            store.query_raw(everything, "", QueryLimits(max_rows=7))
        with pytest.raises(ResultTooLargeError):
            store.query_raw("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", QueryLimits(max_rows=3))

    def test_timeout_enforced(self, store: GraphStore) -> None:
        store.replace_graph(G1, "".join(f"<{EX}s{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(1500)))
        cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 2.25 million rows, streamed
        with pytest.raises(QueryTimeoutError):
            store.query_raw(cross, "application/sparql-results+json", QueryLimits(timeout_s=0.2))

    # -- export ----------------------------------------------------------------------
    def test_export_nq_is_sorted_and_complete(self, store: GraphStore) -> None:
        assert store.export("nq") == b""
        load_sample(store)
        data = store.export("nq")
        lines = data.decode("utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) == 8 and data.endswith(b"\n")
        quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        assert {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)} == {G1, G2}
        assert "«Høringssvar» fra Bærum – æøå ÆØÅ" in data.decode("utf-8")

    @pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("jsonld", "json-ld")])
    def test_export_other_formats_parse(self, store: GraphStore, fmt: str, rdflib_format: str) -> None:
        load_sample(store)
        dataset = rdflib.Dataset()
        dataset.parse(data=store.export(fmt), format=rdflib_format)  # type: ignore[arg-type]
        assert len(list(dataset.quads((None, None, None, None)))) == 8

    def test_export_unknown_format_is_a_query_error(self, store: GraphStore) -> None:
        with pytest.raises(QueryError):
            store.export("xml")  # type: ignore[arg-type]
