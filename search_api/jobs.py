"""Background jobs for the HTTP API: uploaded files are ingested one at a time, off the request.

``POST /documents`` stores the file under ``<data-dir>/uploads/`` and queues a job; one
worker thread runs the jobs in order. The reading and analysis of a file (the part that
can take long on hostile input) runs in a child process, so it holds neither the GIL nor
any lock, and a shutdown or a timeout can stop it at once (SIGKILL). The parent then
writes the graph and, holding the readers' lock only for each short index write,
reconciles the index (:mod:`search_api.sync`).

Jobs live in memory: a restart forgets them, and the files a stopped server left in
``uploads/`` are removed when the next one starts.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import queue
import shutil
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ingest.errors import InputError, PolicykgError
from search_api.backup import Restored, SavedBackup
from search_api.errors import QueueFullError

if TYPE_CHECKING:
    from search_api.service import LockFactory, PolicyKG
    from search_api.settings import Settings

__all__ = [
    "Job",
    "JobCancelled",
    "JobKind",
    "JobResult",
    "JobRunner",
    "JobState",
    "QueueFullError",
    "ReconcileResult",
    "UploadFailure",
    "UploadResult",
]

log = logging.getLogger("policykg.jobs")

_KEEP_FINISHED = 1000  # finished jobs remembered for GET /jobs/{id}
_POLL_S = 0.1


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class JobCancelled(BaseException):
    """The server is stopping: the running job is abandoned (its child process killed).

    A BaseException, like ``asyncio.CancelledError``: it must pass through ingest's
    ``except Exception`` that keeps a batch going after one file's bug.
    """


@dataclass(frozen=True, slots=True)
class UploadFailure:
    """Why an uploaded file was not ingested (paths on the server replaced by the file's name)."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadResult:
    """An upload's ingest: the file ingested, unchanged or failed, and the work it took."""

    ingested: list[str]
    unchanged: list[str]
    failed: list[UploadFailure]
    reference_changed: bool
    embedded: int  # texts sent to the embedding model
    indexed: int  # points written to the index


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconcileResult:
    """A reconcile: graphs re-indexed, graphs whose points were removed, items written."""

    reindexed: int
    removed: int
    indexed: int


JobKind = Literal["upload", "reconcile", "backup", "restore"]
JobResult = UploadResult | ReconcileResult | SavedBackup | Restored


@dataclass(slots=True)
class Job:
    id: str
    kind: JobKind
    file_name: str | None
    state: JobState = JobState.queued
    message: str | None = None
    result: JobResult | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    path: Path | None = None  # the stored upload, removed when the job ends
    call: Callable[[], JobResult] | None = None  # the work of a job that is not an upload


def _child_build(conn: multiprocessing.connection.Connection, spec: dict[str, Any]) -> None:
    """Runs in the child process: read and analyse one file, send back its graph or the reason it failed."""
    try:
        from graph.iris import IriMinter
        from ingest.embedding import create_embedder
        from ingest.embedding_cache import CachedEmbedder
        from ingest.pipeline import Analyser
        from ingest.reference import load_reference
        from search_api.service import build_document

        ref = load_reference(Path(spec["reference"]))
        embedder = CachedEmbedder(create_embedder(spec["embedder"]), Path(spec["cache"]))
        try:
            analyser = Analyser(ref, embedder, limits=spec["limits"])
            name, ntriples = build_document(
                Path(spec["path"]), spec["key"], ref, IriMinter(spec["base_iri"]), analyser
            )
        finally:
            embedder.close()
        conn.send(("ok", name, ntriples))
    except PolicykgError as exc:
        conn.send(("input", str(exc), ""))
    except Exception as exc:  # reported to the job as an internal error
        conn.send(("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()


class JobRunner:
    """One worker thread running queued jobs in order; see the module docstring."""

    def __init__(
        self,
        kg: PolicyKG,
        settings: Settings,
        lock: LockFactory,
        *,
        max_queued: int = 100,
        timeout_s: float | None = None,
    ) -> None:
        self.kg = kg
        self.settings = settings
        self.lock = lock
        self.uploads = settings.data_dir / "uploads"
        self.timeout_s = timeout_s
        self._queue: queue.Queue[Job | None] = queue.Queue(maxsize=max_queued)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._jobs_lock = threading.Lock()
        self._stop = threading.Event()
        self._child: multiprocessing.process.BaseProcess | None = None
        self._thread: threading.Thread | None = None
        # What the child process runs (a module-level function; tests put a slow one here).
        self.child_target: Any = _child_build

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self.clean_uploads()
        self._thread = threading.Thread(target=self._work, name="policykg-jobs", daemon=True)
        self._thread.start()

    def clean_uploads(self) -> int:
        """Remove what a stopped or killed server left in ``uploads/``; returns how many entries."""
        if not self.uploads.is_dir():
            return 0
        n = 0
        for entry in self.uploads.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            n += 1
        if n:
            log.info("removed %d leftover upload(s) from %s", n, self.uploads)
        return n

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop promptly: kill a running analysis, fail what is queued, remove stored uploads."""
        self._stop.set()
        child = self._child
        if child is not None and child.is_alive():
            child.kill()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)  # wake the worker
        if self._thread is not None:
            self._thread.join(timeout_s)
        with self._jobs_lock:
            for job in self._jobs.values():
                if job.state in (JobState.queued, JobState.running):
                    self._finish(
                        job, JobState.failed, "the server stopped before the job finished; upload again"
                    )
        self.clean_uploads()

    # -- submitting and reading -------------------------------------------------------------
    def new_upload_folder(self) -> Path:
        self.uploads.mkdir(parents=True, exist_ok=True)
        folder = self.uploads / uuid.uuid4().hex
        folder.mkdir()
        return folder

    def submit_upload(self, path: Path) -> Job:
        return self._submit(Job(id=uuid.uuid4().hex, kind="upload", file_name=path.name, path=path))

    def submit_reconcile(self) -> Job:
        return self._submit(Job(id=uuid.uuid4().hex, kind="reconcile", file_name=None))

    def submit_call(self, kind: JobKind, call: Callable[[], JobResult]) -> Job:
        """Queue any other work (a backup): it runs in turn with the uploads, what it returns is the result."""
        return self._submit(Job(id=uuid.uuid4().hex, kind=kind, file_name=None, call=call))

    def _submit(self, job: Job) -> Job:
        if self._stop.is_set():
            raise QueueFullError("the server is stopping; try again when it is back")
        with self._jobs_lock:
            try:
                self._queue.put_nowait(job)
            except queue.Full:
                raise QueueFullError(
                    f"{self._queue.maxsize} jobs are already waiting; try again in a while"
                ) from None
            self._jobs[job.id] = job
            while len(self._jobs) > _KEEP_FINISHED:
                oldest = next(iter(self._jobs.values()))
                if oldest.state in (JobState.queued, JobState.running):
                    break
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._jobs_lock:
            return self._jobs.get(job_id)

    def recent(self, n: int = 50) -> list[Job]:
        with self._jobs_lock:
            return list(self._jobs.values())[-n:][::-1]

    # -- the worker ---------------------------------------------------------------------------
    def _finish(self, job: Job, state: JobState, message: str | None) -> None:
        job.state, job.message, job.finished = state, message, time.time()

    def _work(self) -> None:
        while not self._stop.is_set():
            job = self._queue.get()
            if job is None or self._stop.is_set():
                break
            job.state, job.started = JobState.running, time.time()
            try:
                if job.kind == "reconcile":
                    self._run_reconcile(job)
                elif job.call is not None:
                    job.result = job.call()
                    self._finish(job, JobState.done, None)
                else:
                    self._run_upload(job)
            except JobCancelled:
                self._finish(job, JobState.failed, "the server stopped before the job finished; upload again")
                break
            except PolicykgError as exc:
                self._finish(job, JobState.failed, str(exc))
            except Exception as exc:  # a bug: the worker must survive it
                log.exception("job %s failed", job.id)
                self._finish(
                    job, JobState.failed, f"internal error (please report): {type(exc).__name__}: {exc}"
                )
            finally:
                if job.path is not None:
                    shutil.rmtree(job.path.parent, ignore_errors=True)

    def _run_reconcile(self, job: Job) -> None:
        sync = self.kg.reconcile(lock=self.lock, stop=self._stop.is_set)
        job.result = ReconcileResult(
            reindexed=len(sync.reindexed), removed=len(sync.removed), indexed=sync.items
        )
        self._finish(job, JobState.done, None)

    def _run_upload(self, job: Job) -> None:
        assert job.path is not None
        path, name = job.path, job.path.name
        report = self.kg.ingest([path], lock=self.lock, build=self._build_in_child, stop=self._stop.is_set)
        result = UploadResult(
            ingested=list(report.ingested),
            unchanged=list(report.unchanged),
            failed=[
                UploadFailure(name, f.reason.replace(str(path), name).replace(str(path.parent), "upload"))
                for f in report.failed
            ],
            reference_changed=report.reference_changed,
            embedded=report.embedded,
            indexed=report.indexed,
        )
        job.result = result
        if result.failed:
            reasons = "; ".join(f.reason for f in result.failed)
            self._finish(job, JobState.failed, f"could not ingest {name}: {reasons}")
        elif not (report.ingested or report.unchanged):
            self._finish(job, JobState.failed, f"{name} is not a response file policykg can read")
        else:
            self._finish(job, JobState.done, None)

    def _build_in_child(self, path: Path, key: str) -> tuple[str, str]:
        """The analysis of one file in a child process that :meth:`stop` (or the timeout) can kill."""
        if self._stop.is_set():
            raise JobCancelled
        spec = {
            "path": str(path),
            "key": key,
            "reference": str(self.settings.reference_copy),
            "embedder": self.settings.embedder,
            "cache": str(self.settings.embedding_cache_path),
            "base_iri": self.settings.base_iri,
            "limits": self.settings.read_limits(),  # the same reading bounds as `policykg ingest`
        }
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        parent, child_end = ctx.Pipe(duplex=False)
        child = ctx.Process(
            target=self.child_target, args=(child_end, spec), name="policykg-ingest", daemon=True
        )
        child.start()
        child_end.close()
        self._child = child
        started = time.monotonic()
        try:
            while not parent.poll(_POLL_S):
                if self._stop.is_set():
                    raise JobCancelled
                if not child.is_alive() and not parent.poll(0):
                    raise InputError(
                        f"{path}: reading the file stopped unexpectedly (exit code {child.exitcode}); "
                        "it may be too large or malformed"
                    )
                if self.timeout_s is not None and time.monotonic() - started > self.timeout_s:
                    raise InputError(f"{path}: reading took longer than {self.timeout_s:.0f} s; stopped")
            try:
                kind, first, second = parent.recv()
            except EOFError:
                raise InputError(
                    f"{path}: reading the file stopped unexpectedly; it may be malformed"
                ) from None
        finally:
            if child.is_alive():
                child.kill()
            child.join(5)
            parent.close()
            self._child = None
        if kind == "ok":
            return str(first), str(second)
        if kind == "input":
            raise InputError(str(first))
        raise RuntimeError(f"{first}\n{second}")
