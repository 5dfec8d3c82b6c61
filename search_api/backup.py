"""Backup, restore and import: the graph (with curated decisions), reference data and embedding cache.

A backup is a folder:

- ``graph.nq``: every named graph as sorted N-Quads (responses, reference data, ontology and
  the curated positions), read from one snapshot of the store, so it is consistent while
  ``serve`` writes; portable to any SPARQL store;
- ``reference/``: the reference data last ingested (uploads and curation read it);
- ``embedding-cache.sqlite``: the passage vectors, copied with SQLite's online backup API,
  so restoring rebuilds the index without running the model again;
- ``policykg-backup.json``: what is inside, with the graph file's SHA-256.

The vector index is not copied: it is derived data, rebuilt from the graph on restore
(:func:`restore` ends with a reconcile). A backup is written to ``<name>.partial`` and renamed
when complete, so a crash never leaves a folder that looks whole.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from pydantic import TypeAdapter, ValidationError

from ingest.errors import InputError

if TYPE_CHECKING:
    from search_api.service import LockFactory, PolicyKG

__all__ = [
    "MANIFEST",
    "BackupManifest",
    "Imported",
    "Restored",
    "SavedBackup",
    "import_dataset",
    "read_manifest",
    "restore",
    "write_backup",
]

MANIFEST = "policykg-backup.json"
_FORMAT = 1
_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupManifest:
    """What a backup holds (``policykg-backup.json``), with the graph file's checksum."""

    format: int
    created: str  # UTC, ISO 8601
    base_iri: str
    embedder: str
    quads: int
    named_graphs: int
    curated_quads: int
    graph_sha256: str
    reference: bool  # the folder has the reference data
    embedding_cache: bool  # the folder has the embedding cache


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedBackup(BackupManifest):
    """A backup the server wrote (``POST /backup``'s job result): the manifest and the folder."""

    path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Imported:
    """What an import replaced: named graphs and quads loaded, graphs dropped (``--replace-all``)."""

    graphs: int
    quads: int
    dropped: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Restored(Imported):
    """A finished restore: the import's counts, the index's work, and when the backup was written."""

    indexed: int  # items written for the re-indexed graphs
    reindexed: int  # graphs re-indexed
    created: str


_MANIFEST_ADAPTER: TypeAdapter[BackupManifest] = TypeAdapter(BackupManifest)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _copy_sqlite(src: Path, dst: Path) -> None:
    """Copy a SQLite database with the online backup API (consistent while others write)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def write_backup(kg: PolicyKG, target: Path) -> BackupManifest:
    """Write a backup of ``kg``'s data into the new folder ``target``; returns the manifest."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target}: the backup folder exists and is not empty; name a new folder")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        data = kg.store.export("nq")
        (partial / "graph.nq").write_bytes(data)
        curation = f"<{kg.iris.curation_graph()}>"
        ref = kg.settings.reference_copy
        if (ref / "hearing.yaml").is_file():
            shutil.copytree(ref, partial / "reference")
        cache = kg.settings.embedding_cache_path
        if cache.is_file():
            _copy_sqlite(cache, partial / "embedding-cache.sqlite")
        lines = data.splitlines()
        manifest = BackupManifest(
            format=_FORMAT,
            created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            base_iri=kg.settings.base_iri,
            embedder=kg.settings.embedder,
            quads=len(lines),
            named_graphs=len({line.rsplit(b" ", 2)[-2] for line in lines if line}),
            curated_quads=sum(1 for line in lines if line.endswith(f"{curation} .".encode())),
            graph_sha256=hashlib.sha256(data).hexdigest(),
            reference=(partial / "reference").is_dir(),
            embedding_cache=(partial / "embedding-cache.sqlite").is_file(),
        )
        text = json.dumps(_MANIFEST_ADAPTER.dump_python(manifest, mode="json"), indent=2)
        (partial / MANIFEST).write_text(text + "\n", encoding="utf-8")
        if target.exists():
            target.rmdir()
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def read_manifest(source: Path) -> BackupManifest:
    """The backup's manifest, after checking the graph file against its checksum."""
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise InputError(
            f"{source}: not a policykg backup (no {MANIFEST}); give the folder `policykg backup` wrote"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: unreadable manifest ({exc})") from exc
    found = raw.get("format") if isinstance(raw, dict) else None
    if found != _FORMAT:
        raise InputError(f"{path}: backup format {found!r}, this policykg reads {_FORMAT}")
    try:
        manifest = _MANIFEST_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputError(f"{path}: not a policykg backup manifest ({problems})") from None
    graph = Path(source) / "graph.nq"
    if not graph.is_file() or _sha256(graph) != manifest.graph_sha256:
        raise InputError(f"{graph}: missing or changed since the backup was written (checksum differs)")
    return manifest


def _graphs_from(data: bytes, fmt: ox.RdfFormat, origin: str) -> dict[str, list[str]]:
    """Quads grouped by named graph as N-Triples lines; default-graph triples are refused."""
    graphs: dict[str, list[str]] = defaultdict(list)
    outside = 0
    try:
        for q in ox.parse(data, format=fmt):
            if isinstance(q.graph_name, ox.NamedNode):
                graphs[q.graph_name.value].append(f"{q.subject} {q.predicate} {q.object} .")
            else:
                outside += 1
    except SyntaxError as exc:
        raise InputError(f"{origin}: not valid {fmt.name}: {exc}") from exc
    if outside:
        raise InputError(
            f"{origin}: {outside} triples are outside any named graph; policykg keeps every fact in a "
            "named graph (export with `policykg export --format nq` or trig)"
        )
    return graphs


def import_dataset(kg: PolicyKG, path: Path, *, replace_all: bool = False) -> Imported:
    """Load an N-Quads or TriG export: each named graph in the file replaces the store's graph of that name.

    With ``replace_all`` graphs not in the file are dropped too (a restore). The index is
    then reconciled with the graph (only changed graphs are re-indexed).
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: give an N-Quads (.nq) or TriG (.trig) file, as `policykg export` writes")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    graphs = _graphs_from(data, fmt, str(path))
    if not graphs:
        raise InputError(f"{path}: no named graphs in the file; nothing to import")
    dropped = 0
    if replace_all:
        for g in kg.store.graph_names():
            if g not in graphs:
                kg.store.drop_graph(g)
                dropped += 1
    for g, lines in sorted(graphs.items()):
        kg.store.replace_graph(g, "\n".join(lines) + "\n")
    return Imported(graphs=len(graphs), quads=sum(len(v) for v in graphs.values()), dropped=dropped)


def restore(kg: PolicyKG, source: Path, *, lock: LockFactory | None = None) -> Restored:
    """Replace ``kg``'s graph with the backup's, put back its reference data and cache, reconcile the index.

    Each named graph is replaced in one transaction; the index then follows graph by graph
    (only graphs whose content differs are re-indexed, ``lock`` held per batch), so a server
    goes on answering, and a restore that is interrupted is finished by the next reconcile.
    """
    source = Path(source)
    manifest = read_manifest(source)
    if manifest.base_iri != kg.settings.base_iri:
        raise InputError(
            f"{source}: the backup's base IRI is {manifest.base_iri}, this data dir uses "
            f"{kg.settings.base_iri}; set POLICYKG_BASE_IRI to match"
        )
    counts = import_dataset(kg, source / "graph.nq", replace_all=True)
    if (source / "reference").is_dir():
        ref = kg.settings.reference_copy
        shutil.rmtree(ref, ignore_errors=True)
        shutil.copytree(source / "reference", ref)
    kg.forget_cached()  # reference data and senders are read again
    cache = source / "embedding-cache.sqlite"
    if cache.is_file():
        _merge_cache(cache, kg.settings.embedding_cache_path)
    sync = kg.reconcile(lock=lock)
    return Restored(
        graphs=counts.graphs,
        quads=counts.quads,
        dropped=counts.dropped,
        indexed=sync.items,
        reindexed=len(sync.reindexed),
        created=manifest.created,
    )


def _merge_cache(src: Path, dst: Path) -> None:
    """Add the backup's vectors to the cache (existing rows win: same key, same vector)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not dst.exists():
        _copy_sqlite(src, dst)
        return
    con = sqlite3.connect(str(dst))
    try:
        con.execute("ATTACH DATABASE ? AS backup", (str(src),))
        con.execute("INSERT OR IGNORE INTO passage_vectors SELECT * FROM backup.passage_vectors")
        con.commit()
        con.execute("DETACH DATABASE backup")
    except sqlite3.Error as exc:
        raise InputError(f"{src}: cannot merge the backup's embedding cache into {dst}: {exc}") from exc
    finally:
        con.close()
