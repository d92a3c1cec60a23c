"""Issue 10, items 1-4: verdicts that were wrong, each pinned value by value.

1. a session counts only for the audience group it was held for;
2. an attendance rate counts only the sessions that fulfil the obligation
   (see also plugins/nqengine-attendance/tests/test_attendance.py);
3. ``violated`` means the unit can no longer comply on time: before the due
   date non-conforming evidence is ``pending``/``due_soon`` with its findings;
4. reports go to bodies that exist; the recipient decides before the channel.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import REGISTRY, run
from test_kinds import REPORT, STUDY, session, status

GROUPED = STUDY.replace("  sessions: 1\n", "  sessions: 1\n  audience_group: lecturers\n")


class TestAudienceGroup:
    def test_a_session_for_another_group_does_not_count(self):
        facts = session(extra="audience_group: press")
        v = run(GROUPED, facts, "20/10/2020").verdict("s", "w1")
        assert v.status == "pending"
        assert v.fulfilled_on is None
        assert [(f.check, f.outcome, f.code, f.params["group"], f.params["wanted"]) for f in v.findings if f.check == "audience_group"] == [
            ("audience_group", "info", "session_other_group", "press", "lecturers")
        ]
        assert "f1" not in v.evidence
        # after the due date the obligation was simply not done: overdue, not violated
        assert status(run(GROUPED, facts, "01/11/2020")) == "overdue"

    def test_a_session_for_the_group_counts(self):
        v = run(GROUPED, session(extra="audience_group: lecturers"), "20/10/2020").verdict("s", "w1")
        assert (v.status, v.fulfilled_on, v.evidence) == ("met", dt.date(2020, 10, 10), ("f1",))

    def test_a_group_session_does_not_fulfil_the_general_obligation(self):
        facts = session(extra="audience_group: key_cadres")
        assert status(run(STUDY, facts, "20/10/2020")) == "pending"
        both = facts + session(fid="f2", date="12/10/2020")
        v = run(STUDY, both, "20/10/2020").verdict("s", "w1")
        assert (v.status, v.fulfilled_on, v.evidence) == ("met", dt.date(2020, 10, 12), ("f2",))

    def test_key_cadre_attendance_does_not_count_towards_coverage(self):
        # the members' session reached 9 of 10: the key-cadre class (1 member) must not complete it
        facts = session(attendance="{dang_vien: 9, cong_chuc: 4}") + session(fid="k", date="12/10/2020", attendance="{dang_vien: 1}", extra="audience_group: key_cadres")
        v = run(STUDY, facts, "01/11/2020").verdict("s", "w1")
        assert v.status == "violated"
        aud = [f for f in v.findings if f.check == "audience"][0]
        assert aud.details["dang_vien"] == {"attended": 9, "headcount": 10, "target": 10}


class TestViolatedOnlyWhenTooLate:
    def test_wrong_presenter_and_too_few_sessions_follow_one_rule(self):
        two = STUDY.replace("sessions: 1", "sessions: 2")
        wrong = session(presenter="dep")
        short = session()
        for plan, facts in ((STUDY, wrong), (two, short)):
            assert status(run(plan, facts, "20/10/2020")) == "pending"
            assert status(run(plan, facts, "24/10/2020")) == "due_soon"
            assert status(run(plan, facts, "30/10/2020")) == "due_soon"  # the last day on time
            assert status(run(plan, facts, "31/10/2020")) == "violated"
        assert status(run(STUDY, "", "31/10/2020")) == "overdue"

    def test_the_failing_check_is_listed_while_pending(self):
        v = run(STUDY, session(presenter="dep"), "24/10/2020").verdict("s", "w1")
        assert v.status == "due_soon"
        got = [(f.check, f.outcome, f.code) for f in v.findings if f.check in ("sessions", "presenter")]
        assert got == [("sessions", "info", "sessions_not_counted"), ("presenter", "fail", "presenter_qualification")]

    def test_a_conforming_session_before_the_deadline_puts_it_right(self):
        facts = session(presenter="dep") + session(fid="f2", date="25/10/2020")
        v = run(STUDY, facts, "01/11/2020").verdict("s", "w1")
        assert (v.status, v.fulfilled_on) == ("met", dt.date(2020, 10, 25))


MERGED = REGISTRY.replace(
    "  - {id: gone, name: Ban đã giải thể, kind: party_board, parent: city, valid_to: 30/09/2020}\n",
    "  - {id: gone, name: Ban đã giải thể, kind: party_board, parent: city, valid_to: 30/09/2020, succeeded_by: btg}\n",
)


class TestReportsToBodiesThatExist:
    def plan(self):
        return "- {id: p, type: deliverable, unit: w1, date: 01/10/2020, deliverable: own_plan}\n"

    def test_report_to_a_merged_body_names_its_successor(self):
        facts = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone, via: btg}\n"
        v = run(REPORT, facts, "10/10/2020", MERGED).verdict("r", "w1")
        assert v.status == "violated"
        [f] = [f for f in v.findings if f.check == "channel"]
        assert (f.outcome, f.code, f.params["to"], f.params["successor"], f.params["gone"]) == (
            "fail", "report_recipient_merged", "Ban đã giải thể", "Ban Tuyên giáo", dt.date(2020, 9, 30)
        )

    def test_report_to_a_dissolved_body_without_successor(self):
        facts = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone, via: btg}\n"
        v = run(REPORT, facts, "10/10/2020").verdict("r", "w1")
        assert [f.code for f in v.findings if f.check == "channel"] == ["report_recipient_gone"]
        assert v.status == "violated"

    def test_wrong_recipient_decides_before_a_missing_channel(self):
        facts = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: vp}\n"
        v = run(REPORT, facts, "10/10/2020").verdict("r", "w1")
        assert [(f.outcome, f.code) for f in v.findings if f.check == "channel"] == [("fail", "report_wrong_recipient")]
        assert v.status == "violated"
        gone = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone}\n"
        assert [f.code for f in run(REPORT, gone, "10/10/2020").verdict("r", "w1").findings if f.check == "channel"] == ["report_recipient_gone"]

    def test_right_recipient_without_channel_is_still_indeterminate(self):
        facts = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv}\n"
        v = run(REPORT, facts, "10/10/2020").verdict("r", "w1")
        assert [(f.outcome, f.code) for f in v.findings if f.check == "channel"] == [("unknown", "report_channel_missing")]
        assert v.status == "indeterminate"

    def test_before_the_due_date_a_wrong_report_can_be_put_right(self):
        facts = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone, via: btg}\n"
        v = run(REPORT, facts, "05/10/2020", MERGED).verdict("r", "w1")
        assert (v.status, v.due) == ("due_soon", dt.date(2020, 10, 6))
        assert [f.code for f in v.findings if f.check == "channel"] == ["report_recipient_merged"]


# The bundled plans, re-checked verdict by verdict against the code before issue 10: these are every
# verdict that changed on the dates below (see CHANGELOG.md); the tests of each plan pin the rest.
CHANGED = [
    ("tam-ky-xxi", "15/10/2020", "study-party-committee", "p-hoa-huong", "pending"),
    ("tam-ky-xxi", "15/10/2020", "study-party-committee", "db-quan-su", "pending"),
    ("tam-ky-xxi", "25/10/2020", "study-party-committee", "p-hoa-huong", "due_soon"),
    ("tam-ky-xxi", "25/10/2020", "study-party-committee", "x-tam-thang", "due_soon"),
    ("tam-ky-xxi", "25/10/2020", "study-party-committee", "db-quan-su", "due_soon"),
    ("tam-ky-xxi", "01/11/2020", "report-results", "x-tam-thanh", "due_soon"),
    ("an-my-xxi", "25/10/2020", "study-residential-cell", "cb-kp-4", "due_soon"),
    ("an-my-xxi", "25/10/2020", "attendance-residential-cell", "cb-kp-4", "due_soon"),
    ("an-my-xxi", "30/10/2020", "study-residential-cell", "cb-kp-4", "due_soon"),
    ("an-my-xxi", "30/10/2020", "attendance-residential-cell", "cb-kp-4", "due_soon"),
    ("an-my-xxi", "01/11/2020", "study-residential-cell", "cb-kp-4", "violated"),  # unchanged once the deadline passed
    ("plugin-demo", "19/10/2020", "study-commune", "x-tam-thanh", "pending"),
    ("plugin-demo", "19/10/2020", "attendance-party-members", "x-tam-thanh", "pending"),
    ("plugin-demo", "30/10/2020", "study-commune", "x-tam-thanh", "due_soon"),
    ("plugin-demo", "30/10/2020", "attendance-party-members", "x-tam-thanh", "due_soon"),
    ("plugin-demo", "20/11/2020", "study-commune", "x-tam-thanh", "violated"),  # unchanged once the deadline passed
]


@pytest.mark.parametrize("plan,date,obligation,unit,expected", CHANGED)
def test_bundled_plans_before_their_deadlines(plan, date, obligation, unit, expected):
    from pathlib import Path

    import nqengine

    spec, registry, facts = nqengine.load_folder(Path(__file__).resolve().parent.parent / "specs" / plan)
    assert nqengine.evaluate(spec, registry, facts, date).verdict(obligation, unit).status == expected
