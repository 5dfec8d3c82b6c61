"""What running each SPARQL query in a killable worker process costs: p50/p95 of a trivial query.

    .venv/bin/python bench/sparql_overhead.py [GRAPH_DIR] [--n 300]

GRAPH_DIR is an embedded store (``<data-dir>/graph``, copied first so a running server is not
disturbed); without it a store of 1,000 triples is made. Prints three lines: the store in
process, the HTTP endpoint with the query in a thread (how it ran before), and the HTTP
endpoint with the query in a worker process (how it runs now).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fastapi.testclient import TestClient

from graph.store import OxigraphStore, QueryLimits, RawResult
from search_api.api import create_app
from search_api.settings import Settings

QUERY = "SELECT ?g WHERE { GRAPH ?g { } } LIMIT 3"
JSON = "application/sparql-results+json"


class ThreadOnly:
    """The same store, but not an OxigraphStore: the endpoint falls back to a thread per query."""

    def __init__(self, store: OxigraphStore) -> None:
        self._store = store

    def query_raw(self, query: str, accept: str, limits: QueryLimits | None = None) -> RawResult:
        return self._store.query_raw(query, accept, limits)

    def graph_names(self) -> list[str]:
        return self._store.graph_names()


def timings(func: Callable[[], Any], n: int) -> tuple[float, float]:
    for _ in range(10):  # warm up
        func()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph_dir", nargs="?", type=Path)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        path = Path(tmp) / "graph"
        if args.graph_dir:
            shutil.copytree(args.graph_dir, path, ignore=shutil.ignore_patterns("LOCK"))
        store = OxigraphStore(path)
        if not args.graph_dir:
            store.replace_graph(
                "urn:x:g", "".join(f"<urn:x:{i}> <urn:x:p> <urn:x:{i + 1}> .\n" for i in range(1000))
            )
        settings = Settings(data_dir=Path(tmp))
        limits = QueryLimits(timeout_s=settings.query_timeout_s, max_rows=settings.query_max_rows)
        rows = [
            ("store.query_raw, in process", timings(lambda: store.query_raw(QUERY, JSON, limits), args.n))
        ]
        for label, backend in (
            ("HTTP, query in a thread", ThreadOnly(store)),
            ("HTTP, query in a worker", store),
        ):
            kg = SimpleNamespace(store=backend, settings=settings)
            with TestClient(create_app(settings, kg=kg)) as client:  # type: ignore[arg-type]

                def get(c: TestClient = client) -> None:
                    assert (
                        c.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON}).status_code == 200
                    )

                rows.append((label, timings(get, args.n)))
        store.close()
    for label, (p50, p95) in rows:
        print(f"{label:32} p50 {p50:7.3f} ms   p95 {p95:7.3f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
