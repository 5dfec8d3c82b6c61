"""Norwegian lexical analysis: tokens, nb/nn folding, stable ids, BM25 weights."""

from __future__ import annotations

import pytest

from ingest.lexical import (
    STOP_WORDS,
    analyze,
    query_sparse_vector,
    sparse_vector,
    term_id,
    tokenize,
)

# (nynorsk, bokmål): the same word in the same grammatical form in the two written standards.
# General public-administration vocabulary, not taken from the sample letters' answers.
NN_NB_PAIRS = [
    ("tilskot", "tilskudd"),
    ("tilskotet", "tilskuddet"),
    ("tilskota", "tilskuddene"),
    ("kommunar", "kommuner"),
    ("kommunane", "kommunene"),
    ("bustader", "boliger"),
    ("bustadene", "boligene"),
    ("omsorgsbustader", "omsorgsboliger"),
    ("utleigebustader", "utleieboliger"),
    ("tilrådinga", "anbefalingen"),
    ("tilrådingane", "anbefalingene"),
    ("høyringa", "høringen"),
    ("høyringssvar", "høringssvar"),
    ("verksemder", "virksomheter"),
    ("oppgåvene", "oppgavene"),
    ("tenester", "tjenester"),
    ("innbyggjarane", "innbyggerne"),
    ("skular", "skoler"),
    ("lærarar", "lærere"),
    ("barnehagelærarar", "barnehagelærere"),
    ("tilsette", "ansatte"),
    ("pengar", "penger"),
    ("midlar", "midler"),
    ("verkemidla", "virkemidlene"),
    ("rekneskapen", "regnskapet"),
    ("meiner", "mener"),
    ("ønskjer", "ønsker"),
    ("fryktar", "frykter"),
    ("støttar", "støtter"),
    ("erfaringane", "erfaringene"),
    ("fylkeskommunane", "fylkeskommunene"),
    ("løysingar", "løsninger"),
    ("fellesløysingar", "fellesløsninger"),
    ("rapporteringskrava", "rapporteringskravene"),
    ("ordningane", "ordningene"),
    ("tilskotsordningar", "tilskuddsordninger"),
    ("moglegheiter", "muligheter"),
    ("statsforvaltaren", "statsforvalteren"),
    ("distriktskommunane", "distriktskommunene"),
    ("overgangsordningar", "overgangsordninger"),
    ("utfordringane", "utfordringene"),
    ("vurderingane", "vurderingene"),
    ("arbeidsgjevarar", "arbeidsgivere"),
    # Known misses, kept so the measured figure below stays honest:
    ("avgjerder", "avgjørelser"),
    ("byane", "byene"),
]


def _term(word: str) -> str:
    terms = analyze(word)
    assert len(terms) == 1, (word, terms)
    return terms[0]


def test_nynorsk_and_bokmal_forms_meet_for_most_pairs() -> None:
    met = [nn for nn, nb in NN_NB_PAIRS if _term(nn) == _term(nb)]
    # Measured: Snowball alone joins 15/45 pairs, simplemma+Snowball 17/45, this analysis 43/45.
    assert len(met) >= 43, sorted({nn for nn, _ in NN_NB_PAIRS} - set(met))


@pytest.mark.parametrize(
    ("nn", "nb"),
    [
        ("tilskotet", "tilskudd"),
        ("kommunar", "kommuner"),
        ("bustader", "boliger"),
        ("tilrådinga", "anbefaling"),
    ],
)
def test_brief_examples_meet(nn: str, nb: str) -> None:
    assert _term(nn) == _term(nb)


def test_tokenize_lowercases_normalises_and_drops_stop_words() -> None:
    # Negations are kept on purpose ("ikke enige"): IDF keeps their weight low anyway.
    assert tokenize("Kommunen har IKKJE svart på høringa") == ["kommunen", "ikkje", "svart", "høringa"]
    assert analyze("ikkje") == analyze("ikke")
    # "å" typed as a + combining ring (as some PDFs extract it) is the same token after NFC.
    assert tokenize("bra\u030ak") == tokenize("bråk") == ["bråk"]
    assert "på" in STOP_WORDS and "kva" in STOP_WORDS


def test_hyphenated_compounds_keep_parts_and_joined_form() -> None:
    assert tokenize("luft-til-vann-varmepumper") == ["luft", "vann", "varmepumper", "lufttilvannvarmepumper"]
    assert tokenize("trygghets-/serviceboliger") == ["trygghets", "serviceboliger", "trygghetsserviceboliger"]
    # A suspended compound ("søknads-, rapporterings- og ...") leaves its first part.
    assert tokenize("søknads-, rapporterings- og dokumentasjonskrava") == [
        "søknads",
        "rapporterings",
        "dokumentasjonskrava",
    ]


def test_en_dash_compound_is_the_hyphenated_one() -> None:
    # Regression: "hus–hytte" (en dash) and "hus-hytte" (hyphen) were different token sets.
    assert tokenize("hus–hytte") == tokenize("hus-hytte") == ["hus", "hytte", "hushytte"]


def test_numbers_and_ids_are_tokens() -> None:
    assert tokenize("budsjettåret 2027 og R2") == ["budsjettåret", "2027", "r2"]


def test_english_function_words_are_stop_words() -> None:
    assert tokenize("What does the county say about this?") == ["county", "say"]


def test_term_ids_are_stable_uint32() -> None:
    # Fixed values: the ids must be the same on every machine and Python run.
    assert term_id("kommun") == term_id("kommun")
    assert 0 <= term_id("tilskudd") < 2**32
    assert term_id("tilskudd") == int.from_bytes(
        __import__("hashlib").blake2b(b"tilskudd", digest_size=4).digest(), "little"
    )


def test_sparse_vector_is_sorted_and_saturates_term_frequency() -> None:
    idx, val = sparse_vector("tilskudd tilskudd tilskudd bolig")
    assert idx == sorted(idx) and len(idx) == 2
    weights = dict(zip(idx, val, strict=True))
    once = weights[term_id(_term("bolig"))]
    thrice = weights[term_id(_term("tilskudd"))]
    assert once < thrice < 3 * once  # more occurrences weigh more, but not linearly
    assert thrice < 1.2 + 1.0  # BM25 bound k1 + 1


def test_longer_documents_weigh_a_term_less() -> None:
    short = dict(zip(*sparse_vector("tilskudd til omsorgsboliger"), strict=True))
    long_text = "tilskudd til omsorgsboliger " + " ".join(f"ord{i}" for i in range(120))
    long = dict(zip(*sparse_vector(long_text), strict=True))
    tid = term_id(_term("tilskudd"))
    assert long[tid] < short[tid]


def test_query_vector_has_unit_weights_and_nn_meets_nb() -> None:
    q_idx, q_val = query_sparse_vector("Kva meiner kommunane om tilskotet?")
    d_idx, _ = sparse_vector("Kommunene mener tilskuddet må videreføres.")
    assert set(q_val) == {1.0}
    assert set(q_idx) <= set(d_idx)


def test_empty_and_stop_word_only_texts() -> None:
    assert sparse_vector("") == ([], [])
    assert query_sparse_vector("og i på") == ([], [])
