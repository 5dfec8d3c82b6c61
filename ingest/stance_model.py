"""The learned stance model: a multinomial logistic regression over (letter, proposal) pair features.

Classes are ``none`` (the letter does not address the proposal) and the four stances. The model is
stored as JSON (feature names, standardisation, weights, a calibration table) and ships with the
package as ``ingest/models/stance.json``; it is predicted with numpy alone, so scikit-learn is only
needed to train it (``policykg train stance``). Training is deterministic: same gold, same bytes.

Confidence: the probability of the chosen class, mapped through a calibration table fitted on
out-of-fold predictions (leave one hearing out), so that positions given 0.8 are right about 80 % of
the time on hearings the model was not trained on.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ingest._features import FEATURE_NAMES
from ingest.errors import InputError
from ingest.model import STANCES

__all__ = [
    "CLASSES",
    "C_DEFAULT",
    "C_GRID",
    "DEFAULT_MODEL_PATH",
    "NO_POSITION",
    "Matrix",
    "StanceModel",
    "fit_calibration",
    "fit_grid_model",
    "fit_model",
    "load_default_model",
]

Matrix = npt.NDArray[np.float32]
NO_POSITION = "none"
CLASSES = (NO_POSITION, *STANCES)
DEFAULT_MODEL_PATH = Path(__file__).parent / "models" / "stance.json"
# Inverse L2 strengths. The model is the average of the models fitted at each of them
# (:func:`fit_grid_model`): no one C is chosen, so no choice can hinge on a near-tie.
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
C_DEFAULT = 0.01  # a single fit's strength (fit_model alone; the shipped model averages the grid)
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class StanceModel:
    version: str
    classes: tuple[str, ...]
    features: tuple[str, ...]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]  # (classes, features)
    intercept: npt.NDArray[np.float64]
    calibration: tuple[tuple[float, ...], tuple[float, ...]]  # probability knots -> observed accuracy
    info: dict[str, Any]
    # The range of each feature in the training rows. A row is clipped to it before it is scored: a
    # linear model extrapolates past what it has seen (a two-sentence letter, shorter than any in
    # training, read as mentioning every proposal), and a value beyond the range is no more evidence.
    low: npt.NDArray[np.float64] | None = None
    high: npt.NDArray[np.float64] | None = None

    def predict_proba(self, rows: Matrix) -> Matrix:
        x = np.asarray(rows, dtype=np.float64)
        if self.low is not None and self.high is not None:
            x = np.clip(x, self.low, self.high)
        z = (x - self.mean) / self.scale
        logits = z @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def confidence(self, p: float) -> float:
        """Calibrated probability that a position predicted with probability ``p`` is right."""
        xs, ys = self.calibration
        if not xs:
            return p
        return float(np.interp(p, xs, ys))

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "classes": list(self.classes),
            "features": list(self.features),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "coef": [[round(float(x), 6) for x in row] for row in self.coef],
            "intercept": [round(float(x), 6) for x in self.intercept],
            "calibration": {"p": list(self.calibration[0]), "accuracy": list(self.calibration[1])},
            "info": self.info,
        }
        if self.low is not None and self.high is not None:
            data["low"] = [round(float(x), 6) for x in self.low]
            data["high"] = [round(float(x), 6) for x in self.high]
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "stance model") -> StanceModel:
        try:
            d = json.loads(text)
            model = cls(
                version=str(d["version"]),
                classes=tuple(d["classes"]),
                features=tuple(d["features"]),
                mean=np.asarray(d["mean"], dtype=np.float64),
                scale=np.asarray(d["scale"], dtype=np.float64),
                coef=np.asarray(d["coef"], dtype=np.float64),
                intercept=np.asarray(d["intercept"], dtype=np.float64),
                calibration=(tuple(d["calibration"]["p"]), tuple(d["calibration"]["accuracy"])),
                info=dict(d.get("info", {})),
                low=np.asarray(d["low"], dtype=np.float64) if "low" in d else None,
                high=np.asarray(d["high"], dtype=np.float64) if "high" in d else None,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{source}: not a stance model file ({exc}); rebuild it with policykg train stance"
            ) from None
        if model.features != FEATURE_NAMES or model.coef.shape != (len(model.classes), len(FEATURE_NAMES)):
            raise InputError(
                f"{source}: trained on another feature set than this version computes; "
                "rebuild it with policykg train stance examples/*/gold"
            )
        return model


def load_default_model() -> StanceModel | None:
    """The shipped model, or None when it is missing or stale (the rules decide then)."""
    if not DEFAULT_MODEL_PATH.is_file():
        return None
    try:
        return StanceModel.from_json(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"), str(DEFAULT_MODEL_PATH))
    except InputError:
        return None


def fit_model(
    rows: Matrix,
    labels: Sequence[str],
    *,
    version: str,
    info: dict[str, Any] | None = None,
    c: float = C_DEFAULT,
) -> StanceModel:
    """Fit standardisation and weights on the given pairs (no calibration: see :func:`fit_calibration`)."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(rows, dtype=np.float64)
    y = np.array([CLASSES.index(lab) for lab in labels])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit((x - mean) / scale, y)
    coef = np.zeros((len(CLASSES), x.shape[1]))
    intercept = np.full(len(CLASSES), -30.0)  # a class absent from training is never predicted
    for k, cls_index in enumerate(clf.classes_):
        coef[cls_index] = clf.coef_[k]
        intercept[cls_index] = clf.intercept_[k]
    return StanceModel(
        version, CLASSES, FEATURE_NAMES, mean, scale, coef, intercept, ((), ()), info or {},
        low=x.min(axis=0), high=x.max(axis=0),
    )  # fmt: skip


def fit_grid_model(
    rows: Matrix, labels: Sequence[str], *, version: str, info: dict[str, Any] | None = None
) -> StanceModel:
    """The average of the models fitted at each C of :data:`C_GRID`, as one model.

    Why: choosing one C by an inner leave-one-hearing-out picked among grid values whose inner means
    lay thousandths apart, and a held-out hearing's score swung with that near-tie. All the grid's
    models share the standardisation, so averaging their weights and intercepts averages their logits:
    the result is the normalised geometric mean of their probabilities, still one linear model that
    predicts and ships like any other (and is as deterministic as each fit).
    """
    models = [fit_model(rows, labels, version=version, c=c) for c in C_GRID]
    first = models[0]
    return StanceModel(
        version,
        first.classes,
        first.features,
        first.mean,
        first.scale,
        np.mean([m.coef for m in models], axis=0),
        np.mean([m.intercept for m in models], axis=0),
        ((), ()),
        {**(info or {}), "C_grid_averaged": list(C_GRID)},
        low=first.low,
        high=first.high,
    )


def fit_calibration(
    p: Sequence[float], correct: Sequence[bool]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Platt scaling (a logistic curve on the logit of the probability) from predicted probability to
    observed accuracy, tabulated as knots for ``np.interp``. Smoother than isotonic regression, which
    over-fits the few hundred out-of-fold positions a handful of hearings give."""
    if len(p) < 2 * CALIBRATION_BINS or len(set(correct)) < 2:
        return (), ()
    from sklearn.linear_model import LogisticRegression

    x = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    logit = np.log(x / (1 - x)).reshape(-1, 1)
    clf = LogisticRegression(C=1.0).fit(logit, np.asarray(correct, dtype=int))
    knots = np.linspace(0.0, 1.0, 21)
    kx = np.clip(knots, 1e-4, 1 - 1e-4)
    ys = clf.predict_proba(np.log(kx / (1 - kx)).reshape(-1, 1))[:, 1]
    return tuple(float(round(k, 4)) for k in knots), tuple(float(round(y, 4)) for y in ys)


def with_calibration(
    model: StanceModel, calibration: tuple[tuple[float, ...], tuple[float, ...]]
) -> StanceModel:
    return dataclasses.replace(model, calibration=calibration)
