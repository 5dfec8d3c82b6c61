"""Kinds of question the graph answers: the stance asked (position feature) and who adopted another's response."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from search_api.fusion import Candidate, QuestionSignals
from search_api.question import QuestionReader, asked_stance, asked_stances, asks_endorsement, dense_query
from search_api.ranker import FEATURES, candidate_features, stances_wanted


@pytest.mark.parametrize(
    ("question", "stance"),
    [
        ("Hvilke høringsinstanser vil ikke at loven skal pålegge kommunene en ny plikt?", "opposes"),
        ("Kven vil ikkje at fylket skal overta ansvaret?", "opposes"),
        ("Hvilke kommuner ønsker ikke en ny søknadsordning?", "opposes"),
        ("Hvem vil beholde dagens ordning med søknadsbasert tilskudd?", "opposes"),
        ("Which respondents want to keep the current districts?", "opposes"),
        ("Which respondents do not want a national register?", "opposes"),
        ("Hvem støtter forslaget om lengre frist?", "supports"),
        ("Hvilke høringsinstanser setter vilkår for ordningen?", "qualified"),
        # No "who" word: the question asks why, not who holds a stance.
        ("Hvorfor vil fagforeningen ikke at pengene blandes inn i budsjettet?", None),
        ("Hvilke høringsinstanser viser til egne erfaringer?", None),
    ],
)
def test_the_stance_a_question_asks_for(question: str, stance: str | None) -> None:
    assert asked_stance(question) == stance


def _cand(pid: str, doc: str, on: tuple[str, ...], rank: int) -> Candidate:
    payload: dict[str, Any] = {
        "kind": "passage",
        "document_iri": doc,
        "file_name": doc,
        "text": f"Tekst {pid}.",
        "recommendations": on,
    }
    return Candidate(pid, payload, 0.9 - rank / 100, rank, None, None)


def test_position_reads_the_closest_proposal_even_when_a_second_one_is_near() -> None:
    """The closest proposal beats the next by less than the margin: the proposal feature stays
    off, but a passage on it whose letter holds the stance asked is marked (and only that one)."""
    signals = QuestionSignals(
        question="Hvilke kommuner vil ikke at ordningen endres?",
        proposals=(("R1", 0.800), ("R2", 0.795)),
        stances=("opposes",),
        positions=(("d1", "opposes"), ("d2", "supports"), ("d3", "opposes")),
    )
    cands = [
        _cand("a", "d1", ("R1",), 1),  # on R1, its letter opposes R1
        _cand("b", "d2", ("R1",), 2),  # on R1, its letter supports it
        _cand("c", "d3", ("R2",), 3),  # its letter opposes R1, but this passage is on R2
        _cand("d", "d4", (), 4),
    ]
    x = candidate_features(cands, signals)
    col = {f: x[:, i].tolist() for i, f in enumerate(FEATURES)}
    assert col["position"] == [1.0, 0.0, 0.0, 0.0]
    assert col["proposal"] == [0.0, 0.0, 0.0, 0.0]
    # With a clear lead the proposal feature is on for the passages on it.
    clear = candidate_features(cands, replace(signals, proposals=(("R1", 0.85), ("R2", 0.79))))
    assert clear[:, FEATURES.index("proposal")].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert clear[:, FEATURES.index("position")].tolist() == [1.0, 0.0, 0.0, 0.0]
    # No stance asked: no position.
    plain = candidate_features(cands, replace(signals, stances=()))
    assert plain[:, FEATURES.index("position")].tolist() == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Hvilken organisasjon slutter seg til svaret fra en paraplyorganisasjon?", True),
        ("Hvilken høringsinstans stiller seg bak et annet høringssvar?", True),
        ("Kven sluttar seg til høyringssvaret frå fylket?", True),
        ("Which respondent endorses another organisation's response?", True),
        ("Hvem har vist til uttalelsen fra bransjen?", True),
        ("Hvilken kommune har gjort uttalelsen fra regionrådet til sin egen?", True),
        ("Kven støttar høyringssvaret frå interkommunalt arkiv?", True),
        ("Which municipality adopted the response of its regional council?", True),
        ("Hvem støtter høringsforslaget om kortere frist?", False),
        ("What happened in the countries that adopted the rule?", False),
        ("Hvem stiller seg bak forslaget om lengre frist?", False),
        ("Hvem slutter seg til forslaget?", False),
        ("Når er svaret fra Havvik kommune datert?", False),
    ],
)
def test_question_asks_who_adopted_another_response(question: str, asks: bool) -> None:
    assert asks_endorsement(question) is asks


def test_reader_passes_the_graphs_endorsements_only_when_asked() -> None:
    reader = QuestionReader([("lia", "Lia kommune")], endorsements=[("urn:doc:1", "urn:doc:1/passage/3")])
    asked = reader.read("Hvem slutter seg til svaret fra en annen organisasjon?")
    assert asked.endorsing_letters == frozenset({"urn:doc:1"})
    assert asked.endorsement_passages == frozenset({"urn:doc:1/passage/3"})
    assert asked.graph_letters() == frozenset({"urn:doc:1"})
    plain = reader.read("Hva mener Lia om fristen?")
    assert plain.endorsement_passages == frozenset() and plain.graph_letters() == frozenset()
    # No endorsement in the graph: nothing to bring.
    assert QuestionReader().read("Hvem slutter seg til svaret fra en annen?").graph_letters() == frozenset()


def test_endorsement_marks_the_passage_that_adopts_the_response_and_its_windows() -> None:
    signals = QuestionSignals(
        question="Hvem slutter seg til svaret fra en annen organisasjon?",
        endorsing=1.0,
        endorsing_letters=frozenset({"d1"}),
        endorsement_passages=frozenset({"d1/passage/3"}),
    )
    said = _cand("a", "d1", (), 3)
    said.payload["iri"] = "d1/passage/3"
    window = _cand("w", "d1", (), 4)
    window.payload.update(iri="d1/passage/3#window-1", passage_iri="d1/passage/3")
    other = _cand("b", "d1", (), 1)
    other.payload["iri"] = "d1/passage/1"
    x = candidate_features([other, said, window], signals)
    assert x[:, FEATURES.index("endorsement")].tolist() == [0.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("question", "dense"),
    [
        ("Hvilke høringsinstanser vil ha lengre frist?", "vil ha lengre frist?"),
        ("Kva for nokre kommunar ønskjer fleire ferjer?", "ønskjer fleire ferjer?"),
        ("Which municipality wants more ferries?", "wants more ferries?"),
        ("Hvem støtter forslaget om ferjer?", "støtter forslaget om ferjer?"),
        # No interrogative head, or too little left without it: the question as asked.
        ("Hva mener fylket om ferjene?", "Hva mener fylket om ferjene?"),
        ("Hvem svarte?", "Hvem svarte?"),
    ],
)
def test_the_dense_model_reads_the_question_without_its_interrogative_head(question: str, dense: str) -> None:
    assert dense_query(question) == dense


@pytest.mark.parametrize(
    ("question", "stances"),
    [
        # Invented questions; a question may ask for several stances.
        ("Hvem støtter, helt eller på vilkår, at fristen forlenges?", ("qualified", "supports")),
        ("Kven går imot eller set vilkår for den nye avgifta?", ("opposes", "qualified")),
        ("Hvilke organisasjoner har innvendinger mot en ny avgift?", ("opposes",)),
        # A negated objection is support: the longer phrase is read first and taken out.
        ("Kven har ikkje noko imot at skulen blir flytta?", ("supports",)),
        ("Which councils have no objections to the new toll road?", ("supports",)),
        ("Hvem er imot bompenger?", ("opposes",)),
        # No "who" word: not a question about who holds a stance.
        ("Hvorfor er fylket imot bompenger?", ()),
    ],
)
def test_every_stance_a_question_asks_for(question: str, stances: tuple[str, ...]) -> None:
    assert asked_stances(question) == stances
    assert asked_stance(question) == (stances[0] if stances else None)


def test_the_positions_wanted_are_those_of_every_stance_asked() -> None:
    assert stances_wanted(QuestionSignals(stances=("supports",))) == ("supports", "qualified")
    both = QuestionSignals(stances=("opposes", "qualified"))
    assert stances_wanted(both) == ("opposes", "qualified")
    assert set(stances_wanted(QuestionSignals(stances=("qualified", "supports")))) == {
        "supports",
        "qualified",
    }
    assert stances_wanted(QuestionSignals()) == ()
    # The reader fills both: the first stance and the list.
    read = QuestionReader().read("Hvem støtter, helt eller på vilkår, at fristen forlenges?")
    assert (read.stance, read.stances) == ("qualified", ("qualified", "supports"))


def test_the_dense_model_reads_the_question_without_the_senders_it_names() -> None:
    reader = QuestionReader(
        [("lia", "Lia kommune"), ("kystby", "Kystby kommune"), ("bondelag", "Vestdal Bondelag")]
    )
    assert reader.naming_words("Hvorfor er Lia kritisk til Kystbys plan?") == ["lia", "kystbys"]
    assert (
        reader.dense_text("Hvorfor er Lia kommune kritisk til fristen?") == "Hvorfor er kritisk til fristen?"
    )
    # Too little would be left ("viser til?"): the question as dense_query gives it.
    assert (
        reader.dense_text("Hvilke høringsinstanser viser til Vestdal Bondelag?")
        == "viser til Vestdal Bondelag?"
    )
    # A word several senders share ("kommune") names none of them; nothing named, nothing removed.
    assert reader.dense_text("Hva mener kommunene om fristen?") == "Hva mener kommunene om fristen?"


def test_the_dense_model_reads_the_question_without_the_kind_of_sender_asked_about() -> None:
    from search_api.question import kind_words

    assert kind_words("Hvilken kommune vil ha ferjer?") == ["kommune"]
    assert kind_words("Which trade union warns against the rule?") == ["trade union"]
    # Only the sender zone counts: "kommunene" later in the question is the topic.
    assert kind_words("Hva mener forbundet om at kommunene skal betale?") == []
    reader = QuestionReader()
    assert (
        reader.dense_text("Hvilken statlig fagetat sier at fristen er for kort?")
        == "sier at fristen er for kort?"
    )
