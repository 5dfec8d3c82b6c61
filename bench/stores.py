"""Store benchmarks: embedded Oxigraph against rdflib in memory, and Qdrant local mode's exact search.

Oxigraph/rdflib: an ingested graph is dumped as N-Quads and copied (IRIs of responses renamed per
copy) up to about ``triples`` quads; both stores load the same bytes and answer the same SPARQL
workload (:func:`bench.load.sparql_workload`, the default graph as the union of the named graphs).

Qdrant: a local-mode collection (the embedded mode policykg uses without ``POLICYKG_QDRANT_URL``)
filled with random unit vectors of the embedder's size; query time is measured at each point count.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.load import sparql_workload

__all__ = ["QdrantFigures", "StoreFigures", "compare_stores", "qdrant_scaling"]


@dataclass
class StoreFigures:
    quads: int
    oxigraph_load_s: float
    rdflib_load_s: float
    oxigraph_query_ms: list[float]
    rdflib_query_ms: list[float]


def _replicate(nquads: str, target: int) -> str:
    lines = nquads.count("\n") or 1
    copies = max(1, round(target / lines))
    parts = []
    for k in range(copies):
        parts.append(
            nquads.replace("/id/response/", f"/id/response/c{k}-").replace(
                "/id/graph/response/", f"/id/graph/response/c{k}-"
            )
        )
    return "".join(parts)


def _median_ms(run: Callable[[str], object], query: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _oxigraph(raw: bytes, repeats: int) -> tuple[int, float, list[float]]:
    import pyoxigraph as ox

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(raw, format=ox.RdfFormat.N_QUADS)
    load = time.perf_counter() - t

    def run(q: str) -> object:
        return list(store.query(q, use_default_graph_as_union=True))  # type: ignore[arg-type]

    return len(store), load, [_median_ms(run, q, repeats) for q in sparql_workload()]


def _rdflib(data: str, repeats: int) -> tuple[float, list[float]]:
    import rdflib

    t = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=data, format="nquads")
    load = time.perf_counter() - t

    def run(q: str) -> object:
        return list(ds.query(q))

    return load, [_median_ms(run, q, repeats) for q in sparql_workload()]


def compare_stores(graph_dir: Path, triples: int, repeats: int = 3) -> StoreFigures:
    """Loads about ``triples`` quads into each store (one after the other) and runs the workload."""
    import pyoxigraph as ox

    dump = ox.Store.read_only(str(graph_dir)).dump(format=ox.RdfFormat.N_QUADS) or b""
    data = _replicate(dump.decode(), triples)
    ox_quads, ox_load, ox_q = _oxigraph(data.encode(), repeats)
    rdf_load, rdf_q = _rdflib(data, repeats)
    return StoreFigures(ox_quads, ox_load, rdf_load, ox_q, rdf_q)


@dataclass
class QdrantFigures:
    points: int
    upsert_s: float
    query_p50_ms: float
    query_p95_ms: float


def qdrant_scaling(sizes: list[int], dim: int = 384, queries: int = 30) -> list[QdrantFigures]:
    from qdrant_client import QdrantClient, models

    rng = np.random.default_rng(0)
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-qdrant-") as tmp:
        client = QdrantClient(path=tmp)
        client.create_collection(
            "bench", vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE)
        )
        have = 0
        for size in sorted(sizes):
            t = time.perf_counter()
            while have < size:
                n = min(2000, size - have)
                vecs = rng.standard_normal((n, dim)).astype(np.float32)
                client.upsert(
                    "bench",
                    points=models.Batch(ids=list(range(have, have + n)), vectors=vecs.tolist()),
                    wait=True,
                )
                have += n
            upsert = time.perf_counter() - t
            times = []
            for q in rng.standard_normal((queries, dim)).astype(np.float32):
                t = time.perf_counter()
                client.query_points("bench", query=q.tolist(), limit=10)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out.append(
                QdrantFigures(size, upsert, statistics.median(times), times[int(0.95 * (len(times) - 1))])
            )
        client.close()
    return out
