"""The library's front door: one object that the CLI and the HTTP API share.

:class:`PolicyKG` owns the graph store, the (lazy) embedder and vector index, and runs
ingest, reindex, consistency checks, questions and traces. Library errors derive from
``PolicykgError``; callers turn them into messages for people.
"""

from __future__ import annotations

import shutil
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import GraphError
from graph.iris import IriMinter
from graph.mapping import map_reference, map_response, to_ntriples
from graph.queries import document_ingest_keys
from graph.sparql import iri, named, values
from graph.store import GraphStore, open_store
from graph.validation import validate_document_graph
from ingest.embedding import Embedder
from ingest.errors import InputError, PolicykgError, ReferenceDataError
from ingest.model import STANCES
from ingest.pipeline import Analyser, discover_files, ingest_key
from ingest.readers import content_hash
from ingest.reference import ReferenceData, load_reference
from ingest.stance import STANCE_EXTRACTOR_VERSION
from search_api.records import (
    Answer,
    AskHit,
    IndexCheck,
    PositionQuote,
    PositionsAnswer,
)
from search_api.settings import Settings

if TYPE_CHECKING:  # the index module pulls in qdrant-client: imported only when used
    from search_api.fusion import QuestionSignals
    from search_api.index import PassageIndex
    from search_api.search import HybridSearcher
    from search_api.sync import IndexStatus, SyncReport

__all__ = ["FileFailure", "IngestReport", "PolicyKG"]

ProgressCallback = Callable[[str], None]
LockFactory = Callable[[], AbstractContextManager[Any]]
# (path, ingest key) -> (file name, the response's graph as N-Triples)
DocumentBuilder = Callable[[Path, str], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class FileFailure:
    path: str
    reason: str


@dataclass(slots=True)
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[FileFailure] = field(default_factory=list)
    reference_changed: bool = False
    embedded: int = 0  # texts actually sent to the embedding model
    indexed: int = 0  # points written to the index

    @property
    def ok(self) -> bool:
        return not self.failed


def find_reference_dir(paths: Iterable[Path]) -> Path | None:
    """``reference/`` next to (or inside) the first given path that has one."""
    for path in paths:
        path = Path(path)
        for candidate in (path / "reference", path.parent / "reference", path.parent.parent / "reference"):
            if (candidate / "hearing.yaml").is_file():
                return candidate
    return None


def build_document(
    path: Path, key: str, ref: ReferenceData, iris: IriMinter, analyser: Analyser
) -> tuple[str, str]:
    """Read, analyse, map and validate one response: (file name, its graph as N-Triples)."""
    doc = analyser.analyse_path(path)
    graph = map_response(
        doc, ref, iris, ingest_key=key, extractor=("policykg-stance", STANCE_EXTRACTOR_VERSION)
    )
    validate_document_graph(graph, str(path))
    return doc.file_name, to_ntriples(graph)


class PolicyKG:
    def __init__(self, settings: Settings | None = None, *, store: GraphStore | None = None) -> None:
        self.settings = settings or Settings()
        self.iris = IriMinter(self.settings.base_iri)
        if store is not None:
            self.store = store
        elif self.settings.sparql_url:
            self.store = open_store(url=self.settings.sparql_url, update_url=self.settings.sparql_update_url)
        else:
            self.store = open_store(self.settings.graph_path)
        self._embedder: Embedder | None = None
        self._index: PassageIndex | None = None
        self._reference: ReferenceData | None = None
        self._status: tuple[float, IndexStatus] | None = None
        self._searcher: HybridSearcher | None = None

    # -- lazily built parts ----------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from ingest.embedding import create_embedder
            from ingest.embedding_cache import CachedEmbedder

            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            self._embedder = CachedEmbedder(
                create_embedder(self.settings.embedder), self.settings.embedding_cache_path
            )
        return self._embedder

    @property
    def index(self) -> PassageIndex:
        if self._index is None:
            from search_api.index import PassageIndex

            if self.settings.qdrant_url:
                self._index = PassageIndex(
                    url=self.settings.qdrant_url,
                    api_key=self.settings.qdrant_api_key,
                    collection=self.settings.qdrant_collection,
                )
            else:
                self._index = PassageIndex(
                    path=self.settings.qdrant_path, collection=self.settings.qdrant_collection
                )
        return self._index

    @property
    def reference(self) -> ReferenceData:
        """The reference data last ingested (kept in the data dir)."""
        if self._reference is None:
            if not (self.settings.reference_copy / "hearing.yaml").is_file():
                raise ReferenceDataError(
                    self.settings.reference_copy,
                    "no reference data ingested yet; run `policykg ingest CORPUS` or pass --reference DIR",
                )
            self._reference = load_reference(self.settings.reference_copy)
        return self._reference

    def close(self) -> None:
        """Close the index and the store; a second call does nothing (serve's lifespan and its caller both close)."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        if self._index is not None:
            self._index.close()
            self._index = None
        self.store.close()

    # -- ingest ---------------------------------------------------------------------------
    def load_reference(self, folder: Path) -> bool:
        """Load reference data into its named graph; returns whether anything changed."""
        ref = load_reference(folder)
        graph_iri = self.iris.reference_graph()
        current = self.store.select(named("graph-content-hash", values("g", [iri(graph_iri)])))
        self._reference = ref
        copy = self.settings.reference_copy
        if folder.resolve() != copy.resolve():
            copy.mkdir(parents=True, exist_ok=True)
            for f in folder.glob("*.yaml"):
                shutil.copy2(f, copy / f.name)
        self._ensure_ontology()
        if current and current[0]["h"] == ref.content_hash:
            return False
        g = map_reference(ref, self.iris)
        from rdflib import Literal, URIRef

        g.add(
            (
                URIRef(graph_iri),
                URIRef("https://w3id.org/policykg/ontology#contentHash"),
                Literal(ref.content_hash),
            )
        )
        self.store.replace_graph(graph_iri, to_ntriples(g))
        return True

    def _ensure_ontology(self) -> None:
        """The vocabulary itself lives in the store too, so queries can use its labels and notations."""
        from graph.validation import ontology_graph

        graph_iri = self.iris.ontology_graph()
        data = to_ntriples(ontology_graph())
        if graph_iri in self.store.graph_names():
            have = self.store.select(named("graph-size", values("g", [iri(graph_iri)])))
            if have and int(have[0]["n"] or 0) == data.count("\n"):
                return
        self.store.replace_graph(graph_iri, data)

    def ingest(
        self,
        paths: list[Path],
        *,
        reference_dir: Path | None = None,
        with_index: bool = True,
        progress: ProgressCallback | None = None,
        debug: bool = False,
        lock: LockFactory | None = None,
        build: DocumentBuilder | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> IngestReport:
        """Ingest files (or corpus folders); unchanged files are skipped by their ingest key.

        With ``with_index`` the index is reconciled first (finishing an interrupted run) and
        last (indexing what changed). ``lock`` is held only around index writes (a server's
        readers share it); ``build`` replaces the in-process analysis (the API runs it in a
        child process it can stop).
        """
        report = IngestReport()
        before = 0
        if with_index:
            before = getattr(self.embedder, "embedded", 0)
            report.indexed += self.reconcile(lock=lock, stop=stop).items
        ref_dir = reference_dir or find_reference_dir(paths)
        if ref_dir is not None:
            report.reference_changed = self.load_reference(ref_dir)
        ref = self.reference
        skipped: list[tuple[Path, str]] = []
        files = list(discover_files(paths, skipped=skipped))
        report.failed.extend(FileFailure(str(p), why) for p, why in skipped)
        missing = [p for p in paths if not Path(p).exists()]
        for p in missing:
            report.failed.append(FileFailure(str(p), "no such file or folder"))
        known = document_ingest_keys(self.store)
        analyser: Analyser | None = None
        names: dict[str, Path] = {}
        for path in files:
            if progress:
                progress(path.name)
            if path.name in names:
                report.failed.append(
                    FileFailure(
                        str(path),
                        f"same file name as {names[path.name]}; file names identify responses, rename one",
                    )
                )
                continue
            names[path.name] = path
            try:
                key = ingest_key(content_hash(path), ref.content_hash)
                if known.get(path.name) == key:
                    report.unchanged.append(path.name)
                    continue
                if build is None:
                    if analyser is None:
                        analyser = Analyser(ref, self.embedder, limits=self.settings.read_limits())
                    file_name, ntriples = build_document(path, key, ref, self.iris, analyser)
                else:
                    file_name, ntriples = build(path, key)
                # Written only after it validated: a failing file leaves nothing behind. The index
                # marker of this graph no longer matches its key, so a crash from here on is
                # repaired by the next reconcile.
                self.store.replace_graph(self.iris.response_graph(file_name), ntriples)
                report.ingested.append(path.name)
            except (InputError, GraphError) as exc:
                report.failed.append(FileFailure(str(path), _reason(exc, path)))
            except Exception as exc:  # a bug must not stop the batch; say so plainly
                detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
                report.failed.append(
                    FileFailure(str(path), f"internal error while ingesting (please report): {detail}")
                )
        if with_index:
            sync = self.reconcile(lock=lock, full=False, stop=stop)
            report.indexed += sync.items
            report.embedded = getattr(self.embedder, "embedded", 0) - before
        self._searcher = None  # new senders or reference data: the question reader is rebuilt
        return report

    # -- questions ------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        top_k: int = 10,
        actor_type: str | None = None,
        recommendation: str | None = None,
        language: str | None = None,
        file_name: str | None = None,
        mode: str = "hybrid",
        include_entities: bool = False,
    ) -> Answer:
        """Hybrid search over passages; each hit carries what the graph links to it.

        Its JSON (:meth:`Answer.to_json`) is ``policykg ask --json``'s and the API's ``/ask``.
        """
        from graph.queries import remembered_positions
        from search_api.search import SearchFilters

        if not question.strip():
            raise InputError("the question is empty; ask something, e.g. 'Hvem støtter R2?'")
        if not 1 <= top_k <= 100:
            raise InputError("top_k must be between 1 and 100")
        searcher = self.searcher()
        filters = SearchFilters(
            actor_type=actor_type, recommendation=recommendation, language=language, file_name=file_name
        )
        kinds = None if include_entities else ("passage",)
        with remembered_positions():  # the ranker and the positions answer read the same proposal
            hits, signals = searcher.search_with_signals(
                question, top_k=top_k, mode=mode, filters=filters, kinds=kinds
            )
            answer = self._positions_answer(signals, searcher.params.proposal_margin)
        stances = self._stances_for({h.document_iri for h in hits if h.document_iri and h.recommendations})
        out = [AskHit.of(h, stances.get(h.document_iri or "", {})) for h in hits]
        # Say so when the index lags the graph (an interrupted ingest, `ingest --no-index`).
        warning = self.index_status(max_age_s=5.0).message()
        return Answer(question=question, hits=out, index_warning=warning, positions=answer)

    def _positions_answer(self, signals: QuestionSignals, margin: float) -> PositionsAnswer | None:
        """For "Hvem støtter / who opposes ..." about a proposal: the graph's positions, grouped by stance.

        The proposal is the one closest to the question by the dense model (when it stands out
        by ``margin``); every stance is listed, the asked one first, each position with its quote.
        """
        from search_api.trace import trace_target

        asked = signals.stance
        target = signals.proposal(margin) if asked else None
        trace = trace_target(self.store, target) if target else None
        if trace is None or asked is None:
            return None
        order = [asked, *(s for s in STANCES if s != asked)]
        groups = {
            stance: [PositionQuote.of(p) for p in trace.positions if p.stance == stance] for stance in order
        }
        return PositionsAnswer(
            proposal=trace.target,
            title=trace.title,
            asked=asked,
            by_stance={k: v for k, v in groups.items() if v},
        )

    def searcher(self) -> HybridSearcher:
        """The searcher for ``ask``, with a question reader that knows this graph's senders (cached)."""
        if self._searcher is None:
            from search_api.question import (
                QuestionReader,
                graph_endorsements,
                graph_positions,
                graph_senders,
                graph_without_comments,
            )
            from search_api.question_kinds import load_kind_model
            from search_api.search import HybridSearcher

            try:
                reference: ReferenceData | None = self.reference
            except ReferenceDataError:
                reference = None
            reader = QuestionReader(
                graph_senders(self.store),
                reference,
                graph_positions(self.store),
                graph_without_comments(self.store),
                graph_endorsements(self.store),
            )
            self._searcher = HybridSearcher(
                self.index, self.embedder, reader=reader, kind_model=load_kind_model(self.embedder)
            )
        return self._searcher

    def _stances_for(self, document_iris: set[str]) -> dict[str, dict[str, str]]:
        """Document IRI -> proposal id -> effective stance (curated winning) for the given documents."""
        out: dict[str, dict[str, str]] = {}
        if not document_iris:
            return out
        # Only the three columns ask shows, for the hit documents only: the full positions query
        # (quotes, selectors, reviewers of every position) cost ~12 ms of a ~40 ms ask.
        bound = values("doc", map(iri, sorted(document_iris)))
        for row in self.store.select(named("hit-stances", bound)):
            out.setdefault(str(row["doc"]), {})[str(row["target"])] = str(row["stance"])
        return out

    # -- index maintenance -------------------------------------------------------------------
    def reindex(self) -> int:
        """Rebuild the vector index from the graph (the source of truth)."""
        from search_api.sync import rebuild

        return rebuild(self.store, self.iris, self.index, self.embedder)

    def forget_cached(self) -> None:
        """Drop what was read from the graph or data dir (reference data, searcher) after they were replaced."""
        self._reference = None
        self._searcher = None
        self._status = None

    def reconcile(
        self, *, lock: LockFactory | None = None, full: bool = True, stop: Callable[[], bool] | None = None
    ) -> SyncReport:
        """Re-index the graphs whose index points may not match them; drop points of graphs that are gone."""
        from search_api.sync import reconcile

        self._status = None
        try:
            return reconcile(
                self.store, self.iris, self.index, self.embedder, lock=lock, full=full, stop=stop
            )
        finally:
            self._status = None

    def index_status(self, max_age_s: float = 0.0) -> IndexStatus:
        """Is the index in step with the graph? Cheap (no embedder): for ``ask`` and ``/healthz``.

        ``max_age_s`` allows an answer computed that recently (and not since a reconcile).
        """
        from search_api.sync import index_status

        cached = self._status
        if cached is not None and time.monotonic() - cached[0] <= max_age_s:
            return cached[1]
        status = index_status(self.store, self.iris, self.index)
        self._status = (time.monotonic(), status)
        return status

    def check(self) -> IndexCheck:
        """Passages (and entities) missing from the index, points with nothing behind them, and named
        graphs whose points were not (fully) built from their current content (index markers)."""
        from search_api.items import build_items

        wanted = {i.iri for i in build_items(self.store, self.iris)}
        have = self.index.iris()
        status = self.index_status()
        return IndexCheck(
            missing_from_index=sorted(wanted - have),
            orphan_points=sorted(have - wanted),
            stale_graphs=sorted({*status.behind, *status.gone}),
        )


def _reason(exc: PolicykgError, path: Path) -> str:
    text = str(exc)
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text
