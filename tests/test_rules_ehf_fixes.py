"""Issue 14: EHF 2020 fixes (onabotulinumtoxinA only in chronic migraine), the outcomes
``paused`` and ``unavailable``, probable refractory migraine (2025 consensus) and triptan
evidence from the diary. One small diary per rule boundary, through the rules and the
CLI (docs/criteria.md sections 4, 4b and 6)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from migrainecli.models import Intake, Trial
from migrainecli.rules.criteria import evaluate_all, refractory_migraine
from migrainecli.rules.months import MET, NOT_MET, UNDETERMINED
from migrainecli.rules.probable_refractory import probable_refractory_migraine
from migrainecli.rules.trials import adequacy, partition_classes
from tests.test_report_diaries import write
from tests.test_rules_criteria import (
    AS_OF,
    CAT,
    EHF_CLASSES,
    TRIPTANS,
    diary,
    failed,
    month_with,
    months_of,
    trial,
)

NOT_BOTOX = tuple(c for c in EHF_CLASSES if c != "onabotulinumtoxinA")
LABELS = ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")  # AS_OF window


def six_months(headache: int = 8, migraine: int = 0, first_three: dict | None = None,
               untracked: int = 0):  # fmt: skip
    """Six months each with 8 debilitating days; the last three with ``headache`` headache
    days (``migraine`` of them migraine days, ``untracked`` days at the end), the first
    three as ``first_three`` says (default: episodic, 8 headache days)."""
    first = first_three or {"headache": 8}
    parts = [month_with(m, debilitating=8, **first) for m in LABELS[:3]]
    parts += [
        month_with(m, headache=headache, migraine=migraine, debilitating=8, untracked=untracked)
        for m in LABELS[3:]
    ]
    return diary(*parts)


def refractory(data, trials):
    return refractory_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)


def unavailable(class_id: str, reason: str = "not covered", start=date(2025, 6, 1)) -> Trial:
    return trial(class_id, class_id, start, start, "unavailable", reason=reason)


def probable(data, trials):
    ref = refractory(data, trials)
    return ref, probable_refractory_migraine(ref, trials, AS_OF, CAT)


# -- EHF 2020, onabotulinumtoxinA only in chronic migraine (section 4) -----------------
def test_ehf_2020_refractory_episodic_every_class_but_botox_failed_is_met():
    verdict = refractory(six_months(), tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS)
    assert verdict.status == MET
    assert verdict.botox.status == NOT_MET
    assert "onabotulinumtoxinA" not in [r.class_id for r in verdict.short_of_failure]
    sentence = verdict.view().details[0]
    assert sentence.startswith("OnabotulinumtoxinA is not required: chronic migraine is not met")
    assert "the diary shows no past chronic run" in sentence
    assert "the project's reading" in sentence and "PREEMPT" in sentence
    assert verdict.to_dict()["onabotulinumtoxinA_required"]["status"] == NOT_MET


def test_ehf_2020_refractory_chronic_with_botox_untried_is_not_met():
    verdict = refractory(six_months(15, 8), tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS)
    assert verdict.botox.status == MET
    assert verdict.status == NOT_MET
    assert "not yet failed: onabotulinumtoxinA" in verdict.explanation
    assert verdict.view().details[0].startswith("OnabotulinumtoxinA is required")


def test_ehf_2020_refractory_chronic_with_botox_failed_is_met():
    verdict = refractory(six_months(15, 8), tuple(failed(c) for c in EHF_CLASSES) + TRIPTANS)
    assert verdict.status == MET


@pytest.mark.parametrize(("headache", "expected"), [(14, MET), (15, NOT_MET)])
def test_ehf_2020_botox_required_at_the_chronic_boundary_14_vs_15(headache, expected):
    """Botox untried: 14 headache days (episodic) -> not required -> met; 15 (chronic,
    ICHD-3 1.3) -> required -> not met."""
    trials = tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS
    assert refractory(six_months(headache, 8), trials).status == expected


def test_ehf_2020_botox_required_by_a_past_chronic_run():
    data = six_months(8, 0, first_three={"headache": 15, "migraine": 8})
    verdict = refractory(data, tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS)
    assert verdict.botox.status == MET and verdict.botox.chronic_status == NOT_MET
    assert verdict.status == NOT_MET
    assert "a past chronic run (2025-10 to 2025-12)" in verdict.view().details[0]


def test_ehf_2020_chronic_undetermined_and_botox_deciding_is_undetermined():
    data = six_months(14, 8, untracked=2)  # 14 headache days + 2 untracked: 15 possible
    verdict = refractory(data, tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS)
    assert verdict.botox.status == UNDETERMINED
    assert verdict.status == UNDETERMINED
    assert "onabotulinumtoxinA decides" in verdict.explanation
    assert (
        verdict.view()
        .details[0]
        .startswith("Whether onabotulinumtoxinA is required is undetermined")
    )
    # Botox failed: it no longer decides
    everything = tuple(failed(c) for c in EHF_CLASSES) + TRIPTANS
    assert refractory(data, everything).status == MET
    # another class short as well: not met whatever Botox's requirement
    fewer = tuple(failed(c) for c in NOT_BOTOX[1:]) + TRIPTANS
    assert refractory(data, fewer).status == NOT_MET


def test_ehf_2020_resistant_still_counts_a_failed_botox_in_episodic_migraine():
    from migrainecli.rules.criteria import resistant_migraine

    trials = (failed("beta_blocker"), failed("anticonvulsant"), failed("onabotulinumtoxinA"))
    verdict = resistant_migraine(months_of(six_months(), AS_OF), trials + TRIPTANS, AS_OF, CAT)
    assert verdict.status == MET


# -- paused and unavailable (sections 4, 4b, 6) -----------------------------------------
def test_ehf_2022_a_paused_aimovig_is_tried_not_failed():
    aimovig = trial("Aimovig", "cgrp_mab", date(2024, 1, 1), date(2025, 1, 1), "paused")
    a = adequacy(aimovig, AS_OF, CAT)
    assert (a.failed, a.adequate) == (False, True)
    assert "planned pause" in a.reason
    part = partition_classes((aimovig,), AS_OF, CAT)
    assert "cgrp_mab" in [c.class_id for c in part.tried]
    trials = tuple(failed(c) for c in NOT_BOTOX if c != "cgrp_mab") + (aimovig,) + TRIPTANS
    verdict = refractory(six_months(), trials)
    assert verdict.status == NOT_MET
    assert "cgrp_mab" not in verdict.failed_classes


def test_a_short_paused_trial_is_not_inadequate():
    short = trial("Aimovig", "cgrp_mab", date(2025, 1, 1), date(2025, 2, 1), "paused")
    part = partition_classes((short,), AS_OF, CAT)
    assert "cgrp_mab" in [c.class_id for c in part.tried]
    assert "cgrp_mab" not in [c.class_id for c in part.inadequate]


def test_section_4b_unavailable_is_never_a_failure_and_bars_its_class():
    vyepti = trial("Vyepti", "cgrp_mab", date(2025, 6, 1), date(2025, 6, 1), "unavailable",
                   reason="not covered")  # fmt: skip
    a = adequacy(vyepti, AS_OF, CAT)
    assert (a.failed, a.adequate) == (False, None)
    part = partition_classes((vyepti,), AS_OF, CAT)
    assert [c.class_id for c in part.barred] == ["cgrp_mab"]
    everything = [c.class_id for lst in (part.untried, part.inadequate, part.tried,
                                         part.barred) for c in lst]  # fmt: skip
    assert sorted(everything) == sorted(CAT.classes)  # every class in exactly one list
    # a real trial of the class as well: tried, no longer barred
    tried = partition_classes((vyepti, failed("cgrp_mab")), AS_OF, CAT)
    assert "cgrp_mab" in [c.class_id for c in tried.tried] and not tried.barred


# -- probable refractory migraine, 2025 consensus (section 4b) --------------------------
def test_2025_consensus_all_unfailed_classes_unavailable_is_probable_refractory():
    trials = (
        tuple(failed(c) for c in NOT_BOTOX[:4])
        + (
            unavailable("cgrp_mab", "not covered"),
            unavailable("angiotensin_blocker", "not marketed"),
        )
        + TRIPTANS
    )
    ref, verdict = probable(six_months(), trials)
    assert ref.status == NOT_MET
    assert verdict.status == MET
    assert verdict.barred_classes == ("angiotensin_blocker", "cgrp_mab")
    details = verdict.view().details
    assert "Barred: cgrp_mab — cgrp_mab: not covered" in details
    assert "The thresholds otherwise follow EHF 2020" in verdict.explanation
    data = verdict.to_dict()
    assert data["source"] == "2025 consensus" and data["status"] == MET
    assert data["barred_classes"] == ["angiotensin_blocker", "cgrp_mab"]


def test_2025_consensus_one_class_neither_failed_nor_barred_is_not_met():
    trials = tuple(failed(c) for c in NOT_BOTOX[:4]) + (unavailable("cgrp_mab"),) + TRIPTANS
    _, verdict = probable(six_months(), trials)
    assert verdict.status == NOT_MET
    assert verdict.open_classes == ("angiotensin_blocker",)


def test_2025_consensus_no_class_barred_is_not_met():
    _, verdict = probable(six_months(), tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS)
    assert verdict.status == NOT_MET  # refractory itself is met
    assert "Refractory migraine is met" in verdict.explanation


def test_2025_consensus_needs_refractorys_triptan_condition():
    trials = tuple(failed(c) for c in NOT_BOTOX[:5]) + (unavailable("cgrp_mab"),) + TRIPTANS[:1]
    _, verdict = probable(six_months(), trials)
    assert verdict.status == NOT_MET


def test_2025_consensus_needs_refractorys_6_months():
    five = diary(*[month_with(m, headache=8, debilitating=8) for m in LABELS[1:]])
    trials = tuple(failed(c) for c in NOT_BOTOX[:5]) + (unavailable("cgrp_mab"),) + TRIPTANS
    _, verdict = probable(five, trials)
    assert verdict.status == UNDETERMINED  # the 6th month is before the diary start


def test_2025_consensus_a_barred_botox_counts_only_in_chronic_migraine():
    trials = tuple(failed(c) for c in NOT_BOTOX) + (unavailable("onabotulinumtoxinA"),)
    _, episodic = probable(six_months(), trials + TRIPTANS)
    assert episodic.status == NOT_MET  # refractory met: Botox is not required
    ref, chronic = probable(six_months(15, 8), trials + TRIPTANS)
    assert ref.status == NOT_MET and chronic.status == MET
    assert chronic.barred_classes == ("onabotulinumtoxinA",)


def test_2025_consensus_cgrp_pathway_barred_only_when_its_only_records_are_unavailable():
    base = tuple(failed(c) for c in NOT_BOTOX[:5]) + TRIPTANS
    _, verdict = probable(six_months(), base + (unavailable("cgrp_mab"),))
    assert verdict.barred_groups == ("cgrp_pathway",)
    ongoing = trial("atogepant", "gepant_preventive", date(2026, 1, 1))
    _, verdict = probable(six_months(), base + (unavailable("cgrp_mab"), ongoing))
    assert verdict.barred_groups == () and verdict.status == NOT_MET


# -- triptan evidence from the diary (issue 14 part 9) ----------------------------------
def rizatriptan_diary(n: int, not_relieved: int):
    data = six_months()
    start = date(2026, 1, 1)
    intakes = tuple(
        Intake(start + timedelta(days=k), "Maxalt" if k % 2 else "rizatriptan",
               relieved=k >= not_relieved, class_id="triptan")
        for k in range(n)
    )  # fmt: skip
    from dataclasses import replace

    return replace(data, intakes=data.intakes + intakes)


def test_triptan_evidence_points_out_diary_triptans_not_relieved_on_most_intakes():
    data = rizatriptan_diary(9, 7)
    trials = tuple(failed(c) for c in NOT_BOTOX) + TRIPTANS[:1]  # only sumatriptan failed
    report = evaluate_all(data, AS_OF, CAT)
    ref = refractory_migraine(months_of(data, AS_OF), trials, AS_OF, CAT, None, data.intakes)
    assert ref.status == NOT_MET  # never counted automatically
    assert ref.triptans.failed_triptans == ("sumatriptan",)
    line = ref.triptans.diary_line()
    assert "rizatriptan: 9 intakes, 7 not relieved — record a trial to count it" in line
    assert line in ref.view().details
    assert report.refractory_migraine.triptans.diary  # no trial at all: pointed out too


@pytest.mark.parametrize(("not_relieved", "shown"), [(4, False), (5, True)])
def test_triptan_evidence_most_means_more_than_half(not_relieved, shown):
    data = rizatriptan_diary(8, not_relieved)
    ref = refractory_migraine(months_of(data, AS_OF), (), AS_OF, CAT, None, data.intakes)
    assert bool(ref.triptans.diary) is shown


def test_triptan_evidence_is_silent_when_the_triptan_condition_is_met():
    data = rizatriptan_diary(9, 7)
    ref = refractory_migraine(months_of(data, AS_OF), TRIPTANS, AS_OF, CAT, None, data.intakes)
    assert ref.triptans.status == MET and ref.triptans.diary == ()


# -- through the CLI --------------------------------------------------------------------
def test_cli_trial_add_unavailable_with_only_start_ends_that_day(run):
    r = run("trial", "add", "Vyepti", "--start", "2025-06-01", "--outcome", "unavailable",
            "--reason", "not covered")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "2025-06-01 to 2025-06-01, unavailable" in r.output
    [t] = json.loads(run("trial", "list", "--json").stdout)
    assert (t["start"], t["end"], t["outcome"], t["reason"]) == (
        "2025-06-01",
        "2025-06-01",
        "unavailable",
        "not covered",
    )
    assert t["failed"] is False


def test_cli_trial_stop_and_edit_take_paused_and_unavailable(run):
    assert run("trial", "add", "Aimovig", "--start", "2024-01-01").exit_code == 0
    r = run("trial", "stop", "Aimovig", "--end", "2025-01-01", "--outcome", "paused")
    assert r.exit_code == 0, r.output
    assert json.loads(run("trial", "list", "--json").stdout)[0]["outcome"] == "paused"
    r = run("trial", "edit", "1", "--outcome", "unavailable", "--reason", "age")
    assert r.exit_code == 0, r.output
    [t] = json.loads(run("trial", "list", "--json").stdout)
    assert (t["outcome"], t["reason"]) == ("unavailable", "age")


def test_cli_csv_and_json_round_trip_paused_and_unavailable(run, tmp_path):
    run("trial", "add", "Aimovig", "--start", "2024-01-01", "--end", "2025-01-01",
        "--outcome", "paused", "--reason", "planned pause")  # fmt: skip
    run("trial", "add", "flunarizine", "--start", "2025-03", "--outcome", "unavailable",
        "--reason", "not marketed")  # fmt: skip
    for fmt in ("csv", "json"):
        first = run("export", "trials", "--format", fmt).stdout
        out = tmp_path / f"trials.{fmt}"
        out.write_text(first)
        other = tmp_path / f"other-{fmt}.db"
        r = run("--db", str(other), "import", "trials", str(out))
        assert r.exit_code == 0, r.output
        assert run("--db", str(other), "export", "trials", "--format", fmt).stdout == first
    rows = list(csv.DictReader(io.StringIO(run("export", "trials").stdout)))
    assert [(r["outcome"], r["start"], r["end"]) for r in rows] == [
        ("paused", "2024-01-01", "2025-01-01"), ("unavailable", "2025-03", "2025-03")
    ]  # fmt: skip


def test_cli_csv_import_of_unavailable_with_an_empty_end(run, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("therapy,start,end,outcome,reason\nVyepti,2025-06-01,,unavailable,not covered\n")
    r = run("import", "trials", str(f))
    assert r.exit_code == 0, r.output
    [t] = json.loads(run("trial", "list", "--json").stdout)
    assert (t["end"], t["outcome"]) == ("2025-06-01", "unavailable")


def _probable_diary(path, n_intakes: int = 0):
    data = six_months()
    trials = tuple(failed(c) for c in NOT_BOTOX[:5]) + (
        unavailable("Vyepti", "not covered"),
    ) + TRIPTANS[:1]  # fmt: skip
    trials = tuple(
        Trial(t.therapy, "cgrp_mab" if t.therapy == "Vyepti" else t.class_id, t.kind, t.start,
              t.end, outcome=t.outcome, reason=t.reason)
        for t in trials
    )  # fmt: skip
    intakes = tuple(
        Intake(date(2026, 1, 1) + timedelta(days=k), "rizatriptan", relieved=k >= 7,
               class_id="triptan")
        for k in range(n_intakes)
    )  # fmt: skip
    days = {d.date: d for d in data.days}
    from migrainecli.models import Day

    for i in intakes:
        days.setdefault(i.date, Day(i.date, "none"))
    write(path, sorted(days.values(), key=lambda d: d.date), data.intakes + intakes, (), trials)


def test_cli_status_json_probable_refractory_and_triptan_evidence(run, db_path):
    _probable_diary(db_path, n_intakes=9)
    r = run("status", "--as-of", AS_OF.isoformat(), "--json")
    assert r.exit_code == 0, r.output
    crit = json.loads(r.stdout)["criteria"]
    # one failed triptan: refractory and probable refractory are not met
    assert crit["probable_refractory_migraine"]["status"] == NOT_MET
    assert crit["probable_refractory_migraine"]["barred_classes"] == ["cgrp_mab"]
    hint = crit["refractory_migraine"]["triptan_condition"]["diary_intakes_not_counted"]
    assert hint == [{"therapy": "rizatriptan", "intakes": 9, "not_relieved": 7,
                     "note": "rizatriptan: 9 intakes, 7 not relieved — record a trial to "
                             "count it"}]  # fmt: skip
    text = run("status", "--as-of", AS_OF.isoformat(), env={"COLUMNS": "200"}).stdout
    assert "rizatriptan: 9 intakes, 7 not relieved — record a trial to count it" in text
    assert "Probable refractory migraine (2025 consensus): NOT MET" in text
    untried = run("untried", "--as-of", AS_OF.isoformat(), env={"COLUMNS": "200"}).stdout
    assert "rizatriptan: 9 intakes, 7 not relieved — record a trial to count it" in untried


def test_cli_status_probable_refractory_met(run, db_path):
    _probable_diary(db_path)
    run("trial", "add", "rizatriptan", "--start", "2024-05-01", "--end", "2024-06-01",
        "--outcome", "ineffective")  # fmt: skip
    r = run("status", "--as-of", AS_OF.isoformat(), "--json")
    crit = json.loads(r.stdout)["criteria"]
    assert crit["refractory_migraine"]["status"] == NOT_MET
    assert crit["probable_refractory_migraine"]["status"] == MET
    text = run("status", "--as-of", AS_OF.isoformat(), env={"COLUMNS": "200"}).stdout
    assert "Probable refractory migraine (2025 consensus): MET" in text
    assert "Barred: cgrp_mab — Vyepti: not covered" in text
    report = run("report", "--as-of", AS_OF.isoformat(), env={"COLUMNS": "200"}).stdout
    assert "probable refractory MET" in report
    for fmt in ("text", "html"):
        out = run("summary", "--format", fmt, "--as-of", AS_OF.isoformat()).stdout
        assert "Probable refractory migraine" in out, fmt
    out = run("summary", "--format", "csv", "--as-of", AS_OF.isoformat()).stdout
    assert "verdict,probable_refractory_migraine,met,2025 consensus" in out


def test_cli_untried_json_barred_is_a_fourth_list(run):
    run("trial", "add", "Vyepti", "--start", "2025-06-01", "--outcome", "unavailable",
        "--reason", "not covered")  # fmt: skip
    data = json.loads(run("untried", "--json").stdout)
    assert set(data) == {"untried", "inadequate", "tried", "barred"}
    assert [e["class"] for e in data["barred"]] == ["cgrp_mab"]
    listed = [e["class"] for v in data.values() for e in v]
    assert len(listed) == len(set(listed)) == len(CAT.classes)
    text = run("untried", env={"COLUMNS": "200"}).stdout
    assert "barred" in text and "Vyepti 2025-06-01: not covered" in text
    assert "1 barred (unavailable to the patient)" in text
