"""What every ``policykg`` command module shares: the consoles, the global options' state,
the settings they make, the error wrapper and the service opener.

Its own module so that the command modules (``cli_admin``, ``cli_evaluate``, ...) need not
import ``search_api.cli``, which assembles them: no import circle.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

from ingest.errors import PolicykgError
from search_api.settings import Settings

if TYPE_CHECKING:
    from ingest.embedding_cache import CachedEmbedder
    from search_api.service import PolicyKG

__all__ = ["cached_embedder", "console", "err", "friendly_errors", "open_kg", "settings", "state"]

# Piped output (files, scripts, tests) is not wrapped at 80 columns: a name or a path stays whole.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    data_dir: Path | None = None
    debug: bool = False
    embedder: str | None = None


state = _State()


def settings() -> Settings:
    overrides: dict[str, Any] = {}
    if state.data_dir is not None:
        overrides["data_dir"] = state.data_dir
    if state.embedder:
        overrides["embedder"] = state.embedder
    return Settings(**overrides)


def cached_embedder() -> CachedEmbedder:
    """The configured embedder behind the shared embedding cache (the data dir is made if need be),
    for commands that embed without opening the service: evaluation and training."""
    from ingest.embedding import create_embedder
    from ingest.embedding_cache import CachedEmbedder

    s = settings()
    s.data_dir.mkdir(parents=True, exist_ok=True)
    return CachedEmbedder(create_embedder(s.embedder), s.embedding_cache_path)


def friendly_errors(func: F) -> F:
    """Turn library errors into one line for a person, and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PolicykgError as exc:
            if state.debug:
                raise
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_kg() -> Iterator[PolicyKG]:
    from search_api.service import PolicyKG

    kg = PolicyKG(settings())
    try:
        yield kg
    finally:
        kg.close()
