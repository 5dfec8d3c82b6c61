"""A draft "Høringsinstansenes syn" paragraph per proposal, built by template from its positions.

Nothing is invented: the numbers are counts of the proposal's positions, the names are the
senders of those positions, and the wording is data in ``nb.yaml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ingest.model import STANCES

if TYPE_CHECKING:
    from search_api.report.records import ProposalSummary

__all__ = ["count_word", "join_names", "paragraph"]


@cache
def _phrases() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((Path(__file__).with_name("nb.yaml")).read_text(encoding="utf-8"))
    return data


def count_word(n: int, *, neuter: bool = False) -> str:
    """12 and below in words (``én``/``ett`` by gender), digits above."""
    p = _phrases()
    if n == 1 and neuter:
        return str(p["one_neuter"])
    words: list[str] = p["numbers"]
    return words[n] if 0 <= n < len(words) else str(n)


def join_names(names: list[str]) -> str:
    """``A``, ``A og B``, ``A, B og C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_phrases()['and']} {names[-1]}"


def _types(by_type: dict[str, int]) -> str:
    forms = _phrases()["types"]
    parts = []
    for t, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        sing, plur, neuter = forms.get(t, forms["unknown"])
        parts.append(f"{count_word(n, neuter=bool(neuter))} {sing if n == 1 else plur}")
    return join_names(parts)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def paragraph(entry: ProposalSummary) -> str:
    """The paragraph for one proposal of :func:`search_api.report.summary.build_summary` (its counts,
    respondents and campaigns)."""
    p = _phrases()
    total = entry.total
    if total == 0:
        return str(p["total_none"])
    key = "total_one" if total == 1 else "total_many"
    out = [_cap(p[key].format(n=count_word(total)))]
    for stance in STANCES:
        names = entry.respondents.get(stance, [])
        if not names:
            continue
        n = len(names)
        shown = names if n <= int(p["max_names"]) else names[: int(p["max_names"]) - 1]
        template = p["named_all"] if len(shown) == n else p["named_some"]
        out.append(
            _cap(
                template.format(
                    count=count_word(n),
                    verb=p["stances"][stance],
                    types=_types(entry.counts[stance]),
                    names=join_names(shown),
                )
            )
        )
    for camp in entry.campaigns:
        out.append(
            _cap(p["campaign"].format(names=join_names(camp.actors), n=count_word(len(camp.documents))))
        )
    return " ".join(out)
