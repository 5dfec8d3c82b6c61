"""Uploads as background jobs: 202 + ``GET /jobs/{id}``, searches go on meanwhile, prompt shutdown, clean uploads/."""

from __future__ import annotations

import multiprocessing.connection
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from search_api.api import create_app
from search_api.jobs import _child_build
from search_api.settings import Settings

if TYPE_CHECKING:
    from search_api.service import PolicyKG

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "nou-2026-1"
SAMPLE = CORPUS / "responses" / "aust-heia-kommune.txt"
TOKEN = "test-token-jobs-51c2"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def slow_child(conn: multiprocessing.connection.Connection, spec: dict[str, Any]) -> None:
    """A reader that takes its time (module level: the child process imports it)."""
    time.sleep(float(spec.get("delay", 4.0)))
    _child_build(conn, spec)


def hanging_child(conn: multiprocessing.connection.Connection, spec: dict[str, Any]) -> None:
    """A reader that never finishes, like one stuck on hostile input."""
    time.sleep(3600)


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[PolicyKG]:
    """A data dir with only the reference data (uploads must not touch the shared corpus)."""
    from search_api.service import PolicyKG

    kg = PolicyKG(Settings(data_dir=tmp_path / "data"))
    kg.load_reference(CORPUS / "reference")
    yield kg
    kg.close()


def _wait(c: TestClient, job_id: str, timeout_s: float = 300.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body: dict[str, Any] = c.get(f"/jobs/{job_id}").json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


def _upload(c: TestClient, name: str, data: bytes) -> dict[str, Any]:
    resp = c.post("/documents", files={"file": (name, data, "text/plain")}, headers=AUTH)
    assert resp.status_code == 202, resp.text
    body: dict[str, Any] = resp.json()
    assert resp.headers["location"] == f"/jobs/{body['id']}"
    assert body["state"] in ("queued", "running") and body["file_name"] == name
    return body


@pytest.mark.slow
def test_an_upload_is_a_job_that_ends_done_or_failed_with_the_reason(writable: PolicyKG) -> None:
    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    with TestClient(create_app(settings, kg=writable)) as c:
        job = _upload(c, SAMPLE.name, SAMPLE.read_bytes())
        done = _wait(c, job["id"])
        assert done["state"] == "done", done
        assert done["result"]["ingested"] == [SAMPLE.name] and done["result"]["indexed"] > 0
        assert c.get(f"/documents/{SAMPLE.name}").json()["sender_name"]
        hits = c.get("/ask", params={"q": "bemanningsnorm", "file_name": SAMPLE.name}).json()
        assert hits["hits"] and hits["index_warning"] is None

        again = _wait(c, _upload(c, SAMPLE.name, SAMPLE.read_bytes())["id"])
        assert again["state"] == "done" and again["result"]["unchanged"] == [SAMPLE.name]

        empty = _wait(c, _upload(c, "empty.txt", b"")["id"])
        assert empty["state"] == "failed" and "empty.txt" in empty["message"], empty
        assert str(settings.data_dir) not in str(empty)  # no server paths in the message
        assert c.get("/documents/empty.txt").status_code == 404  # nothing half-written

        assert c.get("/jobs/no-such-job").status_code == 404
        listed = [j["id"] for j in c.get("/jobs").json()]
        assert job["id"] in listed and empty["id"] in listed
    status = writable.index_status()
    assert status.in_step, status.message()
    assert not any((settings.data_dir / "uploads").iterdir())  # each job removes its file


@pytest.mark.slow
def test_an_upload_job_reads_within_the_servers_limits(writable: PolicyKG) -> None:
    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN, max_passages=3)
    with TestClient(create_app(settings, kg=writable)) as c:
        job = _wait(c, _upload(c, SAMPLE.name, SAMPLE.read_bytes())["id"])
    assert job["state"] == "failed" and "POLICYKG_MAX_PASSAGES" in job["message"], job
    assert SAMPLE.name in job["message"] and str(settings.data_dir) not in job["message"]


@pytest.mark.slow
def test_ask_answers_while_an_upload_is_being_read(writable: PolicyKG) -> None:
    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    with TestClient(create_app(settings, kg=writable)) as c:
        _wait(c, _upload(c, SAMPLE.name, SAMPLE.read_bytes())["id"])  # something to search
        c.app.state.jobs.child_target = slow_child  # type: ignore[attr-defined]
        other = CORPUS / "responses" / "ostmark-kommune-latin1.txt"
        job = _upload(c, other.name, other.read_bytes())
        answered_while_running = 0
        while c.get(f"/jobs/{job['id']}").json()["state"] in ("queued", "running"):
            resp = c.get("/ask", params={"q": "bemanningsnorm"})
            assert resp.status_code == 200, resp.text
            if c.get(f"/jobs/{job['id']}").json()["state"] == "running":
                answered_while_running += 1
            time.sleep(0.1)
        assert answered_while_running >= 1
        assert _wait(c, job["id"])["state"] == "done"


@pytest.mark.slow
def test_shutdown_is_prompt_and_leaves_no_uploads(writable: PolicyKG) -> None:
    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    uploads = settings.data_dir / "uploads"
    (uploads / "left-by-a-killed-server").mkdir(parents=True)
    (uploads / "left-by-a-killed-server" / "x.txt").write_text("x")
    client = TestClient(create_app(settings, kg=writable))
    with client as c:
        assert not (uploads / "left-by-a-killed-server").exists()  # cleaned at start
        c.app.state.jobs.child_target = hanging_child  # type: ignore[attr-defined]
        job = _upload(c, SAMPLE.name, SAMPLE.read_bytes())
        queued = _upload(c, "second.txt", SAMPLE.read_bytes())
        deadline = time.monotonic() + 60
        while c.get(f"/jobs/{job['id']}").json()["state"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        runner = c.app.state.jobs  # type: ignore[attr-defined]
        started = time.monotonic()
    stopped_in = time.monotonic() - started
    # An explicit bound the issue asks for: stopping waits for no reader.
    assert stopped_in < 5.0, f"shutdown took {stopped_in:.1f} s"
    assert runner.get(job["id"]).state == "failed" and runner.get(queued["id"]).state == "failed"
    assert not any(uploads.iterdir())


def test_upload_queue_refuses_when_full(tmp_path: Path) -> None:
    from types import SimpleNamespace

    settings = Settings(data_dir=tmp_path, api_token=TOKEN)
    kg = SimpleNamespace(store=None, settings=settings)
    with TestClient(create_app(settings, kg=kg)) as c:  # type: ignore[arg-type]
        runner = c.app.state.jobs  # type: ignore[attr-defined]
        runner.stop()  # no worker: whatever is submitted now is refused
        resp = c.post("/documents", files={"file": ("a.txt", b"hei", "text/plain")}, headers=AUTH)
        assert resp.status_code == 503 and "stopping" in resp.json()["error"], resp.text
        assert not any((tmp_path / "uploads").iterdir())


@pytest.mark.slow
def test_backup_through_the_server_is_a_job(writable: PolicyKG, tmp_path: Path) -> None:
    from search_api.backup import read_manifest

    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    with TestClient(create_app(settings, kg=writable)) as c:
        assert c.post("/backup").status_code == 401
        resp = c.post("/backup", headers=AUTH)
        assert resp.status_code == 202, resp.text
        job = _wait(c, resp.json()["id"])
        assert job["state"] == "done" and job["kind"] == "backup", job
    folder = Path(job["result"]["path"])
    assert folder.parent == settings.data_dir / "backups"
    assert read_manifest(folder).reference is True


@pytest.mark.slow
def test_restore_through_the_server_while_it_answers(writable: PolicyKG) -> None:
    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    other = CORPUS / "responses" / "ostmark-kommune-latin1.txt"
    with TestClient(create_app(settings, kg=writable)) as c:
        assert _wait(c, _upload(c, SAMPLE.name, SAMPLE.read_bytes())["id"])["state"] == "done"
        saved = _wait(c, c.post("/backup", headers=AUTH).json()["id"])
        name = Path(saved["result"]["path"]).name
        assert _wait(c, _upload(c, other.name, other.read_bytes())["id"])["state"] == "done"
        assert c.post("/restore", json={"backup": "nope"}, headers=AUTH).status_code == 404
        assert c.post("/restore", json={"backup": "../etc"}, headers=AUTH).status_code == 422
        assert c.post("/restore", json={"backup": name}).status_code == 401
        resp = c.post("/restore", json={"backup": name}, headers=AUTH)
        assert resp.status_code == 202, resp.text
        done = _wait(c, resp.json()["id"])
        assert done["state"] == "done" and done["result"]["dropped"] == 1, done
        assert [d["file_name"] for d in c.get("/documents").json()] == [SAMPLE.name]
        body = c.get("/ask", params={"q": "bemanningsnorm"}).json()
        assert {h["document"] for h in body["hits"]} == {SAMPLE.name} and body["index_warning"] is None


@pytest.mark.slow
def test_sigterm_to_policykg_serve_with_an_upload_in_flight(tmp_path: Path) -> None:
    """The real server and signal: exits within seconds, nothing left in uploads/."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    import httpx

    from search_api.service import PolicyKG

    data = tmp_path / "data"
    kg = PolicyKG(Settings(data_dir=data))
    kg.load_reference(CORPUS / "reference")
    kg.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "POLICYKG_API_TOKEN": TOKEN, "POLICYKG_DATA_DIR": str(data)}
    cmd = [sys.executable, "-m", "search_api.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=60) as client:
            for _ in range(600):
                try:
                    if client.get(f"{base}/healthz").status_code < 500:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            letter = b"\n\n".join(p.read_bytes() for p in sorted((CORPUS / "responses").glob("*.txt"))) * 3
            resp = client.post(
                f"{base}/documents", files={"file": ("long.txt", letter, "text/plain")}, headers=AUTH
            )
            assert resp.status_code == 202, resp.text
            assert any((data / "uploads").iterdir())  # stored until its job ends
            time.sleep(1.0)
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            took = time.monotonic() - started
    finally:
        if server.poll() is None:
            server.kill()
    assert took < 10.0, f"SIGTERM took {took:.1f} s"
    assert not any((data / "uploads").iterdir())


@pytest.mark.slow
def test_cli_backup_and_restore_through_the_server_read_the_job_results(
    writable: PolicyKG, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`backup DIR --server` and `restore DIR --server`: the CLI reads the job's result as a record and prints it."""
    import httpx
    from typer.testing import CliRunner

    from search_api.cli import app

    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    env = {"POLICYKG_API_TOKEN": TOKEN, "POLICYKG_DATA_DIR": str(settings.data_dir)}
    with TestClient(create_app(settings, kg=writable)) as c:

        class Client:  # the CLI's httpx.Client, talking to this app (no server process)
            def __init__(self, **_: object) -> None:
                pass

            def __enter__(self) -> TestClient:
                return c

            def __exit__(self, *_: object) -> None:
                return None

        monkeypatch.setattr(httpx, "Client", Client)
        saved = tmp_path / "saved"
        got = CliRunner().invoke(app, ["backup", str(saved), "--server", "http://testserver"], env=env)
        assert got.exit_code == 0, got.output
        assert "reference data: yes" in got.output and (saved / "graph.nq").is_file()
        assert not list((settings.data_dir / "backups").iterdir())  # moved to DIR
        got = CliRunner().invoke(app, ["restore", str(saved), "--server", "http://testserver"], env=env)
        assert got.exit_code == 0, got.output
        assert re.search(r"restored \d+ quads in \d+ named graphs \(backup of \d{4}-", got.output), got.output
