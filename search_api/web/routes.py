"""The secretariat's pages (bokmål, server-rendered with Jinja2) and the JSON they need beyond the API.

Pages read the graph through the same functions as the API's routers; writes (curation) go
from the browser to ``POST /curation`` with the reviewer's token, never through these routes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from graph.entities import (
    GrantSchemeInfo,
    PilotInfo,
    actor,
    actors,
    document,
    documents,
    grant_schemes,
    pilots,
    recommendations,
)
from ingest.errors import PolicykgError
from ingest.model import STANCES as STANCE_ORDER
from ingest.model import ActorType
from search_api.api.deps import State
from search_api.api.errors import ApiError
from search_api.records import Answer
from search_api.trace import trace_target
from search_api.web import data
from search_api.web.text import (
    ACTOR_TYPES,
    LANGUAGES,
    RELATIONS,
    STANCE_LABELS,
    STANCE_SHORT,
    WHY,
    actor_type_label,
    letter_passages,
    mark_words,
    stance_label,
)

__all__ = ["router", "templates"]

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(
    STANCE_LABELS=STANCE_LABELS,
    STANCE_ORDER=STANCE_ORDER,
    ACTOR_TYPES=ACTOR_TYPES,
    LANGUAGES=LANGUAGES,
    WHY=WHY,
    STANCE_SHORT=STANCE_SHORT,
)
templates.env.filters.update(
    stance=stance_label,
    actor_type=actor_type_label,
    urlpart=lambda s: quote(str(s), safe=""),
    pct=lambda x: "–" if x is None else f"{x:.2f}".replace(".", ","),
    why_text=lambda ws: ", ".join(WHY.get(w, w) for w in ws),
    relation=lambda r: RELATIONS.get(r, r),
)

router = APIRouter(include_in_schema=False)

_EXAMPLE_QUERIES = sorted((HERE / "queries").glob("*.rq"))


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _not_found(request: Request, message: str) -> HTMLResponse:
    return _page(request, "error.html", status_code=404, message=message)


def _letter_href(file_name: str, start: int | None = None, end: int | None = None) -> str:
    href = f"/brev/{quote(file_name, safe='')}"
    if start is not None:
        href += f"?fra={start}" + (f"&til={end}" if end is not None else "") + "#treff"
    return href


templates.env.globals["letter_href"] = _letter_href


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# -- search ------------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
async def search_page(
    request: Request,
    state: State,
    q: Annotated[str, Query(max_length=2000)] = "",
    aktortype: str = "",
    forslag: str = "",
    sprak: str = "",
    fra: str = "",
    til: str = "",
) -> HTMLResponse:
    """The front page: a question box with filters; hits with matched words marked."""
    kg = state.kg
    proposals = await run_in_threadpool(recommendations, kg.store)
    result: Answer | None = None
    error: str | None = None
    date_from, date_to = _parse_date(fra), _parse_date(til)
    if (fra and date_from is None) or (til and date_to is None):
        error = "Datoen må skrives som åååå-mm-dd, for eksempel 2026-04-15."
    elif q.strip():
        actor_type = aktortype if aktortype in {t.value for t in ActorType} else None
        language = sprak if sprak in LANGUAGES else None
        known = {p.id for p in proposals}
        wide = date_from is not None or date_to is not None

        def ask() -> Answer:
            with state.lock:
                return kg.ask(
                    q,
                    top_k=40 if wide else 10,
                    actor_type=actor_type,
                    recommendation=forslag if forslag in known else None,
                    language=language,
                )

        try:
            result = await run_in_threadpool(ask)
        except PolicykgError as exc:
            error = str(exc)
        if result is not None and wide:
            # /ask has no date filter: the hits are filtered on their letter's date here.
            kept = [
                h
                for h in result.hits
                if (d := _parse_date(h.date)) is not None
                and (date_from is None or d >= date_from)
                and (date_to is None or d <= date_to)
            ]
            result = replace(result, hits=kept[:10])
    hits = [
        data.PageHit.view(h, mark_words(h.text, q), _letter_href(h.document, h.start, h.end))
        for h in (result.hits if result is not None else [])
        if h.document
    ]
    return _page(
        request,
        "search.html",
        q=q,
        filters={"aktortype": aktortype, "forslag": forslag, "sprak": sprak, "fra": fra, "til": til},
        proposals=proposals,
        result=result,
        hits=hits,
        error=error,
    )


# -- proposals ---------------------------------------------------------------------------------------
@router.get("/forslag", response_class=HTMLResponse)
def proposals_page(request: Request, state: State) -> HTMLResponse:
    return _page(request, "proposals.html", proposals=recommendations(state.kg.store))


@router.get("/forslag/{target_id}", response_class=HTMLResponse)
def proposal_page(
    request: Request, state: State, target_id: Annotated[str, PathParam(max_length=100)]
) -> HTMLResponse:
    trace = trace_target(state.kg.store, target_id)
    if trace is None:
        return _not_found(request, f"Fant ikke forslaget «{target_id}». Se listen over forslag på /forslag.")
    rows = trace.positions
    grouped = {s: [p for p in rows if p.stance == s] for s in STANCE_ORDER}
    by_type = data.stance_bars((p.stance, p.actor_type) for p in rows)
    totals = {s: len(grouped[s]) for s in STANCE_ORDER}
    return _page(
        request,
        "proposal.html",
        trace=trace,
        grouped=grouped,
        by_type=by_type,
        totals=totals,
        total=sum(totals.values()),
    )


# -- review queue ------------------------------------------------------------------------------------
@router.get("/gjennomgang", response_class=HTMLResponse)
def review_page(
    request: Request,
    state: State,
    under: Annotated[float, Query(ge=0, le=1)] = 0.75,
    antall: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HTMLResponse:
    rows = data.review_queue(state.kg.store, under, antall)
    texts = data.letter_texts(state.kg.store, (r.document for r in rows))
    items = [{"row": r, "context": _context(texts.get(r.document, ""), r.start, r.end)} for r in rows]
    return _page(request, "review.html", items=items, under=under, antall=antall)


def _context(text: str, start: int | None, end: int | None, width: int = 160) -> dict[str, str] | None:
    """The quote with up to ``width`` characters either side, cut at spaces."""
    if start is None or end is None or not text:
        return None
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if start > width and " " in before:
        before = "… " + before.split(" ", 1)[1]
    if end + width < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + " …"
    return {"before": before, "quote": text[start:end], "after": after}


@router.get("/web/api/review")
def review_json(
    state: State,
    below: Annotated[float, Query(ge=0, le=1)] = 0.75,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> JSONResponse:
    """Automatic positions below a confidence threshold, lowest first (the review queue's data)."""
    from dataclasses import asdict

    return JSONResponse([asdict(r) for r in data.review_queue(state.kg.store, below, limit)])


# -- matrix ------------------------------------------------------------------------------------------
@router.get("/matrise", response_class=HTMLResponse)
def matrix_page(request: Request, state: State, aktortype: str = "", sorter: str = "navn") -> HTMLResponse:
    actor_type = aktortype if aktortype in ACTOR_TYPES else None
    sort = sorter if sorter in data.SORTS else "navn"
    m = data.matrix(state.kg.store, actor_type=actor_type, sort=sort)
    whole = m if actor_type is None else data.matrix(state.kg.store)
    present = sorted({r.actor_type for r in whole.rows})
    # The matrix and the hearing summary are served by the report routes (search_api/api/routers/report.py).
    downloads = [
        ("Excel (XLSX)", "/matrix.xlsx"),
        ("CSV", "/matrix.csv"),
        ("Oppsummering av høringen (Word)", "/report?format=docx"),
        ("Oppsummering (HTML)", "/report?format=html"),
    ]
    return _page(
        request,
        "matrix.html",
        m=m,
        aktortype=aktortype,
        sorter=sort,
        present_types=present,
        downloads=downloads,
    )


@router.get("/web/api/matrix")
def matrix_json(state: State, actor_type: str | None = None) -> JSONResponse:
    """Actors × proposals with the position (stance, quote, offsets) in each cell."""
    return JSONResponse(data.matrix(state.kg.store, actor_type=actor_type).as_json())


# -- actors, entities, letters -----------------------------------------------------------------------
@router.get("/aktorer", response_class=HTMLResponse)
def actors_page(request: Request, state: State) -> HTMLResponse:
    return _page(request, "actors.html", actors=actors(state.kg.store))


@router.get("/aktorer/{actor_id}", response_class=HTMLResponse)
def actor_page(
    request: Request, state: State, actor_id: Annotated[str, PathParam(max_length=200)]
) -> HTMLResponse:
    found = actor(state.kg.store, actor_id)
    if found is None:
        return _not_found(request, f"Fant ikke aktøren «{actor_id}». Se listen på /aktorer.")
    return _page(request, "actor.html", a=found)


@router.get("/enheter/{kind}/{entity_id}", response_class=HTMLResponse)
def entity_page(
    request: Request,
    state: State,
    kind: Annotated[str, PathParam(max_length=20)],
    entity_id: Annotated[str, PathParam(max_length=200)],
) -> HTMLResponse:
    """A pilot or grant scheme: who takes part or administers it, and which letters mention it."""
    found: PilotInfo | GrantSchemeInfo | None = None
    if kind == "pilot":
        found = next(iter(pilots(state.kg.store, pilot_id=entity_id)), None)
    elif kind == "grant_scheme":
        found = next(iter(grant_schemes(state.kg.store, scheme_id=entity_id)), None)
    if found is None:
        return _not_found(request, f"Fant ikke «{entity_id}» ({kind}).")
    return _page(request, "entity.html", e=found, kind=kind)


@router.get("/brev", response_class=HTMLResponse)
def letters_page(request: Request, state: State) -> HTMLResponse:
    return _page(request, "letters.html", letters=documents(state.kg.store))


@router.get("/brev/{file_name}", response_class=HTMLResponse)
def letter_page(
    request: Request,
    state: State,
    file_name: Annotated[str, PathParam(max_length=255)],
    fra: Annotated[int | None, Query(ge=0)] = None,
    til: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    found = document(state.kg.store, file_name)
    if found is None:
        return _not_found(request, f"Fant ikke brevet «{file_name}». Se listen på /brev.")
    target = (fra, til if til is not None and til > fra else fra + 1) if fra is not None else None
    passages = letter_passages(found.text, found.passages, found.positions, target)
    return _page(request, "letter.html", d=found, passages=passages)


# -- network and SPARQL --------------------------------------------------------------------------------
@router.get("/nettverk", response_class=HTMLResponse)
def network_page(request: Request, visning: str = "positions") -> HTMLResponse:
    kind = visning if visning in ("positions", "participation") else "positions"
    return _page(request, "network.html", kind=kind)


@router.get("/web/api/network")
def network_json(state: State, kind: str = "positions") -> JSONResponse:
    """Nodes and edges of the actor–proposal (``positions``) or ``participation`` network."""
    if kind not in ("positions", "participation"):
        raise ApiError(422, "kind must be 'positions' or 'participation'", {"kind": kind})
    return JSONResponse(data.network(state.kg.store, kind))


@router.get("/sporring", response_class=HTMLResponse)
def sparql_page(request: Request) -> HTMLResponse:
    examples = [
        {
            "name": p.stem,
            "title": p.read_text("utf-8").splitlines()[0].lstrip("# ").strip(),
            "query": p.read_text("utf-8"),
        }
        for p in _EXAMPLE_QUERIES
    ]
    return _page(request, "sparql.html", examples=examples)
