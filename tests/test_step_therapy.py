"""Payer step therapy for CGRP-targeting preventives, the AHS 2021 rule
(docs/criteria.md section 5), one clause per test: through the rules and the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from migrainecli.models import DiaryData, Score, Trial
from migrainecli.rules.criteria import cgrp_step_therapy, evaluate_all
from migrainecli.rules.months import MET, NOT_MET, UNDETERMINED, range_status
from migrainecli.rules.step_therapy import GUIDANCE, load_ahs_rules
from migrainecli.rules.verdicts import TITLES
from migrainecli.settings import STEP_THERAPY_FAILURES_MAX
from tests.test_rules_criteria import (
    AS_OF,
    CAT,
    diary,
    month_with,
    months_of,
    three_months,
)

START = date(2025, 1, 1)
TITLE = "Payer step therapy for CGRP-targeting preventives (AHS 2021 rule)"


def tried(name: str, days: int = 56, outcome: str = "ineffective", kind: str = "preventive",
          start: date = START) -> Trial:  # fmt: skip
    """A trial of ``name`` (any catalogue name) of ``days`` days, resolved to its class."""
    res = CAT.resolve(name) if kind != "preventive" else _preventive(name)
    return Trial(res.name, res.class_id, kind, start, start + timedelta(days=days - 1),
                 dose="50 mg", outcome=outcome, reason="recorded reason")  # fmt: skip


def _preventive(name: str):
    try:
        return CAT.resolve(name, kinds={"preventive"})
    except Exception:  # an NSAID recorded as a preventive trial: its class is acute
        return CAT.resolve(name)


def midas(total: int, days_before: int, as_of: date = AS_OF) -> Score:
    return Score(as_of - timedelta(days=days_before), "midas", total)


def hit6(total: int, days_before: int, as_of: date = AS_OF) -> Score:
    return Score(as_of - timedelta(days=days_before), "hit6", total)


def step(data: DiaryData, trials=(), scores=(), n=None, as_of: date = AS_OF):
    return cgrp_step_therapy(
        months_of(data, as_of), trials, as_of, CAT, scores=scores, failures_required=n
    )


TWO = (tried("propranolol"), tried("Topamax"))


# -- the data file ----------------------------------------------------------------------
def test_ahs_options_data_every_name_resolves_in_the_catalogue():
    rules = load_ahs_rules()
    ids = [o.id for o in rules.options]
    assert ids == ["ahs_topiramate", "ahs_valproate", "ahs_beta_blocker", "ahs_tricyclic",
                   "ahs_snri", "ahs_other_level_ab"]  # fmt: skip
    assert not set(ids) & set(CAT.classes)
    for option in rules.options:
        for name in option.members:
            assert name in {m.name for m in CAT.lookup(name)}, name
    for name in rules.not_options:
        assert name in {m.name for m in CAT.lookup(name)}, name
    assert STEP_THERAPY_FAILURES_MAX == len(rules.options)
    assert (rules.trial_minimum_days, rules.botox_minimum_days) == (56, 168)
    assert (rules.midas_at_least, rules.hit6_above, rules.within_days) == (11, 50, 90)
    assert rules.ranges == {"a": (4, 7), "b": (8, 14)}
    assert rules.failures_required_default == 2


def test_bisoprolol_is_not_among_the_ahs_beta_blockers():
    option = load_ahs_rules().option_for("bisoprolol", "preventive")
    assert option is None


# -- counting AHS options (not EHF classes) ---------------------------------------------
B = three_months(headache=10)  # arm (b): 8-14 headache days, no chronic migraine


@pytest.mark.parametrize(
    ("names", "options", "expected"),
    [
        (("Topamax", "Depakote"), ["ahs_topiramate", "ahs_valproate"], MET),
        (("topiramate", "divalproex"), ["ahs_topiramate", "ahs_valproate"], MET),
        (("amitriptyline", "venlafaxine"), ["ahs_tricyclic", "ahs_snri"], MET),
        (("candesartan", "propranolol"), ["ahs_beta_blocker"], NOT_MET),
        (("propranolol", "metoprolol"), ["ahs_beta_blocker"], NOT_MET),
        (("riboflavin", "magnesium"), ["ahs_other_level_ab"], NOT_MET),
        (("lisinopril", "flunarizine"), [], NOT_MET),
        (("Keppra", "memantine"), [], NOT_MET),
    ],
)
def test_ahs_2021_each_option_counts_once(names, options, expected):
    verdict = step(B, tuple(tried(n) for n in names))
    assert list(verdict.failed_options) == options
    assert verdict.status == expected


def test_topiramate_plus_divalproex_is_two_options_one_ehf_class():
    verdict = step(B, (tried("Topamax"), tried("Depakote")))
    out = verdict.to_dict()
    assert out["failed_options"] == ["ahs_topiramate", "ahs_valproate"]
    assert out["failed_oral_classes"] == ["anticonvulsant"]
    assert verdict.arm == "b"


@pytest.mark.parametrize("name", ["candesartan", "lisinopril", "flunarizine"])
def test_candesartan_lisinopril_flunarizine_are_listed_as_not_an_ahs_option(name):
    verdict = step(B, (tried(name), tried("propranolol")))
    assert verdict.status == NOT_MET
    ev = {e["agent"]: e for e in verdict.to_dict()["evidence"]}
    assert ev[name]["option"] is None and ev[name]["counts"] is False
    assert ev[name]["note"].startswith("not an AHS option")
    assert any(name in line and "not an AHS option" in line for line in verdict.view().evidence)


def test_nsaid_counts_only_as_a_preventive_trial():
    as_preventive = step(B, (tried("naproxen"), tried("propranolol")))
    assert as_preventive.failed_options == ("ahs_beta_blocker", "ahs_other_level_ab")
    assert as_preventive.status == MET
    as_acute = step(B, (tried("naproxen", kind="acute"), tried("propranolol")))
    assert as_acute.failed_options == ("ahs_beta_blocker",)
    assert as_acute.status == NOT_MET


def test_partial_is_not_a_failure():
    verdict = step(B, (tried("propranolol", 120, "partial"), tried("Topamax")))
    assert verdict.failed_options == ("ahs_topiramate",)
    assert verdict.status == NOT_MET
    ev = verdict.to_dict()["evidence"][0]
    assert ev["counts"] is False and "a response, not a failure" in ev["note"]


@pytest.mark.parametrize(("days", "expected"), [(55, NOT_MET), (56, MET)])
def test_option_fails_after_8_weeks_at_the_recorded_dose(days, expected):
    verdict = step(B, (tried("propranolol", days), tried("amitriptyline")))
    assert verdict.status == expected
    assert any("target dose cannot be read" in d for d in verdict.view().details)


@pytest.mark.parametrize("outcome", ["not_tolerated", "contraindicated"])
def test_intolerance_or_contraindication_fails_an_option_at_any_length(outcome):
    verdict = step(B, (tried("propranolol", 3, outcome), tried("duloxetine", 1, outcome)))
    assert verdict.status == MET


@pytest.mark.parametrize("outcome", ["ongoing", "effective", "stopped_other"])
def test_other_outcomes_are_not_failures(outcome):
    trials = (tried("propranolol", 200, outcome), tried("Topamax"))
    assert step(B, trials).status == NOT_MET


# -- N from the setting -----------------------------------------------------------------
@pytest.mark.parametrize(("n", "failed", "expected"), [(2, 2, MET), (3, 2, NOT_MET), (3, 3, MET)])
def test_failures_required_n_2_vs_3(n, failed, expected):
    trials = (tried("propranolol"), tried("Topamax"), tried("venlafaxine"))[:failed]
    verdict = step(B, trials, n=n)
    assert verdict.status == expected
    assert verdict.to_dict()["failures_required"] == n
    assert any(f"N = {n}" in d for d in verdict.view().details)


def test_failures_required_from_diary_data():
    three = DiaryData(days=B.days, gaps=B.gaps, start=B.start, trials=TWO,
                      step_therapy_failures=3)  # fmt: skip
    assert evaluate_all(three, AS_OF, CAT).cgrp_step_therapy.status == NOT_MET
    two = DiaryData(days=B.days, gaps=B.gaps, start=B.start, trials=TWO)
    assert evaluate_all(two, AS_OF, CAT).cgrp_step_therapy.status == MET


# -- the headache-day ranges (three-valued) ---------------------------------------------
@pytest.mark.parametrize(
    ("n", "u", "lo", "hi", "expected"),
    [
        (4, 0, 4, 7, MET), (7, 0, 4, 7, MET), (3, 0, 4, 7, NOT_MET), (8, 0, 4, 7, NOT_MET),
        (3, 1, 4, 7, UNDETERMINED), (6, 2, 4, 7, UNDETERMINED), (7, 1, 4, 7, UNDETERMINED),
        (8, 3, 4, 7, NOT_MET), (2, 1, 4, 7, NOT_MET),
    ],
)  # fmt: skip
def test_count_range_is_three_valued(n, u, lo, hi, expected):
    assert range_status(n, u, lo, hi) == expected


MODERATE = (midas(11, 10),)


@pytest.mark.parametrize(
    ("headache", "expected", "arm"),
    [(3, NOT_MET, None), (4, MET, "a"), (7, MET, "a"), (8, MET, "b"), (14, MET, "b"),
     (15, NOT_MET, None)],
)  # fmt: skip
def test_headache_day_boundaries_4_7_8_14_15(headache, expected, arm):
    verdict = step(three_months(headache=headache), TWO, MODERATE)
    assert verdict.status == expected
    assert verdict.arm == arm


def test_15_or_more_headache_days_without_chronic_migraine_fits_no_arm():
    verdict = step(three_months(headache=15, migraine=7), TWO, MODERATE)
    assert verdict.chronic_status == NOT_MET
    assert verdict.status == NOT_MET
    assert verdict.fits_no_arm and verdict.to_dict()["fits_no_arm"] is True
    assert any("fits no arm" in d for d in verdict.view().details)
    assert "fits no arm" in verdict.explanation


@pytest.mark.parametrize(
    ("headache", "untracked", "expected"),
    [(3, 1, UNDETERMINED), (7, 1, UNDETERMINED), (6, 2, UNDETERMINED), (14, 1, UNDETERMINED),
     (14, 0, MET), (2, 1, NOT_MET)],
)  # fmt: skip
def test_untracked_days_make_the_range_undetermined(headache, untracked, expected):
    data = diary(
        month_with("2026-01", headache=headache),
        month_with("2026-02", headache=headache),
        month_with("2026-03", headache=headache, untracked=untracked),
    )
    verdict = step(data, TWO, MODERATE)
    assert verdict.status == expected
    if expected == UNDETERMINED:
        assert "untracked days of 2026-03" in verdict.explanation


# -- arm (a): disability ----------------------------------------------------------------
A = three_months(headache=5)


def test_arm_a_without_a_score_is_undetermined_with_the_reason():
    verdict = step(A, TWO)
    assert verdict.status == UNDETERMINED
    assert verdict.arms["a"] == UNDETERMINED
    reason = verdict.to_dict()["arms"]["a"]["disability"]["reason"]
    assert reason.startswith("no MIDAS or HIT-6 score dated within the 90 days before")
    assert "no MIDAS or HIT-6 score" in verdict.explanation


@pytest.mark.parametrize(("days_before", "expected"), [(90, MET), (91, UNDETERMINED), (0, MET)])
def test_arm_a_midas_11_dated_90_vs_91_days_before(days_before, expected):
    verdict = step(A, TWO, (midas(11, days_before),))
    assert verdict.status == expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [(midas(10, 5), NOT_MET), (midas(11, 5), MET), (hit6(50, 5), NOT_MET), (hit6(51, 5), MET)],
)
def test_arm_a_midas_at_least_11_or_hit6_above_50(score, expected):
    assert step(A, TWO, (score,)).status == expected


def test_arm_a_reads_the_latest_score_and_ignores_later_ones():
    later = Score(AS_OF + timedelta(days=1), "midas", 30)
    assert step(A, TWO, (midas(25, 60), midas(4, 10), later)).status == NOT_MET
    assert step(A, TWO, (midas(4, 60), midas(25, 10))).status == MET
    # either instrument is enough
    assert step(A, TWO, (midas(4, 10), hit6(60, 10))).status == MET


def test_arm_a_needs_the_failures_too():
    assert step(A, TWO[:1], MODERATE).status == NOT_MET


# -- arm (c): chronic migraine, onabotulinumtoxinA as the alternative --------------------
CM = three_months(headache=15, migraine=8)


def test_arm_c_chronic_migraine_with_n_failures():
    verdict = step(CM, TWO)
    assert (verdict.status, verdict.arm) == (MET, "c")


@pytest.mark.parametrize(
    ("days", "outcome", "expected"),
    [(168, "ineffective", MET), (167, "ineffective", NOT_MET), (20, "not_tolerated", MET),
     (200, "partial", NOT_MET)],
)  # fmt: skip
def test_arm_c_onabotulinumtoxinA_after_24_weeks_or_not_tolerated(days, outcome, expected):
    verdict = step(CM, (tried("Botox", days, outcome),))
    assert verdict.status == expected


def test_onabotulinumtoxinA_does_not_count_outside_chronic_migraine():
    verdict = step(B, (tried("Botox", 200), tried("propranolol")))
    assert verdict.status == NOT_MET
    assert verdict.to_dict()["onabotulinumtoxinA"] == NOT_MET


# -- every rendering: title, guidance, N -------------------------------------------------
def test_title_and_guidance_line_in_the_view_and_json():
    assert TITLES["cgrp_step_therapy"] == TITLE
    verdict = step(B, TWO)
    out = verdict.to_dict()
    assert out["source"] == "AHS 2021" and out["status"] in (MET, NOT_MET, UNDETERMINED)
    assert out["guidance"] == GUIDANCE
    assert "AHS 2024 (Charles et al., Headache 2024;64:333–341)" in GUIDANCE
    assert verdict.view().details[0] == GUIDANCE


def _cli_diary(run, headache: int) -> None:
    """Feb-Apr 2026 with ``headache`` mild headache days a month, two failed options."""
    rows = ["date,severity"]
    for month in (2, 3, 4):
        rows += [f"2026-{month:02d}-{d:02d},mild" for d in range(1, headache + 1)]
    rows.append("2026-01-31,none")
    assert run("import", "days", "-", input="\n".join(rows) + "\n").exit_code == 0
    for name in ("Topamax", "Depakote"):
        r = run("trial", "add", name, "--start", "2025-01-01", "--end", "2025-03-31",
                "--outcome", "ineffective")  # fmt: skip
        assert r.exit_code == 0, r.output


def _step_json(run, as_of: str = "2026-05-10") -> dict:
    r = run("status", "--as-of", as_of, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["criteria"]["cgrp_step_therapy"]


def test_cli_topiramate_plus_divalproex_is_two_options(run):
    _cli_diary(run, 10)
    c = _step_json(run)
    assert c["status"] == "met" and c["arm"] == "b"
    assert c["failed_options"] == ["ahs_topiramate", "ahs_valproate"]
    assert c["guidance"] == GUIDANCE


def test_cli_arm_a_without_a_score_is_undetermined(run):
    _cli_diary(run, 5)
    c = _step_json(run)
    assert c["status"] == "undetermined"
    assert c["arms"]["a"]["disability"]["status"] == "undetermined"
    assert "no MIDAS or HIT-6 score" in c["explanation"]


def test_cli_n_from_config_2_vs_3(run):
    _cli_diary(run, 10)
    assert _step_json(run)["failures_required"] == 2
    r = run("config", "set", "step-therapy-failures", "3")
    assert r.exit_code == 0, r.output
    c = _step_json(run)
    assert (c["status"], c["failures_required"]) == ("not_met", 3)
    human = run("status", "--as-of", "2026-05-10").stdout
    assert "N = 3" in " ".join(human.split())
    run("config", "unset", "step-therapy-failures")
    assert _step_json(run)["status"] == "met"


@pytest.mark.parametrize("value", ["0", "7", "two", "2.5", " "])
def test_cli_step_therapy_failures_must_be_1_to_6(run, value):
    r = run("config", "set", "step-therapy-failures", value)
    assert r.exit_code == 1
    assert "step-therapy-failures must be a whole number from 1 to 6" in r.stderr


def test_cli_15_headache_days_without_chronic_fits_no_arm(run):
    _cli_diary(run, 15)  # mild days: no migraine days, so no chronic migraine
    c = _step_json(run)
    assert c["status"] == "not_met" and c["fits_no_arm"] is True
    assert "fits no arm" in " ".join(run("status", "--as-of", "2026-05-10").stdout.split())


def test_every_rendering_carries_the_title_and_the_ahs_2024_line(run):
    _cli_diary(run, 10)
    as_of = ("--as-of", "2026-05-10")
    outputs = {
        "status": run("status", *as_of).stdout,
        "summary": run("summary", *as_of).stdout,
        "csv": run("summary", "--format", "csv", *as_of).stdout,
        "html": run("summary", "--format", "html", *as_of).stdout,
        "report": run("report", *as_of).stdout,
    }
    for name, text in outputs.items():
        flat = " ".join(text.split())
        assert "AHS 2024 (Charles et al., Headache 2024;64:333–341)" in flat, name
        if name != "report":
            assert TITLE in flat, name


def test_cli_other_preventive_appears_in_untried_and_therapies(run):
    data = json.loads(run("untried", "--json").stdout)
    assert {"class": "other_preventive", "kind": "preventive"} in data["untried"]
    listing = run("therapies").stdout
    assert "other_preventive" in listing
    r = run("trial", "add", "Keppra 500 mg", "--start", "2025-01-01", "--end", "2025-01-20",
            "--outcome", "ineffective")  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(run("untried", "--json").stdout)
    assert [e["class"] for e in data["inadequate"]] == ["other_preventive"]


def test_evidence_line_of_a_one_day_trial_says_1_day_not_1_days():
    verdict = step(B, (tried("flunarizine", days=1, outcome="unavailable"), tried("propranolol")))
    line = next(x for x in verdict.view().evidence if x.startswith("flunarizine"))
    assert " (1 day): unavailable" in line
    other = next(x for x in verdict.view().evidence if x.startswith("propranolol"))
    assert " (56 days): ineffective" in other
