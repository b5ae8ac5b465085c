"""Every command has help text, is in the README, and answers --help through the entry point."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from migrainecli.cli import NO_DIARY, SECTIONS, app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _commands(group, ctx=None, prefix=()):
    """Every (path, command) below a group, loading lazy sub-commands as --help does."""
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        path = (*prefix, name)
        yield path, cmd
        if hasattr(cmd, "list_commands"):
            yield from _commands(cmd, ctx, path)


COMMANDS = [path for path, _ in _commands(typer.main.get_command(app))]


def test_every_command_has_help_and_is_in_the_readme():
    paths = list(_commands(typer.main.get_command(app)))
    assert len(paths) > 30
    for path, cmd in paths:
        assert (cmd.help or "").strip(), f"{' '.join(path)} has no help"
        assert f"migrainecli {' '.join(path)}" in README, f"{' '.join(path)} not in README"


def test_every_command_is_in_one_help_section():
    names = [name for section in SECTIONS.values() for name in section]
    assert len(names) == len(set(names))
    assert {p[0] for p in COMMANDS} == set(names)


def test_main_help_has_examples(run):
    r = run("--help")
    assert r.exit_code == 0
    assert "Examples" in r.stdout
    assert "not a diagnosis" in r.stdout


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_of_every_command_in_process_whatever_sys_argv_says(path, monkeypatch, capsys):
    # The entry point reads the arguments it is given, not sys.argv (a script or a test
    # calling app([...]) from a process started with other arguments).
    monkeypatch.setattr(sys, "argv", ["migrainecli", "status", "--json"])
    with pytest.raises(SystemExit) as exit_:
        app([*path, "--help"], prog_name="migrainecli")
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: migrainecli {' '.join(path)} ")
    # --db after the command too, except for a command that reads no diary of its own.
    assert ("--db PATH" in out) == (path[0] not in NO_DIARY)


def test_app_runs_the_command_it_is_given_not_sys_argv(monkeypatch, capsys, db_path):
    monkeypatch.setattr(sys, "argv", ["migrainecli", "status", "--json"])
    with pytest.raises(SystemExit) as exit_:
        app(["path"], prog_name="migrainecli")
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"{db_path}\n"


def _installed() -> list[str]:
    local = Path(sys.executable).parent / "migrainecli"
    return [str(local)] if local.exists() else [shutil.which("migrainecli") or "migrainecli"]


@pytest.mark.parametrize(
    "path", [(), ("log",), ("trial",), ("trial", "add"), ("config", "get"), ("therapies",)]
)
def test_help_through_the_installed_command(path):
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    r = subprocess.run([*_installed(), *path, "--help"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.startswith(f"Usage: migrainecli {' '.join(path)}".rstrip() + " ")
