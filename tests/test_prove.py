"""``nqengine prove``: the Tam Kỳ spec proves; deliberately broken specs fail with shrunk counterexamples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import MINI_PLAN

import nqengine
from nqengine.cli import main
from nqengine.errors import SpecError
from nqengine.plugins import get_plugin_manager
from nqengine.spec import load_spec_text
from nqengine.spec.dump import dump_spec
from nqengine.testing.prove import DeclaredProperties, load_properties, prove

HERE = Path(__file__).resolve().parent
TAM_KY = HERE.parent / "specs" / "tam-ky-xxi"
BROKEN = HERE / "broken_specs"


@pytest.fixture(scope="module")
def pm():
    return get_plugin_manager()


def test_tam_ky_proves(capsys):
    assert main(["prove", str(TAM_KY), "--seed", "7", "--max-examples", "8", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "17 held, 0 failed" in out  # 12 invariants (with periods, trivially held here) and 5 declared properties
    for name in ("deterministic", "fact_order", "explained", "satisfiable", "every_kind_covered", "deadline_order[own-plan <= study-party-committee]"):
        assert f"✓ {name}" in out


def test_tam_ky_declares_its_properties():
    spec = nqengine.load_spec(TAM_KY)
    props = load_properties(spec)
    assert props.satisfiable
    assert ("own-plan", "study-party-committee") in props.deadline_order
    assert "party_committee" in props.every_kind_covered


def _section(out: str, name: str) -> str:
    start = out.index(f"✗ {name}")
    rest = out[start + 2:]
    ends = [i for i in (rest.find("\n  ✗ "), rest.find("\n  ✓ ")) if i >= 0]
    return rest[: min(ends)] if ends else rest


def test_contradictory_deadlines_fail_with_a_shrunk_counterexample(capsys):
    code = main(["prove", str(BROKEN / "contradictory-deadlines.yaml"), "--seed", "1", "--max-examples", "30", "--lang", "en",
                 "--only", "satisfiable", "--only", "deadline_order"])
    out = capsys.readouterr().out
    assert code == 1
    sat = _section(out, "satisfiable")
    assert "counterexample (shrunk)" in sat
    assert re.search(r"report-on-study / u\d+: cannot be done right", sat)
    # How far Hypothesis shrinks the date varies between runs and versions; what
    # must hold is that the counterexample is a date after the last day.
    m = re.search(r"it cannot be done before (\d\d)/10/2020, but the last day is 14/10/2020", sat)
    assert m and int(m.group(1)) >= 15
    assert sat.count("kind: grassroots_cell") == 1  # one cell is enough
    assert "registry.yaml:" in sat and "facts.yaml:" in sat
    assert f"date: {m.group(1)}/10/2020" in sat
    assert re.search(r"explanation \(report-on-study / u\d+\):", sat) and "met late" in sat
    order = _section(out, "deadline_order[study <= report-on-study]")
    assert "the last day of study (30/10/2020) is after the last day of report-on-study (14/10/2020)" in order
    assert "reproduce with --seed 1" in out


def test_unsatisfiable_audience_fails_with_a_shrunk_counterexample(capsys):
    code = main(["prove", str(BROKEN / "unsatisfiable-audience.yaml"), "--seed", "1", "--max-examples", "30", "--lang", "en",
                 "--only", "satisfiable", "--only", "every_kind_covered"])
    out = capsys.readouterr().out
    assert code == 1
    sat = _section(out, "satisfiable")
    assert "disseminate: no unit can ever be bound by it" in sat
    assert "only grassroots party organisations" in sat
    covered = _section(out, "every_kind_covered")
    assert "(mass_organisation) is bound by no obligation" in covered
    assert covered.count("kind: mass_organisation") == 1


def test_the_broken_specs_pass_the_engine_invariants(pm):
    for name in ("contradictory-deadlines.yaml", "unsatisfiable-audience.yaml"):
        spec = nqengine.load_spec(BROKEN / name, pm=pm)
        report = prove(spec, pm, seed=3, max_examples=5, only=("deterministic", "accounting", "spec_roundtrip"))
        assert report.passed, name


def test_the_same_seed_reproduces_the_run(capsys):
    args = ["prove", str(BROKEN / "contradictory-deadlines.yaml"), "--seed", "42", "--max-examples", "10", "--only", "satisfiable", "--lang", "en"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first
    assert "seed 42" in first


def test_a_random_seed_is_printed(capsys):
    main(["prove", str(TAM_KY), "--max-examples", "2", "--only", "deterministic", "--lang", "en"])
    assert "(seed " in capsys.readouterr().out


SPEC = MINI_PLAN + """\
properties:
"""


@pytest.mark.parametrize(
    "props, code, path",
    [
        ("  deadline_order: [{before: study, after: stduy}]\n", "unknown_obligation", "properties.deadline_order[0].after"),
        ("  satisfiabel: true\n", "unknown_key", "properties.satisfiabel"),
        ("  every_kind_covered: [party_comittee]\n", "not_in_choices", "properties.every_kind_covered[0]"),
    ],
)
def test_malformed_properties_are_located(pm, props, code, path):
    spec = load_spec_text(SPEC + props, "mini.yaml", pm=pm)
    with pytest.raises(SpecError) as info:
        load_properties(spec)
    (p,) = info.value.problems
    assert (p.code, p.path, p.line) == (code, path, 15)


def test_prove_exits_2_on_malformed_properties(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(SPEC + "  deadline_order: [{before: study, after: stduy}]\n", encoding="utf-8")
    assert main(["prove", str(tmp_path), "--lang", "en"]) == 2
    assert "plan.yaml:15:" in capsys.readouterr().err


def test_no_properties_declared(pm):
    spec = load_spec_text(SPEC.replace("properties:\n", ""), "mini.yaml", pm=pm)
    assert load_properties(spec) == DeclaredProperties()


def test_dump_spec_reloads_equal(pm):
    spec = nqengine.load_spec(TAM_KY, pm=pm)
    again = load_spec_text(dump_spec(spec), "dumped.yaml", pm=pm)
    assert again == spec
    assert [dict(o.params) for o in again.obligations] == [dict(o.params) for o in spec.obligations]
    assert load_properties(again) == load_properties(spec)
