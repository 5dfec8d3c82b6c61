"""A query worker process: ``python -m graph._query_worker STACK_MB MEMORY_MB``.

Started and killed by :class:`graph.query_pool.QueryPool`. Reads requests from stdin and
writes answers to the original stdout (anything printed goes to stderr instead), both as
length-prefixed frames: a JSON header, and for a result the body as raw bytes. Each
request names a read-only snapshot of the store; the worker keeps the last one open, so
a query costs one round trip. Queries run on a thread with a large native stack, so a
query that slipped past the guard's nesting limits still has room to fail cleanly. On
Linux the worker first moves into a network namespace of its own, with no interface up:
even a ``SERVICE`` that slipped past the guard could not reach any address. Ends
at end of input (the parent closed the pipe), or within a second of the parent's death
even in the middle of a query.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import threading
import time
from typing import IO, Any

_HEADER = struct.Struct(">I")
_WATCH_S = 1.0  # how often the worker checks that the server that started it is still there


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame, or None at a clean end of input."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def write_frames(stream: IO[bytes], *frames: bytes) -> None:
    stream.write(b"".join(_HEADER.pack(len(f)) + f for f in frames))
    stream.flush()


def go_offline() -> bool:
    """Leave the network: a new, empty network namespace (Linux; as root, or via a user namespace).

    Returns whether it worked; where the kernel does not allow it the guard alone stops SERVICE.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    return any(libc.unshare(flags) == 0 for flags in (clone_newnet, clone_newuser | clone_newnet))


def _answer(request: dict[str, Any], stores: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    import pyoxigraph as ox

    from graph.errors import StoreUnavailableError
    from graph.results import QueryLimits, render_result, run_query
    from ingest.errors import PolicykgError

    snapshot = request["snapshot"]
    try:
        if snapshot not in stores:
            stores.clear()  # one snapshot open at a time (pyoxigraph closes a store when it is collected)
            try:
                stores[snapshot] = ox.Store.read_only(snapshot)
            except OSError as exc:
                raise StoreUnavailableError(f"cannot open the graph snapshot {snapshot}: {exc}") from exc
        limits = QueryLimits(**request["limits"])
        started = time.monotonic()
        result = run_query(stores[snapshot], request["query"], limits)
        raw = render_result(result, request["accept"], limits, started)
    except PolicykgError as exc:
        return {"ok": False, "error": type(exc).__name__, "message": str(exc)}, b""
    except Exception as exc:  # whatever the engine raises becomes a clean error
        return {"ok": False, "error": "QueryError", "message": f"the query failed: {exc}"}, b""
    return {"ok": True, "media_type": raw.media_type, "kind": raw.kind}, raw.body


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    stores: dict[str, Any] = {}
    while (frame := read_frame(requests)) is not None:
        header, body = _answer(json.loads(frame), stores)
        write_frames(answers, json.dumps(header).encode("utf-8"), body)


def main(argv: list[str]) -> None:
    stack_mb, memory_mb = (int(a) for a in argv[:2])
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the answers
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    go_offline()
    parent = os.getppid()
    threading.stack_size(stack_mb * 1024 * 1024)
    worker = threading.Thread(
        target=_serve, args=(sys.stdin.buffer, answers), name="policykg-query", daemon=True
    )
    worker.start()
    while worker.is_alive():
        worker.join(timeout=_WATCH_S)
        if os.getppid() != parent:  # the server died mid-query: do not run on as an orphan
            os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
