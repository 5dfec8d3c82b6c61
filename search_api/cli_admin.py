"""``policykg backup|restore|import``: copies of the data that outlive the data dir.

See :mod:`search_api.backup` for what a backup holds. The embedded stores lock the data
dir, so while ``policykg serve`` runs, ``backup --server URL`` asks the server to write the
backup (``POST /backup``, with ``POLICYKG_API_TOKEN``) and moves it to ``DIR``, and
``restore DIR --server URL`` copies the backup into the data dir's ``backups/`` and has the
server restore it (``POST /restore``).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from graph.errors import StoreUnavailableError
from ingest.errors import InputError
from search_api.cli_common import console, friendly_errors, open_kg, settings
from search_api.errors import IndexUnavailableError

if TYPE_CHECKING:
    from search_api.backup import BackupManifest, Restored, SavedBackup

__all__ = ["app"]

_R = TypeVar("_R")

app = typer.Typer()  # merged into the top-level commands by search_api.cli


def _server_job(
    server: str, route: str, body: dict[str, Any] | None, result: type[_R], timeout_s: float = 3600.0
) -> _R:
    """POST to a running server's job route and wait for the job; its result, read as ``result``."""
    import httpx
    from pydantic import TypeAdapter, ValidationError

    token = settings().api_token
    if not token:
        raise InputError("working through the server needs POLICYKG_API_TOKEN (the server's write token)")
    base = server.rstrip("/")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(timeout=30.0) as client:
            resp = client.post(f"{base}{route}", headers=headers, json=body)
            if resp.status_code != 202:
                raise InputError(f"{base}{route} answered {resp.status_code}: {resp.text[:300]}")
            job_id = resp.json()["id"]
            deadline = time.monotonic() + timeout_s
            while True:
                job: dict[str, Any] = client.get(f"{base}/jobs/{job_id}").json()
                if job["state"] == "failed":
                    raise InputError(f"the server's {route.strip('/')} failed: {job['message']}")
                if job["state"] == "done":
                    try:
                        return TypeAdapter(result).validate_python(job["result"])
                    except ValidationError as exc:
                        raise InputError(
                            f"the server's {route.strip('/')} answered a result this policykg cannot read: {exc}"
                        ) from None
                if time.monotonic() > deadline:
                    raise InputError(f"the server's job {job_id} did not finish in {timeout_s:.0f} s")
                time.sleep(0.5)
    except httpx.HTTPError as exc:
        raise InputError(f"cannot reach the server at {base}: {exc}") from exc


def _through_server(server: str, target: Path) -> SavedBackup:
    from search_api.backup import SavedBackup

    result = _server_job(server, "/backup", None, SavedBackup)
    written = Path(result.path)
    if not written.is_dir():
        raise InputError(
            f"the server wrote its backup to {written}, which this machine cannot see; copy it from there"
        )
    if target.exists() and not any(target.iterdir()):
        target.rmdir()
    shutil.move(str(written), str(target))
    return result


_SERVER_OPTION = typer.Option(
    "--server",
    envvar="POLICYKG_SERVER_URL",
    help="A running `policykg serve` on this data dir (e.g. http://127.0.0.1:8000): it does the work.",
)


@app.command()
@friendly_errors
def backup(
    directory: Annotated[Path, typer.Argument(help="A new folder for the backup.")],
    server: Annotated[str | None, _SERVER_OPTION] = None,
) -> None:
    """Back up the graph (with curated decisions), reference data and embedding cache into DIRECTORY."""
    from search_api.backup import write_backup

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(f"{directory}: the backup folder exists and is not empty; name a new folder")
    manifest: BackupManifest
    if server:
        manifest = _through_server(server, directory)
    else:
        try:
            with open_kg() as kg:
                manifest = write_backup(kg, directory)
        except (StoreUnavailableError, IndexUnavailableError) as exc:
            raise InputError(
                f"{exc}. If `policykg serve` is running on this data dir, back up through it: "
                "policykg backup DIR --server http://127.0.0.1:8000 (with POLICYKG_API_TOKEN set)"
            ) from exc
    console.print(
        f"backed up {manifest.quads} quads in {manifest.named_graphs} named graphs "
        f"({manifest.curated_quads} curated), reference data: {'yes' if manifest.reference else 'no'}, "
        f"embedding cache: {'yes' if manifest.embedding_cache else 'no'} -> {directory}",
        highlight=False,
    )


@app.command()
@friendly_errors
def restore(
    directory: Annotated[Path, typer.Argument(help="A folder written by `policykg backup`.")],
    server: Annotated[str | None, _SERVER_OPTION] = None,
) -> None:
    """Replace the data dir's graph with a backup's, put back its reference data and cache; the index follows.

    While `policykg serve` runs, pass --server: the backup is copied into the data dir's backups/
    folder and the server restores it (searches go on meanwhile).
    """
    from search_api.backup import Restored, read_manifest
    from search_api.backup import restore as run_restore

    read_manifest(directory)  # refuse a broken backup before anything is replaced
    if server:
        backups = settings().data_dir / "backups"
        if directory.resolve().parent == backups.resolve():
            name = directory.name
        else:
            name = f"restore-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
            shutil.copytree(directory, backups / name)
        got: Restored = _server_job(server, "/restore", {"backup": name}, Restored)
    else:
        with open_kg() as kg:
            got = run_restore(kg, directory)
    console.print(
        f"restored {got.quads} quads in {got.graphs} named graphs (backup of {got.created}); "
        f"dropped {got.dropped} graphs not in the backup; re-indexed {got.reindexed} graphs "
        f"({got.indexed} items)",
        highlight=False,
    )


@app.command("import")
@friendly_errors
def import_cmd(
    file: Annotated[
        Path, typer.Argument(help="An N-Quads (.nq) or TriG (.trig) file from `policykg export`.")
    ],
    replace_all: Annotated[
        bool, typer.Option("--replace-all", help="Also drop graphs the file does not have.")
    ] = False,
) -> None:
    """Load an export: each named graph in FILE replaces the graph of that name; the index follows."""
    from search_api.backup import import_dataset

    with open_kg() as kg:
        got = import_dataset(kg, file, replace_all=replace_all)
        sync = kg.reconcile()
    console.print(
        f"imported {got.quads} quads in {got.graphs} named graphs (dropped {got.dropped}); "
        f"index: {len(sync.reindexed)} graphs re-indexed, {len(sync.removed)} removed",
        highlight=False,
    )
