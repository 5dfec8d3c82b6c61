"""What a question asks for, read by its meaning: who had no comments, who adopted another's response.

Two kinds of question are answered from the graph rather than from text: "who answered without
comments" (the letters the graph records as «uten merknad») and "who adopted another body's
response" (the graph's endorsements). The cue lists in ``question_cues.yaml`` catch the usual
phrasings, but every writer words these differently ("uten å ha noen synspunkter på innholdet",
"simply backed another organisation's submission"), and a phrase list does not generalise.

:class:`KindModel` reads the question's dense vector, the one search computes anyway (no second
embedding): a multinomial logistic regression over ``no_comments``, ``endorsing`` and ``other``.
It is fitted on ``question_kinds.yaml``, questions written for it by two writers who invented
their hearings and read none of the corpus, so no hearing's questions are fitted on and the
leave-one-hearing-out figures of search stay honest. :func:`cross_writer` scores each writer's
questions with a model fitted on the other writer's. The model holds for the embedder it was
fitted with only; with another one search falls back on the cue lists.

Scoring is one small matrix product (numpy; scikit-learn only to fit).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from search_api.question import QuestionReader

if TYPE_CHECKING:
    from ingest.embedding import Embedder

__all__ = [
    "DEFAULT_KIND_MODEL",
    "KINDS",
    "KIND_QUESTIONS",
    "KindExample",
    "KindModel",
    "KindScore",
    "cross_writer",
    "fit_kind_model",
    "kind_examples",
    "load_kind_model",
]

KINDS: tuple[str, ...] = ("no_comments", "endorsing")  # the kinds search acts on; the rest is "other"
OTHER = "other"
KIND_QUESTIONS = Path(__file__).with_name("question_kinds.yaml")
DEFAULT_KIND_MODEL = Path(__file__).with_name("question_kind_model.json")
# Inverse regularisation strengths averaged over (no single C is chosen; :func:`fit_kind_model`).
C_GRID: tuple[float, ...] = (1.0, 3.0, 10.0)


@dataclass(frozen=True, slots=True)
class KindExample:
    """One training question: its text, kind, language (nb/nn/en) and who wrote it."""

    question: str
    kind: str
    language: str
    writer: str


def kind_examples(path: Path = KIND_QUESTIONS) -> list[KindExample]:
    """The labelled questions of ``path``; a wrong entry raises ValueError naming it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for i, entry in enumerate(data):
        try:
            example = KindExample(
                str(entry["question"]), str(entry["kind"]), str(entry["language"]), str(entry["writer"])
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: entry {i + 1} needs question, kind, language and writer") from exc
        if example.kind not in (*KINDS, OTHER):
            raise ValueError(f"{path}: entry {i + 1} has kind {example.kind!r}; use one of {[*KINDS, OTHER]}")
        out.append(example)
    return out


@dataclass(frozen=True, slots=True)
class KindModel:
    """P(kind | question vector) = softmax(coef . v + intercept), for the embedder it was fitted with."""

    embedder: str
    dim: int
    classes: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    trained_on: int = 0  # how many questions

    def probabilities(self, vector: Sequence[float] | np.ndarray) -> dict[str, float]:
        """Each class's probability for one (unit-length) query vector."""
        v = np.asarray(vector, dtype=np.float64)
        z = np.asarray(self.coef) @ v + np.asarray(self.intercept)
        p = np.exp(z - z.max())
        p /= p.sum()
        return {c: float(x) for c, x in zip(self.classes, p, strict=True)}

    def asked(self, vector: Sequence[float] | np.ndarray) -> dict[str, float]:
        """The kind the question most likely asks for, with its probability; empty for "other"."""
        probs = self.probabilities(vector)
        best = max(probs, key=lambda c: probs[c])
        return {best: probs[best]} if best in KINDS else {}

    def fits(self, embedder: Embedder) -> bool:
        return (embedder.name, embedder.dim) == (self.embedder, self.dim)

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "embedder": self.embedder,
                    "dim": self.dim,
                    "classes": list(self.classes),
                    "trained_on": self.trained_on,
                    "intercept": list(self.intercept),
                    "coef": [list(row) for row in self.coef],
                },
                indent=1,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> KindModel:
        data: dict[str, Any] = json.loads(text)
        try:
            model = cls(
                embedder=str(data["embedder"]),
                dim=int(data["dim"]),
                classes=tuple(str(c) for c in data["classes"]),
                coef=tuple(tuple(float(x) for x in row) for row in data["coef"]),
                intercept=tuple(float(x) for x in data["intercept"]),
                trained_on=int(data.get("trained_on", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"question-kind model needs embedder, dim, classes, coef, intercept: {exc}"
            ) from exc
        if len(model.coef) != len(model.classes) or any(len(r) != model.dim for r in model.coef):
            raise ValueError("question-kind model: coef must be one row of dim weights per class")
        return model


def _vectors(questions: Sequence[str], embedder: Embedder) -> np.ndarray:
    """The query vectors search computes for ``questions`` (:meth:`QuestionReader.dense_text`: the
    interrogative head and the kind of sender asked about left out; no index, so no sender names)."""
    reader = QuestionReader()
    return np.asarray(embedder.embed_queries([reader.dense_text(q) for q in questions]), dtype=np.float64)


def _fit(x: np.ndarray, y: Sequence[str], classes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and intercepts averaged over :data:`C_GRID` (balanced classes, lbfgs)."""
    from sklearn.linear_model import LogisticRegression

    coefs, intercepts = [], []
    for c in C_GRID:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        model.fit(x, list(y))
        order = [list(model.classes_).index(k) for k in classes]
        coefs.append(model.coef_[order])
        intercepts.append(model.intercept_[order])
    return np.mean(coefs, axis=0), np.mean(intercepts, axis=0)


def fit_kind_model(examples: Sequence[KindExample], embedder: Embedder) -> KindModel:
    """The model fitted on every example (deterministic: the same examples give the same JSON)."""
    classes = (*KINDS, OTHER)
    missing = set(classes) - {e.kind for e in examples}
    if missing:
        raise ValueError(f"fitting the question-kind model needs examples of {sorted(missing)}")
    coef, intercept = _fit(
        _vectors([e.question for e in examples], embedder), [e.kind for e in examples], classes
    )
    return KindModel(
        embedder=embedder.name,
        dim=embedder.dim,
        classes=classes,
        coef=tuple(tuple(round(float(x), 6) for x in row) for row in coef),
        intercept=tuple(round(float(x), 6) for x in intercept),
        trained_on=len(examples),
    )


@dataclass(frozen=True, slots=True)
class KindScore:
    """How one writer's questions of one kind were read by a model fitted on the other writers."""

    writer: str
    kind: str
    found: int  # questions of this kind read as this kind
    total: int
    false_alarms: int  # questions of another kind read as this kind
    others: int  # questions of another kind


def cross_writer(examples: Sequence[KindExample], embedder: Embedder) -> list[KindScore]:
    """Each writer's questions scored by a model fitted on every other writer's (leave-one-writer-out)."""
    writers = sorted({e.writer for e in examples})
    if len(writers) < 2:
        raise ValueError("scoring across writers needs questions from two writers or more")
    x = _vectors([e.question for e in examples], embedder)
    classes = (*KINDS, OTHER)
    out = []
    for writer in writers:
        train = [i for i, e in enumerate(examples) if e.writer != writer]
        test = [i for i, e in enumerate(examples) if e.writer == writer]
        coef, intercept = _fit(x[train], [examples[i].kind for i in train], classes)
        predicted = [classes[int(np.argmax(coef @ x[i] + intercept))] for i in test]
        truth = [examples[i].kind for i in test]
        for kind in KINDS:
            out.append(
                KindScore(
                    writer,
                    kind,
                    sum(p == t == kind for p, t in zip(predicted, truth, strict=True)),
                    truth.count(kind),
                    sum(p == kind != t for p, t in zip(predicted, truth, strict=True)),
                    len(truth) - truth.count(kind),
                )
            )
    return out


@cache
def _shipped(path: Path) -> KindModel | None:
    return KindModel.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None


def load_kind_model(embedder: Embedder, path: Path = DEFAULT_KIND_MODEL) -> KindModel | None:
    """The shipped model when it was fitted with ``embedder``, else None (search uses the cue lists)."""
    model = _shipped(path)
    return model if model is not None and model.fits(embedder) else None
