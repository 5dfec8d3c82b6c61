"""/ask latency while an upload is ingested, and how long SIGTERM takes with an upload in flight.

    .venv/bin/python bench/upload_ask_latency.py DATA_DIR [--kb 100] [--port 18731]

DATA_DIR must hold an ingested corpus (``policykg ingest examples/nou-2026-1``); it is copied
first. The script starts ``policykg serve`` on the copy, measures ``/ask`` idle, then uploads a
letter of about ``--kb`` KB (sample letters' text repeated, as Markdown) and asks continuously
until the upload is finished (an answered POST before uploads were jobs; the job done since),
then uploads it again (changed) and sends SIGTERM while it runs. Prints one line per phase.
Works against older versions too (POST answered 200 after ingesting).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
QUESTIONS = ["Hvem vil beholde bemanningsnormene?", "øremerking av tilskudd", "Who supports R2?"]


def _letter(kb: int) -> bytes:
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((ROOT / "examples/nou-2026-1/responses").glob("*.txt"))
    ]
    body = "# Høringssvar\n\n"
    i = 0
    while len(body.encode()) < kb * 1024:
        body += f"## Del {i}\n\n" + texts[i % len(texts)] + "\n\n"
        i += 1
    return body.encode()


def _figures(name: str, times: list[float]) -> None:
    if not times:
        print(f"{name}: no requests")
        return
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"{name}: n={len(ms)} p50={statistics.median(ms):.0f} ms p95={p95:.0f} ms max={ms[-1]:.0f} ms")


def _ask(client: httpx.Client, base: str, n: int) -> list[float]:
    out = []
    for k in range(n):
        t = time.monotonic()
        r = client.get(f"{base}/ask", params={"q": QUESTIONS[k % len(QUESTIONS)]}, timeout=600)
        r.raise_for_status()
        out.append(time.monotonic() - t)
    return out


def _upload(client: httpx.Client, base: str, name: str, data: bytes) -> tuple[int, str | None]:
    r = client.post(
        f"{base}/documents",
        files={"file": (name, data, "text/markdown")},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=900,
    )
    return r.status_code, (r.json().get("id") if r.status_code == 202 else None)


def _finished(client: httpx.Client, base: str, code: int, job: str | None) -> bool:
    if job is None:
        return code != 0
    return client.get(f"{base}/jobs/{job}").json()["state"] in ("done", "failed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--kb", type=int, default=100)
    ap.add_argument("--port", type=int, default=18731)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    data = work / "data"
    shutil.copytree(args.data_dir, data, ignore=shutil.ignore_patterns("backups", "uploads"))
    env = {**os.environ, "POLICYKG_API_TOKEN": TOKEN, "POLICYKG_DATA_DIR": str(data)}
    cmd = [sys.executable, "-m", "search_api.cli", "serve", "--port", str(args.port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        with httpx.Client() as client:
            for _ in range(600):
                try:
                    if client.get(f"{base}/healthz").status_code < 500:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            _ask(client, base, 3)  # warm up
            _figures("/ask idle", _ask(client, base, 20))

            letter = _letter(args.kb)
            result: dict[str, object] = {"code": 0, "job": None}

            def post(payload: bytes, name: str) -> None:
                try:
                    code, job = _upload(client, base, name, payload)
                except httpx.HTTPError as exc:  # the server went away (the SIGTERM phase)
                    code, job = -1, str(exc)
                result["code"], result["job"] = code, job

            started = time.monotonic()
            poster = threading.Thread(target=post, args=(letter, "bench-letter.md"))
            poster.start()
            during: list[float] = []
            while True:
                poster.join(0)
                if not poster.is_alive() and _finished(client, base, int(str(result["code"])), result["job"]):  # type: ignore[arg-type]
                    break
                during += _ask(client, base, 1)
            print(
                f"upload of {len(letter) // 1024} KB finished in {time.monotonic() - started:.1f} s (POST answered {result['code']})"
            )
            _figures("/ask during the upload", during)

            poster = threading.Thread(target=post, args=(letter + b"\nendret\n", "bench-letter.md"))
            poster.start()
            time.sleep(2.0)
            # SIGTERM while the client still waits (before uploads were jobs, inside the POST).
            t = time.monotonic()
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=120)
                print(f"SIGTERM with an upload in flight: exited in {time.monotonic() - t:.1f} s")
            except subprocess.TimeoutExpired:
                print("SIGTERM: still running after 120 s")
            poster.join(5)
        left = list((data / "uploads").rglob("*")) if (data / "uploads").exists() else []
        print(f"left in uploads/: {len(left)} entries")
    finally:
        if server.poll() is None:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
