"""Issue 10, items 5-10: rules real plans state that the format could not say before.

Session length (5), events spanning days (6), several presenters and presenter
rules across units (7), level and depth selectors (8), roll-up thresholds (9),
interpretations on any rule (10).  Deadline phrases (11) are in test_dates.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import REGISTRY, run, spec
from test_kinds import STUDY, session, status

from nqengine.errors import FactsError, SpecError
from nqengine.lengths import in_sessions, parse_length

LONG = STUDY.replace("  sessions: 1\n", "  sessions: 1\n  length: {min: 01 ngày, clause: c2}\n")


class TestSessionLength:
    def test_parse_and_convert(self):
        assert parse_length("01 ngày") == (1.0, "day")
        assert parse_length("02 Ngày") == (2.0, "day")
        assert parse_length("1,5 giờ") == (1.5, "hour")
        assert parse_length("01 buổi") == (1.0, "session")
        assert in_sessions("01 ngày") == 2.0
        assert in_sessions("01 ngày", day=3) == 3.0
        assert in_sessions("6 giờ") == 1.5
        with pytest.raises(ValueError):
            parse_length("một ngày")

    def test_a_day_is_two_sessions_by_default(self):
        v = run(LONG, session(extra="length: 02 buổi"), "20/10/2020").verdict("s", "w1")
        assert v.status == "met"
        assert "1 ngày = 2 buổi" in v.interpretation  # the default reading, carried by the verdict

    def test_a_session_shorter_than_required_does_not_count(self):
        ev = run(LONG, session(extra="length: 01 buổi"), "20/10/2020")
        v = ev.verdict("s", "w1")
        assert v.status == "pending"
        assert [(f.outcome, f.code, f.params["length"]) for f in v.findings if f.check == "length"] == [("fail", "length_short", "01 buổi")]
        assert status(run(LONG, session(extra="length: 01 buổi"), "31/10/2020")) == "violated"

    def test_a_length_not_recorded_is_unknown_not_one(self):
        v = run(LONG, session(), "20/10/2020").verdict("s", "w1")
        assert v.status == "indeterminate"
        assert [(f.outcome, f.code) for f in v.findings if f.check == "length"] == [("unknown", "length_missing")]

    def test_the_spec_overrides_and_cites_the_reading(self):
        own = STUDY.replace("  sessions: 1\n", "  sessions: 1\n  length: {min: 01 ngày, day: 3, interpretation: 'Kế hoạch tính 1 ngày = 3 buổi', clause: c2}\n")
        assert status(run(own, session(extra="length: 02 buổi"), "20/10/2020")) == "pending"
        v = run(own, session(extra="length: 03 buổi"), "20/10/2020").verdict("s", "w1")
        assert (v.status, v.interpretation) == ("met", "Kế hoạch tính 1 ngày = 3 buổi")

    def test_a_bad_length_is_located(self):
        with pytest.raises(FactsError) as info:
            run(STUDY, session(extra="length: nửa ngày"), "20/10/2020")
        assert "f.yaml:" in str(info.value) and "length" in str(info.value)


class TestEventsSpanningDays:
    def test_the_last_day_is_compared_with_the_deadline(self):
        # a two-day conference 29-31/10: the deadline "before 31/10" is missed, on its last day
        facts = session(date="29/10/2020", extra="until: 31/10/2020")
        v = run(STUDY, facts, "05/11/2020").verdict("s", "w1")
        assert (v.status, v.fulfilled_on) == ("met_late", dt.date(2020, 10, 31))
        on_time = run(STUDY, session(date="28/10/2020", extra="until: 29/10/2020"), "05/11/2020").verdict("s", "w1")
        assert (on_time.status, on_time.fulfilled_on) == ("met", dt.date(2020, 10, 29))

    def test_an_event_not_over_on_the_evaluation_date_has_not_happened(self):
        ev = run(STUDY, session(date="29/10/2020", extra="until: 31/10/2020"), "30/10/2020")
        assert ev.verdict("s", "w1").status == "due_soon"
        assert [u.code for u in ev.unmatched_facts] == ["fact_after_as_of"]

    def test_until_before_date_is_an_error(self):
        with pytest.raises(FactsError) as info:
            run(STUDY, session(date="29/10/2020", extra="until: 28/10/2020"), "30/10/2020")
        assert "f.yaml:" in str(info.value)


LEVELS_REGISTRY = """\
units:
  - {id: tw, name: Ban Chấp hành Trung ương, kind: central_committee}
  - {id: tinh, name: Tỉnh ủy Một, kind: provincial_committee, parent: tw}
  - {id: btg-tinh, name: Ban Tuyên giáo Tỉnh ủy, kind: party_board, parent: tinh}
  - {id: huyen, name: Huyện ủy Một, kind: district_committee, parent: tinh, valid_to: 30/06/2025}
  - {id: x1, name: Đảng bộ xã Một, kind: party_committee, sector: commune, parent: tinh}
  - {id: x2, name: Đảng bộ xã Hai, kind: party_committee, sector: commune, parent: huyen}
  - {id: cb1, name: Chi bộ thôn Một, kind: subordinate_cell, parent: x1}
  - {id: tinh2, name: Tỉnh ủy Hai, kind: provincial_committee, parent: tw}
  - {id: x3, name: Đảng bộ xã Ba, kind: party_committee, sector: commune, parent: tinh2}
"""


def _selected(selector: str, as_of: str = "01/01/2025") -> list[str]:
    ob = f"""
- id: d
  kind: duty
  title: Trách nhiệm
  clause: c1
  applies_to: {selector}
"""
    return [v.unit for v in run(ob, "", as_of, LEVELS_REGISTRY).verdicts]


class TestLevels:
    def test_levels_from_kinds_and_superiors(self):
        from helpers import registry

        reg = registry(LEVELS_REGISTRY)
        assert {u: reg.units[u].level for u in reg.units} == {
            "tw": "central", "tinh": "provincial", "btg-tinh": "provincial", "huyen": "district",
            "x1": "grassroots", "x2": "grassroots", "cb1": "cell", "tinh2": "provincial", "x3": "grassroots",
        }
        assert reg.units["cb1"].ancestors == ("x1", "tinh", "tw")

    def test_selectors(self):
        assert _selected("{kinds: provincial_committee}") == ["tinh", "tinh2"]
        assert _selected("{levels: district, under: tinh}") == ["huyen"]
        assert _selected("{under: tinh}") == ["btg-tinh", "cb1", "huyen", "x1", "x2"]  # verdicts in unit-id order
        assert _selected("{under: tinh, depth: 1, kinds: party_committee}") == ["x1"]
        assert _selected("{under: tinh, depth: 2}") == ["cb1", "x2"]
        assert _selected("{levels: [grassroots, cell], under: tw}") == ["cb1", "x1", "x2", "x3"]
        assert _selected("{levels: grassroots, under: tinh}", "01/09/2025") == ["x1", "x2"]

    def test_depth_needs_under(self):
        with pytest.raises(SpecError) as info:
            spec("""
- id: d
  kind: duty
  title: Trách nhiệm
  clause: c1
  applies_to: {depth: 1}
""")
        assert "depth" in str(info.value) and "under" in str(info.value)

    def test_an_unknown_successor_is_located(self):
        from helpers import registry

        from nqengine.errors import RegistryError

        with pytest.raises(RegistryError) as info:
            registry(REGISTRY.replace("valid_to: 30/09/2020}", "valid_to: 30/09/2020, succeeded_by: btgg}"))
        assert "succeeded_by" in str(info.value) and "btg" in str(info.value)


class TestInterpretations:
    def test_a_rule_interpretation_is_carried_by_every_verdict(self):
        ob = STUDY.replace("  audience: {categories: [dang_vien, cong_chuc], coverage: 1.0, clause: c3}\n",
                           "  audience: {categories: [dang_vien, cong_chuc], coverage: 1.0, clause: c3, interpretation: 'Toàn thể được hiểu là mọi đảng viên và công chức'}\n")
        ev = run(ob, session(), "20/10/2020")
        assert {v.interpretation for v in ev.verdicts} == {"Toàn thể được hiểu là mọi đảng viên và công chức"}

    def test_with_a_deadline_interpretation_both_are_carried(self):
        ob = STUDY.replace("  deadline: {date: 31/10/2020, inclusive: false, clause: c2}\n",
                           "  deadline: {date: 31/10/2020, inclusive: false, clause: c2, interpretation: kịp thời}\n")
        ob = ob.replace("    clause: c3\n  content:", "    clause: c3\n    interpretation: Phó Bí thư được coi là đủ\n  content:")
        v = run(ob, session(), "20/10/2020").verdict("s", "w1")
        assert v.interpretation == "kịp thời / Phó Bí thư được coi là đủ"


PRESENTERS_REGISTRY = REGISTRY.replace("people:\n", """people:
  - id: ubtv
    name: Phạm Văn Thường Vụ
    roles: [{unit: btv, role: member}]
  - id: bcv-tw
    name: Đỗ Thị Trung Ương
    qualifications: [{kind: reporter, body: tw, term: XIV}]
""")

ANY_OF = STUDY.replace("""    qualifications: [{kind: reporter, body: city, term: XXI}]
    clause: c3
  content:""", """    qualifications: [{kind: reporter, body: city, term: XXI}]
    any_of:
      - {roles: [member], bodies: [btv]}
      - {roles: [secretary], any_qualification: [{kind: reporter, body: city}, {kind: reporter, body: tw}]}
    clause: c3
  content:""")


class TestPresenters:
    def test_a_member_of_a_higher_body_qualifies_through_an_alternative(self):
        assert status(run(ANY_OF, session(presenter="ubtv"), "20/10/2020", PRESENTERS_REGISTRY)) == "met"
        # without the alternative the same person is not allowed
        assert status(run(STUDY, session(presenter="ubtv"), "31/10/2020", PRESENTERS_REGISTRY)) == "violated"

    def test_none_of_the_alternatives(self):
        v = run(ANY_OF, session(presenter="dep"), "31/10/2020", PRESENTERS_REGISTRY).verdict("s", "w1")
        assert v.status == "violated"
        assert [(f.outcome, f.code) for f in v.findings if f.check == "presenter"] == [("fail", "presenter_no_alternative")]

    def test_several_presenters_each_must_qualify(self):
        ok = session(presenter=None, extra="presenters: [sec, ubtv]")
        assert status(run(ANY_OF, ok, "20/10/2020", PRESENTERS_REGISTRY)) == "met"
        bad = session(presenter=None, extra="presenters: [sec, dep]")
        v = run(ANY_OF, bad, "31/10/2020", PRESENTERS_REGISTRY).verdict("s", "w1")
        assert v.status == "violated"
        assert [f.params["presenter"] for f in v.findings if f.check == "presenter"] == ["Trần Thị Phó"]
        unknown = session(presenter=None, extra="presenters: [sec, ai-do]")
        assert status(run(ANY_OF, unknown, "20/10/2020", PRESENTERS_REGISTRY)) == "indeterminate"

    def test_any_qualification_is_an_or(self):
        either = STUDY.replace("    qualifications: [{kind: reporter, body: city, term: XXI}]\n",
                               "    any_qualification: [{kind: reporter, body: city}, {kind: reporter, body: tw}]\n")
        assert status(run(either, session(presenter="sec"), "20/10/2020")) == "met"  # a city reporter
        assert status(run(either, session(presenter="dep"), "31/10/2020")) == "violated"  # neither


ROLLUP_REGISTRY = """\
units:
  - {id: tinh, name: Tỉnh ủy Một, kind: provincial_committee}
  - {id: x1, name: Đảng bộ xã Một, kind: party_committee, sector: commune, parent: tinh, audience: {dang_vien: 10}}
  - {id: x2, name: Đảng bộ phường Hai, kind: party_committee, sector: ward, parent: tinh, audience: {dang_vien: 30}}
  - {id: x3, name: Đảng bộ xã Ba, kind: party_committee, sector: commune, parent: tinh, audience: {dang_vien: 60}}
  - {id: cb, name: Chi bộ thôn, kind: subordinate_cell, parent: x3, audience: {dang_vien: 5}}
people: []
"""

ROLLUP = """
- id: s
  kind: study_session
  title: Học tập
  clause: c1
  applies_to: {kinds: party_committee}
  deadline: {date: 31/03/2026, inclusive: true}
  audience: {categories: [dang_vien], coverage: 0.9}
- id: r
  kind: rollup
  title: Tỷ lệ toàn tỉnh
  clause: c2
  applies_to: {kinds: provincial_committee}
  deadline: {date: 31/03/2026, inclusive: true}
  rollup: {of: s, figure: FIGURE, threshold: THRESHOLD, clause: c2, interpretation: "Tính trên các đảng bộ xã, phường"}
"""

ROLLUP_FACTS = (
    "- {id: a, type: session, unit: x1, date: 01/03/2026, attendance: {dang_vien: 10}}\n"
    "- {id: b, type: session, unit: x2, date: 05/03/2026, attendance: {dang_vien: 20}}\n"
    "- {id: c, type: session, unit: x3, date: 10/03/2026, attendance: {dang_vien: 55}}\n"
    "- {id: d, type: session, unit: cb, date: 10/03/2026, attendance: {dang_vien: 5}}\n"
)


class TestRollup:
    def plan(self, figure, threshold):
        return ROLLUP.replace("FIGURE", figure).replace("THRESHOLD", str(threshold))

    def test_units_done(self):
        # x1 (10/10) and x3 (55/60 >= 90%) are met; x2 (20/30) is not: 2 of 3
        ev = run(self.plan("units_done", 0.6), ROLLUP_FACTS, "20/03/2026", ROLLUP_REGISTRY)
        v = ev.verdict("r", "tinh")
        f = [f for f in v.findings if f.check == "rollup"][0]
        assert (f.params["reached"], f.params["total"], f.params["target"]) == (2, 3, 2)
        assert (v.status, v.fulfilled_on) == ("met", dt.date(2026, 3, 10))
        assert v.interpretation == "Tính trên các đảng bộ xã, phường"
        late = run(self.plan("units_done", 1.0), ROLLUP_FACTS, "01/04/2026", ROLLUP_REGISTRY).verdict("r", "tinh")
        assert late.status == "violated"  # 2 of 3 once the deadline has passed

    def test_party_members_summed_over_the_units_below(self):
        # counted sessions only: 10 + 20 + 55 = 85 of 100 (the cell's session is not x3's)
        ev = run(self.plan("party_members", 0.85), ROLLUP_FACTS, "20/03/2026", ROLLUP_REGISTRY)
        v = ev.verdict("r", "tinh")
        f = [f for f in v.findings if f.check == "rollup"][0]
        assert (f.params["reached"], f.params["total"], f.params["rate"]) == (85, 100, "85.0%")
        assert (v.status, v.fulfilled_on) == ("met", dt.date(2026, 3, 10))
        short = run(self.plan("party_members", 0.9), ROLLUP_FACTS, "20/03/2026", ROLLUP_REGISTRY).verdict("r", "tinh")
        assert short.status == "pending"
        assert [(f.outcome, f.code) for f in short.findings if f.check == "rollup"] == [("partial", "rollup_short")]

    def test_nothing_below_is_indeterminate(self):
        plan = self.plan("units_done", 0.5).replace("{kinds: provincial_committee}", "{units: [x1]}")
        assert run(plan, ROLLUP_FACTS, "20/03/2026", ROLLUP_REGISTRY).verdict("r", "x1").status == "indeterminate"


def test_attendance_rows_of_a_two_day_session_may_carry_any_of_its_days():
    rows = (
        session(date="29/10/2020", attendance=None, extra="until: 30/10/2020")
        + "".join(f"- {{type: attendance, unit: w1, date: {d}, session: f1, member: m{i}, category: dang_vien}}\n"
                  for i, d in enumerate(["29/10/2020"] * 5 + ["30/10/2020"] * 5))
        + "".join(f"- {{type: attendance, unit: w1, date: 30/10/2020, session: f1, member: c{i}, category: cong_chuc}}\n" for i in range(4))
    )
    v = run(STUDY, rows, "05/11/2020").verdict("s", "w1")
    assert (v.status, v.fulfilled_on) == ("met", dt.date(2020, 10, 30))
    with pytest.raises(FactsError):
        run(STUDY, rows.replace("date: 30/10/2020, session: f1, member: c0", "date: 31/10/2020, session: f1, member: c0"), "05/11/2020")
