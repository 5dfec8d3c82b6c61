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
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ingest.errors import InputError
from ingest.model import ResponseDocument
from search_api.cli_common import cached_embedder, console, err, friendly_errors, settings

if TYPE_CHECKING:
    from search_api.evaluate_search import HearingRun

__all__ = ["app"]

# Every question is asked this many times, in rounds, for the latency figures: with 15-20 questions
# a hearing's p95 lies between its two slowest asks, so one pause of the machine (60-70 ms against
# ~30) decided it; over three rounds it is the 95th percentile of 45-60 asks.
LATENCY_ROUNDS = 3

app = typer.Typer(help="Measure search, stance and linking against gold annotations.", no_args_is_help=True)


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


def _hearing_of(run_name: str) -> str:
    """The hearing a run's questions belong to ("digital-2028/qa-fresh" -> "digital-2028")."""
    return run_name.split("/", 1)[0]


def _gold_file(gold: Path, name: str) -> Path:
    path = gold / name if gold.is_dir() else gold
    if not path.is_file():
        raise InputError(f"{path}: gold file not found")
    return path


def _analyse_corpus(root: Path) -> list[ResponseDocument]:
    from ingest.errors import DocumentReadError
    from ingest.pipeline import Analyser, discover_files
    from ingest.reference import load_reference

    analyser = Analyser(load_reference(root / "reference"), cached_embedder())
    docs = []
    for path in discover_files([root]):
        try:
            docs.append(analyser.analyse_path(path))
        except DocumentReadError as exc:
            err.print(f"[yellow]skipped:[/] {exc}", highlight=False)
    return docs


def _stance_hearings(golds: list[Path]) -> list[Any]:
    """Feature rows and gold labels per hearing, cached in the data dir (keyed by code, data and embedder)."""
    from ingest.stance_train import hearing_rows

    s = settings()
    embedder = cached_embedder()
    out = []
    for gold in golds:
        _gold_file(gold, "stances.csv")
        rows = hearing_rows(_corpus_root(gold), embedder, s.data_dir / "stance-cache")
        for skipped in rows.skipped:
            err.print(f"[yellow]skipped:[/] {skipped}", highlight=False)
        out.append(rows)
    return out


@app.command("stance")
@friendly_errors
def evaluate_stance_cmd(
    gold: Annotated[list[Path], typer.Argument(help="Gold folders with stances.csv, one per hearing.")],
    rules: Annotated[bool, typer.Option("--rules", help="Score the hand-written rules only.")] = False,
    shipped: Annotated[
        bool, typer.Option("--shipped", help="Score the shipped model on every folder (no hold-out).")
    ] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every disagreement.")] = False,
    extra: Annotated[
        list[Path] | None,
        typer.Option(
            "--extra",
            help="Training-only gold folder (repeat the option): joins every fold's training, never scored.",
        ),
    ] = None,
    unseen: Annotated[
        list[Path] | None,
        typer.Option(
            "--unseen",
            help="Gold folder to score with a model fitted on all GOLD folders as `train stance` fits it "
            "(repeat the option); GOLD is then not scored.",
        ),
    ] = None,
) -> None:
    """Stance per hearing: leave-one-hearing-out with two or more gold folders, else the shipped model.

    Per hearing: per-class precision/recall/F1, macro-F1 and confusion; then the mean, the per-class
    figures over all hearings, the rules' figures for comparison and a reliability table of the
    confidences. With ``--unseen``: fitted on every GOLD folder, scored on hearings it never saw (the
    training/ hearings, never used to write rules, are such a check).
    """
    from ingest.evaluation import evaluate_stance, format_reliability, pooled_stance, reliability
    from ingest.stance_model import NO_POSITION, load_default_model
    from ingest.stance_train import Prediction, leave_one_hearing_out, rule_predictions

    seen = sorted(
        {_corpus_root(g).name for g in [*gold, *(extra or [])]} & {_corpus_root(g).name for g in unseen or []}
    )
    if seen:
        raise InputError(f"{', '.join(seen)}: given both to fit on and as --unseen")
    hearings = _stance_hearings(gold)
    extra_rows = _stance_hearings(extra or [])
    csvs = {h.name: _gold_file(g, "stances.csv") for h, g in zip(hearings, gold, strict=True)}
    if unseen:
        from ingest.stance_train import train

        fitted_on = [h.name for h in [*hearings, *extra_rows]]
        scored = _stance_hearings(unseen)
        fitted = train(hearings, "unseen-check", extra_rows)
        csvs = {h.name: _gold_file(g, "stances.csv") for h, g in zip(scored, unseen, strict=True)}
        hearings = scored
        preds = [Prediction.of(fitted, h) for h in scored]
        how = f"fitted on {', '.join(fitted_on)} (C {fitted.info.get('C')}), scored on hearings it never saw"
    elif rules:
        preds, how = [rule_predictions(h) for h in hearings], "hand-written rules"
    elif len(hearings) >= 2 and not shipped:
        preds = leave_one_hearing_out(hearings, extra=extra_rows)
        how = "leave-one-hearing-out (each fitted on the others)"
        if extra_rows:
            how += f", every fold also trained on {', '.join(h.name for h in extra_rows)} (not scored)"
    else:
        model = load_default_model()
        if model is None:
            preds, how = [rule_predictions(h) for h in hearings], "hand-written rules (no shipped model)"
        else:
            preds = [Prediction.of(model, h) for h in hearings]
            trained_on = model.info.get("trained_on", {})
            how = f"shipped model {model.version}, trained on {', '.join(trained_on)}"
            seen = [h.name for h in hearings if h.name in trained_on]
            if seen:
                how += f"\n  in-sample (not held out): {', '.join(seen)}; give several folders for held-out figures"
    console.print(f"stance: {how}")
    reports = []
    for pred in preds:
        predicted = [
            (k[0], k[1], lab) for k, lab in zip(pred.keys, pred.predicted, strict=True) if lab != NO_POSITION
        ]
        report = evaluate_stance(predicted, csvs[pred.hearing])
        reports.append(report)
        base = evaluate_stance(rule_predictions_for(hearings, pred.hearing), csvs[pred.hearing]).macro_f1
        console.print(
            f"\n== {pred.hearing}: macro-F1 {report.macro_f1:.3f} (rules {base:.3f})", highlight=False
        )
        console.print(report.format(errors=errors), highlight=False, markup=False)
        if errors:
            _print_gold_quotes(report.errors, csvs[pred.hearing])
    if len(reports) > 1:
        mean = sum(r.macro_f1 for r in reports) / len(reports)
        console.print("\n== per hearing", highlight=False)
        for pred, r in zip(preds, reports, strict=True):
            console.print(f"  {pred.hearing:<24} macro-F1 {r.macro_f1:.3f}", highlight=False)
        console.print(f"  {'mean':<24} macro-F1 {mean:.3f}", highlight=False)
        console.print("\n== all hearings pooled", highlight=False)
        console.print(pooled_stance(reports).format(errors=False), highlight=False, markup=False)
    conf = [c for p in preds for c, lab in zip(p.confidence, p.predicted, strict=True) if lab != NO_POSITION]
    right = [
        lab == g for p in preds for lab, g in zip(p.predicted, p.labels, strict=True) if lab != NO_POSITION
    ]
    console.print("\n== reliability of the confidences (predicted positions)", highlight=False)
    console.print(format_reliability(reliability(conf, right)), highlight=False, markup=False)


def _print_gold_quotes(disagreements: list[tuple[str, str, str, str]], gold_csv: Path) -> None:
    """The gold quote of each disagreement that has one, so that the cause can be read off the letter."""
    import csv

    with gold_csv.open(encoding="utf-8", newline="") as fh:
        quotes = {(r["file"], r["target_id"]): r.get("quote") or "" for r in csv.DictReader(fh)}
    lines = [
        f"  {f} {t} ({g} -> {p}): «{quotes[(f, t)]}»" for f, t, g, p in disagreements if quotes.get((f, t))
    ]
    if lines:
        console.print("gold quotes of the disagreements", highlight=False)
        console.print("\n".join(lines), highlight=False, markup=False)


def rule_predictions_for(hearings: list[Any], name: str) -> list[tuple[str, str, str]]:
    from ingest.stance_model import NO_POSITION
    from ingest.stance_train import rule_predictions

    pred = rule_predictions(next(h for h in hearings if h.name == name))
    return [(k[0], k[1], lab) for k, lab in zip(pred.keys, pred.predicted, strict=True) if lab != NO_POSITION]


@app.command("linking")
@friendly_errors
def evaluate_linking_cmd(
    gold: Annotated[list[Path], typer.Argument(help="Gold folders with mentions.csv, one per hearing.")],
) -> None:
    """Precision and recall of entity linking (distinct entities per response), per hearing and the mean.

    Nothing in linking is fitted to gold data, so every hearing is held out by construction.
    """
    from ingest.evaluation import evaluate_linking

    reports = []
    for g in gold:
        gold_csv = _gold_file(g, "mentions.csv")
        root = _corpus_root(g)
        docs = _analyse_corpus(root)
        predicted = sorted({(d.file_name, m.entity_id) for d in docs for m in d.mentions})
        report = evaluate_linking(predicted, gold_csv)
        reports.append((root.name, report))
        console.print(
            f"\n== {root.name}: {len(docs)} responses analysed, {len(predicted)} distinct entity links"
        )
        console.print(report.format(), highlight=False, markup=False)
    if len(reports) > 1:
        console.print("\n== per hearing", highlight=False)
        for name, r in reports:
            console.print(f"  {name:<24} precision {r.precision:.3f}  recall {r.recall:.3f}  F1 {r.f1:.3f}")
        n = len(reports)
        console.print(
            f"  {'mean':<24} precision {sum(r.precision for _, r in reports) / n:.3f}  "
            f"recall {sum(r.recall for _, r in reports) / n:.3f}  F1 {sum(r.f1 for _, r in reports) / n:.3f}",
            highlight=False,
        )


@app.command("search")
@friendly_errors
def evaluate_search_cmd(
    gold: Annotated[
        list[Path],
        typer.Argument(help="Gold questions (qa.yaml) or gold folders holding one; one per hearing."),
    ],
    fit_constants: Annotated[
        bool,
        typer.Option(
            "--fit",
            help="Fit the search constants on all given hearings and write search_api/search_params.json.",
        ),
    ] = False,
    misses: Annotated[
        bool, typer.Option("--misses", help="List the hybrid questions not fully answered.")
    ] = False,
    unseen: Annotated[
        list[Path] | None,
        typer.Option(
            "--unseen",
            help="Also score this hearing's gold questions (repeatable) with search fitted on every GOLD "
            "hearing: a hearing never used to fit or to write rules.",
        ),
    ] = None,
) -> None:
    """Recall@5 and MRR@10 per hearing for lexical, dense and hybrid search, leave-one-hearing-out, with latency.

    Each corpus is ingested into its own data dir under ``<data-dir>/eval/`` (the production graph
    stays untouched; with POLICYKG_EMBEDDING_CACHE shared, a second run embeds nothing). With
    ``--unseen``: the ranker chosen and fitted on all GOLD hearings (as ``--fit`` would ship it) ranks
    each unseen hearing's questions.
    """
    from search_api.evaluate_ranker import leave_one_hearing_out_learned, score_unseen, select_and_fit
    from search_api.evaluate_search import (
        default_grid,
        format_scores,
        leave_one_hearing_out,
        objective_table,
    )
    from search_api.fusion import PARAMS_FILE, load_params, save_params

    if fit_constants and len(gold) < 2:
        raise InputError("--fit needs the gold questions of at least two hearings")
    runs = [_collect_hearing(g) for g in gold]
    names = [r.name for r in runs]
    fit_hearings = [_hearing_of(r.name) for r in runs]
    if len(set(fit_hearings)) != len(fit_hearings):
        raise InputError(
            f"the same hearing is given twice: {', '.join(names)}; leave-one-hearing-out needs one question "
            "file per hearing (score further sets with --unseen)"
        )
    unseen_runs = [_collect_hearing(g) for g in unseen or []]
    unseen_names = [r.name for r in unseen_runs]
    twice = sorted({n for n in unseen_names if unseen_names.count(n) > 1})
    if twice:
        raise InputError(f"{', '.join(twice)}: given twice as --unseen")
    both = sorted(set(fit_hearings) & {_hearing_of(n) for n in unseen_names})
    if both:
        raise InputError(f"{', '.join(both)}: given both to fit on and as --unseen")
    loho = len(runs) > 1
    if loho:
        # Before: weighted RRF with constants fitted on the other hearings (a grid).
        grid = default_grid()
        rrf = leave_one_hearing_out(runs, grid, table=objective_table(runs, grid))
        scores, chosen = leave_one_hearing_out_learned(runs)
        console.print(
            "learned ranker, nested: each row ranked by a ranker whose features and decay were chosen\n"
            "by leave-one-hearing-out among the other hearings and then fitted on them",
            highlight=False,
            markup=False,
        )
    else:
        scores, chosen, rrf = leave_one_hearing_out(runs, [load_params()]), [], []
    console.print(format_scores(scores, loho=loho), highlight=False, markup=False)
    for s, config in zip(scores, chosen, strict=False):  # nothing chosen with one hearing
        console.print(f"  {s.name}: the inner loop chose {config.describe()}", highlight=False, markup=False)
    if rrf:
        console.print("\nweighted RRF, constants fitted on the other hearings (grid), hybrid R@5 / MRR:")
        for r, s in zip(rrf, scores, strict=True):
            h, l_ = r.modes["hybrid"], s.modes["hybrid"]
            console.print(
                f"  {r.name:<16} {h.recall_at_5:.3f} / {h.mrr_at_10:.3f}   (learned {l_.recall_at_5:.3f} / {l_.mrr_at_10:.3f})",
                highlight=False,
            )
        mr = sum(r.modes["hybrid"].recall_at_5 for r in rrf) / len(rrf)
        mm = sum(r.modes["hybrid"].mrr_at_10 for r in rrf) / len(rrf)
        console.print(f"  {'mean':<16} {mr:.3f} / {mm:.3f}", highlight=False)
    if misses:
        _print_misses(scores)
    fitted = select_and_fit(runs) if fit_constants or unseen_runs else None
    if unseen_runs and fitted is not None:
        found, config = score_unseen(runs, unseen_runs, fitted=fitted[:2])
        title = (
            f"unseen hearings: ranked by the ranker chosen and fitted on all {len(runs)} hearings above "
            f"({config.describe()})"
        )
        console.print("\n" + format_scores(found, loho=False, title=title), highlight=False, markup=False)
        if misses:
            _print_misses(found)
    if fit_constants and fitted is not None:
        params, config, value = fitted
        save_params(
            params,
            PARAMS_FILE,
            fitted_on=sorted(names),
            objective=round(value, 4),
            selection=config.describe(),
        )
        console.print(
            f"fitted on all {len(runs)} hearings ({config.describe()}; inner objective {value:.3f}): wrote {PARAMS_FILE}"
        )


def _print_misses(scores: list[Any]) -> None:
    """Each hybrid question not fully answered in the top 5, with the letters it missed."""
    for s in scores:
        for q in s.modes["hybrid"].questions:
            if q.recall < 1.0:
                console.print(
                    f"{s.name}: R@5 {q.recall:.2f} first {q.first_rank}: {q.question} (missed: {', '.join(q.missed)})",
                    highlight=False,
                    markup=False,
                )


def _collect_hearing(gold: Path) -> HearingRun:
    """Ingest one hearing into its eval data dir, ask every question once, time ask and embedding."""
    from search_api.evaluate_search import HearingRun, load_gold_questions
    from search_api.question import dense_query
    from search_api.service import PolicyKG

    gold_yaml = _gold_file(gold, "qa.yaml")
    root = _corpus_root(gold)
    base = settings()
    # One isolated data dir per corpus: the production graph stays untouched.
    key = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    eval_settings = base.model_copy(update={"data_dir": base.data_dir / "eval" / f"{root.name}-{key}"})
    questions = load_gold_questions(gold_yaml)
    kg = PolicyKG(eval_settings)
    try:
        started = time.monotonic()
        report = kg.ingest([root], reference_dir=root / "reference")
        embedded = report.embedded
        elapsed = time.monotonic() - started
        for f in report.failed:
            err.print(f"[yellow]skipped:[/] {f.path}: {f.reason}", highlight=False)
        console.print(
            f"{root.name}: {len(report.ingested)} ingested, {len(report.unchanged)} unchanged; "
            f"{embedded} texts embedded in {elapsed:.0f} s",
            highlight=False,
        )
        searcher = kg.searcher()
        indexed = kg.index.file_names()
        kg.ask(questions[0].question)  # warm-up: the first query pays model and page loading
        cands = [
            searcher.candidates(q.question, stop_word_variants=(False, True), limit=searcher.prefetch_limit)
            for q in questions
        ]
        # The plain dense baseline reads the question with the senders and kinds of sender it names;
        # where the searcher's dense text leaves nothing out, hybrid's dense list is that list already.
        baseline = [
            c
            if searcher.dense_text(q.question) == dense_query(q.question)
            else searcher.candidates(q.question, mode="dense", keep_names=True, limit=searcher.prefetch_limit)
            for q, c in zip(questions, cands, strict=True)
        ]
        ask_ms, embed_ms = [], []
        model = getattr(kg.embedder, "inner", kg.embedder)
        for _ in range(LATENCY_ROUNDS):
            for q in questions:
                t0 = time.perf_counter()
                kg.ask(q.question)
                t1 = time.perf_counter()
                model.embed_queries([q.question])
                t2 = time.perf_counter()
                ask_ms.append((t1 - t0) * 1000.0)
                embed_ms.append((t2 - t1) * 1000.0)
        return HearingRun(
            # A question file other than qa.yaml is named with it: several sets of one hearing can be scored
            # in one run ("digital-2028/qa-fresh"), each its own row.
            name=root.name if gold_yaml.name == "qa.yaml" else f"{root.name}/{gold_yaml.stem}",
            gold=questions,
            candidates=cands,
            answers_outside_index=sum(1 for g in questions for f, _ in g.answers if f not in indexed),
            ask_ms=ask_ms,
            embed_ms=embed_ms,
            dense_baseline=baseline,
        )
    finally:
        kg.close()
