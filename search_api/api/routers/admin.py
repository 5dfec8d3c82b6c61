"""``POST /backup``: an online backup written by the running server (the CLI cannot open a served data dir)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Response

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
    from search_api.backup import write_backup

    kg = state.kg
    target = state.settings.data_dir / "backups" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())

    def run() -> dict[str, Any]:
        folder = target
        n = 1
        while folder.exists():  # two backups in one second
            n += 1
            folder = target.with_name(f"{target.name}-{n}")
        return {"path": str(folder), **write_backup(kg, folder)}

    try:
        job = jobs.submit_call("backup", run)
    except QueueFullError as exc:
        raise ApiError(503, str(exc)) from exc
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobOut(**job.as_dict())
