"""Every CLI command is documented in the README (fails when a command is added without docs)."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from search_api.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _command_paths() -> list[str]:
    group = typer.main.get_group(app)
    paths = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            paths += [f"{name} {child}" for child in sub]
        else:
            paths.append(name)
    return sorted(paths)


def test_commands_exist() -> None:
    paths = _command_paths()
    for expected in ("ingest", "stats", "sparql", "export", "ask", "trace", "curate", "reindex", "check"):
        assert expected in paths
    assert {"evaluate search", "evaluate stance", "evaluate linking"} <= set(paths)


def _documented(readme: str) -> set[str]:
    """Command paths the README shows as command lines: ``policykg trace``, ``policykg evaluate
    search|stance|linking`` (each alternative a sub-command), ``policykg train stance``."""
    found = set()
    for first, second in re.findall(r"policykg ([a-z][a-z-]*)(?: ([a-z][a-z|-]*))?", readme):
        found.add(first)
        found.update(f"{first} {sub}" for sub in second.split("|") if sub)
    return found


def test_the_readme_parser_reads_sub_commands() -> None:
    text = "`policykg evaluate search|stance GOLD` and policykg trace V1; search stance linking"
    assert _documented(text) >= {"evaluate", "evaluate search", "evaluate stance", "trace"}
    assert "evaluate linking" not in _documented(text)  # a bare word elsewhere is not a command line


def test_every_command_is_in_the_readme() -> None:
    documented = _documented(README)
    undocumented = [path for path in _command_paths() if path not in documented]
    assert not undocumented, f"document these commands in README.md: {undocumented}"
