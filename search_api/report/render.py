"""One entry point for every output format of the summary and the matrix (CLI and API share it)."""

from __future__ import annotations

from graph.coverage import stance_labels
from graph.store import GraphStore
from search_api.report.records import Matrix
from search_api.report.summary import DEFAULT_REVIEW_BELOW, build_matrix, build_summary

__all__ = ["MATRIX_FORMATS", "REPORT_FORMATS", "render_matrix", "render_report"]

REPORT_FORMATS = ("html", "md", "docx", "xlsx", "json")
MATRIX_FORMATS = ("json", "csv", "xlsx")
MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_report(
    store: GraphStore,
    fmt: str,
    *,
    review_below: float = DEFAULT_REVIEW_BELOW,
    heatmap_file: str | None = None,
) -> tuple[bytes, bytes | None]:
    """(document bytes, heatmap PNG or None) in ``fmt``; ``heatmap_file`` is the PNG's name a Markdown file links."""
    import json

    from search_api.report.heatmap import heatmap_png
    from search_api.report.office import render_docx, render_xlsx
    from search_api.report.text import render_html, render_markdown

    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format '{fmt}'; use one of: {', '.join(REPORT_FORMATS)}")
    summary = build_summary(store, review_below)
    if fmt == "json":
        return json.dumps(summary.to_json(), ensure_ascii=False, indent=2).encode("utf-8"), None
    matrix = build_matrix(store, review_below)
    labels = summary.stance_labels
    if fmt == "xlsx":
        return render_xlsx(matrix, labels, summary), None
    png = heatmap_png(matrix, labels)
    if fmt == "html":
        return render_html(summary, png).encode("utf-8"), png
    if fmt == "docx":
        return render_docx(summary, png), png
    return render_markdown(summary, heatmap_file).encode("utf-8"), png


def render_matrix(
    store: GraphStore, fmt: str, *, review_below: float = DEFAULT_REVIEW_BELOW, table: str = "matrix"
) -> tuple[bytes, Matrix]:
    """(bytes, the matrix) in json, csv (``table``: matrix, positions, counts) or xlsx."""
    import json

    from search_api.report.office import matrix_csv, render_xlsx

    if fmt not in MATRIX_FORMATS:
        raise ValueError(f"unknown matrix format '{fmt}'; use one of: {', '.join(MATRIX_FORMATS)}")
    matrix = build_matrix(store, review_below)
    if fmt == "csv":
        return matrix_csv(matrix, table).encode("utf-8"), matrix
    if fmt == "xlsx":
        return render_xlsx(matrix, stance_labels(store)), matrix
    return json.dumps(matrix.to_json(), ensure_ascii=False, indent=2).encode("utf-8"), matrix
