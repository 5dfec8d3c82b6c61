"""The Norwegian lexicon as data: spellings, inflection, function words and stance cues, bokmål and nynorsk.

One place for the language knowledge that entity linking, relevance, stance and BM25 share,
so a word added here is seen by all of them. The YAML files beside this module are the data
(``spellings.yaml``, ``morphology.yaml``, ``stopwords.yaml``, ``cues.yaml``; ``metadata.yaml``
belongs to ``ingest.metadata``); this module reads each once, checks its shape and hands out
typed, immutable views. A malformed file is an :class:`~ingest.errors.InputError` naming the
file and the key, never a traceback from deep inside a matcher.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from ingest.errors import InputError

__all__ = [
    "CueLexicon",
    "EndorsementLexicon",
    "EntityLexicon",
    "LetterLexicon",
    "Morphology",
    "ReportedSpeech",
    "Spellings",
    "StopWords",
    "cues",
    "entities",
    "letters",
    "morphology",
    "no_comments_pattern",
    "normalise_dashes",
    "spellings",
    "stop_words",
]


@cache
def _load(name: str) -> dict[str, Any]:
    path = resources.files(__package__).joinpath(name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"ingest/lexicon/{name}: cannot be read as YAML ({exc}); fix the file") from exc
    if not isinstance(data, dict):
        raise InputError(f"ingest/lexicon/{name}: expected a mapping of named lists at the top level")
    return data


def _strings(name: str, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if isinstance(value, str):
        return tuple(value.split())
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"ingest/lexicon/{name}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def _patterns(name: str, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    out = _strings(name, data, key)
    for p in out:
        try:
            re.compile(p)
        except re.error as exc:
            raise InputError(f"ingest/lexicon/{name}: '{key}' has an invalid pattern {p!r}: {exc}") from exc
    return out


def _mapping(name: str, data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InputError(f"ingest/lexicon/{name}: '{key}' must map words to words")
    return {k.lower(): v.lower() for k, v in value.items()}


# -- spellings -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Spellings:
    """Nynorsk spellings and their bokmål forms (``spellings.yaml``)."""

    inside: tuple[tuple[str, str], ...]  # replaced anywhere in a word, longest first
    whole: Mapping[str, str]  # whole words only
    inside_pattern: re.Pattern[str]  # one-pass alternation of ``inside``, longest first


@cache
def spellings() -> Spellings:
    name = "spellings.yaml"
    data = _load(name)
    inside = _mapping(name, data, "inside")
    short = [k for k in inside if len(k) < 5]
    if short:
        raise InputError(
            f"ingest/lexicon/{name}: 'inside' stems must have 5+ letters; move {short} to 'whole'"
        )
    ordered = tuple(sorted(inside.items(), key=lambda kv: (-len(kv[0]), kv[0])))
    pattern = re.compile("|".join(re.escape(k) for k, _ in ordered))
    return Spellings(ordered, MappingProxyType(_mapping(name, data, "whole")), pattern)


# -- morphology ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Morphology:
    """Inflectional endings, definite forms, compound fugues (``morphology.yaml``)."""

    suffixes: tuple[str, ...]
    definite: tuple[str, ...]
    definite_or_genitive: tuple[str, ...]
    fugues: tuple[str, ...]
    min_part: int
    dashes: str


@cache
def morphology() -> Morphology:
    name = "morphology.yaml"
    data = _load(name)
    min_part = data.get("min_part")
    dashes = data.get("dashes")
    if not isinstance(min_part, int) or min_part < 2:
        raise InputError(f"ingest/lexicon/{name}: 'min_part' must be a whole number of at least 2")
    if not isinstance(dashes, str) or not dashes:
        raise InputError(f"ingest/lexicon/{name}: 'dashes' must be a string of dash characters")
    return Morphology(
        tuple(sorted(_strings(name, data, "suffixes"), key=len, reverse=True)),
        _strings(name, data, "definite"),
        _strings(name, data, "definite_or_genitive"),
        _strings(name, data, "fugues"),
        min_part,
        dashes,
    )


@cache
def _dash_table() -> dict[int, str]:
    return {ord(c): "-" for c in morphology().dashes}


def normalise_dashes(text: str) -> str:
    """En/em dashes, minus and non-breaking hyphens as the hyphen-minus, one character each (offsets stay)."""
    return text.translate(_dash_table())


# -- stop words ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StopWords:
    """Function words (``stopwords.yaml``)."""

    bokmaal: frozenset[str]
    nynorsk: frozenset[str]
    english: frozenset[str]
    query_only: frozenset[str]

    @property
    def norwegian(self) -> frozenset[str]:
        return self.bokmaal | self.nynorsk

    @property
    def all(self) -> frozenset[str]:
        return self.bokmaal | self.nynorsk | self.english


@cache
def stop_words() -> StopWords:
    name = "stopwords.yaml"
    data = _load(name)
    sets = [frozenset(_strings(name, data, k)) for k in ("bokmaal", "nynorsk", "english", "query_only")]
    return StopWords(*sets)


# -- cues ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReportedSpeech:
    """Subjects and verbs of sentences that report what someone else says."""

    report_bodies: tuple[str, ...]
    report_verbs: tuple[str, ...]
    own_view: tuple[str, ...]
    inverted_verbs: tuple[str, ...]
    other_bodies: tuple[str, ...]
    other_verbs: tuple[str, ...]
    attributions: tuple[str, ...]
    third_party: tuple[str, ...]
    named_verbs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EndorsementLexicon:
    """How a letter adopts another body's response: verb, object noun, then the body's name."""

    verbs: tuple[str, ...]
    objects: tuple[str, ...]
    before_name: tuple[str, ...]
    exceptions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Stance cue patterns and negation words (``cues.yaml``)."""

    negators: tuple[str, ...]  # single words and phrases ("heller ikke")
    not_negating: frozenset[str]
    groups: Mapping[str, tuple[str, ...]]  # support, oppose, condition, ...: regular expressions
    removal: tuple[str, ...]
    reported: ReportedSpeech
    endorsement: EndorsementLexicon
    no_comments: tuple[str, ...]


CUE_GROUPS = (
    "support",
    "support_evaluative",
    "oppose_evaluative",
    "deontic",
    "problem",
    "no_objection",
    "oppose",
    "oppose_action",
    "condition",
    "qualified_support",
    "concession",
    "reservation",
    "retain",
    "defer",
    "no_basis",
    "evidence",
)


def _section(name: str, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise InputError(f"ingest/lexicon/{name}: '{key}' must be a mapping")
    return value


@cache
def cues() -> CueLexicon:
    name = "cues.yaml"
    data = _load(name)
    rs = _section(name, data, "reported_speech")
    en = _section(name, data, "endorsement")
    return CueLexicon(
        negators=tuple(n.lower() for n in _strings(name, data, "negators")),
        not_negating=frozenset(_strings(name, data, "not_negating")),
        groups=MappingProxyType({g: _patterns(name, data, g) for g in CUE_GROUPS}),
        removal=_patterns(name, data, "removal"),
        reported=ReportedSpeech(
            *(
                _patterns(f"{name} reported_speech", rs, k)
                for k in (
                    "report_bodies",
                    "report_verbs",
                    "own_view",
                    "inverted_verbs",
                    "other_bodies",
                    "other_verbs",
                    "attributions",
                    "third_party",
                    "named_verbs",
                )
            )
        ),
        endorsement=EndorsementLexicon(
            *(
                _patterns(f"{name} endorsement", en, k)
                for k in ("verbs", "objects", "before_name", "exceptions")
            )
        ),
        no_comments=_patterns(name, data, "no_comments"),
    )


@cache
def no_comments_pattern() -> re.Pattern[str]:
    """ "har ingen merknader", "ingen særskilde merknadar": a letter saying it has no remarks (case-insensitive)."""
    body = "|".join(f"(?:{p})" for p in cues().no_comments)
    return re.compile(rf"(?<![\wæøå])(?:{body})(?![\wæøå])", re.IGNORECASE)


# -- letters (linking) -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LetterLexicon:
    """Letter frame and grant-scheme references (``letters.yaml``; signature openers from ``metadata.yaml``)."""

    signature_openers: tuple[str, ...]
    contact_line: tuple[str, ...]
    postcode_before: str
    scheme_heads: tuple[str, ...]
    scheme_connectors: frozenset[str]
    scheme_fillers: frozenset[str]
    orthographic: Mapping[str, str]


@cache
def letters() -> LetterLexicon:
    name = "letters.yaml"
    data = _load(name)
    postcode = data.get("postcode_before")
    if not isinstance(postcode, str):
        raise InputError(f"ingest/lexicon/{name}: 'postcode_before' must be a regular expression")
    return LetterLexicon(
        signature_openers=tuple(
            s.lower() for s in _strings("metadata.yaml", _load("metadata.yaml"), "signature_openers")
        ),
        contact_line=_patterns(name, data, "contact_line"),
        postcode_before=postcode,
        scheme_heads=_patterns(name, data, "scheme_heads"),
        scheme_connectors=frozenset(_strings(name, data, "scheme_connectors")),
        scheme_fillers=frozenset(_strings(name, data, "scheme_fillers")),
        orthographic=MappingProxyType(_mapping(name, data, "orthographic")),
    )


# -- entities (new organisations and initiatives) ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class EntityLexicon:
    """Words around names not in the reference data (``entities.yaml``)."""

    not_names: frozenset[str]
    initiative_nouns: tuple[str, ...]
    actor_types: tuple[tuple[str, re.Pattern[str]], ...]  # (actor type value, pattern), first match wins
    name_patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (actor type value, name pattern)


@cache
def entities() -> EntityLexicon:
    name = "entities.yaml"
    data = _load(name)
    rules = data.get("actor_types")
    if not isinstance(rules, list) or not all(
        isinstance(r, dict) and isinstance(r.get("type"), str) for r in rules
    ):
        raise InputError(f"ingest/lexicon/{name}: 'actor_types' must be a list of {{type, patterns}}")
    types = tuple(
        (str(r["type"]), re.compile("|".join(f"(?:{p})" for p in _patterns(name, r, "patterns"))))
        for r in rules
    )
    patterns = data.get("name_patterns")
    if not isinstance(patterns, list) or not all(
        isinstance(p, dict) and isinstance(p.get("type"), str) and isinstance(p.get("pattern"), str)
        for p in patterns
    ):
        raise InputError(f"ingest/lexicon/{name}: 'name_patterns' must be a list of {{type, pattern}}")
    cap = r"[A-ZÆØÅ][\wæøåÆØÅ-]+"
    try:
        names = tuple((str(p["type"]), re.compile(str(p["pattern"]).replace("{CAP}", cap))) for p in patterns)
    except re.error as exc:
        raise InputError(f"ingest/lexicon/{name}: 'name_patterns' has an invalid pattern: {exc}") from exc
    return EntityLexicon(
        frozenset(_strings(name, data, "not_names")), _strings(name, data, "initiative_nouns"), types, names
    )
