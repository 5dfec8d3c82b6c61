"""SHACL validation of one document's own triples before they are written."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from pyshacl import validate
from rdflib import Graph

from graph._shapes_check import ShapeChecker, compile_shapes
from graph.errors import ValidationError

__all__ = ["ontology_graph", "shapes_graph", "validate_document_graph"]


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(data=files("ontologies").joinpath("shapes.ttl").read_text("utf-8"), format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(
        data=files("ontologies").joinpath("policykg.ttl").read_text("utf-8"), format="turtle"
    )


@lru_cache(maxsize=1)
def _checker() -> ShapeChecker | None:
    return compile_shapes(shapes_graph())


def validate_document_graph(graph: Graph, subject: str) -> None:
    """Raise :class:`ValidationError` (naming ``subject``) unless ``graph`` conforms to the shapes.

    A graph the compiled shapes accept is done (the check is at least as strict as pySHACL's); any
    other graph goes to pySHACL, which decides and writes the report (:mod:`graph._shapes_check`).
    """
    checker = _checker()
    if checker is not None and checker.conforms(graph):
        return
    conforms, _report_graph, report_text = validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=True
    )
    if not conforms:
        # Keep the part of pySHACL's report a person can read: the failing constraints.
        lines = [
            ln.strip()
            for ln in str(report_text).splitlines()
            if ln.strip().startswith(("Message", "Focus", "Result Path"))
        ]
        raise ValidationError(subject, "\n".join(lines[:30]) or str(report_text)[:2000])
