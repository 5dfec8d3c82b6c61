"""A bounded load test on loopback: ``policykg serve`` on a data dir, fixed clients for a fixed time.

Each endpoint is hit by ``clients`` concurrent httpx async clients for ``seconds``; every request
waits for the previous answer of its client (closed loop), so the load is bounded. Reported per
endpoint: requests, errors (non-2xx or transport errors), p50/p95/max latency, and the server's
peak RSS (from /proc, sampled). ``trace`` is timed in process (``trace_target`` on the store).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from graph.sparql import PREFIXES

__all__ = ["EndpointFigures", "load_test", "percentiles", "sparql_workload"]


@dataclass
class EndpointFigures:
    name: str
    n: int
    errors: int
    p50_ms: float
    p95_ms: float
    max_ms: float


def percentiles(name: str, seconds: list[float], errors: int = 0) -> EndpointFigures:
    ms = sorted(s * 1000 for s in seconds) or [float("nan")]
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return EndpointFigures(name, len(seconds), errors, statistics.median(ms), p95, ms[-1])


def sparql_workload() -> list[str]:
    """The same read queries for the HTTP load test and the Oxigraph/rdflib comparison."""
    return [
        PREFIXES + "SELECT ?stance (COUNT(?pos) AS ?n) WHERE { ?pos a pkg:Position ; pkg:stance ?s . "
        "?s skos:notation ?stance } GROUP BY ?stance",
        PREFIXES + "SELECT ?d ?file WHERE { ?d a pkg:ConsultationResponse ; pkg:fileName ?file } LIMIT 50",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY DESC(?n) LIMIT 10",
    ]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def _hammer(
    base: str, paths: list[tuple[str, dict[str, str]]], clients: int, seconds: float
) -> tuple[list[float], int]:
    times: list[float] = []
    errors = 0
    end = time.monotonic() + seconds

    async def client(k: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=60) as c:
            i = k
            while time.monotonic() < end:
                path, params = paths[i % len(paths)]
                i += 1
                t = time.perf_counter()
                try:
                    r = await c.get(
                        path, params=params, headers={"Accept": "application/sparql-results+json"}
                    )
                    ok = r.status_code < 300
                except httpx.HTTPError:
                    ok = False
                times.append(time.perf_counter() - t)
                errors += not ok

    await asyncio.gather(*(client(k) for k in range(clients)))
    return times, errors


def load_test(
    data_dir: Path, questions: list[str], target_ids: list[str], *, clients: int, seconds: float, port: int
) -> tuple[list[EndpointFigures], float]:
    """Serves ``data_dir`` and loads /ask, /recommendations/{id} and /sparql in turn."""
    env = dict(os.environ, POLICYKG_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-m", "search_api.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.5)
        httpx.get(f"{base}/ask", params={"q": questions[0]}, timeout=900)  # warm: model and views loaded
        plans: dict[str, list[tuple[str, dict[str, str]]]] = {
            "/ask": [("/ask", {"q": q}) for q in questions],
            "/recommendations/{id}": [(f"/recommendations/{t}", {}) for t in target_ids],
            "/sparql": [("/sparql", {"query": q}) for q in sparql_workload()],
        }
        out = []
        for name, paths in plans.items():
            times, errors = asyncio.run(_hammer(base, paths, clients, seconds))
            out.append(percentiles(name, times, errors))
        return out, _rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
