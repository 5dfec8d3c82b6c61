"""The compiled shapes check never accepts a graph pySHACL rejects, and accepts the graphs ingest writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph._shapes_check import SH, ShapeChecker, compile_shapes
from graph.iris import IriMinter
from graph.mapping import map_response
from graph.validation import shapes_graph
from ingest.limits import DEFAULT_LIMITS
from ingest.pipeline import Analyser, discover_files
from ingest.reference import ReferenceData


def _pyshacl_conforms(graph: Graph) -> bool:
    conforms, _g, _text = validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=True
    )
    return bool(conforms)


@pytest.fixture(scope="module")
def checker() -> ShapeChecker:
    compiled = compile_shapes(shapes_graph())
    assert compiled is not None, (
        "shapes.ttl uses SHACL beyond the compiled subset: every letter goes to pySHACL"
    )
    return compiled


@pytest.fixture(scope="module")
def graphs(
    reference: ReferenceData, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Graph]:
    """The sample corpus's letters and one that endorses another's response, read and analysed
    (lexical stance), mapped as ingest maps them."""
    endorsing = tmp_path_factory.mktemp("letters") / "lia-kommune.txt"
    endorsing.write_text(
        "Høringssvar fra Lia kommune\n\nVi slutter oss til høringssvaret fra KS.\n\nMed hilsen\nLia kommune\n",
        encoding="utf-8",
    )
    analyser = Analyser(reference, None, limits=replace(DEFAULT_LIMITS, read_in_worker=False))
    return [
        map_response(analyser.analyse_path(p), reference, IriMinter(), ingest_key="k")
        for p in [*discover_files([corpus_dir]), endorsing]
    ]


def _bad_objects() -> list[Node]:
    return [
        Literal(""),
        Literal("x"),
        Literal("-1", datatype=XSD.integer),
        Literal("1.5", datatype=XSD.decimal),
        Literal("not a number", datatype=XSD.integer),
        Literal("nb", lang="nb"),
        BNode("b"),
        URIRef("https://example.org/elsewhere"),
    ]


def test_the_graphs_ingest_writes_pass_both(checker: ShapeChecker, graphs: list[Graph]) -> None:
    for g in graphs:
        assert checker.conforms(g)
        assert _pyshacl_conforms(g)


def test_every_shape_is_exercised_by_the_sample(checker: ShapeChecker, graphs: list[Graph]) -> None:
    targeted = [s for s in checker.shapes.values() if s.target_classes or s.target_subjects_of]
    seen = set()
    for g in graphs:
        types = set(g.objects(None, RDF.type))
        preds = set(g.predicates())
        seen |= {
            s.node for s in targeted if set(s.target_classes) & types or set(s.target_subjects_of) & preds
        }
    assert seen == {s.node for s in targeted}


def test_no_mutation_pyshacl_rejects_is_accepted(checker: ShapeChecker, graphs: list[Graph]) -> None:
    """Each kind of triple (subject class, predicate) removed, its object replaced by wrong terms,
    or given a second object: whenever the compiled check accepts, pySHACL must accept too."""
    constrained = {RDF.type} | {
        step for shape in checker.shapes.values() for prop in shape.properties for step in prop.path
    }
    classes = {c for shape in checker.shapes.values() for c in shape.target_classes}
    classes |= {
        o
        for shape in checker.shapes.values()
        for prop in shape.properties
        for k, o in prop.params
        if k == SH["class"]
    }
    examples: dict[tuple[frozenset[Node], Node], tuple[Graph, tuple[Node, Node, Node]]] = {}
    for g in sorted(graphs, key=len):  # each kind mutated in the smallest graph that has it
        for s, p, o in g:
            if p not in constrained:
                continue  # no shape reads it: a change cannot matter to either check
            kind = (frozenset(g.objects(s, RDF.type)) & classes, p)
            examples.setdefault(kind, (g, (s, p, o)))
    rejected = accepted = 0
    for g, (s, p, o) in examples.values():
        variants: list[tuple[list[tuple[Node, Node, Node]], list[tuple[Node, Node, Node]]]] = [
            ([(s, p, o)], [])
        ]
        variants += [([(s, p, o)], [(s, p, bad)]) for bad in _bad_objects()]
        variants += [
            ([], [(s, p, extra)]) for extra in (Literal("second"), URIRef("https://example.org/second"))
        ]
        for remove, add in variants:
            mutated = Graph()
            for t in g:
                mutated.add(t)
            for t in remove:
                mutated.remove(t)
            for t in add:
                mutated.add(t)
            if checker.conforms(mutated):
                accepted += 1
                assert _pyshacl_conforms(mutated), (remove, add)
            else:
                rejected += 1
    assert rejected > accepted > 0  # most mutations break a shape; some (optional values) do not


def test_shapes_beyond_the_subset_are_not_compiled() -> None:
    shapes = Graph()
    for t in shapes_graph():
        shapes.add(t)
    prop = next(iter(shapes.objects(None, SH.property)))
    shapes.add((prop, SH.languageIn, BNode()))
    assert compile_shapes(shapes) is None
