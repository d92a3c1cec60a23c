"""The roll-up reads a study verdict's attendance totals without building its findings (LazyFindings.summary):
the shortcut must give exactly what the built ``audience`` finding says, or say it has none."""

from __future__ import annotations

from pathlib import Path

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
