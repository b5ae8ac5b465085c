"""Every command has help text and is mentioned in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from migrainecli.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        path = (*prefix, name)
        if hasattr(cmd, "commands"):
            yield path, cmd
            yield from _commands(cmd, path)
        else:
            yield path, cmd


def test_every_command_has_help_and_is_in_the_readme():
    root = typer.main.get_command(app)
    paths = list(_commands(root))
    assert len(paths) > 15
    for path, cmd in paths:
        assert (cmd.help or "").strip(), f"{' '.join(path)} has no help"
        assert f"migrainecli {' '.join(path)}" in README, f"{' '.join(path)} not in README"


def test_main_help_has_examples(run):
    r = run("--help")
    assert r.exit_code == 0
    assert "Examples" in r.stdout
    assert "not a diagnosis" in r.stdout
