"""Shared fixtures, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.reference import ReferenceData, load_reference

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
