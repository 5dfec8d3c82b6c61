"""``policykg train stance|question-kinds`` (rebuild the shipped models) and ``policykg review``.

``train question-kinds`` fits the question-kind model (:mod:`search_api.question_kinds`) on
``search_api/question_kinds.yaml``, prints how each writer's questions are read by a model fitted on
the other's, and writes ``search_api/question_kind_model.json`` (the same questions give the same bytes).

``train stance GOLD...`` fits the model on every gold folder given, calibrates its confidence on
leave-one-hearing-out predictions and writes ``ingest/models/stance.json`` (or ``--output``):
the same gold gives the same bytes. ``review`` lists the graph's automatic positions for a person
to check, lowest confidence first, each with its quote and a ready ``policykg curate`` line.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Annotated

import typer

from search_api.cli_common import cached_embedder, console, friendly_errors, open_kg
from search_api.cli_evaluate import _stance_hearings

__all__ = ["app"]

app = typer.Typer()  # merged into the top-level commands by search_api.cli

train_app = typer.Typer(help="Rebuild learned models from gold annotations.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("stance")
@friendly_errors
def train_stance_cmd(
    gold: Annotated[list[Path], typer.Argument(help="Gold folders with stances.csv, one per hearing.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the model (default: the shipped one)."),
    ] = None,
    extra: Annotated[
        list[Path] | None,
        typer.Option(
            "--extra", help="Training-only gold folder (repeat the option); calibration scores GOLD only."
        ),
    ] = None,
) -> None:
    """Fit the stance model on the gold folders and write it as JSON (deterministic)."""
    from ingest.stance import STANCE_EXTRACTOR_VERSION
    from ingest.stance_model import DEFAULT_MODEL_PATH
    from ingest.stance_train import train

    hearings = _stance_hearings(gold)
    extra_rows = _stance_hearings(extra or [])
    model = train(hearings, STANCE_EXTRACTOR_VERSION, extra_rows)
    path = output or DEFAULT_MODEL_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.to_json(), encoding="utf-8")
    pairs = sum(len(h.keys) for h in [*hearings, *extra_rows])
    console.print(
        f"stance model {model.version}: {pairs} (letter, proposal) pairs from {len(hearings) + len(extra_rows)}"
        " hearings"
    )
    console.print(f"written to {path}", highlight=False)


@train_app.command("question-kinds")
@friendly_errors
def train_question_kinds_cmd(
    questions: Annotated[
        Path | None,
        typer.Option("--questions", help="Labelled questions (default: search_api/question_kinds.yaml)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the model (default: the shipped one)."),
    ] = None,
) -> None:
    """Fit the question-kind model (who had no comments / who adopted another's response) and write it."""
    from rich.table import Table

    from ingest.errors import InputError
    from search_api.question_kinds import (
        DEFAULT_KIND_MODEL,
        KIND_QUESTIONS,
        cross_writer,
        fit_kind_model,
        kind_examples,
    )

    source = questions or KIND_QUESTIONS
    if not source.is_file():
        raise InputError(f"{source}: question file not found")
    try:
        examples = kind_examples(source)
        embedder = cached_embedder()  # after the file is read: a wrong entry costs no model load
        scores = cross_writer(examples, embedder)
        model = fit_kind_model(examples, embedder)
    except ValueError as exc:  # a wrong entry, one writer only, a kind without questions
        raise InputError(f"{source}: {exc}") from exc
    table = Table(
        "writer", "kind", "found", "false alarms", title="Each writer read by a model fitted on the others"
    )
    for score in scores:
        table.add_row(
            score.writer,
            score.kind,
            f"{score.found}/{score.total}",
            f"{score.false_alarms}/{score.others}",
        )
    console.print(table)
    path = output or DEFAULT_KIND_MODEL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.to_json(), encoding="utf-8")
    console.print(f"question-kind model for {model.embedder}: {model.trained_on} questions", highlight=False)
    console.print(f"written to {path}", highlight=False)


@app.command()
@friendly_errors
def review(
    below: Annotated[float, typer.Option("--below", help="Only positions with confidence below this.")] = 0.6,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Positions for a person to check, lowest confidence first, with a ready `policykg curate` line."""
    from graph.queries import positions

    with open_kg() as kg:
        rows = [
            r
            for r in positions(kg.store)
            if not r.curated and r.confidence is not None and r.confidence < below
        ]
    rows.sort(key=lambda r: (r.confidence or 0.0, r.target, r.document))
    rows = rows[:limit]
    items = [
        {
            "target": r.target,
            "document": r.document,
            "actor": r.actor,
            "stance": r.stance,
            "confidence": r.confidence,
            "quote": r.quote,
            "curate": "policykg curate "
            + " ".join(shlex.quote(x) for x in (r.target, r.document))
            + f" --stance {r.stance} --note {shlex.quote('checked')}",
        }
        for r in rows
    ]
    if as_json:
        console.print_json(json.dumps(items, ensure_ascii=False))
        return
    if not items:
        console.print(f"no automatic positions below confidence {below}")
        return
    for it in items:
        console.print(
            f"{it['confidence']:.2f}  {it['target']}  {it['stance']:<9}  {it['actor'] or it['document']}",
            highlight=False,
            markup=False,
        )
        console.print(f"      «{it['quote']}»", highlight=False, markup=False)
        console.print(f"      {it['curate']}", highlight=False, markup=False)
    console.print(
        f"{len(items)} position(s); change --stance to the right one (or rejected) before running a line",
        highlight=False,
    )
