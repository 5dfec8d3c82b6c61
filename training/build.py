"""Render the hand-written training letters in ``training/src/<hearing>.txt`` into a hearing folder.

Each source file holds the letters of one fictional hearing, written by the team as plain text with
the gold positions marked inline: ``[[R2=qualified]]sentence[[/]]`` (several targets for one
sentence: ``[[R2=qualified;R5=supports]]``). This script writes, for every letter, the response file
in its format (.txt, .md, .html as a regjeringen.no page or an organisation's web page, .docx) and
the gold CSVs (``responses.csv``, ``stances.csv`` with the marked sentences as quotes, and
``mentions.csv`` from the surface forms of the reference data found in the letter's addressee, title
and body). The reference data (``reference/*.yaml``) is written by hand in the hearing folder.

Run: ``python training/build.py`` (all hearings) or ``python training/build.py <hearing> ...``.
Markers are stripped from the letters; the quote is the marked text exactly as it appears.
"""

from __future__ import annotations

import csv
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"\[\[([^\]/][^\]]*)\]\](.*?)\[\[/\]\]", re.S)
CLASSES = ("supports", "qualified", "opposes", "mentions")


@dataclass
class Letter:
    file: str
    meta: dict[str, str]
    head: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    sign: list[str] = field(default_factory=list)


def parse(source: Path) -> tuple[dict[str, str], list[Letter]]:
    """The hearing settings (before the first letter) and the letters of a source file."""
    settings: dict[str, str] = {}
    letters: list[Letter] = []
    section = "meta"
    for raw in source.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("=== "):
            letters.append(Letter(line[4:].strip(), {}))
            section = "meta"
        elif line.startswith("--- "):
            section = line[4:].strip()
        elif not letters:
            if line and not line.startswith("#"):
                key, _, value = line.partition(":")
                settings[key.strip()] = value.strip()
        elif section == "meta":
            if line:
                key, _, value = line.partition(":")
                letters[-1].meta[key.strip()] = value.strip()
        elif section in ("head", "body", "sign"):
            if section == "body" and not line:
                continue
            getattr(letters[-1], section).append(line)
        else:
            raise SystemExit(f"{source}: unknown section {section!r} in {letters[-1].file}")
    return settings, letters


def positions(letter: Letter) -> list[tuple[str, str, str]]:
    """(target, stance, quote) for every marked sentence of a letter."""
    out = []
    for m in MARK.finditer("\n".join(letter.body)):
        for part in m.group(1).split(";"):
            target, _, stance = part.partition("=")
            if stance not in CLASSES:
                raise SystemExit(f"{letter.file}: unknown stance {stance!r}")
            out.append((target.strip(), stance, m.group(2)))
    return out


def clean(text: str) -> str:
    return MARK.sub(lambda m: m.group(2), text)


def _blocks(letter: Letter) -> list[tuple[str, str]]:
    """Body lines as (kind, text): heading, item or paragraph."""
    out = []
    for line in letter.body:
        text = clean(line)
        if text.startswith("## "):
            out.append(("heading", text[3:]))
        elif text.startswith("- "):
            out.append(("item", text[2:]))
        else:
            out.append(("paragraph", text))
    return out


def render_txt(letter: Letter) -> str:
    parts = ["\n".join(letter.head), ""]
    if letter.meta.get("title"):
        parts += [letter.meta["title"], ""]
    previous = ""
    for kind, text in _blocks(letter):
        if kind == "item" and previous == "item":
            parts[-1] = parts[-1] + "\n- " + text
        else:
            parts.append(("- " + text) if kind == "item" else text)
        previous = kind
    parts += ["", "\n".join(letter.sign)]
    return "\n\n".join(p for p in parts if p != "").rstrip() + "\n"


def render_md(letter: Letter) -> str:
    out = [f"**{letter.head[0]}**  "] + [f"{h}  " for h in letter.head[1:]] + [""]
    if letter.meta.get("title"):
        out += [f"# {letter.meta['title']}", ""]
    for kind, text in _blocks(letter):
        out += [f"## {text}" if kind == "heading" else f"- {text}" if kind == "item" else text]
        if kind != "item":
            out.append("")
    out += [""] + [f"{s}  " if s else "" for s in letter.sign]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip() + "\n"


def _html_body(letter: Letter, heading_tag: str) -> list[str]:
    out = []
    items: list[str] = []
    for kind, text in [*_blocks(letter), ("end", "")]:
        if kind != "item" and items:
            out.append("<ul>\n" + "\n".join(f"  <li>{i}</li>" for i in items) + "\n</ul>")
            items = []
        if kind == "heading":
            out.append(f"<{heading_tag}>{html.escape(text)}</{heading_tag}>")
        elif kind == "item":
            items.append(html.escape(text))
        elif kind == "paragraph":
            out.append(f"<p>{html.escape(text)}</p>")
    if letter.sign:
        out.append("<p>" + "<br>\n".join(html.escape(s) for s in letter.sign if s) + "</p>")
    return out


def render_regjeringen(letter: Letter, settings: dict[str, str]) -> str:
    m = letter.meta
    head = ""
    if letter.head:
        head = '<div class="letter-meta">\n' + "\n".join(f"<p>{html.escape(h)}</p>" for h in letter.head if h)
        head += "\n</div>\n"
    title = f"<h2>{html.escape(m['title'])}</h2>\n" if m.get("title") else ""
    lang = "nn" if m["lang"] == "nn" else "nb"
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{html.escape(m["sender"])} - regjeringen.no</title>
<meta name="DC.Type" content="Høringssvar">
<meta name="DC.Date" content="{m["shown_date"]}">
</head>
<body>
<a class="skip-link" href="#mainContent">Gå til innhold</a>
<header class="site-header">
  <a class="logo" href="/no/">Regjeringen.no</a>
  <nav class="global-nav" aria-label="Hovedmeny"><a href="/no/tema/">Tema</a> <a href="/no/dokument/">Dokumenter</a>
  <a href="/no/aktuelt/">Aktuelt</a> <a href="/no/dep/">Departementene</a></nav>
</header>
<nav class="breadcrumbs" aria-label="Brødsmulesti"><ol>
  <li><a href="/no/">Forsiden</a></li>
  <li><a href="/no/dokument/hoeringer/">Høringer</a></li>
  <li><a href="/no/dokumenter/{settings["slug"]}/id0000000/">{html.escape(settings["title"])}</a></li>
</ol></nav>
<main id="mainContent">
  <div class="article-header">
    <p class="article-info"><span class="type">Høringssvar</span></p>
    <h1>{html.escape(m["sender"])}</h1>
    <div class="hearing-answer-meta">
      <p class="date">Dato: {m["shown_date"]}</p>
      <p class="answer-type">Svartype: {"Uten merknad" if m["rtype"] == "uten-merknad" else "Med merknad"}</p>
    </div>
  </div>
  <div class="article-body">
{head}{title}{chr(10).join(_html_body(letter, "h3"))}
  </div>
  <p class="back-link"><a href="/no/dokumenter/{settings["slug"]}/id0000000/?expand=horingssvar">Tilbake til høringen</a></p>
</main>
<footer class="site-footer"><p>Regjeringen.no er et felles nettsted for regjeringen og departementene.</p></footer>
</body>
</html>
"""


def render_orgpage(letter: Letter) -> str:
    m = letter.meta
    head = "<p>" + "<br>\n".join(html.escape(h) for h in letter.head if h) + "</p>\n" if letter.head else ""
    return f"""<!DOCTYPE html>
<html lang="{"nn" if m["lang"] == "nn" else "nb"}">
<head><meta charset="utf-8"><title>{html.escape(m["title"])} | {html.escape(m["sender"])}</title></head>
<body>
<header class="top"><div class="brand">{html.escape(m["sender"])}</div>
<nav class="menu"><a href="/">Heim</a> <a href="/om-oss">Om oss</a> <a href="/aktuelt">Aktuelt</a>
<a href="/bli-medlem">Bli medlem</a> <a href="/kontakt">Kontakt</a></nav>
<div class="cookie-banner">Vi brukar informasjonskapslar. <button>Godta</button></div></header>
<main id="content"><article>
<h1 class="entry-title">{html.escape(m["title"])}</h1>
<div class="entry-meta">Publisert {m["shown_date"]}</div>
<div class="entry-content">
{head}{chr(10).join(_html_body(letter, "h2"))}
</div></article></main>
<footer><p>Del: <a href="#">Facebook</a> <a href="#">E-post</a></p></footer>
</body>
</html>
"""


def render_docx(letter: Letter, path: Path) -> None:
    import docx

    document = docx.Document()
    for h in letter.head:
        document.add_paragraph(h)
    if letter.meta.get("title"):
        document.add_heading(letter.meta["title"], level=1)
    for kind, text in _blocks(letter):
        if kind == "heading":
            document.add_heading(text, level=2)
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    for s in letter.sign:
        document.add_paragraph(s)
    document.core_properties.author = ""
    document.save(str(path))


def mention_rows(letter: Letter, surfaces: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """Distinct (file, entity, kind, surface) found in the addressee, title and body (longest first)."""
    text = "\n".join(
        [letter.meta.get("to", ""), letter.meta.get("title", ""), *(clean(b) for b in letter.body)]
    )
    found: dict[tuple[str, str], str] = {}
    for entity, kind, surface in sorted(surfaces, key=lambda s: -len(s[2])):
        pattern = re.compile(r"(?<![\w-])" + re.escape(surface) + r"(?![\w])")
        if pattern.search(text):
            found.setdefault((entity, surface), kind)
            text = pattern.sub(lambda m: "#" * len(m.group(0)), text)
    return [(letter.file, e, k, s) for (e, s), k in found.items()]


def reference_surfaces(folder: Path, extra: list[str]) -> list[tuple[str, str, str]]:
    out = []
    for name, kind in (("actors", "actor"), ("grant_schemes", "grant_scheme"), ("pilots", "pilot")):
        path = folder / "reference" / f"{name}.yaml"
        for e in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for s in [e["name"], *e.get("aliases", [])]:
                out.append((e["id"], kind, s))
    kinds = {e: k for e, k, _ in out}
    for line in extra:
        entity, _, surface = line.partition("|")
        out.append((entity.strip(), kinds[entity.strip()], surface.strip()))
    return out


def build(hearing: str) -> None:
    settings, letters = parse(HERE / "src" / f"{hearing}.txt")
    folder = HERE / hearing
    (folder / "responses").mkdir(parents=True, exist_ok=True)
    (folder / "gold").mkdir(parents=True, exist_ok=True)
    for old in (folder / "responses").iterdir():
        old.unlink()
    surfaces = reference_surfaces(folder, [s for s in settings.get("surfaces", "").split(",") if s.strip()])
    responses, stances, mentions = [], [], []
    for letter in letters:
        m = letter.meta
        path = folder / "responses" / letter.file
        style = m.get("style", "letter")
        if path.suffix == ".docx":
            render_docx(letter, path)
        elif path.suffix == ".html":
            path.write_text(
                render_orgpage(letter) if style == "orgpage" else render_regjeringen(letter, settings)
            )
        else:
            text = render_md(letter) if path.suffix == ".md" else render_txt(letter)
            if m.get("encoding") == "cp1252":
                path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
            else:
                path.write_text(text, encoding="utf-8")
        fmt = path.suffix[1:]
        responses.append(
            [letter.file, m["sender"], m["actor"], m["type"], m["date"], m["lang"], fmt, m["rtype"]]
        )
        stances += [[letter.file, m["actor"], t, s, q] for t, s, q in positions(letter)]
        mentions += mention_rows(letter, surfaces)
    for name, header, rows in (
        ("responses", "file,sender_name,actor_id,actor_type,date,language,format,response_type", responses),
        ("stances", "file,actor_id,target_id,stance,quote", stances),
        ("mentions", "file,entity_id,entity_kind,surface", mentions),
    ):
        with (folder / "gold" / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header.split(","))
            writer.writerows(rows)
    counts = {c: sum(1 for r in stances if r[3] == c) for c in CLASSES}
    print(f"{hearing}: {len(letters)} letters, {len(stances)} positions {counts}")


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.stem for p in (HERE / "src").glob("*.txt"))
    for name in names:
        build(name)
