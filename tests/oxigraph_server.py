"""A real ``oxigraph serve`` for the remote-store tests, on a free loopback port.

The binary comes with the PyPI package ``oxigraph`` (a dev dependency, installed in CI), so a
missing binary is a broken environment: the fixture fails with a clear message instead of
skipping, which would turn the remote-store tests silently green.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

__all__ = ["OxigraphServer", "find_oxigraph", "oxigraph_server", "running_oxigraph_server"]

_STARTUP_TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class OxigraphServer:
    base_url: str  # e.g. http://127.0.0.1:40123; /query, /update and /store below it
    location: Path
    command: tuple[str, ...]


def find_oxigraph() -> str:
    # Prefer the binary next to the running interpreter (the project venv), then PATH.
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail(
            "the 'oxigraph' server binary is missing: install the dev dependencies "
            "(pip install -e '.[dev]' installs the PyPI package 'oxigraph'), then rerun",
            pytrace=False,
        )
    return found


def _free_port() -> int:
    # Bind to port 0 to let the kernel pick; the tiny race until oxigraph binds is acceptable in tests.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_oxigraph_server(location: Path) -> Iterator[OxigraphServer]:
    """Start ``oxigraph serve`` (union default graph, loopback only) and stop it on exit."""
    port = _free_port()
    command = (
        find_oxigraph(),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    )
    log_path = location.parent / f"{location.name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_ready(process, base_url, log_path)
            yield OxigraphServer(base_url, location, command)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"oxigraph serve exited with code {process.returncode}: {log_path.read_text(errors='replace')}",
                pytrace=False,
            )
        try:
            response = httpx.post(
                f"{base_url}/query",
                content=b"ASK {}",
                headers={"Content-Type": "application/sparql-query"},
                timeout=1.0,
            )
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.05)
    pytest.fail(f"oxigraph serve did not answer on {base_url} within {_STARTUP_TIMEOUT_S:g} s", pytrace=False)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One server for the whole session; tests empty it before use."""
    with running_oxigraph_server(tmp_path_factory.mktemp("oxigraph-server") / "data") as server:
        yield server
