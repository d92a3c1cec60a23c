"""Issue 16: tests for the places surviving mutants showed no test looked at.

Each test asserts the finding (its code, outcome and parameters), not only the
verdict's status: the mutants these kill changed the explanation and left the
status alone.  The first groups answer the survivors issue 16 named; the groups
marked "whole-module run" answer the survivors of a run over whole modules
(docs/security.md, "Tests that catch bugs: mutation testing").
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import attrs
import helpers
import pytest
from helpers import run, spec
from test_kinds import REPORT, STUDY, session

import nqengine
from nqengine.editor_schema import json_schema
from nqengine.errors import SpecError
from nqengine.evaluation.engine import decide_status, timing_finding
from nqengine.evaluation.kinds import ObligationKind, facts_of
from nqengine.evaluation.kinds.study import audience_coverage
from nqengine.model import Finding
from nqengine.plugins.hookspecs import hookimpl

D = dt.date


def _timing(v):
    [t] = [f for f in v.findings if f.check == "timing"]
    return t.outcome, t.code, dict(t.params)


# --- timing on the due day itself (done > due, as_of > due) ---------------------------


def test_done_on_the_due_day_is_on_time():
    ob = spec(STUDY).obligations[0]
    due = D(2020, 10, 30)
    f = timing_finding(ob, "met", due, due, D(2020, 11, 5))
    assert (f.outcome, f.code, dict(f.params)) == ("pass", "timing_done", {"done": due, "due": due})
    late = timing_finding(ob, "met_late", due, due + dt.timedelta(days=1), D(2020, 11, 5))
    assert (late.outcome, late.code) == ("info", "timing_late")


def test_as_of_the_due_day_is_still_open_with_zero_days():
    ob = spec(STUDY).obligations[0]
    due = D(2020, 10, 30)
    f = timing_finding(ob, "due_soon", due, None, due)
    assert (f.outcome, f.code, dict(f.params)) == ("info", "timing_open", {"due": due, "days": 0})
    after = timing_finding(ob, "overdue", due, None, due + dt.timedelta(days=1))
    assert (after.code, dict(after.params)) == ("timing_overdue", {"due": due, "days": 1})
    assert decide_status([], None, due, due, 7) == "due_soon"
    assert decide_status([], None, due, due + dt.timedelta(days=1), 7) == "overdue"


def test_a_session_on_the_due_day_in_a_whole_evaluation():
    # STUDY: "before 31/10/2020" (inclusive: false), so the due day is 30/10.
    v = run(STUDY, session(date="30/10/2020"), "05/11/2020").verdict("s", "w1")
    assert v.status == "met"
    assert _timing(v) == ("pass", "timing_done", {"done": D(2020, 10, 30), "due": D(2020, 10, 30)})
    v = run(STUDY, "", "30/10/2020").verdict("s", "w1")
    assert v.status == "due_soon"
    assert _timing(v) == ("info", "timing_open", {"due": D(2020, 10, 30), "days": 0})


# --- audience_coverage: its ok, the partial-share target, a category not attended ----------


def test_coverage_of_a_share_rounds_the_target_up():
    ok, detail = audience_coverage(["dv", "cc"], {"dv": 10, "cc": 3}, {"dv": 9, "cc": 3}, 0.9, {"dv"})
    assert ok is True
    assert detail["dv"] == {"attended": 9, "headcount": 10, "target": 9}
    assert detail["cc"] == {"attended": 3, "headcount": 3, "target": 3}  # ceil(2.7)
    ok, detail = audience_coverage(["dv", "cc"], {"dv": 10, "cc": 3}, {"dv": 8, "cc": 3}, 0.9, {"dv"})
    assert ok is False
    assert detail["dv"] == {"attended": 8, "headcount": 10, "target": 9}


def test_coverage_exactly_at_a_whole_share():
    ok, detail = audience_coverage(["dv"], {"dv": 10}, {"dv": 5}, 0.5, {"dv"})
    assert ok is True and detail["dv"]["target"] == 5  # 0.5 * 10 is 5, not 6
    ok, detail = audience_coverage(["dv"], {"dv": 10}, {"dv": 4}, 0.5, {"dv"})
    assert ok is False


def test_a_category_missing_from_the_attendance_counts_as_nobody():
    ok, detail = audience_coverage(["dv", "cc"], {"dv": 10, "cc": 4}, {"dv": 10}, 1.0, {"dv"})
    assert ok is False
    assert detail["cc"] == {"attended": 0, "headcount": 4, "target": 4}
    assert detail["non_members"] == {"attended": 0, "headcount": 4, "rate": 0.0}
    # a category with no headcount is covered by nobody
    ok, detail = audience_coverage(["dv", "cc"], {"dv": 10}, {"dv": 10}, 1.0, {"dv"})
    assert ok is True
    assert detail["cc"] == {"attended": 0, "headcount": 0, "target": 0}
    assert detail["non_members"] == {"attended": 0, "headcount": 0, "rate": None}


def test_attendance_above_the_headcount_is_clipped_and_totalled_apart():
    ok, detail = audience_coverage(["dv", "cc"], {"dv": 10, "cc": 4}, {"dv": 12, "cc": 3}, 1.0, {"dv"})
    assert ok is False
    assert detail["dv"] == {"attended": 10, "headcount": 10, "target": 10}
    assert detail["party_members"] == {"attended": 10, "headcount": 10, "rate": 1.0}
    assert detail["non_members"] == {"attended": 3, "headcount": 4, "rate": 0.75}


def test_audience_short_names_the_short_category_in_a_whole_evaluation():
    v = run(STUDY, session(attendance="{dang_vien: 10, cong_chuc: 3}"), "05/11/2020").verdict("s", "w1")
    [a] = [f for f in v.findings if f.check == "audience"]
    assert (a.outcome, a.code) == ("partial", "audience_short")
    assert a.params["categories"] == "cong_chuc"
    assert (a.params["pm_attended"], a.params["pm_required"], a.params["nm_attended"], a.params["nm_required"]) == (10, 10, 3, 4)
    v = run(STUDY, session(attendance="{dang_vien: 10}"), "05/11/2020").verdict("s", "w1")
    [a] = [f for f in v.findings if f.check == "audience"]
    assert (a.outcome, a.code, a.params["categories"]) == ("partial", "audience_short", "cong_chuc")


# --- report: about, a proper report after mistakes, the findings' parameters ---------------

PLAN = "- {id: p, type: deliverable, unit: w1, date: 01/10/2020, deliverable: own_plan}\n"
REPORT_ABOUT = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: btg}\n  about: s")


def _channel(v):
    return [(f.outcome, f.code, dict(f.params)) for f in v.findings if f.check == "channel"]


def test_about_filters_reports_about_other_obligations():
    other = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: btg, about: other}\n"
    v = run(REPORT_ABOUT, other, "10/10/2020").verdict("r", "w1")
    assert v.status == "overdue" and v.evidence == ()
    assert _channel(v) == [("info", "report_none", {"to": "Ban Thường vụ"})]
    same = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: btg, about: s}\n"
    v = run(REPORT_ABOUT, same, "10/10/2020").verdict("r", "w1")
    assert (v.status, v.evidence) == ("met", ("x",))
    unsaid = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: btg}\n"
    assert run(REPORT_ABOUT, unsaid, "10/10/2020").verdict("r", "w1").evidence == ("x",)
    # without 'about' in the spec, a report about anything counts
    assert run(REPORT, other, "10/10/2020").verdict("r", "w1").status == "met"


def test_a_proper_report_turns_earlier_mistakes_into_information():
    wrong = "- {id: x1, type: report, unit: w1, date: 02/10/2020, to: vp, via: btg}\n"
    right = "- {id: x2, type: report, unit: w1, date: 05/10/2020, to: btv, via: btg}\n"
    v = run(REPORT, PLAN + wrong, "10/10/2020").verdict("r", "w1")
    assert v.status == "violated"
    assert _channel(v) == [("fail", "report_wrong_recipient", {"fact": "x1", "to": "vp", "expected": "Ban Thường vụ"})]
    v = run(REPORT, PLAN + wrong + right, "10/10/2020").verdict("r", "w1")
    assert (v.status, v.fulfilled_on) == ("met", D(2020, 10, 5))
    assert _channel(v) == [
        ("info", "report_wrong_recipient", {"fact": "x1", "to": "vp", "expected": "Ban Thường vụ"}),
        ("pass", "report_ok", {"fact": "x2", "to": "Ban Thường vụ", "via": "Ban Tuyên giáo"}),
    ]


def test_unknown_recipient_names_every_missing_body():
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: nowhere, via: nobody}")
    v = run(plan, PLAN, "10/10/2020").verdict("r", "w1")
    assert v.status == "indeterminate"
    assert _channel(v) == [("unknown", "report_target_unknown", {"unit": "nowhere, nobody"})]
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: nobody}")
    assert _channel(run(plan, PLAN, "10/10/2020").verdict("r", "w1")) == [("unknown", "report_target_unknown", {"unit": "nobody"})]


def test_missing_via_names_the_fact():
    facts = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv}\n"
    v = run(REPORT, facts, "10/10/2020").verdict("r", "w1")
    assert v.status == "indeterminate"
    assert _channel(v) == [("unknown", "report_channel_missing", {"fact": "x"})]
    wrong_via = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: vp}\n"
    assert _channel(run(REPORT, wrong_via, "10/10/2020").verdict("r", "w1")) == [
        ("fail", "report_wrong_channel", {"fact": "x", "via": "vp", "expected": "Ban Tuyên giáo"})
    ]


def test_every_channel_finding_cites_its_clause_and_its_fact():
    """Several reports, each wrong in its own way, then a proper one: each finding whole."""
    from nqengine.model import Finding

    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: btg, clause: c3}")
    facts = PLAN + (
        "- {id: x1, type: report, unit: w1, date: 02/10/2020, to: vp, via: btg}\n"
        "- {id: x2, type: report, unit: w1, date: 03/10/2020, to: btv}\n"
        "- {id: x3, type: report, unit: w1, date: 04/10/2020, to: btv, via: vp}\n"
    )
    v = run(plan, facts, "10/10/2020").verdict("r", "w1")
    assert v.status == "violated"
    assert v.evidence == ("x1", "x2", "x3")
    assert [f for f in v.findings if f.check == "channel"] == [
        Finding("channel", "fail", "report_wrong_recipient", {"fact": "x1", "to": "vp", "expected": "Ban Thường vụ"}, "c3", ("x1",)),
        Finding("channel", "unknown", "report_channel_missing", {"fact": "x2"}, "c3", ("x2",)),
        Finding("channel", "fail", "report_wrong_channel", {"fact": "x3", "via": "vp", "expected": "Ban Tuyên giáo"}, "c3", ("x3",)),
    ]
    assert [f.params for f in v.findings if f.check == "channel"] == [
        {"fact": "x1", "to": "vp", "expected": "Ban Thường vụ"}, {"fact": "x2"}, {"fact": "x3", "via": "vp", "expected": "Ban Tuyên giáo"},
    ]
    proper = facts + "- {id: x4, type: report, unit: w1, date: 05/10/2020, to: btv, via: btg}\n"
    v = run(plan, proper, "10/10/2020").verdict("r", "w1")
    assert v.status == "met"
    [ok] = [f for f in v.findings if f.code == "report_ok"]
    assert ok == Finding("channel", "pass", "report_ok", {"fact": "x4", "to": "Ban Thường vụ", "via": "Ban Tuyên giáo"}, "c3", ("x4",))
    assert ok.params == {"fact": "x4", "to": "Ban Thường vụ", "via": "Ban Tuyên giáo"}


def test_channel_findings_fall_back_to_the_obligation_clause():
    from nqengine.model import Finding

    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv}")
    v = run(plan, PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv}\n", "10/10/2020").verdict("r", "w1")
    [ok] = [f for f in v.findings if f.check == "channel"]
    assert ok == Finding("channel", "pass", "report_ok", {"fact": "x", "to": "Ban Thường vụ", "via": "—"}, "c2", ("x",))
    assert ok.params["via"] == "—"
    v = run(plan, PLAN, "10/10/2020").verdict("r", "w1")
    assert [f for f in v.findings if f.check == "channel"] == [Finding("channel", "info", "report_none", {"to": "Ban Thường vụ"}, "c2")]


def test_a_recipient_gone_names_the_body_and_the_day():
    from nqengine.model import Finding

    GONE = D(2020, 9, 30)  # the last day the body existed, as the registry gives it (issue 10: the finding names it)
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: gone}")
    facts = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone}\n- {id: y, type: report, unit: w1, date: 06/10/2020, to: gone}\n"
    v = run(plan, facts, "10/10/2020").verdict("r", "w1")
    assert [f for f in v.findings if f.check == "channel"] == [
        Finding("channel", "fail", "report_recipient_gone", {"fact": "x", "to": "Ban đã giải thể", "date": D(2020, 10, 5), "gone": GONE}, "c2", ("x",)),
        Finding("channel", "fail", "report_recipient_gone", {"fact": "y", "to": "Ban đã giải thể", "date": D(2020, 10, 6), "gone": GONE}, "c2", ("y",)),
    ]
    assert [f.params for f in v.findings if f.check == "channel"][0] == {"fact": "x", "to": "Ban đã giải thể", "date": D(2020, 10, 5), "gone": GONE}


def test_unknown_target_keeps_the_due_date_and_the_reports_as_evidence():
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: nowhere, clause: c3}")
    facts = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv}\n"
    v = run(plan, facts, "10/10/2020").verdict("r", "w1")
    assert (v.status, v.due, v.evidence) == ("indeterminate", D(2020, 10, 6), ("x",))
    [f] = [f for f in v.findings if f.check == "channel"]
    assert (f.code, f.clause, dict(f.params)) == ("report_target_unknown", "c3", {"unit": "nowhere"})


def test_a_report_without_recipient_is_missing_its_channel():
    facts = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, via: btg}\n"
    v = run(REPORT, facts, "10/10/2020").verdict("r", "w1")
    assert (v.status, v.evidence) == ("indeterminate", ("x",))
    assert _channel(v) == [("unknown", "report_channel_missing", {"fact": "x"})]


# --- the timing finding whole: its clause, and the no-due cases ------------------------


def test_the_timing_finding_cites_the_deadline_clause_else_the_obligation_clause():
    from test_kinds import DELIVERABLE

    from nqengine.model import Finding

    # STUDY's deadline names clause c2; the obligation's own clause is c1
    v = run(STUDY, session(date="30/10/2020"), "05/11/2020").verdict("s", "w1")
    [t] = [f for f in v.findings if f.check == "timing"]
    assert t == Finding("timing", "pass", "timing_done", {"done": D(2020, 10, 30), "due": D(2020, 10, 30)}, "c2")
    # REPORT's deadline names no clause: the obligation's (c2); no due date until the plan exists
    v = run(REPORT, "", "10/10/2020").verdict("r", "w1")
    assert [f for f in v.findings if f.check == "timing"] == [Finding("timing", "info", "timing_no_due", {}, "c2")]
    # an open deadline, fulfilled: done, with no due date to compare
    facts = (
        "- {id: a, type: deliverable, unit: w1, date: 01/10/2020, deliverable: own_plan}\n"
        "- {id: b, type: deliverable, unit: w1, date: 03/10/2020, deliverable: dedicated_column}\n"
    )
    v = run(DELIVERABLE, facts, "05/10/2020").verdict("d", "w1")
    [t] = [f for f in v.findings if f.check == "timing"]
    assert (t.outcome, t.code, dict(t.params), t.clause) == ("pass", "timing_done_no_due", {"done": D(2020, 10, 3), "due": None}, "c1")


# --- coverage below everyone: categories absent from the headcount or the attendance -------

STUDY_SHARE = STUDY.replace("coverage: 1.0", "coverage: 0.25")


def test_a_quarter_share_needs_one_of_four_and_none_is_short():
    # w1: dang_vien 10, cong_chuc 4; a quarter of 4 is 1
    v = run(STUDY_SHARE, session(attendance="{dang_vien: 10}"), "05/11/2020").verdict("s", "w1")
    [a] = [f for f in v.findings if f.check == "audience"]
    assert (a.outcome, a.code, a.params["categories"]) == ("partial", "audience_short", "cong_chuc")
    v = run(STUDY_SHARE, session(attendance="{dang_vien: 3, cong_chuc: 1}"), "05/11/2020").verdict("s", "w1")
    [a] = [f for f in v.findings if f.check == "audience"]
    assert (a.outcome, a.code) == ("pass", "audience_ok")


def test_a_category_without_headcount_needs_nobody_at_a_share():
    from helpers import REGISTRY, facts, registry
    from helpers import spec as make_spec

    import nqengine

    plan = make_spec(STUDY_SHARE)
    reg = registry(REGISTRY.replace("audience: {dang_vien: 10, cong_chuc: 4}", "audience: {dang_vien: 10}"))
    v = nqengine.evaluate(plan, reg, facts(session(attendance="{dang_vien: 3}")), "05/11/2020").verdict("s", "w1")
    [a] = [f for f in v.findings if f.check == "audience"]
    assert (a.outcome, a.code) == ("pass", "audience_ok")
    assert a.details["cong_chuc"] == {"attended": 0, "headcount": 0, "target": 0}


def test_coverage_totals_every_party_category_and_rounds_rates_to_four_places():
    ok, detail = audience_coverage(["dv", "dbdb", "cc"], {"dv": 10, "dbdb": 5, "cc": 3}, {"dv": 9, "dbdb": 5, "cc": 1}, 0.3, {"dv", "dbdb"})
    assert ok is True
    assert detail["party_members"] == {"attended": 14, "headcount": 15, "rate": 0.9333}
    assert detail["non_members"] == {"attended": 1, "headcount": 3, "rate": 0.3333}


def test_coverage_with_no_party_category_has_no_party_rate():
    ok, detail = audience_coverage(["cc"], {"cc": 4}, {"cc": 3}, 1.0, set())
    assert ok is False
    assert detail["party_members"] == {"attended": 0, "headcount": 0, "rate": None}
    assert detail["non_members"] == {"attended": 3, "headcount": 4, "rate": 0.75}


# --- dates and calendars: what their errors say -----------------------------------


def test_a_year_outside_the_plan_years_says_which_and_why():
    import pytest

    from nqengine.dates import InvalidDate, parse_date

    for text, year in (("01/01/1899", 1899), ("2201-01-01", 2201)):
        with pytest.raises(InvalidDate) as info:
            parse_date(text)
        err = info.value
        assert (err.text, err.reason, err.kind) == (text, "impossible", "date")
        assert err.detail == f"the year {year} is outside 1900–2200, the years a plan can name"
        assert err.detail_vi == f"năm {year} nằm ngoài khoảng 1900–2200 mà một kế hoạch có thể dùng"
    assert parse_date("01/01/1900") == D(1900, 1, 1) and parse_date("31/12/2200") == D(2200, 12, 31)


def test_a_period_that_is_not_text_is_a_format_error_of_a_period():
    import pytest

    from nqengine.dates import InvalidDate, parse_period_end

    with pytest.raises(InvalidDate) as info:
        parse_period_end(2021)  # type: ignore[arg-type]
    assert (info.value.text, info.value.reason, info.value.kind) == ("2021", "format", "period")


def test_working_days_refuse_a_negative_count_and_a_year_without_working_days():
    import pytest

    from nqengine.calendars import GregorianCalendar

    cal = GregorianCalendar()
    with pytest.raises(ValueError, match=r"^n must be >= 0, got -1$"):
        cal.add_working_days(D(2020, 1, 1), -1)

    class NeverWorks(GregorianCalendar):
        def is_working_day(self, d):
            return d < D(2020, 1, 1) or d > D(2020, 12, 31)

    # 366 days off in a row are allowed (a leap year's worth); the 367th is not
    assert NeverWorks().add_working_days(D(2019, 12, 31), 1) == D(2021, 1, 1)

    class NeverAgain(GregorianCalendar):
        def is_working_day(self, d):
            return d < D(2020, 1, 1)

    with pytest.raises(ValueError, match=r"no working day in a year after 2021-01-01$"):
        NeverAgain().add_working_days(D(2019, 12, 31), 1)


def test_holiday_names_default_to_vietnamese_and_accept_region_tags():
    import pytest

    from nqengine.calendars import GregorianCalendar, VietnamCalendar

    cal = VietnamCalendar()
    national_day = D(2021, 9, 2)
    vi = cal.holiday_name(national_day)
    assert vi == cal.holiday_name(national_day, "vi") and vi != cal.holiday_name(national_day, "en")
    assert cal.holiday_name(national_day, "en-US") == cal.holiday_name(national_day, "en") == cal.holiday_name(national_day, "EN_us")
    with pytest.raises(ValueError, match=r"^unsupported language 'fr': use 'vi' or 'en'$"):
        cal.holiday_name(national_day, "fr")
    assert GregorianCalendar().holiday_name(national_day) is None


def test_open_and_overdue_timing_findings_whole():
    from nqengine.model import Finding

    ob = spec(STUDY).obligations[0]  # its deadline cites c2
    due = D(2020, 10, 30)
    assert timing_finding(ob, "pending", due, None, D(2020, 10, 20)) == Finding("timing", "info", "timing_open", {"due": due, "days": 10}, "c2")
    assert timing_finding(ob, "overdue", due, None, D(2020, 11, 2)) == Finding("timing", "info", "timing_overdue", {"due": due, "days": 3}, "c2")


def test_day_zero_and_text_that_is_no_date_say_so():
    import pytest

    from nqengine.dates import InvalidDate, parse_date

    with pytest.raises(InvalidDate) as info:
        parse_date("00/10/2020")
    err = info.value
    assert (err.text, err.reason, err.kind, err.detail, err.detail_vi) == ("00/10/2020", "impossible", "date", "there is no day 0", "không có ngày 0")
    with pytest.raises(InvalidDate) as info:
        parse_date(20201001)  # type: ignore[arg-type]
    assert (info.value.text, info.value.reason) == ("20201001", "format")


# --- whole-module run: duty, dissemination, deliverable findings value by value ----------
# (the kinds' tests checked the status and the code; mutants that changed a finding's
# check, outcome, parameters, clause or evidence, or a verdict's fulfilled_on, survived)


def _whole(v):
    return (v.status, v.due, v.fulfilled_on, v.evidence), [
        (f.check, f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in v.findings
    ]


DUTIES = """
- id: u
  kind: duty
  title: Theo dõi
  clause: c1
  applies_to: {units: [w1, a1]}
  evidence: supervision
- id: n
  kind: duty
  title: Chỉ đạo
  clause: c2
  applies_to: {units: [w1]}
"""


def test_a_duty_recorded_names_its_facts_and_the_first_day():
    facts = "- {id: s2, type: supervision, unit: w1, date: 03/10/2020, by: sec}\n- {id: s, type: supervision, unit: w1, date: 01/10/2020, by: sec}\n"
    ev = run(DUTIES, facts, "05/10/2020")
    assert _whole(ev.verdict("u", "w1")) == (
        ("met", None, D(2020, 10, 1), ("s", "s2")),
        [("duty", "pass", "duty_recorded", {"count": 2, "type": "supervision"}, "c1", ("s", "s2"))],
    )
    assert _whole(ev.verdict("u", "a1")) == (
        ("not_applicable", None, None, ()),
        [("duty", "info", "duty_not_recorded", {"type": "supervision"}, "c1", ())],
    )
    assert _whole(ev.verdict("n", "w1")) == (
        ("not_applicable", None, None, ()),
        [("duty", "info", "duty_not_checkable", {"type": ""}, "c2", ())],
    )
    # the duty consumes its evidence type: the supervision facts are not "not needed"
    assert ev.unmatched_facts == []


def test_a_duty_without_evidence_consumes_no_fact():
    only_n = "- id: n" + DUTIES.split("- id: n")[1]
    ev = run(only_n, "- {id: s, type: supervision, unit: w1, date: 01/10/2020, by: sec}\n", "05/10/2020")
    assert [(u.fact, u.code, dict(u.params)) for u in ev.unmatched_facts] == [("s", "fact_type_unused", {"type": "supervision"})]


def test_an_unregistered_evidence_type_is_located_in_the_obligation_that_names_it():
    text = DUTIES + "  evidence: supervison\n"  # the second duty, obligations[1]
    with pytest.raises(SpecError) as e:
        spec(text, nqengine.get_plugin_manager(load_entrypoints=False))
    [p] = e.value.problems
    assert (p.path, p.code, p.line, p.column) == ("obligations[1].evidence", "unknown_fact_type", 27, 15)
    assert dict(p.params) == {
        "type": "supervison",
        "choices": "attendance, deliverable, dissemination, event, report, session, supervision",
        "hint": "supervision",
    }
    assert spec(DUTIES).obligations[0].params["evidence"] == "supervision"  # a registered type lints clean


DISSEMINATIONS = """
- id: d
  kind: dissemination
  title: Tuyên truyền
  clause: c1
  applies_to: {kinds: mass_organisation}
  deadline: {date: 15/11/2020, inclusive: false}
  audiences: {required: [members, people], clause: c3}
- id: e
  kind: dissemination
  title: Tuyên truyền chung
  clause: c2
  applies_to: {kinds: mass_organisation}
  deadline: {date: 15/11/2020, inclusive: false}
"""


def _spread(*rows):
    return "".join("- {id: %s, type: dissemination, unit: m1, date: %s%s}\n" % r for r in rows)


DUE = D(2020, 11, 14)


def test_dissemination_reached_on_the_day_the_last_audience_is_reached():
    facts = _spread(("a", "01/10/2020", ", audiences: [members]"), ("b", "05/10/2020", ", audiences: [people]"), ("c", "07/10/2020", ", audiences: [members, people]"))
    ev = run(DISSEMINATIONS, facts, "20/10/2020")
    assert _whole(ev.verdict("d", "m1")) == (
        ("met", DUE, D(2020, 10, 5), ("a", "b", "c")),
        [
            ("dissemination", "pass", "dissemination_ok", {"count": 3, "audiences": "members, people"}, "c3", ("a", "b", "c")),
            ("timing", "pass", "timing_done", {"done": D(2020, 10, 5), "due": DUE}, "c1", ()),
        ],
    )
    # no audiences block: the first fact does it, and the finding lists no audience
    assert _whole(ev.verdict("e", "m1")) == (
        ("met", DUE, D(2020, 10, 1), ("a", "b", "c")),
        [
            ("dissemination", "pass", "dissemination_ok", {"count": 3, "audiences": "—"}, "c2", ("a", "b", "c")),
            ("timing", "pass", "timing_done", {"done": D(2020, 10, 1), "due": DUE}, "c2", ()),
        ],
    )


def test_dissemination_without_facts_cites_the_obligation_clause():
    v = run(DISSEMINATIONS, "", "20/10/2020").verdict("d", "m1")
    assert _whole(v) == (
        ("pending", DUE, None, ()),
        [
            ("dissemination", "info", "dissemination_none", {}, "c1", ()),
            ("timing", "info", "timing_open", {"due": DUE, "days": 25}, "c1", ()),
        ],
    )


def test_dissemination_facts_that_name_no_audience_are_unknown_or_short():
    ev = run(DISSEMINATIONS, _spread(("a", "01/10/2020", ""), ("b", "02/10/2020", "")), "20/10/2020")
    assert _whole(ev.verdict("d", "m1")) == (
        ("indeterminate", DUE, None, ("a", "b")),
        [
            ("dissemination", "unknown", "dissemination_unknown", {"facts": "a, b"}, "c3", ("a", "b")),
            ("timing", "info", "timing_open", {"due": DUE, "days": 25}, "c1", ()),
        ],
    )
    # where no audience is required, a fact without audiences is enough
    assert _whole(ev.verdict("e", "m1"))[0] == ("met", DUE, D(2020, 10, 1), ("a", "b"))
    # one fact reaching some audience: the others are missing, the unknown fact does not count
    ev = run(DISSEMINATIONS, _spread(("a", "01/10/2020", ""), ("b", "02/10/2020", ", audiences: [people]")), "20/10/2020")
    assert _whole(ev.verdict("d", "m1")) == (
        ("pending", DUE, None, ("a", "b")),
        [
            ("dissemination", "partial", "dissemination_short", {"missing": "members"}, "c3", ("a", "b")),
            ("timing", "info", "timing_open", {"due": DUE, "days": 25}, "c1", ()),
        ],
    )
    # several audiences missing are listed in the plan's order
    three = DISSEMINATIONS.replace("required: [members, people]", "required: [members, people, youth]")
    v = run(three, _spread(("b", "02/10/2020", ", audiences: [people]")), "20/10/2020").verdict("d", "m1")
    assert [(f.code, dict(f.params)) for f in v.findings][0] == ("dissemination_short", {"missing": "members, youth"})


DELIVERABLES = """
- id: d
  kind: deliverable
  title: Chuyên mục
  clause: c1
  applies_to: {units: [w1]}
  deadline: {date: 31/10/2020, inclusive: true}
  deliverables: [own_plan, dedicated_column]
"""


def _made(*rows):
    return "".join("- {id: %s, type: deliverable, unit: w1, date: %s, deliverable: %s}\n" % r for r in rows)


def test_deliverables_done_on_the_day_the_last_first_one_is_made():
    facts = _made(("a", "01/10/2020", "own_plan"), ("x", "02/10/2020", "poster"), ("b", "05/10/2020", "dedicated_column"), ("c", "09/10/2020", "own_plan"))
    ev = run(DELIVERABLES, facts, "20/10/2020")
    due = D(2020, 10, 31)
    assert _whole(ev.verdict("d", "w1")) == (
        ("met", due, D(2020, 10, 5), ("a", "b", "c")),
        [
            ("deliverables", "pass", "deliverables_ok", {"items": "own_plan, dedicated_column"}, "c1", ("a", "b", "c")),
            ("timing", "pass", "timing_done", {"done": D(2020, 10, 5), "due": due}, "c1", ()),
        ],
    )
    # a deliverable the plan does not ask for is not evidence, and no obligation needs it
    assert [(u.fact, u.code, dict(u.params)) for u in ev.unmatched_facts] == [("x", "fact_not_needed", {"type": "deliverable"})]


def test_deliverables_missing_say_which_and_how_many():
    due = D(2020, 10, 31)
    v = run(DELIVERABLES, _made(("a", "01/10/2020", "own_plan")), "20/10/2020").verdict("d", "w1")
    assert _whole(v) == (
        ("pending", due, None, ("a",)),
        [
            ("deliverables", "partial", "deliverables_missing", {"missing": "dedicated_column", "done": 1, "total": 2}, "c1", ("a",)),
            ("timing", "info", "timing_open", {"due": due, "days": 11}, "c1", ()),
        ],
    )
    v = run(DELIVERABLES, "", "20/10/2020").verdict("d", "w1")
    assert _whole(v)[1][0] == ("deliverables", "info", "deliverables_missing", {"missing": "own_plan, dedicated_column", "done": 0, "total": 2}, "c1", ())


# --- whole-module run: the rollup kind (no test in the fast selection reached it) ----------

ROLLUP_REG = """\
units:
  - {id: tinh, name: Tỉnh ủy Một, kind: provincial_committee}
  - {id: x1, name: Đảng bộ xã Một, kind: party_committee, level: grassroots, parent: tinh, audience: {dang_vien: 10, cong_chuc: 4}}
  - {id: x2, name: Đảng bộ phường Hai, kind: party_committee, level: district, parent: tinh, audience: {dang_vien: 30}}
  - {id: x3, name: Đảng bộ xã Ba, kind: party_committee, level: grassroots, parent: tinh, audience: {dang_vien: 60}}
  - {id: cb, name: Chi bộ thôn, kind: subordinate_cell, parent: x3, audience: {dang_vien: 5}}
people: []
"""

ROLLUP_PLAN = """
- id: s
  kind: study_session
  title: Học tập
  clause: c1
  applies_to: {kinds: [party_committee, subordinate_cell]}
  deadline: {date: 31/03/2026, inclusive: true}
  audience: {categories: [dang_vien, cong_chuc], coverage: 0.5}
- id: r
  kind: rollup
  title: Tỷ lệ toàn tỉnh
  clause: c2
  applies_to: {kinds: provincial_committee}
  deadline: {date: 31/03/2026, inclusive: true}
  rollup: {of: s, figure: FIGURE, threshold: THRESHOLD, clause: c3OVER}
"""

# not in date order; x1 attends more members than it has, x2 meets late (02/04) with a second session
ROLLUP_SESSIONS = (
    "- {id: c, type: session, unit: x3, date: 10/03/2026, attendance: {dang_vien: 55}}\n"
    "- {id: b2, type: session, unit: x2, date: 02/04/2026, attendance: {dang_vien: 20}}\n"
    "- {id: a, type: session, unit: x1, date: 01/03/2026, attendance: {dang_vien: 12, cong_chuc: 4}}\n"
    "- {id: b, type: session, unit: x2, date: 05/03/2026, attendance: {dang_vien: 5}}\n"
    "- {id: d, type: session, unit: cb, date: 12/03/2026, attendance: {dang_vien: 5}}\n"
)
RDUE = D(2026, 3, 31)


def _rollup(figure, threshold, as_of, over="", facts=ROLLUP_SESSIONS, reg=ROLLUP_REG, plan=ROLLUP_PLAN):
    text = plan.replace("FIGURE", figure).replace("THRESHOLD", str(threshold)).replace("OVER", over)
    v = run(text, facts, as_of, reg).verdict("r", "tinh")
    [f] = [f for f in v.findings if f.check == "rollup"]
    return (v.status, v.fulfilled_on), (f.outcome, f.code, dict(f.params), f.clause, f.evidence), dict(f.details)


def _params(figure, reached, total, target, rate, threshold):
    return {"figure": figure, "of": "s", "reached": reached, "total": total, "target": target, "rate": rate, "threshold": threshold}


def test_rollup_units_done_counts_units_met_and_met_late_in_date_order():
    details = {
        "x1": {"status": "met", "done": D(2026, 3, 1)},
        "x2": {"status": "pending", "done": None},
        "x3": {"status": "met", "done": D(2026, 3, 10)},
        "cb": {"status": "met", "done": D(2026, 3, 12)},  # two levels below: counted
    }
    assert _rollup("units_done", 0.75, "20/03/2026") == (
        ("met", D(2026, 3, 12)),  # the third unit done
        ("pass", "rollup_ok", _params("units_done", 3, 4, 3, "75.0%", "75%"), "c3", ()),
        details,
    )
    late = _rollup("units_done", 0.75, "05/04/2026")
    assert late[1][2]["reached"] == 4 and late[2]["x2"] == {"status": "met_late", "done": D(2026, 4, 2)}
    assert late[0] == ("met", D(2026, 3, 12))
    short = _rollup("units_done", 1.0, "20/03/2026")
    assert short[:2] == (("pending", None), ("partial", "rollup_short", _params("units_done", 3, 4, 4, "75.0%", "100%"), "c3", ()))


def test_rollup_party_members_sums_counted_attendance_clipped_to_the_headcount():
    details = {"x1": {"attended": 10, "headcount": 10}, "x2": {"attended": 5, "headcount": 30}, "x3": {"attended": 55, "headcount": 60}, "cb": {"attended": 5, "headcount": 5}}
    # x1's 12 members count as its 10; its civil servants are not party members (the audience names both)
    assert _rollup("party_members", 0.8, "20/03/2026") == (
        ("pending", None),
        ("partial", "rollup_short", _params("party_members", 75, 105, 84, "71.4%", "80%"), "c3", ()),
        details,
    )
    # x2's late session brings 20 more: 84 of 105 reached on 02/04, after the deadline
    assert _rollup("party_members", 0.8, "05/04/2026") == (
        ("met_late", D(2026, 4, 2)),
        ("pass", "rollup_ok", _params("party_members", 95, 105, 84, "90.5%", "80%"), "c3", ()),
        {**details, "x2": {"attended": 25, "headcount": 30}},
    )
    # exactly at the threshold: 0.85 * 100 is 85.00000000000001, the target is 85
    exact = _rollup("party_members", 0.85, "20/03/2026", ", over: {depth: 1}")
    assert (exact[1][2]["total"], exact[1][2]["target"]) == (100, 85)


def test_rollup_over_narrows_by_depth_level_and_kind():
    depth = _rollup("party_members", 0.7, "20/03/2026", ", over: {depth: 1}")
    assert depth[0] == ("met", D(2026, 3, 10)) and list(depth[2]) == ["x1", "x2", "x3"]  # the cell is two levels below
    assert depth[1][2] == _params("party_members", 70, 100, 70, "70.0%", "70%")
    levels = _rollup("units_done", 0.5, "20/03/2026", ", over: {levels: [grassroots]}")
    assert levels[0] == ("met", D(2026, 3, 1)) and list(levels[2]) == ["x1", "x3"]
    assert levels[1][2] == _params("units_done", 2, 2, 1, "100.0%", "50%")
    kinds = _rollup("units_done", 0.5, "20/03/2026", ", over: {kinds: [subordinate_cell]}")
    assert kinds[0] == ("met", D(2026, 3, 12)) and kinds[2] == {"cb": {"status": "met", "done": D(2026, 3, 12)}}


def test_rollup_with_nothing_attended_or_nothing_to_count():
    nobody = _rollup("party_members", 0.5, "20/03/2026", facts="")
    assert nobody[:2] == (("pending", None), ("info", "rollup_short", _params("party_members", 0, 105, 53, "0.0%", "50%"), "c3", ()))
    # no headcount below: no rate, nothing to reach, the verdict follows the calendar; the clause
    # falls back to the obligation's
    plan = ROLLUP_PLAN.replace(", clause: c3", "")
    empty = _rollup("party_members", 0.5, "20/03/2026", ", over: {kinds: [subordinate_cell]}", reg=ROLLUP_REG.replace("audience: {dang_vien: 5}", "audience: {cong_chuc: 5}"), plan=plan)
    assert empty == (
        ("pending", None),
        ("info", "rollup_short", _params("party_members", 0, 0, 0, "—", "50%"), "c2", ()),
        {"cb": {"attended": 0, "headcount": 0}},
    )
    # no unit below with a verdict on 'of'
    v = run(ROLLUP_PLAN.replace("FIGURE", "units_done").replace("THRESHOLD", "0.5").replace("OVER", "").replace("{kinds: provincial_committee}", "{units: [x2]}"),
            ROLLUP_SESSIONS, "20/03/2026", ROLLUP_REG).verdict("r", "x2")
    assert v.status == "indeterminate"
    assert [(f.outcome, f.code, dict(f.params), f.clause) for f in v.findings if f.check == "rollup"] == [("unknown", "rollup_nothing", {"of": "s"}, "c3")]


def test_rollup_party_members_are_the_plans_party_member_categories():
    header = helpers.HEADER.replace("dang_vien: {", "dv: {")  # the party category is not called dang_vien
    plan = ROLLUP_PLAN.replace("[dang_vien, cong_chuc]", "[dv]").replace("FIGURE", "party_members").replace("THRESHOLD", "0.5").replace("OVER", "")
    reg = ROLLUP_REG.replace("dang_vien", "dv")
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(plan, pm, header=header)
    ev = nqengine.evaluate(s, helpers.registry(reg), helpers.facts(ROLLUP_SESSIONS.replace("dang_vien", "dv"), pm), "20/03/2026", pm=pm)
    [f] = [f for f in ev.verdict("r", "tinh").findings if f.check == "rollup"]
    assert (f.params["reached"], f.params["total"]) == (75, 105)
    # a plan that flags no category as party members counts dang_vien
    header = helpers.HEADER.replace(", party_member: true", "")
    plan = ROLLUP_PLAN.replace("FIGURE", "party_members").replace("THRESHOLD", "0.5").replace("OVER", "")
    s = spec(plan, pm, header=header)
    ev = nqengine.evaluate(s, helpers.registry(ROLLUP_REG), helpers.facts(ROLLUP_SESSIONS, pm), "20/03/2026", pm=pm)
    [f] = [f for f in ev.verdict("r", "tinh").findings if f.check == "rollup"]
    assert (f.params["reached"], f.params["total"]) == (75, 105)


# --- whole-module run: the kinds' shared helpers ------------------------------------------


def test_rule_blocks_clause_and_interpretation_are_described_to_editors():
    blocks = json_schema("spec")["properties"]["obligations"]["items"]["allOf"]
    dissemination = next(b["then"] for b in blocks if b["if"]["properties"]["kind"]["const"] == "dissemination")
    audiences = dissemination["properties"]["audiences"]["properties"]
    assert audiences["clause"] == {"type": "string", "description": "the clause this check rests on (an id under 'clauses')"}
    assert audiences["interpretation"] == {
        "type": "string",
        "description": "the reading taken where the plan is not precise ('kịp thời', '1 ngày' as two sessions); every verdict of the rule carries it",
    }


def test_a_verdict_carries_the_interpretation_of_each_rule_once_in_order():
    plan = (
        STUDY.replace("clause: c2}", "clause: c2, interpretation: trước ngày}")
        .replace("coverage: 1.0, clause: c3}", "coverage: 1.0, clause: c3, interpretation: mọi đảng viên}")
        .replace("content: {required: [core], clause: c1}", "content: {required: [core], clause: c1, interpretation: nội dung cốt lõi}")
        .replace("materials: {required: [vk], clause: c1}", "materials: {required: [vk], clause: c1, interpretation: mọi đảng viên}")
    )
    v = run(plan, session(date="30/10/2020"), "05/11/2020").verdict("s", "w1")
    # the deadline's first, then the rule blocks in the order of the spec; the repeated one once
    assert v.interpretation == "trước ngày / mọi đảng viên / nội dung cốt lõi"


def test_facts_of_merges_types_by_date_then_id():
    def fact(fid, day):
        return SimpleNamespace(id=fid, date=D(2020, 10, day))

    by_type = {("w1", "report"): [fact("r2", 5), fact("r1", 9)], ("w1", "deliverable"): [fact("d1", 5), fact("d0", 1)], ("a1", "report"): [fact("x", 1)]}
    context = SimpleNamespace(facts=lambda unit, t: list(by_type.get((unit, t), [])))
    unit = SimpleNamespace(id="w1")
    assert [f.id for f in facts_of(context, unit, ["report", "deliverable"])] == ["d0", "d1", "r2", "r1"]
    assert [f.id for f in facts_of(context, unit, ["report"])] == ["r2", "r1"]  # one type: as the context gives them
    assert facts_of(context, unit, ["session", "dissemination"]) == []


def test_rollup_counts_only_the_party_categories_the_summed_obligation_asks_for():
    # two party-member categories; the study asks for dang_vien only, so committee members
    # (cap_uy) are neither counted nor needed
    header = helpers.HEADER.replace("  cong_chuc:", "  cap_uy: {vi: Cấp ủy viên, en: Committee members, party_member: true}\n  cong_chuc:")
    plan = ROLLUP_PLAN.replace("[dang_vien, cong_chuc]", "[dang_vien]").replace("FIGURE", "party_members").replace("THRESHOLD", "0.5").replace("OVER", "")
    reg = ROLLUP_REG.replace("audience: {dang_vien: 10, cong_chuc: 4}", "audience: {dang_vien: 10, cap_uy: 3}")
    sessions = ROLLUP_SESSIONS.replace("attendance: {dang_vien: 12, cong_chuc: 4}", "attendance: {dang_vien: 10, cap_uy: 3}")
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    ev = nqengine.evaluate(spec(plan, pm, header=header), helpers.registry(reg), helpers.facts(sessions, pm), "20/03/2026", pm=pm)
    [f] = [f for f in ev.verdict("r", "tinh").findings if f.check == "rollup"]
    assert (f.params["reached"], f.params["total"]) == (75, 105)
    assert f.details["x1"] == {"attended": 10, "headcount": 10}


def test_rollup_due_date_is_the_upper_units_own():
    # a deadline counted from an event: the roll-up's due date is worked out for the province
    plan = ROLLUP_PLAN.replace("FIGURE", "units_done").replace("THRESHOLD", "0.5").replace("OVER", "")
    plan = plan.replace("applies_to: {kinds: provincial_committee}\n  deadline: {date: 31/03/2026, inclusive: true}",
                        "applies_to: {kinds: provincial_committee}\n  deadline: {after: {event: ev}, days: 30, inclusive: true}")
    v = run(plan, ROLLUP_SESSIONS, "20/03/2026", ROLLUP_REG).verdict("r", "tinh")
    assert (v.due, v.status, v.fulfilled_on) == (D(2020, 10, 31), "met_late", D(2026, 3, 10))  # two of four units, long after
    # and when nothing below has a verdict on 'of', the verdict keeps its due date and timing
    nothing = ROLLUP_PLAN.replace("FIGURE", "units_done").replace("THRESHOLD", "0.5").replace("OVER", "").replace("{kinds: provincial_committee}", "{units: [x2]}")
    v = run(nothing, ROLLUP_SESSIONS, "20/03/2026", ROLLUP_REG).verdict("r", "x2")
    assert (v.status, v.due) == ("indeterminate", RDUE)
    assert [(f.check, f.code, dict(f.params)) for f in v.findings][-1] == ("timing", "timing_open", {"due": RDUE, "days": 11})


def test_rollup_counts_each_session_once_whatever_else_cites_it():
    # x2's session passes the sessions, audience (partly) and presenter checks: its five
    # members are counted once, from the sessions finding
    plan = ROLLUP_PLAN.replace("coverage: 0.5}", "coverage: 0.5}\n  presenter: {roles: [secretary]}")
    plan = plan.replace("FIGURE", "party_members").replace("THRESHOLD", "0.5").replace("OVER", ", over: {depth: 1}")
    reg = ROLLUP_REG.replace("people: []", "people:\n  - {id: bt2, name: Bí Thư Hai, roles: [{unit: x2, role: secretary}]}")
    sessions = ROLLUP_SESSIONS.replace("unit: x2, date: 05/03/2026, attendance: {dang_vien: 5}}", "unit: x2, date: 05/03/2026, attendance: {dang_vien: 5}, presenter: bt2}")
    ev = run(plan, sessions, "20/03/2026", reg)
    assert [(f.check, f.outcome, f.evidence) for f in ev.verdict("s", "x2").findings][:3] == [
        ("sessions", "pass", ("b",)), ("audience", "partial", ("b",)), ("presenter", "pass", ("b",))]
    [f] = [f for f in ev.verdict("r", "tinh").findings if f.check == "rollup"]
    assert (f.params["reached"], f.details["x2"]) == (5, {"attended": 5, "headcount": 30})


def test_rollup_of_an_audience_without_party_members_counts_every_party_category():
    plan = ROLLUP_PLAN.replace("[dang_vien, cong_chuc]", "[cong_chuc]").replace("FIGURE", "party_members").replace("THRESHOLD", "0.5").replace("OVER", "")
    [f] = [f for f in run(plan, ROLLUP_SESSIONS, "20/03/2026", ROLLUP_REG).verdict("r", "tinh").findings if f.check == "rollup"]
    assert f.params["total"] == 105  # the party members below, not nobody


class _Errand(ObligationKind):
    """A plugin's kind that records the day the errand was done even when a check on it failed."""

    name = "errand"
    fact_types = ("deliverable",)

    def evaluate_unit(self, obligation, unit, context):
        due = context.due(obligation, unit)
        done = context.facts(unit.id, "deliverable")[:1]
        if not done:
            return context.conclude(obligation, unit, [Finding("errand", "info", "deliverables_missing", {}, obligation.clause)], fulfilled_on=None, due=due)
        [f] = done
        outcome = "fail" if f.data.get("deliverable") == "wrong" else "pass"
        return context.conclude(obligation, unit, [Finding("errand", outcome, "deliverables_ok", {}, obligation.clause, (f.id,))], fulfilled_on=f.date, evidence=(f.id,), due=due)


class _Kinds:
    @hookimpl
    def nqengine_register_obligation_kinds(self):
        return [_Errand()]


def test_rollup_units_done_leaves_out_a_unit_done_wrongly():
    # a violated verdict may carry the day it was done (a plugin's kind, here): it is not done
    plan = """
- id: e
  kind: errand
  title: Việc
  clause: c1
  applies_to: {kinds: party_committee}
  deadline: {date: 31/03/2026, inclusive: true}
- id: r
  kind: rollup
  title: Tỷ lệ
  clause: c2
  applies_to: {kinds: provincial_committee}
  deadline: {date: 31/03/2026, inclusive: true}
  rollup: {of: e, figure: units_done, threshold: 0.5}
"""
    made = "- {id: m1, type: deliverable, unit: x1, date: 02/03/2026, deliverable: right}\n- {id: m2, type: deliverable, unit: x2, date: 03/03/2026, deliverable: wrong}\n"
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(_Kinds(), name="errand")
    ev = nqengine.evaluate(spec(plan, pm), helpers.registry(ROLLUP_REG), helpers.facts(made, pm), "20/03/2026", pm=pm)
    assert (ev.verdict("e", "x2").status, ev.verdict("e", "x2").fulfilled_on) == ("violated", D(2026, 3, 3))
    [f] = [f for f in ev.verdict("r", "tinh").findings if f.check == "rollup"]
    assert (f.params["reached"], f.params["total"]) == (1, 3)
    assert f.details["x2"] == {"status": "violated", "done": None}


def test_rollup_counts_partial_sessions_single_members_and_clips_a_second_session():
    # two sessions required: x1 held one (sessions partial, still counted) with one member;
    # x2's two sessions bring 20 + 15 members of 30 (clipped to 30); threshold 0: reached
    # on the first day anyone attended
    plan = ROLLUP_PLAN.replace("coverage: 0.5}", "coverage: 0.5}\n  sessions: 2")
    plan = plan.replace("FIGURE", "party_members").replace("THRESHOLD", "0.0").replace("OVER", ", over: {depth: 1}")
    sessions = (
        "- {id: a, type: session, unit: x1, date: 01/03/2026, attendance: {dang_vien: 1}}\n"
        "- {id: b, type: session, unit: x2, date: 05/03/2026, attendance: {dang_vien: 20}}\n"
        "- {id: b2, type: session, unit: x2, date: 06/03/2026, attendance: {dang_vien: 15}}\n"
    )
    ev = run(plan, sessions, "20/03/2026", ROLLUP_REG)
    assert [(f.check, f.outcome) for f in ev.verdict("s", "x1").findings][0] == ("sessions", "partial")
    v = ev.verdict("r", "tinh")
    [f] = [f for f in v.findings if f.check == "rollup"]
    assert (v.status, v.fulfilled_on) == ("met", D(2026, 3, 1))
    assert (f.outcome, f.code, dict(f.params)) == ("pass", "rollup_ok", _params("party_members", 31, 100, 0, "31.0%", "0%"))
    assert f.details == {"x1": {"attended": 1, "headcount": 10}, "x2": {"attended": 30, "headcount": 30}, "x3": {"attended": 0, "headcount": 60}}


def test_a_report_naming_no_recipient_cites_its_clause_and_its_fact():
    """A report with neither ``to`` nor ``via`` asks for its channel: the finding whole (the first of the two places)."""
    from nqengine.model import Finding

    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: btg, clause: c3}")
    facts = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020}\n"
    v = run(plan, facts, "10/10/2020").verdict("r", "w1")
    assert (v.status, v.evidence) == ("indeterminate", ("x",))
    assert [f for f in v.findings if f.check == "channel"] == [Finding("channel", "unknown", "report_channel_missing", {"fact": "x"}, "c3", ("x",))]


def test_a_report_naming_no_recipient_does_not_hide_a_later_proper_one():
    facts = PLAN + (
        "- {id: x, type: report, unit: w1, date: 05/10/2020}\n"
        "- {id: y, type: report, unit: w1, date: 06/10/2020, to: btv, via: btg}\n"
    )
    v = run(REPORT, facts, "10/10/2020").verdict("r", "w1")
    assert (v.status, v.fulfilled_on, v.evidence) == ("met", D(2020, 10, 6), ("x", "y"))
    assert _channel(v) == [
        ("info", "report_channel_missing", {"fact": "x"}),
        ("pass", "report_ok", {"fact": "y", "to": "Ban Thường vụ", "via": "Ban Tuyên giáo"}),
    ]


def test_a_report_to_a_known_wrong_body_names_it():
    from nqengine.i18n import message

    wrong = PLAN + "- {id: x1, type: report, unit: w1, date: 02/10/2020, to: vp, via: btg}\n"
    (f,) = [f for f in run(REPORT, wrong, "10/10/2020").verdict("r", "w1").findings if f.check == "channel"]
    assert message(f.code, "en", **f.params) == "x1: sent to Văn phòng (vp), not Ban Thường vụ"
    assert message(f.code, "vi", **f.params) == "x1: gửi về Văn phòng (vp), không phải Ban Thường vụ"
    unknown = PLAN + "- {id: x1, type: report, unit: w1, date: 02/10/2020, to: nowhere, via: btg}\n"
    (f,) = [f for f in run(REPORT, unknown, "10/10/2020").verdict("r", "w1").findings if f.check == "channel"]
    assert message(f.code, "en", **f.params) == "x1: sent to 'nowhere', not Ban Thường vụ"


def test_the_channel_body_gone_before_the_report_or_not_yet():
    """The plan's 'via' body dissolved on 30/09: a report through it after that day is sent through a body gone; before, it is fine.
    A report through another body, dissolved or unknown, is through the wrong channel; a plan without 'via' takes any."""
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: gone}")
    after = run(plan, PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: gone}\n", "10/10/2020").verdict("r", "w1")
    assert after.status == "violated"
    assert _channel(after) == [("fail", "report_channel_gone", {"fact": "x", "to": "Ban đã giải thể", "date": D(2020, 10, 5), "gone": D(2020, 9, 30)})]
    before = run(plan, PLAN + "- {id: x, type: report, unit: w1, date: 05/09/2020, to: btv, via: gone}\n", "10/10/2020").verdict("r", "w1")
    assert (before.status, _channel(before)) == ("met", [("pass", "report_ok", {"fact": "x", "to": "Ban Thường vụ", "via": "Ban đã giải thể"})])
    for via in ("gone", "nobody"):
        v = run(REPORT, PLAN + f"- {{id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: {via}}}\n", "10/10/2020").verdict("r", "w1")
        assert (v.status, _channel(v)) == ("violated", [("fail", "report_wrong_channel", {"fact": "x", "via": via, "expected": "Ban Tuyên giáo"})])
    any_via = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv}")
    v = run(any_via, PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: vp}\n", "10/10/2020").verdict("r", "w1")
    assert (v.status, _channel(v)) == ("met", [("pass", "report_ok", {"fact": "x", "to": "Ban Thường vụ", "via": "—"})])


def test_a_channel_body_merged_names_its_successor_and_cites_the_clause():
    from nqengine.model import Finding

    reg = helpers.REGISTRY.replace("valid_to: 30/09/2020}", "valid_to: 30/09/2020, succeeded_by: vp}")
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: gone, clause: c3}")
    v = run(plan, PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: gone}\n", "10/10/2020", reg).verdict("r", "w1")
    assert [f for f in v.findings if f.check == "channel"] == [
        Finding(
            "channel", "fail", "report_channel_merged",
            {"fact": "x", "to": "Ban đã giải thể", "date": D(2020, 10, 5), "gone": D(2020, 9, 30), "successor": "Văn phòng"}, "c3", ("x",),
        )
    ]


def test_a_report_through_a_body_gone_does_not_hide_a_later_proper_one():
    """A channel body founded on 01/10: a report through it before that day is through a body that did not exist yet;
    a proper one after it still counts."""
    reg = helpers.REGISTRY.replace(
        "  - {id: gone,", "  - {id: moi, name: Ban mới, kind: party_board, parent: city, valid_from: 01/10/2020}\n  - {id: gone,"
    )
    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: btv, via: moi}")
    facts = PLAN + (
        "- {id: x, type: report, unit: w1, date: 25/09/2020, to: btv, via: moi}\n"
        "- {id: y, type: report, unit: w1, date: 05/10/2020, to: btv, via: moi}\n"
    )
    v = run(plan, facts, "10/10/2020", reg).verdict("r", "w1")
    assert (v.status, v.fulfilled_on) == ("met", D(2020, 10, 5))
    assert _channel(v) == [
        ("info", "report_channel_gone", {"fact": "x", "to": "Ban mới", "date": D(2020, 9, 25), "gone": D(2020, 10, 1)}),
        ("pass", "report_ok", {"fact": "y", "to": "Ban Thường vụ", "via": "Ban mới"}),
    ]


# --- presenters: the qualification record (built when the kinds are imported) ---------------

_QUALIFICATION_SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "description": "e.g. reporter (báo cáo viên)"},
        "body": {"type": "string", "description": "the recognising committee (unit id)"},
        "term": {"type": "string", "description": "the term, e.g. XXI"},
    },
    "required": ["kind"],
    "additionalProperties": False,
}


def test_a_presenter_qualification_is_described_to_editors_wherever_it_is_written():
    blocks = json_schema("spec")["properties"]["obligations"]["items"]["allOf"]
    study = next(b["then"] for b in blocks if b["if"]["properties"]["kind"]["const"] == "study_session")
    presenter = study["properties"]["presenter"]["properties"]
    assert presenter["qualifications"]["items"] == _QUALIFICATION_SCHEMA
    assert presenter["any_qualification"]["items"] == _QUALIFICATION_SCHEMA
    alternative = presenter["any_of"]["items"]["properties"]
    assert alternative["qualifications"]["items"] == _QUALIFICATION_SCHEMA
    assert alternative["any_qualification"]["items"] == _QUALIFICATION_SCHEMA


@pytest.mark.parametrize(
    "rule",
    [
        "{roles: [secretary], qualifications: [{body: city}]}",
        "{roles: [secretary], any_qualification: [{term: XXI}]}",
        "{roles: [secretary], any_of: [{roles: [deputy_secretary], qualifications: [{body: city}]}]}",
        "{roles: [secretary], any_of: [{roles: [deputy_secretary], any_qualification: [{term: XXI}]}]}",
    ],
)
def test_a_presenter_qualification_must_name_its_kind(rule):
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", f"set: {{presenter: {rule}}}")
    assert plan != STUDY
    with pytest.raises(SpecError) as info:
        spec(plan)
    assert "missing required key 'kind'" in info.value.render("en")


def test_a_presenter_nobody_in_the_registry_is_unknown_by_that_name():
    v = run(STUDY, session(presenter="ai-do"), "05/11/2020").verdict("s", "w1")
    assert v.status == "indeterminate"
    assert [(f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in v.findings if f.check == "presenter"] == [
        ("unknown", "presenter_unknown", {"fact": "f1", "presenter": "ai-do"}, "c3", ("f1",))
    ]


#: The test registry with the deputy secretary (dep) a deputy of a1 from 10/10 to 20/10/2020, a reporter of
#: the city committee from 12/10 to 18/10, and holding a title of another kind all along.
_DEPUTY_DATED = helpers.REGISTRY.replace(
    "    roles: [{unit: w1, role: deputy_secretary}]\n",
    "    roles: [{unit: a1, role: deputy_secretary, valid_from: 10/10/2020, valid_to: 20/10/2020}]\n"
    "    qualifications: [{kind: reporter, body: city, term: XXI, valid_from: 12/10/2020, valid_to: 18/10/2020}, {kind: other, body: city, term: XXI}]\n",
)


@pytest.mark.parametrize(
    "day, status, code",
    [
        ("09/10/2020", "violated", "presenter_role"),  # before the role began
        ("10/10/2020", "violated", "presenter_qualification"),  # the role's first day: held; not yet a reporter
        ("11/10/2020", "violated", "presenter_qualification"),  # another title, held, is not the one asked for
        ("12/10/2020", "met", "presenter_ok_all"),  # the title's first day
        ("18/10/2020", "met", "presenter_ok_all"),  # its last day
        ("19/10/2020", "violated", "presenter_qualification"),
        ("20/10/2020", "violated", "presenter_qualification"),  # the role's last day: still held
        ("21/10/2020", "violated", "presenter_role"),
    ],
)
def test_a_presenter_holds_a_role_and_a_title_from_their_first_to_their_last_day(day, status, code):
    """The full presenter check (any_qualification): both ends of each period count, a title of another kind does not."""
    reg = _DEPUTY_DATED
    rule = "set: {presenter: {roles: [deputy_secretary], any_qualification: [{kind: reporter, body: city, term: XXI}], clause: c3}}"
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", rule)
    v = run(plan, session(unit="a1", presenter="dep", date=day, attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert (v.status, [f.code for f in v.findings if f.check == "presenter"]) == (status, [code])


def test_another_role_in_the_unit_is_not_the_role_asked_for_in_the_full_check():
    rule = "set: {presenter: {roles: [deputy_secretary], any_qualification: [{kind: reporter}], clause: c3}}"
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", rule)
    v = run(plan, session(unit="a1", presenter="asec", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020").verdict("s", "a1")
    assert v.status == "violated"
    assert [(f.outcome, f.code, dict(f.params)) for f in v.findings if f.check == "presenter"] == [
        ("fail", "presenter_role", {"fact": "f1", "presenter": "Lê Văn Cơ Quan", "date": D(2020, 10, 5), "roles": "secretary", "required": "deputy_secretary"})
    ]


def test_the_full_check_names_the_first_title_missing_and_asks_for_a_presenter():
    from nqengine.i18n import message

    rule = "set: {presenter: {roles: [secretary], qualifications: [{kind: reporter, body: city}], any_qualification: [{kind: reporter}], clause: c3}}"
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", rule)
    v = run(plan, session(unit="a1", presenter="asec", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020").verdict("s", "a1")
    [f] = [f for f in v.findings if f.check == "presenter"]
    assert (v.status, f.outcome, f.code, f.clause, f.evidence) == ("violated", "fail", "presenter_qualification", "c3", ("f1",))
    assert dict(f.params) == {"fact": "f1", "presenter": "Lê Văn Cơ Quan", "date": D(2020, 10, 5), "roles": "secretary", "qualification": "reporter city"}
    assert message(f.code, "en", **f.params) == "f1: Lê Văn Cơ Quan did not hold the title Reporter of Thành ủy (city) on 05/10/2020"
    v = run(plan, session(unit="a1", presenter=None, date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020").verdict("s", "a1")
    assert (v.status, [(f.outcome, f.code, dict(f.params)) for f in v.findings if f.check == "presenter"]) == (
        "indeterminate", [("unknown", "presenter_missing", {"fact": "f1"})]
    )


@pytest.mark.parametrize(
    "presenter, status, finding",
    [
        ("asec", "violated", ("fail", "presenter_qualification", {"fact": "f1", "presenter": "Lê Văn Cơ Quan", "date": D(2020, 10, 5), "roles": "secretary", "qualification": "reporter"})),
        ("'Lê Văn Cơ Quan'", "violated", ("fail", "presenter_qualification", {"fact": "f1", "presenter": "Lê Văn Cơ Quan", "date": D(2020, 10, 5), "roles": "secretary", "qualification": "reporter"})),
        ("ai-do", "indeterminate", ("unknown", "presenter_unknown", {"fact": "f1", "presenter": "ai-do"})),
        ("le van co quan", "indeterminate", ("unknown", "presenter_ambiguous", {"fact": "f1", "presenter": "le van co quan", "candidates": "Lê Văn Cơ Quan (asec), Lê Văn Cơ Quân (asec2)"})),
    ],
)
def test_the_full_check_finds_a_presenter_by_id_or_name_and_says_when_it_cannot(presenter, status, finding):
    reg = helpers.REGISTRY.replace(
        "    roles: [{unit: w1, role: deputy_secretary}]\n",
        "    roles: [{unit: a1, role: deputy_secretary, valid_from: 01/10/2020}]\n  - {id: asec2, name: Lê Văn Cơ Quân, roles: [{unit: a1, role: secretary}]}\n",
    )
    rule = "set: {presenter: {roles: [secretary], any_qualification: [{kind: reporter}], clause: c3}}"
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", rule)
    v = run(plan, session(unit="a1", presenter=presenter, date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert (v.status, [(f.outcome, f.code, dict(f.params)) for f in v.findings if f.check == "presenter"]) == (status, [finding])


def test_another_way_to_qualify_counts_a_role_held_since_a_date():
    reg = helpers.REGISTRY.replace("    roles: [{unit: w1, role: deputy_secretary}]\n", "    roles: [{unit: a1, role: deputy_secretary, valid_from: 01/10/2020}]\n")
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", "set: {presenter: {roles: [secretary], any_of: [{roles: [deputy_secretary]}], clause: c3}}")
    v = run(plan, session(unit="a1", presenter="dep", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert (v.status, [(f.outcome, f.code) for f in v.findings if f.check == "presenter"]) == ("met", [("pass", "presenter_ok_all")])
    early = run(plan, session(unit="a1", presenter="dep", date="30/09/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert [(f.outcome, f.code, dict(f.params)) for f in early.findings if f.check == "presenter"] == [
        ("fail", "presenter_no_alternative", {"fact": "f1", "presenter": "Trần Thị Phó", "date": D(2020, 9, 30)})
    ]


def test_check_presenter_with_several_presenters_names_them_all():
    """``check_presenter`` (for plugins and other kinds) describes a pass: every presenter named, in order."""
    from nqengine.evaluation.kinds.study import check_presenter

    reg = helpers.registry()
    fact = nqengine.model.Fact("f1", "session", "w1", D(2020, 10, 10), {"presenters": ["sec", "dep"]})
    context = SimpleNamespace(registry=reg)
    assert check_presenter({"roles": ["secretary", "deputy_secretary"]}, fact, reg.units["w1"], context) == (
        "pass", "presenter_ok", {"fact": "f1", "presenter": "Nguyễn Văn Bí Thư, Trần Thị Phó", "roles": "—"}
    )
    assert check_presenter({"roles": ["secretary"]}, fact, reg.units["w1"], context)[:2] == ("fail", "presenter_role")
    # one presenter: the pass is described unless the caller asks for the outcome alone
    one = nqengine.model.Fact("f2", "session", "w1", D(2020, 10, 10), {"presenter": "sec"})
    assert check_presenter({"roles": ["secretary"]}, one, reg.units["w1"], context) == (
        "pass", "presenter_ok", {"fact": "f2", "presenter": "Nguyễn Văn Bí Thư", "roles": "secretary"}
    )
    assert check_presenter({"roles": ["secretary"]}, one, reg.units["w1"], context, detail=False) == ("pass", "", None)
    two = helpers.registry(helpers.REGISTRY.replace(
        "roles: [{unit: w1, role: secretary}]",
        "roles: [{unit: w1, role: secretary}, {unit: w1, role: committee_member}, {unit: a1, role: head}, {unit: w1, role: head, valid_to: 01/10/2020}]",
    ))
    # the roles held in the unit on the day: not another unit's, not one that ended
    assert check_presenter({"roles": ["secretary"]}, one, two.units["w1"], SimpleNamespace(registry=two))[2]["roles"] == "secretary, committee_member"


def test_a_title_of_another_body_or_term_does_not_count_and_only_the_units_roles_are_listed():
    reg = helpers.REGISTRY.replace(
        "    roles: [{unit: w1, role: deputy_secretary}]\n",
        "    roles: [{unit: a1, role: committee_member}, {unit: w1, role: deputy_secretary}]\n"
        "    qualifications: [{kind: reporter, body: vp, term: XXI}, {kind: reporter, body: city, term: XX}]\n",
    )
    wanted = "{kind: reporter, body: city, term: XXI}"
    plan = STUDY.replace(
        "set: {presenter: {roles: [secretary], clause: c3}}",
        f"set: {{presenter: {{roles: [committee_member], any_qualification: [{wanted}], clause: c3}}}}",
    )
    v = run(plan, session(unit="a1", presenter="dep", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert [(f.code, dict(f.params)) for f in v.findings if f.check == "presenter"] == [
        ("presenter_qualification", {"fact": "f1", "presenter": "Trần Thị Phó", "date": D(2020, 10, 5), "roles": "committee_member", "qualification": "reporter city XXI"})
    ]
    roles = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", f"set: {{presenter: {{roles: [secretary], any_qualification: [{wanted}], clause: c3}}}}")
    v = run(roles, session(unit="a1", presenter="dep", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    # the roles held in this unit only: not the deputy secretary's post in w1
    assert [(f.code, f.params["roles"]) for f in v.findings if f.check == "presenter"] == [("presenter_role", "committee_member")]


@pytest.mark.parametrize(
    "day, presenter, status, codes",
    [
        ("10/10/2020", "dep", "met", ["presenter_ok_all"]),  # the role's first day
        ("20/10/2020", "dep", "met", ["presenter_ok_all"]),  # its last day
        ("09/10/2020", "dep", "violated", ["presenter_role"]),
        ("21/10/2020", "dep", "violated", ["presenter_role"]),
        ("10/10/2020", "le van co quan", "indeterminate", ["presenter_ambiguous"]),
    ],
)
def test_the_fast_presenter_check_counts_both_ends_of_a_role_and_never_guesses_a_name(day, presenter, status, codes):
    """The study kind's own presenter check (one presenter, roles only): as the full check does."""
    reg = helpers.REGISTRY.replace(
        "    roles: [{unit: w1, role: deputy_secretary}]\n",
        "    roles: [{unit: a1, role: deputy_secretary, valid_from: 10/10/2020, valid_to: 20/10/2020}]\n"
        "  - {id: asec2, name: Lê Văn Cơ Quân, roles: [{unit: a1, role: secretary}]}\n",
    )
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", "set: {presenter: {roles: [deputy_secretary], clause: c3}}")
    v = run(plan, session(unit="a1", presenter=presenter, date=day, attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert (v.status, [f.code for f in v.findings if f.check == "presenter"]) == (status, codes)


@pytest.mark.parametrize(
    "day, status, code",
    [
        ("11/10/2020", "violated", "presenter_qualification"),  # another title, held, is not the one asked for
        ("12/10/2020", "met", "presenter_ok_all"),  # the title's first day
        ("18/10/2020", "met", "presenter_ok_all"),  # its last day
        ("19/10/2020", "violated", "presenter_qualification"),
    ],
)
def test_the_fast_presenter_check_counts_both_ends_of_a_title(day, status, code):
    reg = _DEPUTY_DATED
    rule = "set: {presenter: {roles: [deputy_secretary], qualifications: [{kind: reporter, body: city, term: XXI}], clause: c3}}"
    plan = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", rule)
    v = run(plan, session(unit="a1", presenter="dep", date=day, attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert (v.status, [f.code for f in v.findings if f.check == "presenter"]) == (status, [code])


def test_the_fast_presenter_check_wants_the_titles_body_and_term_and_lists_the_units_roles():
    reg = helpers.REGISTRY.replace(
        "    roles: [{unit: w1, role: deputy_secretary}]\n",
        "    roles: [{unit: a1, role: committee_member}, {unit: w1, role: deputy_secretary}]\n"
        "    qualifications: [{kind: reporter, body: vp, term: XXI}, {kind: reporter, body: city, term: XX}]\n",
    )
    title = STUDY.replace(
        "set: {presenter: {roles: [secretary], clause: c3}}",
        "set: {presenter: {roles: [committee_member], qualifications: [{kind: reporter, body: city, term: XXI}], clause: c3}}",
    )
    v = run(title, session(unit="a1", presenter="dep", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert [(f.code, dict(f.params)) for f in v.findings if f.check == "presenter"] == [
        ("presenter_qualification", {"fact": "f1", "presenter": "Trần Thị Phó", "date": D(2020, 10, 5), "qualification": "reporter city XXI"})
    ]
    role = STUDY.replace("set: {presenter: {roles: [secretary], clause: c3}}", "set: {presenter: {roles: [secretary], clause: c3}}")
    v = run(role, session(unit="a1", presenter="dep", date="05/10/2020", attendance="{dang_vien: 5}"), "05/11/2020", reg).verdict("s", "a1")
    assert [(f.code, f.params["roles"], f.params["required"]) for f in v.findings if f.check == "presenter"] == [("presenter_role", "committee_member", "secretary")]


def test_content_and_materials_missing_or_lacking_name_the_fact_and_every_item():
    plan = STUDY.replace("content: {required: [core], clause: c1}", "content: {required: [core, extra], clause: c1}")

    def listed(fact):
        v = run(plan, fact, "05/11/2020").verdict("s", "w1")
        return v.status, [(f.outcome, f.code, dict(f.params)) for f in v.findings if f.check in ("content", "materials")]

    assert listed(session(content=None, materials="[vk]")) == ("indeterminate", [("unknown", "content_missing", {"fact": "f1"})])
    assert listed(session(content="[other]")) == ("violated", [("fail", "content_lacking", {"fact": "f1", "missing": "core, extra"})])
    assert listed(session(content="[core, extra]", materials=None)) == ("indeterminate", [("unknown", "materials_missing", {"fact": "f1"})])


def test_rule_blocks_without_a_clause_cite_the_obligations_and_a_length_rule_passes_with_its_own():
    plan = (
        STUDY.replace("coverage: 1.0, clause: c3}", "coverage: 1.0}")
        .replace("    qualifications: [{kind: reporter, body: city, term: XXI}]\n    clause: c3\n", "    qualifications: [{kind: reporter, body: city, term: XXI}]\n")
        .replace("content: {required: [core], clause: c1}", "content: {required: [core]}")
        .replace("materials: {required: [vk], clause: c1}", "materials: {required: [vk]}\n  length: {min: 01 buổi, clause: c2}")
    )
    v = run(plan, session(extra="length: 01 buổi"), "05/11/2020").verdict("s", "w1")
    assert v.status == "met"
    assert [(f.check, f.outcome, f.code, f.clause) for f in v.findings] == [
        ("sessions", "pass", "sessions_ok", "c1"),
        ("audience", "pass", "audience_ok", "c1"),
        ("presenter", "pass", "presenter_ok_all", "c1"),
        ("content", "pass", "content_ok_all", "c1"),
        ("materials", "pass", "materials_ok_all", "c1"),
        ("length", "pass", "length_ok_all", "c2"),
        ("timing", "pass", "timing_done", "c2"),
    ]


def test_a_study_deadline_counted_from_the_units_own_event():
    plan = STUDY.replace("deadline: {date: 31/10/2020, inclusive: false, clause: c2}", "deadline: {after: {event: ev}, days: 2, inclusive: true, clause: c2}")
    event = "- {id: e1, type: event, unit: w1, date: 10/10/2020, name: ev}\n"
    v = run(plan, session(date="11/10/2020") + event, "05/11/2020").verdict("s", "w1")
    assert (v.status, v.due, v.fulfilled_on) == ("met", D(2020, 10, 12), D(2020, 10, 11))
    late = run(plan, session(date="13/10/2020") + event, "05/11/2020").verdict("s", "w1")
    assert (late.status, late.due) == ("met_late", D(2020, 10, 12))


def test_the_audience_can_be_covered_before_enough_sessions_are_held():
    v = run(STUDY.replace("sessions: 1", "sessions: 2"), session(), "20/10/2020").verdict("s", "w1")
    assert v.status == "pending"
    assert [(f.check, f.outcome, f.code, f.evidence) for f in v.findings if f.check in ("sessions", "audience")] == [
        ("sessions", "partial", "sessions_short", ("f1",)),
        ("audience", "pass", "audience_ok", ("f1",)),
    ]


def test_only_the_sessions_that_count_are_the_evidence_of_the_count():
    two = session(fid="f1", date="10/10/2020", presenter="nobody-x") + session(fid="f2", date="12/10/2020")
    v = run(STUDY, two, "20/10/2020").verdict("s", "w1")
    assert (v.status, v.evidence) == ("met", ("f1", "f2"))
    assert [(f.check, f.outcome, f.code, f.evidence) for f in v.findings if f.check != "timing"] == [
        ("sessions", "pass", "sessions_ok", ("f2",)),
        ("audience", "pass", "audience_ok", ("f2",)),
        ("presenter", "info", "presenter_unknown", ("f1",)),
        ("presenter", "pass", "presenter_ok_all", ("f2",)),
        ("content", "pass", "content_ok_all", ("f2",)),
        ("materials", "pass", "materials_ok_all", ("f2",)),
    ]


@pytest.mark.parametrize(
    "folder, dates",
    [
        ("tam-ky-xxi", ["01/10/2020", "15/10/2020", "31/10/2020", "20/11/2020", "31/12/2020"]),
        ("an-my-xxi", ["15/10/2020", "20/11/2020"]),
        ("gia-lai-xiv", ["01/03/2026", "10/04/2026", "30/06/2026"]),
    ],
)
def test_the_status_decided_before_the_findings_are_built_is_theirs(folder, dates):
    """The study kind decides a status from the outcomes its findings will have, and builds them only when read:
    the status the built findings give must be the verdict's, for every study verdict of the example plans."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "specs" / folder
    statuses = set()
    for day in dates:
        ev = nqengine.evaluate(*nqengine.load_folder(root), day)
        for v in ev.verdicts:
            ob = ev.spec.obligation(v.obligation)
            if ob.kind != "study_session" or v.status == "not_applicable":
                continue
            window = ob.due_soon_days if ob.due_soon_days is not None else ev.spec.due_soon_days
            assert decide_status(v.findings, v.fulfilled_on, v.due, ev.as_of, window) == v.status, (day, v.obligation, v.unit)
            statuses.add(v.status)
    assert len(statuses) >= 3  # the dates reach several statuses


def test_the_sessions_findings_whole_short_and_held_for_another_audience():
    v = run(STUDY.replace("sessions: 1", "sessions: 2"), session(), "20/10/2020").verdict("s", "w1")
    assert [(f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in v.findings if f.check == "sessions"] == [
        ("partial", "sessions_short", {"held": 1, "required": 2}, "c1", ("f1",))
    ]
    # a session held for another audience group counts for none of this obligation's rules, and says for whom it was
    v = run(STUDY, session(extra="audience_group: can_bo_chu_chot"), "20/10/2020").verdict("s", "w1")
    assert [(f.check, f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in v.findings if f.check != "timing"] == [
        ("sessions", "info", "sessions_none", {"required": 1}, "c1", ()),
        ("audience_group", "info", "session_other_group", {"fact": "f1", "group": "can_bo_chu_chot", "wanted": "—"}, "c1", ("f1",)),
    ]


def test_a_session_for_no_group_when_the_obligation_wants_one_is_shown_with_a_dash():
    plan = STUDY.replace("  sessions: 1\n", "  sessions: 1\n  audience_group: can_bo_chu_chot\n")
    v = run(plan, session(), "20/10/2020").verdict("s", "w1")
    assert [(f.check, f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in v.findings if f.check != "timing"] == [
        ("sessions", "info", "sessions_none", {"required": 1}, "c1", ()),
        ("audience_group", "info", "session_other_group", {"fact": "f1", "group": "—", "wanted": "can_bo_chu_chot"}, "c1", ("f1",)),
    ]


def test_every_failed_rule_of_a_session_has_its_finding_in_the_plan_order():
    # the presenter, the content and the materials all wrong: one finding each, none hidden by the one before
    v = run(STUDY, session(presenter="nobody", content="[other]", materials="[]"), "20/10/2020").verdict("s", "w1")
    assert v.status == "indeterminate"  # an unknown presenter: the session may yet count
    assert [(f.check, f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in v.findings if f.check != "timing"] == [
        ("sessions", "info", "sessions_not_counted", {"held": 1, "required": 1}, "c1", ("f1",)),
        ("presenter", "unknown", "presenter_unknown", {"fact": "f1", "presenter": "nobody"}, "c3", ("f1",)),
        ("content", "fail", "content_lacking", {"fact": "f1", "missing": "core"}, "c1", ("f1",)),
        ("materials", "fail", "materials_lacking", {"fact": "f1", "missing": "vk"}, "c1", ("f1",)),
    ]


def _predicted_and_built_outcomes(ev):
    """For each study verdict whose findings are not built yet: study's ``_outcomes`` (the outcomes it predicts,
    without building them, for the sessions, audience, presenter, content, materials and length findings) and the
    outcomes of those findings once built."""
    from nqengine.evaluation.kinds.study import _findings, _outcomes
    from nqengine.model import LazyFindings, _chained

    for v in ev.verdicts:
        lazy = v._findings
        if type(lazy) is not LazyFindings or lazy.built:
            continue
        build, args = lazy._build, lazy._args
        if build is _chained:  # the kind's findings, then the engine's timing finding
            build, args = args[0], args[1]
        if build is not _findings:
            continue
        ob, _spec, _unit, _ids, bad, counted, held, _att, known, covered, fulfilled_on = args[:11]
        p = ob.params
        any_check = bool(p.get("presenter") or p.get("content") or p.get("materials") or p.get("length"))
        predicted = _outcomes(bool(counted), held >= p["sessions"], known, covered, any_check, list(bad), fulfilled_on)
        yield v, predicted, {f.outcome for f in v.findings if f.check not in ("timing", "audience_group") and f.plugin is None}


def test_the_predicted_outcomes_of_the_tam_ky_study_verdicts_are_those_of_their_findings():
    """Not only the same status (above): exactly the outcomes of the findings, on every date of the example."""
    from pathlib import Path

    spec, registry, facts = nqengine.load_folder(Path(__file__).resolve().parent.parent / "specs" / "tam-ky-xxi")
    seen, n = set(), 0
    for day in ["01/10/2020", "15/10/2020", "31/10/2020", "20/11/2020", "31/12/2020"]:
        for v, predicted, built in _predicted_and_built_outcomes(nqengine.evaluate(spec, registry, facts, day)):
            assert predicted == built, (day, v.obligation, v.unit)
            seen |= built
            n += 1
    assert n >= 50 and {"info", "pass"} <= seen


@pytest.mark.parametrize("plan, facts, outcomes", [
    (STUDY, "", {"info"}),  # nothing held
    (STUDY, session(), {"pass"}),
    (STUDY.replace("sessions: 1", "sessions: 2"), session(), {"pass", "partial"}),  # one of two
    (STUDY, session(attendance="{dang_vien: 3, cong_chuc: 4}"), {"pass", "partial"}),  # too few attended
    (STUDY, session(attendance=None), {"pass", "unknown"}),  # attendance not recorded
    (STUDY, session(presenter="nobody"), {"info", "unknown"}),  # not counted: an unknown presenter
    (STUDY, session(content="[other]"), {"info", "fail"}),
    # a wrong session, then a right one: the earlier mistake is information once fulfilled
    (STUDY, session(fid="f0", content="[other]", date="09/10/2020") + session(), {"pass", "info"}),
])
def test_the_predicted_outcomes_of_a_study_verdict_are_those_of_its_findings(plan, facts, outcomes):
    ((v, predicted, built),) = [t for t in _predicted_and_built_outcomes(run(plan, facts or "[]", "20/10/2020")) if t[0].unit == "w1"]
    assert predicted == built == outcomes, v.findings


def test_looking_up_a_verdict_says_exactly_what_is_missing():
    """``Evaluation.verdict``: by id or by name; for a recurring obligation, the periods to choose from; the whole message."""
    import attrs
    from test_recurrence import QUARTERLY
    from test_recurrence import run as run_recurring

    from nqengine.errors import UnknownKeyError

    ev = run_recurring(QUARTERLY, "", "01/10/2026")
    shown = "(2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4)"
    for args, text in [
        (("quy", "w1"), f"obligation 'quy' recurs: name a period for unit 'w1' {shown}"),
        (("quy", "Đảng bộ phường Một"), f"obligation 'quy' recurs: name a period for unit 'Đảng bộ phường Một' {shown}"),
        (("quy", "nowhere"), "no verdict for obligation 'quy' and unit 'nowhere'"),
        (("nope", "w1"), "no verdict for obligation 'nope' and unit 'w1'"),
        (("quy", "w1", "quý I/2031"), "no verdict for obligation 'quy' and unit 'w1' in period 2031-Q1"),
    ]:
        with pytest.raises(UnknownKeyError) as exc:
            ev.verdict(*args)
        assert str(exc.value) == text, args  # UnknownKeyError is a KeyError that prints its message as is
    by_id = ev.verdict("quy", "w1", "2026-Q2")
    assert (by_id.unit, by_id.period) == ("w1", "2026-Q2")
    # one period shown: no need to name it
    only = run_recurring(QUARTERLY, "", "01/10/2026", period="quý II/2026")
    assert [(v.unit, v.period) for v in only.verdicts] == [("w1", "2026-Q2"), ("w3", "2026-Q2")]
    assert only.verdict("quy", "w3") is only.verdicts[1] and only.verdict("quy", "w1") is only.verdicts[0]
    assert ev.verdict("quy", "Đảng bộ phường Một", "quý II/2026") is by_id
    # counts per status: every status of every obligation present, and a verdict of an obligation the plan does
    # not list (a plugin's) counted under its own id
    assert ev.summary() == {"quy": {"not_applicable": 1, "pending": 2, "due_soon": 0, "met": 0, "met_late": 0,
                                    "overdue": 5, "violated": 0, "indeterminate": 0}}
    more = attrs.evolve(ev, verdicts=[*ev.verdicts, attrs.evolve(by_id, obligation="plugin-only", status="met")])
    assert more.summary()["plugin-only"] == {"not_applicable": 0, "pending": 0, "due_soon": 0, "met": 1, "met_late": 0,
                                             "overdue": 0, "violated": 0, "indeterminate": 0}


BOUNDARY_UNITS = helpers.REGISTRY.split("people:")[0] + """\
  - {id: gone-before-due, name: Giải thể trước hạn, kind: party_committee, parent: city, valid_from: 01/01/2019, valid_to: 29/10/2020}
  - {id: gone-on-due, name: Giải thể đúng hạn, kind: party_committee, parent: city, valid_to: 30/10/2020}
  - {id: gone-on-as-of, name: Giải thể hôm xét, kind: party_committee, parent: city, valid_to: 05/11/2020}
  - {id: new-on-due, name: Lập đúng hạn, kind: party_committee, parent: city, valid_from: 30/10/2020}
  - {id: new-after-due, name: Lập sau hạn, kind: party_committee, parent: city, valid_from: 31/10/2020}
"""


def test_units_dissolved_or_created_around_the_last_day():
    """The last day is 30/10/2020, the evaluation 05/11/2020. A unit owes the obligation if it existed on the last
    day; one dissolved before it or created after it does not, and its verdict says which, and when."""
    ev = run(STUDY, "", "05/11/2020", reg=BOUNDARY_UNITS)
    got = {v.unit: (v.status, [(f.check, f.outcome, f.code, dict(f.params), f.clause) for f in v.findings if f.check in ("unit", "timing")])
           for v in ev.verdicts if v.unit != "w1" and v.unit != "a1"}
    due = dt.date(2020, 10, 30)
    overdue = ("overdue", [("timing", "info", "timing_overdue", {"due": due, "days": 6}, "c2")])
    assert got == {
        "gone-before-due": ("not_applicable", [("unit", "info", "unit_dissolved", {"unit": "Giải thể trước hạn", "date": dt.date(2020, 10, 29)}, "c1")]),
        "gone-on-due": overdue,  # it existed on the last day
        "gone-on-as-of": overdue,  # it still exists on the day of the evaluation
        "new-on-due": overdue,  # created on the last day: it had that day
        "new-after-due": ("not_applicable", [("unit", "info", "unit_created_after_due",
                                              {"unit": "Lập sau hạn", "date": dt.date(2020, 10, 31), "due": due}, "c1")]),
    }


def test_a_dissolved_unit_of_an_obligation_without_a_date():
    plan = STUDY.replace("deadline: {date: 31/10/2020, inclusive: false, clause: c2}", "deadline: {none: true}")
    v = run(plan, "", "05/11/2020", reg=BOUNDARY_UNITS).verdict("s", "gone-before-due")
    assert (v.status, v.due) == ("not_applicable", None)
    assert [(f.code, dict(f.params)) for f in v.findings if f.check == "unit"] == [
        ("unit_dissolved", {"unit": "Giải thể trước hạn", "date": dt.date(2020, 10, 29)})]
    # without a last day, a unit is judged while it exists: on the day it is dissolved it still does
    ev = run(plan, "", "05/11/2020", reg=BOUNDARY_UNITS)
    assert ev.verdict("s", "gone-on-as-of").status == ev.verdict("s", "new-on-due").status == "pending"
    assert [f.check for f in ev.verdict("s", "gone-on-as-of").findings if f.check == "unit"] == []


def test_lazy_findings_without_their_outcomes_are_refused_by_conclude():
    from nqengine.model import LazyFindings

    from nqengine.evaluation.engine import Context

    ev = run(STUDY, "", "05/10/2020")
    spec_, reg = ev.spec, ev.registry
    context = Context(spec_, reg, [], ev.as_of, ev.catalogue)
    with pytest.raises(TypeError, match=r"^conclude\(\): LazyFindings need the outcomes= of the findings they will build$"):
        context.conclude(spec_.obligations[0], reg.units["w1"], LazyFindings(lambda: []), fulfilled_on=None)


def test_obligations_are_judged_after_those_they_depend_on_whatever_their_order_in_the_plan():
    # the roll-up listed before the obligation it sums
    first, second = ROLLUP_PLAN.split("- id: r")
    reversed_plan = "\n- id: r" + second + first.rstrip() + "\n"
    assert _rollup("units_done", 0.75, "20/03/2026", plan=reversed_plan) == _rollup("units_done", 0.75, "20/03/2026")
    # a deadline counted from the fulfilment of an obligation listed after it
    plan = """
- id: b
  kind: deliverable
  title: B
  clause: c2
  applies_to: {units: [w1]}
  deadline: {after: {obligation: a, point: fulfilled}, days: 3, inclusive: true}
  deliverables: [dedicated_column]
- id: a
  kind: deliverable
  title: A
  clause: c1
  applies_to: {units: [w1]}
  deadline: {date: 31/10/2020, inclusive: true}
  deliverables: [own_plan]
"""
    made = "- {id: p, type: deliverable, unit: w1, date: 12/10/2020, deliverable: own_plan}\n"
    ev = run(plan, made, "14/10/2020")
    assert [v.obligation for v in ev.verdicts] == ["b", "a"]  # the plan's order in the output
    assert (ev.verdict("a", "w1").fulfilled_on, ev.verdict("b", "w1").due) == (D(2020, 10, 12), D(2020, 10, 15))


def test_a_cycle_of_relative_deadlines_is_refused_by_the_evaluation_too():
    """The spec loader refuses a cycle; a spec built in code (attrs.evolve) meets the evaluation's own check."""
    import attrs

    from nqengine.errors import EvaluationError
    from nqengine.evaluation.engine import obligation_order
    from nqengine.model import DeadlineRef

    s = spec("""
- id: a
  kind: deliverable
  title: A
  clause: c1
  applies_to: {units: [w1]}
  deadline: {date: 31/10/2020, inclusive: true}
  deliverables: [own_plan]
- id: b
  kind: deliverable
  title: B
  clause: c2
  applies_to: {units: [w1]}
  deadline: {after: {obligation: a, point: due}, days: 3, inclusive: true}
  deliverables: [own_plan]
""")
    a, b = s.obligations
    a = attrs.evolve(a, deadline=attrs.evolve(b.deadline, after=DeadlineRef(obligation="b", point="due")))
    with pytest.raises(EvaluationError) as exc:
        obligation_order(attrs.evolve(s, obligations=(a, b)))
    assert str(exc.value) == "relative deadlines form a cycle: a -> b -> a"


REACHED_UNITS = """\
units:
  - {id: city, name: Thành ủy, kind: city_committee}
  - {id: later, name: Lập ngày mai, kind: party_committee, parent: city, valid_from: 06/10/2020}
  - {id: ended-before, name: Giải thể trước khi kế hoạch có hiệu lực, kind: party_committee, parent: city, valid_to: 31/08/2020}
  - {id: z-today, name: Lập hôm nay, kind: party_committee, parent: city, valid_from: 05/10/2020}
  - {id: cell, name: Chi bộ, kind: subordinate_cell, parent: city}
  - {id: b-ended-on-start, name: Giải thể ngày kế hoạch có hiệu lực, kind: party_committee, parent: city, valid_to: 01/09/2020}
  - {id: a-plain, name: Đảng bộ, kind: party_committee, parent: city}
people: []
"""


def test_the_units_an_obligation_reaches_and_the_order_a_kind_is_given_them():
    """A unit has a verdict if it existed at some time from the plan's first day (01/09/2020, the document's
    issue date) to the evaluation date (05/10/2020); a kind is handed its units in registry order."""
    seen: list[list[str]] = []

    class Spy:
        @hookimpl(wrapper=True)
        def nqengine_evaluate_obligation(self, obligation, units, context):
            seen.append([u.id for u in units])
            return (yield)

    plan = STUDY.replace("applies_to: {kinds: party_committee}", "applies_to: {kinds: [subordinate_cell, party_committee]}")
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(Spy(), name="spy")
    ev = nqengine.evaluate(spec(plan, pm), helpers.registry(REACHED_UNITS), [], "05/10/2020", pm=pm)
    assert seen == [["z-today", "cell", "b-ended-on-start", "a-plain"]]  # registry order, the two kinds interleaved
    assert [v.unit for v in ev.verdicts] == ["a-plain", "b-ended-on-start", "cell", "z-today"]  # the output: by id


def test_a_fact_set_aside_says_why_with_its_place_and_the_first_of_its_id():
    """A second fact with an id already seen, and a fact of a unit after it was dissolved: each unmatched record
    whole (fact, code, parameters, and where it was written)."""
    reg = helpers.REGISTRY.replace("parent: city, audience: {dang_vien: 10", "parent: city, valid_to: 30/09/2020, audience: {dang_vien: 10")
    text = (
        "- {id: f1, type: session, unit: a1, date: 01/09/2020, attendance: {dang_vien: 5}}\n"
        "- {id: late, type: session, unit: w1, date: 05/10/2020, attendance: {dang_vien: 10}}\n"
        "- {id: f1, type: session, unit: a1, date: 02/09/2020, attendance: {dang_vien: 5}}\n"
    )
    ev = run(STUDY, text, "20/11/2020", reg=reg)
    got = [(u.fact, u.code, dict(u.params), (u.source.file, u.source.line) if u.source else None) for u in ev.unmatched_facts]
    assert got == [
        ("f1", "fact_duplicate_id", {"line": 2}, ("f.yaml", 4)),  # the first f1 is on line 2 (line 1 is "facts:")
        ("late", "fact_unit_not_valid", {"unit": "w1", "date": dt.date(2020, 10, 5)}, ("f.yaml", 3)),
    ]
    # the first f1 counts; a fact with no place of its own (made in code) says "?" for the first one's line
    assert ev.facts["f1"].date == dt.date(2020, 9, 1)
    import attrs

    from nqengine.evaluation.engine import Context

    first = attrs.evolve(ev.facts["f1"], source=None)
    ctx = Context(ev.spec, ev.registry, [first, attrs.evolve(first, date=dt.date(2020, 9, 2))], ev.as_of, ev.catalogue)
    assert [(u.fact, u.code, dict(u.params), u.source) for u in ctx.unmatched] == [("f1", "fact_duplicate_id", {"line": "?"}, None)]


def test_what_goes_wrong_inside_the_obligation_hook_names_the_obligation_and_the_unit():
    """``_evaluate_obligation``: an implementation's error gets the obligation (and the unit, when it was the only
    one); what fails outside any implementation, no answer at all, or a malformed answer are errors of their own."""
    from nqengine.errors import PluginError
    from nqengine.evaluation.engine import Context, _evaluate_obligation

    ev = run(STUDY, "", "05/10/2020")
    ob, units = ev.spec.obligations[0], [ev.registry.units["w1"], ev.registry.units["a1"]]
    ctx = Context(ev.spec, ev.registry, [], ev.as_of, ev.catalogue)

    def hook(answer):
        def call(**kw):
            if isinstance(answer, BaseException):
                raise answer
            return answer
        return SimpleNamespace(nqengine_evaluate_obligation=call)

    def error(answer, on):
        with pytest.raises(PluginError) as exc:
            _evaluate_obligation(hook(answer), ob, on, ctx)
        e = exc.value
        return e.plugin, e.hook, e.obligation, e.unit, e.code, e.params, str(e)

    inner = PluginError(plugin="p", hook="nqengine_evaluate_obligation", code="plugin_raised", params={"error": "ValueError: boom"})
    assert error(inner, units[:1]) == ("p", "nqengine_evaluate_obligation", "s", "w1", "plugin_raised", {"error": "ValueError: boom"},
                                       "plugin 'p', hook nqengine_evaluate_obligation, obligation 's', unit 'w1': " + inner.render("en").split(": ", 1)[1])
    inner = PluginError(plugin="p", hook="nqengine_evaluate_obligation", code="plugin_raised", params={"error": "ValueError: boom"})
    assert error(inner, units)[2:4] == ("s", None)  # several units: none named
    got = error(KeyError("x"), units[:1])
    assert got[:6] == (None, "nqengine_evaluate_obligation", "s", None, "plugin_raised", {"error": "KeyError: 'x'"})
    assert error(None, units[:1])[:6] == (None, "nqengine_evaluate_obligation", "s", "w1", "plugin_no_verdicts", {"kind": "study_session"})
    assert error(None, units)[3] is None
    assert error([], units)[:6] == (None, "nqengine_evaluate_obligation", "s", None, "plugin_bad_return",
                                    {"got": "list", "expected": "list[Verdict] (2, one per unit)"})
    one = ev.verdict("s", "w1")
    assert error([one, one], units)[4] == "plugin_bad_return"  # the right count, not the right units
    assert _evaluate_obligation(hook([one]), ob, units[:1], ctx) == [one]


def test_verdicts_of_obligations_the_plan_does_not_list_come_last_in_canonical_order():
    import attrs

    from nqengine.evaluation.engine import canonical_order

    ev = run(STUDY, "", "05/10/2020")
    w1, a1 = ev.verdict("s", "w1"), ev.verdict("s", "a1")
    extra = [attrs.evolve(w1, obligation="z-plugin"), attrs.evolve(a1, obligation="b-plugin"), attrs.evolve(w1, obligation="b-plugin")]
    ordered, _ = canonical_order(ev.spec, [*extra, w1, a1], [])
    assert [(v.obligation, v.unit) for v in ordered] == [("s", "a1"), ("s", "w1"), ("b-plugin", "a1"), ("b-plugin", "w1"), ("z-plugin", "w1")]


def test_a_deadline_counted_from_another_obligations_due_date_follows_that_units_own_date():
    """b is due 3 days after a's due date; a gives agencies a later date (an exception): for an agency, b counts
    from the agency's date; a unit that does not owe a counts from a's general date. A new unit created on a's last day keeps that date (new_units_days is for later ones)."""
    plan = """
- id: a
  kind: deliverable
  title: A
  clause: c1
  applies_to: {kinds: party_committee}
  deadline: {date: 31/10/2020, inclusive: true, new_units_days: 20}
  deliverables: [own_plan]
  exceptions:
    - when: {sectors: [agency]}
      clause: c3
      set: {deadline: {date: 15/11/2020, inclusive: true}}
- id: b
  kind: deliverable
  title: B
  clause: c2
  applies_to: {kinds: [party_committee, party_board]}
  deadline: {after: {obligation: a, point: due}, days: 3, inclusive: true}
  deliverables: [own_plan]
"""
    reg = helpers.REGISTRY.replace("people:", "  - {id: n1, name: Đảng bộ mới, kind: party_committee, parent: city, valid_from: 31/10/2020}\n"
                                              "  - {id: n2, name: Đảng bộ mới hơn, kind: party_committee, parent: city, valid_from: 01/11/2020}\npeople:")
    ev = run(plan, "", "02/11/2020", reg=reg)
    dues = {(v.obligation, v.unit): v.due for v in ev.verdicts}
    assert dues == {
        ("a", "w1"): D(2020, 10, 31), ("a", "a1"): D(2020, 11, 15), ("a", "n1"): D(2020, 10, 31), ("a", "n2"): D(2020, 11, 21),
        ("b", "w1"): D(2020, 11, 3), ("b", "a1"): D(2020, 11, 18), ("b", "n1"): D(2020, 11, 3), ("b", "n2"): D(2020, 11, 24),
        # boards owe b but not a: b counts from a's general date
        ("b", "btg"): D(2020, 11, 3), ("b", "vp"): D(2020, 11, 3), ("b", "gone"): D(2020, 11, 3),
    }


def test_an_obligations_own_due_soon_window_is_used_also_after_a_plugin_adds_a_finding():
    """The plan's window is 7 days (its default); this obligation's is 20. Fifteen days before its last day (30/10)
    it is due soon, not pending, both as the kind decides and when a plugin's failed check re-decides."""
    from nqengine.evaluation.engine import Context, add_findings

    plan = STUDY.replace("  sessions: 1\n", "  sessions: 1\n  due_soon_days: 20\n")
    ev = run(plan, "", "15/10/2020")
    assert ev.spec.due_soon_days == 7 and ev.spec.obligations[0].due_soon_days == 20
    v = ev.verdict("s", "w1")
    assert (v.status, v.due) == ("due_soon", dt.date(2020, 10, 30))
    assert run(STUDY, "", "15/10/2020").verdict("s", "w1").status == "pending"  # the plan's 7 days
    # a plugin's failed check on a verdict that was met: re-decided with the obligation's window
    met = run(plan, session(), "15/10/2020")
    ctx = Context(met.spec, met.registry, [], met.as_of, met.catalogue)
    v = met.verdict("s", "w1")
    assert v.status == "met"
    got = add_findings(met.spec.obligations[0], met.registry.units["w1"], v, [Finding("extra", "fail", "x")], ctx)
    assert got.status == "due_soon"


def test_progress_is_told_each_obligation_and_a_recurring_one_does_not_end_the_evaluation():
    from test_recurrence import ONE_OFF, QUARTERLY
    from test_recurrence import run as run_recurring

    told: list[tuple[str, int]] = []
    ev = run_recurring(QUARTERLY + ONE_OFF, "", "01/10/2026")
    assert [ob.id for ob in ev.spec.obligations] == ["quy", "bc"] and ev.period is None
    again = nqengine.evaluate(ev.spec, ev.registry, [], ev.as_of, pm=nqengine.get_plugin_manager(load_entrypoints=False),
                              progress=lambda oid, n: told.append((oid, n)))
    assert told == [("quy", 2), ("bc", 2)]
    assert {v.obligation for v in again.verdicts} == {"quy", "bc"}  # the one-off after the recurring one is judged
    one = nqengine.evaluate(ev.spec, ev.registry, [], ev.as_of, pm=nqengine.get_plugin_manager(load_entrypoints=False), period="quý II/2026")
    assert one.period == "2026-Q2" and {v.period for v in one.verdicts if v.obligation == "quy"} == {"2026-Q2"}


def test_what_goes_wrong_in_the_extra_findings_hook_names_the_obligation_and_unit():
    from nqengine.errors import PluginError
    from nqengine.evaluation.engine import Context, _with_extra_findings

    ev = run(STUDY, session(), "20/10/2020")
    ob, unit, v = ev.spec.obligations[0], ev.registry.units["w1"], ev.verdict("s", "w1")
    ctx = Context(ev.spec, ev.registry, [], ev.as_of, ev.catalogue)

    class Hook:
        def __init__(self, answer):
            self.answer = answer

        def get_hookimpls(self):
            return [object()]

        def __call__(self, **kw):
            if isinstance(self.answer, BaseException):
                raise self.answer
            return self.answer

    def error(answer):
        with pytest.raises(PluginError) as exc:
            _with_extra_findings(None, ob, unit, v, ctx, Hook(answer))
        e = exc.value
        return e.plugin, e.hook, e.obligation, e.unit, e.code, e.params

    raised = PluginError(plugin="p", hook="nqengine_extra_findings", code="plugin_raised", params={"error": "ValueError: x"})
    assert error(raised) == ("p", "nqengine_extra_findings", "s", "w1", "plugin_raised", {"error": "ValueError: x"})
    assert error(["not a list"]) == (None, "nqengine_extra_findings", "s", "w1", "plugin_bad_return", {"got": "str", "expected": "list[Finding]"})
    assert error([["not a finding"]])[4:] == ("plugin_bad_return", {"got": "list", "expected": "list[Finding]"})
    extra = Finding("extra", "info", "x")
    got = _with_extra_findings(None, ob, unit, v, ctx, Hook([[extra], ()]))
    assert got.status == v.status and extra in got.findings and got.findings[-1].check == "timing"


def test_unknown_sectors_of_several_units_are_listed_in_file_order():
    import attrs

    from nqengine.errors import RegistryError
    from nqengine.inputs.registry import registry_from_records
    from nqengine.model import Source

    ev = run(STUDY, "", "20/10/2020")
    units = [attrs.evolve(u, ancestors=(), level=None) for u in ev.registry.units.values()]
    # the registry's order is not the files' order: w1 written on line 9, a1 on line 3 of the same file
    units = [attrs.evolve(u, sector="wardd", source=Source("r.yaml", 9, 5)) if u.id == "w1" else
             attrs.evolve(u, sector="agencyy", source=Source("r.yaml", 3, 5)) if u.id == "a1" else u for u in units]
    reg = registry_from_records(units, list(ev.registry.people.values()), "r.yaml")
    with pytest.raises(RegistryError) as info:
        nqengine.evaluate(ev.spec, reg, [], ev.as_of, pm=nqengine.get_plugin_manager(load_entrypoints=False))
    assert [(p.line, p.path) for p in info.value.problems] == [(3, "units.a1.sector"), (9, "units.w1.sector")]


def test_a_plugins_extra_findings_do_not_hide_the_warning_for_a_unit_named_as_typed():
    from nqengine.evaluation.engine import _evaluate

    class Extra:
        @hookimpl
        def nqengine_extra_findings(self, obligation, unit, verdict, context):
            return [Finding("extra", "info", "x")]

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(Extra(), name="extra")
    text = session(unit="dang bo phuong mot")
    ev, ctx = _evaluate(spec(STUDY, pm), helpers.registry(), helpers.facts(text, pm), dt.date(2020, 10, 20), pm)
    assert ctx.name_matches == {"f1": "dang bo phuong mot"} and not ctx.presenter_matches
    v = ev.verdict("s", "w1")
    assert [f.code for f in v.findings if f.check in ("names", "extra")] == ["fact_unit_name_matched", "x"]
    assert [(f.outcome, dict(f.params), f.clause, f.evidence) for f in v.findings if f.check == "names"] == [
        ("info", {"fact": "f1", "written": "dang bo phuong mot", "name": "Đảng bộ phường Một", "id": "w1"}, "c1", ("f1",))]
    # and without the plugin: the same warning, and one for a presenter named as typed, each whole
    plain = run(STUDY, session(unit="dang bo phuong mot", presenter="nguyen van bi thu"), "20/10/2020").verdict("s", "w1")
    assert plain.status == "met"
    assert [(f.check, f.outcome, f.code, dict(f.params), f.clause, f.evidence) for f in plain.findings if f.check == "names"] == [
        ("names", "info", "fact_unit_name_matched", {"fact": "f1", "written": "dang bo phuong mot", "name": "Đảng bộ phường Một", "id": "w1"}, "c1", ("f1",)),
        ("names", "info", "presenter_name_matched", {"fact": "f1", "written": "nguyen van bi thu", "name": "Nguyễn Văn Bí Thư", "id": "sec"}, "c1", ("f1",)),
    ]


@pytest.mark.parametrize("when, as_of, outcome, expected", [
    # a met verdict with a check the plugin cannot decide: undecided, no longer fulfilled, the timing said again
    ("10/10/2020", "15/10/2020", "unknown", ("met", "indeterminate", None, ("timing_open", {"due": dt.date(2020, 10, 30), "days": 15}))),
    ("02/11/2020", "05/11/2020", "unknown", ("met_late", "indeterminate", None, ("timing_overdue", {"due": dt.date(2020, 10, 30), "days": 6}))),
    # information only: the same status, the finding before the timing finding
    ("10/10/2020", "15/10/2020", "info", ("met", "met", dt.date(2020, 10, 10), ("timing_done", {"done": dt.date(2020, 10, 10), "due": dt.date(2020, 10, 30)}))),
    ("02/11/2020", "05/11/2020", "pass", ("met_late", "met_late", dt.date(2020, 11, 2), ("timing_late", {"done": dt.date(2020, 11, 2), "due": dt.date(2020, 10, 30)}))),
    # refused by the plugin: still open before the last day, violated after it
    ("10/10/2020", "15/10/2020", "partial", ("met", "pending", None, ("timing_open", {"due": dt.date(2020, 10, 30), "days": 15}))),
    ("10/10/2020", "05/11/2020", "fail", ("met", "violated", None, ("timing_overdue", {"due": dt.date(2020, 10, 30), "days": 6}))),
])
def test_a_plugins_finding_re_decides_the_verdict(when, as_of, outcome, expected):
    from nqengine.evaluation.engine import Context, add_findings

    ev = run(STUDY, session(date=when), as_of)
    v = ev.verdict("s", "w1")
    ctx = Context(ev.spec, ev.registry, [], ev.as_of, ev.catalogue)
    got = add_findings(ev.spec.obligations[0], ev.registry.units["w1"], v, [Finding("extra", outcome, "x", evidence=("e9",))], ctx)
    (timing,) = [f for f in got.findings if f.check == "timing"]
    assert (v.status, got.status, got.fulfilled_on, (timing.code, dict(timing.params))) == expected
    assert [f.check for f in got.findings][-2:] == ["extra", "timing"] and got.evidence == ("f1", "e9")


def test_a_doubt_added_to_a_met_verdict_with_its_own_partial_check_leaves_it_undecided_not_violated():
    """A plugin's kind may conclude ``met`` although one of its own checks was ``partial`` (the fulfilment decides).
    A plugin's ``unknown`` added after the last day makes it undecided: the fulfilment it had is what keeps the
    own ``partial`` from reading as a refusal (``violated``)."""
    from nqengine.evaluation.engine import Context, add_findings

    ev = run(STUDY, session(date="10/10/2020"), "05/11/2020")
    v = ev.verdict("s", "w1")
    assert (v.status, v.fulfilled_on) == ("met", dt.date(2020, 10, 10))
    own = attrs.evolve(v, findings=(*v.findings, Finding("own", "partial", "y")))
    ctx = Context(ev.spec, ev.registry, [], ev.as_of, ev.catalogue)
    got = add_findings(ev.spec.obligations[0], ev.registry.units["w1"], own, [Finding("extra", "unknown", "x")], ctx)
    (timing,) = [f for f in got.findings if f.check == "timing"]
    assert (got.status, got.fulfilled_on, timing.code, dict(timing.params)) == (
        "indeterminate", None, "timing_overdue", {"due": dt.date(2020, 10, 30), "days": 6})
    assert [f.check for f in got.findings][-3:] == ["own", "extra", "timing"]


def test_a_verdict_held_to_an_amendments_exception_names_the_amending_document():
    header = helpers.HEADER.replace("audience_categories:", "documents:\n  - {id: qd-2, title: Quyết định sửa đổi, issued: 01/10/2020}\naudience_categories:")
    plan = STUDY.replace("    - when: {sectors: [agency]}\n      clause: c3\n",
                         "    - when: {sectors: [agency]}\n      clause: c3\n      document: qd-2\n")
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    ev = nqengine.evaluate(spec(plan, pm, header), helpers.registry(), [], "20/10/2020", pm=pm)
    assert (ev.verdict("s", "a1").amended_by, ev.verdict("s", "w1").amended_by) == (("qd-2",), ())
