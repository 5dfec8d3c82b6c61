"""Each package says what it offers: every name in ``__all__`` resolves to its module's object,
and importing a package does not load its heavy parts (they load on first use)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ("ingest", "graph", "search_api")


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_name_resolves(name: str) -> None:
    package = importlib.import_module(name)
    assert package.__all__
    for attr in package.__all__:
        value = getattr(package, attr)
        home = importlib.import_module(package._WHERE[attr])
        assert value is getattr(home, attr), f"{name}.{attr}"
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_a_user_imports_the_service_from_the_package() -> None:
    from search_api import PolicyKG
    from search_api.service import PolicyKG as Service

    assert PolicyKG is Service


def test_importing_a_package_loads_nothing_heavy() -> None:
    code = "import sys, search_api, graph, ingest; print(sorted(m for m in sys.modules if m.startswith(('search_api.', 'graph.', 'ingest.', 'qdrant_client'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # ingest._lazy is the few lines that resolve the names on first use; nothing else may load.
    assert out.strip() == "['ingest._lazy']"
