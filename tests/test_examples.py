"""Spec examples: loading with located errors, ``nqengine test``, and the pytest plugin."""

from __future__ import annotations

import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from helpers import MINI_PLAN

import nqengine
from nqengine.cli import main
from nqengine.errors import SpecError
from nqengine.plugins import get_plugin_manager
from nqengine.spec import load_spec_text
from nqengine.testing.examples import load_examples, run_example, run_examples

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = ROOT / "specs" / "tam-ky-xxi"

SPEC = MINI_PLAN + """\
    presenter: {roles: [secretary]}
examples:
  - name: on time
    as_of: 20/11/2020
    registry:
      units: [{id: cb, name: Chi bộ A, kind: grassroots_cell, audience: {dang_vien: 10}}]
      people: [{id: bt, name: Bí thư A, roles: [{unit: cb, role: secretary}]}]
    facts:
      - {id: s1, type: session, unit: cb, date: 01/10/2020, presenter: bt, attendance: {dang_vien: 10}}
    expect:
      - {obligation: study, unit: cb, status: %s}
"""
EXPECT_LINE = next(i for i, line in enumerate(SPEC.splitlines(), 1) if "status: %s" in line)


@pytest.fixture(scope="module")
def pm():
    return get_plugin_manager()


def test_tam_ky_examples_pass(pm):
    spec = nqengine.load_spec(TAM_KY, pm=pm)
    results = run_examples(spec, pm)
    assert len(results) >= 3
    assert all(r.passed for r in results), [r.example.name for r in results if not r.passed]
    statuses = {e.status for r in results for e in r.example.expect}
    assert {"met", "violated", "overdue", "met_late"} <= statuses


def test_a_wrong_expectation_shows_expected_and_actual(pm, capsys):
    spec = load_spec_text(SPEC % "violated", "mini.yaml", pm=pm)
    (ex,) = load_examples(spec, pm)
    result = run_example(spec, ex, pm)
    assert not result.passed
    (m,) = result.mismatches
    assert (m.expectation.status, m.actual) == ("violated", "met")
    assert m.expectation.source.line == EXPECT_LINE  # the expect row, located in the spec file


def test_nqengine_test_exit_status(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(SPEC % "met", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(SPEC % "overdue", encoding="utf-8")
    assert main(["test", str(good), "--lang", "en"]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["test", str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "expected overdue (overdue), got met (met)" in out
    assert "Checks:" in out  # the actual verdict is explained


def test_nqengine_test_runs_the_tam_ky_examples(capsys):
    assert main(["test", str(TAM_KY), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "5 passed, 0 failed" in out or " passed, 0 failed" in out


@pytest.mark.parametrize(
    "bad, code, where",
    [
        ("status: met}", None, None),
        ("status: done}", "not_in_choices", "examples[0].expect[0].status"),
        ("status: met, obligaton: study}", "unknown_key", "examples[0].expect[0].obligaton"),
    ],
)
def test_malformed_examples_are_located(pm, bad, code, where):
    text = SPEC.replace("status: %s}", bad)
    if code is None:
        spec = load_spec_text(text, "mini.yaml", pm=pm)
        assert load_examples(spec, pm)
        return
    spec = load_spec_text(text, "mini.yaml", pm=pm)
    with pytest.raises(SpecError) as info:
        load_examples(spec, pm)
    p = info.value.problems[0]
    assert (p.code, p.path, p.file, p.line) == (code, where, "mini.yaml", EXPECT_LINE)


def test_unknown_references_in_examples_are_located(pm):
    text = (SPEC % "met").replace("{obligation: study, unit: cb,", "{obligation: stduy, unit: cb-x,")
    text = text.replace("presenter: bt, attendance", "presenter: bt, attendence")
    spec = load_spec_text(text, "mini.yaml", pm=pm)
    with pytest.raises(SpecError) as info:
        load_examples(spec, pm)
    codes = {(p.code, p.path) for p in info.value.problems}
    assert ("unknown_obligation", "examples[0].expect[0].obligation") in codes
    assert ("unknown_reference", "examples[0].expect[0].unit") in codes
    assert any(c == "unknown_key" and path.startswith("examples[0].facts[0]") for c, path in codes)


def test_nqengine_test_exit_2_on_malformed(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(SPEC.replace("status: %s}", "status: done}"), encoding="utf-8")
    assert main(["test", str(tmp_path), "--lang", "en"]) == 2
    assert f"plan.yaml:{EXPECT_LINE}:" in capsys.readouterr().err


def test_duplicate_example_names(pm):
    text = SPEC % "met"
    block = text[text.index("  - name: on time"):]
    spec = load_spec_text(text + block, "mini.yaml", pm=pm)
    with pytest.raises(SpecError) as info:
        load_examples(spec, pm)
    assert [p.code for p in info.value.problems] == ["duplicate_id"]


def test_a_spec_without_examples_has_none(pm):
    spec = load_spec_text(SPEC[: SPEC.index("examples:")], "mini.yaml", pm=pm)
    assert load_examples(spec, pm) == []


# -- the pytest plugin -----------------------------------------------------------------


def _plugin_args() -> list[str]:
    installed = any(e.name == "nqengine" for e in entry_points(group="pytest11"))
    return [] if installed else ["-p", "nqengine.pytest_plugin"]


def test_pytest_collects_the_tam_ky_examples(pytester):
    shutil.copy(TAM_KY / "plan.yaml", pytester.path / "plan.yaml")
    result = pytester.runpytest("-v", *_plugin_args())
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*plan.yaml::An Mỹ*PASSED*"])


def test_pytest_reports_expected_against_actual(pytester):
    (pytester.path / "plan.yaml").write_text(SPEC % "violated", encoding="utf-8")
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*example 'on time':*", "*study / cb: expected violated (violated), got met (met)*"])


def test_pytest_reports_a_malformed_spec_as_a_located_collection_error(pytester):
    (pytester.path / "plan.yaml").write_text(SPEC.replace("status: %s}", "status: done}"), encoding="utf-8")
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*plan.yaml:{EXPECT_LINE}:*'status' is invalid: 'done'*"])


def test_pytest_ignores_other_tools_plan_files(pytester):
    (pytester.path / "plan.yaml").write_text("steps: [build, test]\nexamples: []\n", encoding="utf-8")
    result = pytester.runpytest(*_plugin_args())
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_pytest_spec_file_glob_and_prove_item(pytester):
    (pytester.path / "mini.plan.yaml").write_text(SPEC % "met", encoding="utf-8")
    pytester.makeini("[pytest]\nnqengine_spec_files = *.plan.yaml\nnqengine_prove = true\nnqengine_prove_examples = 3\n")
    result = pytester.runpytest("-v", *_plugin_args())
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*mini.plan.yaml::on time PASSED*", "*mini.plan.yaml::prove PASSED*"])


def test_pytest_fixtures(pytester):
    pytester.makepyfile(
        test_fx=f"""
        import datetime as dt
        TAM_KY = {str(TAM_KY)!r}

        def test_evaluate(nqengine_pm, nqengine_evaluate, nqengine_load):
            spec, registry, facts = nqengine_load(TAM_KY)
            ev = nqengine_evaluate(TAM_KY + "/plan.yaml", registry, facts, dt.date(2020, 11, 20))
            assert ev.verdict("study-party-committee", "p-an-my").status == "met"

        def test_prove(nqengine_prove):
            report = nqengine_prove(TAM_KY, max_examples=2, seed=1, only=("deterministic",))
            assert report.passed
        """
    )
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(passed=2)
