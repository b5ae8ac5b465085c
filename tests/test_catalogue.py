"""The therapy catalogue (docs/therapy-classes.md) and name resolution.

Table-driven from the data file itself: every name and alias in ``therapies.json`` must
resolve to its own class. The class ids and the clinical flags are written out literally
here, from the documents, so that a renamed id or a changed flag fails a test.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from importlib.resources import files

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from migrainecli.catalogue import (
    Catalogue,
    Member,
    Resolution,
    TherapyClass,
    load_catalogue,
    split_dose,
)
from migrainecli.errors import AmbiguousTherapy, InvalidValue, MigraineError, UnknownTherapy
from migrainecli.models import KINDS

DATA = json.loads(files("migrainecli").joinpath("data/therapies.json").read_text("utf-8"))
CAT = load_catalogue()

# docs/therapy-classes.md, in document order. Public interface: never edit to make a test pass.
DOC_CLASS_IDS = [
    # Acute
    "triptan",
    "ergot",
    "simple_analgesic",
    "combination_analgesic",
    "opioid",
    "gepant_acute",
    "ditan",
    "antiemetic",
    # Preventive
    "beta_blocker",
    "anticonvulsant",
    "antidepressant",
    "calcium_channel_blocker",
    "angiotensin_blocker",
    "onabotulinumtoxinA",
    "cgrp_mab",
    "gepant_preventive",
    "nutraceutical",
    "other_preventive",
    # Procedures
    "occipital_nerve_block",
    "spg_block",
    "trigger_point_injection",
    "infusion",
    "surgery",
    # Neuromodulation
    "tms",
    "occipital_nerve_stimulation",
    "vagus_nerve_stimulation",
    "trigeminal_nerve_stimulation",
    "remote_electrical_neuromodulation",
    "occipital_trigeminal_stimulation",
    # Behavioural and lifestyle
    "cbt",
    "biofeedback",
    "relaxation",
    "mindfulness",
    "physical_therapy",
    "lifestyle",
    "medication_withdrawal",
]

KIND = {
    **dict.fromkeys(DOC_CLASS_IDS[0:8], "acute"),
    **dict.fromkeys(DOC_CLASS_IDS[8:18], "preventive"),
    **dict.fromkeys(DOC_CLASS_IDS[18:23], "procedure"),
    **dict.fromkeys(DOC_CLASS_IDS[23:29], "neuromodulation"),
    **dict.fromkeys(["cbt", "biofeedback", "relaxation", "mindfulness"], "behavioural"),
    "physical_therapy": "behavioural",
    "lifestyle": "lifestyle",
    "medication_withdrawal": "lifestyle",
}

# ICHD-3 8.2 subtypes (docs/therapy-classes.md "moh"; docs/criteria.md section 3).
MOH = {
    "triptan": "8.2.2",
    "ergot": "8.2.1",
    "simple_analgesic": "8.2.3",
    "combination_analgesic": "8.2.5",
    "opioid": "8.2.4",
    "gepant_acute": "8.2.8",
    "ditan": "8.2.8",
}

# EHF 2020 preventive classes (docs/criteria.md section 4) and the class each counts as.
EHF_GROUP = {
    "beta_blocker": "beta_blocker",
    "anticonvulsant": "anticonvulsant",
    "antidepressant": "antidepressant",
    "calcium_channel_blocker": "calcium_channel_blocker",
    "angiotensin_blocker": "angiotensin_blocker",
    "onabotulinumtoxinA": "onabotulinumtoxinA",
    "cgrp_mab": "cgrp_pathway",
    "gepant_preventive": "cgrp_pathway",
}

# Oral preventives: the flag decides only the adequate-trial minimum (docs/therapy-classes.md).
ORAL = {
    "beta_blocker",
    "anticonvulsant",
    "antidepressant",
    "calcium_channel_blocker",
    "angiotensin_blocker",
    "other_preventive",
}

# Adequate trial (docs/criteria.md section 6); nutraceutical as an oral preventive is
# the project's choice. Every other class has no minimum.
MIN_ADEQUATE_DAYS = {
    **dict.fromkeys(ORAL, 56),
    "nutraceutical": 56,
    "onabotulinumtoxinA": 168,
    "cgrp_mab": 84,
    "gepant_preventive": 84,
}

# Every name docs/therapy-classes.md gives, under its class.
DOC_NAMES = {
    "triptan": [
        "sumatriptan", "Imitrex", "Imigran", "Zembrace", "Tosymra", "Onzetra", "rizatriptan",
        "Maxalt", "zolmitriptan", "Zomig", "eletriptan", "Relpax", "naratriptan", "Amerge",
        "Naramig", "almotriptan", "Axert", "Almogran", "frovatriptan", "Frova", "Migard",
    ],
    "ergot": ["ergotamine", "dihydroergotamine", "DHE", "D.H.E. 45", "Migranal", "Trudhesa"],
    "simple_analgesic": [
        "paracetamol", "acetaminophen", "Tylenol", "Panadol", "aspirin",
        "acetylsalicylic acid", "ibuprofen", "Advil", "Motrin", "Nurofen", "naproxen", "Aleve",
        "Naprosyn", "Anaprox", "diclofenac", "Cambia", "Voltaren", "celecoxib", "Elyxyb",
        "ketorolac", "Toradol", "Sprix", "ketoprofen", "mefenamic acid", "metamizole",
        "dipyrone",
    ],
    "combination_analgesic": [
        "aspirin+paracetamol+caffeine", "Excedrin Migraine", "Fioricet", "Fiorinal",
        "paracetamol+codeine", "Tylenol #3", "co-codamol", "sumatriptan+naproxen", "Treximet",
        "ergotamine+caffeine", "Cafergot",
    ],
    "opioid": [
        "codeine", "tramadol", "Ultram", "hydrocodone", "oxycodone", "morphine", "butorphanol",
    ],
    "gepant_acute": ["ubrogepant", "Ubrelvy", "rimegepant", "Nurtec ODT", "Vydura",
                     "zavegepant", "Zavzpret"],
    "ditan": ["lasmiditan", "Reyvow"],
    "antiemetic": [
        "metoclopramide", "Reglan", "Maxolon", "prochlorperazine", "Compazine", "Stemetil",
        "domperidone", "ondansetron", "promethazine",
    ],
    "beta_blocker": [
        "propranolol", "Inderal", "metoprolol", "Toprol-XL", "Lopressor", "atenolol",
        "Tenormin", "bisoprolol", "timolol", "nadolol", "Corgard",
    ],
    "anticonvulsant": [
        "topiramate", "Topamax", "Trokendi XR", "Qudexy XR", "valproate", "divalproex",
        "sodium valproate", "Depakote", "Epilim",
    ],
    "antidepressant": [
        "amitriptyline", "Elavil", "nortriptyline", "Pamelor", "venlafaxine", "Effexor",
        "duloxetine", "Cymbalta",
    ],
    "calcium_channel_blocker": ["flunarizine", "Sibelium", "cinnarizine", "verapamil"],
    "angiotensin_blocker": ["candesartan", "Atacand", "lisinopril", "Zestril", "Prinivil"],
    "onabotulinumtoxinA": ["onabotulinumtoxinA", "Botox"],
    "cgrp_mab": [
        "erenumab", "Aimovig", "fremanezumab", "Ajovy", "galcanezumab", "Emgality",
        "eptinezumab", "Vyepti",
    ],
    "gepant_preventive": ["atogepant", "Qulipta", "Aquipta", "rimegepant"],
    "nutraceutical": [
        "riboflavin", "vitamin B2", "magnesium", "coenzyme Q10", "feverfew", "butterbur",
        "Petasites", "melatonin",
    ],
    "other_preventive": [
        "memantine", "Namenda", "levetiracetam", "Keppra", "enalapril", "Vasotec",
    ],
    "occipital_nerve_block": [
        "greater occipital nerve block", "GON block", "lesser occipital nerve block",
    ],
    "spg_block": ["sphenopalatine ganglion block", "Tx360", "SphenoCath"],
    "trigger_point_injection": ["trigger-point injections"],
    "infusion": [
        "IV dihydroergotamine", "Raskin protocol", "lidocaine infusion", "ketamine infusion",
        "IV infusion cocktail",
    ],
    "surgery": ["migraine surgery", "trigger-site decompression surgery"],
    "tms": [
        "single-pulse transcranial magnetic stimulation", "sTMS", "SAVI Dual", "repetitive TMS",
    ],
    "occipital_nerve_stimulation": ["implanted occipital nerve stimulator", "ONS"],
    "vagus_nerve_stimulation": ["non-invasive vagus nerve stimulation", "nVNS", "gammaCore"],
    "trigeminal_nerve_stimulation": ["external trigeminal nerve stimulation", "eTNS", "Cefaly"],
    "remote_electrical_neuromodulation": ["remote electrical neuromodulation", "REN",
                                          "Nerivio"],
    "occipital_trigeminal_stimulation": ["combined occipital and trigeminal stimulation",
                                         "Relivion"],
    "cbt": ["cognitive behavioural therapy", "CBT"],
    "biofeedback": ["thermal biofeedback", "EMG biofeedback"],
    "relaxation": ["progressive muscle relaxation", "relaxation training"],
    "mindfulness": ["mindfulness-based stress reduction", "MBSR",
                    "acceptance and commitment therapy", "ACT"],
    "physical_therapy": ["physiotherapy", "physical therapy"],
    "lifestyle": [
        "sleep hygiene", "regular meals", "hydration", "aerobic exercise programme",
        "trigger management", "caffeine reduction",
    ],
    "medication_withdrawal": ["acute-medication withdrawal", "detoxification programme"],
}  # fmt: skip

# The one name meant to be in two classes (docs/therapy-classes.md).
TWO_CLASS_NAMES = {"rimegepant", "Nurtec", "Nurtec ODT", "Vydura"}


def _key(text: str) -> str:
    """The test's own idea of "the same name": letters and digits, case ignored."""
    return "".join(c for c in text.casefold() if c.isalnum())


ALL_NAMES = [
    (c["id"], c["kind"], m["name"], text)
    for c in DATA["classes"]
    for m in c["members"]
    for text in (m["name"], *m["aliases"], *m.get("misspellings", ()))
]


# -- the data file ----------------------------------------------------------------------


def test_class_ids_are_exactly_those_of_the_document_in_order():
    assert [c["id"] for c in DATA["classes"]] == DOC_CLASS_IDS
    assert list(CAT.classes) == DOC_CLASS_IDS


def test_data_file_fields():
    fields = {"id", "kind", "label", "moh", "ehf", "ehf_group", "oral", "min_adequate_days",
              "members"}  # fmt: skip
    for c in DATA["classes"]:
        assert set(c) == fields, c["id"]
        assert c["kind"] in KINDS
        assert c["label"] and c["label"] == c["label"].strip() and c["label"][0].isupper()
        assert c["members"], c["id"]
        for m in c["members"]:
            assert set(m) <= {"name", "aliases", "misspellings", "contains", "analgesics"}
            assert "aliases" in m
            assert m["name"] == m["name"].strip(), m["name"]  # generic names, as written
            names = (*m["aliases"], *m.get("misspellings", ()))
            assert all(a and a == a.strip() and "  " not in a for a in names)


# ICHD-3 1.3 C3 with combination products (docs/criteria.md section 1): which
# combination products contain a triptan or an ergot. Written out from the documents.
C3_COMBINATIONS = {"sumatriptan+naproxen": ("triptan",), "ergotamine+caffeine": ("ergot",)}


def test_ichd3_1_3_c3_contains_only_on_combination_products_with_a_triptan_or_ergot():
    found = {}
    for c in CAT.classes.values():
        for m in c.members:
            if m.contains:
                assert c.id == "combination_analgesic", m.name  # 8.2.5 placement stays
                assert set(m.contains) <= {"triptan", "ergot"}, m.name
                found[m.name] = m.contains
    assert found == C3_COMBINATIONS
    # Cross-check against the names: a combination naming a triptan or an ergot generic
    # contains that class.
    generics = {m.name: c for c in ("triptan", "ergot") for m in CAT.get_class(c).members}
    for m in CAT.get_class("combination_analgesic").members:
        named = {generics[p] for p in m.name.split("+") if p in generics}
        assert named == set(m.contains), m.name
    for brand in ("Cafergot", "Treximet", "Migergot"):
        (member,) = CAT.lookup(brand)
        assert member.class_id == "combination_analgesic" and member.contains


# ICHD-3 8.2.3 subforms (docs/criteria.md section 3): which simple analgesic each is.
ANALGESIC_KINDS = {"paracetamol", "aspirin", "nsaid", "other"}


def test_ichd3_8_2_3_every_simple_analgesic_says_which_analgesic_it_is():
    for c in CAT.classes.values():
        for m in c.members:
            if c.id == "simple_analgesic":
                assert m.analgesics and set(m.analgesics) <= ANALGESIC_KINDS, m.name
                assert len(set(m.analgesics)) == len(m.analgesics), m.name
            else:
                assert m.analgesics == (), m.name
    by_name = {m.name: set(m.analgesics) for m in CAT.get_class("simple_analgesic").members}
    assert by_name["paracetamol"] == {"paracetamol"}
    assert by_name["aspirin"] == {"aspirin"}
    assert by_name["metamizole"] == {"other"}
    assert by_name["ibuprofen"] == by_name["naproxen"] == by_name["diclofenac"] == {"nsaid"}
    assert by_name["aspirin+paracetamol"] == {"aspirin", "paracetamol"}
    assert by_name["ibuprofen+paracetamol"] == {"nsaid", "paracetamol"}


def test_recorded_member_finds_the_member_within_its_class():
    assert CAT.recorded_member("Cafergot", "combination_analgesic").name == "ergotamine+caffeine"
    assert CAT.recorded_member("Tylenol", "simple_analgesic").analgesics == ("paracetamol",)
    assert CAT.recorded_member("Cafergot", "triptan") is None
    assert CAT.recorded_member("my own pill", "simple_analgesic") is None


@pytest.mark.parametrize("class_id", DOC_CLASS_IDS)
def test_class_flags_follow_the_documents(class_id):
    c = CAT.get_class(class_id)
    assert isinstance(c, TherapyClass)
    assert c.id == class_id
    assert c.kind == KIND[class_id]
    assert c.moh == MOH.get(class_id)
    assert c.ehf is (class_id in EHF_GROUP)
    assert c.ehf_group == EHF_GROUP.get(class_id)
    assert c.oral is (class_id in ORAL)
    assert c.min_adequate_days == MIN_ADEQUATE_DAYS.get(class_id)
    assert all(m.class_id == class_id for m in c.members)


def test_ehf_counts_seven_preventive_classes():
    # docs/criteria.md section 4: CGRP antibodies and preventive gepants are one class.
    groups = {c.ehf_group for c in CAT.classes.values() if c.ehf}
    assert len(groups) == 7
    assert "cgrp_pathway" in groups


def test_antiemetic_has_no_overuse_subtype():
    assert CAT.get_class("antiemetic").moh is None


def test_every_name_of_the_document_is_in_its_class():
    # One test over the whole table (it was one test per name): every name still checked,
    # and a failure lists every name that failed.
    wrong = []
    for class_id, names in DOC_NAMES.items():
        for name in names:
            res = CAT.resolve(name, kinds={KIND[class_id]}, class_id=class_id)
            if res.member is None or class_id not in {m.class_id for m in CAT.lookup(name)}:
                wrong.append((class_id, name))
    assert wrong == []


def test_names_are_unique_except_the_one_two_class_name():
    owners: dict[str, set[tuple[str, str]]] = {}
    for class_id, _, member, text in ALL_NAMES:
        owners.setdefault(_key(text), set()).add((class_id, member))
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert set(shared) == {_key(n) for n in TWO_CLASS_NAMES}
    for v in shared.values():
        assert v == {("gepant_acute", "rimegepant"), ("gepant_preventive", "rimegepant")}


def test_no_alias_repeats_another_name_of_its_member():
    for c in DATA["classes"]:
        for m in c["members"]:
            keys = [_key(t) for t in (m["name"], *m["aliases"], *m.get("misspellings", ()))]
            assert len(keys) == len(set(keys)), m["name"]


def test_rimegepant_members_are_the_same_in_both_classes():
    acute, preventive = (
        next(m for m in CAT.get_class(cid).members if m.name == "rimegepant")
        for cid in ("gepant_acute", "gepant_preventive")
    )
    assert acute.aliases == preventive.aliases


@pytest.mark.parametrize(
    "product",
    ["Excedrin Migraine", "Fioricet", "Fiorinal", "Tylenol #3", "co-codamol", "Treximet",
     "Cafergot", "Nurofen Plus", "Panadol Extra"],
)  # fmt: skip
def test_combination_products_are_only_combination_analgesics(product):
    # docs/criteria.md section 3: a combination counts only under 8.2.5.
    assert [m.class_id for m in CAT.lookup(product)] == ["combination_analgesic"]


@pytest.mark.parametrize("text", ["aspirin+paracetamol", "aspirin/acetaminophen"])
def test_aspirin_with_paracetamol_alone_is_not_a_combination(text):
    # docs/criteria.md section 3: "aspirin+paracetamol alone is not one".
    assert CAT.resolve(text).class_id == "simple_analgesic"


# -- every name resolves ----------------------------------------------------------------


def _resolves_to_its_class(class_id, kind, canonical, text, variant):
    typed = text.upper() if variant == "upper case" else text
    if variant == "with a dose":
        typed += " 50 mg"
    res = CAT.resolve(typed, kinds={kind})
    assert (res.class_id, res.kind, res.canonical) == (class_id, kind, canonical)
    assert res.member is not None and res.member.name == canonical
    assert res.name == (text.upper() if variant == "upper case" else text)
    assert res.dose == ("50 mg" if variant == "with a dose" else None)
    # What storage keeps finds the member again.
    assert res.member in CAT.lookup(res.name)
    # Without a kind, only the two-class name needs one.
    if text in TWO_CLASS_NAMES:
        with pytest.raises(AmbiguousTherapy):
            CAT.resolve(typed)
    else:
        assert CAT.resolve(typed).class_id == class_id
    # An explicit class agrees.
    assert CAT.resolve(typed, class_id=class_id).member == res.member


@pytest.mark.parametrize("variant", ["as written", "upper case", "with a dose"])
def test_every_name_and_alias_resolves_to_its_class(variant):
    # Table-driven over every catalogue name (600, three ways each); a failure lists
    # each name that did not resolve and why.
    wrong = []
    for class_id, kind, canonical, text in ALL_NAMES:
        try:
            _resolves_to_its_class(class_id, kind, canonical, text, variant)
        except (AssertionError, MigraineError) as failure:
            wrong.append(f"{class_id}:{text}: {failure!r}")
    assert wrong == []
    assert len(ALL_NAMES) >= 600


# -- spelling variants and doses --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds", "class_id", "canonical"),
    [
        ("  SUMATRIPTAN  ", None, "triptan", "sumatriptan"),
        ("nurtec-odt", {"acute"}, "gepant_acute", "rimegepant"),
        ("NurtecODT", {"preventive"}, "gepant_preventive", "rimegepant"),
        ("D.H.E. 45", None, "ergot", "dihydroergotamine"),
        ("dhe-45", None, "ergot", "dihydroergotamine"),
        ("dhe45", None, "ergot", "dihydroergotamine"),
        ("co codamol", None, "combination_analgesic", "paracetamol+codeine"),
        ("cocodamol", None, "combination_analgesic", "paracetamol+codeine"),
        ("tylenol 3", None, "combination_analgesic", "paracetamol+codeine"),
        ("Tylenol No 3", None, "combination_analgesic", "paracetamol+codeine"),
        ("Toprol XL", None, "beta_blocker", "metoprolol"),
        ("gamma core", None, "vagus_nerve_stimulation", "non-invasive vagus nerve stimulation"),
        ("onabotulinumtoxin A", None, "onabotulinumtoxinA", "onabotulinumtoxinA"),
        ("botulinum toxin", None, "onabotulinumtoxinA", "onabotulinumtoxinA"),
        ("Paracétamol", None, "simple_analgesic", "paracetamol"),
        ("APAP", None, "simple_analgesic", "paracetamol"),
        ("ASA", None, "simple_analgesic", "aspirin"),
        ("valproic acid", None, "anticonvulsant", "valproate"),
        ("sumatriptan / naproxen", None, "combination_analgesic", "sumatriptan+naproxen"),
        ("naproxen-sumatriptan", None, "combination_analgesic", "sumatriptan+naproxen"),
        ("ergotamine and caffeine", None, "combination_analgesic", "ergotamine+caffeine"),
        ("aspirin paracetamol caffeine", None, "combination_analgesic",
         "aspirin+paracetamol+caffeine"),
        ("IV DHE", None, "infusion", "iv dihydroergotamine"),
        ("DHE infusion", None, "infusion", "iv dihydroergotamine"),
        ("GON block", None, "occipital_nerve_block", "greater occipital nerve block"),
        ("physio", None, "physical_therapy", "physiotherapy"),
    ],
)  # fmt: skip
def test_spelling_variants(text, kinds, class_id, canonical):
    res = CAT.resolve(text, kinds=kinds)
    assert (res.class_id, res.canonical) == (class_id, canonical)


@pytest.mark.parametrize(
    ("text", "name", "canonical", "dose"),
    [
        ("topiramate 50 mg", "topiramate", "topiramate", "50 mg"),
        ("Aimovig 140mg", "Aimovig", "erenumab", "140mg"),
        ("sumatriptan 50mg tablet", "sumatriptan", "sumatriptan", "50mg tablet"),
        ("ibuprofen 400", "ibuprofen", "ibuprofen", "400"),
        ("ibuprofen 2 x 200 mg", "ibuprofen", "ibuprofen", "2 x 200 mg"),
        ("ibuprofen x2", "ibuprofen", "ibuprofen", "x2"),
        ("ibuprofen ½ tablet", "ibuprofen", "ibuprofen", "½ tablet"),
        ("zolmitriptan 2.5 mg", "zolmitriptan", "zolmitriptan", "2.5 mg"),
        ("  topiramate   50   mg ", "topiramate", "topiramate", "50 mg"),
        ("Aimovig140mg", "Aimovig", "erenumab", "140mg"),
        ("Aimovig, 140 mg", "Aimovig", "erenumab", "140 mg"),
        ("D.H.E. 45 1 mg", "D.H.E. 45", "dihydroergotamine", "1 mg"),
        ("D.H.E.", "D.H.E.", "dihydroergotamine", None),
        ("co-codamol 30/500", "co-codamol", "paracetamol+codeine", "30/500"),
        ("Tylenol #3", "Tylenol #3", "paracetamol+codeine", None),
        ("Tylenol #3 2 tablets", "Tylenol #3", "paracetamol+codeine", "2 tablets"),
        ("Tylenol 500 mg", "Tylenol", "paracetamol", "500 mg"),
        # A bare number after "Tylenol" is #2/#3/#4 alone or before a dose, a count before
        # "tablets" or "x", and a dose when a unit or a decimal follows.
        ("Tylenol 3", "Tylenol 3", "paracetamol+codeine", None),
        ("Tylenol 3 1 tablet", "Tylenol 3", "paracetamol+codeine", "1 tablet"),
        ("Tylenol #3 x2", "Tylenol #3", "paracetamol+codeine", "x2"),
        ("Tylenol No. 3 2 tablets", "Tylenol No. 3", "paracetamol+codeine", "2 tablets"),
        ("Tylenol 3 tablets", "Tylenol", "paracetamol", "3 tablets"),
        ("Tylenol 2 x 500 mg", "Tylenol", "paracetamol", "2 x 500 mg"),
        ("Tylenol 3 mg", "Tylenol", "paracetamol", "3 mg"),
        ("Tylenol 3mg", "Tylenol", "paracetamol", "3mg"),
        ("Tylenol 2.5 mg", "Tylenol", "paracetamol", "2.5 mg"),
        ("DHE 45 injection", "DHE 45", "dihydroergotamine", "injection"),
        ("Zomig nasal spray 5 mg", "Zomig", "zolmitriptan", "nasal spray 5 mg"),
        ("metoprolol succinate 50 mg", "metoprolol succinate", "metoprolol", "50 mg"),
        ("propranolol LA 80 mg", "propranolol LA", "propranolol", "80 mg"),
        ("naproxen sodium", "naproxen sodium", "naproxen", None),
        ("coenzyme Q10 100 mg", "coenzyme Q10", "coenzyme Q10", "100 mg"),
        ("Botox 155 units", "Botox", "onabotulinumtoxinA", "155 units"),
        ("Excedrin Migraine 2 tablets", "Excedrin Migraine", "aspirin+paracetamol+caffeine",
         "2 tablets"),
    ],
)  # fmt: skip
def test_dose_is_split_off(text, name, canonical, dose):
    res = CAT.resolve(text, kinds=KINDS)
    assert (res.name, res.canonical, res.dose) == (name, canonical, dose)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("sumatriptan with naproxen", "sumatriptan+naproxen"),
        ("ergotamine with caffeine", "ergotamine+caffeine"),
        ("magnesium sulfate IV", "iv magnesium"),
    ],
)
def test_words_after_a_name_that_are_not_a_dose_make_it_unknown(text, suggestion):
    # Taking the first word would count a combination under its ingredient's class.
    with pytest.raises(UnknownTherapy) as err:
        CAT.resolve(text)
    assert err.value.name == text
    assert err.value.suggestions[0] == suggestion


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("topiramate 50 mg", ("topiramate", "50 mg")),
        ("Aimovig 140mg", ("Aimovig", "140mg")),
        ("sumatriptan 50mg tablet", ("sumatriptan", "50mg tablet")),
        ("ibuprofen 400", ("ibuprofen", "400")),
        ("ibuprofen 2 x 200 mg", ("ibuprofen", "2 x 200 mg")),
        ("ibuprofen x 2", ("ibuprofen", "x 2")),
        ("ibuprofen x2", ("ibuprofen", "x2")),
        ("zolmitriptan 2.5 mg", ("zolmitriptan", "2.5 mg")),
        ("Aimovig, 140 mg", ("Aimovig", "140 mg")),
        ("  my  new drug   5 mg ", ("my new drug", "5 mg")),
        ("coenzyme Q10 100 mg", ("coenzyme Q10", "100 mg")),
        ("5-HTP 100 mg", ("5-HTP", "100 mg")),
        ("Tylenol #3", ("Tylenol #3", None)),
        ("ibuprofen", ("ibuprofen", None)),
        ("", ("", None)),
    ],
)
def test_split_dose(text, expected):
    assert split_dose(text) == expected


# -- unknown names and suggestions ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("aimovg", "Aimovig (erenumab)"),
        ("topirimate", "topiramate"),
        ("topirimate 25 mg", "topiramate"),
        ("imitrix", "Imitrex (sumatriptan)"),
        ("emgalty", "Emgality (galcanezumab)"),
        ("fiorocet", "Fioricet (butalbital+paracetamol+caffeine)"),
        ("nurtek", "Nurtec (rimegepant)"),
        ("acetaminofen", "acetaminophen (paracetamol)"),
        ("amitriptylene", "amitriptyline"),
        ("cefally", "Cefaly (external trigeminal nerve stimulation)"),
    ],
)
def test_misspelling_suggests_the_right_name(typed, suggestion):
    with pytest.raises(UnknownTherapy) as err:
        CAT.resolve(typed)
    assert err.value.name == split_dose(typed)[0]
    assert err.value.suggestions[0] == suggestion
    assert len(err.value.suggestions) <= 3
    assert f"Did you mean {suggestion}" in str(err.value)


def test_aimovg_message():
    with pytest.raises(UnknownTherapy, match=r"^Unknown therapy 'aimovg'\. Did you mean Aimovig "
                       r"\(erenumab\)\?$"):  # fmt: skip
        CAT.resolve("aimovg")


def test_suggestions_keep_to_the_kinds_asked_for():
    with pytest.raises(UnknownTherapy) as err:
        CAT.resolve("sumatriptn", kinds={"acute"})
    assert err.value.suggestions == ["sumatriptan"]
    # A preventive named like a triptan is not "amitriptyline": no suggestion at all.
    with pytest.raises(UnknownTherapy) as err:
        CAT.resolve("sumatriptn", kinds={"preventive"})
    assert err.value.suggestions == []
    assert "--class" in str(err.value)


def test_unknown_name_without_any_close_name():
    with pytest.raises(UnknownTherapy) as err:
        CAT.resolve("xyzzy 5 mg")
    assert (err.value.name, err.value.suggestions) == ("xyzzy", [])
    assert "migrainecli therapies" in str(err.value)


@pytest.mark.parametrize("text", ["", "   ", "--", "#"])
def test_empty_name_is_refused(text):
    with pytest.raises(InvalidValue):
        CAT.resolve(text)


# -- kinds: rimegepant and wrong kinds --------------------------------------------------


@pytest.mark.parametrize("name", sorted(TWO_CLASS_NAMES))
def test_rimegepant_is_decided_by_the_kind_of_record(name):
    assert CAT.resolve(name, kinds={"acute"}).class_id == "gepant_acute"
    assert CAT.resolve(name, kinds={"preventive"}).class_id == "gepant_preventive"
    for kinds in (None, {"acute", "preventive"}, KINDS):
        with pytest.raises(AmbiguousTherapy) as err:
            CAT.resolve(f"{name} 75 mg", kinds=kinds)
        assert err.value.name == name
        assert err.value.class_ids == ["gepant_acute", "gepant_preventive"]
    assert CAT.resolve(name, class_id="gepant_preventive").kind == "preventive"


def test_kinds_may_be_a_single_string():
    assert CAT.resolve("Nurtec 75 mg", kinds="acute").class_id == "gepant_acute"


def test_preventive_given_as_an_acute_intake():
    with pytest.raises(InvalidValue) as err:
        CAT.resolve("topiramate 50 mg", kinds={"acute"})
    assert str(err.value) == (
        "topiramate is a preventive (anticonvulsant), not an acute medication; "
        "record it with 'migrainecli trial add'."
    )
    with pytest.raises(InvalidValue, match=r"^Topamax \(topiramate\) is a preventive"):
        CAT.resolve("Topamax", kinds={"acute"})


@pytest.mark.parametrize(
    ("text", "kinds", "says"),
    [
        ("GON block", {"acute"}, "is a procedure (occipital_nerve_block), not an acute"),
        ("sumatriptan", {"preventive"}, "is an acute medication (triptan), not a preventive"),
        ("sumatriptan", {"preventive"}, "--kind acute"),
        ("Cefaly", {"preventive"}, "--kind neuromodulation"),
        ("rimegepant", {"procedure"}, "gepant_acute"),
    ],
)
def test_wrong_kind_says_what_it_is_and_what_to_do(text, kinds, says):
    with pytest.raises(InvalidValue) as err:
        CAT.resolve(text, kinds=kinds)
    assert says in str(err.value)


def test_unknown_kind_is_refused():
    with pytest.raises(InvalidValue, match="preventive"):
        CAT.resolve("sumatriptan", kinds={"rescue"})


# -- explicit class ---------------------------------------------------------------------


def test_class_with_a_name_the_catalogue_does_not_know():
    res = CAT.resolve("  my compounded triptan  5 mg ", kinds={"acute"}, class_id="triptan")
    assert res == Resolution(
        name="my compounded triptan",
        canonical="my compounded triptan",
        class_id="triptan",
        kind="acute",
        dose="5 mg",
        member=None,
    )


def test_class_with_a_member_of_that_class():
    res = CAT.resolve("Imitrex 100 mg", class_id="triptan")
    assert (res.canonical, res.dose, res.member.name) == ("sumatriptan", "100 mg", "sumatriptan")


def test_class_conflicting_with_the_catalogue():
    with pytest.raises(InvalidValue) as err:
        CAT.resolve("Aimovig", class_id="triptan")
    assert str(err.value) == (
        "Aimovig (erenumab) is in class cgrp_mab, not triptan; "
        "leave out --class or give --class cgrp_mab."
    )


def test_class_of_the_wrong_kind():
    with pytest.raises(InvalidValue, match=r"^Class cgrp_mab is a preventive class, not acute"):
        CAT.resolve("anything", kinds={"acute"}, class_id="cgrp_mab")


@pytest.mark.parametrize(
    ("class_id", "says"),
    [
        ("triptans", "did you mean triptan"),
        ("cgrp_mabs", "did you mean cgrp_mab"),
        ("zzz", "migrainecli therapies"),
    ],
)
def test_unknown_class_id(class_id, says):
    with pytest.raises(InvalidValue) as err:
        CAT.resolve("my drug", class_id=class_id)
    assert f"Unknown class id {class_id!r}" in str(err.value)
    assert says in str(err.value)
    with pytest.raises(InvalidValue):
        CAT.get_class(class_id)


@pytest.mark.parametrize(
    ("typed", "class_id"),
    [("CGRP-mab", "cgrp_mab"), ("onabotulinumtoxina", "onabotulinumtoxinA"),
     ("Beta Blocker", "beta_blocker")],
)  # fmt: skip
def test_class_id_forgives_case_spaces_and_hyphens(typed, class_id):
    assert CAT.get_class(typed).id == class_id
    assert CAT.resolve("my drug", class_id=typed).class_id == class_id


# -- the rest of the API ----------------------------------------------------------------


def test_classes_of_kind():
    counts = {kind: len(CAT.classes_of_kind(kind)) for kind in KINDS}
    assert counts == {"preventive": 10, "acute": 8, "procedure": 5, "neuromodulation": 6,
                      "behavioural": 5, "lifestyle": 2}  # fmt: skip
    assert [c.id for c in CAT.classes_of_kind("acute")] == DOC_CLASS_IDS[:8]
    with pytest.raises(InvalidValue):
        CAT.classes_of_kind("rescue")


def test_lookup():
    assert [m.class_id for m in CAT.lookup("NURTEC")] == ["gepant_acute", "gepant_preventive"]
    assert [m.name for m in CAT.lookup("aimovig")] == ["erenumab"]
    assert [m.name for m in CAT.lookup("metoprolol succinate")] == ["metoprolol"]
    assert CAT.lookup("Aimovig 140mg") == []  # a bare name only
    assert CAT.lookup("xyzzy") == []


def test_member_name_and_immutability():
    member = CAT.lookup("Aimovig")[0]
    assert isinstance(member, Member)
    assert member.name == "erenumab"
    assert "Aimovig" in member.aliases
    with pytest.raises(dataclasses.FrozenInstanceError):
        member.name = "x"  # type: ignore[misc]


def test_catalogue_is_loaded_once():
    assert load_catalogue() is load_catalogue()


def test_catalogue_from_data_matches_the_loaded_one():
    again = Catalogue.from_data(DATA)
    assert again.classes == CAT.classes


def test_resolving_imports_nothing_heavy():
    code = (
        "import sys; from migrainecli.catalogue import load_catalogue; "
        "load_catalogue().resolve('Aimovig 140mg'); "
        "print(sorted(m for m in ('difflib', 'typer', 'rich', 'sqlite_utils', 'dateutil') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- properties -------------------------------------------------------------------------

NAMES = st.sampled_from([text for *_, text in ALL_NAMES])
DOSES = st.one_of(
    st.none(),
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["1", "2.5", "50", "140", "2 x 200", "30/500", "½"]),
        st.sampled_from(["", " "]),
        st.sampled_from(["mg", "mcg", "units", "tablet", "mg nasal spray", ""]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(name=NAMES, dose=DOSES)
def test_name_and_dose_round_trip(name, dose):
    typed = name if dose is None else f"{name} {dose}"
    # "Tylenol" + "2" is "Tylenol 2", another name (Tylenol #2): not a round trip.
    assume(dose is None or not CAT.lookup(typed))
    res = CAT.resolve(typed, kinds={"acute"} if name in TWO_CLASS_NAMES else None)
    assert res.name == name
    assert res.dose == (dose.strip() or None if dose is not None else None)
    # Storage keeps name and dose apart; the name alone resolves to the same member.
    again = CAT.resolve(res.name, class_id=res.class_id)
    assert (again.member, again.dose) == (res.member, None)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_any_text_resolves_or_raises_a_domain_error(text):
    try:
        res = CAT.resolve(text)
    except MigraineError:
        return
    assert res.member is not None
    assert res.class_id in CAT.classes


def test_other_preventive_is_oral_not_ehf_and_counts_only_for_trial_length():
    """docs/therapy-classes.md: memantine, levetiracetam and enalapril (CHS 2024, weak) are a
    preventive class of their own, oral (56-day minimum), not an EHF class."""
    c = CAT.classes["other_preventive"]
    assert (c.kind, c.oral, c.ehf, c.ehf_group, c.min_adequate_days) == (
        "preventive",
        True,
        False,
        None,
        56,
    )
    assert [m.name for m in c.members] == ["memantine", "levetiracetam", "enalapril"]
    for brand in ("Namenda", "Keppra", "Vasotec"):
        assert CAT.resolve(brand).class_id == "other_preventive"
