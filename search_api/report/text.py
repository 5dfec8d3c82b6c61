"""The summary as Markdown and as a standalone HTML page (Jinja2, autoescaped; heatmap inline)."""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, select_autoescape

from search_api.report.records import Summary

__all__ = ["render_html", "render_markdown"]


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("search_api.report", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _pct(x: float) -> str:
    return f"{round(100 * x)} %"


def render_html(summary: Summary, heatmap: bytes) -> str:
    env = _env()
    env.filters["pct"] = _pct
    return env.get_template("summary.html").render(
        s=summary, heatmap=base64.b64encode(heatmap).decode("ascii")
    )


def render_markdown(summary: Summary, heatmap_file: str | None = None) -> str:
    env = _env()
    env.filters["pct"] = _pct
    env.filters["md"] = lambda t: str(t).replace("|", "\\|").replace("\n", " ")
    return env.get_template("summary.md").render(s=summary, heatmap_file=heatmap_file)
