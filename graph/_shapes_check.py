"""A direct check of a document graph against the shapes, so a conforming graph need not go to pySHACL.

pySHACL builds its constraint objects again for every focus node and answers each lookup through
rdflib's store: about 40 ms a letter, more than linking, stance and graph writing together once
embeddings are cached. This module compiles ``shapes.ttl`` once into a small interpreter of the
SHACL Core parameters the shapes use (targets by class or by subject of a predicate; predicate and
sequence paths; min/max count, datatype, pattern, min length, node kind IRI, class, ``sh:in``,
min/max inclusive, ``sh:lessThan``, ``sh:node``) and checks a graph over a plain dictionary index.

It only ever says "conforms" or "look closer": the caller runs pySHACL whenever this check finds a
violation, so pySHACL still writes every report. The check is written to be at least as strict as
pySHACL (anything it does not understand counts as a violation, e.g. an ill-typed literal, a value
it cannot compare, a data graph that declares subclasses), so it can send a good graph to pySHACL,
never wave a bad one through. Shapes using any parameter outside this subset compile to ``None``,
and then every graph goes to pySHACL as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

__all__ = ["ShapeChecker", "compile_shapes"]

SH = Namespace("http://www.w3.org/ns/shacl#")

# Parameters of a property shape this check understands; any other one makes the shapes uncompilable.
_PROPERTY_KEYS = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.pattern,
    SH.minLength,
    SH.nodeKind,
    SH["class"],
    SH["in"],
    SH.minInclusive,
    SH.maxInclusive,
    SH.lessThan,
    SH.node,
    SH.message,
}
_NODE_KEYS = {RDF.type, SH.targetClass, SH.targetSubjectsOf, SH.property}
_MAX_DEPTH = 15  # as pySHACL's max_validation_depth


# The parameters as terms made once (rdflib's Namespace makes a new term on every attribute access).
_MIN_COUNT = SH.minCount
_MAX_COUNT = SH.maxCount
_DATATYPE = SH.datatype
_PATTERN = SH.pattern
_MIN_LENGTH = SH.minLength
_NODE_KIND = SH.nodeKind
_CLASS = SH["class"]
_IN = SH["in"]
_MIN_INCLUSIVE = SH.minInclusive
_MAX_INCLUSIVE = SH.maxInclusive
_LESS_THAN = SH.lessThan
_NODE = SH.node
_TYPE = RDF.type
_SUBCLASS_OF = RDFS.subClassOf


class _Unsupported(Exception):
    pass


@dataclass(frozen=True)
class _PropertyShape:
    path: tuple[URIRef, ...]
    params: tuple[tuple[URIRef, Any], ...]


@dataclass
class _NodeShape:
    node: Node
    target_classes: list[Node] = field(default_factory=list)
    target_subjects_of: list[Node] = field(default_factory=list)
    properties: list[_PropertyShape] = field(default_factory=list)


def _one(g: Graph, s: Node, p: URIRef) -> Node:
    values = list(g.objects(s, p))
    if len(values) != 1:
        raise _Unsupported(f"{p} given {len(values)} times")
    return values[0]


def _path(g: Graph, node: Node) -> tuple[URIRef, ...]:
    if isinstance(node, URIRef):
        return (node,)
    if isinstance(node, BNode) and (node, RDF.first, None) in g:
        steps = tuple(Collection(g, node))
        if steps and all(isinstance(s, URIRef) for s in steps):
            return steps  # type: ignore[return-value]
    raise _Unsupported("only predicate and sequence paths")


def _literal_int(value: Node) -> int:
    if isinstance(value, Literal) and isinstance(value.toPython(), int):
        return int(value.toPython())
    raise _Unsupported(f"not an integer: {value!r}")


def _compile_property(g: Graph, node: Node, shapes: dict[Node, _NodeShape]) -> _PropertyShape:
    keys = {URIRef(str(k)) for k in g.predicates(node, None)}
    if not keys <= _PROPERTY_KEYS:
        raise _Unsupported(f"property parameters {sorted(map(str, keys - _PROPERTY_KEYS))}")
    params: list[tuple[URIRef, Any]] = []
    for key in sorted(keys - {SH.path, SH.message}, key=str):
        value = _one(g, node, key)
        if key in (SH.minCount, SH.maxCount, SH.minLength):
            params.append((key, _literal_int(value)))
        elif key == _PATTERN:
            if not isinstance(value, Literal):
                raise _Unsupported("pattern")
            params.append((key, re.compile(str(value))))
        elif key == _NODE_KIND:
            if value != SH.IRI:
                raise _Unsupported("node kinds other than sh:IRI")
            params.append((key, value))
        elif key == _IN:
            params.append((key, tuple(Collection(g, value))))
        elif key in (SH.minInclusive, SH.maxInclusive):
            if not isinstance(value, Literal) or value.ill_typed:
                raise _Unsupported("bound")
            params.append((key, value.toPython()))
        elif key == _NODE:
            _compile_node(g, value, shapes)
            params.append((key, value))
        else:  # datatype, class, lessThan: an IRI
            if not isinstance(value, URIRef):
                raise _Unsupported(str(key))
            params.append((key, value))
    return _PropertyShape(_path(g, _one(g, node, SH.path)), tuple(params))


def _compile_node(g: Graph, node: Node, shapes: dict[Node, _NodeShape]) -> None:
    if node in shapes:
        return
    keys = set(g.predicates(node, None))
    if not keys <= _NODE_KEYS or set(g.objects(node, RDF.type)) - {SH.NodeShape}:
        raise _Unsupported(f"node shape {node}")
    shape = shapes[node] = _NodeShape(node)
    shape.target_classes = list(g.objects(node, SH.targetClass))
    shape.target_subjects_of = list(g.objects(node, SH.targetSubjectsOf))
    shape.properties = [_compile_property(g, p, shapes) for p in g.objects(node, SH.property)]


def compile_shapes(shapes: Graph) -> ShapeChecker | None:
    """The checker for these shapes, or ``None`` if they use SHACL beyond the supported subset."""
    if (None, RDF.type, SH.PropertyShape) in shapes:
        return None  # property shapes with their own targets are outside the subset
    compiled: dict[Node, _NodeShape] = {}
    try:
        for node in set(shapes.subjects(RDF.type, SH.NodeShape)):
            _compile_node(shapes, node, compiled)
        for p in (SH.targetNode, SH.targetObjectsOf, SH.target, SH.sparql, SH.deactivated, SH.severity):
            if (None, p, None) in shapes:
                raise _Unsupported(str(p))
    except _Unsupported:
        return None
    return ShapeChecker(compiled)


def _less(a: Node, b: Node) -> bool:
    """``a < b`` for two well-typed literals of comparable values; anything else is False."""
    if not (isinstance(a, Literal) and isinstance(b, Literal)) or a.ill_typed or b.ill_typed:
        return False
    try:
        return bool(a.toPython() < b.toPython())
    except TypeError:
        return False


def _in_range(value: Node, key: URIRef, bound: Any) -> bool:
    if not isinstance(value, Literal) or value.ill_typed:
        return False
    try:
        v = value.toPython()
        if any(isinstance(x, str | bytes | bool) for x in (v, bound)):  # not ordered with numbers in XSD
            return False
        return bool(v >= bound) if key == _MIN_INCLUSIVE else bool(v <= bound)
    except TypeError:
        return False


def _has_datatype(value: Node, datatype: URIRef) -> bool:
    if not isinstance(value, Literal) or value.ill_typed:
        return False
    if value.datatype is None:
        return datatype == XSD.string and value.language is None
    return value.datatype == datatype


class ShapeChecker:
    """Compiled shapes: :meth:`conforms` is True only when every shape holds on the graph."""

    def __init__(self, shapes: dict[Node, _NodeShape]) -> None:
        self.shapes = shapes

    def conforms(self, graph: Graph) -> bool:
        if type(graph) is not Graph:  # a dataset or a conjunctive graph: let pySHACL decide
            return False
        out: dict[Node, dict[Node, set[Node]]] = {}
        for s, p, o in graph:
            if p == _SUBCLASS_OF:  # SHACL instances would follow subclasses: let pySHACL decide
                return False
            out.setdefault(s, {}).setdefault(p, set()).add(o)
        types: dict[Node, set[Node]] = {s: po.get(_TYPE, set()) for s, po in out.items()}
        for shape in self.shapes.values():
            for focus in self._focus_nodes(shape, out, types):
                if not self._holds(shape, focus, out, types, 0):
                    return False
        return True

    @staticmethod
    def _focus_nodes(
        shape: _NodeShape, out: dict[Node, dict[Node, set[Node]]], types: dict[Node, set[Node]]
    ) -> Iterable[Node]:
        focus: set[Node] = set()
        for cls in shape.target_classes:
            focus.update(s for s, ts in types.items() if cls in ts)
        for p in shape.target_subjects_of:
            focus.update(s for s, po in out.items() if p in po)
        return focus

    def _holds(
        self,
        shape: _NodeShape,
        focus: Node,
        out: dict[Node, dict[Node, set[Node]]],
        types: dict[Node, set[Node]],
        depth: int,
    ) -> bool:
        if depth > _MAX_DEPTH:
            return False
        empty: dict[Node, set[Node]] = {}
        for prop in shape.properties:
            values: set[Node] = {focus}
            for step in prop.path:
                values = {o for v in values for o in out.get(v, empty).get(step, ())}
            for key, arg in prop.params:
                if not self._param_holds(key, arg, focus, values, out, types, depth):
                    return False
        return True

    def _param_holds(
        self,
        key: URIRef,
        arg: Any,
        focus: Node,
        values: set[Node],
        out: dict[Node, dict[Node, set[Node]]],
        types: dict[Node, set[Node]],
        depth: int,
    ) -> bool:
        if key == _MIN_COUNT:
            return len(values) >= arg
        if key == _MAX_COUNT:
            return len(values) <= arg
        if key == _DATATYPE:
            return all(_has_datatype(v, arg) for v in values)
        if key == _PATTERN:
            return all(not isinstance(v, BNode) and arg.search(str(v)) for v in values)
        if key == _MIN_LENGTH:
            return all(not isinstance(v, BNode) and len(str(v)) >= arg for v in values)
        if key == _NODE_KIND:
            return all(isinstance(v, URIRef) for v in values)
        if key == _CLASS:
            return all(arg in types.get(v, ()) for v in values)
        if key == _IN:
            return all(v in arg for v in values)
        if key in (_MIN_INCLUSIVE, _MAX_INCLUSIVE):
            return all(_in_range(v, key, arg) for v in values)
        if key == _LESS_THAN:
            others = out.get(focus, {}).get(arg, set())
            return all(_less(v, w) for v in values for w in others)
        if key == _NODE:
            return all(self._holds(self.shapes[arg], v, out, types, depth + 1) for v in values)
        return False  # not reached: compile_shapes admits only the keys above
