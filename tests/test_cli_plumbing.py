"""Issue 12 parts 6 and 7 through the CLI: --db after the command, path, gaps, config, demo,
report --as-of, and help that reads like a manual."""

import json
import os
from datetime import date, timedelta

import pytest
from conftest import file_bytes, snapshot

D = [date.today() - timedelta(days=60 - k) for k in range(60)]


# -- --db after the sub-command -------------------------------------------------------------
def test_db_after_the_sub_command_is_the_same_as_before_it(run, tmp_path, db_path):
    other = tmp_path / "other.db"
    assert run("log", str(D[0]), "-s", "mild", "--db", str(other)).exit_code == 0
    assert run("trial", "add", "Topamax", "--start", str(D[0]), "--db", str(other)).exit_code == 0
    assert not db_path.exists()
    before = json.loads(run("--db", str(other), "status", "--json").stdout)
    assert json.loads(run("status", "--json", "--db", str(other)).stdout) == before
    assert len(json.loads(run("trial", "list", "--json", f"--db={other}").stdout)) == 1


def test_two_different_db_options_are_a_usage_error(run, tmp_path):
    r = run("--db", str(tmp_path / "a.db"), "status", "--db", str(tmp_path / "b.db"))
    assert r.exit_code == 2
    assert r.stderr.endswith(
        f"Error: --db is given twice ({tmp_path / 'a.db'} and {tmp_path / 'b.db'}); give it once.\n"
    )


def test_path_is_absolute(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("--db", "sub/../diary2.db", "path")
    assert r.exit_code == 0
    assert r.stdout == f"{tmp_path / 'diary2.db'}\n"
    assert run("path", "--db", "x.db").stdout == f"{tmp_path / 'x.db'}\n"


# -- gaps ------------------------------------------------------------------------------------
def test_overlapping_gaps_are_merged_with_a_message(run):
    run("gap", "add", f"{D[10]}..{D[14]}", "--reason", "holiday")
    run("gap", "add", f"{D[20]}..{D[22]}")
    r = run("gap", "add", f"{D[13]}..{D[21]}", "--reason", "in hospital")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        f"Recorded gap #1: {D[10]} to {D[22]} (13 untracked days). It overlapped gap #1 "
        f"({D[10]} to {D[14]}) and gap #2 ({D[20]} to {D[22]}), so they are merged into this "
        "one.\n"
    )
    assert json.loads(run("gap", "list", "--json").stdout) == [
        {"id": 1, "start": str(D[10]), "end": str(D[22]), "days": 13,
         "reason": "holiday; in hospital"},
    ]  # fmt: skip


def test_one_overlapped_gap_grows(run):
    run("gap", "add", f"{D[10]}..{D[14]}")
    r = run("gap", "add", f"{D[14]}..{D[15]}")
    assert r.stdout == (
        f"Recorded gap #1: {D[10]} to {D[15]} (6 untracked days). It overlapped gap #1 "
        f"({D[10]} to {D[14]}), so it is merged into this one.\n"
    )


def test_a_gap_that_touches_no_other_is_not_merged(run):
    run("gap", "add", f"{D[10]}..{D[14]}")
    r = run("gap", "add", f"{D[15]}..{D[16]}")
    assert r.stdout == f"Recorded gap #2: {D[15]} to {D[16]} (2 untracked days).\n"
    assert len(json.loads(run("gap", "list", "--json").stdout)) == 2


def test_a_gap_inside_a_recorded_gap_is_refused_and_changes_nothing(run, db_path):
    run("gap", "add", f"{D[10]}..{D[14]}")
    before = snapshot(db_path)
    r = run("gap", "add", f"{D[11]}..{D[12]}")
    assert r.exit_code == 1
    assert r.stderr == (f"Error: That period is already recorded as gap #1 ({D[10]} to {D[14]}).\n")
    assert snapshot(db_path) == before


def test_merging_gaps_is_one_change_for_undo(run):
    run("gap", "add", f"{D[10]}..{D[14]}")
    run("gap", "add", f"{D[12]}..{D[20]}")
    assert run("undo", "--yes").exit_code == 0
    assert [(g["start"], g["end"]) for g in json.loads(run("gap", "list", "--json").stdout)] == [
        (str(D[10]), str(D[14]))
    ]


def test_gap_delete_asks_first(run, db_path):
    run("gap", "add", f"{D[10]}..{D[14]}")
    before = file_bytes(db_path)
    r = run("gap", "delete", "1")  # off a terminal, no answer: nothing deleted
    assert r.exit_code == 1
    assert r.stderr.endswith("Error: Nothing deleted.\n")
    assert "Delete gap #1" in r.stderr and "5 days will count as tracked again" in r.stderr
    assert file_bytes(db_path) == before
    r = run("gap", "delete", "1", input="n\n")
    assert r.exit_code == 1 and file_bytes(db_path) == before
    r = run("gap", "delete", "1", input="y\n")
    assert r.exit_code == 0
    assert r.stdout.endswith(f"Deleted gap #1 ({D[10]} to {D[14]}).\n")  # (after any echo)
    assert json.loads(run("gap", "list", "--json").stdout) == []


def test_gap_delete_yes_and_an_unknown_gap(run):
    run("gap", "add", f"{D[10]}..{D[14]}")
    r = run("gap", "delete", "7", "--yes")
    assert r.exit_code == 1
    assert r.stderr == "Error: There is no gap #7; 'migrainecli gap list' shows them.\n"
    assert run("gap", "delete", "1", "-y").exit_code == 0


# -- config ----------------------------------------------------------------------------------
def test_config_get(run):
    run("config", "set", "dob", "1980-01-02")
    r = run("config", "get", "dob")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "1980-01-02\n", "")
    r = run("config", "get", "name")
    assert r.exit_code == 1
    assert r.stderr == "Error: name is not set; 'migrainecli config set name VALUE' sets it.\n"
    assert r.stdout == ""


def test_config_get_without_a_diary(run, db_path):
    r = run("config", "get", "start")
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == f"There is no diary at {db_path} yet.\n"
    assert not db_path.exists()


@pytest.mark.parametrize("command", ["get", "unset", "set"])
def test_unknown_config_key_says_did_you_mean(run, db_path, command):
    r = run("config", command, "strat", *(["2025-01-01"] if command == "set" else []))
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: Unknown setting 'strat' (did you mean start?); the settings are start, name, "
        "dob, date-order, step-therapy-failures.\n"
    )
    assert not db_path.exists()


def test_unknown_config_key_with_nothing_close(run):
    r = run("config", "get", "colour")
    assert r.stderr == (
        "Error: Unknown setting 'colour'; the settings are start, name, dob, date-order, "
        "step-therapy-failures.\n"
    )


# -- report --as-of --------------------------------------------------------------------------
@pytest.mark.parametrize("as_json", [False, True])
def test_report_as_of_before_the_diary_start_says_where_it_starts(run, as_json):
    run("log", str(D[30]), "-s", "mild")
    r = run("report", "--as-of", str(D[0]), *(["--json"] if as_json else []))
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: --as-of {D[0]} is before the diary starts on {D[30]}; give a date from "
        f"{D[30]} on.\n"
    )
    assert r.stdout == ""
    assert run("report", "--as-of", str(D[30]), "--json").exit_code == 0


# -- help ------------------------------------------------------------------------------------
def test_main_help_lists_the_commands_in_sections(run):
    r = run("--help", env={"COLUMNS": "80"})
    assert r.exit_code == 0
    sections = [line for line in r.stdout.splitlines() if line and not line.startswith(" ")]
    assert sections[-5:] == [
        "Diary:", "Treatments:", "Verdicts and reports:", "Data:", "Setup:"
    ]  # fmt: skip
    tail = r.stdout.split("Diary:\n")[1]
    assert tail.startswith(
        "  log        Log a headache day, a headache-free day, or an aura alone.\n"
        "  edit       Change a logged day; only the options given change.\n"
    )
    assert "  path       Print where the diary is, as an absolute path.\n" in tail
    assert "..." not in tail  # no short help cut off


def test_every_short_help_is_one_whole_sentence():
    import typer.main
    from test_help import _commands

    from migrainecli.cli import app

    for path, cmd in _commands(typer.main.get_command(app)):
        first_line = (cmd.help or "").split("\n")[0]
        assert first_line.endswith("."), path
        assert (cmd.help or "").split("\n\n")[0] == first_line, path
        assert cmd.get_short_help_str(limit=45) == first_line, path


METAVARS = [
    (("log",), ["WHEN", "--severity LEVEL", "--impairment LEVEL", "--hours N", "--note TEXT"]),
    (("show",), ["WHEN"]),
    (("delete",), ["WHEN"]),
    (("gap", "add"), ["WHEN", "--reason TEXT"]),
    (("gap", "delete"), [" N "]),
    (("trial", "add"), ["THERAPY", "--start DATE", "--kind KIND", "--outcome OUTCOME"]),
    (("export",), ["KIND", "--output FILE", "--format FORMAT"]),
    (("import",), ["KIND", "FILE", "--format FORMAT"]),
    (("backup",), ["FILE"]),
    (("restore",), ["FILE"]),
    (("report",), ["--months N", "--as-of DATE"]),
    (("summary",), ["--output FILE", "--format FORMAT"]),
    (("config", "set"), ["KEY", "VALUE"]),
    (("demo",), ["--keep FILE"]),
]


@pytest.mark.parametrize(("path", "expected"), METAVARS, ids=[" ".join(p) for p, _ in METAVARS])
def test_metavars_in_one_style(run, path, expected):
    r = run(*path, "--help")
    assert r.exit_code == 0
    for text in expected:
        assert text in r.stdout, text
    assert "<" not in r.stdout.split("Arguments:")[-1].split("Options:")[0]


def test_no_lowercase_metavars_anywhere():
    import re

    import typer.main
    from test_help import _commands

    from migrainecli.cli import app

    for path, cmd in _commands(typer.main.get_command(app)):
        for param in cmd.params:
            if param.param_type_name == "argument":
                assert param.metavar and param.metavar.isupper(), (path, param.name)
            elif param.metavar is not None:
                assert re.fullmatch(r"[A-Z]+", param.metavar), (path, param.name)


def test_db_after_the_command_is_in_its_help(run):
    r = run("status", "--help", env={"COLUMNS": "100"})
    assert "--db PATH" in r.stdout
    assert os.environ.get("MIGRAINECLI_DB")  # the conftest diary, untouched by --help


# -- options shared by several commands, declared once (cli.common.option_set) -------------
def test_option_set_makes_options_of_a_dataclass_where_its_parameter_stands():
    from dataclasses import dataclass
    from typing import Annotated

    import typer
    import typer.main
    from typer.testing import CliRunner

    from migrainecli.cli.common import option_set

    @dataclass(frozen=True)
    class Pair:
        first: Annotated[str | None, typer.Option("--first", help="The first.")] = None
        flag: Annotated[bool, typer.Option("--flag/--no-flag")] = False

    seen = []

    @option_set
    def command(
        name: Annotated[str, typer.Argument()],
        pair: Pair = Pair(),  # noqa: B008 - replaced by its fields
        last: Annotated[int, typer.Option("--last")] = 0,
    ) -> None:
        seen.append((name, pair, last))

    app = typer.Typer(add_completion=False)
    app.command()(command)
    assert [p.name for p in typer.main.get_command(app).params] == ["name", "first", "flag", "last"]
    result = CliRunner().invoke(app, ["x", "--flag", "--last", "3", "--first", "a"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(app, ["y"]).exit_code == 0
    assert seen == [("x", Pair("a", True), 3), ("y", Pair(), 0)]


def test_log_and_edit_take_the_same_day_options():
    from dataclasses import fields

    import typer.main

    from migrainecli.cli.days import DayOptions, edit, log

    def day_options(command) -> list[tuple]:
        app = typer.Typer(add_completion=False)
        app.command()(command)
        params = typer.main.get_command(app).params
        return [(p.name, p.opts, p.secondary_opts, p.help) for p in params if p.name in names]

    names = {f.name for f in fields(DayOptions)}
    assert len(day_options(log)) == len(names) == 16
    assert day_options(log) == day_options(edit)
