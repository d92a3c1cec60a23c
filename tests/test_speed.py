"""What issue 12 changed for speed, held to the behaviour it must keep.

- ``nqengine_extra_findings_wanted``: a plugin that answers False for an
  obligation is not called per verdict; True, None or no answer keeps the call.
- The JSON writer gives the same bytes with orjson and with the standard
  library (the golden files of tests/test_golden.py hold them).
- The table's short-line path equals ``textwrap``.
- The console script ends with ``os._exit`` after flushing, with main's exit status.
- ``nqengine check`` does not import the holiday tables.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import nqengine
from nqengine.cli import main
from nqengine.plugins.hookspecs import hookimpl
from nqengine.render import formats
from nqengine.spec import load_spec_text

from helpers import MINI_PLAN, REGISTRY, facts, registry

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

FACTS = """\
- {id: s1, type: session, unit: w1, date: 05/10/2020, presenter: sec, attendance: {dang_vien: 10}}
"""
PLAN = MINI_PLAN.replace("kinds: grassroots_cell", "kinds: party_committee") + """\
  - id: plans
    kind: study_session
    title: Học tập lần hai
    clause: II.1
    applies_to: {kinds: party_committee}
    deadline: {date: 30/11/2020, inclusive: false}
    audience: {categories: [dang_vien]}
"""


class Counting:
    def __init__(self, wanted):
        self.wanted, self.calls, self.asked = wanted, [], []

    @hookimpl
    def nqengine_extra_findings_wanted(self, obligation, spec):
        self.asked.append(obligation.id)
        return self.wanted(obligation)

    @hookimpl
    def nqengine_extra_findings(self, obligation, unit, verdict, context):
        self.calls.append((obligation.id, unit.id))
        return None


def _evaluate(*plugins):
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    for i, p in enumerate(plugins):
        pm.register(p, name=f"counting-{i}")
    spec = load_spec_text(PLAN, "t.yaml", pm=pm)
    return nqengine.evaluate(spec, registry(REGISTRY), facts(FACTS, pm), "20/11/2020", pm=pm)


def test_a_plugin_that_wants_no_extra_findings_is_not_called_per_verdict():
    no, some, unsure = Counting(lambda ob: False), Counting(lambda ob: ob.id == "study"), Counting(lambda ob: None)
    ev = _evaluate(no, some, unsure)
    units = sorted({v.unit for v in ev.verdicts})
    assert units == ["a1", "w1"]
    assert no.asked == some.asked == unsure.asked == ["study", "plans"]
    assert no.calls == []
    assert some.calls == [("study", "a1"), ("study", "w1")] or some.calls == [("study", "w1"), ("study", "a1")]
    assert sorted(unsure.calls) == [("plans", "a1"), ("plans", "w1"), ("study", "a1"), ("study", "w1")]


def test_wanted_must_answer_a_bool():
    bad = Counting(lambda ob: "yes")
    with pytest.raises(nqengine.PluginError) as exc:
        _evaluate(bad)
    assert "nqengine_extra_findings_wanted" in str(exc.value)
    assert "bool" in str(exc.value)


def test_the_attendance_plugin_skips_plans_that_do_not_declare_it():
    nqengine_attendance = pytest.importorskip("nqengine_attendance")

    spec = nqengine.load_spec("benchmarks/plan.yaml")
    study = spec.obligation("study-party-committee")
    assert nqengine_attendance.nqengine_extra_findings_wanted(study, spec) is False
    demo = nqengine.load_spec("specs/plugin-demo")
    kinds = {ob.kind: ob for ob in demo.obligations}
    assert nqengine_attendance.nqengine_extra_findings_wanted(kinds["study_session"], demo) is True


@pytest.mark.parametrize("fast", [True, False])
def test_json_is_the_same_bytes_with_and_without_orjson(fast, monkeypatch):
    if fast:
        pytest.importorskip("orjson")
    else:
        monkeypatch.setattr(formats, "orjson", None)
    for spec, date in (("tam-ky-xxi", "20/11/2020"), ("plugin-demo", "30/10/2020"), ("an-my-xxi", "31/12/2020")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["evaluate", f"specs/{spec}", "--as-of", date, "--format", "json"]) == 0
        golden = (GOLDEN / f"{spec}-{date.replace('/', '-')}.json").read_text(encoding="utf-8")
        assert out.getvalue() == golden


@pytest.mark.parametrize("text", [
    "f1: dữ kiện không dùng đến",
    "x" * 76,
    "x" * 77,
    "a " * 40,
    "  leading",
    "trailing ",
    "two  spaces inside",
    "tab\there",
    "f-123: đơn vị 'p-khong-co' không có trong danh mục tổ chức; kiểm tra lại mã đơn vị của dữ kiện này",
])
def test_the_tables_short_line_path_equals_textwrap(text):
    assert formats._wrapped(text) == textwrap.wrap(text, formats.WIDTH - 2, initial_indent="  ", subsequent_indent="    ")


def test_the_console_script_exits_with_mains_status_after_flushing(tmp_path):
    run = [sys.executable, "-c", "from nqengine.cli import run; run()"]
    ok = subprocess.run([*run, "evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "--format", "json"],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0
    assert ok.stdout == (GOLDEN / "tam-ky-xxi-20-11-2020.json").read_text(encoding="utf-8")
    bad = subprocess.run([*run, "evaluate", "specs/tam-ky-xxi", "--as-of", "31/02/2020"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "--as-of" in bad.stderr


def test_check_does_not_load_the_holiday_tables():
    code = ("import sys; from nqengine.cli import main; status = main(['check', 'specs/tam-ky-xxi']); "
            "print(status, 'holidays' in sys.modules)")
    got = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert got.stdout.strip().splitlines()[-1] == "0 False"
