"""Norwegian word forms: nynorsk spellings, stems, dashes and compound splitting (bokmål and nynorsk)."""

from __future__ import annotations

import pytest

from ingest._morph import decompound, stem, to_bokmaal, tokens


def test_longer_spelling_is_folded_before_its_prefix() -> None:
    # Regression: "tilskot" was replaced inside "tilskott" first, leaving "tilskuddt".
    assert stem("tilskott") == stem("tilskot") == stem("tilskudd") == "tilskudd"
    assert to_bokmaal("tilskottet") == "tilskuddet"


def test_en_dash_reads_as_hyphen() -> None:
    assert [t.text for t in tokens("ordninga for hus–hytte")] == ["ordninga", "for", "hus-hytte"]
    assert stem("hus–hytte") == stem("hus-hytte")
    # Offsets still point into the text as written.
    text = "A – B hus–hytte"
    tok = tokens(text)[-1]
    assert text[tok.start : tok.end] == "hus–hytte"


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("generalistkommunesystemet", ("generalist", "kommune", "systemet")),
        ("generalistkommuneprinsippet", ("generalist", "kommune", "prinsippet")),
        ("distriktsfastlegetilskudd", ("distrikt", "fastlege", "tilskudd")),
        # nynorsk, with the -s- fugue and a nynorsk head
        ("distriktsfastlegetilskotet", ("distrikt", "fastlege", "tilskotet")),
        ("sjukeheimsplassar", ("sjukeheim", "plassar")),
        ("barnehageplassane", ("barnehage", "plassane")),
        ("rekneskapsreglane", ("rekneskap", "reglane")),
        ("legevaktsentral", ("legevakt", "sentral")),
        ("varslingsløsninger", ("varsling", "løsninger")),
        ("hus–hytte", ("hus", "hytte")),
    ],
)
def test_decompound_splits_bokmaal_and_nynorsk_compounds(word: str, parts: tuple[str, ...]) -> None:
    assert decompound(word) == parts


@pytest.mark.parametrize("word", ["kommune", "forenkling", "beredskap", "innstillingen", "Bergen"])
def test_decompound_leaves_simple_words_whole(word: str) -> None:
    assert decompound(word) == (word.lower(),)


def test_decompound_prefers_the_callers_vocabulary() -> None:
    # Without it the -s- is ambiguous ("kompetanse-s-tøtte"); the hearing's own words decide.
    assert decompound("kompetansestøtte", vocabulary={"støtte"}) == ("kompetanse", "støtte")
    # A made-up place name is a part when the caller knows it.
    assert decompound("Fjordlandsprofilen", vocabulary={"fjordland"}) == ("fjordland", "profilen")
