"""nqengine-attendance: the attendance threshold, make-ups, reflections and the study check."""

from __future__ import annotations

import importlib.metadata
import string

import pytest

import nqengine_attendance
from nqengine.errors import FactsError, SpecError
from nqengine.i18n import message
from nqengine.plugins import catalogue_for, list_plugins
from nqengine_attendance.messages import MESSAGES

ATTENDANCE = """\
- id: att
  kind: party_attendance
  title: Tỷ lệ đảng viên tham dự
  clause: I.2
  applies_to: {kinds: party_committee}
  deadline: {date: 31/10/2020, inclusive: false}
  threshold: 0.9
  makeup: {within_days: 15, clause: I.2}
"""

REFLECTIONS = """\
- id: refl
  kind: reflections
  title: Bài thu hoạch
  clause: II.3
  applies_to: {units: [w1]}
  deadline: {date: 15/11/2020, inclusive: false}
"""

STUDY = """\
- id: study
  kind: study_session
  title: Học tập
  clause: I.2
  applies_to: {units: [w1]}
  deadline: {date: 31/10/2020, inclusive: false}
  audience: {categories: [dang_vien], coverage: 0.5}
"""


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- the plugin itself -----------------------------------------------------------


def test_registers_kinds_fact_types_and_messages(plan):
    cat = catalogue_for(plan.pm)
    assert cat.plugin_of_kind("party_attendance") == "nqengine_attendance"
    assert cat.plugin_of_kind("reflections") == "nqengine_attendance"
    assert {"makeup_session", "reflection"} <= set(cat.fact_types)
    row = next(r for r in list_plugins(plan.pm) if r["name"] == "nqengine_attendance")
    assert row["version"] == nqengine_attendance.__version__


def test_version_matches_the_distribution():
    assert importlib.metadata.version("nqengine-attendance") == nqengine_attendance.__version__
    eps = importlib.metadata.entry_points(group="nqengine")
    assert any(ep.name == nqengine_attendance.PLUGIN_NAME and ep.value == "nqengine_attendance" for ep in eps)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_messages_in_both_languages_with_the_same_placeholders(code):
    vi, en = MESSAGES[code]
    assert vi.strip() and en.strip() and fields(vi) == fields(en)


def test_bad_parameters_are_located(plan):
    with pytest.raises(SpecError) as info:
        plan.spec(ATTENDANCE.replace("threshold: 0.9", "threshold: 90").replace("{within_days: 15, clause: I.2}", "{clause: I.2}"))
    text = str(info.value)
    assert "t.yaml:19:16: 'threshold' must be at most 1.0, got 90 (obligations[0].threshold)" in text
    assert "t.yaml:20:13: missing required key 'within_days' (obligations[0].makeup)" in text


def test_fact_fields_are_checked(plan):
    with pytest.raises(FactsError) as info:
        plan.facts("- {id: r, type: reflection, unit: w1, date: 01/11/2020, count: many}")
    assert "'count' must be a whole number" in str(info.value)


# --- party_attendance ----------------------------------------------------------------


def test_threshold_reached_at_the_session(plan):
    ev = plan.run(ATTENDANCE, "- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 90, cong_chuc: 1}}", "20/11/2020")
    v = ev.verdict("att", "w1")
    assert v.status == "met" and str(v.fulfilled_on) == "2020-10-10"
    rate = v.findings[0]
    assert rate.code == "attendance_rate_ok"
    assert rate.params["attended"] == 90 and rate.params["rate"] == "90.0%"
    assert (rate.params["nm_attended"], rate.params["nm_required"]) == (1, 50)  # non-members reported apart


def test_non_members_do_not_count_towards_the_rate(plan):
    ev = plan.run(ATTENDANCE, "- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 89, cong_chuc: 50}}", "20/11/2020")
    v = ev.verdict("att", "w1")
    assert v.status == "violated"
    assert v.findings[0].code == "attendance_rate_short" and v.findings[0].params["target"] == 90
    assert "party members attending only 89/100 (89.0%), below the threshold 90% (90 needed); non-members 50/50" in message(v.findings[0].code, "en", **v.findings[0].params)


def test_makeup_within_the_window_counts_and_extends_the_last_day(plan):
    facts = """\
    - {id: s, type: session, unit: w1, date: 25/10/2020, attendance: {dang_vien: 80}}
    - {id: m, type: makeup_session, unit: w1, date: 08/11/2020, attendance: {dang_vien: 12}}
    """
    ev = plan.run(ATTENDANCE, facts, "20/11/2020")
    v = ev.verdict("att", "w1")
    assert v.status == "met" and str(v.fulfilled_on) == "2020-11-08" and str(v.due) == "2020-11-09"
    assert "attendance_makeup_counted" in {f.code for f in v.findings}
    assert v.evidence == ("s", "m")
    # Before the make-up, with the window open, it is not late yet.
    assert plan.run(ATTENDANCE, facts, "01/11/2020").verdict("att", "w1").status == "pending"


def test_makeup_after_the_window_does_not_count(plan):
    facts = """\
    - {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 80}}
    - {id: m, type: makeup_session, unit: w1, date: 26/10/2020, attendance: {dang_vien: 20}}
    """
    v = plan.run(ATTENDANCE, facts, "20/11/2020").verdict("att", "w1")
    assert v.status == "violated"
    late = next(f for f in v.findings if f.code == "attendance_makeup_late")
    assert late.outcome == "info" and str(late.params["last_day"]) == "2020-10-25"
    assert "m" in v.evidence  # looked at, and said why it does not count


def test_without_makeup_rule_makeups_are_not_consumed(plan):
    obligation = ATTENDANCE.replace("  makeup: {within_days: 15, clause: I.2}\n", "")
    facts = """\
    - {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 95}}
    - {id: m, type: makeup_session, unit: w1, date: 12/10/2020, attendance: {dang_vien: 5}}
    """
    ev = plan.run(obligation, facts, "20/11/2020")
    assert ev.verdict("att", "w1").status == "met"
    assert [(u.fact, u.code) for u in ev.unmatched_facts] == [("m", "fact_type_unused")]


@pytest.mark.parametrize(
    "facts, status, code",
    [
        ("", "overdue", "attendance_no_session"),
        ("- {id: s, type: session, unit: w1, date: 10/10/2020}", "indeterminate", "attendance_unknown"),
        ("- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 120}}", "indeterminate", "attendance_exceeds_headcount"),
    ],
)
def test_undecidable_or_missing_attendance(plan, facts, status, code):
    v = plan.run(ATTENDANCE, facts, "20/11/2020").verdict("att", "w1")
    assert v.status == status and code in {f.code for f in v.findings}


def test_a_unit_without_party_members_is_indeterminate(plan):
    v = plan.run(ATTENDANCE, "", "20/11/2020").verdict("att", "w0")
    assert v.status == "indeterminate" and v.findings[0].code == "attendance_no_headcount"


# --- reflections ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "facts, as_of, status",
    [
        ("", "01/11/2020", "pending"),
        ("", "20/11/2020", "overdue"),
        ("- {id: r1, type: reflection, unit: w1, date: 01/11/2020, count: 60}", "10/11/2020", "due_soon"),
        ("- {id: r1, type: reflection, unit: w1, date: 01/11/2020, count: 60}", "20/11/2020", "violated"),
        ("- {id: r1, type: reflection, unit: w1, date: 01/11/2020, count: 60}\n- {id: r2, type: reflection, unit: w1, date: 12/11/2020, count: 40}", "20/11/2020", "met"),
        ("- {id: r1, type: reflection, unit: w1, date: 16/11/2020, count: 100}", "20/11/2020", "met_late"),
    ],
)
def test_reflections(plan, facts, as_of, status):
    assert plan.run(REFLECTIONS, facts, as_of).verdict("refl", "w1").status == status


def test_reflections_share(plan):
    half = REFLECTIONS + "  share: 0.5\n"
    v = plan.run(half, "- {id: r1, type: reflection, unit: w1, date: 01/11/2020, count: 50}", "20/11/2020").verdict("refl", "w1")
    assert v.status == "met" and v.findings[0].params["required"] == 50


# --- the check added to study_session verdicts ---------------------------------------------


def test_study_verdicts_get_the_attendance_split(plan):
    v = plan.run(STUDY, "- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 80, cong_chuc: 10}}", "20/11/2020").verdict("study", "w1")
    assert v.status == "met"
    split = next(f for f in v.findings if f.code == "attendance_split")
    assert split.plugin == "nqengine_attendance" and split.outcome == "info"
    assert message("attendance_split", "vi", **split.params) == "tham dự: đảng viên 80/100 (80.0%); ngoài Đảng 10/50 (20.0%), báo cáo riêng"


def test_attendance_above_the_headcount_makes_a_study_verdict_indeterminate(plan):
    v = plan.run(STUDY, "- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 101}}", "20/11/2020").verdict("study", "w1")
    assert v.status == "indeterminate"
    assert "attendance_exceeds_headcount" in {f.code for f in v.findings}


def test_specs_that_do_not_declare_the_plugin_are_left_alone(plan):
    header = plan.header.replace("plugins: [nqengine-attendance]\n", "")
    facts = "- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 101}}"
    v = plan.run(STUDY, facts, "20/11/2020", header=header).verdict("study", "w1")
    assert v.status == "met" and not any(f.plugin for f in v.findings)


# --- issue 10: a rate counts the sessions that fulfil the obligation ---------------------

KEY_CADRES = "- {id: k, type: session, unit: w1, date: 05/10/2020, audience_group: key_cadres, attendance: {dang_vien: 5}}\n"
MEMBERS = "- {id: s, type: session, unit: w1, date: 10/10/2020, attendance: {dang_vien: 86}}\n"


def test_a_key_cadre_class_does_not_change_the_members_rate(plan):
    v = plan.run(ATTENDANCE, KEY_CADRES + MEMBERS, "20/11/2020").verdict("att", "w1")
    assert v.status == "violated"  # 86/100, not 91/100
    rate = v.findings[0]
    assert (rate.code, rate.params["attended"], rate.params["target"]) == ("attendance_rate_short", 86, 90)
    assert "k" not in v.evidence and "s" in v.evidence


def test_an_obligation_for_a_group_counts_only_its_sessions(plan):
    grouped = ATTENDANCE.replace("  threshold: 0.9\n", "  threshold: 0.05\n  audience_group: key_cadres\n")
    v = plan.run(grouped, KEY_CADRES + MEMBERS, "20/11/2020").verdict("att", "w1")
    assert (v.status, str(v.fulfilled_on), v.findings[0].params["attended"]) == ("met", "2020-10-05", 5)


def test_the_study_split_counts_only_the_sessions_that_count(plan):
    v = plan.run(STUDY, KEY_CADRES + MEMBERS, "20/11/2020").verdict("study", "w1")
    split = next(f for f in v.findings if f.code == "attendance_split")
    assert (split.params["pm_attended"], split.evidence) == (86, ("s",))
