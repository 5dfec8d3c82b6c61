"""Every CLI command is documented in the README (fails when a command is added without docs)."""

from __future__ import annotations

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


def test_every_command_is_in_the_readme() -> None:
    undocumented = []
    for path in _command_paths():
        first, _, sub = path.partition(" ")
        documented = f"policykg {first}" in README and (not sub or sub in README)
        if not documented:
            undocumented.append(path)
    assert not undocumented, f"document these commands in README.md: {undocumented}"
