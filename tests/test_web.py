"""The web interface in a real browser: Debian's headless Chromium driven by Playwright.

A uvicorn server runs the whole app (API and pages) in a thread on a free port, over a data dir
where the sample hearing is ingested. Every page is checked with axe-core (no serious or critical
violations), and the README's screenshots are taken here (screenshots/).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "data" / "vendor" / "axe.min.js"
SHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
TOKEN = "test-token-web"
QUESTION = "Hvem støtter innlemming av øremerkede tilskudd i rammetilskuddet?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[str]:
    """The app on a free loopback port, over its own ingested copy of the sample (the tests curate)."""
    import uvicorn

    from search_api.api import create_app
    from search_api.service import PolicyKG
    from search_api.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("web-kg"), api_token=TOKEN)
    kg = PolicyKG(settings)
    report = kg.ingest([corpus_dir])
    assert report.ok, report
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(settings, kg=kg), port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the web server did not start in 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(15)
    kg.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"script errors in the page: {errors}"


def check_axe(page: Any) -> None:
    """axe-core over the whole page: no violation of serious or critical impact."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe on {page.url}:\n" + "\n".join(bad)


def shoot(page: Any, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_search_marks_words_and_opens_the_letter_at_the_passage(server: str, page: Any) -> None:
    page.goto(server + "/")
    check_axe(page)
    page.get_by_label("Spørsmål eller søkeord").fill(QUESTION)
    page.get_by_role("button", name="Søk", exact=True).click()
    hits = page.locator("ol.hits > li")
    assert hits.count() > 0
    first = hits.first
    assert first.locator(".passage mark").count() > 0, "no matched word marked in the first hit"
    assert first.locator(".meta time").count() == 1, "the hit shows no date"
    assert first.locator(".why").inner_text().startswith("Funnet på")
    # "Hvem støtter ..." about a proposal: the graph's positions, grouped by stance with quotes.
    answer = page.locator(".positions-answer")
    assert answer.count() == 1
    assert answer.locator(".badge").count() >= 1 and answer.locator("q").count() >= 1
    assert page.locator("ol.hits .badge").count() >= 1, "no stance badge on any hit"
    check_axe(page)
    shoot(page, "search")

    passage_start = first.locator(".passage").inner_text()[:40]
    first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/brev/.+\?fra=\d+.*#treff$"))
    target = page.locator("#treff")
    assert target.is_visible()
    assert passage_start in target.inner_text(), "the letter did not open at the hit's passage"
    assert page.evaluate("document.activeElement.id") == "treff"
    assert page.locator("article.letter mark.quote").count() >= 1, "no position quote marked in the letter"
    check_axe(page)
    shoot(page, "letter")


def test_search_by_keyboard_only(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")  # the skip link: the next Tab reaches the question box, not the menu
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q", "the question box is not reachable by Tab"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    assert page.locator("ol.hits > li").count() > 0
    # Tab on until the first hit's link has the focus, then open it with Enter.
    first_hit = page.locator("ol.hits > li h3 a").first.get_attribute("href")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == first_hit:
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == first_hit
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/brev/.+#treff$"))
    assert page.evaluate("document.activeElement.id") == "treff"


def test_proposal_page_and_curation_survives_reload(server: str, page: Any) -> None:
    page.goto(server + "/forslag/R1")
    positions = page.locator("li.position")
    assert positions.count() >= 2
    assert page.locator(".bar .seg").count() >= 1 and page.locator("table.by-type tbody tr").count() >= 1
    assert page.locator("li.position .origin.auto").count() >= 1
    check_axe(page)
    shoot(page, "proposal", full_page=True)

    item = positions.first
    document = item.get_attribute("data-document")
    before = item.locator(".current .badge").inner_text()
    new_stance = "mentions" if before != "Nevner" else "opposes"

    # Without a token nothing is sent; with a wrong one the server's refusal is shown.
    item.get_by_role("button", name="Bekreft").click()
    assert "nøkkelen" in item.locator(".curate-status").inner_text()
    page.get_by_label("Ditt navn").fill("Kari Saksbehandler")
    page.get_by_label("Nøkkel", exact=True).fill("feil")
    page.get_by_role("button", name="Bruk nøkkelen").click()
    item.get_by_role("button", name="Bekreft").click()
    page.wait_for_function(
        "document.querySelector('li.position .curate-status').textContent.includes('feil')"
    )

    page.get_by_label("Nøkkel", exact=True).fill(TOKEN)
    page.get_by_role("button", name="Bruk nøkkelen").click()
    item.get_by_label("Endre til").select_option(new_stance)
    item.get_by_role("button", name="Lagre endring").click()
    page.wait_for_function(
        "document.querySelector('li.position .curate-status').textContent.startsWith('Lagret')"
    )
    assert "Kontrollert av Kari Saksbehandler" in item.locator(".origin").inner_text()

    page.reload()
    again = page.locator(f'li.position[data-document="{document}"]')
    assert again.count() == 1
    assert again.locator(".current .badge").get_attribute("class") == f"badge stance-{new_stance}"
    assert "Kontrollert av Kari Saksbehandler" in again.locator(".origin").inner_text()


def test_review_queue_lowest_confidence_first(server: str, page: Any) -> None:
    page.goto(server + "/gjennomgang?under=0.9")
    items = page.locator("ol.queue > li.position")
    assert items.count() >= 2
    confidences = [float(c) for c in items.evaluate_all("els => els.map(e => e.dataset.confidence)")]
    assert confidences == sorted(confidences) and max(confidences) < 0.9
    assert items.first.locator("mark.quote").count() == 1, "the quote is not shown in its context"
    assert items.first.get_by_role("button", name="Avvis").count() == 1
    check_axe(page)
    shoot(page, "review")


def test_matrix_filter_and_cell_link(server: str, page: Any) -> None:
    page.goto(server + "/matrise")
    assert page.locator("table.matrix td.cell a").count() >= 5
    check_axe(page)
    shoot(page, "matrix")
    for href in page.locator("p.downloads a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert page.request.get(server + href).status == 200, href
    page.get_by_label("Aktørtype").select_option("municipality")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url(re.compile(r"aktortype=municipality"))
    types = page.locator("table.matrix tbody th .atype").all_inner_texts()
    assert types and set(types) == {"Kommune"}
    page.locator("table.matrix td.cell a").first.click()
    page.wait_for_url(re.compile(r"/brev/.+#treff$"))
    assert page.locator("#treff mark.quote").count() >= 1


def test_network_views(server: str, page: Any) -> None:
    for kind in ("positions", "participation"):
        page.goto(server + f"/nettverk?visning={kind}")
        page.wait_for_selector("#cy[data-ready]")
        assert int(page.get_attribute("#cy", "data-ready") or 0) > 3
        assert page.locator("#cy canvas").count() >= 1
        assert page.locator("#edge-table tbody tr").count() >= 3
        check_axe(page)
        if kind == "positions":
            shoot(page, "network")


def test_sparql_example_query(server: str, page: Any) -> None:
    page.goto(server + "/sporring")
    page.wait_for_selector(".CodeMirror")  # YASQE replaced the plain text box
    check_axe(page)
    page.get_by_role("button", name=re.compile("høringssvar kom fra hver aktørtype")).click()
    page.wait_for_selector("#sparql-results tbody tr")
    cells = page.locator("#sparql-results tbody tr td").all_inner_texts()
    assert "municipality" in cells
    assert page.locator("#sparql-results thead th").all_inner_texts() == ["aktortype", "antall"]
    check_axe(page)
    shoot(page, "sparql")


def test_actor_and_list_pages(server: str, page: Any) -> None:
    for path in ("/forslag", "/aktorer", "/brev"):
        page.goto(server + path)
        check_axe(page)
    page.goto(server + "/aktorer")
    page.locator("table.list tbody a").first.click()
    page.wait_for_url(re.compile(r"/aktorer/.+"))
    assert page.locator("h1").inner_text()
    check_axe(page)
    page.goto(server + "/forslag/finnes-ikke")
    assert page.locator("h1").inner_text() == "Fant ikke siden"
