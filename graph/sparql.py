"""The small SPARQL layer: prefixes, values and named queries, each made one way.

- :data:`PREFIXES` declares every namespace of :data:`graph.iris.NAMESPACES`.
- Values enter a query only as terms written by pyoxigraph (:func:`iri`, :func:`lit`): an IRI is
  checked, a literal has its quotes, backslashes and control characters escaped, so no value can
  end its term and change the query.
- The long named queries live in ``graph/rq/NAME.rq`` (package data). Each has one ``#bind``
  comment line where :func:`named` puts clauses made by :func:`eq`, :func:`ne`, :func:`values` and
  :func:`has`; unbound, the line is a comment and the file runs as it is
  (``policykg sparql -f graph/rq/positions.rq``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import NewType

import pyoxigraph as ox

from graph.errors import QueryError
from graph.iris import NAMESPACES

__all__ = [
    "PREFIXES",
    "SLOT",
    "Clause",
    "Term",
    "eq",
    "has",
    "iri",
    "lit",
    "named",
    "named_text",
    "ne",
    "query_names",
    "values",
]

PREFIXES = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in NAMESPACES.items())
SLOT = "#bind"  # the line of a named query where its clauses go

Term = ox.NamedNode | ox.Literal
# A piece of a query made by this module's functions from terms (never from raw text).
Clause = NewType("Clause", str)

_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PNAME = re.compile(r"([a-z]+):[A-Za-z][A-Za-z0-9_]*")
_NAME = re.compile(r"[a-z][a-z0-9-]*")


def iri(value: str) -> ox.NamedNode:
    """``value`` as an IRI term; a value that is not an IRI (a space, ``>``, ...) is a QueryError."""
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise QueryError(f"not an IRI: {value!r} ({exc})") from None


def lit(value: str | int | float | bool) -> ox.Literal:
    """``value`` as a literal: a plain string, or typed xsd:boolean / integer / double."""
    return ox.Literal(value)


def _var(name: str) -> str:
    if not _VAR.fullmatch(name):
        raise ValueError(f"not a SPARQL variable name: {name!r}")
    return "?" + name


def eq(var: str, term: Term) -> Clause:
    """``FILTER (?var = term)``: keeps solutions where ``var`` is bound to ``term``."""
    return Clause(f"FILTER ({_var(var)} = {term})")


def ne(var: str, term: Term) -> Clause:
    return Clause(f"FILTER ({_var(var)} != {term})")


def values(var: str, terms: Iterable[Term]) -> Clause:
    """``VALUES ?var { t1 t2 ... }``: ``var`` takes each of the terms (none: no solution)."""
    return Clause(f"VALUES {_var(var)} {{ {' '.join(str(t) for t in terms)} }}")


def has(var: str, predicate: str, term: Term) -> Clause:
    """The triple pattern ``?var predicate term .``; ``predicate`` a prefixed name such as ``pkg:sender``."""
    m = _PNAME.fullmatch(predicate)
    if m is None or m.group(1) not in NAMESPACES:
        raise ValueError(f"not a known prefixed name: {predicate!r}")
    return Clause(f"{_var(var)} {predicate} {term} .")


def query_names() -> list[str]:
    """The named queries shipped in ``graph/rq``."""
    folder = resources.files("graph") / "rq"
    return sorted(p.name[: -len(".rq")] for p in folder.iterdir() if p.name.endswith(".rq"))


@cache
def named_text(name: str) -> str:
    """The text of ``graph/rq/NAME.rq``, checked to have exactly one ``#bind`` line."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a query name: {name!r}")
    path = resources.files("graph") / "rq" / f"{name}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"no named query '{name}'; known: {', '.join(query_names())}") from None
    slots = sum(1 for line in text.splitlines() if line.strip() == SLOT)
    if slots != 1:
        raise ValueError(f"graph/rq/{name}.rq has {slots} '{SLOT}' lines, expected exactly one")
    return text


def named(name: str, *clauses: Clause) -> str:
    """The named query with :data:`PREFIXES` and the clauses on its ``#bind`` line, ready to run."""
    lines = named_text(name).splitlines()
    i = next(n for n, line in enumerate(lines) if line.strip() == SLOT)
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    lines[i : i + 1] = [indent + c for c in clauses]
    return PREFIXES + "\n".join(lines) + "\n"
