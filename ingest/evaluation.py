"""Scoring stance extraction and entity linking against gold CSV files (pure; the CLI prints it).

Stance: rows are (file, target id, stance). A gold row the system missed counts as
predicted 'none'; a predicted row absent from the gold counts as gold 'none'. Per-class
precision/recall/F1 and the macro-F1 are over the four stances; 'none' only shows in the
confusion matrix (and lowers precision or recall of the class involved).

Linking: distinct (file, entity id) pairs against the distinct pairs of mentions.csv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import InputError
from ingest.model import STANCES

__all__ = [
    "LinkingReport",
    "ReliabilityBin",
    "StanceReport",
    "evaluate_linking",
    "evaluate_stance",
    "format_reliability",
    "macro_f1_of",
    "pooled_stance",
    "reliability",
]

NONE = "none"


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the gold file ({exc.strerror})") from None
    if rows and not set(required) <= set(rows[0]):
        raise InputError(f"{path}: expected columns {', '.join(required)}")
    return rows


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class StanceReport:
    per_class: dict[str, tuple[float, float, float, int]]  # precision, recall, F1, gold support
    macro_f1: float
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # file, target, gold, predicted

    def format(self, errors: bool = True) -> str:
        lines = ["stance          precision  recall     F1  support"]
        for cls in STANCES:
            p, r, f, n = self.per_class[cls]
            lines.append(f"{cls:<15} {p:9.3f} {r:7.3f} {f:6.3f} {n:8d}")
        lines.append(f"macro-F1 (four classes): {self.macro_f1:.3f}")
        labels = [*STANCES, NONE]
        lines.append("")
        lines.append("confusion (rows gold, columns predicted)")
        lines.append(" " * 11 + "".join(f"{lab[:9]:>10}" for lab in labels))
        for g in labels:
            lines.append(f"{g[:10]:<11}" + "".join(f"{self.confusion[g][p]:>10}" for p in labels))
        if errors and self.errors:
            lines.append("")
            lines.append("disagreements (file, target: gold -> predicted)")
            lines += [f"  {f} {t}: {g} -> {p}" for f, t, g, p in self.errors]
        return "\n".join(lines)


def _stance_report(
    confusion: dict[str, dict[str, int]], errors: list[tuple[str, str, str, str]]
) -> StanceReport:
    """Per-class precision/recall/F1 and macro-F1 from a confusion matrix (gold -> predicted -> count)."""
    labels = [*STANCES, NONE]
    per_class = {}
    for cls in STANCES:
        tp = confusion[cls][cls]
        fp = sum(confusion[g][cls] for g in labels if g != cls)
        fn = sum(confusion[cls][p] for p in labels if p != cls)
        per_class[cls] = (*_prf(tp, fp, fn), tp + fn)
    macro = sum(per_class[c][2] for c in STANCES) / len(STANCES)
    return StanceReport(per_class, macro, confusion, errors)


def macro_f1_of(gold: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the four stances of paired labels ('none' for no position), as :func:`evaluate_stance` counts."""
    labels = [*STANCES, NONE]
    confusion = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    return _stance_report(confusion, []).macro_f1


def evaluate_stance(predicted: list[tuple[str, str, str]], gold_csv: Path) -> StanceReport:
    gold = {
        (r["file"], r["target_id"]): r["stance"] for r in _read_csv(gold_csv, ("file", "target_id", "stance"))
    }
    pred: dict[tuple[str, str], str] = {}
    for file, target, stance in predicted:
        pred[(file, target)] = stance
    labels = [*STANCES, NONE]
    confusion = {g: dict.fromkeys(labels, 0) for g in labels}
    errors = []
    for key in sorted(set(gold) | set(pred)):
        g, p = gold.get(key, NONE), pred.get(key, NONE)
        confusion[g][p] += 1
        if g != p:
            errors.append((key[0], key[1], g, p))
    return _stance_report(confusion, errors)


@dataclass
class LinkingReport:
    precision: float
    recall: float
    f1: float
    per_kind: dict[str, tuple[float, float, float]]
    missed: list[tuple[str, str]]
    spurious: list[tuple[str, str]]

    def format(self) -> str:
        lines = [f"linking: precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}"]
        for kind, (p, r, f) in sorted(self.per_kind.items()):
            lines.append(f"  {kind:<13} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
        if self.missed:
            lines.append("missed: " + ", ".join(f"{f}:{e}" for f, e in self.missed))
        if self.spurious:
            lines.append("spurious: " + ", ".join(f"{f}:{e}" for f, e in self.spurious))
        return "\n".join(lines)


def evaluate_linking(predicted: list[tuple[str, str]], gold_csv: Path) -> LinkingReport:
    rows = _read_csv(gold_csv, ("file", "entity_id", "entity_kind"))
    gold = {(r["file"], r["entity_id"]) for r in rows}
    kinds = {(r["file"], r["entity_id"]): r["entity_kind"] for r in rows}
    files = {r["file"] for r in rows}
    # Only responses that have gold annotations are scored.
    pred = {p for p in predicted if p[0] in files}
    tp, fp, fn = len(pred & gold), len(pred - gold), len(gold - pred)
    precision, recall, f1 = _prf(tp, fp, fn)
    per_kind = {}
    for kind in sorted(set(kinds.values())):
        g = {k for k in gold if kinds[k] == kind}
        # A spurious prediction has no gold kind; count it against every kind it could be (actor by default).
        p_kind = {k for k in pred if kinds.get(k, "actor") == kind}
        per_kind[kind] = _prf(len(p_kind & g), len(p_kind - g), len(g - p_kind))
    return LinkingReport(precision, recall, f1, per_kind, sorted(gold - pred), sorted(pred - gold))


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    mean_confidence: float
    accuracy: float
    count: int


def reliability(confidence: list[float], correct: list[bool], bins: int = 5) -> list[ReliabilityBin]:
    """Predicted positions grouped by confidence: does a confidence of 0.8 mean right 80 % of the time?"""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (c, ok)
            for c, ok in zip(confidence, correct, strict=True)
            if low <= c < high or (b == bins - 1 and c == 1.0)
        ]
        if members:
            mean_c = sum(c for c, _ in members) / len(members)
            acc = sum(ok for _, ok in members) / len(members)
            out.append(ReliabilityBin(low, high, mean_c, acc, len(members)))
        else:
            out.append(ReliabilityBin(low, high, 0.0, 0.0, 0))
    return out


def format_reliability(table: list[ReliabilityBin]) -> str:
    total = sum(b.count for b in table)
    # Expected calibration error: the count-weighted gap between confidence and accuracy.
    ece = sum(b.count * abs(b.mean_confidence - b.accuracy) for b in table) / total if total else 0.0
    lines = ["confidence bin   mean conf  accuracy  count"]
    for b in table:
        lines.append(
            f"{b.low:.1f}-{b.high:.1f}        {b.mean_confidence:9.3f} {b.accuracy:9.3f} {b.count:6d}"
        )
    lines.append(f"expected calibration error: {ece:.3f} over {total} positions")
    return "\n".join(lines)


def pooled_stance(reports: list[StanceReport]) -> StanceReport:
    """Per-class figures over the union of several hearings' pairs (confusions added up)."""
    labels = [*STANCES, NONE]
    confusion = {g: {p: sum(r.confusion[g][p] for r in reports) for p in labels} for g in labels}
    return _stance_report(confusion, [e for r in reports for e in r.errors])
