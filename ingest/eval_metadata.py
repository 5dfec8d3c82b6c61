"""Scoring letter metadata (sender, date, response type, language) against gold ``responses.csv`` (pure).

Gold columns: ``file,sender_name,actor_id,actor_type,date,language,format,response_type``.
The sender counts as right when the extracted name, normalised (case, spacing, dashes,
trailing punctuation), equals the gold ``sender_name``, or when the actor the pipeline resolved
it to is the gold ``actor_id`` (a known actor written another way, "KS" for "Kommunesektorens
organisasjon"). Both parts are shown on their own as well. A gold letter the reader could not read
counts as wrong on every field.

Nothing in metadata extraction is fitted to data: the rules and word lists
(``ingest/lexicon/metadata.yaml``) are written by hand for forms of letters, so the score on a
development letter is not a score on training data. Hidden hearings are scored the same way.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.errors import InputError

__all__ = [
    "FIELDS",
    "HearingMetadataScore",
    "MetadataPrediction",
    "MetadataReport",
    "evaluate_metadata",
    "same_name",
]

FIELDS = ("sender", "date", "response_type", "language")
_REQUIRED = ("file", "sender_name", "actor_id", "date", "language", "response_type")


@dataclass(frozen=True, slots=True)
class MetadataPrediction:
    """What the pipeline found for one letter; ``actor_id`` is the resolved sender actor, if any."""

    file: str
    sender_name: str | None
    actor_id: str | None
    date: date | None
    response_type: str | None
    language: str | None


def _read_gold(path: Path) -> list[dict[str, str]]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the gold file ({exc})") from None
    if not rows or not set(_REQUIRED) <= set(rows[0]):
        raise InputError(
            f"{path}: expected a header with the columns {', '.join(_REQUIRED)} and one row per letter"
        )
    return rows


def _norm(name: str | None) -> str:
    text = unicodedata.normalize("NFC", name or "").casefold()
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = re.sub(r"\s*-\s*(?=og\b|eller\b)", "- ", text)  # "brann- og" however spaced
    return re.sub(r"\s+", " ", text).strip(" .,;:-")


def same_name(predicted: str | None, gold: str | None) -> bool:
    """Equal once case, spacing, dash kinds and surrounding punctuation are set aside."""
    return bool(_norm(predicted)) and _norm(predicted) == _norm(gold)


@dataclass
class HearingMetadataScore:
    """Counts for one hearing (or the total): letters, right per field, right on sender+date+type."""

    hearing: str
    letters: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    sender_by_name: int = 0
    sender_by_actor: int = 0
    all_three: int = 0  # sender, date and response type all right
    # (file, field, gold, predicted)
    disagreements: list[tuple[str, str, str, str]] = field(default_factory=list)

    def share(self, name: str) -> float:
        return self.right[name] / self.letters if self.letters else 0.0

    def add(self, other: HearingMetadataScore) -> None:
        self.letters += other.letters
        for f in FIELDS:
            self.right[f] += other.right[f]
        self.sender_by_name += other.sender_by_name
        self.sender_by_actor += other.sender_by_actor
        self.all_three += other.all_three
        self.disagreements += other.disagreements


@dataclass
class MetadataReport:
    hearings: list[HearingMetadataScore]

    @property
    def total(self) -> HearingMetadataScore:
        total = HearingMetadataScore("all")
        for h in self.hearings:
            total.add(h)
        return total

    def format(self) -> str:
        head = f"{'hearing':<16}{'letters':>8}{'sender':>8}{'date':>7}{'type':>7}{'lang':>7}{'s+d+t':>7}"
        lines = [head]
        for h in [*self.hearings, self.total]:
            n = h.letters or 1
            lines.append(
                f"{h.hearing:<16}{h.letters:>8}"
                + "".join(f"{h.right[f] / n:>{w}.3f}" for f, w in zip(FIELDS, (8, 7, 7, 7), strict=True))
                + f"{h.all_three / n:>7.3f}"
            )
        t = self.total
        lines.append(
            f"sender right by name {t.sender_by_name}/{t.letters}, by resolved actor id "
            f"{t.sender_by_actor}/{t.letters}; s+d+t = sender, date and response type all right"
        )
        if t.disagreements:
            lines.append("")
            lines.append("disagreements (hearing/file field: gold -> predicted)")
            lines += [f"  {f} {name}: {g!r} -> {p!r}" for f, name, g, p in t.disagreements]
        return "\n".join(lines)


def _score_one(hearing: str, row: dict[str, str], pred: MetadataPrediction | None) -> HearingMetadataScore:
    s = HearingMetadataScore(hearing, letters=1)
    where = f"{hearing}/{row['file']}"
    if pred is None:
        s.disagreements.append((where, "all", "a readable letter", "not read"))
        return s
    by_name = same_name(pred.sender_name, row["sender_name"])
    by_actor = bool(pred.actor_id) and pred.actor_id == row["actor_id"]
    s.sender_by_name, s.sender_by_actor = int(by_name), int(by_actor)
    checks = {
        "sender": (by_name or by_actor, row["sender_name"], f"{pred.sender_name} [{pred.actor_id}]"),
        "date": (str(pred.date) == row["date"], row["date"], str(pred.date)),
        "response_type": (pred.response_type == row["response_type"], row["response_type"], str(pred.response_type)),
        "language": (pred.language == row["language"], row["language"], str(pred.language)),
    }  # fmt: skip
    for name, (ok, gold, got) in checks.items():
        if ok:
            s.right[name] += 1
        else:
            s.disagreements.append((where, name, gold, got))
    s.all_three = int(all(checks[f][0] for f in ("sender", "date", "response_type")))
    return s


def evaluate_metadata(
    predicted: Iterable[MetadataPrediction], gold_csv: Path, hearing: str
) -> HearingMetadataScore:
    """Score one hearing's letters; every gold row is scored, predictions without a gold row are ignored."""
    by_file = {p.file: p for p in predicted}
    score = HearingMetadataScore(hearing)
    for row in _read_gold(gold_csv):
        score.add(_score_one(hearing, row, by_file.get(row["file"])))
    return score
