"""The small SPARQL layer: prefixes, values and named queries, each made one way.

- :data:`PREFIXES` declares every namespace of :data:`graph.iris.NAMESPACES`.
- Values enter a query only as terms written by pyoxigraph (:func:`iri`, :func:`lit`): an IRI is
  checked, a literal has its quotes, backslashes and control characters escaped, so no value can
  end its term and change the query.
- The long named queries live in ``graph/rq/NAME.rq`` (package data). Each has one ``#bind``
  comment line where :func:`named` puts clauses made by :func:`eq`, :func:`ne`, :func:`values` and
  :func:`has`, and may have named ``#bind:SLOT`` lines (inside an OPTIONAL, say) for clauses that
  only narrow what that part reads; unbound, they are comments and the file runs as it is
  (``policykg sparql -f graph/rq/positions.rq``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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
    "slot_names",
    "values",
]

PREFIXES = "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in NAMESPACES.items())
SLOT = "#bind"  # the line of a named query where its clauses go

Term = ox.NamedNode | ox.Literal
# A piece of a query made by this module's functions from terms (never from raw text).
Clause = NewType("Clause", str)

_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PNAME = re.compile(r"([a-z]+):[A-Za-z][A-Za-z0-9_]*")
_SLOT_NAME = re.compile(r"[a-z][a-z0-9-]*")
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


def has(var: str, path: str, obj: Term | str) -> Clause:
    """The triple pattern ``?var path obj .``: ``path`` prefixed names joined by ``/`` (``pkg:sender``,
    ``pkg:onProposal/pkg:identifier``), ``obj`` a term or the name of a variable."""
    for step in path.split("/"):
        m = _PNAME.fullmatch(step)
        if m is None or m.group(1) not in NAMESPACES:
            raise ValueError(f"not a known prefixed name: {step!r}")
    return Clause(f"{_var(var)} {path} {_var(obj) if isinstance(obj, str) else obj} .")


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


def named(name: str, *clauses: Clause, slots: Mapping[str, Sequence[Clause]] | None = None) -> str:
    """The named query with :data:`PREFIXES`, the clauses on its ``#bind`` line and each of ``slots``
    on its ``#bind:SLOT`` lines (a slot not given stays a comment), ready to run."""
    text = named_text(name)
    wanted = dict(slots or {})
    unknown = set(wanted) - slot_names(text)
    if unknown:
        raise ValueError(f"graph/rq/{name}.rq has no slot {', '.join(sorted(unknown))}")
    out: list[str] = []
    for line in text.splitlines():
        key = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if key == SLOT:
            out += [indent + c for c in clauses]
        elif key.startswith(SLOT + ":") and key[len(SLOT) + 1 :] in wanted:
            out += [indent + c for c in wanted[key[len(SLOT) + 1 :]]]
        else:
            out.append(line)
    return PREFIXES + "\n".join(out) + "\n"


def slot_names(text: str) -> set[str]:
    """The names of a query's ``#bind:SLOT`` lines."""
    names = set()
    for line in text.splitlines():
        key = line.strip()
        if key.startswith(SLOT + ":"):
            slot = key[len(SLOT) + 1 :]
            if not _SLOT_NAME.fullmatch(slot):
                raise ValueError(f"not a slot name: {slot!r}")
            names.add(slot)
    return names
