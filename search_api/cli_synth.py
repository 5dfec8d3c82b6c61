"""``policykg synth``: write a synthetic hearing of N letters with gold labels (see :mod:`ingest.synth`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from search_api.cli_common import console, friendly_errors

__all__ = ["app"]

app = typer.Typer()  # merged into the top-level commands by search_api.cli


def _default_hearing() -> Path | None:
    """The first development hearing under ./examples that has reference data."""
    root = Path("examples")
    found = sorted(p for p in root.glob("*/reference") if p.is_dir()) if root.is_dir() else []
    return found[0].parent if found else None


@app.command("synth")
@friendly_errors
def synth_cmd(
    responses: Annotated[int, typer.Option("--responses", "-n", help="How many letters to write.")],
    out: Annotated[
        Path, typer.Option("--out", help="Corpus folder to write (responses/, gold/, reference/).")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same letters.")] = 0,
    hearing: Annotated[
        Path | None,
        typer.Option(
            "--hearing",
            help="Hearing folder whose reference data the letters answer "
            "(default: the first examples/*/ with reference/).",
        ),
    ] = None,
) -> None:
    """Write a synthetic hearing (all formats, bokmål and nynorsk, campaigns, no-comment letters)."""
    from ingest.synth import SynthError, synthesize

    source = hearing or _default_hearing()
    if source is None:
        raise SynthError("no hearing with reference data found; give one with --hearing DIR")
    counts = synthesize(source, out, responses, seed)
    console.print(
        f"{counts['letters']} letters, {counts['positions']} gold positions from {source} written to {out}",
        highlight=False,
    )
    console.print(
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in {"letters", "positions"})
    )
