"""Training and leave-one-hearing-out evaluation of the stance model from gold folders.

A hearing is a corpus folder (``reference/``, ``responses/``, ``gold/stances.csv``). Every response
that takes a view gives one row per proposal of its hearing, labelled with the gold stance or
``none``. :func:`leave_one_hearing_out` fits on all hearings but one and predicts the one left out,
for each in turn; nothing of the held-out hearing is used in fitting (weights, standardisation and the
calibration: each fold calibrates on inner out-of-fold predictions of its own training hearings). The
regularisation is not chosen: every model is the average of the fits over the grid of C
(:func:`ingest.stance_model.fit_grid_model`). :func:`train` fits the shipped model on every hearing the
same way, calibrated on the leave-one-hearing-out predictions.

The rows of a hearing are cached as JSON under a key of the feature version, the reference data,
the responses and the embedder, so that evaluating again after a change elsewhere is fast.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest._features import FEATURE_NAMES
from ingest.embedding import Embedder
from ingest.errors import DocumentReadError, InputError
from ingest.stance_model import (
    CLASSES,
    NO_POSITION,
    Matrix,
    StanceModel,
    fit_calibration,
    fit_grid_model,
    with_calibration,
)

__all__ = [
    "HearingRows",
    "Prediction",
    "hearing_rows",
    "leave_one_hearing_out",
    "rule_predictions",
    "train",
]


@dataclass
class HearingRows:
    name: str
    keys: list[tuple[str, str]]  # (file, target id)
    rows: Matrix
    labels: list[str]  # gold stance or "none"
    skipped: list[str]  # files that could not be read


@dataclass
class Prediction:
    hearing: str
    keys: list[tuple[str, str]]
    labels: list[str]
    predicted: list[str]
    probability: list[float]  # of the predicted class, uncalibrated
    confidence: list[float]  # calibrated

    @classmethod
    def of(cls, model: StanceModel, h: HearingRows) -> Prediction:
        """The model's predictions for a hearing's rows."""
        return _predict(model, h)


def rule_predictions(h: HearingRows) -> Prediction:
    """What the hand-written rules decided, read back from their one-hot features."""
    names = [f"rule_{c}" for c in CLASSES]
    cols = [FEATURE_NAMES.index(n) for n in names]
    conf_col = FEATURE_NAMES.index("rule_confidence")
    predicted = [CLASSES[int(np.argmax(row[cols]))] for row in h.rows]
    conf = [float(row[conf_col]) for row in h.rows]
    return Prediction(h.name, h.keys, h.labels, predicted, conf, conf)


def _gold(root: Path) -> dict[tuple[str, str], str]:
    path = root / "gold" / "stances.csv"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the gold file ({exc.strerror})") from None
    if rows and not {"file", "target_id", "stance"} <= set(rows[0]):
        raise InputError(f"{path}: expected columns file, target_id, stance")
    out = {}
    for r in rows:
        if r["stance"] not in CLASSES or r["stance"] == NO_POSITION:
            raise InputError(f"{path}: unknown stance {r['stance']!r} for {r['file']} {r['target_id']}")
        out[(r["file"], r["target_id"])] = r["stance"]
    return out


def _cache_key(root: Path, embedder: Embedder | None) -> str:
    from ingest.pipeline import discover_files
    from ingest.stance import STANCE_EXTRACTOR_VERSION

    h = hashlib.sha256(f"{STANCE_EXTRACTOR_VERSION}|{','.join(FEATURE_NAMES)}".encode())
    h.update((embedder.name if embedder is not None else "none").encode())
    for base in (root / "reference",):
        for p in sorted(base.rglob("*")):
            if p.is_file():
                h.update(p.name.encode() + p.read_bytes())
    for p in discover_files([root]):
        h.update(p.name.encode() + p.read_bytes())
    # The code and the lexicon that compute the features (readers, linking, cues, relevance) are part
    # of the key too: any change to them recomputes the rows.
    package = Path(__file__).parent
    for path in sorted([*package.glob("*.py"), *package.glob("lexicon/*")]):
        if path.is_file() and path.name != "stance_train.py":
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


def hearing_rows(root: Path, embedder: Embedder | None, cache_dir: Path | None = None) -> HearingRows:
    """Feature rows and gold labels of one hearing (responses without a view give no rows)."""
    from ingest.pipeline import Analyser, discover_files
    from ingest.reference import load_reference
    from ingest.stance import is_without_comments

    root = root.resolve()
    gold = _gold(root)
    cache = None
    if cache_dir is not None:
        cache = cache_dir / f"stance-rows-{root.name}-{_cache_key(root, embedder)}.json"
        if cache.is_file():
            d = json.loads(cache.read_text(encoding="utf-8"))
            cached = [(k[0], k[1]) for k in d["keys"]]
            rows = np.asarray(d["rows"], dtype=np.float32).reshape(len(cached), len(FEATURE_NAMES))
            labels = [gold.get(k, NO_POSITION) for k in cached]
            return HearingRows(root.name, cached, rows, labels, d["skipped"])
    analyser = Analyser(load_reference(root / "reference"), embedder)
    classifier = analyser.classifier
    keys: list[tuple[str, str]] = []
    blocks = []
    skipped = []
    for path in discover_files([root]):
        try:
            doc = analyser.analyse_path(path)
        except DocumentReadError as exc:
            skipped.append(f"{exc}")
            continue
        if is_without_comments(doc):
            continue
        _, _, rows = classifier.features(doc)
        keys += [(doc.file_name, t.id) for t in classifier.targets]
        blocks.append(rows)
    matrix = np.concatenate(blocks) if blocks else np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    # Rounded the same way whether computed now or read from the cache: training gives the same bytes.
    values = [round(float(x), 6) for x in matrix.ravel()]
    matrix = np.asarray(values, dtype=np.float32).reshape(len(keys), len(FEATURE_NAMES))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"keys": keys, "rows": values, "skipped": skipped}), encoding="utf-8")
    return HearingRows(root.name, keys, matrix, [gold.get(k, NO_POSITION) for k in keys], skipped)


def _fit(hearings: Sequence[HearingRows], version: str) -> StanceModel:
    rows = np.concatenate([h.rows for h in hearings])
    labels = [lab for h in hearings for lab in h.labels]
    info = {"trained_on": {h.name: len(h.keys) for h in hearings}}
    return fit_grid_model(rows, labels, version=version, info=info)


def _predict(model: StanceModel, h: HearingRows) -> Prediction:
    probs = model.predict_proba(h.rows)
    idx = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=int)
    predicted = [model.classes[int(k)] for k in idx]
    p = [float(probs[i, k]) for i, k in enumerate(idx)]
    return Prediction(h.name, h.keys, h.labels, predicted, p, [model.confidence(x) for x in p])


def _positions_right(pred: Prediction) -> tuple[list[float], list[bool]]:
    """Probability and correctness of every position predicted (a 'none' is no position)."""
    ps, ok = [], []
    for p, lab, gold in zip(pred.probability, pred.predicted, pred.labels, strict=True):
        if lab != NO_POSITION:
            ps.append(p)
            ok.append(lab == gold)
    return ps, ok


def _calibrated(
    hearings: Sequence[HearingRows], version: str, extra: Sequence[HearingRows] = ()
) -> StanceModel:
    """A model fitted on ``hearings`` (and ``extra``), calibrated on their own leave-one-out predictions."""
    model = _fit([*hearings, *extra], version)
    if len(hearings) < 2:
        return model
    ps: list[float] = []
    ok: list[bool] = []
    for i in range(len(hearings)):
        inner = _fit([*(h for k, h in enumerate(hearings) if k != i), *extra], version)
        p, o = _positions_right(_predict(inner, hearings[i]))
        ps += p
        ok += o
    return with_calibration(model, fit_calibration(ps, ok))


def _check_extra(hearings: Sequence[HearingRows], extra: Sequence[HearingRows]) -> None:
    clash = sorted({h.name for h in hearings} & {h.name for h in extra})
    if clash:
        raise InputError(f"{', '.join(clash)}: given both as a scored hearing and as --extra training data")


def leave_one_hearing_out(
    hearings: Sequence[HearingRows], version: str = "loho", extra: Sequence[HearingRows] = ()
) -> list[Prediction]:
    """Each hearing predicted by a model fitted (and calibrated) on the others only.

    ``extra`` hearings (training-only data) join every fold's training set and are never scored.
    """
    if len(hearings) < 2:
        raise InputError("leave-one-hearing-out needs gold folders of at least two hearings")
    _check_extra(hearings, extra)
    out = []
    for i, held in enumerate(hearings):
        rest = [h for k, h in enumerate(hearings) if k != i]
        out.append(_predict(_calibrated(rest, version, extra), held))
    return out


def train(hearings: Sequence[HearingRows], version: str, extra: Sequence[HearingRows] = ()) -> StanceModel:
    """The shipped model: fitted on every hearing (and ``extra``), calibrated on leave-one-hearing-out predictions."""
    if not hearings:
        raise InputError("no gold folders given")
    _check_extra(hearings, extra)
    model = _fit([*hearings, *extra], version)
    if len(hearings) < 2:
        return model
    ps: list[float] = []
    ok: list[bool] = []
    for pred in leave_one_hearing_out(hearings, version, extra):
        p, o = _positions_right(pred)
        ps += p
        ok += o
    return with_calibration(model, fit_calibration(ps, ok))
