"""Reading a response in a worker process that can be stopped: a hard bound on time and memory.

The readers check their limits cooperatively (:mod:`ingest.limits`), which bounds every stage
written in Python. The parsers underneath are C or library code that no check can interrupt,
and some are super-linear on hostile input: lexbor's HTML5 tree builder takes 59 s on 80,000
nested ``<div>`` (the "p in button scope" check walks the open-element stack at every block
tag) and 17 s on 40,000 misnested ``<font><div>``. So ingest reads each file in a worker
process (``python -m ingest.sandbox``, a fresh interpreter: no fork of the threaded server, no
re-import of the caller's main module). The worker caps its own address space (``RLIMIT_AS``)
and the parent kills it when ``max_seconds_per_file`` is spent; a crash, a kill or an out-of-memory
error becomes a :class:`DocumentReadError` for that file and the next file gets a new worker.
Reading stays a pure function: the worker runs :func:`ingest.readers.read_response` and sends
the document back pickled over a pipe.

Cost: one interpreter start (about a second) per process and after each kill, then a few
milliseconds per file.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ingest.errors import DocumentReadError
from ingest.limits import Deadline, ReadLimits, human_bytes
from ingest.model import ResponseDocument
from ingest.readers import read_response

__all__ = ["read_isolated", "stop_worker"]

log = logging.getLogger(__name__)

_PRELOAD = ("selectolax.lexbor", "pypdf", "docx", "charset_normalizer", "yaml")


def _limit_memory(extra_bytes: int) -> None:
    """Cap the child's address space at what it has now plus ``extra_bytes`` (Linux)."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        now = pages * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (now + extra_bytes, now + extra_bytes))
    except (ImportError, OSError, ValueError):  # not Linux: the time bound still holds
        pass


def _read_message(path: str, limits: ReadLimits) -> tuple[Any, ...]:
    try:
        return ("ok", read_response(Path(path), limits))
    except DocumentReadError as exc:
        return ("refused", str(exc.path), exc.reason)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # a reader bug: the parent names the file and says so
        return ("error", f"{type(exc).__name__}: {exc}")


def _serve(read_fd: int, write_fd: int, memory_bytes: int) -> None:
    """The worker's loop: (path, limits) in, a message out, until the parent closes the pipe."""
    import importlib
    import logging as _logging

    for name in _PRELOAD:  # imported before the cap, so the cap is all for reading
        importlib.import_module(name)
    _logging.getLogger("pypdf").setLevel(_logging.ERROR)
    _limit_memory(memory_bytes)
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    while True:
        try:
            path, limits = inbox.recv()
        except EOFError:
            return
        message = _read_message(path, limits)
        try:
            outbox.send(message)
        except MemoryError:
            outbox.send(("memory",))


class _Worker:
    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "ingest.sandbox",
                    str(to_child_r),
                    str(from_child_w),
                    str(memory_bytes),
                ],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                cwd=Path(__file__).resolve().parent.parent,  # ingest/ importable whatever the caller's cwd
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)

    def stop(self) -> None:
        for conn in (self.outbox, self.inbox):
            conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_lock = threading.Lock()
_worker: _Worker | None = None


def stop_worker() -> None:
    """End the worker process (it also ends by itself when this process exits)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None


def _memory_error(path: Path, limits: ReadLimits) -> DocumentReadError:
    return DocumentReadError(
        path,
        f"reading the file needed more than {human_bytes(limits.max_read_memory_bytes)} of memory "
        "(limit max_read_memory_bytes, setting POLICYKG_MAX_READ_MEMORY_BYTES); "
        "it is too large or built to be hostile: split it or save it again",
    )


def read_isolated(path: Path, limits: ReadLimits, deadline: Deadline | None = None) -> ResponseDocument:
    """:func:`read_response` in the worker process, killed at the deadline and capped in memory."""
    global _worker
    path = Path(path)
    deadline = deadline or limits.deadline(path)
    with _lock:
        if _worker is not None and (
            _worker.memory_bytes != limits.max_read_memory_bytes or _worker.process.poll() is not None
        ):
            _worker.stop()
            _worker = None
        try:
            if _worker is None:
                _worker = _Worker(limits.max_read_memory_bytes)
            worker = _worker
            worker.outbox.send((str(path), limits))
        except OSError as exc:
            log.warning("reading %s in this process: no worker process (%s)", path, exc)
            return read_response(path, limits, deadline)
        # The worker checks the clock itself and says where it stopped; this is the backstop.
        remaining = max(0.0, limits.max_seconds_per_file - deadline.elapsed) + 1.0
        if not worker.inbox.poll(remaining):
            worker.stop()
            _worker = None
            raise limits.refuse(
                path,
                f"reading did not finish in {deadline.elapsed:.1f} s and was stopped",
                "max_seconds_per_file",
                "the file is too large or built to be hostile: split it or save it again",
            )
        try:
            message = worker.inbox.recv()
        except (EOFError, OSError):
            code = worker.process.wait()
            worker.stop()
            _worker = None
            if code == -signal.SIGKILL:  # the kernel's out-of-memory killer
                raise _memory_error(path, limits) from None
            raise DocumentReadError(
                path,
                f"the reader stopped on this file (exit code {code}); it is damaged or built to be hostile, "
                "save it again or convert it to PDF",
            ) from None
        if message[0] in ("memory", "error"):  # a worker that ran out of memory is not trusted again
            worker.stop()
            _worker = None
    status = message[0]
    if status == "ok":
        doc: ResponseDocument = message[1]
        doc.path = path  # the caller's spelling of the path
        return doc
    if status == "refused":
        raise DocumentReadError(path if message[1] == str(path) else Path(message[1]), message[2])
    if status == "memory":
        raise _memory_error(path, limits)
    raise DocumentReadError(path, f"internal error while reading (please report): {message[1]}")


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
