"""``policykg evaluate metadata``: sender, date, response type and language against gold ``responses.csv``.

Its own module (registered on import by ``search_api.cli``) so that it does not share a file with
the stance and search evaluation commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from search_api.cli_common import console, err, friendly_errors

__all__ = ["app"]

app = typer.Typer()  # merged into ``policykg evaluate`` by search_api.cli


@app.command("metadata")
@friendly_errors
def evaluate_metadata_cmd(
    gold: Annotated[
        list[Path], typer.Argument(help="Gold folders with responses.csv (or the CSVs), one per hearing.")
    ],
) -> None:
    """Sender, date, response type and language of each letter against gold, per hearing and overall.

    Reads every response (no embedder: metadata and sender resolution only). The sender is right when
    the extracted name equals the gold name (case and spacing aside) or resolves to the gold actor id.
    """
    from ingest.errors import DocumentReadError
    from ingest.eval_metadata import MetadataPrediction, MetadataReport, evaluate_metadata
    from ingest.linking import EntityLinker
    from ingest.pipeline import discover_files
    from ingest.readers import read_response
    from ingest.reference import load_reference
    from search_api.cli_evaluate import _corpus_root, _gold_file

    scores = []
    for g in gold:
        gold_csv = _gold_file(g, "responses.csv")
        root = _corpus_root(g)
        linker = EntityLinker(load_reference(root / "reference"))
        predicted = []
        for path in discover_files([root]):
            try:
                doc = read_response(path)
            except DocumentReadError as exc:
                err.print(f"[yellow]skipped:[/] {exc}", highlight=False)
                continue
            md = doc.metadata
            actor = linker.resolve_sender(doc, linker.link(doc))
            predicted.append(
                MetadataPrediction(
                    file=doc.file_name,
                    sender_name=md.sender_name,
                    actor_id=actor.id,
                    date=md.date,
                    response_type=md.response_type.value if md.response_type else None,
                    language=md.language,
                )
            )
        scores.append(evaluate_metadata(predicted, gold_csv, root.name))
    console.print(MetadataReport(scores).format(), highlight=False, markup=False)
