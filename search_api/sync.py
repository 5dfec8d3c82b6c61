"""Keeping the vector index in step with the graph, per named graph, across crashes.

The graph is the source of truth and each indexed named graph has a content key in it: a
response graph its document's ``pkg:ingestKey`` (the key ingest compares to skip unchanged
files), the reference graph its ``pkg:contentHash``. The index keeps, per graph, a marker
with the key its points were built from (:meth:`PassageIndex.set_marker`); the marker is
cleared before a graph's points change and written only after all of them are upserted.

So whatever moment a run is killed at, :func:`reconcile` finds every graph whose points may
not match (marker missing or another key) and rebuilds exactly those from the graph, and
removes the points of graphs that are gone. Ingest runs it first and last, ``serve`` at start.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.iris import IriMinter
from graph.sparql import iri, named, values
from graph.store import GraphStore
from ingest.embedding import Embedder
from search_api.items import build_items, items_version

if TYPE_CHECKING:
    from search_api.index import PassageIndex

__all__ = ["IndexHealth", "IndexStatus", "SyncReport", "graph_keys", "index_status", "rebuild", "reconcile"]

# Part of every marker: when the way index items or their texts are built changes, bump it
# (with search_api.index's text format) and every graph counts as behind once.
INDEX_FORMAT = "items-1"


def _format() -> str:
    """The marker's format part: also changes when the item-building options (search_api.items) do."""
    return f"{INDEX_FORMAT}+{items_version()}"


LockFactory = Callable[[], AbstractContextManager[Any]]
# Items written per turn of the lock (a 100 KB letter has a few hundred).
_WRITE_BATCH = 32


def graph_keys(store: GraphStore, iris: IriMinter) -> dict[str, str]:
    """Named graph IRI -> the content key its index points must be built from."""
    keys: dict[str, str] = {}
    fmt = _format()
    rows = store.select(named("graph-ingest-keys"))
    for r in rows:
        keys[str(r["g"])] = f"{r['key']}|{fmt}"
    ref = iris.reference_graph()
    got = store.select(named("graph-content-hash", values("g", [iri(ref)])))
    if got:
        keys[ref] = f"{got[0]['h']}|{fmt}"
    return keys


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexHealth:
    """The index against the graph in counts (``GET /health``'s ``index``)."""

    in_step: bool
    graphs: int
    behind: int  # named graphs not (fully) indexed
    gone: int  # removed graphs that still have points
    message: str | None  # a sentence for people when not in step


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How far the index is from the graph: graphs not (fully) indexed, and graphs indexed but gone."""

    graphs: int
    behind: tuple[str, ...]
    gone: tuple[str, ...]

    @property
    def in_step(self) -> bool:
        return not self.behind and not self.gone

    def message(self) -> str | None:
        """A sentence for people, or None when the index is in step."""
        if self.in_step:
            return None
        parts = []
        if self.behind:
            parts.append(f"{len(self.behind)} of {self.graphs} named graphs are not (fully) indexed")
        if self.gone:
            parts.append(f"{len(self.gone)} removed graphs still have points")
        return (
            "the search index is behind the graph: "
            + "; ".join(parts)
            + ". Answers may miss documents; run `policykg ingest` (or `policykg reindex`), "
            "or wait for the server's reconcile job"
        )

    def health(self) -> IndexHealth:
        return IndexHealth(
            in_step=self.in_step,
            graphs=self.graphs,
            behind=len(self.behind),
            gone=len(self.gone),
            message=self.message(),
        )


def index_status(store: GraphStore, iris: IriMinter, index: PassageIndex) -> IndexStatus:
    """Compare the graph's keys with the index's markers (cheap: one query and one marker scroll)."""
    keys = graph_keys(store, iris)
    marks = index.markers()
    behind = sorted(g for g, k in keys.items() if marks.get(g) != k)
    gone = sorted(set(marks) - set(keys))
    return IndexStatus(graphs=len(keys), behind=tuple(behind), gone=tuple(gone))


@dataclass(slots=True)
class SyncReport:
    reindexed: list[str] = field(default_factory=list)  # graphs whose points were rebuilt
    removed: list[str] = field(default_factory=list)  # graphs whose points were deleted
    items: int = 0  # items written for the rebuilt graphs


def reconcile(
    store: GraphStore,
    iris: IriMinter,
    index: PassageIndex,
    embedder: Embedder,
    *,
    lock: LockFactory | None = None,
    full: bool = True,
    only: set[str] | None = None,
    stop: Callable[[], bool] | None = None,
) -> SyncReport:
    """Bring the index in step with the graph, graph by graph; safe to interrupt at any point.

    ``lock`` is taken only around each batch of a graph's index writes (embedding happens
    before, into the cache), so a server's readers wait for one short write at a time. ``full`` also
    looks for points of graphs that have neither a key nor a marker (one scroll of the
    payloads); ``only`` limits the rebuild to some graphs (removals are always complete);
    ``stop`` is asked between graphs and ends the run early (a server shutting down).
    """
    take = lock or nullcontext
    report = SyncReport()
    keys = graph_keys(store, iris)
    marks = index.markers()
    gone = set(marks) - set(keys)
    if full:
        gone |= index.graph_iris() - set(keys)
    for g in sorted(gone):
        with take():
            index.delete_graph(g)
            index.clear_marker(g)
        report.removed.append(g)
    stale = [g for g, k in sorted(keys.items()) if marks.get(g) != k and (only is None or g in only)]
    for g in stale:
        items = build_items(store, iris, [g])
        index.warm(items, embedder)
        # The lock is released between batches, so a long letter never holds readers for
        # its whole write; until the marker is set the graph counts as behind.
        with take():
            index.clear_marker(g)
            index.prune_graph(g, [i.iri for i in items], embedder)
        for at in range(0, len(items), _WRITE_BATCH):
            with take():
                index.upsert(items[at : at + _WRITE_BATCH], embedder)
        with take():
            index.set_marker(g, keys[g], embedder)
        report.reindexed.append(g)
        report.items += len(items)
    return report


def rebuild(store: GraphStore, iris: IriMinter, index: PassageIndex, embedder: Embedder) -> int:
    """Drop the index and build it anew from the graph; markers are written after all points."""
    keys = graph_keys(store, iris)
    items = build_items(store, iris)
    index.rebuild(items, embedder)
    for g, key in sorted(keys.items()):
        index.set_marker(g, key, embedder)
    return len(items)
