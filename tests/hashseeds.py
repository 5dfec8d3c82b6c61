"""Running a snippet under several PYTHONHASHSEED values, for tests that a result does not follow the
order of a set of strings (which changes from process to process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["outputs_under_hash_seeds"]

ROOT = Path(__file__).resolve().parent.parent


def outputs_under_hash_seeds(code: str, seeds: range = range(6)) -> set[str]:
    """The distinct standard outputs of ``python -c code`` run from the project root under each seed."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        for seed in seeds
    }
