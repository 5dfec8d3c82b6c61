"""``GET /report``, ``GET /matrix`` (and ``/matrix.csv``, ``/matrix.xlsx``), ``GET /networks/{kind}``,
``GET /analyze/{name}``: the hearing summary, stance matrix, networks and analyses (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from graph.networks import CytoscapeNetwork
from graph.records import Agreement, Centrality, Coalitions
from search_api.api.deps import KG
from search_api.api.errors import error_responses
from search_api.report.records import Matrix

if TYPE_CHECKING:
    from search_api.service import PolicyKG

__all__ = ["router"]

router = APIRouter(tags=["report"])

ReviewBelow = Annotated[
    float,
    Query(ge=0.0, le=1.0, description="Automatic positions below this confidence are marked for review."),
]


_FILE_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


def _download(data: bytes, fmt: str, name: str) -> Response:
    from search_api.report.render import MEDIA

    headers = (
        {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
        if fmt in ("csv", "xlsx", "docx")
        else {}
    )
    return Response(data, media_type=MEDIA[fmt], headers=headers)


def _matrix(kg: PolicyKG, fmt: str, review_below: float) -> Response:
    from search_api.report.render import render_matrix

    data, matrix = render_matrix(kg.store, fmt, review_below=review_below)
    if fmt == "json":
        return JSONResponse(matrix.to_json())
    return _download(data, fmt, "stance-matrix")


@router.get(
    "/matrix",
    response_model=Matrix,
    responses={200: {"content": _FILE_CONTENT}, **error_responses(422, 503)},
)
def get_matrix(
    kg: KG, format: Literal["json", "csv", "xlsx"] = "json", review_below: ReviewBelow = 0.6
) -> Response:
    """Letters × proposals with each position's stance, quote, confidence and curation; counts by type."""
    return _matrix(kg, format, review_below)


@router.get(
    "/matrix.csv",
    response_class=Response,
    responses={200: {"content": _FILE_CONTENT}, **error_responses(422, 503)},
)
def get_matrix_csv(kg: KG, review_below: ReviewBelow = 0.6) -> Response:
    """The matrix as CSV (one row per letter, a column per proposal)."""
    return _matrix(kg, "csv", review_below)


@router.get(
    "/matrix.xlsx",
    response_class=Response,
    responses={200: {"content": _FILE_CONTENT}, **error_responses(422, 503)},
)
def get_matrix_xlsx(kg: KG, review_below: ReviewBelow = 0.6) -> Response:
    """The matrix workbook: coloured stances, quotes as comments and on their own sheet, counts."""
    return _matrix(kg, "xlsx", review_below)


_REPORT_CONTENT = {
    "text/html": {"schema": {"type": "string"}},
    "text/markdown": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        "schema": {"type": "string", "format": "binary"}
    },
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


@router.get(
    "/report",
    response_class=Response,
    responses={200: {"content": _REPORT_CONTENT}, **error_responses(422, 503)},
)
def get_report(
    kg: KG,
    format: Literal["html", "md", "docx", "xlsx", "json"] = "html",
    review_below: ReviewBelow = 0.6,
) -> Response:
    """The hearing summary ("Høringsinstansenes syn"): counts, respondents, quotes, draft paragraphs, coverage."""
    from search_api.report.render import render_report

    data, _ = render_report(kg.store, format, review_below=review_below)
    return _download(data, format, "hoeringsinstansenes-syn")


@router.get(
    "/networks/{kind}",
    response_model=CytoscapeNetwork,
    responses={
        200: {"content": {"application/xml": {"schema": {"type": "string"}}}},
        **error_responses(422, 503),
    },
)
def get_network(
    kg: KG,
    kind: Literal["stance", "participation", "comention"],
    format: Literal["json", "graphml", "gexf"] = "json",
) -> Response:
    """A network built from the graph: Cytoscape.js JSON, or GraphML / GEXF for Gephi and networkx."""
    from graph.networks import build_network, to_cytoscape, write_network

    g = build_network(kg.store, kind)
    if format == "json":
        return JSONResponse(to_cytoscape(g))
    return Response(
        write_network(g, format),
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{kind}.{format}"'},
    )


@router.get(
    "/analyze/{name}", response_model=Coalitions | Centrality | Agreement, responses=error_responses(422, 503)
)
def get_analysis(
    kg: KG, name: Literal["coalitions", "centrality", "agreement"]
) -> Coalitions | Centrality | Agreement:
    """Coalitions (seeded Louvain), centrality and bridges, or agreement between actor types."""
    from graph import analytics

    result: Coalitions | Centrality | Agreement = getattr(analytics, name)(kg.store)
    return result
