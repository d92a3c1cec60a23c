"""Deferred explanations and kinds that judge units in a batch.

- ``LazyFindings``: a verdict whose findings are built on first read is equal,
  in every way a user can see, to one built with them (``findings`` is a
  tuple, equality, ``repr``, pickling, ``attrs.evolve``), and builds them once.
- ``Context.conclude`` decides the status from ``outcomes`` and refuses lazy
  findings without them.
- ``ObligationKind.evaluate_units``: the study kind's batch gives, unit by
  unit, the verdicts ``evaluate_unit`` gives; a batch kind that fails or
  returns the wrong number of verdicts is named, with the unit that fails.
"""

from __future__ import annotations

import datetime as dt
import pickle

import attrs
import pytest
from helpers import facts, registry, spec

import nqengine
from nqengine.errors import PluginError
from nqengine.evaluation.engine import _evaluate
from nqengine.evaluation.kinds import ObligationKind
from nqengine.evaluation.kinds.study import StudySession
from nqengine.model import Finding, LazyFindings, Verdict
from nqengine.plugins.hookspecs import hookimpl

D = dt.date

STUDY = """\
- id: study
  kind: study_session
  title: Học tập
  clause: c1
  applies_to: {kinds: party_committee}
  deadline: {date: 31/10/2020, inclusive: false, clause: c2}
  audience: {categories: [dang_vien, cong_chuc], coverage: 1.0, clause: c3}
  presenter: {roles: [secretary], clause: c3}
  content: {required: [core], clause: c1}
"""

SESSIONS = """\
- {id: s1, type: session, unit: w1, date: 05/10/2020, presenter: sec, attendance: {dang_vien: 10, cong_chuc: 4}, content: [core]}
- {id: s2, type: session, unit: a1, date: 06/10/2020, presenter: sec, attendance: {dang_vien: 5}, content: [core]}
"""


def built(findings):
    return [(f.check, f.outcome, f.code) for f in findings]


def test_lazy_findings_are_built_once_on_first_read():
    calls = []

    def build(a, b):
        calls.append((a, b))
        return [Finding("x", "pass", "x_ok", {"a": a}), Finding("y", "info", "y_note", {"b": b})]

    lazy = LazyFindings(build, 1, 2)
    v = Verdict("ob", "u", "met", None, "c1", lazy)
    assert calls == [] and not lazy.built
    assert type(v.findings) is tuple and built(v.findings) == [("x", "pass", "x_ok"), ("y", "info", "y_note")]
    assert v.findings is v.findings and calls == [(1, 2)] and lazy.built


def test_a_verdict_with_lazy_findings_equals_one_built_with_them():
    eager_findings = (Finding("x", "pass", "x_ok", {"a": 1}),)
    eager = Verdict("ob", "u", "met", D(2020, 10, 30), "c1", eager_findings, ("f1",), D(2020, 10, 5))
    lazy = Verdict("ob", "u", "met", D(2020, 10, 30), "c1", LazyFindings(lambda: list(eager_findings)), ("f1",), D(2020, 10, 5))
    assert lazy == eager and eager == lazy
    assert repr(lazy) == repr(eager) and "findings=(Finding(check='x'" in repr(lazy) and "_findings" not in repr(lazy)
    assert pickle.loads(pickle.dumps(lazy)) == eager
    assert type(pickle.loads(pickle.dumps(lazy)).findings) is tuple
    assert attrs.evolve(lazy, status="met_late").findings == eager_findings
    assert attrs.evolve(lazy, findings=()).findings == ()
    assert lazy != attrs.evolve(eager, findings=())


def test_conclude_needs_the_outcomes_of_lazy_findings():
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(STUDY, pm)
    ev, ctx = _evaluate(s, registry(), [], D(2020, 10, 1), pm)
    ob, unit = s.obligations[0], ev.registry.units["w1"]
    lazy = LazyFindings(lambda: [Finding("sessions", "fail", "sessions_none", {})])
    with pytest.raises(TypeError, match="outcomes="):
        ctx.conclude(ob, unit, lazy, fulfilled_on=None)
    v = ctx.conclude(ob, unit, lazy, outcomes={"fail"}, fulfilled_on=None, due=D(2020, 10, 30))
    assert v.status == "pending" and built(v.findings) == [("sessions", "fail", "sessions_none"), ("timing", "info", "timing_open")]


@pytest.mark.parametrize("as_of", [D(2020, 10, 1), D(2020, 10, 5), D(2020, 10, 31), D(2020, 11, 20)])
def test_the_study_batch_gives_what_evaluate_unit_gives(as_of):
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(STUDY, pm)
    reg = registry()
    ev, ctx = _evaluate(s, reg, facts(SESSIONS, pm), as_of, pm)
    ob = s.obligations[0]
    units = [reg.units["w1"], reg.units["a1"]]
    batch = StudySession().evaluate_units(ob, units, ctx)
    one_by_one = [StudySession().evaluate_unit(ob, u, ctx) for u in units]
    assert batch == one_by_one == [ev.verdict("study", "w1"), ev.verdict("study", "a1")]
    assert [v.status for v in batch] == {
        D(2020, 10, 1): ["pending", "pending"],
        D(2020, 10, 5): ["met", "pending"],  # a1: the presenter is not its secretary
        D(2020, 10, 31): ["met", "violated"],
        D(2020, 11, 20): ["met", "violated"],
    }[as_of]


def test_a_study_subclass_that_judges_one_unit_its_own_way_is_not_bypassed():
    class Strict(StudySession):
        def evaluate_unit(self, obligation, unit, context):
            return attrs.evolve(super().evaluate_unit(obligation, unit, context), status="violated")

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(STUDY, pm)
    ev, ctx = _evaluate(s, registry(), facts(SESSIONS, pm), D(2020, 10, 5), pm)
    units = [ev.registry.units["w1"], ev.registry.units["a1"]]
    assert [v.status for v in Strict().evaluate_units(s.obligations[0], units, ctx)] == ["violated", "violated"]


class Counting(ObligationKind):
    """A batch kind: one verdict per unit, or a failure on one named unit."""

    name = "counting"
    needs_deadline = False

    def __init__(self, fail_on=None, drop=False):
        self.fail_on, self.drop, self.batches = fail_on, drop, []

    def evaluate_unit(self, obligation, unit, context):
        if unit.id == self.fail_on:
            raise KeyError(unit.id)
        return context.conclude(obligation, unit, [Finding("count", "info", "duty_not_checkable", {"type": ""})], fulfilled_on=None, status="not_applicable")

    def evaluate_units(self, obligation, units, context):
        self.batches.append([u.id for u in units])
        out = [self.evaluate_unit(obligation, u, context) for u in units]
        return out[:-1] if self.drop else out


class KindPlugin:
    def __init__(self, kind):
        self.kind = kind

    @hookimpl
    def nqengine_register_obligation_kinds(self):
        return [self.kind]


COUNTING = """\
- id: counted
  kind: counting
  title: Đếm
  clause: c1
  applies_to: {kinds: party_committee}
"""


def _run_kind(kind):
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(KindPlugin(kind), name="counting-plugin")
    return nqengine.evaluate(spec(COUNTING, pm), registry(), [], D(2020, 10, 1), pm=pm)


def test_a_batch_kind_gets_all_its_units_in_one_call():
    kind = Counting()
    ev = _run_kind(kind)
    assert kind.batches == [["w1", "a1"]]  # the kind gets them in registry order
    # the evaluation lists them by unit id (canonical order)
    assert [(v.unit, v.status) for v in ev.verdicts] == [("a1", "not_applicable"), ("w1", "not_applicable")]


def test_a_batch_kind_that_fails_is_named_with_the_failing_unit():
    with pytest.raises(PluginError) as info:
        _run_kind(Counting(fail_on="a1"))
    err = info.value
    assert (err.plugin, err.hook, err.obligation, err.unit) == ("counting-plugin", "nqengine_evaluate_obligation", "counted", "a1")
    assert "KeyError in counting.evaluate_unit(): 'a1'" in str(err)


def test_a_batch_kind_that_returns_too_few_verdicts_is_named():
    with pytest.raises(PluginError) as info:
        _run_kind(Counting(drop=True))
    err = info.value
    assert (err.plugin, err.obligation, err.code) == ("counting-plugin", "counted", "plugin_bad_return")
    assert "counting.evaluate_units() -> list of 1" in str(err) and "a list of 2 verdicts, one per unit" in str(err)


def test_a_kind_with_an_unknown_status_is_named():
    class Odd(Counting):
        def evaluate_unit(self, obligation, unit, context):
            return attrs.evolve(super().evaluate_unit(obligation, unit, context), status="done")

    with pytest.raises(PluginError) as info:
        _run_kind(Odd())
    assert info.value.unit == "w1" and "a Verdict with status 'done'" in str(info.value)


def test_then_extends_lazy_findings_in_place_or_after_they_are_built():
    first = [Finding("a", "pass", "a_ok")]
    lazy = LazyFindings(lambda: first)
    assert lazy.then(lambda x: [Finding("b", "info", x)], "b_note") is lazy  # not built yet: extended in place
    assert built(lazy.resolve()) == [("a", "pass", "a_ok"), ("b", "info", "b_note")]
    later = lazy.then(lambda: [Finding("c", "info", "c_note")])  # built: a new one, the first unchanged
    assert later is not lazy and built(lazy.resolve()) == [("a", "pass", "a_ok"), ("b", "info", "b_note")]
    assert built(later.resolve()) == [("a", "pass", "a_ok"), ("b", "info", "b_note"), ("c", "info", "c_note")]


def test_findings_read_from_many_threads_at_once_are_the_same_everywhere():
    import sys
    import threading

    def build(i):
        return [Finding("x", "pass", "x_ok", {"i": i}), Finding("y", "info", "y_note", {"i": i})]

    lazies = [LazyFindings(build, i) for i in range(3000)]
    errors, results = [], [[] for _ in range(4)]

    def read(k):
        try:
            results[k] = [built(lazy.resolve()) for lazy in lazies]
        except Exception as exc:  # pragma: no cover - a reader that fails
            errors.append(exc)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=read, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    assert results[0] == results[1] == results[2] == results[3] == [[("x", "pass", "x_ok"), ("y", "info", "y_note")]] * 3000


def test_conclude_keeps_the_findings_as_given_and_needs_no_outcomes_for_a_given_status():
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(STUDY, pm)
    ev, ctx = _evaluate(s, registry(), [], D(2020, 10, 1), pm)
    ob, unit = s.obligations[0], ev.registry.units["w1"]
    mine = [Finding("sessions", "info", "sessions_none", {})]
    v = ctx.conclude(ob, unit, mine, fulfilled_on=None, due=D(2020, 10, 30))
    mine.append(Finding("sessions", "fail", "sessions_none", {}))  # the kind reuses its list afterwards
    assert v.status == "pending" and built(v.findings) == [("sessions", "info", "sessions_none"), ("timing", "info", "timing_open")]
    lazy = LazyFindings(lambda: [Finding("duty", "info", "duty_not_checkable", {"type": ""})])
    v = ctx.conclude(ob, unit, lazy, fulfilled_on=None, status="not_applicable")
    assert v.status == "not_applicable" and built(v.findings) == [("duty", "info", "duty_not_checkable")]
