"""``GET /jobs`` and ``GET /jobs/{id}``: the state of uploads being ingested (and of index reconciles)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from pydantic import BaseModel

from search_api.api.errors import ApiError, error_responses
from search_api.jobs import Job, JobKind, JobResult, JobRunner

__all__ = ["JobOut", "Jobs", "get_jobs", "router"]

router = APIRouter(tags=["jobs"])


class JobOut(BaseModel):
    id: str
    kind: JobKind
    file_name: str | None
    state: Literal["queued", "running", "done", "failed"]
    message: str | None = None  # why it failed, in words a person can act on
    result: JobResult | None = None  # what a finished job did (its kind's record)
    created: float
    started: float | None = None
    finished: float | None = None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            file_name=job.file_name,
            state=job.state.value,
            message=job.message,
            result=job.result,
            created=job.created,
            started=job.started,
            finished=job.finished,
        )


def get_jobs(request: Request) -> JobRunner:
    runner: JobRunner | None = getattr(request.app.state, "jobs", None)
    if runner is None:
        raise ApiError(503, "the service is starting or stopping; try again in a moment")
    return runner


Jobs = Annotated[JobRunner, Depends(get_jobs)]


@router.get("/jobs", response_model=list[JobOut], responses=error_responses(503))
def list_jobs(jobs: Jobs) -> list[JobOut]:
    """The most recent jobs, newest first (kept in memory; a restart forgets them)."""
    return [JobOut.of(j) for j in jobs.recent()]


@router.get("/jobs/{job_id}", response_model=JobOut, responses=error_responses(404, 422, 503))
def get_job(jobs: Jobs, job_id: Annotated[str, PathParam(max_length=64)]) -> JobOut:
    """One job: queued, running, done, or failed with the reader's message."""
    job = jobs.get(job_id)
    if job is None:
        raise ApiError(
            404, f"no job '{job_id}' (jobs are forgotten when the server restarts)", {"id": job_id}
        )
    return JobOut.of(job)
