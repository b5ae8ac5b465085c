"""Issue 16: every treatment verdict gives its reason in one or two lines
(``Verdict.reason``, page 1 of the summary): the failed classes with the trials behind
them, the triptans, the barred classes, what is still missing, and for the payer rule
N and the AHS 2024 note. Built by each rule's ``view()`` from the facts that decided
the verdict; one small diary per boundary (docs/criteria.md sections 4, 4b and 5)."""

from __future__ import annotations

from datetime import date, timedelta

from migrainecli.models import Trial
from migrainecli.rules.criteria import resistant_migraine
from migrainecli.rules.months import MET, NOT_MET, UNDETERMINED
from tests.test_rules_criteria import AS_OF, CAT, TRIPTANS, diary, month_with, months_of, trial
from tests.test_rules_ehf_fixes import LABELS, probable, refractory, six_months, unavailable
from tests.test_step_therapy import B, midas, step, three_months, tried

NAMES = {
    "beta_blocker": "propranolol",
    "anticonvulsant": "Topamax",
    "antidepressant": "amitriptyline",
    "calcium_channel_blocker": "flunarizine",
    "angiotensin_blocker": "candesartan",
    "onabotulinumtoxinA": "Botox",
    "cgrp_mab": "Aimovig",
}
NOTE = (
    " AHS 2024 makes CGRP-targeting therapy first-line; this is the AHS 2021 step "
    "rule payers still apply."
)


def failed(class_id: str, outcome: str = "not_tolerated") -> Trial:
    start = date(2024, 1, 1)
    return trial(NAMES[class_id], class_id, start, start + timedelta(days=10), outcome)


def resistant(data, trials):
    return resistant_migraine(months_of(data, AS_OF), trials, AS_OF, CAT)


THREE = (failed("beta_blocker"), failed("anticonvulsant"), failed("angiotensin_blocker"))
SPAN = f"{LABELS[3]} to {LABELS[5]}"


# -- EHF 2020 resistant: 2 vs 3 failed classes, 1 vs 2 triptans, the months ------------
def test_resistant_reason_names_the_failed_classes_with_their_trials():
    verdict = resistant(six_months(), THREE + TRIPTANS)
    assert verdict.status == MET
    assert verdict.view().reason == (
        "3 classes failed (3 needed): beta_blocker (propranolol), anticonvulsant (Topamax), "
        "angiotensin_blocker (candesartan); 2 triptans failed: sumatriptan, "
        f"rizatriptan; ≥8 debilitating days each month {SPAN}."
    )


def test_resistant_reason_with_two_failed_classes_says_one_more_among_the_rest():
    verdict = resistant(six_months(), THREE[:2] + TRIPTANS)
    assert verdict.status == NOT_MET
    assert verdict.view().reason == (
        "2 classes failed (3 needed): beta_blocker (propranolol), anticonvulsant (Topamax); "
        "needs 1 more failed class among: antidepressant, calcium_channel_blocker, "
        "angiotensin_blocker, onabotulinumtoxinA, CGRP pathway; 2 triptans failed: "
        f"sumatriptan, rizatriptan; ≥8 debilitating days each month {SPAN}."
    )


def test_resistant_reason_with_one_failed_triptan_says_one_more():
    reason = resistant(six_months(), THREE + TRIPTANS[:1]).view().reason
    assert "1 triptan failed (2 needed): sumatriptan; needs 1 more failed triptan;" in reason


def test_resistant_reason_names_the_month_short_of_8_debilitating_days():
    parts = [month_with(m, headache=8, debilitating=8) for m in LABELS[:5]]
    data = diary(*parts, month_with(LABELS[5], headache=8, debilitating=7))
    verdict = resistant(data, THREE + TRIPTANS)
    assert verdict.status == NOT_MET
    assert verdict.view().reason.endswith(
        f"; {SPAN}: fewer than 8 debilitating days in {LABELS[5]} (7)."
    )


def test_resistant_reason_names_the_month_untracked_days_decide():
    parts = [month_with(m, headache=8, debilitating=8) for m in LABELS[:5]]
    data = diary(*parts, month_with(LABELS[5], headache=7, debilitating=7, untracked=3))
    verdict = resistant(data, THREE + TRIPTANS)
    assert verdict.status == UNDETERMINED
    assert verdict.view().reason.endswith(
        f"; {SPAN}: untracked days decide {LABELS[5]} (7 + 3 untracked)."
    )


# -- EHF 2020 refractory and the 2025 consensus (barred classes) ------------------------
def test_refractory_reason_lists_every_class_still_missing_and_marks_the_barred():
    trials = (*THREE, unavailable("calcium_channel_blocker", "not marketed"), *TRIPTANS)
    verdict = refractory(six_months(), trials)
    assert verdict.status == NOT_MET
    assert verdict.view().reason == (
        "3 classes failed (6 needed): beta_blocker (propranolol), anticonvulsant (Topamax), "
        "angiotensin_blocker (candesartan); needs 3 more failed classes: antidepressant, "
        "calcium_channel_blocker (barred), CGRP pathway; 2 triptans failed: "
        "sumatriptan, rizatriptan; ≥8 debilitating days each month "
        f"{LABELS[0]} to {LABELS[5]}."
    )


def test_probable_refractory_reason_names_the_barred_class_and_why():
    trials = (*THREE, unavailable("calcium_channel_blocker", "not marketed"), *TRIPTANS)
    _, verdict = probable(six_months(), trials)
    assert verdict.status == NOT_MET
    assert verdict.view().reason == (
        "1 class barred: calcium_channel_blocker (calcium_channel_blocker: not marketed); "
        "3 classes failed: beta_blocker, anticonvulsant, angiotensin_blocker; needs these "
        "failed or barred: antidepressant, CGRP pathway."
    )


def test_probable_refractory_reason_without_a_barred_class_says_so():
    _, verdict = probable(six_months(), THREE + TRIPTANS)
    assert verdict.view().reason.startswith(
        "no class barred (no trial recorded as unavailable); 3 classes failed:"
    )


def test_probable_refractory_reason_when_refractory_is_met():
    every = tuple(failed(c) for c in NAMES if c != "onabotulinumtoxinA")
    ref, verdict = probable(six_months(), every + TRIPTANS)
    assert ref.status == MET
    assert verdict.view().reason == (
        "Refractory migraine (EHF 2020) is met, so the probable tier does not apply."
    )


# -- AHS 2021 payer step therapy: N and the AHS 2024 note -------------------------------
def test_step_therapy_reason_met_names_the_arm_n_and_the_options_with_their_trials():
    verdict = step(B, (tried("propranolol"), tried("Topamax")))
    assert verdict.status == MET
    assert verdict.view().reason == (
        f"Arm (b) holds: 8–14 headache days in {verdict.latest_month.month}; 2 AHS options "
        "failed (N = 2: 'config set step-therapy-failures'): "
        "beta-blockers (propranolol), topiramate (Topamax)." + NOTE
    )


def test_step_therapy_reason_with_n_3_says_what_is_missing():
    verdict = step(B, (tried("propranolol"), tried("Topamax")), n=3)
    assert verdict.status == NOT_MET
    month = verdict.latest_month.month
    assert verdict.view().reason == (
        f"{month} has 10 headache days, chronic migraine not met; 2 AHS options failed "
        "(N = 3: 'config set step-therapy-failures'): beta-blockers "
        "(propranolol), topiramate (Topamax); needs 1 more failed AHS option." + NOTE
    )


def test_step_therapy_reason_arm_a_without_a_score_asks_for_one():
    data = three_months(headache=5)
    verdict = step(data, (tried("propranolol"), tried("Topamax")))
    assert verdict.status == UNDETERMINED
    assert "arm (a) needs a MIDAS or HIT-6 score within 90 days;" in verdict.view().reason
    with_score = step(data, (tried("propranolol"), tried("Topamax")), scores=(midas(20, 10),))
    assert with_score.view().reason.startswith("Arm (a) holds: 4–7 headache days in ")


def test_refractory_reason_and_explanation_count_what_they_list_when_botox_is_not_required():
    # episodic: onabotulinumtoxinA is not required, so its failure does not count; "3
    # classes failed" must not be followed by four names
    verdict = refractory(six_months(), (*THREE, failed("onabotulinumtoxinA"), *TRIPTANS))
    assert verdict.status == NOT_MET
    assert verdict.view().reason.startswith(
        "3 classes failed (6 needed): beta_blocker (propranolol), anticonvulsant (Topamax), "
        "angiotensin_blocker (candesartan); onabotulinumtoxinA (Botox) failed too, not "
        "counted (required only in chronic migraine); needs 3 more failed classes: "
    )
    assert verdict.explanation.startswith(
        "Not met according to the recorded diary: 3 preventive classes failed (6 needed): "
        "beta_blocker, anticonvulsant, angiotensin_blocker (onabotulinumtoxinA failed too, "
        "not counted: required only in chronic migraine); "
    )
