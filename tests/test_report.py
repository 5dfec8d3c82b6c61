"""The hearing summary, the stance matrix and their formats, checked against the graph's positions.

On the sample corpus (the session's ``kg``), after curating a few positions: the summary's
counts equal the effective positions, every quote stands in its letter, the documents open
with python-docx / openpyxl with what they should hold. The curation is undone afterwards.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from graph.curation import CurationDecision, apply_decisions
from graph.queries import positions, proposal_ids
from graph.sparql import PREFIXES
from search_api.report.norwegian import count_word
from search_api.report.records import Summary
from search_api.report.render import render_matrix, render_report
from search_api.report.summary import build_matrix, build_summary

if TYPE_CHECKING:
    from search_api.service import PolicyKG

pytestmark = pytest.mark.slow


def _letter_texts(kg: PolicyKG) -> dict[str, str]:
    rows = kg.store.select(
        PREFIXES
        + "SELECT ?file ?text WHERE { ?d a pkg:ConsultationResponse ; pkg:fileName ?file ; pkg:text ?text }"
    )
    return {str(r["file"]): str(r["text"]) for r in rows}


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def curated(kg: PolicyKG) -> Iterator[PolicyKG]:
    """Three decisions: a changed stance, a rejected position, a new stance with a quote from the letter."""
    graph_iri = kg.iris.curation_graph()
    saved = kg.store.query_raw(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}", "application/n-triples"
    ).body
    before = {(p.target, p.document): p for p in positions(kg.store)}
    assert ("R1", "lia-kommune.pdf") in before and ("R7", "distriktssenteret-2026-04-15.txt") in before
    text = _letter_texts(kg)["nordfjell-kommune.docx"]
    sentence = next(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 60)
    decisions = [
        CurationDecision("R1", "lia-kommune.pdf", "supports", "tester"),
        CurationDecision("R7", "distriktssenteret-2026-04-15.txt", "rejected", "tester"),
        CurationDecision("R2", "nordfjell-kommune.docx", "opposes", "tester", quote=sentence),
    ]
    apply_decisions(kg.store, kg.iris, decisions, known_targets=set(proposal_ids(kg.store)))
    yield kg
    kg.store.replace_graph(graph_iri, saved.decode("utf-8") if isinstance(saved, bytes) else str(saved))


@pytest.fixture(scope="module")
def summary(curated: PolicyKG) -> Summary:
    return build_summary(curated.store)


def test_counts_equal_the_graphs_positions_after_curation(curated: PolicyKG, summary: Summary) -> None:
    rows = positions(curated.store)
    assert {p.id for p in summary.proposals} == set(proposal_ids(curated.store))
    for prop in summary.proposals:
        mine = [r for r in rows if r.target == prop.id and r.stance != "rejected"]
        assert prop.total == len(mine)
        assert prop.stance_totals == {s: Counter(r.stance for r in mine)[s] for s in prop.stance_totals}
        for stance, by_type in prop.counts.items():
            assert by_type == dict(Counter(r.actor_type for r in mine if r.stance == stance))
            assert sorted(prop.respondents[stance]) == sorted(r.actor for r in mine if r.stance == stance)
    by_id = {p.id: p for p in summary.proposals}
    assert "Lia kommune" in by_id["R1"].respondents["supports"]  # the reviewer's stance won
    assert all("Distriktssenteret" not in names for names in by_id["R7"].respondents.values())  # rejected
    assert "Nordfjell kommune" in by_id["R2"].respondents["opposes"]


def test_campaign_letters_count_once_per_text(summary: Summary, curated: PolicyKG) -> None:
    from graph.queries import campaign_groups

    groups = [g for g in campaign_groups(curated.store) if len(g) > 1]
    assert groups, "the sample has a campaign (three councils sending one resolution)"
    group_of = {f: g[0] for g in groups for f in g}
    for prop in summary.proposals:
        docs = [r.document for r in positions(curated.store, target_id=prop.id) if r.stance != "rejected"]
        assert prop.distinct_texts == len({group_of.get(d, d) for d in docs})
    r1 = next(p for p in summary.proposals if p.id == "R5")
    assert r1.campaigns and "likelydende" in r1.paragraph


def test_every_quote_is_in_its_letter_and_curated_first(summary: Summary, curated: PolicyKG) -> None:
    texts = {f: _norm(t) for f, t in _letter_texts(curated).items()}
    n = 0
    for prop in summary.proposals:
        keys = [(q.stance, q.actor_type) for q in prop.quotes]
        assert len(keys) == len(set(keys)), "at most one quote per stance and actor type"
        for q in prop.quotes:
            assert _norm(q.quote) in texts[q.document], (prop.id, q.document)
            n += 1
    assert n >= len(summary.proposals)
    r2 = next(p for p in summary.proposals if p.id == "R2")
    opposing = [q for q in r2.quotes if q.stance == "opposes"]
    assert opposing and opposing[0].curated and opposing[0].document == "nordfjell-kommune.docx"


def test_paragraph_names_and_numbers_come_from_the_positions(summary: Summary) -> None:
    everyone = {n for p in summary.proposals for names in p.respondents.values() for n in names}
    for prop in summary.proposals:
        text = prop.paragraph
        if prop.total == 0:
            assert text.startswith("Ingen")
            continue
        assert text.startswith(count_word(prop.total).capitalize() + " høringsinstans")
        named = {n for names in prop.respondents.values() for n in names}
        for name in everyone - named:
            assert name not in text, f"{prop['id']}: {name} takes no position on it"
        for names in prop.respondents.values():
            if len(names) <= 4:
                assert all(n in text for n in names)
            assert f"{count_word(len(names)).capitalize()} " in text


def test_review_marks_low_confidence_automatic_positions(curated: PolicyKG) -> None:
    s = build_summary(curated.store, review_below=0.9)
    rows = [p for p in positions(curated.store) if p.stance != "rejected"]
    expected = sum(1 for p in rows if not p.curated and (p.confidence or 0) < 0.9)
    assert s.to_review == expected > 0
    assert sum(p.to_review for p in s.proposals) == expected
    assert build_summary(curated.store, review_below=0.0).to_review == 0


def test_coverage_against_the_invitation_list(summary: Summary, corpus_dir: Any) -> None:
    invited = yaml.safe_load((corpus_dir / "reference" / "invited.yaml").read_text(encoding="utf-8"))
    invited_ids = {e if isinstance(e, str) else e["id"] for e in invited}
    with open(corpus_dir / "gold" / "responses.csv", encoding="utf-8") as f:
        senders = {r["actor_id"] for r in csv.DictReader(f)}
    cov = summary.coverage
    assert cov.invited == len(invited_ids)
    assert {m.id for m in cov.missing} == invited_ids - senders
    assert cov.answered == len(invited_ids & senders)
    assert sum(t.invited for t in cov.by_type) == cov.invited
    assert {u.actor for u in cov.uninvited_respondents} == {"Vestlandsk kommuneforbund"}


def test_docx_has_one_heading_per_proposal_and_the_heatmap(curated: PolicyKG, summary: Summary) -> None:
    from docx import Document

    data, png = render_report(curated.store, "docx")
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    for prop in summary.proposals:
        assert sum(h.startswith(prop.id + " ") for h in headings) == 1
    assert len(doc.inline_shapes) == 1 and png is not None and png.startswith(b"\x89PNG")
    body = "\n".join(p.text for p in doc.paragraphs)
    assert all(p.paragraph in body for p in summary.proposals)


def test_html_embeds_the_heatmap_and_the_coverage_table(curated: PolicyKG) -> None:
    html = render_report(curated.store, "html")[0].decode("utf-8")
    assert "data:image/png;base64," in html and "<h2>Dekning</h2>" in html
    assert html.count("<section id=") == len(proposal_ids(curated.store))


def test_xlsx_holds_the_matrix_quotes_and_counts(curated: PolicyKG) -> None:
    from openpyxl import load_workbook

    matrix = build_matrix(curated.store)
    rows = [p for p in positions(curated.store) if p.stance != "rejected"]
    wb = load_workbook(io.BytesIO(render_report(curated.store, "xlsx")[0]))
    assert {"Oppsummering", "Matrise", "Sitater", "Antall", "Dekning"} <= set(wb.sheetnames)
    ws, qs = wb["Matrise"], wb["Sitater"]
    header = [c.value for c in ws[1]]
    props = [p.id for p in matrix.proposals]
    assert header[4 : 4 + len(props)] == props and ws.freeze_panes == "B2" and ws.auto_filter.ref
    filled = [c for row in ws.iter_rows(min_row=2, min_col=5, max_col=4 + len(props)) for c in row if c.value]
    assert len(filled) == len(rows)
    assert all(c.fill.fgColor.rgb.endswith(("1A9850", "A6D96A", "D73027", "BDBDBD")) for c in filled)
    assert sum(1 for c in filled if c.comment is not None) == sum(1 for p in rows if p.quote)
    quotes = {(r[2].value, r[3].value): r for r in qs.iter_rows(min_row=2)}
    assert set(quotes) == {(p.document, p.target) for p in rows}
    for p in rows:
        r = quotes[(p.document, p.target)]
        assert r[8].value == (p.quote or None) and r[6].value == ("kuratert" if p.curated else "automatisk")


def test_matrix_csv_and_counts(curated: PolicyKG) -> None:
    rows = [p for p in positions(curated.store) if p.stance != "rejected"]
    data, _ = render_matrix(curated.store, "csv")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    cells = {
        (r["document"], k): v for r in table for k, v in r.items() if re.fullmatch(r"[A-Z]+\d+", k) and v
    }
    assert cells == {(p.document, p.target): p.stance for p in rows}
    counts = list(
        csv.DictReader(io.StringIO(render_matrix(curated.store, "csv", table="counts")[0].decode()))
    )
    assert sum(int(c["responses"]) for c in counts) == len(rows)


def test_api_matrix_report_and_networks(curated: PolicyKG) -> None:
    from docx import Document
    from fastapi.testclient import TestClient

    from search_api.api import create_app

    with TestClient(create_app(kg=curated)) as client:
        m = client.get("/matrix").json()
        rows = [p for p in positions(curated.store) if p.stance != "rejected"]
        assert sum(len(r["cells"]) for r in m["rows"]) == len(rows)
        assert client.get("/matrix.xlsx").content[:2] == b"PK"
        docx = client.get("/report", params={"format": "docx"})
        assert docx.status_code == 200 and Document(io.BytesIO(docx.content)).paragraphs
        net = client.get("/networks/stance").json()
        assert len(net["edges"]) == len({(p.actor_iri, p.target) for p in rows})
        assert client.get("/networks/other").status_code == 422
        assert client.get("/report", params={"format": "pdf"}).json()["error"]


def test_positions_of_one_proposal_equal_the_filtered_whole(curated: PolicyKG) -> None:
    """The per-proposal query (its evidence patterns scoped to the proposal) returns the same rows,
    in the same order, as the whole list filtered, curated ones included."""
    for rejected in (False, True):
        every = positions(curated.store, include_rejected=rejected)
        for target in proposal_ids(curated.store):
            assert positions(curated.store, target_id=target, include_rejected=rejected) == [
                r for r in every if r.target == target
            ]
    curated_rows = [r for r in positions(curated.store, target_id="R2") if r.curated]
    assert curated_rows and curated_rows[0].quote  # the curated quote came through the scoped evidence
