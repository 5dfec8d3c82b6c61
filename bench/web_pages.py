"""Time the web interface's pages (server-side, through HTTP) on an ingested data dir.

    python bench/web_pages.py DATA_DIR [--rounds N]

Starts the app with uvicorn in a thread on a free loopback port, warms each page once, then
fetches each N times and prints p50 / p95 / max in milliseconds. The search page is timed with
a question (it embeds it: the one page whose time is mostly the model's).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from search_api.api import create_app
from search_api.service import PolicyKG
from search_api.settings import Settings

PAGES = [
    "/",
    "/?q=Hvem+st%C3%B8tter+forslaget%3F",
    "/ask?q=Hvem+st%C3%B8tter+forslaget%3F",  # the API's search alone, for comparison
    "/forslag",
    "/forslag/R1",
    "/gjennomgang",
    "/matrise",
    "/aktorer",
    "/brev",
    "/nettverk",
    "/web/api/network?kind=positions",
    "/web/api/network?kind=participation",
    "/sporring",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    kg = PolicyKG(Settings(data_dir=args.data_dir))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(kg=kg), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            docs = client.get("/documents").json()
            actors = client.get("/actors").json()
            pages = [*PAGES, f"/brev/{docs[0]['file_name']}", f"/aktorer/{actors[0]['id']}"]
            print(f"{'page':<45} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
            for path in pages:
                assert client.get(path).status_code == 200, path  # warm-up
                times = []
                for _ in range(args.rounds):
                    t = time.perf_counter()
                    r = client.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                    r.raise_for_status()
                times.sort()
                p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
                print(f"{path[:45]:<45} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
    finally:
        server.should_exit = True
        thread.join(10)
        kg.close()


if __name__ == "__main__":
    main()
