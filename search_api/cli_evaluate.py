"""``policykg evaluate search|stance|linking``: figures against gold annotations.

A gold folder sits in a corpus folder next to ``responses/`` and ``reference/`` (the layout of
``examples/nou-2026-1``). Stance and linking run the pure analysis on every response in the
corpus; search ingests the corpus into its own data dir under ``<data-dir>/eval/`` (so the
production graph is untouched and a second run embeds nothing) and asks every question.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Annotated

import typer

from ingest.errors import InputError
from ingest.model import ResponseDocument
from search_api.cli import console, err, evaluate_app, friendly_errors, settings

__all__: list[str] = []


def _corpus_root(gold: Path) -> Path:
    """The corpus folder for a gold folder or a gold file inside one."""
    gold = gold.resolve()
    folder = gold if gold.is_dir() else gold.parent
    for candidate in (folder.parent, folder):
        if (candidate / "reference" / "hearing.yaml").is_file():
            return candidate
    raise InputError(
        f"{gold}: cannot find the corpus next to the gold annotations; expected "
        "reference/ and responses/ beside the gold folder"
    )


def _gold_file(gold: Path, name: str) -> Path:
    path = gold / name if gold.is_dir() else gold
    if not path.is_file():
        raise InputError(f"{path}: gold file not found")
    return path


def _analyse_corpus(root: Path) -> list[ResponseDocument]:
    from ingest.errors import DocumentReadError
    from ingest.pipeline import Analyser, discover_files
    from ingest.reference import load_reference

    s = settings()
    from ingest.embedding import create_embedder
    from ingest.embedding_cache import CachedEmbedder

    s.data_dir.mkdir(parents=True, exist_ok=True)
    embedder = CachedEmbedder(create_embedder(s.embedder), s.embedding_cache_path)
    analyser = Analyser(load_reference(root / "reference"), embedder)
    docs = []
    for path in discover_files([root]):
        try:
            docs.append(analyser.analyse_path(path))
        except DocumentReadError as exc:
            err.print(f"[yellow]skipped:[/] {exc}", highlight=False)
    return docs


@evaluate_app.command("stance")
@friendly_errors
def evaluate_stance_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold folder with stances.csv (or the CSV itself).")],
) -> None:
    """Per-class precision/recall, macro-F1 and confusion matrix of the stance extractor."""
    from ingest.evaluation import evaluate_stance

    gold_csv = _gold_file(gold, "stances.csv")
    docs = _analyse_corpus(_corpus_root(gold))
    predicted = [(d.file_name, p.target_id, p.stance.value) for d in docs for p in d.positions]
    console.print(f"{len(docs)} responses analysed, {len(predicted)} positions found")
    console.print(evaluate_stance(predicted, gold_csv).format(), highlight=False, markup=False)


@evaluate_app.command("linking")
@friendly_errors
def evaluate_linking_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold folder with mentions.csv (or the CSV itself).")],
) -> None:
    """Precision and recall of entity linking (distinct entities per response)."""
    from ingest.evaluation import evaluate_linking

    gold_csv = _gold_file(gold, "mentions.csv")
    docs = _analyse_corpus(_corpus_root(gold))
    predicted = sorted({(d.file_name, m.entity_id) for d in docs for m in d.mentions})
    console.print(f"{len(docs)} responses analysed, {len(predicted)} distinct entity links")
    console.print(evaluate_linking(predicted, gold_csv).format(), highlight=False, markup=False)


@evaluate_app.command("search")
@friendly_errors
def evaluate_search_cmd(
    gold: Annotated[Path, typer.Argument(help="Gold questions (qa.yaml), or the gold folder holding it.")],
) -> None:
    """Recall@5 and MRR@10 for lexical, dense and hybrid search, with throughput and latency."""
    from search_api.evaluate_search import evaluate_search
    from search_api.search import HybridSearcher
    from search_api.service import PolicyKG

    gold_yaml = _gold_file(gold, "qa.yaml")
    root = _corpus_root(gold)
    base = settings()
    # One isolated data dir per corpus: the production graph stays untouched.
    key = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    eval_settings = base.model_copy(update={"data_dir": base.data_dir / "eval" / f"{root.name}-{key}"})
    kg = PolicyKG(eval_settings)
    try:
        started = time.monotonic()
        report = kg.ingest([root], reference_dir=root / "reference")
        elapsed = time.monotonic() - started
        for f in report.failed:
            err.print(f"[yellow]skipped:[/] {f.path}: {f.reason}", highlight=False)
        rate = report.embedded / elapsed if report.embedded and elapsed > 0 else 0.0
        console.print(
            f"ingest: {len(report.ingested)} ingested, {len(report.unchanged)} unchanged; "
            f"{report.embedded} texts embedded"
            + (
                f" ({rate:.1f} passages/s incl. analysis)"
                if report.embedded
                else " (nothing to embed: unchanged)"
            )
        )
        searcher = HybridSearcher(kg.index, kg.embedder)
        result = evaluate_search(gold_yaml, searcher)
        console.print(result.format(), highlight=False, markup=False)
    finally:
        kg.close()


@evaluate_app.command("metadata")
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
