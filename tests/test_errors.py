"""The error tree: every error a user or the server's state can cause maps to a 4xx or 503 with its message.

The tree is found by importing every module of the three packages and walking
``PolicykgError.__subclasses__()``, so an error class added anywhere later is checked too.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import graph
import ingest
import search_api
from graph.errors import GraphError
from ingest.errors import PolicykgError, ReferenceDataError
from search_api.api.errors import STATUS, install_error_handlers, status_for
from search_api.errors import SearchError

# Raised directly, these bases mean a broken invariant (a bug): 500 and logged.
_BASES = {PolicykgError, GraphError, SearchError}


def _import_all() -> None:
    for package in (ingest, graph, search_api):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def _tree() -> list[type[PolicykgError]]:
    _import_all()
    seen: list[type[PolicykgError]] = []
    todo = [PolicykgError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return sorted(seen, key=lambda c: (c.__module__, c.__name__))


_ERRORS = [cls for cls in _tree() if cls not in _BASES]


def _instance(cls: type[PolicykgError], message: str) -> PolicykgError:
    """An instance with a known message, whatever the class's constructor takes."""
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    return exc


def test_the_tree_is_found() -> None:
    names = {cls.__name__ for cls in _ERRORS}
    # one of each layer, so a walk that silently finds nothing fails here
    assert {"DocumentReadError", "QueryForbiddenError", "EmbedderMismatchError", "QueueFullError"} <= names


@pytest.mark.parametrize("cls", _ERRORS, ids=lambda c: c.__name__)
def test_every_error_has_a_status_other_than_500(cls: type[PolicykgError]) -> None:
    status = status_for(cls)
    assert status != 500, f"{cls.__module__}.{cls.__name__} has no entry in search_api.api.errors.STATUS"
    assert 400 <= status < 500 or status == 503


def test_every_table_entry_is_in_the_tree() -> None:
    assert set(STATUS) <= set(_ERRORS)


def test_a_subclass_takes_its_nearest_listed_ancestor() -> None:
    class Unlisted(ReferenceDataError):
        pass

    assert Unlisted not in STATUS
    assert status_for(Unlisted) == STATUS[ReferenceDataError] == 409


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise/{name}")
    def _raise(name: str) -> None:
        cls = {c.__name__: c for c in [*_ERRORS, *_BASES]}[name]
        raise _instance(cls, f"{name}: here is what to do")

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("cls", _ERRORS, ids=lambda c: c.__name__)
def test_the_api_answers_each_error_with_its_status_and_message(
    client: TestClient, cls: type[PolicykgError]
) -> None:
    resp = client.get(f"/raise/{cls.__name__}")
    assert resp.status_code == status_for(cls)
    body = resp.json()
    assert body["error"] == f"{cls.__name__}: here is what to do"
    assert body["detail"] == {"kind": cls.__name__}
    if resp.status_code == 503:
        assert resp.headers["retry-after"]


def test_a_base_raised_directly_is_a_logged_500(client: TestClient) -> None:
    resp = client.get("/raise/SearchError")
    assert resp.status_code == 500
