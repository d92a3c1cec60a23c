"""Recurring obligations: one verdict per (obligation, unit, period), facts attributed to periods."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

import nqengine
from nqengine.errors import SpecError, UnknownKeyError
from nqengine.inputs import load_facts_text
from nqengine.inputs.registry import load_registry_text
from nqengine.plugins.hookspecs import hookimpl
from nqengine.spec import load_spec_text

D = dt.date

HEADER = """\
nqengine: 1
id: r
title: Chương trình thử
document: {id: ctr, title: Chương trình hành động thử, issued: 01/01/2026}
clauses:
  IV.2: "Định kỳ hằng quý báo cáo kết quả."
  IV.3: "Sơ kết 6 tháng, tổng kết năm."
obligations:
"""

QUARTERLY = """\
- id: quy
  kind: report
  title: Báo cáo quý
  clause: IV.2
  applies_to: {kinds: party_committee}
  every: quarter
  from: 01/01/2026
  until: 31/12/2030
  coverage: nd-09-2019
  deadline: {day_of_last_month: 20, inclusive: true, text: "trước ngày 20 của tháng cuối quý"}
  channel: {to: btv, via: vp}
"""

REGISTRY = """\
units:
  - {id: btv, name: Ban Thường vụ Tỉnh ủy, kind: standing_committee}
  - {id: vp, name: Văn phòng Tỉnh ủy, kind: party_board}
  - {id: w1, name: Đảng bộ phường Một, kind: party_committee, sector: ward}
  - {id: w2, name: Đảng bộ phường Hai, kind: party_committee, sector: ward, valid_from: 01/07/2026}
  - {id: w3, name: Đảng bộ phường Ba, kind: party_committee, sector: ward, valid_to: 30/04/2026}
"""


def run(obligations: str, fact_text: str, as_of: str, period: str | None = None, reg: str = REGISTRY):
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    spec = load_spec_text(HEADER + textwrap.indent(obligations, "  "), "r.yaml", pm=pm)
    facts = load_facts_text("facts:\n" + textwrap.indent(textwrap.dedent(fact_text), "  "), "f.yaml", pm=pm) if fact_text.strip() else []
    return nqengine.evaluate(spec, load_registry_text(reg, "reg.yaml"), facts, as_of, pm=pm, period=period)


def table(ev) -> dict[tuple[str, str | None], tuple[str, dt.date | None, dt.date | None]]:
    return {(v.unit, v.period): (v.status, v.due, v.fulfilled_on) for v in ev.verdicts}


def report(fid: str, unit: str, date: str, period: str | None = None, to: str = "btv") -> str:
    extra = f', period: "{period}"' if period else ""
    return f"- {{id: {fid}, type: report, unit: {unit}, date: {date}, to: {to}, via: vp{extra}}}\n"


def test_one_verdict_per_unit_per_period_due_so_far_and_the_next():
    ev = run(QUARTERLY, "", "01/10/2026")
    got = [(v.unit, v.period) for v in ev.verdicts]
    # Q1..Q3 are due by 01/10/2026, Q4 is the next; w2 exists from Q3, w3 until Q2
    assert got == [
        ("w1", "2026-Q1"), ("w3", "2026-Q1"),
        ("w1", "2026-Q2"), ("w3", "2026-Q2"),
        ("w1", "2026-Q3"), ("w2", "2026-Q3"),
        ("w1", "2026-Q4"), ("w2", "2026-Q4"),
    ]
    t = table(ev)
    assert t[("w1", "2026-Q1")] == ("overdue", D(2026, 3, 20), None)
    assert t[("w1", "2026-Q4")] == ("pending", D(2026, 12, 20), None)
    assert t[("w3", "2026-Q2")][0] == "not_applicable"  # dissolved 30/04, before the due date 20/06
    assert len(list(ev.spec.obligations[0].recurrence.periods())) == 20  # the term has 20, only 4 shown


def test_as_of_before_the_first_due_date_shows_only_the_first_period():
    ev = run(QUARTERLY, "", "15/02/2026")
    assert [(v.unit, v.period, v.status) for v in ev.verdicts] == [("w1", "2026-Q1", "pending"), ("w3", "2026-Q1", "pending")]


def test_late_report_named_for_its_period_counts_for_that_period():
    facts = report("r1", "w1", "18/03/2026") + report("r2", "w1", "05/07/2026", "quý II/2026")
    t = table(run(QUARTERLY, facts, "01/10/2026"))
    assert t[("w1", "2026-Q1")] == ("met", D(2026, 3, 20), D(2026, 3, 18))
    assert t[("w1", "2026-Q2")] == ("met_late", D(2026, 6, 20), D(2026, 7, 5))  # late for Q2, not on time for Q3
    assert t[("w1", "2026-Q3")] == ("overdue", D(2026, 9, 20), None)


def test_one_report_does_not_fulfil_every_period():
    t = table(run(QUARTERLY, report("r1", "w1", "10/03/2026"), "01/10/2026"))
    assert [t[("w1", p)][0] for p in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")] == ["met", "overdue", "overdue", "pending"]


def test_unnamed_report_goes_to_the_earliest_open_period_and_says_so():
    ev = run(QUARTERLY, report("r1", "w1", "05/04/2026") + report("r2", "w1", "10/06/2026"), "01/10/2026")
    t = table(ev)
    assert t[("w1", "2026-Q1")] == ("met_late", D(2026, 3, 20), D(2026, 4, 5))
    assert t[("w1", "2026-Q2")] == ("met", D(2026, 6, 20), D(2026, 6, 10))
    v = ev.verdict("quy", "w1", "quý I/2026")
    notes = [f for f in v.findings if f.code == "period_attributed"]
    assert [(f.params["fact"], str(f.params["period"])) for f in notes] == [("r1", "2026-Q1")]
    assert "quý I/2026" in nqengine.explain(ev, "quy", "w1", period="2026-Q1")
    assert "Q1 2026" in nqengine.explain(ev, "quy", "w1", lang="en", period="2026-Q1")


def test_a_fact_counts_for_at_most_one_period():
    facts = report("r1", "w1", "10/03/2026") + report("r2", "w1", "16/03/2026") + report("r3", "w1", "16/06/2026")
    ev = run(QUARTERLY, facts, "01/10/2026")
    seen: dict[str, str] = {}
    for v in ev.verdicts:
        for fid in v.evidence:
            assert seen.setdefault(fid, v.period) == v.period, fid
    t = table(ev)
    assert t[("w1", "2026-Q1")][2] == D(2026, 3, 10)
    assert t[("w1", "2026-Q2")][2] == D(2026, 3, 16)  # the second March report (Q2's data begin 15/03) is Q2's
    assert t[("w1", "2026-Q3")][2] == D(2026, 6, 16)


def test_report_before_a_periods_coverage_cannot_fulfil_it():
    # coverage nd-09-2019: Q2 data starts 15/03; a report of 10/02 cannot be Q2's (Q1 took the first one)
    facts = report("r1", "w1", "01/02/2026") + report("r2", "w1", "10/02/2026")
    ev = run(QUARTERLY, facts, "01/10/2026")
    t = table(ev)
    assert t[("w1", "2026-Q1")][0] == "met" and t[("w1", "2026-Q2")][0] == "overdue"
    assert {u.fact: u.code for u in ev.unmatched_facts} == {"r2": "fact_not_needed"}


def test_wrong_recipient_then_right_report_within_one_period():
    facts = report("r1", "w1", "01/03/2026", to="vp") + report("r2", "w1", "15/03/2026")
    t = table(run(QUARTERLY, facts, "01/10/2026"))
    assert t[("w1", "2026-Q1")] == ("met", D(2026, 3, 20), D(2026, 3, 15))
    assert t[("w1", "2026-Q2")][0] == "overdue"


def test_units_created_and_dissolved_mid_term():
    facts = report("r3", "w3", "10/03/2026") + report("r4", "w2", "19/09/2026")
    t = table(run(QUARTERLY, facts, "31/12/2026"))
    assert ("w2", "2026-Q1") not in t and ("w2", "2026-Q2") not in t  # did not exist yet: no verdict
    assert t[("w2", "2026-Q3")] == ("met", D(2026, 9, 20), D(2026, 9, 19))
    assert t[("w3", "2026-Q1")] == ("met", D(2026, 3, 20), D(2026, 3, 10))
    assert t[("w3", "2026-Q2")][0] == "not_applicable"
    assert ("w3", "2026-Q3") not in t  # dissolved: no verdict


def test_unit_created_after_a_periods_due_date_owes_nothing_for_it():
    reg = REGISTRY.replace("valid_from: 01/07/2026", "valid_from: 25/06/2026")
    ev = run(QUARTERLY, "", "01/10/2026", reg=reg)
    v = ev.verdict("quy", "w2", "2026-Q2")
    assert v.status == "not_applicable"
    assert v.findings[-1].code == "unit_created_after_due" and "timing" not in [f.check for f in v.findings]
    assert ev.verdict("quy", "w2", "2026-Q3").status == "overdue"


def test_fact_naming_a_period_it_cannot_count_for_is_unmatched_with_the_reason():
    facts = (
        report("r1", "w1", "20/09/2026", "quý I/2031")  # after the term
        + report("r2", "w2", "10/07/2026", "quý I/2026")  # w2 did not exist in Q1
        + report("r3", "w1", "20/09/2026", "quý I/2027")  # in the term, not yet shown
    )
    ev = run(QUARTERLY, facts, "01/10/2026")
    reasons = {u.fact: u.code for u in ev.unmatched_facts}
    assert reasons == {"r1": "fact_period_unknown", "r2": "fact_period_unit_absent", "r3": "fact_period_not_shown"}
    from nqengine.i18n import message

    text = {u.fact: message(u.code, "vi", **u.params) for u in ev.unmatched_facts}
    assert "quý I/2031" in text["r1"]


def test_period_selects_one_period():
    facts = report("r1", "w1", "18/03/2026") + report("r2", "w1", "05/04/2026")
    ev = run(QUARTERLY, facts, "01/10/2026", period="quý II/2026")
    assert [(v.unit, v.period) for v in ev.verdicts] == [("w1", "2026-Q2"), ("w3", "2026-Q2")]
    # Q1 was evaluated first and kept the March report: Q2 got the April one
    assert ev.verdict("quy", "w1").fulfilled_on == D(2026, 4, 5)
    ev = run(QUARTERLY, "", "01/02/2026", period="2027-Q3")  # a future period can be looked at
    assert [(v.unit, v.period, v.status) for v in ev.verdicts] == [("w1", "2027-Q3", "pending"), ("w2", "2027-Q3", "pending")]


def test_verdict_lookup_needs_the_period_when_several_are_shown():
    ev = run(QUARTERLY, "", "01/10/2026")
    with pytest.raises(UnknownKeyError, match="2026-Q1, 2026-Q2"):
        ev.verdict("quy", "w1")
    assert ev.verdict("quy", "Đảng bộ phường Một", "Q3 2026").period == "2026-Q3"


def test_json_contract_period_fields():
    ev = run(QUARTERLY, report("r1", "w1", "18/03/2026"), "01/07/2026")
    doc = nqengine.to_json(ev, "en")
    assert doc["version"] == 2
    first = doc["verdicts"][0]
    assert (first["unit"], first["period"], first["period_label"]) == ("w1", "2026-Q1", "Q1 2026")
    assert nqengine.to_json(ev)["verdicts"][0]["period_label"] == "quý I/2026"
    assert doc["summary_by_period"]["quy"]["2026-Q1"]["met"] == 1
    assert doc["summary_by_period"]["quy"]["2026-Q1"]["met_late"] == 0
    assert list(doc["summary_by_period"]["quy"]) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert doc["summary"]["quy"]["overdue"] == 2  # w1 Q2 and w3 Q1... counted over the periods shown
    json.dumps(doc)


def test_table_groups_verdicts_by_period():
    from nqengine.render.formats import render_table

    text = render_table(run(QUARTERLY, "", "01/07/2026"))
    assert "· Kỳ quý I/2026" in text and "· Kỳ quý III/2026" in text
    assert text.index("quý I/2026") < text.index("quý II/2026") < text.index("quý III/2026")


# --- per-period deadlines -------------------------------------------------------------------


def dues(deadline: str, every: str = "quarter", as_of: str = "31/12/2026", until: str = "31/12/2026") -> dict[str, dt.date | None]:
    ob = QUARTERLY.replace("every: quarter", f"every: {every}").replace("until: 31/12/2030", f"until: {until}")
    ob = ob.replace('deadline: {day_of_last_month: 20, inclusive: true, text: "trước ngày 20 của tháng cuối quý"}', f"deadline: {deadline}")
    ev = run(ob, "", as_of)
    return {v.period: v.due for v in ev.verdicts if v.unit == "w1"}


def test_day_of_last_month_clamps_to_the_months_length():
    got = dues("{day_of_last_month: 31, inclusive: true}", "month", "31/12/2028", "31/12/2028")
    assert got["2026-02"] == D(2026, 2, 28) and got["2028-02"] == D(2028, 2, 29) and got["2026-04"] == D(2026, 4, 30)
    got = dues("{day_of_last_month: 20, inclusive: false}")
    assert got["2026-Q2"] == D(2026, 6, 19)  # "trước ngày 20": the 19th is the last day


def test_days_after_the_period_ends():
    got = dues("{days_after_end: 10, inclusive: true}")
    assert got == {"2026-Q1": D(2026, 4, 10), "2026-Q2": D(2026, 7, 10), "2026-Q3": D(2026, 10, 10), "2026-Q4": D(2027, 1, 10)}


def test_working_days_after_the_period_across_tet():
    got = dues("{days_after_end: 15, working_days: true, inclusive: true}", "month", "31/03/2026", "31/03/2026")
    # January 2026 + 15 working days: 2–6, 9–13 Feb, then Tết (14–22/02 off), 23–27 Feb
    assert got["2026-01"] == D(2026, 2, 27)
    # February 2026 ends on a Saturday: 2–6, 9–13, 16–20 March
    assert got["2026-02"] == D(2026, 3, 20)
    got = dues("{days_after_end: 5, working_days: true, inclusive: true}", "quarter", "31/12/2026", "31/12/2026")
    assert got["2026-Q1"] == D(2026, 4, 7)
    q4 = run(QUARTERLY.replace("from: 01/01/2026", "from: 01/10/2025").replace(
        'deadline: {day_of_last_month: 20, inclusive: true, text: "trước ngày 20 của tháng cuối quý"}',
        "deadline: {days_after_end: 5, working_days: true, inclusive: true}"), "", "31/12/2025")
    assert q4.verdict("quy", "w1", "2025-Q4").due == D(2026, 1, 8)  # 1/1/2026 is a holiday


def test_fixed_days_per_period():
    got = dues("{on: [15/06, 15/12], inclusive: false}", "half_year")
    assert got == {"2026-H1": D(2026, 6, 14), "2026-H2": D(2026, 12, 14)}
    got = dues("{on: [15/12], inclusive: true}", "year", "31/12/2027", "31/12/2027")
    assert got == {"2026": D(2026, 12, 15), "2027": D(2027, 12, 15)}


def test_every_n_months_from_an_anchor():
    ob = QUARTERLY.replace("every: quarter", "every: {months: 4, anchor: 01/03/2026}").replace("  from: 01/01/2026\n", "")
    ob = ob.replace('deadline: {day_of_last_month: 20, inclusive: true, text: "trước ngày 20 của tháng cuối quý"}', "deadline: {days_after_end: 0, inclusive: true}")
    ev = run(ob, "", "01/08/2026")
    assert [(v.period, v.due) for v in ev.verdicts if v.unit == "w1"] == [("2026-03-01/P4M", D(2026, 6, 30)), ("2026-07-01/P4M", D(2026, 10, 31))]


def test_kinds_receive_the_period_in_their_context():
    seen = []

    class Spy:
        @hookimpl(wrapper=True)
        def nqengine_evaluate_obligation(self, obligation, units, context):
            seen.append((obligation.id, getattr(context, "period", None) and context.period.id, [u.id for u in units]))
            return (yield)

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(Spy(), "spy")
    spec = load_spec_text(HEADER + textwrap.indent(QUARTERLY, "  "), "r.yaml", pm=pm)
    nqengine.evaluate(spec, load_registry_text(REGISTRY, "reg.yaml"), [], "01/05/2026", pm=pm)
    assert seen == [("quy", "2026-Q1", ["w1", "w3"]), ("quy", "2026-Q2", ["w1", "w3"])]


# --- the spec ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change,code",
    [
        (("deadline: {day_of_last_month: 20, inclusive: true, text: \"trước ngày 20 của tháng cuối quý\"}", "deadline: {date: 31/03/2026, inclusive: true}"), "deadline_not_per_period"),
        (("  every: quarter\n  from: 01/01/2026\n  until: 31/12/2030\n  coverage: nd-09-2019\n", ""), "deadline_per_period_one_off"),
        (("every: quarter", "every: fortnight"), "not_in_choices"),
        (("coverage: nd-09-2019", "coverage: nd-09"), "not_in_choices"),
        (("until: 31/12/2030", "until: 31/12/2025"), "recurrence_until_before_from"),
        (("deadline: {day_of_last_month: 20, inclusive: true, text: \"trước ngày 20 của tháng cuối quý\"}", "deadline: {on: [31/02], inclusive: true}"), "invalid_day_month"),
        (("deadline: {day_of_last_month: 20, inclusive: true, text: \"trước ngày 20 của tháng cuối quý\"}", "deadline: {day_of_last_month: 20, days_after_end: 3, inclusive: true}"), "deadline_one_of"),
    ],
)
def test_spec_errors_are_located(change, code):
    with pytest.raises(SpecError) as exc:
        load_spec_text(HEADER + textwrap.indent(QUARTERLY.replace(*change), "  "), "r.yaml")
    problems = exc.value.problems
    assert [p.code for p in problems] == [code]
    assert problems[0].file == "r.yaml" and problems[0].line > 8


def test_from_until_coverage_without_every_are_errors():
    one_off = QUARTERLY.replace("  every: quarter\n", "").replace(
        'deadline: {day_of_last_month: 20, inclusive: true, text: "trước ngày 20 của tháng cuối quý"}', "deadline: {date: 31/03/2026, inclusive: true}")
    with pytest.raises(SpecError) as exc:
        load_spec_text(HEADER + textwrap.indent(one_off, "  "), "r.yaml")
    assert sorted(p.code for p in exc.value.problems) == ["recurrence_key_alone"] * 3
    assert "only to a recurring obligation" in exc.value.problems[0].render("en")


def test_no_deadline_may_count_from_a_recurring_obligation():
    follow = """\
- id: theo
  kind: deliverable
  title: Sau báo cáo
  clause: IV.3
  applies_to: {kinds: party_committee}
  deadline: {after: {obligation: quy}, days: 5, inclusive: true}
  deliverables: [own_plan]
"""
    with pytest.raises(SpecError) as exc:
        load_spec_text(HEADER + textwrap.indent(QUARTERLY + follow, "  "), "r.yaml")
    assert [p.code for p in exc.value.problems] == ["recurrence_relative_ref"]


def test_fact_with_a_bad_period_phrase_is_a_located_error():
    from nqengine.errors import FactsError

    with pytest.raises(FactsError) as exc:
        load_facts_text("facts:\n  - {id: r1, type: report, unit: w1, date: 01/04/2026, period: \"quý V/2026\"}\n", "f.yaml")
    text = exc.value.problems[0].render("en")
    assert text.startswith("f.yaml:2:") and "period" in text and "quarters I to IV" in text


def test_fact_period_is_stored_as_its_id():
    (fact,) = load_facts_text("facts:\n  - {id: r1, type: report, unit: w1, date: 01/04/2026, period: \"6 tháng đầu năm 2026\"}\n", "f.yaml")
    assert fact.data["period"] == "2026-H1"


def test_period_in_csv_facts(tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text("id,type,unit,date,to,via,period\nr1,report,w1,05/07/2026,btv,vp,quý II/2026\n", encoding="utf-8")
    (fact,) = nqengine.load_facts(path)
    assert fact.data["period"] == "2026-Q2"


# --- one-off obligations: units created after the due date -----------------------------------------

ONE_OFF = """\
- id: bc
  kind: report
  title: Báo cáo một lần
  clause: IV.2
  applies_to: {kinds: party_committee}
  deadline: {date: 31/03/2026, inclusive: true}
  channel: {to: btv, via: vp}
"""


def test_one_off_unit_created_after_the_due_date_owes_nothing():
    ev = run(ONE_OFF, "", "01/10/2026")
    v = ev.verdict("bc", "w2")  # created 01/07/2026, after 31/03/2026
    assert v.status == "not_applicable"
    assert v.findings[-1].code == "unit_created_after_due" and "timing" not in [f.check for f in v.findings]
    assert "25/06/2026" not in nqengine.explain(ev, "bc", "w2") and "01/07/2026" in nqengine.explain(ev, "bc", "w2")
    assert ev.verdict("bc", "w1").status == "overdue"


def test_one_off_unit_created_after_the_due_date_that_reports_anyway_is_met():
    ev = run(ONE_OFF, report("r", "w2", "10/07/2026"), "01/10/2026")
    assert ev.verdict("bc", "w2").status == "met_late"  # it did it: the status says when, against the plan's date


def test_one_off_new_units_get_a_deadline_from_their_creation():
    ob = ONE_OFF.replace("deadline: {date: 31/03/2026, inclusive: true}", "deadline: {date: 31/03/2026, inclusive: true, new_units_days: 30}")
    ev = run(ob, "", "01/10/2026")
    v = ev.verdict("bc", "w2")
    assert (v.status, v.due) == ("overdue", D(2026, 7, 31))
    ev = run(ob, report("r", "w2", "20/07/2026"), "01/10/2026")
    assert ev.verdict("bc", "w2").status == "met"
    assert ev.verdict("bc", "w1").due == D(2026, 3, 31)  # existing units keep the plan's date


# --- incremental evaluation ---------------------------------------------------------------------


def _inc_setup(initial: str, as_of: str = "31/12/2026"):
    from nqengine.evaluation.incremental import IncrementalEvaluation

    calls: list[str] = []

    class Spy:
        @hookimpl(wrapper=True)
        def nqengine_evaluate_obligation(self, obligation, units, context):
            if context.period is not None:
                calls.append(context.period.id)
            return (yield)

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(Spy(), "spy")
    spec = load_spec_text(HEADER + textwrap.indent(QUARTERLY, "  "), "r.yaml", pm=pm)
    reg = load_registry_text(REGISTRY, "reg.yaml")
    facts = load_facts_text("facts:\n" + textwrap.indent(initial, "  "), "f.yaml", pm=pm) if initial else []
    inc = IncrementalEvaluation(spec, reg, facts, as_of, pm=pm)
    return inc, spec, reg, facts, pm, calls


def _same_as_full(inc, spec, reg, facts, pm, as_of="31/12/2026"):
    full = nqengine.evaluate(spec, reg, facts, as_of, pm=pm)
    assert inc.evaluation.verdicts == full.verdicts
    assert [(u.fact, u.code) for u in inc.evaluation.unmatched_facts] == [(u.fact, u.code) for u in full.unmatched_facts]


@pytest.mark.parametrize(
    "new,first_touched",
    [
        (report("n1", "w1", "10/09/2026", "quý III/2026"), "2026-Q3"),  # names its period
        (report("n2", "w1", "01/10/2026"), "2026-Q3"),  # the earliest open period (Q1, Q2 are met)
        (report("n3", "w1", "01/03/2026"), "2026-Q1"),  # dated before Q1's report: Q1 takes it first
        (report("n4", "w1", "10/09/2026", "quý I/2031"), None),  # outside the term: no verdict changes
    ],
)
def test_incremental_touches_only_the_periods_a_fact_can_change(new, first_touched):
    initial = report("r1", "w1", "10/03/2026") + report("r2", "w1", "10/06/2026")
    inc, spec, reg, facts, pm, calls = _inc_setup(initial)
    calls.clear()
    (fact,) = load_facts_text("facts:\n" + textwrap.indent(new, "  "), "g.yaml", pm=pm)
    inc.add_fact(fact)
    order = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    touched = sorted(set(calls), key=order.index)
    assert touched == ([] if first_touched is None else [first_touched])  # the periods after it see the same facts as before
    _same_as_full(inc, spec, reg, facts + [fact], pm)


def test_incremental_equals_full_evaluation_fact_by_fact():
    inc, spec, reg, facts, pm, _ = _inc_setup("")
    sequence = (
        report("a", "w1", "05/04/2026")
        + report("b", "w1", "20/03/2026", "quý I/2026")
        + report("c", "w2", "15/09/2026")
        + report("d", "w1", "01/07/2026", to="vp")
        + report("e", "w1", "02/07/2026")
        + report("f", "w3", "10/06/2026", "quý III/2026")
        + report("g", "w1", "10/12/2026")
    )
    added = []
    for fact in load_facts_text("facts:\n" + textwrap.indent(sequence, "  "), "g.yaml", pm=pm):
        inc.add_fact(fact)
        added.append(fact)
        _same_as_full(inc, spec, reg, added, pm)
    assert inc.verdict("quy", "w1", "2026-Q1").fulfilled_on == D(2026, 3, 20)


# --- nqengine.testing and prove -------------------------------------------------------------------

from hypothesis import Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nqengine import testing  # noqa: E402
from nqengine.testing.properties import INVARIANTS, PropertyFailure  # noqa: E402


@pytest.fixture(scope="module")
def rpm():
    return nqengine.get_plugin_manager(load_entrypoints=False)


@pytest.mark.parametrize("name", list(INVARIANTS))
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a failure is reported unshrunk: shrinking these takes minutes
@given(data=st.data())
def test_invariants_hold_on_generated_recurring_specs(name, data, rpm):
    spec = data.draw(testing.specs(rpm, recurring=True))
    inv = INVARIANTS[name]
    inv(spec, rpm, **data.draw(inv.inputs(spec, rpm)))


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_generated_recurring_specs_recur_and_compliant_facts_name_their_period(data, rpm):
    spec = data.draw(testing.specs(rpm, recurring=True, max_obligations=3))
    registry = data.draw(testing.registries(spec))
    done = data.draw(testing.compliant_facts(spec, registry, pm=rpm))
    for key, facts in done.records.items():
        ob = spec.obligation(key[0])
        assert (len(key) == 3) == (ob.recurrence is not None)
        if len(key) == 3:
            assert all(f.data["period"] == key[2] for f in facts)


def test_periods_invariant_catches_a_fact_counted_twice(rpm, monkeypatch):
    spec = load_spec_text(HEADER + textwrap.indent(QUARTERLY, "  "), "r.yaml", pm=rpm)
    reg = load_registry_text(REGISTRY, "reg.yaml")
    facts = load_facts_text("facts:\n" + textwrap.indent(report("r1", "w1", "10/03/2026"), "  "), "f.yaml", pm=rpm)
    INVARIANTS["periods"](spec, rpm, registry=reg, facts=tuple(facts), as_of=D(2026, 10, 1))  # holds
    from nqengine.evaluation import engine

    real = engine.evaluate

    def every_period_sees_every_fact(*a, **kw):  # the bug issue 15 fixed: one report fulfils every quarter
        ev = real(*a, **kw)
        ev.verdicts = [attrs_evolve(v, evidence=("r1",)) if v.unit == "w1" else v for v in ev.verdicts]
        return ev

    from attrs import evolve as attrs_evolve

    monkeypatch.setattr(engine, "evaluate", every_period_sees_every_fact)
    with pytest.raises(PropertyFailure, match="r1 counts for both 2026-Q1 and 2026-Q2"):
        INVARIANTS["periods"](spec, rpm, registry=reg, facts=tuple(facts), as_of=D(2026, 10, 1))


def test_periods_invariant_catches_a_missing_period(rpm, monkeypatch):
    spec = load_spec_text(HEADER + textwrap.indent(QUARTERLY, "  "), "r.yaml", pm=rpm)
    reg = load_registry_text(REGISTRY, "reg.yaml")
    from nqengine.evaluation import engine

    real = engine.evaluate

    def drop_w2(*a, **kw):
        ev = real(*a, **kw)
        ev.verdicts = [v for v in ev.verdicts if v.unit != "w2"]
        return ev

    monkeypatch.setattr(engine, "evaluate", drop_w2)
    with pytest.raises(PropertyFailure, match="no verdict for quy / w2 / 2026-Q3"):
        INVARIANTS["periods"](spec, rpm, registry=reg, facts=(), as_of=D(2026, 10, 1))


def test_prove_on_the_gia_lai_plan(rpm):
    from pathlib import Path

    from nqengine.testing.prove import prove

    spec = nqengine.load_spec(Path(__file__).resolve().parent.parent / "specs" / "gia-lai-ctr-01", pm=rpm)
    report = prove(spec, rpm, seed=15, max_examples=8)
    failed = [o for o in report.outcomes if o.failure is not None]
    assert not failed, [(o.name, str(o.failure)) for o in failed]
    assert "periods" in {o.name for o in report.outcomes}


def test_a_unit_named_as_typed_gets_its_warning_in_a_recurring_obligation_too():
    # issue 11, item 3: the period's verdicts are finished like one-off verdicts (names matched as typed)
    ev = run(QUARTERLY, "- {id: q1, type: report, unit: dang bo PHUONG mot, date: 10/03/2026, to: btv, via: vp}\n", "01/04/2026")
    v = next(v for v in ev.verdicts if (v.unit, v.period) == ("w1", "2026-Q1"))
    assert v.evidence == ("q1",)
    (warning,) = [f for f in v.findings if f.code == "fact_unit_name_matched"]
    assert warning.params == {"fact": "q1", "written": "dang bo PHUONG mot", "name": "Đảng bộ phường Một", "id": "w1"}
