"""The public strategies of nqengine.testing and the nqengine_testing_strategies hook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nqengine
from nqengine import testing
from nqengine.errors import PluginError
from nqengine.inputs import load_facts_text
from nqengine.inputs.registry import load_registry_text
from nqengine.model import Selector
from nqengine.plugins import get_plugin_manager, hookspecs
from nqengine.plugins.hookspecs import hookimpl
from nqengine.spec import SECTORS, UNIT_KINDS
from nqengine.spec.dump import dump_facts, dump_registry, dump_spec

TAM_KY = Path(__file__).resolve().parent.parent / "specs" / "tam-ky-xxi"


@pytest.fixture(scope="module")
def pm():
    return get_plugin_manager()


@pytest.fixture(scope="module")
def spec(pm):
    return nqengine.load_spec(TAM_KY, pm=pm)


@given(data=st.data())
def test_registries_are_valid_and_reload_equal(data, spec):
    registry = data.draw(testing.registries(spec))
    again = load_registry_text(dump_registry(registry))
    assert again.units == registry.units
    assert again.people == registry.people
    for u in registry.units.values():
        assert u.kind in UNIT_KINDS
        assert (u.sector is not None) == (u.kind in testing.GRASSROOTS_KINDS) or u.id == "thanh-uy"
        assert u.sector is None or u.sector in SECTORS
        if u.valid_from and u.valid_to:
            assert u.valid_from <= u.valid_to
    # the units the spec names exist: recipients, channels, selected ids, parents
    for uid in ("ban-thuong-vu", "ban-tuyen-giao", "phong-vhtt", "trung-tam-vhttt", "thanh-uy-tam-ky"):
        assert uid in registry.units


@given(data=st.data())
def test_compliant_registries_can_do_everything(data, spec):
    registry = data.draw(testing.registries(spec, compliant=True))
    assert all(u.valid_from is None and u.valid_to is None for u in registry.units.values())
    for v in spec.obligations:
        rule = v.params.get("presenter")
        if not rule:
            continue
        for u in registry.units.values():
            if v.applies_to.matches(u):
                heads = [p for p in registry.people.values() if any(r.unit == u.id and r.role in rule["roles"] for r in p.roles)]
                assert any(len(p.qualifications) >= len(rule.get("qualifications") or []) for p in heads)


@given(data=st.data())
def test_facts_for_are_valid_by_their_schema(data, spec, pm):
    registry = data.draw(testing.registries(spec))
    facts = data.draw(testing.facts_for(spec, registry, pm=pm))
    loaded = load_facts_text(dump_facts(facts), pm=pm)
    assert [(f.id, f.type, f.unit, f.date) for f in loaded] == [(f.id, f.type, f.unit, f.date) for f in facts]


@given(data=st.data())
def test_compliant_facts_stay_in_their_windows(data, spec, pm):
    registry = data.draw(testing.registries(spec, compliant=True))
    done = data.draw(testing.compliant_facts(spec, registry, pm=pm))
    assert not done.impossible
    for key, made in done.records.items():
        lo, hi = done.windows[key]
        for f in made:
            assert lo <= f.date and (hi is None or f.date <= hi or f.date <= lo + dt.timedelta(days=60))


@given(data=st.data())
def test_broken_facts_name_one_check(data, spec, pm):
    registry = data.draw(testing.registries(spec, compliant=True))
    case = data.draw(testing.broken_facts(spec, registry, pm=pm))
    if case is not None:
        assert (case.obligation, case.unit) in case.compliant.fulfilled
        assert case.expected and case.expected <= set(nqengine.STATUSES)
        assert case.as_of > max(f.date for f in case.facts)


@given(data=st.data())
def test_generated_specs_are_valid_and_dump_back(data, pm):
    spec = data.draw(testing.specs(pm))
    assert 1 <= len(spec.obligations) <= 4
    assert nqengine.load_spec.__module__  # loaded through the real loader
    from nqengine.spec import load_spec_text

    assert load_spec_text(dump_spec(spec), pm=pm) == spec


@given(data=st.data())
def test_scenarios_have_unique_fact_ids(data, spec, pm):
    s = data.draw(testing.scenarios(spec, pm=pm))
    ids = [f.id for f in s.facts]
    assert len(ids) == len(set(ids))


def test_selector_possible():
    assert testing.selector_possible(Selector(kinds=frozenset({"party_committee"}), sectors=frozenset({"ward"})))
    assert not testing.selector_possible(Selector(kinds=frozenset({"mass_organisation"}), sectors=frozenset({"ward"})))
    assert not testing.selector_possible(Selector(ids=frozenset({"a"}), exclude=frozenset({"a"})))
    assert testing.selector_possible(Selector())


def test_checkable(spec, pm):
    assert testing.checkable(spec.obligation("study-party-committee"), pm)
    assert testing.checkable(spec.obligation("committee-member-supervision"), pm)  # a duty with evidence
    assert not testing.checkable(spec.obligation("purpose"), pm)


def test_expected_status():
    d = dt.date(2020, 10, 30)
    assert testing.expected_status("fail", d, d) == {"pending", "due_soon"}
    assert testing.expected_status("fail", d, d + dt.timedelta(days=1)) == {"violated"}
    assert testing.expected_status("partial", d, d + dt.timedelta(days=1)) == {"violated"}
    assert testing.expected_status("partial", None, d) == {"pending", "due_soon"}
    assert testing.expected_status("missing", d, d + dt.timedelta(days=1), "duty") == {"not_applicable"}
    assert testing.expected_status("late", d, d) == {"met_late"}


# -- the hook -------------------------------------------------------------------------------


def test_builtin_strategies_cover_every_builtin_kind_and_fact_type(pm):
    cat = testing.testing_catalogue(pm)
    assert {"study_session", "dissemination", "report", "deliverable", "duty"} <= set(cat.kinds)
    assert {"session", "report", "dissemination", "deliverable", "supervision", "event"} <= set(cat.fact_types)


class _EventsPlugin:
    """A plugin overriding the factory of a built-in fact type."""

    @hookimpl
    def nqengine_testing_strategies(self):
        return {"fact:event": lambda gen: st.just({"name": "ngay-hoi"})}


class _BadPlugin:
    @hookimpl
    def nqengine_testing_strategies(self):
        return {"event": lambda gen: st.just({})}


@given(data=st.data())
def test_a_plugin_overrides_a_factory(data, spec):
    pm = get_plugin_manager()
    pm.register(_EventsPlugin(), name="events-plugin")
    factory = testing.testing_catalogue(pm).fact_types["event"]
    registry = data.draw(testing.registries(spec))
    gen = testing.GenContext(spec, registry, None, *testing.plan_period(spec), testing.testing_catalogue(pm))
    assert data.draw(factory(gen)) == {"name": "ngay-hoi"}
    facts = data.draw(testing.facts_for(spec, registry, pm=pm))
    assert all(f.data["name"] == "ngay-hoi" for f in facts if f.type == "event")


def test_a_bad_key_is_a_plugin_error():
    pm = get_plugin_manager()
    pm.register(_BadPlugin(), name="bad-plugin")
    with pytest.raises(PluginError, match="kind:NAME"):
        testing.testing_catalogue(pm)


def test_the_hook_is_documented():
    doc = hookspecs.nqengine_testing_strategies.__doc__
    assert "Called by" in doc and "kind:NAME" in doc and "fact:NAME" in doc


def test_builtin_plugin_loads_without_importing_hypothesis():
    import subprocess
    import sys

    code = "import sys; import nqengine; nqengine.get_plugin_manager(); print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


AN_MY = Path(__file__).resolve().parent.parent / "specs" / "an-my-xxi"


@given(data=st.data())
def test_a_unit_named_by_id_and_as_a_parent_gets_the_kind_its_selector_asks_for(data):
    """An Mỹ: study-party-committee applies to {kinds: party_committee, units: p-an-my}, and the
    ward's cells hang under p-an-my (parents: p-an-my); the ward committee must be a party committee."""
    an_my_pm = get_plugin_manager()
    spec = nqengine.load_spec(AN_MY, pm=an_my_pm)
    study = spec.obligation("study-party-committee")
    assert study.applies_to.ids == {"p-an-my"} and study.applies_to.kinds == {"party_committee"}
    registry = data.draw(testing.registries(spec))
    ward = registry.units["p-an-my"]
    assert study.applies_to.matches(ward), (ward.kind, ward.sector)
