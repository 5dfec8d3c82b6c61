"""Renders ``bench/results.json`` (written by ``python -m bench.run``) as ``bench/RESULTS.md``."""

from __future__ import annotations

from typing import Any

__all__ = ["render"]

_STAGES = ("read+segment", "link", "stance", "graph build", "graph write", "index (embed + upsert)")


def _machine(m: dict[str, Any]) -> str:
    text = (
        f"{m['when_utc']} UTC, {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}; "
        f"load average {m['load_average_at_start']} at start, {m.get('load_average_at_end', '?')} at end"
    )
    return text + (f". {m['note'].rstrip('.')}" if m.get("note") else "")


def _size(rec: dict[str, Any]) -> list[str]:
    ing = rec["ingest"]
    n = rec["responses"]
    first = ing["first_s"]
    out = [
        f"## {n} responses",
        "",
        f"Machine: {_machine(rec['machine'])}.",
        "",
        f"Synthetic hearing (seed {rec['seed']}): "
        + ", ".join(f"{k} {v}" for k, v in sorted(rec["synth"].items()))
        + f"; written in {rec['synth_s']} s.",
        "",
        f"First ingest with index: **{first:.1f} s** for {ing['ingested']} letters "
        f"({ing['letters_per_s']} letters/s, {ing['passages']} passages, {ing['index_points']} index points, "
        f"{ing['failed_count']} failed). Embedding cache: {ing['embedding_cache']}.",
        "",
        "| stage | seconds | share |",
        "|---|---:|---:|",
    ]
    for st in _STAGES:
        v = ing["stages_s"].get(st, 0.0)
        out.append(f"| {st} | {v:.2f} | {100 * v / first:.1f} % |")
    out += [
        f"| embedding model, all calls (inside stance and index) | {ing['embed_model_s']:.2f} "
        f"| {100 * ing['embed_model_s'] / first:.1f} % |",
        "",
        f"{ing['embedded_texts']} texts reached the model; non-embedding work is "
        f"**{100 * ing['non_embedding_share']:.1f} %** of ingest time."
        + (
            f" Process CPU time of the first ingest: {ing['first_cpu_s']:.1f} s."
            if "first_cpu_s" in ing
            else ""
        ),
        "",
        f"Re-ingest of the unchanged corpus: **{ing['reingest_s']:.3f} s** ({ing['reingest_unchanged']} files "
        f"unchanged), **{ing['reingest_speedup']:.0f}×** faster than the first ingest.",
        "",
        f"Peak RSS of the benchmark process (synth + ingest): {rec['peak_rss_mb_bench_process']} MB.",
        "",
    ]
    rows = [rec["trace"]]
    load = rec.get("load")
    if load:
        rows += load["endpoints"]
        out.append(
            f"Latency: {load['clients']} concurrent clients (httpx async, loopback, closed loop) for "
            f"{load['seconds_per_endpoint']:.0f} s per endpoint against `policykg serve`; server peak RSS "
            f"{load['server_peak_rss_mb']} MB. `trace` is `trace_target` in process, each proposal 20 times."
        )
        out.append("")
    if rec.get("load_error"):
        out += [f"The load test did not run: {rec['load_error']}.", ""]
    out += ["| endpoint | requests | errors | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(
            f"| {r['name']} | {r['n']} | {r['errors']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} |"
        )
    return [*out, ""]


def _stores(rec: dict[str, Any]) -> list[str]:
    s = rec["oxigraph_rdflib"]
    out = [
        "## Oxigraph against rdflib (in memory, same N-Quads, same SPARQL)",
        "",
        f"Machine: {_machine(rec['machine'])}.",
        "",
        f"{s['quads']:,} quads (an ingested synthetic hearing's graph copied with renamed response IRIs).",
        "",
        "| | Oxigraph | rdflib | rdflib / Oxigraph |",
        "|---|---:|---:|---:|",
        f"| load (s) | {s['oxigraph_load_s']:.2f} | {s['rdflib_load_s']:.2f} | "
        f"{s['rdflib_load_s'] / s['oxigraph_load_s']:.0f}× |",
    ]
    for i, (a, b) in enumerate(zip(s["oxigraph_query_ms"], s["rdflib_query_ms"], strict=True)):
        out.append(f"| query {i + 1} (ms, median of 3) | {a:.1f} | {b:.1f} | {b / max(a, 1e-6):.0f}× |")
    out += [
        "",
        "Queries (bench/load.py `sparql_workload`): 1 positions by stance, 2 fifty responses with file names, "
        "3 count of all quads in named graphs, 4 the ten commonest predicates.",
        "",
        "## Qdrant local mode: exact search against point count",
        "",
        "| points (384-d) | upsert s | query p50 ms | query p95 ms |",
        "|---:|---:|---:|---:|",
    ]
    for q in rec["qdrant_local"]:
        out.append(
            f"| {q['points']:,} | {q['upsert_s']:.1f} | {q['query_p50_ms']:.1f} | {q['query_p95_ms']:.1f} |"
        )
    return [*out, ""]


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Scale benchmarks",
        "",
        "Produced by `python -m bench.run` (see its docstring); raw figures in `bench/results.json`.",
        "Every section names the machine and its load when it was measured: these runs shared 2 cores with",
        "other work, so the figures are what that machine gave, not a quiet-machine best.",
        "",
    ]
    sizes = sorted((k for k in results if k.startswith("ingest-")), key=lambda k: int(k.split("-")[1]))
    for k in sizes:
        lines += _size(results[k])
    if "stores" in results:
        lines += _stores(results["stores"])
    for note in results.get("notes", []):  # measurements made outside bench.run, kept across re-renders
        lines += [f"## {note['title']}", "", *note["lines"], ""]
    return "\n".join(lines) + "\n"
