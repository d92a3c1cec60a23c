"""specs/plugin-demo: a district plan that needs both plugin packages, verdict by verdict.

The expected statuses were worked out by hand from facts.yaml (its comments say
what each group of facts shows); each case also names the finding that
decides it, so a verdict right for the wrong reason fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nqengine

FOLDER = Path(__file__).resolve().parent.parent / "specs" / "plugin-demo"


@pytest.fixture(scope="module")
def loaded():
    return nqengine.load_folder(FOLDER)


def evaluate(loaded, as_of):
    spec, registry, facts = loaded
    return nqengine.evaluate(spec, registry, facts, as_of)


@pytest.fixture(scope="module")
def nov20(loaded):
    return evaluate(loaded, "20/11/2020")


def codes(v):
    return {f.code for f in v.findings}


# (obligation, unit, status, due, fulfilled on, a finding code that decides it)
ON_20_11 = [
    # II.1: the district's key cadres, online connection points allowed.
    ("study-key-cadres", "huyen-uy-phu-ninh", "met", "14/10/2020", "08/10/2020", "audience_ok"),
    # II.2: communes, after the district, in person only.
    ("study-commune", "x-tam-an", "met", "30/10/2020", "12/10/2020", "ordering_after_superior"),
    ("study-commune", "x-tam-dan", "violated", "30/10/2020", None, "ordering_before_superior"),
    ("study-commune", "x-tam-thanh", "violated", "30/10/2020", None, "ordering_mode_not_counted"),
    ("study-commune", "x-tam-phuoc", "met", "30/10/2020", "20/10/2020", "ordering_after_superior"),
    ("study-commune", "x-tam-loc", "met", "30/10/2020", "14/10/2020", "ordering_after_superior"),
    ("study-commune", "x-tam-vinh", "indeterminate", "30/10/2020", None, "attendance_exceeds_headcount"),
    # I.2: 90% of party members; make-ups within 15 days of the first session count.
    ("attendance-party-members", "x-tam-an", "met", "30/10/2020", "12/10/2020", "attendance_rate_ok"),
    ("attendance-party-members", "x-tam-dan", "met", "30/10/2020", "06/10/2020", "attendance_rate_ok"),
    ("attendance-party-members", "x-tam-thanh", "violated", "30/10/2020", None, "ordering_mode_not_counted"),
    ("attendance-party-members", "x-tam-phuoc", "met", "04/11/2020", "30/10/2020", "attendance_makeup_counted"),
    ("attendance-party-members", "x-tam-loc", "violated", "30/10/2020", None, "attendance_makeup_late"),
    ("attendance-party-members", "x-tam-vinh", "indeterminate", "31/10/2020", None, "attendance_exceeds_headcount"),
    # II.3: a written reflection from every member.
    ("reflections", "x-tam-an", "met", "14/11/2020", "10/11/2020", "reflections_ok"),
    ("reflections", "x-tam-dan", "violated", "14/11/2020", None, "reflections_short"),
    ("reflections", "x-tam-thanh", "overdue", "14/11/2020", None, "reflections_none"),
    ("reflections", "x-tam-phuoc", "met_late", "14/11/2020", "18/11/2020", "reflections_ok"),
    ("reflections", "x-tam-loc", "overdue", "14/11/2020", None, "reflections_none"),
    ("reflections", "x-tam-vinh", "met", "14/11/2020", "01/11/2020", "reflections_ok"),
    # II.4: enterprises with a trade union only.
    ("union-dissemination", "db-cty-may", "met", "14/11/2020", "05/11/2020", "ordering_condition_holds"),
    ("union-dissemination", "db-cty-go", "not_applicable", None, None, "ordering_condition_not_recorded"),
    ("union-dissemination", "db-cty-da", "not_applicable", None, None, "ordering_condition_false"),
]


@pytest.mark.parametrize("obligation, unit, status, due, done, code", ON_20_11, ids=[f"{o}:{u}" for o, u, *_ in ON_20_11])
def test_verdicts_on_20_11_2020(nov20, obligation, unit, status, due, done, code):
    v = nov20.verdict(obligation, unit)
    assert v.status == status, [(f.code, f.outcome) for f in v.findings]
    assert (v.due.strftime("%d/%m/%Y") if v.due else None) == due
    assert (v.fulfilled_on.strftime("%d/%m/%Y") if v.fulfilled_on else None) == done
    assert code in codes(v)


def test_every_verdict_is_listed(nov20):
    assert sorted((v.obligation, v.unit) for v in nov20.verdicts) == sorted((o, u) for o, u, *_ in ON_20_11)


def test_findings_name_the_plugin_that_added_them(nov20):
    v = nov20.verdict("study-commune", "x-tam-an")
    split = next(f for f in v.findings if f.code == "attendance_split")
    assert split.plugin == "nqengine-attendance" and split.outcome == "info"
    assert split.params["pm_attended"] == 190 and split.params["nm_attended"] == 15  # non-members apart


def test_facts_are_used_or_unmatched_with_a_reason(nov20):
    assert [(u.fact, u.code) for u in nov20.unmatched_facts] == [("da-leaflet", "fact_not_needed")]
    na = nov20.verdict("union-dissemination", "db-cty-da")
    assert na.evidence == ("da-union", "da-union-dissolved")


@pytest.mark.parametrize(
    "as_of, obligation, unit, status, code",
    [
        # The superior had not studied yet when Tam Đàn did.
        ("07/10/2020", "study-commune", "x-tam-dan", "violated", "ordering_superior_not_done"),
        ("07/10/2020", "study-key-cadres", "huyen-uy-phu-ninh", "due_soon", "timing_open"),
        ("06/10/2020", "study-key-cadres", "huyen-uy-phu-ninh", "pending", "timing_open"),
        # Tam Phước at 80% with its make-up window open: not yet late.
        ("25/10/2020", "attendance-party-members", "x-tam-phuoc", "pending", "attendance_rate_short"),
        ("29/10/2020", "attendance-party-members", "x-tam-phuoc", "due_soon", "attendance_rate_short"),
        # Tam Lộc: the window closed on 29/10 and the deadline passed on 30/10.
        ("01/11/2020", "attendance-party-members", "x-tam-loc", "violated", "attendance_rate_short"),
        ("01/11/2020", "reflections", "x-tam-an", "pending", "reflections_none"),
        ("10/11/2020", "reflections", "x-tam-dan", "due_soon", "reflections_none"),
        ("13/11/2020", "reflections", "x-tam-dan", "due_soon", "reflections_short"),
        ("01/11/2020", "union-dissemination", "db-cty-may", "pending", "ordering_condition_holds"),
        # Khai thác đá had its union until 01/10: on 20/09 the obligation applied to it.
        ("20/09/2020", "union-dissemination", "db-cty-da", "pending", "ordering_condition_holds"),
    ],
)
def test_verdicts_on_other_dates(loaded, as_of, obligation, unit, status, code):
    v = evaluate(loaded, as_of).verdict(obligation, unit)
    assert v.status == status, [(f.code, f.outcome) for f in v.findings]
    assert code in codes(v)


def test_explanations_in_both_languages(nov20):
    vi = " ".join(nqengine.explain(nov20, "study-commune", "x-tam-thanh").split())
    assert "tổ chức theo hình thức trực tuyến (điểm cầu), kế hoạch chỉ cho phép: trực tiếp" in vi
    assert "II.2.b" in vi
    en = " ".join(nqengine.explain(nov20, "attendance-party-members", "x-tam-loc", lang="en").split())
    assert "make-up on 05/11/2020, more than 15 days after the first session (last day 29/10/2020): not counted" in en
    assert "party members attending only 96/120 (80.0%), below the threshold 90% (108 needed)" in en


def test_the_cli_evaluates_the_demo(capsys):
    from nqengine.cli import main

    assert main(["evaluate", str(FOLDER), "--as-of", "20/11/2020", "--lang", "en", "--width", "80"]) == 0
    out = capsys.readouterr().out
    assert "Đảng bộ xã Tam Đàn" in out and "violated" in out
    assert max(len(line) for line in out.splitlines()) <= 80
