"""nqengine-ordering: after_superior, only_if and modes, and the spec lint."""

from __future__ import annotations

import importlib.metadata
import string

import pytest

import nqengine_ordering
from nqengine.errors import SpecError
from nqengine.i18n import message
from nqengine.plugins import catalogue_for, list_plugins
from nqengine_ordering.messages import MESSAGES

KEY_CADRES = """\
- id: key
  kind: study_session
  title: Hội nghị cán bộ chủ chốt
  clause: II.1
  applies_to: {units: [city]}
  deadline: {date: 15/10/2020, inclusive: false}
  audience: {categories: [dang_vien], coverage: 0.5}
"""

WARDS = """\
- id: wards
  kind: study_session
  title: Đảng bộ phường học tập
  clause: II.2
  applies_to: {kinds: party_committee, sectors: ward}
  deadline: {date: 31/10/2020, inclusive: false}
  audience: {categories: [dang_vien], coverage: 0.5}
  after_superior: key
"""

UNION = """\
- id: union
  kind: dissemination
  title: Tuyên truyền đến người lao động
  clause: II.4
  applies_to: {units: [e1, w1]}
  deadline: {date: 15/11/2020, inclusive: false}
  audiences: {required: [workers]}
  only_if: {condition: has_trade_union, clause: II.4}
"""

KEY_SESSION = "- {id: k, type: session, unit: city, date: 08/10/2020, attendance: {dang_vien: 40}}\n"


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- the plugin itself -----------------------------------------------------------


def test_registers_fields_for_every_kind_and_modes_for_session_kinds(plan):
    cat = catalogue_for(plan.pm)
    assert {"only_if", "after_superior", "modes"} <= set(cat.kinds["study_session"].fields)
    assert {"only_if", "after_superior"} <= set(cat.kinds["report"].fields)
    assert "modes" not in cat.kinds["report"].fields
    assert cat.field_provider[("report", "only_if")] == "nqengine_ordering"
    assert "condition" in cat.fact_types
    row = next(r for r in list_plugins(plan.pm) if r["name"] == "nqengine_ordering")
    assert row["obligation_fields"] == ["after_superior", "modes", "only_if"]


def test_version_matches_the_distribution():
    assert importlib.metadata.version("nqengine-ordering") == nqengine_ordering.__version__
    eps = importlib.metadata.entry_points(group="nqengine")
    assert any(ep.name == nqengine_ordering.PLUGIN_NAME and ep.value == "nqengine_ordering" for ep in eps)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_messages_in_both_languages_with_the_same_placeholders(code):
    vi, en = MESSAGES[code]
    assert vi.strip() and en.strip() and fields(vi) == fields(en)


def test_short_and_long_forms_are_the_same(plan):
    short = plan.spec(KEY_CADRES + WARDS).obligation("wards").params["after_superior"]
    long = plan.spec(KEY_CADRES + WARDS.replace("after_superior: key", "after_superior: {obligation: key}")).obligation("wards").params["after_superior"]
    assert dict(short) == dict(long) == {"obligation": "key", "same_day": False, "clause": None}


# --- the spec lint (nqengine_spec_loaded) -------------------------------------------------


@pytest.mark.parametrize(
    "obligations, text",
    [
        (KEY_CADRES + WARDS.replace("after_superior: key", "after_superior: kye"), "t.yaml:28:21: 'after_superior' refers to unknown 'kye' — did you mean 'key'?"),
        (KEY_CADRES + WARDS.replace("after_superior: key", "after_superior: wards"), "cannot refer to itself"),
        (WARDS + KEY_CADRES, "t.yaml:21:21: 'key' is evaluated after 'wards': put 'key' before 'wards' in the spec (obligations[0].after_superior)"),
        (KEY_CADRES + WARDS.replace("after_superior: key", "after_superior: {obligation: key, clause: II.9}"), "clause 'II.9' is not declared"),
        (KEY_CADRES + WARDS + "  modes: [in_person, radio]\n", "'modes[1]' is invalid: 'radio'; choose one of: in_person, online, video"),
    ],
)
def test_lint_errors_are_located(plan, obligations, text):
    with pytest.raises(SpecError) as info:
        plan.spec(obligations)
    assert text in str(info.value)


def test_lint_in_vietnamese(plan):
    with pytest.raises(SpecError) as info:
        plan.spec(WARDS + KEY_CADRES)
    assert "'key' được đánh giá sau 'wards': hãy đặt 'key' trước 'wards' trong kế hoạch" in info.value.render("vi")


# --- after_superior (the wrapper) ------------------------------------------------------------


@pytest.mark.parametrize(
    "facts, as_of, status, code",
    [
        (KEY_SESSION + "- {id: s, type: session, unit: w1, date: 12/10/2020, attendance: {dang_vien: 10}}", "20/11/2020", "met", "ordering_after_superior"),
        (KEY_SESSION + "- {id: s, type: session, unit: w1, date: 05/10/2020, attendance: {dang_vien: 10}}", "20/11/2020", "violated", "ordering_before_superior"),
        (KEY_SESSION + "- {id: s, type: session, unit: w1, date: 08/10/2020, attendance: {dang_vien: 10}}", "20/11/2020", "violated", "ordering_before_superior"),
        # before the due date a session held too early can still be followed by one in order
        ("- {id: s, type: session, unit: w1, date: 05/10/2020, attendance: {dang_vien: 10}}", "06/10/2020", "pending", "ordering_superior_not_done"),
        (KEY_SESSION, "20/10/2020", "pending", "timing_open"),
    ],
)
def test_after_superior(plan, facts, as_of, status, code):
    v = plan.run(KEY_CADRES + WARDS, facts, as_of).verdict("wards", "w1")
    assert v.status == status, [(f.code, f.outcome) for f in v.findings]
    assert code in {f.code for f in v.findings}


def test_same_day_may_be_allowed(plan):
    wards = WARDS.replace("after_superior: key", "after_superior: {obligation: key, same_day: true}")
    facts = KEY_SESSION + "- {id: s, type: session, unit: w1, date: 08/10/2020, attendance: {dang_vien: 10}}"
    assert plan.run(KEY_CADRES + wards, facts, "20/11/2020").verdict("wards", "w1").status == "met"


def test_a_unit_without_superior_is_not_checked(plan):
    v = plan.run(KEY_CADRES + WARDS, "- {id: s, type: session, unit: lone, date: 01/10/2020, attendance: {dang_vien: 5}}", "20/11/2020").verdict("wards", "lone")
    assert v.status == "met" and "ordering_no_superior" in {f.code for f in v.findings}


def test_a_superior_not_subject_to_the_obligation_cannot_be_checked(plan):
    key = KEY_CADRES.replace("applies_to: {units: [city]}", "applies_to: {units: [e1]}")
    facts = "- {id: s, type: session, unit: w1, date: 12/10/2020, attendance: {dang_vien: 10}}"
    v = plan.run(key + WARDS, facts, "20/11/2020").verdict("wards", "w1")
    assert v.status == "indeterminate"
    assert message("ordering_superior_not_subject", "en", **next(f for f in v.findings if f.check == "order").params) == (
        "the superior Thành ủy is not subject to 'key': the order cannot be checked"
    )


# --- only_if (the wrapper) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "facts, status, code",
    [
        ("", "not_applicable", "ordering_condition_not_recorded"),
        ("- {id: c, type: condition, unit: e1, date: 01/09/2020, name: has_trade_union}", "overdue", "ordering_condition_holds"),
        ("- {id: c, type: condition, unit: e1, date: 01/09/2020, name: has_trade_union, value: false}", "not_applicable", "ordering_condition_false"),
        ("- {id: c, type: condition, unit: e1, date: 01/09/2020, name: has_trade_union}\n- {id: c2, type: condition, unit: e1, date: 01/10/2020, name: has_trade_union, value: false}", "not_applicable", "ordering_condition_false"),
        ("- {id: c, type: condition, unit: e1, date: 01/09/2020, name: has_youth_union}", "not_applicable", "ordering_condition_not_recorded"),
    ],
)
def test_only_if(plan, facts, status, code):
    v = plan.run(UNION, facts, "20/11/2020").verdict("union", "e1")
    assert v.status == status and code in {f.code for f in v.findings}


def test_condition_recorded_after_the_evaluation_date_does_not_count(plan):
    facts = "- {id: c, type: condition, unit: e1, date: 01/12/2020, name: has_trade_union}"
    assert plan.run(UNION, facts, "20/11/2020").verdict("union", "e1").status == "not_applicable"


def test_facts_of_a_unit_the_obligation_does_not_apply_to_are_reported(plan):
    facts = "- {id: d, type: dissemination, unit: w1, date: 01/11/2020, audiences: [workers]}"
    ev = plan.run(UNION, facts, "20/11/2020")
    v = ev.verdict("union", "w1")
    assert v.status == "not_applicable" and v.evidence == () and v.due is None
    assert [(u.fact, u.code) for u in ev.unmatched_facts] == [("d", "fact_not_needed")]


def test_only_if_in_an_exception(plan):
    union = UNION.replace("  only_if: {condition: has_trade_union, clause: II.4}\n", "") + (
        "  exceptions:\n    - when: {units: [e1]}\n      set: {only_if: has_trade_union}\n"
    )
    ev = plan.run(union, "", "20/11/2020")
    assert ev.verdict("union", "e1").status == "not_applicable"
    assert ev.verdict("union", "w1").status == "overdue"


# --- modes (takes over, with a filtered context) --------------------------------------------------


@pytest.mark.parametrize(
    "mode, status, outcome",
    [("in_person", "met", None), ("online", "violated", "fail"), ("video", "violated", "fail")],
)
def test_modes(plan, mode, status, outcome):
    wards = WARDS.replace("  after_superior: key\n", "  modes: {allowed: [in_person], clause: II.2}\n")
    v = plan.run(wards, f"- {{id: s, type: session, unit: w1, date: 12/10/2020, mode: {mode}, attendance: {{dang_vien: 10}}}}", "20/11/2020").verdict("wards", "w1")
    assert v.status == status
    found = [f for f in v.findings if f.code == "ordering_mode_not_counted"]
    assert [f.outcome for f in found] == ([outcome] if outcome else [])
    if found:
        assert found[0].clause == "II.2" and found[0].plugin is None  # the takeover's own finding
        assert message(found[0].code, "en", **found[0].params) == f"s: held {'online (connection point)' if mode == 'online' else 'by video'}, the plan allows only: in person — not counted"


def test_a_disallowed_session_is_only_noted_once_the_obligation_is_met(plan):
    wards = WARDS.replace("  after_superior: key\n", "  modes: [in_person]\n")
    facts = """\
    - {id: s1, type: session, unit: w1, date: 10/10/2020, mode: online, attendance: {dang_vien: 10}}
    - {id: s2, type: session, unit: w1, date: 12/10/2020, attendance: {dang_vien: 10}}
    """
    v = plan.run(wards, facts, "20/11/2020").verdict("wards", "w1")
    assert v.status == "met" and str(v.fulfilled_on) == "2020-10-12"
    assert [(f.code, f.outcome) for f in v.findings if f.check == "mode"] == [("ordering_mode_not_counted", "info")]
    assert v.evidence[:2] == ("s1", "s2") or set(v.evidence) == {"s1", "s2"}


def test_modes_and_after_superior_together(plan):
    wards = WARDS + "  modes: [in_person]\n"
    facts = KEY_SESSION + "- {id: s, type: session, unit: w1, date: 05/10/2020, mode: online, attendance: {dang_vien: 10}}"
    v = plan.run(KEY_CADRES + wards, facts, "20/11/2020").verdict("wards", "w1")
    assert v.status == "violated"
    assert {"ordering_mode_not_counted", "ordering_before_superior"} <= {f.code for f in v.findings}


def test_obligations_without_these_fields_are_untouched(plan, bare_plan):
    plain = WARDS.replace("  after_superior: key\n", "")
    facts = KEY_SESSION + "- {id: s, type: session, unit: w1, date: 12/10/2020, mode: online, attendance: {dang_vien: 10}}"
    with_plugin = plan.run(KEY_CADRES + plain, facts, "20/11/2020")
    without = bare_plan.run(KEY_CADRES + plain, facts, "20/11/2020", header=plan.header.replace("plugins: [nqengine-ordering]\n", ""))
    assert [(v.obligation, v.unit, v.status, v.findings) for v in with_plugin.verdicts] == [
        (v.obligation, v.unit, v.status, v.findings) for v in without.verdicts
    ]
