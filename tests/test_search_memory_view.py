"""The in-memory view of an embedded index answers exactly like Qdrant's local mode, and follows writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from qdrant_client import models as qm

from graph.records import IndexItem
from ingest.lexical import query_sparse_vector
from search_api.index import DENSE, LEXICAL, PassageIndex
from search_api.memory_view import supported

WORDS = [
    "skule",
    "skyss",
    "buss",
    "leirskule",
    "kommune",
    "fylke",
    "lærar",
    "elev",
    "tilskot",
    "plan",
    "bustad",
    "lege",
    "vakt",
    "flaum",
    "ras",
]


class HashEmbedder:
    """Deterministic pseudo-random unit vectors per text (no model needed)."""

    name = "hash-test"
    dim = 16

    def _vec(self, text: str) -> np.ndarray:
        rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little"))
        v = rng.normal(size=self.dim).astype(np.float32)
        return np.asarray(v / np.linalg.norm(v), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)


def _items(n: int, seed: int = 0) -> list[IndexItem]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        words = rng.choice(WORDS, size=int(rng.integers(3, 12)))
        sentences = ". ".join(" ".join(words[j : j + 4]).capitalize() for j in range(0, len(words), 4)) + "."
        out.append(
            IndexItem(
                iri=f"urn:test:p{i}",
                kind="passage" if i % 5 else "recommendation",
                text=sentences,
                graph_iri=f"urn:test:g{i % 3}",
                document_iri=f"urn:test:d{i % 4}",
                file_name=f"f{i % 4}.txt",
                recommendations=(f"R{i % 2}",),
            )
        )
    return out


def _qdrant(index: PassageIndex, requests: list[qm.QueryRequest]) -> list[list[tuple[str, float]]]:
    got = index.client.query_batch_points(index.collection, requests=requests)
    return [[(str(p.id), round(float(p.score), 5)) for p in r.points] for r in got]


def _view(index: PassageIndex, requests: list[qm.QueryRequest]) -> list[list[tuple[str, float]]]:
    return [[(pid, round(s, 5)) for pid, _, s in lst] for lst in index.search_batch(requests)]


def _requests(emb: HashEmbedder, question: str) -> list[qm.QueryRequest]:
    dense = [emb.embed_queries([question])[0].tolist()]
    idx, val = query_sparse_vector(question)
    not_meta = PassageIndex.not_meta()
    passages = qm.Filter(
        must=[
            qm.FieldCondition(key="kind", match=qm.MatchAny(any=["passage"])),
            qm.FieldCondition(key="recommendations", match=qm.MatchValue(value="R1")),
        ],
        must_not=[not_meta],
    )
    return [
        qm.QueryRequest(
            query=dense, using=DENSE, filter=qm.Filter(must_not=[not_meta]), limit=50, with_payload=True
        ),
        qm.QueryRequest(query=dense, using=DENSE, filter=passages, limit=7, with_payload=True),
        qm.QueryRequest(
            query=qm.SparseVector(indices=idx, values=val),
            using=LEXICAL,
            filter=qm.Filter(must_not=[not_meta]),
            limit=50,
            with_payload=True,
        ),
        qm.QueryRequest(
            query=qm.SparseVector(indices=idx, values=val),
            using=LEXICAL,
            filter=passages,
            limit=5,
            with_payload=True,
        ),
    ]


def _same(a: list[list[tuple[str, float]]], b: list[list[tuple[str, float]]]) -> None:
    # Same points with the same scores (float32 vs float64 aside), best first.
    for x, y in zip(a, b, strict=True):
        assert dict(x).keys() == dict(y).keys()
        assert all(abs(dict(x)[k] - dict(y)[k]) < 1e-4 for k in dict(x))
        assert [s for _, s in x] == sorted((s for _, s in x), reverse=True)


def test_memory_view_matches_qdrant_and_follows_writes(tmp_path: Path) -> None:
    emb = HashEmbedder()
    index = PassageIndex(tmp_path / "q")
    try:
        index.upsert(_items(40), emb)
        questions = ["Kva meiner kommunen om skyss og buss?", "lege vakt flaum", "tilskot til bustad"]
        for q in questions:
            reqs = _requests(emb, q)
            assert all(supported(r) for r in reqs)
            _same(_view(index, reqs), _qdrant(index, reqs))
        # A write (new points, then a deletion) changes IDF and membership; the view must follow.
        index.upsert(_items(60, seed=1)[40:], emb)
        index.delete_graph("urn:test:g0")
        for q in questions:
            reqs = _requests(emb, q)
            _same(_view(index, reqs), _qdrant(index, reqs))
        assert all(
            pl["graph_iri"] != "urn:test:g0"
            for lst in index.search_batch(_requests(emb, "skule"))
            for _, pl, _ in lst
        )
    finally:
        index.close()


def test_unsupported_requests_go_to_qdrant(tmp_path: Path) -> None:
    emb = HashEmbedder()
    index = PassageIndex(tmp_path / "q")
    try:
        index.upsert(_items(10), emb)
        dense = [emb.embed_queries(["skule"])[0].tolist()]
        odd = qm.QueryRequest(
            query=dense,
            using=DENSE,
            filter=qm.Filter(should=[qm.FieldCondition(key="kind", match=qm.MatchValue(value="passage"))]),
            limit=3,
            with_payload=True,
        )
        assert not supported(odd)
        assert [[p for p, _ in r] for r in _view(index, [odd])] == [
            [p for p, _ in r] for r in _qdrant(index, [odd])
        ]
    finally:
        index.close()


def test_empty_index_has_no_hits(tmp_path: Path) -> None:
    emb = HashEmbedder()
    index = PassageIndex(tmp_path / "q")
    try:
        index.upsert(_items(1), emb)
        index.delete_graph("urn:test:g0")
        assert index.search_batch(_requests(emb, "skule")) == [[], [], [], []]
        assert index.search_batch([]) == []
    finally:
        index.close()


def test_entity_centroids_are_what_the_linked_passages_say_and_agree_with_a_server_scroll(
    tmp_path: Path,
) -> None:
    """A pilot's centroid is the unit mean of the whole-text vectors of the passages the graph links to
    it; the in-memory view and the scroll a Qdrant server gets compute the same, and both follow writes."""
    from dataclasses import replace

    from search_api.points import embed_text

    emb = HashEmbedder()
    items = _items(20)
    items[1] = replace(items[1], pilots=("pilot-a",))
    items[2] = replace(items[2], pilots=("pilot-a",), grant_schemes=("grant-b",))
    items[3] = replace(items[3], grant_schemes=("grant-b",))
    index = PassageIndex(tmp_path / "q")
    try:
        index.upsert(items, emb)
        local = index.entity_centroids()
        assert set(local) == {"pilot-a", "grant-b"}
        for entity, members in (("pilot-a", [items[1], items[2]]), ("grant-b", [items[2], items[3]])):
            expected = emb.embed_passages([embed_text(it, index.context) for it in members]).mean(axis=0)
            assert np.allclose(local[entity], expected / np.linalg.norm(expected), atol=1e-5)
        index._is_server = True  # the server's path: a filtered scroll with vectors
        scrolled = index.entity_centroids()
        assert set(scrolled) == set(local)
        assert all(np.allclose(scrolled[e], local[e], atol=1e-5) for e in local)
        index._is_server = False
        index.delete_graph(items[1].graph_iri)  # items 1 (pilot-a) and 4, 7, ... go
        after = index.entity_centroids()
        gone = {it.iri for it in items if it.graph_iri == items[1].graph_iri}
        assert items[2].iri not in gone and "pilot-a" in after
        assert np.allclose(
            after["pilot-a"], emb.embed_passages([embed_text(items[2], index.context)])[0], atol=1e-5
        )
    finally:
        index.close()
