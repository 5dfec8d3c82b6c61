"""Lazy package surfaces (PEP 562): a package's public names, imported from their module on first use.

``graph``, ``ingest`` and ``search_api`` each map their public names to the module that defines them
and answer ``__getattr__`` through :func:`lazy_attribute`, so ``import graph`` loads none of its modules
and a command that needs one part loads only that part.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["lazy_attribute"]


def lazy_attribute(package: str, modules: Mapping[str, str], name: str) -> Any:
    """Import ``name`` from the module ``modules`` names for it, or raise AttributeError as Python does."""
    module = modules.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
