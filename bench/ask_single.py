"""One client's ``ask`` against one query embedding, on the data dirs of ``python -m bench.run``.

    python -m bench.ask_single /tmp/policykg-bench/data-100 /tmp/policykg-bench/data-1000 ...

The load test in ``bench.run`` measures ``/ask`` under several clients, where the requests queue for
the cores. The issue's target (``/ask`` p95 under 3 x the time of embedding one query) is about
one request's own work, so this asks each question of the hearing once in process (the proposals'
titles, each as it is and as a "who supports" question), each time after timing the raw model on the
same question, and prints p50/p95 of ``ask``, the median embedding and the ratio per data dir.
The data dirs are opened read-only in a copy (Qdrant's local mode locks its folder).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ingest.reference import load_reference
from search_api.service import PolicyKG
from search_api.settings import Settings


def measure(data_dir: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir, copy)
        kg = PolicyKG(Settings(data_dir=copy))
        ref = load_reference(copy / "reference")
        titles = [t.title for _, t in sorted(ref.targets.items())]
        questions = [q for t in titles for q in (t, f"Hvem støtter forslaget om {t.lower()}?")]
        model = getattr(kg.embedder, "inner", kg.embedder)
        kg.ask(questions[0])  # warm: model, views, caches
        model.embed_queries([questions[0]])
        ask_ms, embed_ms = [], []
        for q in questions:
            t0 = time.perf_counter()
            model.embed_queries([q])
            t1 = time.perf_counter()
            kg.ask(q)
            t2 = time.perf_counter()
            embed_ms.append((t1 - t0) * 1000)
            ask_ms.append((t2 - t1) * 1000)
        kg.close()
    ask_ms.sort()
    p95 = ask_ms[min(len(ask_ms) - 1, int(0.95 * len(ask_ms)))]
    emb = statistics.median(embed_ms)
    return {
        "questions": len(questions),
        "ask_p50_ms": round(statistics.median(ask_ms), 1),
        "ask_p95_ms": round(p95, 1),
        "embed_ms": round(emb, 1),
        "ratio_p95_to_embed": round(p95 / emb, 2),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dirs", nargs="+", type=Path)
    args = ap.parse_args(argv)
    for d in args.data_dirs:
        print(d, measure(d), flush=True)


if __name__ == "__main__":
    main()
