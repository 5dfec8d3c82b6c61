"""One stance vocabulary: ingest.model.Stance. Everything keyed by a stance covers exactly its values.

Labels, colours, signs and phrases differ per surface (CLI, web, report, ontology), so they are
data keyed by stance; these tests fail when a stance is added, renamed or dropped in one place only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from graph.curation import CURATION_STANCES
from graph.iris import PKG
from graph.networks import STANCE_SIGNS
from ingest.model import REJECTED, STANCES, Stance
from search_api.cli import STANCE_LABELS as CLI_LABELS
from search_api.report.heatmap import STANCE_COLOURS
from search_api.web.text import STANCE_LABELS as WEB_LABELS
from search_api.web.text import STANCE_SHORT

ROOT = Path(__file__).resolve().parents[1]


def test_stances_are_the_enum_values_in_order() -> None:
    assert STANCES == ("supports", "qualified", "opposes", "mentions")
    assert tuple(s.value for s in Stance) == STANCES
    assert all(type(s) is str for s in STANCES)  # plain strings: safe for YAML, JSON and SPARQL
    assert (*STANCES, REJECTED) == CURATION_STANCES


def test_every_stance_keyed_mapping_covers_the_vocabulary() -> None:
    for name, mapping in {
        "cli labels": CLI_LABELS,
        "network signs": STANCE_SIGNS,
        "heatmap colours": STANCE_COLOURS,
        "matrix short codes": STANCE_SHORT,
    }.items():
        assert list(mapping) == list(STANCES), name
    assert list(WEB_LABELS) == list(CURATION_STANCES)
    phrases = yaml.safe_load((ROOT / "search_api/report/nb.yaml").read_text(encoding="utf-8"))["stances"]
    assert list(phrases) == list(STANCES)


def test_ontology_stance_concepts_are_the_curation_stances() -> None:
    g = Graph().parse(ROOT / "ontologies/policykg.ttl")
    notations = {str(g.value(c, SKOS.notation)) for c in g.subjects(RDF.type, PKG.Stance)}
    assert notations == set(CURATION_STANCES)


def test_browser_labels_cover_the_curation_stances() -> None:
    js = (ROOT / "search_api/web/static/app.js").read_text(encoding="utf-8")
    block = re.search(r"const STANCE_LABELS = \{(.*?)\};", js, re.S)
    assert block is not None
    assert re.findall(r"^\s*(\w+):", block.group(1), re.M) == list(CURATION_STANCES)


def test_no_module_spells_the_vocabulary_again() -> None:
    """No Python module outside ingest/model.py writes the four stances as a tuple, list or Literal."""
    offenders = []
    for path in [*ROOT.glob("ingest/**/*.py"), *ROOT.glob("graph/**/*.py"), *ROOT.glob("search_api/**/*.py")]:
        if path == ROOT / "ingest/model.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            elts = node.elts if isinstance(node, ast.Tuple | ast.List) else None
            if elts is None and isinstance(node, ast.Subscript):  # Literal["supports", ...]
                elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else None
            words = {e.value for e in elts or [] if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if {"supports", "opposes", "mentions"} <= words:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")  # type: ignore[attr-defined]
    assert offenders == []
