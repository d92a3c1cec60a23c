"""The roll-up reads a study verdict's attendance totals without building its findings (LazyFindings.summary):
the shortcut must give exactly what the built ``audience`` finding says, or say it has none."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import nqengine
from nqengine.model import LazyFindings, findings_once

ROOT = Path(__file__).resolve().parent.parent
CASES = [("tam-ky-xxi", d) for d in ("01/10/2020", "19/10/2020", "30/10/2020", "20/11/2020", "31/12/2020")] + [
    ("an-my-xxi", "20/11/2020"), ("plugin-demo", "20/11/2020"), ("gia-lai-xiv", "10/04/2026")]


@pytest.mark.parametrize("folder,as_of", CASES)
def test_the_audience_shortcut_equals_the_built_finding(folder, as_of):
    spec, registry, facts = nqengine.load_folder(ROOT / "specs" / folder)
    ev = nqengine.evaluate(spec, registry, facts, as_of)
    checked = 0
    for v in ev.verdicts:
        lazy = v._findings
        if type(lazy) is not LazyFindings or lazy.built:
            continue
        got = lazy.summary("audience")
        if got is None:  # a kind without the shortcut
            continue
        audience = [f for f in findings_once(v) if f.check == "audience"]
        if not audience:
            assert got == (), (v.obligation, v.unit)
            continue
        (f,) = audience
        pm, nm = f.details["party_members"], f.details["non_members"]
        assert got == (pm["attended"], pm["headcount"], nm["attended"], nm["headcount"]), (v.obligation, v.unit)
        checked += 1
    if folder == "tam-ky-xxi" and as_of != "01/10/2020":
        assert checked >= 5  # the study verdicts with sessions counted


def test_no_shortcut_once_built_or_for_other_builders():
    lazy = LazyFindings(lambda: [])
    assert lazy.summary("audience") is None
    lazy.resolve()
    assert lazy.summary("audience") is None


AN_MY_HEADCOUNT = {"dang_vien": 412, "can_bo": 6, "cong_chuc": 9, "khong_chuyen_trach": 14, "can_bo_thon": 38}


@pytest.mark.parametrize("attendance,totals,status", [
    (None, (0, 412, 0, 67), "indeterminate"),  # a session without figures: nobody counted, not 1 each
    ({}, (0, 412, 0, 67), "violated"),
    ({"dang_vien": 99999, "can_bo": 1}, (412, 412, 1, 67), "violated"),  # more than the headcount: clipped to it
    ({**AN_MY_HEADCOUNT, "dang_vien": 400}, (400, 412, 67, 67), "violated"),
    (AN_MY_HEADCOUNT, (412, 412, 67, 67), "met"),
])
def test_the_audience_shortcut_on_missing_short_and_excess_attendance(attendance, totals, status):
    """An Mỹ's session with its attendance figures replaced: the shortcut and the built finding agree, value by value."""
    spec, registry, facts = nqengine.load_folder(ROOT / "specs" / "tam-ky-xxi")
    assert dict(registry.units["p-an-my"].audience) == AN_MY_HEADCOUNT
    changed = []
    for f in facts:
        if f.id == "am-session":
            data = {k: v for k, v in f.data.items() if k != "attendance"}
            if attendance is not None:
                data["attendance"] = attendance
            f = attrs.evolve(f, data=data)
        changed.append(f)
    v = nqengine.evaluate(spec, registry, changed, "20/11/2020").verdict("study-party-committee", "p-an-my")
    assert v.status == status
    assert v._findings.summary("audience") == totals
    (f,) = [f for f in findings_once(v) if f.check == "audience"]
    pm, nm = f.details["party_members"], f.details["non_members"]
    assert (pm["attended"], pm["headcount"], nm["attended"], nm["headcount"]) == totals
