"""The summary as DOCX (python-docx, real heading styles) and the matrix/summary as XLSX (openpyxl) and CSV.

The XLSX is a sheet a person keeps: frozen header, filters, a fill per stance, each cell's quote
in a comment and linked to its row on the quotes sheet, and a column saying curated or automatic.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from search_api.report.heatmap import STANCE_COLOURS
from search_api.report.records import Matrix, Summary

__all__ = ["matrix_csv", "render_docx", "render_xlsx"]


def render_docx(summary: Summary, heatmap: bytes) -> bytes:
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    doc.add_heading("Høringsinstansenes syn", level=1)
    doc.add_paragraph(summary.hearing.title or "")
    doc.add_paragraph(
        f"{summary.respondents} høringssvar ({summary.distinct_texts} ulike tekster). "
        f"{summary.to_review} automatiske standpunkter har konfidens under {summary.review_below} "
        "og er merket for gjennomgang."
    )
    doc.add_picture(io.BytesIO(heatmap), width=Cm(16))
    sl, tl = summary.stance_labels, summary.actor_type_labels
    for p in summary.proposals:
        doc.add_heading(f"{p.id} {p.title}", level=2)
        doc.add_paragraph(p.paragraph)
        rows = [(st, n) for st, n in p.stance_totals.items() if n]
        if rows:
            table = doc.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, ("Standpunkt", "Svar", "Etter type"), strict=True):
                cell.text = text
            for st, n in rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = sl[st], str(n)
                cells[2].text = ", ".join(f"{tl.get(t, t)}: {c}" for t, c in p.counts[st].items())
        if p.to_review:
            doc.add_paragraph(f"{p.to_review} standpunkt(er) til gjennomgang.")
        for q in p.quotes:
            doc.add_paragraph(f"«{q.quote}»", style="Quote")
            cur = ", kuratert" if q.curated else ""
            doc.add_paragraph(f"— {q.actor}, {sl[q.stance].lower()}{cur} ({q.document})")
    cov = summary.coverage
    doc.add_heading("Dekning", level=2)
    if cov.invited:
        doc.add_paragraph(f"{cov.answered} av {cov.invited} inviterte høringsinstanser svarte.")
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("Type", "Invitert", "Svarte", "Svarprosent"), strict=True
        ):
            cell.text = text
        for t in cov.by_type:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = t.label, str(t.invited), str(t.answered)
            cells[3].text = f"{round(100 * t.rate)} %"
        doc.add_paragraph("Svarte ikke: " + ", ".join(m.name for m in cov.missing) + ".")
    else:
        doc.add_paragraph("Ingen høringsliste (reference/invited.yaml) i referansedataene.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _matrix_sheets(wb: Any, matrix: Matrix, stance_labels: dict[str, str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    props = [p.id for p in matrix.proposals]
    ws = wb.create_sheet("Matrise")
    qs = wb.create_sheet("Sitater")
    qs.append(
        [
            "Høringsinstans",
            "Type",
            "Fil",
            "Forslag",
            "Standpunkt",
            "Konfidens",
            "Kilde",
            "Gjennomgang",
            "Sitat",
        ]
    )
    header = ["Høringsinstans", "Type", "Fil", "Kampanje", *props, "Kuratert / automatisk"]
    ws.append(header)
    fills = {s: PatternFill("solid", fgColor=c) for s, c in STANCE_COLOURS.items()}
    for r in matrix.rows:
        cells = [r.cells.get(pid) for pid in props]
        n_cur = sum(1 for c in cells if c and c.curated)
        n_all = sum(1 for c in cells if c)
        kind = (
            "kuratert"
            if n_all and n_cur == n_all
            else ("automatisk" if not n_cur else f"{n_cur} av {n_all} kuratert")
        )
        campaign = r.campaign if r.campaign != r.document else ""
        ws.append(
            [
                r.actor,
                r.actor_type_label,
                r.document,
                campaign,
                *[c.stance if c else "" for c in cells],
                kind if n_all else "",
            ]
        )
        row = ws.max_row
        for i, (pid, c) in enumerate(zip(props, cells, strict=True)):
            if not c:
                continue
            qs.append(
                [
                    r.actor,
                    r.actor_type_label,
                    r.document,
                    pid,
                    stance_labels.get(c.stance, c.stance),
                    c.confidence,
                    "kuratert" if c.curated else "automatisk",
                    "ja" if c.review else "",
                    c.quote,
                ]
            )
            cell = ws.cell(row=row, column=5 + i)
            cell.value = stance_labels.get(c.stance, c.stance)
            cell.fill = fills[c.stance]
            if c.curated:
                cell.font = Font(bold=True)
            if c.quote:
                cell.comment = Comment(f"«{c.quote}» ({r.document})", "policykg", width=400, height=160)
            cell.hyperlink = f"#Sitater!I{qs.max_row}"
    for sheet in (ws, qs):
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = sheet.dimensions
        for c in sheet[1]:
            c.font = Font(bold=True)
    ws.column_dimensions["A"].width = 32
    qs.column_dimensions["A"].width = 32
    qs.column_dimensions["I"].width = 100
    cs = wb.create_sheet("Antall")
    cs.append(["Forslag", "Type", "Standpunkt", "Svar", "Ulike tekster"])
    for n in matrix.counts:
        cs.append(
            [n.proposal, n.actor_type, stance_labels.get(n.stance, n.stance), n.responses, n.distinct_texts]
        )
    cs.freeze_panes = "A2"
    cs.auto_filter.ref = cs.dimensions


def render_xlsx(matrix: Matrix, stance_labels: dict[str, str], summary: Summary | None = None) -> bytes:
    """The matrix workbook (Matrise, Sitater, Antall); with a summary also Oppsummering and Dekning first."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    if summary is not None:
        ws = wb.create_sheet("Oppsummering")
        ws.append(
            [
                "Forslag",
                "Tittel",
                "Svar",
                "Ulike tekster",
                *[stance_labels.get(s, s) for s in summary.stance_labels],
                "Til gjennomgang",
                "Utkast",
            ]
        )
        for p in summary.proposals:
            ws.append(
                [
                    p.id,
                    p.title,
                    p.total,
                    p.distinct_texts,
                    *[p.stance_totals[s] for s in summary.stance_labels],
                    p.to_review,
                    p.paragraph,
                ]
            )
            ws.cell(row=ws.max_row, column=ws.max_column).alignment = Alignment(wrap_text=True)
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = ws.dimensions
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions[ws.cell(row=1, column=ws.max_column).column_letter].width = 100
        for c in ws[1]:
            c.font = Font(bold=True)
    _matrix_sheets(wb, matrix, stance_labels)
    if summary is not None:
        cov = summary.coverage
        ds = wb.create_sheet("Dekning")
        ds.append(["Høringsinstans", "Type", "Svarte"])
        for b in cov.answered_bodies:
            ds.append([b.name, b.actor_type, "ja"])
        for m in cov.missing:
            ds.append([m.name, m.actor_type, "nei"])
        ds.freeze_panes = "A2"
        ds.auto_filter.ref = ds.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def matrix_csv(matrix: Matrix, table: str = "matrix") -> str:
    """``matrix``: one row per letter, a column per proposal; ``positions``: one row per position; ``counts``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    props = [p.id for p in matrix.proposals]
    if table == "matrix":
        w.writerow(["actor", "actor_type", "document", "campaign", *props, "curated"])
        for r in matrix.rows:
            w.writerow(
                [
                    r.actor,
                    r.actor_type,
                    r.document,
                    r.campaign,
                    *[c.stance if (c := r.cells.get(p)) else "" for p in props],
                    r.curated,
                ]
            )
    elif table == "positions":
        w.writerow(
            [
                "actor",
                "actor_type",
                "document",
                "proposal",
                "stance",
                "confidence",
                "curated",
                "review",
                "quote",
            ]
        )
        for r in matrix.rows:
            for p in props:
                c = r.cells.get(p)
                if c:
                    w.writerow(
                        [
                            r.actor,
                            r.actor_type,
                            r.document,
                            p,
                            c.stance,
                            c.confidence,
                            c.curated,
                            c.review,
                            c.quote,
                        ]
                    )
    elif table == "counts":
        w.writerow(["proposal", "actor_type", "stance", "responses", "distinct_texts"])
        for n in matrix.counts:
            w.writerow([n.proposal, n.actor_type, n.stance, n.responses, n.distinct_texts])
    else:
        raise ValueError(f"unknown table '{table}'; use matrix, positions or counts")
    return buf.getvalue()
