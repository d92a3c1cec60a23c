"""Each built-in obligation kind, on small inline specs."""

from __future__ import annotations

import datetime as dt

from helpers import run

STUDY = """
- id: s
  kind: study_session
  title: Học tập
  clause: c1
  applies_to: {kinds: party_committee}
  deadline: {date: 31/10/2020, inclusive: false, clause: c2}
  sessions: 1
  audience: {categories: [dang_vien, cong_chuc], coverage: 1.0, clause: c3}
  presenter:
    roles: [secretary, deputy_secretary]
    qualifications: [{kind: reporter, body: city, term: XXI}]
    clause: c3
  content: {required: [core], clause: c1}
  materials: {required: [vk], clause: c1}
  exceptions:
    - when: {sectors: [agency]}
      clause: c3
      set: {presenter: {roles: [secretary], clause: c3}}
"""

FULL_W1 = "{dang_vien: 10, cong_chuc: 4}"


def session(unit="w1", date="10/10/2020", presenter="sec", attendance=FULL_W1, content="[core]", materials="[vk]", fid="f1", extra=""):
    parts = [f"id: {fid}", "type: session", f"unit: {unit}", f"date: {date}"]
    if presenter is not None:
        parts.append(f"presenter: {presenter}")
    if attendance is not None:
        parts.append(f"attendance: {attendance}")
    if content is not None:
        parts.append(f"content: {content}")
    if materials is not None:
        parts.append(f"materials: {materials}")
    if extra:
        parts.append(extra)
    return "- {" + ", ".join(parts) + "}\n"


def status(ev, unit="w1", ob="s"):
    return ev.verdict(ob, unit).status


class TestStudySession:
    def test_met_on_time(self):
        ev = run(STUDY, session(), "20/10/2020")
        v = ev.verdict("s", "w1")
        assert (v.status, v.fulfilled_on, v.due, v.evidence) == ("met", dt.date(2020, 10, 10), dt.date(2020, 10, 30), ("f1",))
        assert {f.check: f.outcome for f in v.findings} == {
            "sessions": "pass", "audience": "pass", "presenter": "pass", "content": "pass", "materials": "pass", "timing": "pass",
        }

    def test_exclusive_deadline_day_itself_is_late(self):
        assert status(run(STUDY, session(date="31/10/2020"), "01/11/2020")) == "met_late"
        assert status(run(STUDY, session(date="30/10/2020"), "01/11/2020")) == "met"

    def test_pending_due_soon_overdue(self):
        assert status(run(STUDY, "", "22/10/2020")) == "pending"
        assert status(run(STUDY, "", "23/10/2020")) == "due_soon"  # 7 days before 30/10
        assert status(run(STUDY, "", "30/10/2020")) == "due_soon"
        assert status(run(STUDY, "", "31/10/2020")) == "overdue"

    def test_presenter_without_qualification_is_pending_then_violated(self):
        # issue 10: before the due date a wrong presenter can still be put right (a conforming session)
        ev = run(STUDY, session(presenter="dep"), "20/10/2020")
        v = ev.verdict("s", "w1")
        assert v.status == "pending"
        f = [f for f in v.findings if f.check == "presenter"][0]
        assert (f.outcome, f.code, f.params["presenter"]) == ("fail", "presenter_qualification", "Trần Thị Phó")
        assert [(f.outcome, f.code) for f in v.findings if f.check == "sessions"] == [("info", "sessions_not_counted")]
        assert status(run(STUDY, session(presenter="dep"), "25/10/2020")) == "due_soon"
        late = run(STUDY, session(presenter="dep"), "31/10/2020").verdict("s", "w1")
        assert late.status == "violated"
        assert [f.code for f in late.findings if f.check == "presenter"] == ["presenter_qualification"]

    def test_presenter_by_name_nfd_and_case(self):
        import unicodedata

        name = unicodedata.normalize("NFD", "nguyễn văn bí thư")
        assert status(run(STUDY, session(presenter=f'"{name}"'), "20/10/2020")) == "met"

    def test_presenter_unknown_or_missing_is_indeterminate(self):
        assert status(run(STUDY, session(presenter="Ai Đó"), "20/10/2020")) == "indeterminate"
        assert status(run(STUDY, session(presenter=None), "20/10/2020")) == "indeterminate"

    def test_exception_for_agency_needs_only_the_secretary(self):
        ev = run(STUDY, session(unit="a1", presenter="asec", attendance="{dang_vien: 5}"), "20/10/2020")
        assert status(ev, "a1") == "met"

    def test_role_validity_dates(self):
        # asec stopped being secretary on 10/10/2020
        ev = run(STUDY, session(unit="a1", date="11/10/2020", presenter="asec", attendance="{dang_vien: 5}"), "31/10/2020")
        v = ev.verdict("s", "a1")
        assert v.status == "violated"
        assert [f.code for f in v.findings if f.check == "presenter"] == ["presenter_role"]

    def test_audience_short_is_pending_before_and_violated_after_deadline(self):
        facts = session(attendance="{dang_vien: 9, cong_chuc: 4}")
        assert status(run(STUDY, facts, "20/10/2020")) == "pending"
        assert status(run(STUDY, facts, "01/11/2020")) == "violated"

    def test_make_up_session_completes_coverage(self):
        facts = session(attendance="{dang_vien: 9, cong_chuc: 4}") + session(fid="f2", date="15/10/2020", attendance="{dang_vien: 1}")
        v = run(STUDY, facts, "01/11/2020").verdict("s", "w1")
        assert (v.status, v.fulfilled_on) == ("met", dt.date(2020, 10, 15))

    def test_attendance_above_headcount_is_capped(self):
        v = run(STUDY, session(attendance="{dang_vien: 50, cong_chuc: 4}"), "20/10/2020").verdict("s", "w1")
        aud = [f for f in v.findings if f.check == "audience"][0]
        assert aud.details["dang_vien"] == {"attended": 10, "headcount": 10, "target": 10}

    def test_missing_attendance_is_indeterminate(self):
        assert status(run(STUDY, session(attendance=None), "20/10/2020")) == "indeterminate"

    def test_content_and_materials(self):
        assert status(run(STUDY, session(content="[other]"), "20/10/2020")) == "pending"
        assert status(run(STUDY, session(content="[other]"), "31/10/2020")) == "violated"
        assert status(run(STUDY, session(materials="[]"), "31/10/2020")) == "violated"
        assert status(run(STUDY, session(content=None), "20/10/2020")) == "indeterminate"

    def test_a_conforming_session_overrides_an_earlier_bad_one(self):
        facts = session(presenter="dep") + session(fid="f2", date="12/10/2020")
        v = run(STUDY, facts, "20/10/2020").verdict("s", "w1")
        assert (v.status, v.evidence) == ("met", ("f1", "f2"))
        assert [f.outcome for f in v.findings if f.check == "presenter"] == ["info", "pass"]

    def test_two_sessions_required(self):
        two = STUDY.replace("sessions: 1", "sessions: 2")
        assert status(run(two, session(), "20/10/2020")) == "pending"
        assert status(run(two, session(), "01/11/2020")) == "violated"
        assert status(run(two, session(extra="sessions: 2"), "20/10/2020")) == "met"

    def test_coverage_share(self):
        half = STUDY.replace("coverage: 1.0", "coverage: 0.5")
        assert status(run(half, session(attendance="{dang_vien: 5, cong_chuc: 2}"), "20/10/2020")) == "met"
        assert status(run(half, session(attendance="{dang_vien: 4, cong_chuc: 2}"), "20/10/2020")) == "pending"


DISSEMINATION = """
- id: d
  kind: dissemination
  title: Tuyên truyền
  clause: c1
  applies_to: {kinds: mass_organisation}
  deadline: {date: 15/11/2020, inclusive: false}
  audiences: {required: [members, people]}
"""


class TestDissemination:
    def test_met_when_all_audiences_reached(self):
        facts = "- {id: a, type: dissemination, unit: m1, date: 01/10/2020, audiences: [members]}\n- {id: b, type: dissemination, unit: m1, date: 05/10/2020, audiences: [people]}\n"
        v = run(DISSEMINATION, facts, "20/10/2020").verdict("d", "m1")
        assert (v.status, v.fulfilled_on, v.evidence) == ("met", dt.date(2020, 10, 5), ("a", "b"))

    def test_partial_then_violated(self):
        facts = "- {id: a, type: dissemination, unit: m1, date: 01/10/2020, audiences: [members]}\n"
        assert run(DISSEMINATION, facts, "20/10/2020").verdict("d", "m1").status == "pending"
        assert run(DISSEMINATION, facts, "15/11/2020").verdict("d", "m1").status == "violated"

    def test_unknown_audience(self):
        facts = "- {id: a, type: dissemination, unit: m1, date: 01/10/2020}\n"
        assert run(DISSEMINATION, facts, "20/10/2020").verdict("d", "m1").status == "indeterminate"


REPORT = """
- id: s
  kind: deliverable
  title: Kế hoạch riêng
  clause: c1
  applies_to: {units: w1}
  deadline: {date: 31/10/2020, inclusive: true}
  deliverables: [own_plan]
- id: r
  kind: report
  title: Báo cáo
  clause: c2
  applies_to: {units: w1}
  deadline: {after: {obligation: s}, days: 3, working_days: true, inclusive: true, interpretation: kịp thời}
  channel: {to: btv, via: btg}
"""


class TestReport:
    def plan(self, date="01/10/2020"):  # Thursday
        return f"- {{id: p, type: deliverable, unit: w1, date: {date}, deliverable: own_plan}}\n"

    def test_due_counts_working_days_from_fulfilment(self):
        ev = run(REPORT, self.plan(), "02/10/2020")
        v = ev.verdict("r", "w1")
        assert v.due == dt.date(2020, 10, 6)  # Fri 2, Mon 5, Tue 6
        assert v.interpretation == "kịp thời"
        assert v.status == "due_soon"

    def test_met_and_wrong_channel_and_gone_recipient(self):
        ok = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: Ban Tuyên giáo}\n"
        assert run(REPORT, ok, "10/10/2020").verdict("r", "w1").status == "met"
        wrong = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv, via: vp}\n"
        assert run(REPORT, wrong, "10/10/2020").verdict("r", "w1").status == "violated"
        gone_spec = REPORT.replace("channel: {to: btv, via: btg}", "channel: {to: gone}")
        gone = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: gone}\n"
        v = run(gone_spec, gone, "10/10/2020").verdict("r", "w1")
        assert v.status == "violated"
        assert [f.code for f in v.findings if f.check == "channel"] == ["report_recipient_gone"]

    def test_no_due_until_the_reference_is_fulfilled(self):
        v = run(REPORT, "", "10/10/2020").verdict("r", "w1")
        assert (v.status, v.due) == ("pending", None)

    def test_missing_channel_is_indeterminate(self):
        facts = self.plan() + "- {id: x, type: report, unit: w1, date: 05/10/2020, to: btv}\n"
        assert run(REPORT, facts, "10/10/2020").verdict("r", "w1").status == "indeterminate"


DELIVERABLE = """
- id: d
  kind: deliverable
  title: Chuyên mục
  clause: c1
  applies_to: {units: [w1]}
  deadline: {none: true}
  deliverables: [own_plan, dedicated_column]
"""


class TestDeliverableAndDuty:
    def test_open_deadline_never_overdue(self):
        facts = "- {id: a, type: deliverable, unit: w1, date: 01/10/2020, deliverable: own_plan}\n"
        v = run(DELIVERABLE, facts, "31/12/2030").verdict("d", "w1")
        assert (v.status, v.due) == ("pending", None)

    def test_met_on_last_deliverable(self):
        facts = "- {id: a, type: deliverable, unit: w1, date: 01/10/2020, deliverable: own_plan}\n- {id: b, type: deliverable, unit: w1, date: 03/10/2020, deliverable: dedicated_column}\n"
        v = run(DELIVERABLE, facts, "05/10/2020").verdict("d", "w1")
        assert (v.status, v.fulfilled_on) == ("met", dt.date(2020, 10, 3))

    def test_duty(self):
        duty = """
- id: u
  kind: duty
  title: Theo dõi
  clause: c1
  applies_to: {units: [w1, a1]}
  evidence: supervision
"""
        ev = run(duty, "- {id: s, type: supervision, unit: w1, date: 01/10/2020, by: sec}\n", "05/10/2020")
        assert ev.verdict("u", "w1").status == "met"
        assert ev.verdict("u", "a1").status == "not_applicable"
        assert [f.code for f in ev.verdict("u", "a1").findings] == ["duty_not_recorded"]
