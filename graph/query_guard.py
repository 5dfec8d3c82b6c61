"""Checks on a SPARQL query's text before any parser sees it: size, nesting, and forbidden forms.

pyoxigraph's parser and optimiser recurse on the query's structure, and a deep enough
query overflows the native stack and kills the process (measured with pyoxigraph 0.5.13
on an 8 MB stack: 3,000 nested ``{``, 1,000 nested function calls, 3,000 chained
``BIND``s, 20,000 ``UNION`` branches or ``!``s). No exception can be caught then, so the
text is measured first by a small tokenizer that knows where strings, IRIs and comments
are (a ``{`` or the word ``SERVICE`` inside a literal counts for nothing):

- ``max_chars``: the length of the text;
- ``max_depth``: nesting of ``{ ( [`` plus runs of prefix operators (``! ^ + -``);
- ``max_tokens``: keywords, operators and brackets (terms such as IRIs, literals, numbers
  and variables do not count, nor do the commas between a call's arguments or anything
  inside a ``VALUES`` data block), which bounds flat chains that nest in the algebra
  (``UNION``, ``&&``, ``BIND`` after ``BIND``, 24,000 objects after one predicate, an RDF
  collection of 30,000 items: those crash an 8 MB stack).

``SERVICE`` (the engine would fetch any URL on the caller's behalf) and every SPARQL
Update keyword (``LOAD`` also fetches) are refused wherever they stand.

One ambiguity is resolved towards caution: after an operand, ``<x>`` can be an IRI or
the operator ``<`` (``?a<((1))>?b``); the brackets and operators inside such an IRI are
counted as if they were code, so nesting cannot hide there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.errors import QueryError, QueryForbiddenError, QueryTooComplexError

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_TOKENS",
    "QueryForbiddenError",
    "QueryShape",
    "QueryTooComplexError",
    "check_query",
]

DEFAULT_MAX_CHARS = 100_000
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_TOKENS = 5_000

UPDATE_WORDS = frozenset(
    {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
)
_OPEN, _CLOSE = frozenset("{(["), frozenset("})]")
_PREFIX_OPS = frozenset({"!", "^", "+", "-"})
_OPERAND_WORDS = frozenset({"true", "false"})
# Inside ( ): arguments and IN lists, side by side, never nested.
_SEPARATORS = frozenset(",;")
_CODE_IN_IRI = frozenset("()[]!&=+-*/")

_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"#[^\r\n]*")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_VAR = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+")
_BNODE = re.compile(r"_:[\w\u00b7\u0300-\u036f\u203f\u2040.\-]*")
_NUMBER = re.compile(r"\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.?\d*[eE][+-]?\d+|\d+")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_OPERATOR = re.compile(r"&&|\|\||!=|<=|>=|\^\^")
# A run of name characters: a prefix or local name (with dots and dashes inside), or keywords.
_NAME_RUN = re.compile(r"[\w\u00b7\u0300-\u036f\u203f\u2040.\-]+")
_LOCAL = re.compile(r"(?:[\w\u00b7\u0300-\u036f\u203f\u2040.\-:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*")
_WORD = re.compile(r"\w+")
# The grammar's four string forms: a long one holds any character, but its quotes come at most two at a
# time. Possessive quantifiers (Python 3.11+): a string that is not closed fails in linear time.
_SHORT_STRINGS = {q: re.compile(rf"{q}(?:[^{q}\\\n\r]++|\\.)*+{q}", re.DOTALL) for q in "'\""}
_LONG_STRINGS = {
    q: re.compile(rf"{q * 3}(?:(?:{q}|{q * 2})?(?:[^{q}\\]++|\\.))*+{q * 3}", re.DOTALL) for q in "'\""
}


@dataclass(frozen=True, slots=True)
class QueryShape:
    """What the guard measured: for messages and tests."""

    chars: int
    depth: int
    tokens: int


def check_query(
    text: str,
    *,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    max_tokens: int | None = DEFAULT_MAX_TOKENS,
    forbid_service: bool = True,
) -> QueryShape:
    """Raise :class:`QueryTooComplexError` or :class:`QueryForbiddenError`, or return the shape.

    Linear in the text and stops at the first limit passed, so a hostile query costs little.
    """
    if max_chars is not None and len(text) > max_chars:
        raise QueryTooComplexError(
            f"the query is {len(text):,} characters long; the limit is {max_chars:,} "
            "(POLICYKG_QUERY_MAX_CHARS): shorten it, e.g. split a long VALUES list over several queries"
        )
    return _Scanner(text, max_depth, max_tokens, forbid_service).scan()


class _Scanner:
    def __init__(
        self, text: str, max_depth: int | None, max_tokens: int | None, forbid_service: bool
    ) -> None:
        self.text = text
        self.max_depth = max_depth
        self.max_tokens = max_tokens
        self.forbid_service = forbid_service
        self.depth = 0
        self.open: list[str] = []  # the brackets open now, innermost last
        self.deepest = 0
        self.run = 0  # consecutive prefix operators
        self.tokens = 0
        self.values_depth: int | None = None  # inside a VALUES data block opened at this depth
        self.values_pending = False
        self.operand = False  # the last token can end an expression (so '<' may be an operator)
        self.after_term = False  # the last token was a term (IRI, literal, variable, number, name)

    # -- the token stream -------------------------------------------------------------------------
    def scan(self) -> QueryShape:
        text, pos, end = self.text, 0, len(self.text)
        while pos < end:
            char = text[pos]
            if char.isspace():
                pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                continue
            if char == "#":
                pos = _COMMENT.match(text, pos).end()  # type: ignore[union-attr]
                continue
            if char in "'\"":
                pos = self._string(pos)
                self._term()
                continue
            if char == "<" and (m := _IRI.match(text, pos)):
                if self.operand:  # '<' may be the operator: count what is inside as code too
                    for inner in m.group(0)[1:-1]:
                        if inner in _CODE_IN_IRI:
                            self._punct(inner)
                self._term()
                pos = m.end()
                continue
            if char in "?$" and (m := _VAR.match(text, pos)):
                self._term(variable=True)
                pos = m.end()
                continue
            if char == "_" and text.startswith("_:", pos):
                pos = _BNODE.match(text, pos).end()  # type: ignore[union-attr]
                self._term()
                continue
            if char.isdigit() or (char == "." and pos + 1 < end and text[pos + 1].isdigit()):
                pos = _NUMBER.match(text, pos).end()  # type: ignore[union-attr]
                self._term()
                continue
            if char == "@" and (m := _LANG.match(text, pos)):
                pos = m.end()
                self._term()
                continue
            if char == ":" or char.isalpha() or char == "_":
                pos = self._name(pos)
                continue
            if m := _OPERATOR.match(text, pos):
                self._punct(m.group(0))
                pos = m.end()
                continue
            self._punct(char)
            pos += 1
        return QueryShape(chars=len(text), depth=self.deepest, tokens=self.tokens)

    def _string(self, pos: int) -> int:
        """The end of the string literal starting at ``pos`` (long or short form, with escapes)."""
        text = self.text
        quote = text[pos]
        forms = _LONG_STRINGS if text.startswith(quote * 3, pos) else _SHORT_STRINGS
        match = forms[quote].match(text, pos)
        if match is None:  # unclosed: the parser would refuse it too (and no retry here, so linear)
            line = text.count("\n", 0, pos) + 1
            raise QueryError(f"SPARQL syntax error: the string literal starting on line {line} is not closed")
        return match.end()

    def _name(self, pos: int) -> int:
        """A prefixed name (``pkg:Passage``, ``:x``), or keywords and function names."""
        text = self.text
        run = _NAME_RUN.match(text, pos)
        run_end = run.end() if run else pos
        if run_end < len(text) and text[run_end] == ":" and not text[pos].isdigit():
            local = _LOCAL.match(text, run_end + 1)
            end = local.end() if local else run_end + 1
            while end > run_end + 1 and text[end - 1] == ".":  # a local name does not end with '.'
                end -= 1
            self._term()
            return end
        # Not a prefix: the run is words separated by '.' and '-' (e.g. 'a.SERVICE' is 'a' '.' 'SERVICE').
        i = pos
        while i < run_end:
            if text[i] in ".-":
                self._punct(text[i])
                i += 1
                continue
            word = _WORD.match(text, i)
            j = word.end() if word else i + 1
            self._word(text[i:j])
            i = j
        return run_end

    # -- accounting -------------------------------------------------------------------------------
    def _term(self, *, variable: bool = False) -> None:
        if self.after_term and self.open and self.open[-1] == "(":
            # An item of an RDF collection ( a b c ) is two patterns of a chain (rdf:first, rdf:rest);
            # 5,000 items crash an 8 MB stack, 4,000 do not.
            self._count(2)
        self.run = 0
        self.operand = True
        self.after_term = True
        self.values_pending = self.values_pending and variable  # VALUES ?a { ... }, VALUES (?a ?b) { ... }

    def _word(self, word: str) -> None:
        lower = word.lower()
        self.after_term = False
        if self.forbid_service and lower == "service":
            raise QueryForbiddenError(
                "SERVICE (federated query) is not allowed: policykg never fetches other URLs "
                "on a caller's behalf; query the policykg graph only"
            )
        if lower in UPDATE_WORDS:
            raise QueryForbiddenError(
                f"'{word}' is SPARQL Update: queries are read-only and never load or change data "
                "(use the policykg CLI commands to change data)"
            )
        self.run = 0
        if lower in _OPERAND_WORDS or lower == "a":
            self._term()
            self.operand = lower != "a"  # after 'a' comes an object, never an operator
            return
        self.operand = False
        self.values_pending = lower == "values"
        self._count()

    def _punct(self, token: str) -> None:
        self.after_term = False
        if token == "{" and self.values_pending and self.values_depth is None:
            self._count()  # the block's own brace counts; what is inside does not
            self.values_depth = self.depth + 1
        elif token not in "()":
            self.values_pending = False
        if token in _OPEN:
            self.depth += 1
            self.open.append(token)
            self._check_depth(self.depth + self.run)
            self.run = 0
            self.operand = False
        elif token in _CLOSE:
            if token == "}" and self.values_depth == self.depth:
                self.values_depth = None
            self.depth = max(0, self.depth - 1)
            if self.open:
                self.open.pop()
            self.run = 0
            self.operand = token != "}"
        elif token in _PREFIX_OPS:
            self.run += 1
            self._check_depth(self.depth + self.run)
            self.operand = False
        else:
            self.run = 0
            self.operand = False
        if token not in _SEPARATORS or not self.open or self.open[-1] != "(":
            self._count()  # a comma between arguments is flat; one between objects chains the patterns

    def _count(self, weight: int = 1) -> None:
        if self.values_depth is not None:
            return  # a VALUES data block is flat data, however long
        self.tokens += weight
        if self.max_tokens is not None and self.tokens > self.max_tokens:
            raise QueryTooComplexError(
                f"the query has more than {self.max_tokens:,} keywords, operators, brackets and list items "
                "(POLICYKG_QUERY_MAX_TOKENS), e.g. a very long UNION, && chain or object list: "
                "split it into several queries or use VALUES for long lists"
            )

    def _check_depth(self, depth: int) -> None:
        self.deepest = max(self.deepest, depth)
        if self.max_depth is not None and depth > self.max_depth:
            raise QueryTooComplexError(
                f"the query nests brackets or '!' more than {self.max_depth} levels deep "
                "(POLICYKG_QUERY_MAX_DEPTH): flatten it"
            )
