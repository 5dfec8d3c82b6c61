"""``GET /documents``, ``GET /documents/{file_name}`` and ``POST /documents`` (upload one file, ingested as a job)."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, Depends, File, Response, UploadFile
from fastapi import Path as PathParam

from graph.entities import DocumentDetail, DocumentSummary, document, documents
from search_api.api.deps import KG, State, require_writer
from search_api.api.errors import ApiError, error_responses
from search_api.api.routers.jobs import JobOut, Jobs
from search_api.jobs import QueueFullError

__all__ = ["router"]

router = APIRouter(tags=["documents"])


@router.get("/documents", response_model=list[DocumentSummary], responses=error_responses(503))
def list_documents(kg: KG) -> list[DocumentSummary]:
    """Every ingested response: file name, sender, date, language, response type."""
    return documents(kg.store)


@router.get("/documents/{file_name}", response_model=DocumentDetail, responses=error_responses(404, 422, 503))
def get_document(
    kg: KG, file_name: Annotated[str, PathParam(max_length=255, description="The response's file name.")]
) -> DocumentDetail:
    """A response's normalised text, its passages with character offsets (and mentions), sender, metadata, positions."""
    found = document(kg.store, file_name)
    if found is None:
        raise ApiError(
            404,
            f"no ingested response named '{file_name}'; GET /documents lists them",
            {"file_name": file_name},
        )
    return found


def _safe_name(raw: str | None) -> str:
    # Only the last path segment of what the client calls the file: it names the response (and its IRI).
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or name.startswith(".") or any(ord(c) < 0x20 or c == "\x7f" for c in name):
        raise ApiError(
            422, "the upload needs a file name such as 'lia-kommune.pdf' (no leading dot)", {"file_name": raw}
        )
    if len(name.encode("utf-8")) > 255:
        raise ApiError(422, "the file name is longer than 255 bytes; shorten it", {"file_name": raw})
    return name


@router.post(
    "/documents",
    status_code=202,
    response_model=JobOut,
    dependencies=[Depends(require_writer)],
    responses=error_responses(400, 401, 403, 413, 422, 503),
)
def upload_document(
    state: State,
    jobs: Jobs,
    response: Response,
    file: Annotated[UploadFile, File(description="One response: .txt, .md, .html, .pdf or .docx.")],
) -> JobOut:
    """Store one response and queue its ingest; answers 202 with the job (``GET /jobs/{id}``).

    The job reads the file with the stored reference data (an unchanged file is a no-op) and
    ends ``done`` or ``failed`` with the reason (empty, encrypted, corrupt, ...). Searches go
    on meanwhile; the index is written in short steps.
    """
    name = _safe_name(file.filename)
    limit = state.settings.max_upload_bytes
    if file.size is not None and file.size > limit:
        raise ApiError(
            413, f"the file is larger than {limit} bytes (POLICYKG_MAX_UPLOAD_BYTES)", {"max_bytes": limit}
        )
    # A private folder per upload, inside the data dir: the file keeps its own name (it names
    # the response) and no reference/ folder can be found next to it by accident.
    folder = jobs.new_upload_folder()
    try:
        path = folder / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, 1024 * 1024)
        job = jobs.submit_upload(path)
    except QueueFullError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(503, str(exc)) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobOut.of(job)
