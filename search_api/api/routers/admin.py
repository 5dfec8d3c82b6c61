"""``POST /backup`` and ``POST /restore``: run by the server itself (the CLI cannot open a served data dir)."""

from __future__ import annotations

import time
from dataclasses import asdict

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from ingest.errors import InputError
from search_api.api.deps import State, require_writer
from search_api.api.errors import ApiError, error_responses
from search_api.api.routers.jobs import JobOut, Jobs
from search_api.jobs import QueueFullError

__all__ = ["router"]

router = APIRouter(tags=["admin"])


@router.post(
    "/backup",
    status_code=202,
    response_model=JobOut,
    dependencies=[Depends(require_writer)],
    responses=error_responses(401, 403, 503),
)
def backup(state: State, jobs: Jobs, response: Response) -> JobOut:
    """Queue a backup into ``<data-dir>/backups/<UTC time>/`` (graph, curated decisions, reference data,
    embedding cache); ``GET /jobs/{id}`` gives its folder. ``policykg backup DIR --server URL`` uses this.
    """
    from search_api.backup import SavedBackup, write_backup

    kg = state.kg
    target = state.settings.data_dir / "backups" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())

    def run() -> SavedBackup:
        folder = target
        n = 1
        while folder.exists():  # two backups in one second
            n += 1
            folder = target.with_name(f"{target.name}-{n}")
        return SavedBackup(**asdict(write_backup(kg, folder)), path=str(folder))

    try:
        job = jobs.submit_call("backup", run)
    except QueueFullError as exc:
        raise ApiError(503, str(exc)) from exc
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobOut.of(job)


class RestoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backup: str = Field(
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="The name of a folder in <data-dir>/backups/ (what POST /backup wrote, or a copy put there).",
    )


@router.post(
    "/restore",
    status_code=202,
    response_model=JobOut,
    dependencies=[Depends(require_writer)],
    responses=error_responses(400, 401, 403, 404, 413, 422, 503),
)
def restore(state: State, jobs: Jobs, req: RestoreRequest, response: Response) -> JobOut:
    """Queue a restore from ``<data-dir>/backups/<backup>``: the graph is replaced graph by graph, the
    index follows while searches go on. ``policykg restore DIR --server URL`` uses this.
    """
    from search_api.backup import Restored, read_manifest
    from search_api.backup import restore as run_restore

    folder = state.settings.data_dir / "backups" / req.backup
    if not folder.is_dir():
        raise ApiError(
            404, f"no backup '{req.backup}' in the server's backups folder", {"backup": req.backup}
        )
    try:
        read_manifest(folder)
    except InputError as exc:
        raise ApiError(422, str(exc).replace(str(folder), req.backup), {"backup": req.backup}) from exc
    kg = state.kg

    def run() -> Restored:
        return run_restore(kg, folder, lock=lambda: state.lock)

    try:
        job = jobs.submit_call("restore", run)
    except QueueFullError as exc:
        raise ApiError(503, str(exc)) from exc
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobOut.of(job)
