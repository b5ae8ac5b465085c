"""Shell completion for real: the installed command answers bash's, zsh's and fish's protocols,
and the script from --show-completion works when bash sources it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
COMMAND = str(BIN / "migrainecli") if (BIN / "migrainecli").exists() else "migrainecli"


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}
    env.pop("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", None)
    return env


def bash_complete(line: str) -> list[str]:
    """What the installed command offers for ``line`` (the word after its last space)."""
    words = line.split(" ")
    r = subprocess.run(
        [COMMAND],
        env=_env(_MIGRAINECLI_COMPLETE="complete_bash", COMP_WORDS=line,
                 COMP_CWORD=str(len(words) - 1)),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return r.stdout.splitlines()


COMMANDS = [
    "log", "edit", "delete", "show", "days", "gap", "score", "period", "trial", "therapies",
    "untried", "status", "report", "summary", "export", "import", "backup", "restore",
    "check", "undo", "cohort", "config", "path", "demo",
]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("migrainecli ", COMMANDS),
        ("migrainecli st", ["status"]),
        ("migrainecli --db x.db st", ["status"]),
        ("migrainecli trial ", ["add", "stop", "edit", "delete", "list"]),
        ("migrainecli config ", ["set", "unset", "get", "show"]),
        ("migrainecli log --sev", ["--severity"]),
        ("migrainecli log --severity ", ["mild", "moderate", "severe"]),
        ("migrainecli log -i ", ["none", "mild", "serious", "bedbound"]),
        ("migrainecli trial add x --kind ",
         ["preventive", "acute", "procedure", "neuromodulation", "behavioural", "lifestyle"]),
        ("migrainecli trial stop 1 --outcome ine", ["ineffective"]),
        ("migrainecli export ",
         ["days", "intakes", "trials", "gaps", "scores", "periods", "monthly", "fhir",
          "cohort-record"]),
        ("migrainecli config get ",
         ["start", "name", "dob", "date-order", "step-therapy-failures"]),
        ("migrainecli config set da", ["date-order"]),
        ("migrainecli log --med sumatrip", ["sumatriptan", "sumatriptan+naproxen"]),
        ("migrainecli log -m Imi",
         ["Imigran", "Imigran Radis", "Imigran Recovery", "Imitrex", "Imitrex STATdose"]),
        ("migrainecli trial add topi", ["topiramate"]),
        ("migrainecli trial add Aimo", ["Aimovig"]),
        ("migrainecli therapies show acetam", [
            "acetaminophen", "acetaminophen/aspirin", "acetaminophen/aspirin/caffeine",
            "acetaminophen/caffeine", "acetaminophen/codeine", "acetaminophen/ibuprofen",
        ]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)  # fmt: skip
def test_bash_protocol(line, expected):
    assert bash_complete(line) == expected


def test_misspellings_are_not_offered():
    # the catalogue knows "sumatriptin" and "sumatripan" as misspellings of sumatriptan
    assert "sumatriptin" not in bash_complete("migrainecli log --med suma")
    assert "acetominophen" not in bash_complete("migrainecli log --med acet")


def test_completing_never_touches_the_diary(tmp_path):
    bash_complete(f"migrainecli --db {tmp_path / 'd.db'} log --med Imi")
    assert list(tmp_path.iterdir()) == []


def test_zsh_and_fish_protocols():
    env = _env(_MIGRAINECLI_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="migrainecli log --sev")
    r = subprocess.run([COMMAND], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and '"--severity"' in r.stdout
    env = _env(
        _MIGRAINECLI_COMPLETE="complete_fish",
        _TYPER_COMPLETE_FISH_ACTION="get-args",
        _TYPER_COMPLETE_ARGS="migrainecli config get ",
    )
    r = subprocess.run([COMMAND], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == [
        "start", "name", "dob", "date-order", "step-therapy-failures"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete_bash"), ("zsh", "complete_zsh"), ("fish", "complete_fish")],
)
def test_show_completion_for_each_shell(shell, marker):
    env = {**_env(), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = subprocess.run(
        [COMMAND, "--show-completion", shell], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert f"_MIGRAINECLI_COMPLETE={marker}" in r.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_when_sourced():
    env = {**_env(), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    script = subprocess.run(
        [COMMAND, "--show-completion", "bash"], env=env, capture_output=True, text=True
    ).stdout
    test = (
        script
        + '\nCOMP_WORDS=(migrainecli log --severity ""); COMP_CWORD=3\n'
        + "_migrainecli_completion migrainecli\n"
        + 'printf "%s\\n" "${COMPREPLY[@]}"\n'
        + "COMP_WORDS=(migrainecli trial add Aimo); COMP_CWORD=3\n"
        + "_migrainecli_completion migrainecli\n"
        + 'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    r = subprocess.run(["bash", "-c", test], env=_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["mild", "moderate", "severe", "Aimovig"]


def test_ordinary_commands_load_neither_the_catalogue_nor_other_commands(tmp_path):
    code = (
        "import sys\n"
        "from migrainecli.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:], prog_name='migrainecli')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('migrainecli.c')))\n"
    )
    env = {**os.environ, "MIGRAINECLI_DB": str(tmp_path / "d.db")}
    for args, loaded in (
        (["--version"], ["migrainecli.cli"]),
        (["path"], ["migrainecli.cli", "migrainecli.cli.common", "migrainecli.cli.io"]),
    ):
        r = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines()[-1] == repr(loaded)
