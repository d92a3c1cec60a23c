"""Deadline arithmetic: inclusivity, month and quarter ends, leap years, working days around Tết."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import registry, spec

import nqengine
from nqengine.evaluation.engine import Context, decide_status
from nqengine.model import Finding

D = dt.date


def due_of(deadline: str, as_of: str = "01/01/2020", events: str = "", overrides: str = "", unit: str = "w1"):
    header = None
    if events or overrides:
        from helpers import HEADER

        header = HEADER.replace("events: {ev: 01/10/2020, tet: 24/01/2020}", f"events: {{{events}}}")
        if overrides:
            header = header.replace("obligations:\n", f"calendar_overrides: {overrides}\nobligations:\n")
    ob = f"""
- id: o
  kind: deliverable
  title: T
  clause: c1
  applies_to: {{units: [w1]}}
  deadline: {deadline}
  deliverables: [own_plan]
"""
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(ob, pm, header) if header else spec(ob, pm)
    from nqengine.plugins import catalogue_for

    ctx = Context(s, registry(), [], nqengine.dates.parse_date(as_of), catalogue_for(pm))
    return ctx.due(s.obligations[0], ctx.registry.units[unit])


@pytest.mark.parametrize(
    "deadline,expected",
    [
        ("{date: 31/10/2020, inclusive: false}", D(2020, 10, 30)),
        ("{date: 31/10/2020, inclusive: true}", D(2020, 10, 31)),
        ("{date: 2020-10-31, inclusive: true}", D(2020, 10, 31)),
        ("{date: 01/03/2020, inclusive: false}", D(2020, 2, 29)),  # leap year
        ("{date: 01/03/2021, inclusive: false}", D(2021, 2, 28)),
        ("{date: 01/03/2100, inclusive: false}", D(2100, 2, 28)),  # 2100 is not a leap year
        ("{date: 01/01/2021, inclusive: false}", D(2020, 12, 31)),  # year end
        ('{date: "tháng 2/2024", inclusive: true}', D(2024, 2, 29)),
        ('{date: "trong tháng 1/2021", inclusive: true}', D(2021, 1, 31)),
        ('{date: "cuối tháng 4/2021", inclusive: true}', D(2021, 4, 30)),
        ('{date: "quý I/2021", inclusive: true}', D(2021, 3, 31)),
        ('{date: "Q4/2020", inclusive: true}', D(2020, 12, 31)),
        ('{date: "end of month 2/2023", inclusive: true}', D(2023, 2, 28)),
    ],
)
def test_absolute(deadline, expected):
    assert due_of(deadline) == expected


@pytest.mark.parametrize(
    "event,days,working,inclusive,expected",
    [
        ("01/10/2020", 5, "false", "true", D(2020, 10, 6)),
        ("01/10/2020", 5, "false", "false", D(2020, 10, 5)),
        ("01/10/2020", 5, "true", "true", D(2020, 10, 8)),  # Thu -> Fri, Mon..Thu
        ("28/02/2020", 1, "false", "true", D(2020, 2, 29)),
        ("28/02/2021", 1, "false", "true", D(2021, 3, 1)),
        ("31/01/2021", 30, "false", "true", D(2021, 3, 2)),
        # Tết Canh Tý 2020: 23–29/01 off; Wednesday 22/01 + 1 working day = Thursday 30/01
        ("22/01/2020", 1, "true", "true", D(2020, 1, 30)),
        ("22/01/2020", 3, "true", "true", D(2020, 2, 3)),
        # Tết Bính Ngọ 2026: 14–22/02 off by the government's decision (an override)
        ("13/02/2026", 1, "true", "true", D(2026, 2, 23)),
        # 30/4 and 1/5 2020 (Thu, Fri) off
        ("29/04/2020", 1, "true", "true", D(2020, 5, 4)),
        # 2/9/2024 with 31/08–03/09 off
        ("30/08/2024", 1, "true", "true", D(2024, 9, 4)),
    ],
)
def test_relative_to_event(event, days, working, inclusive, expected):
    deadline = f"{{after: {{event: e}}, days: {days}, working_days: {working}, inclusive: {inclusive}}}"
    assert due_of(deadline, events=f"e: {event}") == expected


def test_per_year_override_in_the_spec():
    deadline = "{after: {event: e}, days: 1, working_days: true, inclusive: true}"
    # Make Friday 02/10/2020 a day off and Saturday 03/10/2020 a working day.
    overrides = "{2020: {days_off: [02/10/2020], working_days: [03/10/2020]}}"
    assert due_of(deadline, events="e: 01/10/2020", overrides=overrides) == D(2020, 10, 3)
    assert due_of(deadline, events="e: 01/10/2020") == D(2020, 10, 2)


def test_weekends_do_not_move_a_date_deadline():
    # 31/10/2020 is a Saturday: Party events ignore weekends; the date stays.
    assert due_of("{date: 01/11/2020, inclusive: false}") == D(2020, 10, 31)


def test_event_recorded_per_unit_overrides_the_spec():
    from nqengine.inputs import load_facts_text

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(
        """
- id: o
  kind: deliverable
  title: T
  clause: c1
  applies_to: {units: [w1]}
  deadline: {after: {event: ev}, days: 2, inclusive: true}
  deliverables: [own_plan]
""",
        pm,
    )
    facts = load_facts_text("facts:\n  - {id: e1, type: event, unit: w1, date: 10/10/2020, name: ev}\n", "f.yaml", pm)
    ev = nqengine.evaluate(s, registry(), facts, "11/10/2020", pm=pm)
    v = ev.verdict("o", "w1")
    assert v.due == D(2020, 10, 12)
    assert v.evidence == ("e1",) and ev.unmatched_facts == []  # the event fact is the evidence of the date it sets


@pytest.mark.parametrize(
    "as_of,expected",
    [("20/10/2020", "pending"), ("23/10/2020", "due_soon"), ("30/10/2020", "due_soon"), ("31/10/2020", "overdue")],
)
def test_status_window(as_of, expected):
    assert decide_status([], None, D(2020, 10, 30), nqengine.dates.parse_date(as_of), 7) == expected


def test_status_precedence():
    due, as_of = D(2020, 10, 30), D(2020, 10, 20)
    fail = Finding("x", "fail", "c")
    unknown = Finding("x", "unknown", "c")
    partial = Finding("x", "partial", "c")
    # issue 10: before the due date a failed check can still be put right
    assert decide_status([fail, unknown], None, due, as_of, 7) == "indeterminate"
    assert decide_status([fail], None, due, as_of, 7) == "pending"
    assert decide_status([fail], None, due, D(2020, 10, 25), 7) == "due_soon"
    assert decide_status([fail], None, due, due, 7) == "due_soon"
    assert decide_status([fail], None, due, D(2020, 10, 31), 7) == "violated"
    assert decide_status([fail, unknown], None, due, D(2020, 10, 31), 7) == "violated"
    assert decide_status([fail], None, None, D(2020, 10, 31), 7) == "pending"
    assert decide_status([], None, due, D(2020, 10, 31), 7) == "overdue"
    assert decide_status([fail], D(2020, 10, 1), due, as_of, 7) == "violated"
    assert decide_status([unknown], None, due, as_of, 7) == "indeterminate"
    assert decide_status([unknown], D(2020, 10, 1), due, as_of, 7) == "met"
    assert decide_status([partial], None, due, as_of, 7) == "pending"
    assert decide_status([partial], None, due, D(2020, 11, 1), 7) == "violated"
    assert decide_status([], D(2020, 10, 31), due, D(2020, 11, 1), 7) == "met_late"
    assert decide_status([], D(2020, 10, 31), None, D(2020, 11, 1), 7) == "met"


def test_interpretation_carries_through_relative_deadlines():
    from helpers import run

    obligations = """
- id: a
  kind: deliverable
  title: A
  clause: c1
  applies_to: {units: [w1]}
  deadline: {date: 31/10/2020, inclusive: true, interpretation: "kịp thời: lấy 31/10"}
  deliverables: [own_plan]
- id: b
  kind: deliverable
  title: B
  clause: c2
  applies_to: {units: [w1]}
  deadline: {after: {obligation: a, point: due}, days: 3, inclusive: true}
  deliverables: [dedicated_column]
"""
    ev = run(obligations, "", "01/10/2020")
    assert ev.verdict("b", "w1").interpretation == "kịp thời: lấy 31/10"
    assert ev.verdict("b", "w1").due == D(2020, 11, 3)
    # its own reading first, then the one it rests on; a deadline counted from a *fulfilment* rests on none
    more = obligations + """
- id: c
  kind: deliverable
  title: C
  clause: c3
  applies_to: {units: [w1]}
  deadline: {after: {obligation: b, point: due}, days: 1, inclusive: true, interpretation: "ngày làm việc kế tiếp"}
  deliverables: [own_plan]
- id: d
  kind: deliverable
  title: D
  clause: c3
  applies_to: {units: [w1]}
  deadline: {after: {obligation: a, point: fulfilled}, days: 1, inclusive: true}
  deliverables: [own_plan]
"""
    ev = run(more, "", "01/10/2020")
    assert ev.verdict("c", "w1").interpretation == "ngày làm việc kế tiếp / kịp thời: lấy 31/10"
    assert ev.verdict("d", "w1").interpretation is None
    # asked again (a plugin may), the same text
    from nqengine.evaluation.engine import Context

    ctx = Context(ev.spec, ev.registry, [], ev.as_of, ev.catalogue)
    c = ev.spec.obligation("c")
    assert ctx.interpretation(c) == ctx.interpretation(c) == "ngày làm việc kế tiếp / kịp thời: lấy 31/10"
