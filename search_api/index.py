"""The vector index: one Qdrant collection of passages and entities, dense + lexical.

Derived data: everything here can be rebuilt from the graph (``policykg reindex``).
Embedded local Qdrant in a folder by default, or a Qdrant server/cluster by URL.

What one item becomes in the index (its point id, the text the model sees, its sentences and
payload) is :mod:`search_api.points`. Each point carries a named dense vector ``dense``
(cosine) and a named sparse vector ``lexical`` (BM25 term-frequency weights from
:mod:`ingest.lexical`; Qdrant applies IDF through ``Modifier.IDF``). Point ids are UUID5 of the item IRI, so re-ingesting a
letter overwrites its points instead of duplicating them.

``dense`` is a multivector compared by MaxSim: the whole passage plus each of its sentences.
A long paragraph's single vector blurs its points together; a question usually targets
one claim, and the best-matching sentence finds it (single sentences beat two- and
three-sentence windows; figures in the README's "Evaluation"). It costs about one extra
embedding per sentence, cached.

The embedder the collection was built with is kept in a reserved point (kind
``_meta``), which works the same in local and server mode; searching or writing with
another embedder is refused, since vectors of two models are not comparable.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qdrant_client import QdrantClient
from qdrant_client import models as qm

from graph.records import IndexItem
from ingest.embedding import Embedder
from ingest.lexical import sparse_vector
from search_api.errors import EmbedderMismatchError, IndexConfigError, IndexUnavailableError, SearchError
from search_api.memory_view import MemoryView, Ranked, supported, unit_mean
from search_api.points import ENTITY_FIELDS, embed_text, item_payload, linked_entities, point_id, sentences
from search_api.qdrant_local import GraphPoints, use_write_ahead_log

__all__ = ["DENSE", "LEXICAL", "META_KIND", "PassageIndex"]

DENSE = "dense"
LEXICAL = "lexical"
META_KIND = "_meta"
_META_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:policykg:index-meta"))
_BATCH = 128

_KEYWORD_INDEXES = ("kind", "actor_type", "language", "recommendations", "graph_iri", "file_name", "iri")


def _chunks(seq: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class PassageIndex:
    """Passages and entities in one Qdrant collection; see the module docstring."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        url: str | None = None,
        api_key: str | None = None,
        collection: str = "policykg",
        timeout_s: int = 30,
        context: bool | None = None,
    ) -> None:
        if path is not None and url:
            raise IndexConfigError(
                "give the index either a folder (embedded Qdrant) or a server URL, not both "
                f"(path={path}, url={url}); unset POLICYKG_QDRANT_URL to use the folder"
            )
        if path is None and not url:
            raise IndexConfigError("the index needs a folder (path=...) or a Qdrant server URL (url=...)")
        if not collection or not collection.replace("-", "").replace("_", "").isalnum():
            raise IndexConfigError(f"collection name '{collection}': use letters, digits, '-' and '_'")
        self.collection = collection
        self.context = context
        self.location = url or str(path)
        self._is_server = bool(url)
        try:
            if url:
                self.client = QdrantClient(url=url, api_key=api_key, timeout=timeout_s)
            else:
                Path(str(path)).mkdir(parents=True, exist_ok=True)
                self.client = QdrantClient(path=str(path))
                use_write_ahead_log(self.client)
        except (RuntimeError, OSError, ValueError) as exc:
            # Local mode locks its folder: a second process gets a RuntimeError here.
            raise IndexUnavailableError(f"cannot open the vector index at {self.location}: {exc}") from exc
        self._meta: tuple[str, int] | None = None
        # Every write bumps the generation; the in-memory view of a local index follows it.
        self._generation = 0
        self._view: tuple[int, MemoryView] | None = None
        self._centroids: tuple[int, dict[str, Any]] | None = None  # a server's, by generation
        self._view_lock = threading.Lock()
        self._graph_points = GraphPoints()  # local mode: each graph's points, kept with the writes
        # Points per scroll page. Qdrant's local mode evaluates a scroll's filter over every point in
        # Python on each page, so paging made a listing quadratic (17 pages x 7,500 points = 3.8 s of a
        # 7 s re-ingest at 1,000 letters); it holds every point in memory anyway, so one page.
        self._page = 512 if self._is_server else 1_000_000
        # Local mode: the markers, read once and then kept with set_marker/clear_marker (only this
        # process can write a local index). Listing them is a filtered scroll, which local mode
        # answers by testing every point's payload in Python: ~2 s at 7,500 points, on every status check.
        self._markers: dict[str, str] | None = None

    # -- collection and embedder record ---------------------------------------------------
    def _exists(self) -> bool:
        try:
            return bool(self.client.collection_exists(self.collection))
        except Exception as exc:  # connection refused, timeouts: qdrant raises several types
            raise IndexUnavailableError(f"cannot reach the vector index at {self.location}: {exc}") from exc

    def built_with(self) -> tuple[str, int] | None:
        """(embedder name, dim) the collection was built with; None when there is no index yet."""
        if self._meta is None and self._exists():
            got = self.client.retrieve(self.collection, ids=[_META_ID], with_payload=True)
            if got and got[0].payload:
                self._meta = (str(got[0].payload["embedder"]), int(got[0].payload["dim"]))
        return self._meta

    def check_embedder(self, embedder: Embedder) -> bool:
        """Raise if the index was built with another embedder; False when there is no index yet."""
        meta = self.built_with()
        if meta is None:
            return False
        if meta != (embedder.name, embedder.dim):
            raise EmbedderMismatchError(meta[0], meta[1], embedder.name, embedder.dim)
        return True

    def _create(self, embedder: Embedder) -> None:
        self.client.create_collection(
            self.collection,
            vectors_config={
                DENSE: qm.VectorParams(
                    size=embedder.dim,
                    distance=qm.Distance.COSINE,
                    multivector_config=qm.MultiVectorConfig(comparator=qm.MultiVectorComparator.MAX_SIM),
                )
            },
            sparse_vectors_config={LEXICAL: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
        )
        if not self._is_server:
            use_write_ahead_log(self.client)
        if self._is_server:
            # Local mode scans payloads and warns that indexes have no effect there.
            for name in _KEYWORD_INDEXES:
                self.client.create_payload_index(self.collection, name, qm.PayloadSchemaType.KEYWORD)
        # The record point needs some dense vector; a unit vector keeps cosine well-defined.
        # Every search filters it out by kind.
        unit = [1.0] + [0.0] * (embedder.dim - 1)
        meta = {"kind": META_KIND, "embedder": embedder.name, "dim": embedder.dim}
        self.client.upsert(
            self.collection,
            [qm.PointStruct(id=_META_ID, vector={DENSE: [unit]}, payload=meta)],
            wait=True,
        )
        self._meta = (embedder.name, embedder.dim)

    def _ensure(self, embedder: Embedder) -> None:
        if not self.check_embedder(embedder):
            if self._exists():
                # Created, then killed before its record point was written: nothing else was written
                # yet (the record comes first), so start it again rather than fail on every later run.
                self.client.delete_collection(self.collection)
            self._create(embedder)

    @staticmethod
    def not_meta() -> qm.FieldCondition:
        return qm.FieldCondition(key="kind", match=qm.MatchValue(value=META_KIND))

    # -- writing ----------------------------------------------------------------------------
    def _stored(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(ids, 256):
            for p in self.client.retrieve(self.collection, ids=chunk, with_payload=True):
                out[str(p.id)] = dict(p.payload or {})
        return out

    def upsert(self, items: list[IndexItem], embedder: Embedder) -> int:
        """Write items; embed only those whose text (or embedder) changed. Returns how many were embedded."""
        if not items:
            return 0
        self._ensure(embedder)
        by_id = {point_id(i.iri): i for i in items}  # a repeated IRI: the last one wins
        stored = self._stored(list(by_id))
        to_embed: list[tuple[str, IndexItem]] = []
        payload_only: list[tuple[str, dict[str, Any]]] = []
        for pid, item in by_id.items():
            payload = item_payload(item, embedder.name, self.context)
            old = stored.get(pid)
            if (
                old is None
                or old.get("text_hash") != payload["text_hash"]
                or old.get("embedder") != embedder.name
            ):
                to_embed.append((pid, item))
            elif old != payload:
                # Same text, new links (e.g. a curated stance): keep the vectors, refresh the payload.
                payload_only.append((pid, payload))
        try:
            self._write(to_embed, payload_only, embedder)
        except Exception:
            self._graph_points.forget()  # which points a failed write left is unknown: list them again
            raise
        return len(to_embed)

    def _write(
        self,
        to_embed: list[tuple[str, IndexItem]],
        payload_only: list[tuple[str, dict[str, Any]]],
        embedder: Embedder,
    ) -> None:
        for chunk in _chunks(to_embed, _BATCH):
            # One embedding call per batch: each item's whole text, then its sentences.
            groups = [[embed_text(it, self.context), *sentences(it.text)] for _, it in chunk]
            vectors = embedder.embed_passages([t for g in groups for t in g])
            points = []
            at = 0
            for (pid, item), group in zip(chunk, groups, strict=True):
                multi = vectors[at : at + len(group)].tolist()
                at += len(group)
                idx, val = sparse_vector(embed_text(item, self.context))
                points.append(
                    qm.PointStruct(
                        id=pid,
                        vector={DENSE: multi, LEXICAL: qm.SparseVector(indices=idx, values=val)},
                        payload=item_payload(item, embedder.name, self.context),
                    )
                )
            self.client.upsert(self.collection, points, wait=True)
            self._generation += 1
            for pid, item in chunk:
                self._graph_points.put(pid, item.graph_iri)
        for pid, payload in payload_only:
            self.client.overwrite_payload(self.collection, payload=payload, points=[pid], wait=True)
            self._generation += 1
            self._graph_points.put(pid, payload.get("graph_iri"))

    def _graph_ids(self, graph_iri: str) -> set[str]:
        if self._is_server:  # a server filters by its payload index
            flt = qm.Filter(must=[qm.FieldCondition(key="graph_iri", match=qm.MatchValue(value=graph_iri))])
            return {pid for pid, _ in self._scroll(flt, payload=False)}
        return self._local_points().ids(graph_iri)

    def _local_points(self) -> GraphPoints:
        if not self._graph_points.loaded:  # local mode reads every point per filter: once, then kept
            pairs = self._scroll(None, payload=["graph_iri"])
            self._graph_points.load((pid, str(pl["graph_iri"])) for pid, pl in pairs if pl.get("graph_iri"))
        return self._graph_points

    def delete_graph(self, graph_iri: str) -> int:
        """Remove every point of a named graph (a response document). Returns how many."""
        if not self._exists():
            return 0
        ids = self._graph_ids(graph_iri)
        self._delete(ids)
        return len(ids)

    def _delete(self, ids: Iterable[str]) -> None:
        for chunk in _chunks(sorted(ids), 512):
            try:
                self.client.delete(self.collection, points_selector=qm.PointIdsList(points=chunk), wait=True)
            except Exception:
                self._graph_points.forget()
                raise
            self._generation += 1
            self._graph_points.drop(chunk)

    def replace_graph(self, graph_iri: str, items: list[IndexItem], embedder: Embedder) -> int:
        """Make the graph's points exactly ``items``: delete the gone ones, upsert the rest (incremental)."""
        foreign = [i.iri for i in items if i.graph_iri != graph_iri]
        if foreign:
            raise SearchError(f"replace_graph({graph_iri}): {len(foreign)} items belong to other graphs")
        if self._exists():
            self.check_embedder(embedder)
            keep = {point_id(i.iri) for i in items}
            self._delete(self._graph_ids(graph_iri) - keep)
        return self.upsert(items, embedder)

    def rebuild(self, items: list[IndexItem], embedder: Embedder) -> int:
        """Drop the collection and build it anew (also switches embedder). Returns how many were embedded."""
        if self._exists():
            self.client.delete_collection(self.collection)
        self._generation += 1
        self._graph_points.forget()
        self._markers = None
        self._meta = None
        self._create(embedder)
        return self.upsert(items, embedder)

    # -- reading ----------------------------------------------------------------------------
    def search_batch(self, requests: list[qm.QueryRequest]) -> list[Ranked]:
        """Answer search requests, best first: (point id, payload, score) per hit.

        An embedded index answers from its in-memory view (:mod:`search_api.memory_view`, same
        scores, a fraction of the time); a server, or a request the view cannot answer, from Qdrant.
        """
        if not requests:
            return []
        if not self._is_server and all(supported(r) for r in requests):
            view = self._memory_view()
            return [view.query(r) for r in requests]
        results = self.client.query_batch_points(self.collection, requests=requests)
        return [[(str(p.id), dict(p.payload or {}), float(p.score)) for p in r.points] for r in results]

    def entity_centroids(self) -> dict[str, Any]:
        """Pilot and grant-scheme id -> the unit mean vector of the passages the graph links to it.

        What the letters say about an entity describes it better than its reference label does, so
        a question paraphrasing a pilot finds it by this centroid (the ranker's ``entity`` feature).
        Kept per generation; a server's centroids follow this process's writes (another writer's
        show after a restart).
        """
        if not self._exists():
            return {}
        if not self._is_server:
            return self._memory_view().entity_centroids(linked_entities)
        if self._centroids is None or self._centroids[0] != self._generation:
            linked: list[qm.Condition] = [
                qm.Filter(must_not=[qm.IsEmptyCondition(is_empty=qm.PayloadField(key=k))])
                for k in ENTITY_FIELDS
            ]
            passages = qm.FieldCondition(key="kind", match=qm.MatchValue(value="passage"))
            flt = qm.Filter(must=[passages], should=linked)
            groups: dict[str, list[Any]] = {}
            for p in self._scroll_points(flt, payload=list(ENTITY_FIELDS), vectors=[DENSE]):
                rows: Any = p.vector.get(DENSE) if isinstance(p.vector, dict) else None
                for entity in linked_entities(p.payload or {}) if rows else ():
                    groups.setdefault(entity, []).append(rows[0])
            self._centroids = (self._generation, {e: unit_mean(vs) for e, vs in groups.items()})
        return self._centroids[1]

    def _memory_view(self) -> MemoryView:
        with self._view_lock:
            if self._view is None or self._view[0] != self._generation:
                generation = self._generation
                points: list[tuple[str, dict[str, Any], list[list[float]], Any]] = []
                for p in self._scroll_points(None, payload=True, vectors=True) if self._exists() else ():
                    vec: dict[str, Any] = p.vector if isinstance(p.vector, dict) else {}
                    points.append((str(p.id), dict(p.payload or {}), vec.get(DENSE) or [], vec.get(LEXICAL)))
                self._view = (generation, MemoryView(points, DENSE))
            return self._view[1]

    def _scroll(
        self, flt: qm.Filter | None, *, payload: bool | list[str]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        for p in self._scroll_points(flt, payload=payload):
            yield str(p.id), dict(p.payload or {})

    def _scroll_points(
        self, flt: qm.Filter | None, *, payload: bool | list[str], vectors: bool | list[str] = False
    ) -> Iterator[qm.Record]:
        """Every point ``flt`` matches (never the index's own meta point), page by page."""
        must_not: list[qm.Condition] = [self.not_meta()]
        if flt is not None:
            flt = qm.Filter(must=flt.must, should=flt.should, must_not=[*(flt.must_not or []), *must_not])
        else:
            flt = qm.Filter(must_not=must_not)
        offset: Any = None
        while True:
            points, offset = self.client.scroll(
                self.collection,
                scroll_filter=flt,
                limit=self._page,
                offset=offset,
                with_payload=payload,
                with_vectors=vectors,
            )
            yield from points
            if offset is None:
                return

    def iris(self) -> set[str]:
        """IRIs of every item in the index (for the graph/index consistency check)."""
        if not self._exists():
            return set()
        return {str(pl["iri"]) for _, pl in self._scroll(None, payload=["iri"]) if "iri" in pl}

    def file_names(self) -> set[str]:
        """Files that have passages in the index."""
        if not self._exists():
            return set()
        return {
            str(pl["file_name"]) for _, pl in self._scroll(None, payload=["file_name"]) if pl.get("file_name")
        }

    def count(self) -> int:
        if not self._exists():
            return 0
        return int(
            self.client.count(
                self.collection, count_filter=qm.Filter(must_not=[self.not_meta()]), exact=True
            ).count
        )

    # -- what has been indexed, per named graph ------------------------------------------------
    # One reserved point (kind ``_meta``, so searches and scrolls skip it) per named graph holds
    # the content key of the graph as it was when its points were last written. It is removed
    # before a graph's points change and written only after they are all upserted, so after a
    # crash at any moment a graph is either marked with the key its points match or not marked.
    @staticmethod
    def _marker_id(graph_iri: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:policykg:index-marker:{graph_iri}"))

    def markers(self) -> dict[str, str]:
        """graph IRI -> the content key its points were built from (only fully written graphs)."""
        if not self._exists():
            return {}
        if self._markers is not None:
            return dict(self._markers)
        flt = qm.Filter(
            must=[
                qm.FieldCondition(key="kind", match=qm.MatchValue(value=META_KIND)),
                qm.FieldCondition(key="marker", match=qm.MatchValue(value=True)),
            ]
        )
        out: dict[str, str] = {}
        offset: Any = None
        while True:
            points, offset = self.client.scroll(
                self.collection, scroll_filter=flt, limit=self._page, offset=offset, with_payload=True
            )
            for p in points:
                pl = p.payload or {}
                out[str(pl["marked_graph"])] = str(pl["indexed_key"])
            if offset is None:
                if not self._is_server:
                    self._markers = dict(out)
                return out

    def set_marker(self, graph_iri: str, key: str, embedder: Embedder) -> None:
        """Record that ``graph_iri``'s points now match ``key`` (call after its points are written)."""
        self._ensure(embedder)
        unit = [1.0] + [0.0] * (embedder.dim - 1)
        payload = {"kind": META_KIND, "marker": True, "marked_graph": graph_iri, "indexed_key": key}
        point = qm.PointStruct(id=self._marker_id(graph_iri), vector={DENSE: [unit]}, payload=payload)
        try:
            self.client.upsert(self.collection, [point], wait=True)
        except Exception:
            self._markers = None  # whether it was written is unknown: list them again
            raise
        if self._markers is not None:
            self._markers[graph_iri] = key

    def clear_marker(self, graph_iri: str) -> None:
        """Forget what was indexed for ``graph_iri`` (call before its points change)."""
        if self._exists():
            ids: list[qm.ExtendedPointId] = [self._marker_id(graph_iri)]
            try:
                self.client.delete(self.collection, points_selector=qm.PointIdsList(points=ids), wait=True)
            except Exception:
                self._markers = None
                raise
            if self._markers is not None:
                self._markers.pop(graph_iri, None)

    def prune_graph(self, graph_iri: str, keep_iris: list[str], embedder: Embedder) -> int:
        """Delete the graph's points whose item is not in ``keep_iris`` (before upserting the rest)."""
        if not self._exists():
            return 0
        self.check_embedder(embedder)
        gone = self._graph_ids(graph_iri) - {point_id(iri) for iri in keep_iris}
        self._delete(gone)
        return len(gone)

    def graph_iris(self) -> set[str]:
        """Named graphs that have at least one point in the index."""
        if not self._exists():
            return set()
        if not self._is_server:  # the kept listing: a filtered scroll reads every point in Python
            return self._local_points().graphs()
        return {
            str(pl["graph_iri"]) for _, pl in self._scroll(None, payload=["graph_iri"]) if pl.get("graph_iri")
        }

    def warm(self, items: list[IndexItem], embedder: Embedder) -> None:
        """Embed what :meth:`upsert` will need (into the embedder's cache), without touching the index.

        Lets a server embed outside the lock that index readers take; the upsert then finds
        every vector in the cache and holds the lock only for the write itself.
        """
        texts = [t for it in items for t in (embed_text(it, self.context), *sentences(it.text))]
        for chunk in _chunks(texts, _BATCH * 4):
            embedder.embed_passages(chunk)

    def close(self) -> None:
        self.client.close()
