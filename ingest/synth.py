"""A synthetic hearing at any size, with gold labels, for scale benchmarks and tests.

:func:`synthesize` takes a development hearing's ``reference/`` folder and writes ``N`` response
letters to ``OUT/responses`` in all five formats (txt, md, html, docx, pdf), bokmål and nynorsk,
with positions of every kind (supports, qualified, opposes, mentions) on the hearing's proposals,
campaign copies (one text sent by many people) and letters without comments. The gold labels go to
``OUT/gold`` in the layout of ``examples/<hearing>/gold`` and the reference data is copied to
``OUT/reference``, so ``OUT`` is a corpus folder the ingest and evaluation commands accept.

Sentences come from templates in ``ingest/lexicon/synth.yaml``; proposal titles, the ministry and
the known senders come from the reference data. The same seed gives the same letters (the DOCX files'
bytes aside: python-docx stamps them with the time of writing).
"""

from __future__ import annotations

import csv
import html
import random
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import InputError
from ingest.model import STANCES
from ingest.reference import Actor, ReferenceData, Target, load_reference

__all__ = ["FORMATS", "SynthError", "synthesize"]

FORMATS = ("txt", "md", "html", "docx", "pdf")
_TEMPLATES = Path(__file__).parent / "lexicon" / "synth.yaml"
# Shares of the letters: without comments, campaign copies; the rest are individual letters.
_WITHOUT_COMMENTS = 0.08
_CAMPAIGN = 0.15
# PDF core fonts are Latin-1: these are written (and quoted in gold) in their Latin-1 form.
_LATIN1 = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."})


class SynthError(InputError):
    """A bad argument to ``synth`` (no reference data, an output folder that already holds letters)."""


@cache
def _templates() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_TEMPLATES.read_text(encoding="utf-8"))
    return data


@dataclass
class _Letter:
    file: str
    sender: str
    actor_id: str
    actor_type: str
    day: date
    language: str
    fmt: str
    response_type: str
    header: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    positions: list[tuple[str, str, str]] = field(default_factory=list)  # (target id, stance, quote)
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (actor id, surface)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("æ", "ae").replace("å", "a"))
    ascii_text = ascii_text.replace("Ø", "O").replace("Æ", "Ae").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _title_phrase(target: Target) -> str:
    """The proposal's title as it reads after 'forslaget om': first letter lower-cased unless an acronym."""
    title = target.title.strip().rstrip(".")
    if len(title) > 1 and not title[1].isupper():
        title = title[0].lower() + title[1:]
    return title


class _Senders:
    """Unique sender names: known actors from the reference data first, then made-up bodies and people."""

    def __init__(self, reference: ReferenceData, rng: random.Random) -> None:
        t = _templates()
        self.rng = rng
        self.used: set[str] = set()
        skip = {reference.hearing.issued_by, reference.hearing.report_author}
        self.known: list[Actor] = [a for a in reference.actors.values() if a.id not in skip]
        rng.shuffle(self.known)
        self.places: list[str] = list(t["places"])
        self.firsts: list[str] = list(t["first_names"])
        self.lasts: list[str] = list(t["last_names"])

    def _unique(self, name: str) -> str:
        base, k = name, 1
        while name in self.used:
            k += 1
            name = f"{base} {k}" if " " not in base or base.endswith("kommune") else _middle(base, k)
        self.used.add(name)
        return name

    def body(self, language: str) -> tuple[str, str, str]:
        """(name, actor id, actor type) of an organisation or municipality."""
        if self.known:
            actor = self.known.pop()
            self.used.add(actor.name)
            return actor.name, actor.id, str(actor.type)
        t = _templates()
        place = self.rng.choice(self.places)
        if self.rng.random() < 0.3:
            name = self._unique(t["municipality"].format(place=place))
            return name, _slug(name), "municipality"
        name = self._unique(self.rng.choice(t["organisations"][language]).format(place=place))
        return name, _slug(name), "interest-organisation"

    def person(self) -> tuple[str, str, str]:
        name = self._unique(f"{self.rng.choice(self.firsts)} {self.rng.choice(self.lasts)}")
        return name, _slug(name), "other"


def _middle(name: str, k: int) -> str:
    first, _, last = name.partition(" ")
    return f"{first} {chr(ord('A') + (k - 2) % 26)}. {last}" + (f" {k}" if k > 27 else "")


def _positions(
    rng: random.Random, targets: list[Target], lang: dict[str, Any], sender: str
) -> list[tuple[str, str, str]]:
    chosen = rng.sample(targets, k=min(len(targets), rng.randint(1, 4)))
    out = []
    for target in chosen:
        stance = rng.choice(STANCES)
        sentence = rng.choice(lang["positions"][stance]).format(sender=sender, title=_title_phrase(target))
        out.append((target.id, stance, sentence))
    return out


def _compose(
    letter: _Letter, reference: ReferenceData, rng: random.Random, body: list[tuple[str, str, str]] | None
) -> None:
    """Fills the letter's header, paragraphs, positions and mentions (``body``: a campaign's positions)."""
    lang = _templates()["languages"][letter.language]
    hearing = reference.hearing
    ministry = reference.actors[hearing.issued_by].name if hearing.issued_by in reference.actors else ""
    fill = {"sender": letter.sender, "ministry": ministry, "hearing": hearing.title}
    letter.header = [letter.sender, ministry] if ministry else [letter.sender]
    if hearing.reference:
        letter.header.append(lang["reference_line"].format(reference=hearing.reference))
    letter.header.append(lang["date_line"].format(date=letter.day.strftime("%d.%m.%Y")))
    subject = lang["subject"].format(hearing=hearing.title.split(" – ", 1)[-1])
    paragraphs = [subject, rng.choice(lang["opening"]).format(**fill)]
    if letter.response_type == "uten-merknad":
        paragraphs.append(rng.choice(lang["without_comments"]).format(**fill))
    else:
        targets = sorted(reference.targets.values(), key=lambda t: t.id)
        positions = body if body is not None else _positions(rng, targets, lang, letter.sender)
        letter.positions = positions
        for _, _, sentence in positions:
            paragraphs.append(sentence)
            if rng.random() < 0.5:
                paragraphs.append(rng.choice(lang["filler"]))
    paragraphs += [rng.choice(lang["closing"]), letter.sender]
    letter.paragraphs = paragraphs
    if ministry:
        letter.mentions.append((str(hearing.issued_by), ministry))
    if letter.actor_id in reference.actors:
        letter.mentions.append((letter.actor_id, letter.sender))
    if letter.fmt == "pdf":
        letter.header = [h.translate(_LATIN1) for h in letter.header]
        letter.paragraphs = [p.translate(_LATIN1) for p in letter.paragraphs]
        letter.positions = [(t, s, q.translate(_LATIN1)) for t, s, q in letter.positions]


def _write(letter: _Letter, path: Path) -> None:
    if letter.fmt == "txt":
        path.write_text("\n".join(letter.header) + "\n\n" + "\n\n".join(letter.paragraphs) + "\n", "utf-8")
    elif letter.fmt == "md":
        subject, *rest = letter.paragraphs
        head = "  \n".join(letter.header)
        path.write_text(f"{head}\n\n# {subject}\n\n" + "\n\n".join(rest) + "\n", "utf-8")
    elif letter.fmt == "html":
        subject, *rest = letter.paragraphs
        parts = [f"<p>{html.escape(h)}</p>" for h in letter.header] + [f"<h1>{html.escape(subject)}</h1>"]
        parts += [f"<p>{html.escape(p)}</p>" for p in rest]
        title = html.escape(subject)
        body = "\n".join(parts)
        path.write_text(
            f'<!doctype html>\n<html lang="no"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head>\n<body>\n{body}\n</body></html>\n",
            "utf-8",
        )
    elif letter.fmt == "docx":
        from docx import Document

        doc = Document()
        for h in letter.header:
            doc.add_paragraph(h)
        subject, *rest = letter.paragraphs
        doc.add_heading(subject, level=1)
        for p in rest:
            doc.add_paragraph(p)
        doc.save(str(path))
    else:
        _write_pdf(letter, path)


def _write_pdf(letter: _Letter, path: Path) -> None:
    try:
        from fpdf import FPDF
    except ImportError as exc:  # fpdf2 is in the dev extra
        raise SynthError("writing PDF letters needs fpdf2: pip install 'fpdf2>=2.8,<3'") from exc
    pdf = FPDF()
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=UTC))  # same seed, same bytes
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for h in letter.header:
        pdf.multi_cell(0, 6, h, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for p in letter.paragraphs:
        pdf.multi_cell(0, 6, p, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))


def _plan(n: int, rng: random.Random) -> list[str]:
    """The kind of each letter: 'individual', 'without' (no comments) or 'campaign'."""
    kinds = []
    for _ in range(n):
        r = rng.random()
        kinds.append(
            "without"
            if r < _WITHOUT_COMMENTS
            else "campaign"
            if r < _WITHOUT_COMMENTS + _CAMPAIGN
            else "individual"
        )
    return kinds


def synthesize(reference_dir: Path, out: Path, n: int, seed: int = 0) -> dict[str, int]:
    """Writes ``n`` letters and their gold to ``out``; returns counts by format, stance and kind."""
    if n < 1:
        raise SynthError(f"--responses must be at least 1 (got {n})")
    ref_dir = reference_dir / "reference" if (reference_dir / "reference").is_dir() else reference_dir
    if not (ref_dir / "recommendations.yaml").is_file():
        raise SynthError(
            f"{reference_dir}: no reference data (recommendations.yaml) found; give a hearing folder"
        )
    reference = load_reference(ref_dir)
    if not reference.targets:
        raise SynthError(f"{ref_dir / 'recommendations.yaml'}: no proposals to take positions on")
    responses = out / "responses"
    if responses.is_dir() and any(responses.iterdir()):
        raise SynthError(f"{responses} already holds files; choose an empty or new --out folder")
    responses.mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(exist_ok=True)
    shutil.copytree(ref_dir, out / "reference", dirs_exist_ok=True)

    rng = random.Random(seed)
    senders = _Senders(reference, rng)
    deadline = reference.hearing.deadline or date(2027, 10, 1)
    targets = sorted(reference.targets.values(), key=lambda t: t.id)
    campaign_lang = rng.choice(["nb", "nn"])
    campaign = _positions(rng, targets, _templates()["languages"][campaign_lang], "{sender}")
    letters: list[_Letter] = []
    names: set[str] = set()
    for i, kind in enumerate(_plan(n, rng)):
        if kind == "campaign":
            name, actor_id, actor_type = senders.person()
            language, fmt = campaign_lang, rng.choice(["txt", "txt", "md", "html"])
        else:
            person = rng.random() < 0.25
            language = rng.choice(["nb", "nn"])
            name, actor_id, actor_type = senders.person() if person else senders.body(language)
            fmt = FORMATS[i % len(FORMATS)]
        file = f"{_slug(name)}.{fmt}"
        if file in names:
            file = f"{_slug(name)}-{i}.{fmt}"
        names.add(file)
        day = deadline - timedelta(days=rng.randint(0, 45))
        rtype = "uten-merknad" if kind == "without" else "med-merknad"
        letter = _Letter(file, name, actor_id, actor_type, day, language, fmt, rtype)
        body = None
        if kind == "campaign":
            body = [(t, s, q.replace("{sender}", name)) for t, s, q in campaign]
        _compose(letter, reference, rng, body)
        _write(letter, responses / file)
        letters.append(letter)
    _write_gold(out / "gold", letters)
    counts: dict[str, int] = {"letters": len(letters), "positions": sum(len(x.positions) for x in letters)}
    for x in letters:
        counts[x.fmt] = counts.get(x.fmt, 0) + 1
        counts[x.language] = counts.get(x.language, 0) + 1
        counts[x.response_type] = counts.get(x.response_type, 0) + 1
        for _, stance, _ in x.positions:
            counts[stance] = counts.get(stance, 0) + 1
    return counts


def _write_gold(gold: Path, letters: list[_Letter]) -> None:
    with (gold / "responses.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["file", "sender_name", "actor_id", "actor_type", "date", "language", "format", "response_type"]
        )
        for x in letters:
            w.writerow(
                [
                    x.file,
                    x.sender,
                    x.actor_id,
                    x.actor_type,
                    x.day.isoformat(),
                    x.language,
                    x.fmt,
                    x.response_type,
                ]
            )
    with (gold / "stances.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "actor_id", "target_id", "stance", "quote"])
        for x in letters:
            for target, stance, quote in x.positions:
                w.writerow([x.file, x.actor_id, target, stance, quote])
    with (gold / "mentions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "entity_id", "entity_kind", "surface"])
        for x in letters:
            for entity, surface in x.mentions:
                w.writerow([x.file, entity, "actor", surface])
