"""The guided ``log``, driven for real in a pseudo-terminal (pexpect), and ``log --like``.

Each pty test spawns the real program, waits for each question's exact text and types
the answer, as a person would. What it stores is compared with the day the same
answers give as options.
"""

import json
import os
import sys

import pexpect
import pytest

from tests.conftest import snapshot

PREVIOUS = (
    "2026-11-20", "--severity", "severe", "--hours", "8", "--unilateral", "--pulsating",
    "--nausea", "--photophobia", "--phonophobia", "--no-aura", "--believed-migraine",
    "--impairment", "serious", "--med", "sumatriptan 50 mg: relieved",
)  # fmt: skip


class Session:
    """``migrainecli log ...`` in a pseudo-terminal; ``answer`` waits for a question first."""

    def __init__(self, *args: str):
        self.child = pexpect.spawn(
            sys.executable, ["-m", "migrainecli", "log", *args],
            env={**os.environ, "TERM": "dumb"}, encoding="utf-8", timeout=20,
            dimensions=(40, 200),
        )  # fmt: skip
        self.answers = 0

    def answer(self, question: str, text: str = "") -> None:
        self.child.expect_exact(question)
        self.child.sendline(text)
        self.answers += 1

    def finish(self) -> tuple[str, int]:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.before, self.child.exitstatus


def shown(run, when: str) -> dict:
    result = run("show", when, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_guided_log_like_the_last_migraine_day_takes_nine_answers(run):
    assert run("log", *PREVIOUS).exit_code == 0
    s = Session("2026-11-25")
    s.answer("How bad was the headache on Wed 25 Nov? (0 none, 1 mild, 2 moderate, 3 severe) "
             "[severe]: ")  # fmt: skip
    s.answer("How many hours did it last? [8]: ")
    s.answer(
        "Same as on Fri 20 Nov: one side, throbbing, nausea, bothered by light, bothered by "
        "sound; no aura? (y/n) [y]: "
    )
    s.answer("When it began, did you think it was a migraine? (y/n) [y]: ")
    s.answer("How much did it limit your day, despite any medication? (0 none, 1 mild, "
             "2 serious, 3 bedbound) [serious]: ")  # fmt: skip
    s.answer("Acute medication taken (name and dose; Tab completes) "
             "[sumatriptan 50 mg; - for none]: ")  # fmt: skip
    s.answer("Did sumatriptan 50 mg help? (y/n) [y]: ")
    s.answer("Another medication [Enter for no more]: ")
    s.answer("A note? [Enter for none]: ", "left work early")
    output, status = s.finish()
    assert status == 0
    assert s.answers == 9
    assert output.strip().splitlines()[-1] == (
        "Logged 2026-11-25 (+1 intake): headache day, migraine day (ICHD-3 1.3 C1+C3), "
        "debilitating."
    )
    guided, typed = shown(run, "2026-11-25"), shown(run, "2026-11-20")
    assert guided.pop("note") == "left work early"
    assert typed.pop("note") is None
    guided.pop("date"), typed.pop("date")
    assert guided == typed


def test_guided_log_first_headache_day_asks_each_feature(run):
    s = Session("2026-11-25")
    s.answer("3 severe): ", "2")  # how bad: no previous day, so no default
    s.answer("How many hours did it last? [Enter skips]: ", "5h")
    s.answer("Was the pain on one side of the head? (y/n) [Enter skips]: ", "y")
    s.answer("Was it throbbing or pulsating? (y/n) [Enter skips]: ", "n")
    s.answer("or did you avoid it? (y/n) [Enter skips]: ", "y")
    s.answer("Nausea or vomiting? (y nausea, v vomiting, b both, n neither) [Enter skips]: ", "v")
    s.answer("Were you bothered by light? (y/n) [Enter skips]: ", "y")
    s.answer("Were you bothered by sound? (y/n) [Enter skips]: ", "-")
    s.answer("Did you have an aura (visual, sensory or speech symptoms)? (y/n) [Enter skips]: ")
    s.answer("did you think it was a migraine? (y/n) [Enter skips]: ", "yes")
    s.answer("(0 none, 1 mild, 2 serious, 3 bedbound) [Enter skips]: ", "1")
    s.answer("Acute medication taken (name and dose; Tab completes) [Enter for none]: ",
             "ibuprofen 400 mg: not relieved")  # fmt: skip
    s.answer("Another medication [Enter for no more]: ")
    s.answer("A note? [Enter for none]: ")
    output, status = s.finish()
    assert status == 0, output
    day = shown(run, "2026-11-25")
    assert {k: day[k] for k in (
        "severity", "hours", "unilateral", "pulsating", "activity", "nausea", "vomiting",
        "photophobia", "phonophobia", "aura", "believed_migraine", "impairment", "note",
    )} == {
        "severity": "moderate", "hours": 5.0, "unilateral": True, "pulsating": False,
        "activity": True, "nausea": None, "vomiting": True, "photophobia": True,
        "phonophobia": None, "aura": None, "believed_migraine": True, "impairment": "mild",
        "note": None,
    }  # fmt: skip
    assert day["intakes"] == [
        {
            "medication": "ibuprofen",
            "dose": "400 mg",
            "relieved": False,
            "class": "simple_analgesic",
        }
    ]


def test_guided_log_none_is_a_headache_free_day_in_one_answer(run):
    s = Session("2026-11-25")
    s.answer("3 severe): ", "none")
    output, status = s.finish()
    assert status == 0
    assert s.answers == 1
    assert output.strip().splitlines()[-1] == "Logged 2026-11-25: headache-free day."
    assert shown(run, "2026-11-25")["severity"] == "none"


@pytest.mark.parametrize("leave", ["ctrl-c", "ctrl-d"])
def test_guided_log_left_midway_stores_nothing(run, db_path, leave):
    assert run("log", *PREVIOUS).exit_code == 0
    before = snapshot(db_path)
    s = Session("2026-11-25")
    s.answer("[severe]: ")
    s.child.expect_exact("How many hours did it last? [8]: ")
    s.child.sendcontrol("c" if leave == "ctrl-c" else "d")
    output, status = s.finish()
    assert status == 1
    assert output.strip().splitlines()[-1] == (
        "Error: Nothing logged: the questions were left before the end."
    )
    assert "Traceback" not in output
    assert snapshot(db_path) == before


def test_guided_log_asks_again_after_an_answer_it_cannot_use(run):
    s = Session("2026-11-25")
    s.answer("3 severe): ", "terrible")
    s.child.expect_exact("Type one of: none, mild, moderate, severe (or its number 0-3).")
    s.answer("3 severe): ", "m")
    s.child.expect_exact("Type mild or moderate (or its number).")
    s.answer("3 severe): ", "3")
    s.answer("How many hours did it last? [Enter skips]: ", "30")
    s.child.expect_exact("Type more than 0 and at most 24 hours")
    s.answer("How many hours did it last? [Enter skips]: ", "-")
    for _ in range(10):  # every other question skipped, the medication list with "-"
        s.answer(": ", "-")
    s.answer("A note? [Enter for none]: ")
    output, status = s.finish()
    assert status == 0, output
    day = shown(run, "2026-11-25")
    assert day["severity"] == "severe" and day["hours"] is None and day["intakes"] == []


def test_guided_log_offers_did_you_mean_for_an_unknown_medication(run):
    assert run("log", *PREVIOUS).exit_code == 0
    s = Session("2026-11-25")
    for _ in range(5):
        s.answer("]: ")
    s.answer("[sumatriptan 50 mg; - for none]: ", "rizatripton 10 mg")
    s.answer("Did you mean rizatriptan? (y/n) [y]: ")
    s.answer("Did rizatriptan 10 mg help? (y/n) [Enter skips]: ", "n")
    s.answer("Another medication [Enter for no more]: ")
    s.answer("A note? [Enter for none]: ")
    output, status = s.finish()
    assert status == 0, output
    assert shown(run, "2026-11-25")["intakes"] == [
        {"medication": "rizatriptan", "dose": "10 mg", "relieved": False, "class": "triptan"}
    ]


def test_guided_log_tab_completes_medication_names(run):
    s = Session("2026-11-25")
    s.answer("3 severe): ", "severe")
    for _ in range(10):
        s.answer("[Enter skips]: ", "-")
    s.child.expect_exact("[Enter for none]: ")
    s.child.send("Imitr\t")
    s.child.expect("Imitr\x07?ex")  # the common start of Imitrex and Imitrex STATdose
    s.child.sendline(" 100 mg: relieved")
    s.answer("Another medication [Enter for no more]: ")
    s.answer("A note? [Enter for none]: ")
    output, status = s.finish()
    assert status == 0, output
    assert shown(run, "2026-11-25")["intakes"] == [
        {"medication": "Imitrex", "dose": "100 mg", "relieved": True, "class": "triptan"}
    ]


def test_guided_log_refuses_a_date_already_logged(run, db_path):
    assert run("log", *PREVIOUS).exit_code == 0
    before = snapshot(db_path)
    s = Session("2026-11-20")
    output, status = s.finish()
    assert status == 1
    assert output.strip() == (
        "Error: 2026-11-20 is already logged; 'migrainecli show 2026-11-20' shows it, and "
        "'migrainecli edit 2026-11-20 --severity ...' (or log with options) changes it."
    )
    assert snapshot(db_path) == before


def test_log_without_options_off_a_terminal_never_asks(run, db_path):
    assert run("log", *PREVIOUS).exit_code == 0
    before = snapshot(db_path)
    result = run("log", "2026-11-25", input="severe\n")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 2026-11-25 is not logged yet: say how bad the headache was with "
        "--severity mild|moderate|severe, --free for a headache-free day, or --aura alone "
        "for an aura without headache.\n"
    )
    assert snapshot(db_path) == before


# -- log --like ---------------------------------------------------------------------------


def test_log_like_copies_the_day_but_not_its_note(run):
    assert run("log", *PREVIOUS, "--note", "awful").exit_code == 0
    result = run("log", "2026-11-22", "--like", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    copy, source = shown(run, "2026-11-22"), shown(run, "2026-11-20")
    assert copy.pop("note") is None and source.pop("note") == "awful"
    copy.pop("date"), source.pop("date")
    assert copy == source


def test_log_like_options_change_the_copy_and_med_replaces_its_intakes(run):
    assert run("log", *PREVIOUS).exit_code == 0
    result = run(
        "log", "2026-11-22", "--like", "2026-11-20", "--severity", "moderate", "--no-nausea",
        "--med", "ibuprofen 400 mg",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    day = shown(run, "2026-11-22")
    assert (day["severity"], day["nausea"], day["unilateral"]) == ("moderate", False, True)
    assert day["intakes"] == [
        {"medication": "ibuprofen", "dose": "400 mg", "relieved": None, "class": "simple_analgesic"}
    ]


def test_log_like_a_range_copies_into_every_day(run):
    assert run("log", *PREVIOUS).exit_code == 0
    result = run("log", "2026-11-22..2026-11-23", "--like", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert [d["intakes"][0]["medication"] for d in shown(run, "2026-11-22..2026-11-23")] == [
        "sumatriptan", "sumatriptan",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("2026-11-21", "--like", "2026-11-01"),
         1, "Error: --like 2026-11-01: nothing is logged on 2026-11-01 to copy.\n"),
        (("2026-11-20", "--like", "2026-11-20"),
         1, "Error: 2026-11-20 is already logged; --like only makes new days "
            "('migrainecli edit 2026-11-20 ...' changes it).\n"),
    ],
)  # fmt: skip
def test_log_like_refusals_leave_the_diary_unchanged(run, db_path, args, code, message):
    assert run("log", *PREVIOUS).exit_code == 0
    before = snapshot(db_path)
    result = run("log", *args)
    assert (result.exit_code, result.stderr) == (code, message)
    assert snapshot(db_path) == before


def test_log_like_with_free_is_a_usage_error(run, db_path):
    assert run("log", *PREVIOUS).exit_code == 0
    before = snapshot(db_path)
    result = run("log", "2026-11-21", "--like", "2026-11-20", "--free")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: --like copies a headache day's details, so it cannot go with --free."
    )
    assert snapshot(db_path) == before
