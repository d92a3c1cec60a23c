"""Issue 16: tests for the places surviving mutants showed no test looked at.

Each test asserts the finding (its code, outcome and parameters), not only the
verdict's status: the mutants these kill changed the explanation and left the
status alone.
"""

from __future__ import annotations

import datetime as dt

from helpers import run, spec
from test_kinds import REPORT, STUDY, session

from nqengine.evaluation.engine import decide_status, timing_finding
from nqengine.evaluation.kinds.study import audience_coverage

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

    plan = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: gone}")
    facts = PLAN + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone}\n- {id: y, type: report, unit: w1, date: 06/10/2020, to: gone}\n"
    v = run(plan, facts, "10/10/2020").verdict("r", "w1")
    assert [f for f in v.findings if f.check == "channel"] == [
        Finding("channel", "fail", "report_recipient_gone", {"fact": "x", "to": "Ban đã giải thể", "date": D(2020, 10, 5)}, "c2", ("x",)),
        Finding("channel", "fail", "report_recipient_gone", {"fact": "y", "to": "Ban đã giải thể", "date": D(2020, 10, 6)}, "c2", ("y",)),
    ]
    assert [f.params for f in v.findings if f.check == "channel"][0] == {"fact": "x", "to": "Ban đã giải thể", "date": D(2020, 10, 5)}


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
