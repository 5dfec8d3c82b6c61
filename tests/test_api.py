"""The HTTP API over the ingested sample hearing: resources, /ask, 404s, JSON errors, writes with a token.

The corpus is ingested once per session (the ``kg`` fixture in conftest); the SPARQL and
schemathesis modules share it, so all three use one store (the embedded stores lock their
data dir, one opener per process).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from graph.errors import StoreUnavailableError
from search_api.api import create_app
from search_api.records import RecommendationDetail, to_json
from search_api.settings import Settings
from search_api.trace import trace_target

if TYPE_CHECKING:  # imported where used, so the tests without a corpus run on their own
    from search_api.service import PolicyKG

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "nou-2026-1"
TOKEN = "test-token-3f9c"


@pytest.fixture(scope="session")
def client(kg: PolicyKG) -> Iterator[TestClient]:
    with TestClient(create_app(kg.settings, kg=kg)) as c:
        yield c


slow = pytest.mark.slow


def gold_responses() -> list[dict[str, str]]:
    with (CORPUS / "gold" / "responses.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def assert_error(resp: Any, status: int, *words: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = resp.json()
    assert set(body) == {"error", "detail"} and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in resp.text
    for word in words:
        assert word in body["error"], body
    return body


# -- read-only resources ------------------------------------------------------------------------------
@slow
def test_health_and_docs(client: TestClient, kg: PolicyKG) -> None:
    graphs = len(kg.store.graph_names())
    assert graphs >= 11  # ten responses, reference data (and the ontology)
    health = client.get("/healthz").json()
    assert (health["status"], health["named_graphs"], health["writes_enabled"]) == ("ok", graphs, False)
    assert health["index"]["in_step"] is True and health["problems"] == []
    assert health["sparql"]["slots"] >= 1 and health["sparql"]["busy"] == 0
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/ask",
        "/recommendations/{target_id}",
        "/actors/{actor_id}",
        "/documents/{file_name}",
        "/sparql",
    ):
        assert path in paths


@slow
def test_recommendations_count_the_positions_trace_shows(client: TestClient, kg: PolicyKG) -> None:
    listed = client.get("/recommendations").json()
    assert [r["id"] for r in listed][:3] == ["R1", "R2", "R3"] and len(listed) == 10
    for rec in listed:
        trace = trace_target(kg.store, rec["id"])
        assert trace is not None
        expected = Counter(p.stance for p in trace.positions)
        assert {k: v for k, v in rec["stance_counts"].items() if v} == dict(expected)
        assert rec["total_positions"] == len(trace.positions)


@slow
def test_recommendation_detail_is_the_trace(client: TestClient, kg: PolicyKG) -> None:
    body = client.get("/recommendations/V1").json()
    found = trace_target(kg.store, "V1")
    assert found is not None
    trace = to_json(found)  # what `policykg trace V1 --json` prints
    assert list(trace) == ["target", "title", "kind", "text", "positions", "by_reference", "counts"]
    assert {k: body[k] for k in trace} == trace
    # The body is the record's one serialisation, key for key and in order.
    assert list(body.items()) == list(to_json(RecommendationDetail.of(found)).items())
    dss = [p for p in body["positions"] if p["document"] == "distriktssenteret-2026-04-15.txt"]
    assert dss and dss[0]["stance"] == "opposes" and dss[0]["actor"] == "Distriktssenteret"
    assert body["stance_counts"]["opposes"] >= 1


@slow
def test_actors_with_type_and_responses(client: TestClient) -> None:
    actors = {a["id"]: a for a in client.get("/actors").json()}
    senders = Counter(r["actor_type"] for r in gold_responses())
    with_responses = Counter(a["type"] for a in actors.values() for _ in range(a["responses"]))
    assert with_responses == senders
    unions = client.get("/actors", params={"type": "union"}).json()
    assert unions and {a["type"] for a in unions} == {"union"}
    assert_error(client.get("/actors", params={"type": "wizard"}), 422, "type")


@slow
def test_actor_detail_links_responses_positions_pilots(client: TestClient) -> None:
    body = client.get("/actors/distriktssenteret").json()
    assert body["name"] == "Distriktssenteret" and body["type"] == "state-agency"
    assert [d["file_name"] for d in body["response_documents"]] == ["distriktssenteret-2026-04-15.txt"]
    assert any(p["target"] == "V1" and p["stance"] == "opposes" for p in body["positions"])
    pilots = {p["id"]: p for p in body["pilots"]}
    assert "participant" in pilots["tett-pa"]["relations"]
    husbanken = client.get("/actors/husbanken").json()
    assert {g["id"] for g in husbanken["grant_schemes"]} >= {"investeringstilskudd-omsorg"}
    assert all(
        "administers" in g["relations"] or "mentioned" in g["relations"] for g in husbanken["grant_schemes"]
    )


@slow
def test_pilots_and_grant_schemes(client: TestClient) -> None:
    pilots = {p["id"]: p for p in client.get("/pilots").json()}
    assert "distriktssenteret" in {a["id"] for a in pilots["tett-pa"]["participants"]}
    assert client.get("/pilots/tett-pa").json() == pilots["tett-pa"]
    schemes = {g["id"]: g for g in client.get("/grant-schemes").json()}
    invest = schemes["investeringstilskudd-omsorg"]
    assert (
        invest["administered_by"] == {"id": "husbanken", "name": "Husbanken"}
        and "R2" in invest["recommendations"]
    )
    assert client.get("/grant-schemes/investeringstilskudd-omsorg").json() == invest


@slow
def test_document_text_passages_offsets_sender_metadata(client: TestClient) -> None:
    gold = {r["file"]: r for r in gold_responses()}
    listed = client.get("/documents").json()
    assert sorted(d["file_name"] for d in listed) == sorted(gold)
    for name, row in gold.items():
        body = client.get(f"/documents/{name}").json()
        assert body["sender_name"] == row["sender_name"] and body["date"] == (row["date"] or None)
        assert body["response_type"] == row["response_type"]
        text = body["text"]
        assert body["passages"], name
        for p in body["passages"]:
            assert text[p["start"] : p["end"]] == p["text"]
            for m in p["mentions"]:
                assert text[m["start"] : m["end"]] == m["surface"]
        for pos in body["positions"]:
            assert pos["document"] == name


@slow
def test_unknown_ids_are_json_404s(client: TestClient) -> None:
    assert_error(client.get("/recommendations/R99"), 404, "R99", "GET /recommendations")
    assert_error(client.get("/actors/nobody"), 404, "nobody", "GET /actors")
    assert_error(client.get("/pilots/none"), 404, "GET /pilots")
    assert_error(client.get("/grant-schemes/none"), 404, "GET /grant-schemes")
    body = assert_error(client.get("/documents/nope.pdf"), 404, "nope.pdf", "GET /documents")
    assert body["detail"] == {"file_name": "nope.pdf"}
    assert_error(client.get("/no/such/route"), 404, "/docs")
    assert_error(client.delete("/recommendations"), 405)


# -- /ask ---------------------------------------------------------------------------------------------------
@slow
def test_ask_get_and_post_give_the_cli_hits(client: TestClient, kg: PolicyKG) -> None:
    question = "Hvem vil beholde bemanningsnormene i barnehagen?"
    expected = kg.ask(question, top_k=5).to_json()  # what `policykg ask --json` prints
    got = client.get("/ask", params={"q": question, "top_k": 5}).json()
    assert got == expected and len(got["hits"]) == 5
    posted = client.post("/ask", json={"question": question, "top_k": 5}).json()
    assert posted == expected
    union = client.post("/ask", json={"question": "bemanningsnormer", "actor_type": "union"}).json()
    assert union["hits"] and {h["actor_type"] for h in union["hits"]} == {"union"}
    by_get = client.get("/ask", params={"q": "bemanningsnormer", "actor_type": "union"}).json()
    assert by_get == union


@slow
def test_ask_rejects_bad_input_as_json(client: TestClient) -> None:
    assert_error(client.get("/ask"), 422, "q")
    assert_error(client.get("/ask", params={"q": "x", "top_k": 0}), 422, "top_k")
    assert_error(client.post("/ask", json={"question": ""}), 422, "question")
    assert_error(client.post("/ask", content=b"{not json", headers={"content-type": "application/json"}), 422)


# -- errors without stack traces -------------------------------------------------------------------------
class _BrokenStore:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise self.exc

        return fail


def _broken_client(exc: Exception) -> TestClient:
    kg = SimpleNamespace(store=_BrokenStore(exc), settings=Settings(data_dir=Path("unused")))
    return TestClient(create_app(kg=kg), raise_server_exceptions=False)  # type: ignore[arg-type]


def test_a_bug_answers_500_with_a_generic_message() -> None:
    with _broken_client(RuntimeError("secret internals /etc/passwd")) as c:
        body = assert_error(c.get("/recommendations"), 500, "internal error")
    assert "secret" not in str(body) and "RuntimeError" not in str(body)
    assert body["detail"]["error_id"] in body["error"]


def test_an_unavailable_store_answers_503() -> None:
    with _broken_client(StoreUnavailableError("cannot reach the SPARQL server at http://x")) as c:
        assert_error(c.get("/actors"), 503, "cannot reach")
        assert_error(c.get("/healthz"), 503)


# -- writes: token, upload, curation ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyKG]:
    """A second data dir with only the reference data: uploads must not touch the shared corpus."""
    from search_api.service import PolicyKG

    kg = PolicyKG(Settings(data_dir=tmp_path_factory.mktemp("api-writes")))
    kg.load_reference(CORPUS / "reference")
    yield kg
    kg.close()


def test_writes_are_off_without_a_configured_token(tmp_path: Path) -> None:
    kg = SimpleNamespace(store=None, settings=Settings(data_dir=tmp_path, api_token=None))
    with TestClient(create_app(kg=kg)) as c:  # type: ignore[arg-type]
        decision = {"target": "R1", "document": "x.txt", "stance": "supports", "reviewer": "kari"}
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
            assert_error(c.post("/curation", json=decision, headers=headers), 403, "POLICYKG_API_TOKEN")
            files = {"file": ("a.txt", b"hei", "text/plain")}
            assert_error(c.post("/documents", files=files, headers=headers), 403, "writes are disabled")


def _finished_job(c: TestClient, resp: Any) -> dict[str, Any]:
    """An upload answers 202 with a job; wait for it to end."""
    assert resp.status_code == 202, resp.text
    for _ in range(3000):
        job: dict[str, Any] = c.get(f"/jobs/{resp.json()['id']}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"the upload job did not finish: {job}")


@slow
def test_upload_and_curate_with_the_token(writable: PolicyKG) -> None:
    settings = Settings(data_dir=writable.settings.data_dir, api_token=TOKEN)
    sample = CORPUS / "responses" / "aust-heia-kommune.txt"
    with TestClient(create_app(settings, kg=writable)) as c:
        files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
        assert_error(c.post("/documents", files=files), 401, "Bearer")
        assert_error(
            c.post("/documents", files=files, headers={"Authorization": "Bearer wrong"}), 401, "wrong"
        )
        assert_error(c.post("/documents", files=files, headers={"Authorization": TOKEN}), 401)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        first = _finished_job(c, c.post("/documents", files=files, headers=auth))
        assert first["result"]["ingested"] == [sample.name] and first["result"]["failed"] == []
        again = _finished_job(c, c.post("/documents", files=files, headers=auth))["result"]
        assert again["unchanged"] == [sample.name] and again["ingested"] == []
        assert c.get(f"/documents/{sample.name}").json()["sender_name"]

        empty = {"file": ("empty.txt", (ROOT / "tests/data/bad-input/empty.txt").read_bytes(), "text/plain")}
        body = _finished_job(c, c.post("/documents", files=empty, headers=auth))
        assert body["state"] == "failed" and "empty.txt" in body["message"]
        assert body["result"]["failed"][0]["file"] == "empty.txt" and str(settings.data_dir) not in str(body)
        assert_error(c.get("/documents/empty.txt"), 404)  # nothing half-written

        decision = {
            "target": "R3",
            "document": sample.name,
            "stance": "opposes",
            "reviewer": "kari",
            "note": "pkt 2",
        }
        assert_error(c.post("/curation", json=decision), 401)
        done = c.post("/curation", json=decision, headers=auth)
        assert done.status_code == 200, done.text
        assert done.json()["position"]["curated"] is True
        trace = c.get("/recommendations/R3").json()
        mine = [p for p in trace["positions"] if p["document"] == sample.name]
        assert len(mine) == 1 and mine[0]["curated"] is True
        assert (mine[0]["stance"], mine[0]["reviewer"], mine[0]["note"]) == ("opposes", "kari", "pkt 2")
        assert_error(c.post("/curation", json={**decision, "target": "R99"}, headers=auth), 422, "R99")
        assert_error(c.post("/curation", json={**decision, "stance": "maybe"}, headers=auth), 422, "stance")


def test_uploads_over_the_size_cap_are_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, api_token=TOKEN, max_upload_bytes=1000)
    kg = SimpleNamespace(store=None, settings=settings)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings, kg=kg)) as c:  # type: ignore[arg-type]
        big = {"file": ("big.txt", b"x" * 200_000, "text/plain")}
        assert_error(c.post("/documents", files=big, headers=auth), 413, "1000 bytes")
        small_but_over = {"file": ("over.txt", b"x" * 2000, "text/plain")}
        assert_error(c.post("/documents", files=small_but_over, headers=auth), 413, "1000 bytes")
        # Without a Content-Length the cap applies while the body streams in.
        chunks = iter([b"x" * 50_000] * 4)
        resp = c.post("/sparql", content=chunks, headers={"Content-Type": "application/sparql-query"})
        assert_error(resp, 413, "POLICYKG_MAX_UPLOAD_BYTES")
