"""A Hypothesis state machine: whatever arrives, the served evaluation is a full evaluation of the store.

Submissions, duplicates, conflicting resubmissions, corrections, attendance
rows for sessions stored earlier, and restarts (a cold start from the store),
in any order: after each step the evaluation the service keeps in memory
(:class:`nqengine.service.evaluations.Evaluations`) renders exactly as
:meth:`nqengine.store.Store.evaluate` of everything stored.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from service_support import TAM_KY

from nqengine.errors import FactsError
from nqengine.render.formats import render_json
from nqengine.service.evaluations import Evaluations
from nqengine.store import Conflict, open_store, parse_batch
from nqengine.store.answers import evaluation_answer

SPEC = "tam-ky-xxi"
UNITS = ["p-an-my", "p-an-son", "x-tam-ngoc", "cb-nhcsxh"]
DATES = [dt.date(2020, 9, 20) + dt.timedelta(days=7 * i) for i in range(12)]  # some after the evaluation dates
AS_OFS = [dt.date(2020, 10, 15), dt.date(2020, 11, 20)]


def _fact(kind: str, fid: str, unit: str, day: dt.date) -> dict:
    base = {"id": fid, "unit": unit, "date": day.isoformat()}
    if kind == "session":
        return {**base, "type": "session", "presenter": "nv-an", "content": ["core_content", "action_programme"], "materials": ["van-kien-xxi"]}
    if kind == "report":
        return {**base, "type": "report", "to": "ban-thuong-vu", "via": "ban-tuyen-giao"}
    return {**base, "type": "deliverable", "deliverable": "own_plan"}


class ServedEqualsFull(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="nqengine-state-")
        self.url = f"sqlite:///{self.dir}/nqengine.db"
        self._open()
        self.n = 0
        self.facts: dict[str, dict] = {}  # id -> as submitted
        self.live: set[str] = set()  # not superseded
        self.sessions: list[str] = []

    def _open(self) -> None:
        self.store = open_store(self.url, pm=getattr(self, "store", None) and self.store.pm)
        self.store.add_spec(TAM_KY)
        self.served = Evaluations(self.store)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _submit(self, *facts: dict):
        return self.store.submit(SPEC, parse_batch(json.dumps({"facts": list(facts)})))

    @rule(kind=st.sampled_from(["session", "report", "deliverable"]), unit=st.sampled_from(UNITS), day=st.sampled_from(DATES))
    def submit(self, kind, unit, day):
        self.n += 1
        f = _fact(kind, f"f{self.n}", unit, day)
        assert self._submit(f).stored == [f["id"]]
        self.facts[f["id"]] = f
        self.live.add(f["id"])
        if kind == "session":
            self.sessions.append(f["id"])

    @precondition(lambda self: self.facts)
    @rule(data=st.data())
    def duplicate(self, data):
        fid = data.draw(st.sampled_from(sorted(self.facts)))
        assert self._submit(self.facts[fid]).unchanged == [fid]

    @precondition(lambda self: self.facts)
    @rule(data=st.data())
    def conflicting(self, data):
        fid = data.draw(st.sampled_from(sorted(self.facts)))
        other = dict(self.facts[fid], date="2020-12-31")
        if other == self.facts[fid]:
            return
        with pytest.raises(Conflict):
            self._submit(other)

    @precondition(lambda self: self.live)
    @rule(data=st.data(), day=st.sampled_from(DATES))
    def correct(self, data, day):
        old = data.draw(st.sampled_from(sorted(self.live)))
        self.n += 1
        new = dict(self.facts[old], id=f"f{self.n}", date=day.isoformat(), supersedes=old)
        try:
            self._submit(new)
        except FactsError as exc:  # attendance rows of a session must keep its date
            assert {p.code for p in exc.problems} <= {"attendance_date_mismatch"}
            return
        self.facts[new["id"]] = new
        self.live.discard(old)
        self.live.add(new["id"])
        if old in self.sessions:
            self.sessions.append(new["id"])

    @precondition(lambda self: any(s in self.live for s in self.sessions))
    @rule(data=st.data(), members=st.integers(1, 3), category=st.sampled_from(["dang_vien", "cong_chuc"]))
    def attendance(self, data, members, category):
        sid = data.draw(st.sampled_from(sorted(s for s in self.sessions if s in self.live)))
        s = self.facts[sid]
        rows = []
        for _ in range(members):
            self.n += 1
            rows.append({"type": "attendance", "unit": s["unit"], "date": s["date"], "session": sid, "member": f"m{self.n}", "category": category})
        self._submit(*rows)

    @rule()
    def restart(self):
        self.store.close()
        self._open()

    @invariant()
    def served_is_full(self):
        for as_of in AS_OFS:
            entry = self.served.current(SPEC, as_of)
            with entry.lock:
                served = render_json(entry.inc.evaluation)
                answer = evaluation_answer(entry.inc.evaluation, "vi", None, entry.texts)  # verdict texts reused
            full = render_json(self.store.evaluate(SPEC, as_of))
            assert served == full
            assert answer == full.encode("utf-8")


ServedEqualsFull.TestCase.settings = settings(max_examples=8, stateful_step_count=10, deadline=None)
test_served_evaluation_equals_a_full_evaluation = ServedEqualsFull.TestCase


def test_attendance_and_new_facts_update_in_place_corrections_rebuild(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    store.add_spec(TAM_KY)
    served = Evaluations(store)
    as_of = dt.date(2020, 11, 20)

    def submit(*facts):
        store.submit(SPEC, parse_batch(json.dumps({"facts": list(facts)})))

    def status():
        entry = served.current(SPEC, as_of)
        with entry.lock:
            v = entry.inc.verdict("study-party-committee", "p-an-my")
            return v.status, entry.rebuilds, render_json(entry.inc.evaluation) == render_json(store.evaluate(SPEC, as_of))

    assert status() == ("overdue", 1, True)
    submit(_fact("session", "s1", "p-an-my", dt.date(2020, 10, 5)))
    assert status()[1:] == (1, True)  # taken in without a rebuild
    rows = [{"type": "attendance", "unit": "p-an-my", "date": "2020-10-05", "session": "s1", "member": f"dv{i}", "category": "dang_vien"}
            for i in range(412)]
    before = status()[0]
    submit(*rows)
    after = status()
    assert after[1:] == (1, True) and after[0] != before  # attendance counted, in place
    submit(dict(_fact("session", "s2", "p-an-my", dt.date(2020, 10, 5)), presenter="tt-binh", supersedes="s1"))
    assert status()[1:] == (2, True)  # a correction rebuilds
    store.close()
