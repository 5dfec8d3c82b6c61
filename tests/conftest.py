"""Shared fixtures, built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ingest.reference import ReferenceData, load_reference

if TYPE_CHECKING:  # imported where used, so tests without a corpus need no index or embedder
    from search_api.service import PolicyKG

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "nou-2026-1"
BAD_INPUT = ROOT / "tests" / "data" / "bad-input"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def responses_dir() -> Path:
    return CORPUS / "responses"


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return CORPUS / "gold"


@pytest.fixture(scope="session")
def bad_input_dir() -> Path:
    return BAD_INPUT


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return load_reference(CORPUS / "reference")


@pytest.fixture(scope="session")
def kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyKG]:
    """The sample corpus ingested once per session (graph and index), shared by the API test modules."""
    from search_api.service import PolicyKG
    from search_api.settings import Settings

    service = PolicyKG(Settings(data_dir=tmp_path_factory.mktemp("api-kg")))
    report = service.ingest([CORPUS])
    if not report.ok or len(report.ingested) != 10:
        service.close()
        reasons = "; ".join(f"{Path(f.path).name}: {f.reason}" for f in report.failed)
        pytest.fail(f"ingesting the sample corpus failed: {reasons or report}", pytrace=False)
    yield service
    service.close()
