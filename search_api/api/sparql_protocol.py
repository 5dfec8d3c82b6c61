"""SPARQL 1.1 Protocol helpers: what kind of request a text is, and bounded execution.

Content negotiation is :func:`graph.results.negotiate`, the same the stores use.

The store itself can only *query* (pyoxigraph's ``Store.query`` and a remote query
endpoint reject updates), so the endpoint is read-only whatever we detect here; the
detection only turns an update into a clear 403 instead of a parser error.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from graph.errors import QueryTimeoutError
from graph.results import QueryLimits, RawResult
from graph.store import GraphStore, OxigraphStore
from search_api.api.errors import ApiError

if TYPE_CHECKING:
    from graph.query_pool import QueryPool

__all__ = ["UPDATE_KEYWORDS", "QueryRunner", "request_form"]

T = TypeVar("T")
_SAFETY_S = 5.0  # beyond a pool's own deadline: only if a worker could not even be killed

UPDATE_KEYWORDS = frozenset(
    {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
)
_FORMS = {"select": "results", "ask": "results", "construct": "graph", "describe": "graph"}

# The prologue (BASE and PREFIX declarations, comments, white space) before the first keyword.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|$)|BASE\s*<[^>\s]*>|PREFIX\s+[^\s:]*:\s*<[^>\s]*>)*", re.IGNORECASE
)
_KEYWORD = re.compile(r"[A-Za-z]+")


def request_form(text: str) -> Literal["results", "graph", "update"] | None:
    """``results`` (SELECT/ASK), ``graph`` (CONSTRUCT/DESCRIBE), ``update``, or None when unclear."""
    prologue = _PROLOGUE.match(text)
    keyword = _KEYWORD.match(text, prologue.end() if prologue else 0)
    if keyword is None:
        return None
    word = keyword.group(0).lower()
    if word in UPDATE_KEYWORDS:
        return "update"
    form = _FORMS.get(word)
    return "results" if form == "results" else "graph" if form == "graph" else None


def _without_frames(exc: BaseException) -> BaseException:
    """Drop the tracebacks here, in the worker: their frames hold pyoxigraph iterators, which
    must be freed on the thread that made them (PyO3 "unsendable" objects)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        stack += [current.__cause__, current.__context__]
    return exc


class QueryRunner:
    """Runs analysts' queries with bounded concurrency, and answers at the deadline.

    On the embedded store every query runs in a worker process of the store's
    :class:`~graph.query_pool.QueryPool`: at the deadline the process is killed and
    replaced, so the query's slot *and* its CPU are free again. Elsewhere (a remote SPARQL
    server, an in-memory store) the query runs in a daemon thread: a remote query ends at
    the HTTP client's timeout, and an in-memory store exists only in tests.

    ``max_concurrent`` slots (one per worker): when all are taken the endpoint says so at
    once (503) instead of queueing, and ``/healthz`` reports "busy".
    """

    def __init__(self, max_concurrent: int = 4) -> None:
        self.capacity = max_concurrent
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._count_lock = threading.Lock()
        self._in_use = 0

    @property
    def in_use(self) -> int:
        """Slots taken right now (queries running, or threads not yet back from an abandoned one)."""
        return self._in_use

    def pool(self, store: object, memory_mb: int = 0, *, start: bool = True) -> QueryPool | None:
        """The store's worker pool when it has one (embedded Oxigraph on disk), else None."""
        if isinstance(store, OxigraphStore):
            return store.query_pool(self.capacity, memory_mb=memory_mb, start=start)
        return None

    async def query(
        self, store: GraphStore, text: str, media: str, limits: QueryLimits, memory_mb: int = 0
    ) -> RawResult:
        """``store.query_raw`` in a worker process where the store allows it, else in a thread."""
        pool = self.pool(store, memory_mb)
        timeout = limits.timeout_s if limits.timeout_s is not None else 3600.0
        if pool is None:
            return await self.run(lambda: store.query_raw(text, media, limits), timeout)
        # The pool kills the worker at the deadline; waiting longer here is only a safety net.
        return await self.run(lambda: pool.run(text, media, limits), timeout, stopped_by_callee=True)

    async def run(self, func: Callable[[], T], timeout_s: float, *, stopped_by_callee: bool = False) -> T:
        if not self._slots.acquire(blocking=False):
            raise ApiError(
                503,
                "too many SPARQL queries are running; try again shortly, and add a LIMIT to heavy queries",
                headers={"Retry-After": "5"},
            )
        with self._count_lock:
            self._in_use += 1
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def deliver(result: T | None, error: BaseException | None) -> None:
            if future.done():  # the client was already answered (timeout)
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)  # type: ignore[arg-type]

        def work() -> None:
            result: T | None = None
            error: BaseException | None = None
            try:
                result = func()
            except BaseException as exc:
                error = _without_frames(exc)
            finally:
                with self._count_lock:
                    self._in_use -= 1
                self._slots.release()
            with contextlib.suppress(RuntimeError):  # the event loop is gone (shutdown): nobody waits
                loop.call_soon_threadsafe(deliver, result, error)

        threading.Thread(target=work, name="policykg-sparql", daemon=True).start()
        wait = timeout_s + _SAFETY_S if stopped_by_callee else timeout_s
        try:
            return await asyncio.wait_for(future, wait)  # cancels only the waiting, not the thread
        except TimeoutError:
            raise QueryTimeoutError(
                f"the query ran longer than {timeout_s:g} s and was abandoned; narrow it down or add a LIMIT"
            ) from None
