"""Declared vocabularies: roles, qualifications, audience categories, deliverables checked at load."""

from __future__ import annotations

import pytest

import nqengine
from nqengine.errors import PluginError, RegistryError, SpecError
from nqengine.inputs import load_registry_text
from nqengine.plugins.hookspecs import hookimpl
from nqengine.spec import load_spec_text
from nqengine.spec.vocabularies import BUILTIN, vocabularies_for

PLAN = """\
nqengine: 1
id: v
title: Kế hoạch thử
document: {id: kh, title: Kế hoạch thử, issued: 01/09/2020}
clauses: {c1: Điều một.}
obligations:
  - id: study
    kind: study_session
    title: Học tập
    clause: c1
    applies_to: {kinds: party_committee}
    deadline: {date: 31/10/2020, inclusive: false}
    audience: {categories: [AUDIENCE]}
    presenter: {roles: [ROLE]}
"""


def plan(role: str = "secretary", audience: str = "dang_vien", extra: str = "") -> str:
    return PLAN.replace("ROLE", role).replace("AUDIENCE", audience).replace("obligations:\n", extra + "obligations:\n")


def problems(text: str, pm=None) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "v.yaml", pm=pm)
    return [p.render("en") for p in info.value.problems]


def test_builtin_words_pass():
    spec = load_spec_text(plan(role="deputy_secretary"), "v.yaml")
    assert spec.obligation("study").params["presenter"]["roles"] == ["deputy_secretary"]


def test_role_typo_is_refused_with_did_you_mean():
    assert problems(plan(role="secretery")) == [
        "v.yaml:14:25: 'roles': 'secretery' is not in the roles vocabulary "
        "(declare a new word under 'vocabularies.roles') — did you mean 'secretary'? (obligations[0].presenter.roles[0])"
    ]


def test_audience_typo_is_refused_when_the_plan_declares_no_categories():
    (only,) = problems(plan(audience="dang_vein"))
    assert "'dang_vein' is not in the audience_categories vocabulary" in only and "did you mean 'dang_vien'?" in only


def test_spec_declares_its_own_words():
    extra = "vocabularies:\n  roles:\n    chief_of_office: {vi: Chánh Văn phòng, en: Chief of office}\n"
    spec = load_spec_text(plan(role="chief_of_office", extra=extra), "v.yaml")
    assert spec.obligation("study").params["presenter"]["roles"] == ["chief_of_office"]
    # the word is the plan's own: another plan without it is refused
    assert len(problems(plan(role="chief_of_office"))) == 1


def test_vocabularies_key_is_validated():
    extra = "vocabularies:\n  role:\n    x: {vi: X, en: X}\n"
    (only,) = problems(plan(extra=extra))
    assert "unknown key 'role'" in only and "did you mean 'roles'?" in only


class _Plugin:
    @staticmethod
    @hookimpl
    def nqengine_vocabularies():
        return {"roles": {"chief_of_office": ("Chánh Văn phòng", "Chief of office")}}


def test_a_plugin_adds_words_through_nqengine_vocabularies():
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(_Plugin(), name="office-roles")
    assert vocabularies_for(pm)["roles"]["chief_of_office"] == ("Chánh Văn phòng", "Chief of office")
    assert set(BUILTIN["roles"]) <= set(vocabularies_for(pm)["roles"])
    spec = load_spec_text(plan(role="chief_of_office"), "v.yaml", pm=pm)
    assert spec.obligation("study").params["presenter"]["roles"] == ["chief_of_office"]


class _BadPlugin:
    @staticmethod
    @hookimpl
    def nqengine_vocabularies():
        return {"rank": {"x": ("X", "X")}}


def test_a_plugin_naming_an_unknown_vocabulary_fails_attributed():
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(_BadPlugin(), name="bad-vocab")
    with pytest.raises(PluginError) as info:
        vocabularies_for(pm)
    assert "bad-vocab" in str(info.value) and "'rank'" in str(info.value)


# --- sectors: a vocabulary like the others (issue 11, item 1) ------------------------------------

SECTOR_PLAN = plan().replace("applies_to: {kinds: party_committee}", "applies_to: {kinds: grassroots_cell, sectors: SECTOR}")
SCHOOLS = "vocabularies:\n  sectors:\n    school: {vi: Trường học, en: School}\n"
REGISTRY = """\
units:
  - {id: tp, name: Thành ủy, kind: city_committee}
  - {id: cb-truong, name: Chi bộ Trường THPT, kind: grassroots_cell, sector: SECTOR, parent: tp}
"""


def _evaluate(spec_text: str, sector: str):
    spec = load_spec_text(spec_text, "v.yaml")
    reg = load_registry_text(REGISTRY.replace("SECTOR", sector), "r.yaml")
    return nqengine.evaluate(spec, reg, [], "01/10/2020")


def test_a_sector_typo_in_a_selector_is_refused_with_did_you_mean():
    (only,) = problems(SECTOR_PLAN.replace("SECTOR", "agencies"))
    assert only == (
        "v.yaml:11:51: 'sectors': 'agencies' is not in the sectors vocabulary "
        "(declare a new word under 'vocabularies.sectors') — did you mean 'agency'? (obligations[0].applies_to.sectors)"
    )


def test_a_plan_adds_a_sector_and_its_units_are_selected():
    text = SECTOR_PLAN.replace("SECTOR", "school").replace("obligations:\n", SCHOOLS + "obligations:\n")
    ev = _evaluate(text, "school")
    assert [(v.obligation, v.unit, v.status) for v in ev.verdicts] == [("study", "cb-truong", "pending")]
    # the word is the plan's own: another plan without it refuses it, in the selector
    assert "'school' is not in the sectors vocabulary" in problems(SECTOR_PLAN.replace("SECTOR", "school"))[0]


def test_a_registry_sector_the_plan_does_not_know_is_refused_at_evaluation():
    with pytest.raises(RegistryError) as info:
        _evaluate(SECTOR_PLAN.replace("SECTOR", "school").replace("obligations:\n", SCHOOLS + "obligations:\n"), "schol")
    assert [p.render("en") for p in info.value.problems] == [
        "r.yaml:3:5: 'sector': 'schol' is not in the sectors vocabulary "
        "(declare a new word under 'vocabularies.sectors') — did you mean 'school'? (units.cb-truong.sector)"
    ]


def test_a_unit_made_in_code_with_an_unknown_sector_is_placed_at_the_registry_or_at_its_start():
    import attrs

    from nqengine.inputs.registry import registry_from_records

    text = SECTOR_PLAN.replace("SECTOR", "school").replace("obligations:\n", SCHOOLS + "obligations:\n")
    spec = load_spec_text(text, "v.yaml")
    loaded = load_registry_text(REGISTRY.replace("SECTOR", "schol"), "r.yaml")
    units = [attrs.evolve(u, source=None, ancestors=(), level=None) for u in loaded.units.values()]
    message = ("'sector': 'schol' is not in the sectors vocabulary (declare a new word under 'vocabularies.sectors')"
               " — did you mean 'school'? (units.cb-truong.sector)")
    for reg, where in [(registry_from_records(units, [], "made.yaml"), "made.yaml:1:1"),
                       (attrs.evolve(registry_from_records(units, []), source=None), "<registry>:1:1")]:
        with pytest.raises(RegistryError) as info:
            nqengine.evaluate(spec, reg, [], "01/10/2020")
        assert [p.render("en") for p in info.value.problems] == [f"{where}: {message}"]
