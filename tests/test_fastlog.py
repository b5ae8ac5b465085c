"""The fast path of everyday ``log`` (migrainecli/fastlog.py) against the Typer command.

Every option of the Typer ``log`` is either read by the fast path or listed as left to
Typer; on the command lines the fast path reads, it prints the same stdout and stderr,
exits with the same code and leaves the same rows in the diary as the Typer command
(real diary files, one per path); on those it does not read it has printed and written
nothing, so that the Typer command answers as if it were the only one. A few command
lines run through the real entry point too, with and without ``MIGRAINECLI_NO_FAST_PATH``.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrainecli import fastlog
from tests.conftest import file_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def rows(db: Path) -> dict:
    """Everything the diary holds, table by table (the journal's timestamps aside)."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] != "_sqlite_migrations"
        ]
        out = {}
        for t in sorted(tables):
            cols = [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")') if c[1] != "at"]
            out[t] = conn.execute(f'SELECT {", ".join(cols)} FROM "{t}" ORDER BY 1').fetchall()
        return out
    finally:
        conn.close()


def fast(args: list[str], capsys) -> tuple[str, str, int]:
    """The fast path in-process: (stdout, stderr, exit code); it must read ``args``."""
    capsys.readouterr()
    code = fastlog.run(args)
    assert code is not None, f"the fast path left {args} to Typer"
    captured = capsys.readouterr()
    return captured.out, captured.err, code


def both(tmp_path, monkeypatch, run, capsys, args, setup=()):
    """Run ``args`` through the fast path and the Typer app, each on its own diary made
    by the same ``setup`` command lines (through Typer); the two must agree exactly."""
    seen = {}
    for which in ("fast", "typer"):
        folder = tmp_path / which
        folder.mkdir(mode=0o700)
        db = folder / "diary.db"
        monkeypatch.setenv("MIGRAINECLI_DB", str(db))
        for line in setup:
            if callable(line):  # makes a file in the folder
                line(folder)
                continue
            r = run(*[a.replace("{dir}", str(folder)) for a in line])
            assert r.exit_code == 0, r.output
        argv = [a.replace("{dir}", str(folder)) for a in args]
        if which == "fast":
            out, err, code = fast(argv, capsys)
        else:
            r = run(*argv)
            out, err, code = r.stdout, r.stderr, r.exit_code
        seen[which] = (
            out.replace(str(folder), "{dir}"),
            err.replace(str(folder), "{dir}"),
            code,
            rows(db),
            sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))),
        )
    assert seen["fast"] == seen["typer"]
    return seen["fast"]


D0, D1, D2 = "2026-11-09", "2026-11-10", "2026-11-11"
LOGGED = (("log", D2, "-s", "moderate", "--nausea", "--note", "first"),)

PARITY = {
    "new diary": ((), ["log", D2, "-s", "mild"]),
    "today, migraine features": (
        (),
        ["log", "-s", "severe", "--nausea", "--photophobia", "--phonophobia", "--unilateral"],
    ),
    "yesterday free": (LOGGED, ["log", "yesterday", "--free"]),
    "words and impairment": (
        LOGGED,
        ["log", "3 days ago", "--severity", "moderate", "--impairment", "serious"],
    ),
    "update with intake": (
        LOGGED,
        ["log", D2, "--hours", "2.5", "-m", "sumatriptan 50 mg", "--relieved"],
    ),
    "two intakes with relief": (
        (),
        [
            "log",
            "--med",
            "ibuprofen 400 mg: not relieved",
            "--med",
            "Imitrex 100 mg: relieved",
            "-s",
            "severe",
            D1,
        ],
    ),  # fmt: skip
    "long range": ((), ["log", "2026-11-01..2026-11-10", "-s", "mild", "--pulsating"]),
    "short range over a logged day": (LOGGED, ["log", f"{D0}..{D2}", "--free"]),
    "aura alone": ((), ["log", "--aura", D0]),
    "free and aura": (LOGGED, ["log", "--free", "--aura", D0]),
    "attached values": (
        (),
        ["log", D2, "-smoderate", "-iserious", "-nnoted", "--hours=3", "--med=ibuprofen"],
    ),
    "= values": ((), ["log", D2, "--severity=severe", "--impairment=bedbound", "--note="]),
    "note cleared, last flag wins": (
        LOGGED,
        [
            "log",
            D2,
            "--note",
            "",
            "--no-nausea",
            "--nausea",
            "--no-believed-migraine",
            "--believed-migraine",
            "--no-believed-migraine",
        ],
    ),  # fmt: skip
    "a note that looks like an option": ((), ["log", D2, "-s", "mild", "--note", "--free"]),
    "--db before": ((), ["--db", "{dir}/other.db", "log", D2, "-s", "mild"]),
    "--db after and before, the same": (
        (),
        ["--db={dir}/other.db", "log", D2, "-s", "mild", "--db", "{dir}/other.db"],
    ),
    "--db after": ((), ["log", D2, "--db={dir}/other.db", "-s", "mild"]),
    "start moved back, --yes": (LOGGED, ["log", "2016-01-01", "-s", "mild", "-y"]),
    "inside a gap": ((("gap", "add", f"{D0}..{D1}"),), ["log", D1, "-s", "mild"]),
    "date order setting": (
        (("config", "set", "date-order", "dmy"),),
        ["log", "05/11/2026", "-s", "mild"],
    ),
    # errors: one sentence, exit 1, nothing changed
    "future": ((), ["log", "2999-01-01", "-s", "mild"]),
    "free and severity": (LOGGED, ["log", D1, "--free", "-s", "mild"]),
    "nothing to say on a new date": (LOGGED, ["log", D1]),
    "nothing to change": (LOGGED, ["log", D2]),
    "hours out of range": (LOGGED, ["log", D1, "-s", "mild", "--hours", "30"]),
    "unknown medication": (LOGGED, ["log", D1, "-s", "mild", "--med", "unknownium 5 mg"]),
    "relief word": (LOGGED, ["log", D1, "-s", "mild", "--med", "sumatriptan: maybe"]),
    "medication on a free day": (LOGGED, ["log", D1, "--free", "--med", "sumatriptan"]),
    "details on a free day": (LOGGED, ["log", D1, "--free", "--nausea"]),
    "ambiguous numeric date": (LOGGED, ["log", "05/11/2026", "-s", "mild"]),
    "range too long": (LOGGED, ["log", "2024-01-01..2025-06-01", "-s", "mild"]),
    "start moved back off a terminal": (LOGGED, ["log", "2016-01-01", "-s", "mild"]),
    "before birth": (
        (("config", "set", "dob", "1990-05-01"),),
        ["log", "1990-04-30", "-s", "mild"],
    ),
    "an older diary, upgraded first": (
        (lambda folder: shutil.copy(FIXTURES / "diary-m001_diary.db", folder / "diary.db"),),
        ["log", D2, "-s", "severe", "--nausea", "--photophobia", "--phonophobia"],
    ),
    "not a diary": (
        (lambda folder: (folder / "diary.txt").write_text("my notes\n"),),
        ["--db", "{dir}/diary.txt", "log", D2, "-s", "mild"],
    ),
}


@pytest.mark.parametrize("case", PARITY)
def test_the_fast_path_and_typer_agree(case, tmp_path, monkeypatch, run, capsys):
    setup, args = PARITY[case]
    out, err, code, _, files = both(tmp_path, monkeypatch, run, capsys, args, setup)
    if code:
        assert out == "" and err.startswith("Error: ") and err.count("\n") == 1
    if case == "not a diary":
        assert "not a migrainecli diary" in err and files == ["diary.txt"]
        for which in ("fast", "typer"):
            assert (tmp_path / which / "diary.txt").read_text() == "my notes\n"


def test_parity_cases_are_many():
    assert len(PARITY) >= 15


# -- what the fast path stores for each form of each option -----------------------------------
def stored(db: Path, when: str = D2) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        day = dict(conn.execute("SELECT * FROM days WHERE date = ?", [when]).fetchone())
        day["intakes"] = [
            (r["medication"], r["dose"], r["relieved"], r["class_id"])
            for r in conn.execute("SELECT * FROM intakes WHERE date = ? ORDER BY id", [when])
        ]
        return day
    finally:
        conn.close()


SA = "simple_analgesic"  # ibuprofen's class

FLAG_FORMS = [
    (f"--{name}", {column: 1}) for name, column in (
        ("unilateral", "unilateral"), ("pulsating", "pulsating"), ("activity", "activity"),
        ("nausea", "nausea"), ("vomiting", "vomiting"), ("photophobia", "photophobia"),
        ("phonophobia", "phonophobia"), ("aura", "aura"),
        ("believed-migraine", "believed_migraine"),
    )
] + [
    (f"--no-{name}", {column: 0}) for name, column in (
        ("unilateral", "unilateral"), ("pulsating", "pulsating"), ("activity", "activity"),
        ("nausea", "nausea"), ("vomiting", "vomiting"), ("photophobia", "photophobia"),
        ("phonophobia", "phonophobia"), ("aura", "aura"),
        ("believed-migraine", "believed_migraine"),
    )
]  # fmt: skip

FORMS = [
    (["--severity", "moderate"], {"severity": "moderate"}),
    (["--severity=severe"], {"severity": "severe"}),
    (["-s", "severe"], {"severity": "severe"}),
    (["-smoderate"], {"severity": "moderate"}),
    (["--hours", "2"], {"hours": 2.0}),
    (["--hours=2.5"], {"hours": 2.5}),
    (["--hours", ".5"], {"hours": 0.5}),
    (["--hours", "24."], {"hours": 24.0}),
    (["--impairment", "serious"], {"impairment": "serious"}),
    (["--impairment=none"], {"impairment": "none"}),
    (["-i", "bedbound"], {"impairment": "bedbound"}),
    (["-imild"], {"impairment": "mild"}),
    (["--note", "a bad one"], {"note": "a bad one"}),
    (["--note=x=y"], {"note": "x=y"}),
    (["-n", "-s"], {"note": "-s"}),
    (["-nshort"], {"note": "short"}),
    (["--note", ""], {"note": None}),
    (["--med", "sumatriptan 50 mg"], {"intakes": [("sumatriptan", "50 mg", None, "triptan")]}),
    (["--med=ibuprofen 400 mg"], {"intakes": [("ibuprofen", "400 mg", None, SA)]}),
    (["-m", "Imitrex 100 mg: relieved"], {"intakes": [("Imitrex", "100 mg", 1, "triptan")]}),
    (["-mibuprofen: not relieved"], {"intakes": [("ibuprofen", None, 0, SA)]}),
    (["--med", "sumatriptan", "--relieved"], {"intakes": [("sumatriptan", None, 1, "triptan")]}),
    (["--med", "ibuprofen", "--not-relieved"], {"intakes": [("ibuprofen", None, 0, SA)]}),
    (["--med", "ibuprofen", "-m", "sumatriptan"],
     {"intakes": [("ibuprofen", None, None, SA), ("sumatriptan", None, None, "triptan")]}),
    *(([flag], values) for flag, values in FLAG_FORMS),
]  # fmt: skip


@pytest.mark.parametrize(("options", "expected"), FORMS, ids=[" ".join(f[0]) for f in FORMS])
def test_each_form_of_each_option_stores_its_value(options, expected, db_path, capsys):
    severity = [] if "severity" in expected else ["-s", "mild"]
    out, err, code = fast(["log", D2, *severity, *options], capsys)
    assert code == 0, err
    day = stored(db_path)
    for column, value in expected.items():
        assert day[column] == value, column


@pytest.mark.parametrize("form", [["-y"], ["--yes"]])
def test_yes_forms_log_a_date_that_moves_the_start_back(form, db_path, capsys, run):
    run("log", D2, "-s", "mild")
    assert fast(["log", "2016-01-01", "-s", "mild", *form], capsys)[2] == 0
    assert stored(db_path, "2016-01-01")["severity"] == "mild"


@pytest.mark.parametrize(
    "args",
    [["--db", "{dir}/x.db", "log", D2, "--free"], ["--db={dir}/x.db", "log", D2, "--free"],
     ["log", D2, "--free", "--db", "{dir}/x.db"], ["log", "--db={dir}/x.db", D2, "--free"]],
)  # fmt: skip
def test_db_forms_write_to_that_diary(args, tmp_path, db_path, capsys):
    argv = [a.replace("{dir}", str(tmp_path)) for a in args]
    assert fast(argv, capsys)[2] == 0
    assert stored(tmp_path / "x.db")["severity"] == "none"
    assert not db_path.exists()


def test_free_stores_a_headache_free_day(db_path, capsys):
    assert fast(["log", D2, "--free"], capsys)[2] == 0
    assert stored(db_path)["severity"] == "none"


def test_a_log_is_one_change_for_undo_named_log(db_path, capsys, run):
    fast(["log", D2, "-s", "mild"], capsys)
    r = run("undo", "--yes")
    assert r.exit_code == 0, r.output
    assert "log" in r.stdout
    assert rows(db_path)["days"] == []


# -- every option of the Typer command: read here, or left to Typer ---------------------------
def typer_log():
    from migrainecli.cli import load_command

    return load_command("log")


def test_every_option_of_the_typer_log_is_read_by_the_fast_path_or_left_to_typer():
    """Fails when an option is added to ``log`` (or ``DayOptions``) without teaching the
    fast path to read it, or listing it in ``fastlog.FALLS_BACK``."""
    import typer.main

    from migrainecli.cli import app

    command = typer_log()
    help_names = typer.main.get_command(app).context_settings["help_option_names"]
    typer_opts = set(help_names)
    for param in command.params:
        if param.param_type_name != "option":
            assert param.name == "when"  # the one argument: read by the fast path
            continue
        for opt in (*param.opts, *param.secondary_opts):
            typer_opts.add(opt)
            if opt in fastlog.FALLS_BACK:
                continue
            if param.is_flag:
                on = opt in param.opts
                assert fastlog.SWITCHES.get(opt) == (param.name, on), opt
            else:
                assert fastlog.VALUES.get(opt) == param.name, opt
                assert param.multiple == (param.name == "med"), opt
                choices = getattr(param.type, "choices", None)
                if choices is not None:
                    words = tuple(getattr(c, "value", c) for c in choices)
                    assert fastlog.CHOICES[param.name] == words, opt
                elif param.name == "hours":
                    assert param.type.name == "float"
    known = set(fastlog.VALUES) | set(fastlog.SWITCHES) | set(fastlog.FALLS_BACK)
    assert typer_opts == known, (typer_opts - known, known - typer_opts)


def test_the_root_options_the_fast_path_reads_are_only_db():
    import typer.main

    from migrainecli.cli import app

    root = typer.main.get_command(app)
    names = {o for p in root.params for o in (*p.opts, *p.secondary_opts)}
    names |= set(root.context_settings["help_option_names"])
    assert "--db" in names
    for name in names - {"--db"}:
        assert fastlog.parse([name, "log", D2, "-s", "mild"]) is None, name


# -- what the fast path leaves to Typer -----------------------------------------------------
FALL_BACK = [
    ["log", "--help"], ["log", D2, "-h"], ["--help", "log"], ["--version", "log"],
    ["log", D2, "--like", D1], ["log", D2, "-s", "mildx"], ["log", D2, "-s", "none"],
    ["log", D2, "-s", "Mild"], ["log", D2, "-s", "mild", "--hours", "abc"],
    ["log", D2, "-s", "mild", "--hours", "1e1"], ["log", D2, "-s", "mild", "--hours", "-1"],
    ["log", D2, "-s", "mild", "--hours", " 2"], ["log", D2, "-i", "bad"], ["log", D2, "--bogus"],
    ["log", D2, "-x"], ["log", D2, "-s=mild"], ["log", D2, D1, "-s", "mild"],
    ["log", D2, "--note"], ["log", D2, "-s"], ["log", D2, "--free=yes"], ["log", D2, "-yf"],
    ["log", D2, "--relieved"], ["log", D2, "-s", "mild", "--not-relieved", "-m", "a", "-m", "b"],
    ["--db", "a.db", "log", D2, "-s", "mild", "--db", "b.db"], ["log", "--", D2],
    ["log", "-", "-s", "mild"], ["--db"], ["status"], ["--bogus", "log"],
    ["log", D2, "--severit", "mild"],
]  # fmt: skip


@pytest.mark.parametrize("args", FALL_BACK, ids=[" ".join(a) for a in FALL_BACK])
def test_what_the_fast_path_does_not_read_is_left_to_typer_untouched(args, db_path, capsys, run):
    run("log", D1, "-s", "mild")
    before = file_bytes(db_path)
    capsys.readouterr()
    assert fastlog.run(args) is None
    assert capsys.readouterr() == ("", "")
    assert file_bytes(db_path) == before


def test_nothing_but_a_date_on_a_terminal_is_left_to_the_guided_typer_log():
    """``log DATE`` alone on a terminal asks questions (tests/test_guided.py drives them)."""
    child = pexpect.spawn(
        sys.executable, ["-m", "migrainecli", "log", D2],
        env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=20,
        dimensions=(40, 200),
    )  # fmt: skip
    child.expect_exact("How bad was the headache on")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


def test_an_entry_to_confirm_on_a_terminal_is_asked_by_typer(run, db_path):
    run("log", D2, "-s", "mild")
    before = rows(db_path)
    child = pexpect.spawn(
        sys.executable, ["-m", "migrainecli", "log", "2016-01-01", "-s", "mild"],
        env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=20,
        dimensions=(40, 200),
    )  # fmt: skip
    child.expect_exact("3,966 days would count as headache-free. Is that right? [y/N]: ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "Error: Nothing logged." in child.before
    assert rows(db_path) == before


# -- the real entry point, with and without the fast path ------------------------------------
ENTRY = [
    ["log", D2, "-s", "mild", "--nausea", "-m", "sumatriptan 50 mg: relieved"],
    ["log", "2999-01-01", "-s", "mild"],
    ["log", D2],
    ["log", "--help"],
    ["log", D2, "-s", "mildx"],
    ["log", D2, "--relieved"],
    ["log", D2, D1],
    ["--version"],
]


@pytest.mark.parametrize("args", ENTRY, ids=[" ".join(a) for a in ENTRY])
def test_the_entry_point_prints_the_same_with_and_without_the_fast_path(args, tmp_path):
    seen = {}
    for which, extra in (("fast", {}), ("typer", {"MIGRAINECLI_NO_FAST_PATH": "1"})):
        folder = tmp_path / which
        folder.mkdir(mode=0o700)
        env = {**os.environ, "MIGRAINECLI_DB": str(folder / "diary.db"), "COLUMNS": "80", **extra}
        r = subprocess.run(
            [sys.executable, "-m", "migrainecli", *args], env=env, capture_output=True,
            timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        seen[which] = (
            r.stdout,
            r.stderr.replace(str(folder).encode(), b"{dir}"),
            r.returncode,
            rows(folder / "diary.db"),
        )
    assert seen["fast"] == seen["typer"]


def test_version_and_log_import_neither_typer_nor_click(tmp_path):
    """Nor what Typer brings (typing), nor what only other commands use. (Creating a new
    diary does import sqlite-utils, for the schema's migrations: the diary exists here.)"""
    code = (
        "import sys\n"
        "from migrainecli.launch import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = ('typer', 'click', 'rich', 'sqlite_utils', 'dateutil', 'pygal', 'typing',\n"
        "         'platformdirs', 'tempfile', 'pkgutil', 'migrainecli.cli')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    env = {**os.environ, "MIGRAINECLI_DB": str(tmp_path / "d.db")}
    for args in (
        ["log", D1, "--free"],
        ["--version"],
        ["log", D2, "-s", "mild", "--nausea"],
        ["log", D0, "-s", "severe", "--med", "sumatriptan 50 mg: relieved"],
    ):
        r = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
        )
        assert r.returncode == 0, r.stderr
        if args[1:2] != [D1]:  # the first one made the diary
            assert r.stdout.splitlines()[-1] == "[]", args


def test_on_a_terminal_the_confirmation_is_wrapped_the_same(tmp_path):
    """On a terminal the confirmation wraps to its width, through either path."""
    seen = {}
    for which, extra in (("fast", {}), ("typer", {"MIGRAINECLI_NO_FAST_PATH": "1"})):
        env = {**os.environ, "TERM": "dumb", "MIGRAINECLI_DB": str(tmp_path / f"{which}.db")}
        env.pop("COLUMNS", None)
        child = pexpect.spawn(
            sys.executable, ["-m", "migrainecli", "log", D2, "-s", "severe", "--nausea"],
            env={**env, **extra}, encoding="utf-8", timeout=20, dimensions=(40, 50),
        )  # fmt: skip
        child.expect(pexpect.EOF)
        child.close()
        seen[which] = (child.before.replace(str(tmp_path / which), "{db}"), child.exitstatus)
    assert seen["fast"] == seen["typer"]
    lines = seen["fast"][0].splitlines()
    assert len(lines) > 2 and max(len(line) for line in lines) <= 50, lines


def test_the_launcher_reads_the_arguments_it_is_given(db_path, capsys, monkeypatch):
    from migrainecli.launch import main

    main(["--version"])
    assert capsys.readouterr().out == "migrainecli 0.1.0\n"
    with pytest.raises(SystemExit) as done:
        main(["log", D2, "-s", "mild"])
    assert done.value.code == 0
    assert stored(db_path)["severity"] == "mild"
    monkeypatch.setenv("MIGRAINECLI_NO_FAST_PATH", "1")  # the Typer app, same answer
    with pytest.raises(SystemExit) as done:
        main(["log", D2, "-s", "severe"], prog_name="migrainecli")
    assert done.value.code == 0
    assert stored(db_path)["severity"] == "severe"


# -- random command lines: read alike, or left to Typer untouched -----------------------------
def _option(long: str, short: str | None, values: list[str]):
    """One option with one of its values, in one of the forms click reads."""
    forms = [st.just([long, v]) for v in values] + [st.just([f"{long}={v}"]) for v in values]
    if short:
        forms += [st.just([short, v]) for v in values] + [st.just([short + v]) for v in values]
    return st.one_of(forms)


WORDS = st.one_of(
    st.sampled_from([[D0], [D1], [D2], ["yesterday"], ["2999-01-01"], [f"{D0}..{D2}"],
                     ["05/11/2026"], ["not a date"]]),
    _option("--severity", "-s", ["mild", "moderate", "severe", "none", "x"]),
    _option("--hours", None, ["2", "2.5", ".5", "30", "abc", "1e1"]),
    _option("--impairment", "-i", ["none", "serious", "bedbound", "bad"]),
    _option("--med", "-m", ["sumatriptan 50 mg", "ibuprofen: not relieved", "Imitrex: relieved",
                            "unknownium", "ibuprofen: maybe"]),
    _option("--note", "-n", ["", "a note", "--free", "ünï"]),
    _option("--like", None, [D1]),
    _option("--db", None, ["{dir}/diary.db"]),
    st.sampled_from([[s] for s in fastlog.SWITCHES] + [["--bogus"], ["-h"], ["--free=1"]]),
)  # fmt: skip


def test_random_command_lines_are_read_alike_or_left_to_typer(tmp_path, monkeypatch, run, capsys):
    template = tmp_path / "template.db"
    monkeypatch.setenv("MIGRAINECLI_DB", str(template))
    for line in (*LOGGED, ("gap", "add", "2026-11-01..2026-11-02")):
        assert run(*line).exit_code == 0
    n = iter(range(10**6))

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(WORDS, max_size=5))
    def check(words):
        folder = tmp_path / f"case{next(n)}"
        args = ["log", *(w.replace("{dir}", str(folder / "fast")) for ws in words for w in ws)]
        seen = {}
        for which in ("fast", "typer"):
            (folder / which).mkdir(parents=True, mode=0o700)
            db = folder / which / "diary.db"
            shutil.copy(template, db)
            monkeypatch.setenv("MIGRAINECLI_DB", str(db))
            argv = [a.replace(str(folder / "fast"), str(folder / which)) for a in args]
            if which == "fast":
                before = file_bytes(db)
                capsys.readouterr()
                code = fastlog.run(argv)
                out, err = capsys.readouterr()
                if code is None:  # left to Typer: nothing printed, nothing written
                    assert (out, err, file_bytes(db)) == ("", "", before), argv
                    return
            else:
                r = run(*argv)
                out, err, code = r.stdout, r.stderr, r.exit_code
            seen[which] = (out, err.replace(str(folder / which), "{dir}"), code, rows(db))
        assert seen["fast"] == seen["typer"], args

    check()
