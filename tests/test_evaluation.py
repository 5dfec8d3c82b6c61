"""Scoring functions on tiny hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import InputError
from ingest.evaluation import evaluate_linking, evaluate_stance


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def stance_gold(tmp_path: Path) -> Path:
    return write(
        tmp_path / "stances.csv",
        "file,actor_id,target_id,stance,quote\n"
        "a.txt,a,R1,supports,q\n"
        "a.txt,a,R2,opposes,q\n"
        "b.txt,b,R1,qualified,q\n"
        "b.txt,b,R3,mentions,q\n",
    )


def test_stance_report_by_hand(stance_gold: Path) -> None:
    predicted = [
        ("a.txt", "R1", "supports"),  # right
        ("a.txt", "R2", "supports"),  # gold opposes
        ("b.txt", "R1", "qualified"),  # right
        ("b.txt", "R9", "opposes"),  # spurious target
        # b.txt R3 (mentions) missed
    ]
    report = evaluate_stance(predicted, stance_gold)
    # supports: tp 1, fp 1 (a R2), fn 0 -> P .5 R 1 F .667
    assert report.per_class["supports"] == pytest.approx((0.5, 1.0, 2 / 3, 1))
    assert report.per_class["qualified"] == pytest.approx((1.0, 1.0, 1.0, 1))
    # opposes: tp 0, fp 1 (spurious b R9), fn 1 (a R2) -> 0
    assert report.per_class["opposes"] == pytest.approx((0.0, 0.0, 0.0, 1))
    assert report.per_class["mentions"] == pytest.approx((0.0, 0.0, 0.0, 1))
    assert report.macro_f1 == pytest.approx((2 / 3 + 1.0) / 4)
    assert report.confusion["opposes"]["supports"] == 1
    assert report.confusion["none"]["opposes"] == 1
    assert report.confusion["mentions"]["none"] == 1
    assert report.confusion["supports"]["supports"] == 1
    assert sum(sum(row.values()) for row in report.confusion.values()) == 5
    assert ("b.txt", "R9", "none", "opposes") in report.errors
    text = report.format()
    assert "macro-F1 (four classes): 0.417" in text
    none_row = next(line for line in text.splitlines() if line.startswith("none"))
    assert none_row.split() == ["none", "0", "0", "1", "0", "0"]  # the spurious target, predicted opposes


def test_stance_perfect_and_empty(stance_gold: Path) -> None:
    perfect = [("a.txt", "R1", "supports"), ("a.txt", "R2", "opposes"), ("b.txt", "R1", "qualified"),
               ("b.txt", "R3", "mentions")]  # fmt: skip
    assert evaluate_stance(perfect, stance_gold).macro_f1 == pytest.approx(1.0)
    empty = evaluate_stance([], stance_gold)
    assert empty.macro_f1 == 0.0
    assert empty.confusion["supports"]["none"] == 1


@pytest.fixture
def mentions_gold(tmp_path: Path) -> Path:
    return write(
        tmp_path / "mentions.csv",
        "file,entity_id,entity_kind,surface\n"
        "a.txt,kdd,actor,KDD\n"
        "a.txt,kdd,actor,Kommunal- og distriktsdepartementet\n"  # same pair twice: counted once
        "a.txt,husbanken,actor,Husbanken\n"
        "a.txt,bygdevekstavtaler,pilot,Bygdevekstavtaler\n"
        "b.txt,rammetilskudd,grant_scheme,rammetilskuddet\n",
    )


def test_linking_report_by_hand(mentions_gold: Path) -> None:
    predicted = [
        ("a.txt", "kdd"),
        ("a.txt", "husbanken"),
        ("a.txt", "ks"),  # spurious
        ("b.txt", "rammetilskudd"),
        ("c.txt", "kdd"),  # a file without gold is not scored
        # a.txt bygdevekstavtaler missed
    ]
    report = evaluate_linking(predicted, mentions_gold)
    assert report.precision == pytest.approx(3 / 4)
    assert report.recall == pytest.approx(3 / 4)
    assert report.f1 == pytest.approx(3 / 4)
    assert report.per_kind["pilot"] == pytest.approx((0.0, 0.0, 0.0))
    assert report.per_kind["grant_scheme"] == pytest.approx((1.0, 1.0, 1.0))
    assert report.per_kind["actor"] == pytest.approx((2 / 3, 1.0, 0.8))
    assert report.missed == [("a.txt", "bygdevekstavtaler")]
    assert report.spurious == [("a.txt", "ks")]
    text = report.format()
    assert "precision 0.750" in text and "missed: a.txt:bygdevekstavtaler" in text


def test_missing_or_malformed_gold(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        evaluate_stance([], tmp_path / "nope.csv")
    bad = write(tmp_path / "bad.csv", "file,target\na.txt,R1\n")
    with pytest.raises(InputError):
        evaluate_stance([], bad)
    with pytest.raises(InputError):
        evaluate_linking([], bad)
