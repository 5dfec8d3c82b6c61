"""Run analysts' SPARQL queries in worker processes that can be killed: a timeout frees its CPU.

pyoxigraph evaluates a query in native code that cannot be interrupted from Python, so a
thread given up at its deadline runs on and keeps a core busy. Here each query runs in one
of a few warm worker processes (``graph._query_worker``); at the deadline the worker is
killed, reaped and replaced, and the caller gets :class:`QueryTimeoutError`. A worker
that dies on a query (a native crash, the memory limit) is replaced the same way and the
caller gets a :class:`QueryError`, never a dead server. Workers run with a large native
stack, an optional address-space cap, and (on Linux) no network at all.

The workers cannot open the live store: RocksDB allows one writer, and a read-only open
of a store another process writes to is undefined (in practice "Corruption: ... .sst: No
such file"). So they read a *snapshot*: Oxigraph's online backup (a RocksDB checkpoint,
hard links to the immutable table files, ~15 ms on the sample hearing), taken when the
store's files have changed since the last one (writes append to the write-ahead log, so a
stat of the folder is enough to tell) and deleted once no running query reads it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from graph._query_worker import write_frames
from graph.errors import (
    QueryError,
    QueryForbiddenError,
    QueryTimeoutError,
    QueryTooComplexError,
    ResultTooLargeError,
    StoreUnavailableError,
)
from graph.results import QueryLimits, RawResult

__all__ = ["PoolStats", "QueryPool"]

# The worker's errors are re-raised here by class name; anything else is a plain QueryError.
_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in (
        QueryError,
        QueryTimeoutError,
        ResultTooLargeError,
        QueryTooComplexError,
        QueryForbiddenError,
        StoreUnavailableError,
    )
}
_GRACE_S = 0.25  # a worker's own deadline (between rows) fires first; the kill is for a stuck engine


class _WorkerGone(Exception):
    """The worker stopped answering: past the deadline, or dead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Worker:
    """One worker process and the two pipes to it."""

    def __init__(self, stack_mb: int, memory_mb: int) -> None:
        # The memory cap is on address space (RLIMIT_AS), and glibc reserves 64 MB of it for each thread's
        # malloc arena: a fresh worker reserved ~850 MB while using ~35 MB, so a trivial query could hit a
        # 1024 MB cap when its threads happened to allocate at once. Two arenas leave the cap to the query.
        env = {**os.environ, "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph._query_worker", str(stack_mb), str(memory_mb)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C in the server's terminal is the server's to handle
        )
        self.pid = self.proc.pid
        self._buffer = bytearray()

    def ask(self, request: bytes, deadline: float) -> tuple[dict[str, object], bytes]:
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        try:
            write_frames(stdin, request)
        except (BrokenPipeError, OSError):
            raise _WorkerGone(self._death()) from None
        header = json.loads(self._frame(stdout.fileno(), deadline))
        body = self._frame(stdout.fileno(), deadline)
        return header, body

    def _frame(self, fd: int, deadline: float) -> bytes:
        size = int.from_bytes(self._read(fd, 4, deadline), "big")
        return self._read(fd, size, deadline)

    def _read(self, fd: int, size: int, deadline: float) -> bytes:
        while len(self._buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _WorkerGone("deadline")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, max(1 << 16, size - len(self._buffer)))
            if not chunk:
                raise _WorkerGone(self._death())
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _death(self) -> str:
        code = self.proc.wait()
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"the query engine was stopped by {signal.Signals(-code).name}"
        return f"the query engine exited with status {code}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, *, kill: bool) -> None:
        """End the process and reap it (so its CPU and pid are freed before this returns)."""
        if kill:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close() if pipe is not None else None
        try:
            self.proc.wait(timeout=None if kill else 2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass(slots=True)
class _Snapshot:
    path: Path
    fingerprint: tuple[tuple[str, int, int], ...]
    users: int = 0
    retired: bool = False


@dataclass(frozen=True, slots=True)
class PoolStats:
    size: int
    busy: int
    pids: tuple[int, ...]
    killed: int  # workers killed at a deadline or found dead since the pool started


def _remove_orphans(shared: Path) -> None:
    """Delete the snapshot folders of pools whose process is gone (killed before it could clean up)."""
    if not shared.is_dir():
        return
    for folder in shared.iterdir():
        pid = folder.name.split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # someone else's live process


class QueryPool:
    """``size`` warm worker processes over snapshots of an embedded store at ``live_path``."""

    def __init__(
        self,
        source: ox.Store,
        live_path: Path,
        size: int = 4,
        *,
        stack_mb: int = 256,
        memory_mb: int = 0,
    ) -> None:
        self._source = source
        self._live = Path(live_path)
        shared = self._live.parent / f"{self._live.name}.query-snapshots"
        self._root = shared / f"{os.getpid()}-{id(self):x}"
        self._stack_mb, self._memory_mb, self._size = stack_mb, memory_mb, size
        self._lock = threading.Lock()
        self._available = threading.Condition(self._lock)
        try:
            _remove_orphans(shared)
            self._root.mkdir(parents=True)
            self._idle: list[_Worker] = [_Worker(stack_mb, memory_mb) for _ in range(size)]
        except OSError as exc:
            raise StoreUnavailableError(
                f"cannot start the SPARQL query workers ({exc}); the folder {shared} must be writable"
            ) from exc
        self._busy: set[_Worker] = set()
        self._snapshot: _Snapshot | None = None
        self._names = itertools.count(1)
        self._killed = 0
        self._closed = False

    # -- running ------------------------------------------------------------------------------
    def run(self, query: str, accept: str, limits: QueryLimits, *, wait_s: float = 5.0) -> RawResult:
        """Run one query in a worker; blocks until it answers, fails, or its deadline passes."""
        worker = self._take(wait_s)
        try:
            snapshot = self._acquire_snapshot()
        except BaseException:
            self._give_back(worker)
            raise
        timeout = limits.timeout_s
        deadline = time.monotonic() + (timeout + _GRACE_S if timeout is not None else 1e9)

        def request(snap: _Snapshot) -> bytes:
            fields = {"snapshot": str(snap.path), "query": query, "accept": accept, "limits": asdict(limits)}
            return json.dumps(fields).encode("utf-8")

        try:
            header, body = worker.ask(request(snapshot), deadline)
            if header.get("error") == StoreUnavailableError.__name__:  # the snapshot went missing
                with self._lock:
                    if self._snapshot is snapshot:
                        self._snapshot = None
                        snapshot.retired = True
                fresh = self._acquire_snapshot()
                try:
                    header, body = worker.ask(request(fresh), deadline)
                finally:
                    self._release_snapshot(fresh)
        except _WorkerGone as gone:
            self._replace(worker)
            if gone.reason == "deadline":
                raise QueryTimeoutError(
                    f"the query ran longer than {timeout:g} s and was stopped; narrow it down or add a LIMIT"
                ) from None
            cap = f" (a worker may use {self._memory_mb} MB)" if self._memory_mb else ""
            raise QueryError(
                f"{gone.reason} while running this query: it needed more memory than a query worker "
                f"may use{cap} or is nested too deeply; simplify it or add a LIMIT"
            ) from None
        finally:
            self._release_snapshot(snapshot)
        self._give_back(worker)
        if not header.get("ok"):
            error = _ERRORS.get(str(header.get("error")), QueryError)
            raise error(str(header.get("message")))
        return RawResult(body, str(header["media_type"]), header["kind"])  # type: ignore[arg-type]

    def stats(self) -> PoolStats:
        with self._lock:
            workers = [*self._idle, *self._busy]
            return PoolStats(
                size=len(workers),
                busy=len(self._busy),
                pids=tuple(sorted(w.pid for w in workers)),
                killed=self._killed,
            )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._available.notify_all()
        for worker in workers:
            worker.stop(kill=worker in self._busy)
        shutil.rmtree(self._root, ignore_errors=True)
        with contextlib.suppress(OSError):
            self._root.parent.rmdir()  # only when no other pool's folder is left

    # -- workers ------------------------------------------------------------------------------
    def _take(self, wait_s: float) -> _Worker:
        with self._available:
            if not self._available.wait_for(
                lambda: self._idle or self._closed or self._short(), timeout=wait_s
            ):
                raise StoreUnavailableError("every query worker is busy; try again shortly")
            if self._closed:
                raise StoreUnavailableError("the graph store is closing")
            if not self._idle:
                try:
                    self._idle.append(_Worker(self._stack_mb, self._memory_mb))
                except OSError as exc:
                    raise StoreUnavailableError(f"cannot start a SPARQL query worker: {exc}") from exc
            worker = self._idle.pop()
            self._busy.add(worker)
        if not worker.alive():  # died while idle (killed from outside): start another
            self._killed += 1
            worker = self._swap(worker)
        return worker

    def _short(self) -> bool:
        """Fewer workers than slots (a replacement could not be started): the next query starts one."""
        return len(self._idle) + len(self._busy) < self._size

    def _give_back(self, worker: _Worker) -> None:
        with self._available:
            self._busy.discard(worker)
            if self._closed:
                worker.stop(kill=True)
                return
            self._idle.append(worker)
            self._available.notify()

    def _replace(self, worker: _Worker) -> None:
        """Kill and reap a worker that overran or died, and put a fresh one in its place."""
        worker.stop(kill=True)
        with self._lock:
            self._busy.discard(worker)
            if self._closed:
                return
            self._killed += 1
        try:
            fresh = _Worker(self._stack_mb, self._memory_mb)
        except OSError:  # no process to be had now (fork or file limits): the next query starts one
            return
        self._give_back(fresh)

    def _swap(self, old: _Worker) -> _Worker:
        old.stop(kill=True)
        try:
            new = _Worker(self._stack_mb, self._memory_mb)
        except OSError as exc:
            with self._lock:
                self._busy.discard(old)
            raise StoreUnavailableError(f"cannot start a SPARQL query worker: {exc}") from exc
        with self._lock:
            self._busy.discard(old)
            self._busy.add(new)
        return new

    # -- snapshots ----------------------------------------------------------------------------
    def _fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        entries = []
        for entry in os.scandir(self._live):
            if entry.name.startswith("LOG") or entry.name == "LOCK":
                continue  # RocksDB's info log is written without any change to the data
            stat = entry.stat()
            entries.append((entry.name, stat.st_size, stat.st_mtime_ns))
        return tuple(sorted(entries))

    def _acquire_snapshot(self) -> _Snapshot:
        with self._lock:
            fingerprint = self._fingerprint()
            current = self._snapshot
            if current is None or current.fingerprint != fingerprint:
                path = self._root / str(next(self._names))
                try:
                    self._source.backup(str(path))
                except OSError as exc:
                    raise StoreUnavailableError(
                        f"cannot snapshot the graph store for a query: {exc}"
                    ) from exc
                if current is not None:
                    current.retired = True
                    self._drop_if_unused(current)
                current = self._snapshot = _Snapshot(path, fingerprint)
            current.users += 1
            return current

    def _release_snapshot(self, snapshot: _Snapshot) -> None:
        with self._lock:
            snapshot.users -= 1
            self._drop_if_unused(snapshot)

    @staticmethod
    def _drop_if_unused(snapshot: _Snapshot) -> None:
        if snapshot.retired and snapshot.users == 0:
            shutil.rmtree(snapshot.path, ignore_errors=True)
