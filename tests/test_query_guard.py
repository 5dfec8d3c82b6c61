"""The SPARQL guard's tokenizer (graph/query_guard.py): what it skips, what it finds, what it counts.

The guard stands between any caller and pyoxigraph's parser, which a deep enough query
crashes; these cases pin the places a careless tokenizer would miscount (a brace in a
literal, SERVICE after a dot, nesting inside an ambiguous '<...>'), and a seeded fuzz run
checks that it answers every text quickly, with a shape or a QueryError.
"""

from __future__ import annotations

import contextlib
import random
import time
from pathlib import Path

import pytest

from graph.errors import QueryError
from graph.query_guard import QueryForbiddenError, QueryTooComplexError, check_query
from graph.sparql import PREFIXES


def test_the_guard_skips_strings_iris_and_comments() -> None:
    harmless = [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { {{{{ " }',
        "SELECT * WHERE { ?s ?p '''multi\nline SERVICE { ''' }",
        "SELECT * WHERE { ?s <urn:service/load> ?o } # SERVICE { LOAD {{{{{{{",
        "PREFIX service: <urn:s#> SELECT ?service WHERE { ?service service:load ?drop }",
        r"SELECT * WHERE { ?s ?p 'it\'s {{{ SERVICE' }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    ]
    for query in harmless:
        check_query(query, max_depth=3)
    inside_literal = 'SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" }'
    assert check_query(inside_literal).depth == 1


def test_the_guard_finds_service_and_updates_wherever_they_stand() -> None:
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "select * where { service silent ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { ?s a ?o.SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o } # a comment\nLOAD <http://x/>",
        "PREFIX a: <urn:a#> INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ):
        with pytest.raises(QueryForbiddenError):
            check_query(query)


def test_the_guard_counts_what_could_nest() -> None:
    with pytest.raises(QueryTooComplexError):  # '<' read as an operator: brackets inside count
        check_query("SELECT * WHERE { FILTER(?a<" + "(" * 500 + "1" + ")" * 500 + ">?b) }")
    with pytest.raises(QueryTooComplexError):
        check_query("SELECT * WHERE { FILTER(" + "&&".join(["true"] * 6000) + ") }")
    with pytest.raises(QueryError, match="not closed"):
        check_query("SELECT * WHERE { ?s ?p 'open }")
    values = " ".join(f"(<urn:x:{i}> {i})" for i in range(20_000))  # data, not structure
    shape = check_query(f"SELECT * WHERE {{ VALUES (?a ?b) {{ {values} }} ?a ?p ?b }}", max_chars=None)
    assert shape.tokens < 20 and shape.depth == 3
    in_list = "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + ", ".join(["<urn:x>"] * 9000) + ")) }"
    assert check_query(in_list).tokens < 20  # a list's commas do not nest


def test_every_shipped_query_passes_the_guard() -> None:
    from graph.sparql import named, query_names

    texts = [PREFIXES + p.read_text(encoding="utf-8") for p in Path("examples/queries").glob("*.rq")]
    texts += [named(name) for name in query_names()]
    assert len(texts) >= 15
    for text in texts:
        shape = check_query(text)
        assert shape.depth <= 10 and shape.tokens <= 500


PIECES = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    '"',
    "'",
    "'" * 3,
    "#",
    "\\",
    "\n",
    " ",
    "!",
    "^",
    "-",
    "+",
    "?x",
    "$y",
    "pkg:",
    ":a",
    "_:b",
    "a",
    ".",
    ";",
    ",",
    "&&",
    "||",
    "1.5",
    "@nb",
    "SERVICE",
    "service",
    "VALUES",
    "UNION",
    "SELECT",
    "WHERE",
    "<urn:x>",
    '"lit"',
    "é",
    "x-y",
    "\\u007B",
]


def test_any_text_gets_a_shape_or_a_query_error_quickly() -> None:
    rng = random.Random(8)
    for _ in range(2000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 200)))
        with contextlib.suppress(QueryError):
            check_query(text)
    for piece in PIECES:  # one piece repeated up to the length limit: linear, never quadratic
        text = (piece * (100_000 // len(piece)))[:100_000]
        started = time.perf_counter()
        with contextlib.suppress(QueryError):
            check_query(text, max_depth=None, max_tokens=None)
        assert time.perf_counter() - started < 2.0, repr(piece)
