"""``policykg report``, ``matrix``, ``network`` and ``analyze``: the hearing summary, the stance matrix,
network exports and analyses, all read from the graph (see ``search_api.report`` and ``graph.networks``)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from search_api.cli_common import console, friendly_errors, open_kg

__all__ = ["app"]

app = typer.Typer()  # merged into the top-level commands by search_api.cli

analyze_app = typer.Typer(
    help="Coalitions, centrality and agreement from the graph's networks.", no_args_is_help=True
)
app.add_typer(analyze_app, name="analyze")


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    docx = "docx"
    xlsx = "xlsx"
    json = "json"


class MatrixFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


class MatrixTable(StrEnum):
    matrix = "matrix"
    positions = "positions"
    counts = "counts"


class NetworkKind(StrEnum):
    stance = "stance"
    participation = "participation"
    comention = "comention"


class NetworkFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    json = "json"


_BINARY = ("docx", "xlsx")
ReviewBelow = Annotated[
    float,
    typer.Option(
        "--review-below", min=0.0, max=1.0, help="Automatic positions below this are marked for review."
    ),
]


def _write(data: bytes, out: Path | None, fmt: str) -> None:
    if out is None:
        if fmt in _BINARY and sys.stdout.isatty():
            raise typer.BadParameter(f"{fmt} is binary: give --out FILE", param_hint="--out")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"written to {out}", highlight=False)


@app.command()
@friendly_errors
def report(
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.html,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (stdout when left out).")
    ] = None,
    review_below: ReviewBelow = 0.6,
) -> None:
    """The hearing summary ("Høringsinstansenes syn") per proposal, with quotes, heatmap and coverage."""
    from search_api.report.render import render_report

    heatmap_file = f"{out.stem}-heatmap.png" if out is not None and fmt == "md" else None
    with open_kg() as kg:
        data, png = render_report(kg.store, fmt.value, review_below=review_below, heatmap_file=heatmap_file)
    _write(data, out, fmt.value)
    if heatmap_file and out is not None and png is not None:
        (out.parent / heatmap_file).write_bytes(png)


@app.command()
@friendly_errors
def matrix(
    fmt: Annotated[MatrixFormat, typer.Option("--format", "-f")] = MatrixFormat.csv,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (stdout when left out).")
    ] = None,
    table: Annotated[
        MatrixTable, typer.Option("--table", help="CSV only: matrix, positions or counts.")
    ] = MatrixTable.matrix,
    review_below: ReviewBelow = 0.6,
) -> None:
    """The stance matrix: letters × proposals (CSV, or XLSX with quotes, colours and counts)."""
    from search_api.report.render import render_matrix

    with open_kg() as kg:
        data, _ = render_matrix(kg.store, fmt.value, review_below=review_below, table=table.value)
    _write(data, out, fmt.value)


@app.command()
@friendly_errors
def network(
    kind: Annotated[NetworkKind, typer.Argument(help="stance, participation or comention")],
    fmt: Annotated[NetworkFormat, typer.Option("--format", "-f")] = NetworkFormat.graphml,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
) -> None:
    """Export a network built from the graph as GraphML, GEXF (Gephi) or Cytoscape JSON."""
    from graph.networks import build_network, to_cytoscape, write_network

    with open_kg() as kg:
        g = build_network(kg.store, kind.value)
    if fmt == NetworkFormat.json:
        data = json.dumps(to_cytoscape(g), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        data = write_network(g, fmt.value)
    _write(data, out, fmt.value)


def _analysis(name: str, as_json: bool) -> None:
    from dataclasses import asdict

    from graph import analytics
    from graph.records import Centrality, Coalitions

    with open_kg() as kg:
        result = getattr(analytics, name)(kg.store)
    if as_json:
        sys.stdout.write(json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n")
        return
    if isinstance(result, Coalitions):
        for c in result.coalitions:
            members = ", ".join(m.actor for m in c.members)
            shared = ", ".join(f"{s.proposal} {s.stance} ({s.members})" for s in c.shared[:6])
            console.print(f"[bold]{c.id}[/bold] {members}\n   shared: {shared or '-'}", highlight=False)
        console.print(f"Louvain, seed {result.seed}", highlight=False)
    elif isinstance(result, Centrality):
        for n in result.nodes[:15]:
            regions = f"  regions: {'; '.join(n.regions)}" if n.regions else ""
            console.print(
                f"{n.betweenness:.3f}  {n.degree:>2}  {n.type:<12} {n.label}{regions}",
                highlight=False,
            )
        console.print(f"articulation points: {', '.join(result.articulation_points) or '-'}", highlight=False)
        console.print(f"bridges: {len(result.bridges)}", highlight=False)
    else:
        for p in result.pairs:
            console.print(
                f"{p.a:<22} {p.b:<22} {p.agree}/{p.pairs} agree ({p.share:.2f})",
                highlight=False,
            )


AsJson = Annotated[bool, typer.Option("--json")]


@analyze_app.command("coalitions")
@friendly_errors
def coalitions_cmd(as_json: AsJson = False) -> None:
    """Actors grouped by how alike their positions are (Louvain, seeded: the same on every run)."""
    _analysis("coalitions", as_json)


@analyze_app.command("centrality")
@friendly_errors
def centrality_cmd(as_json: AsJson = False) -> None:
    """Betweenness and degree in the actor–pilot/grant-scheme network, bridges and articulation points."""
    _analysis("centrality", as_json)


@analyze_app.command("agreement")
@friendly_errors
def agreement_cmd(as_json: AsJson = False) -> None:
    """How often letters of two actor types take the same side on the same proposal."""
    _analysis("agreement", as_json)
