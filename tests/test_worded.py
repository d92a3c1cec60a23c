"""Presenter findings read in people's words: roles and titles by their labels, bodies by name (issue 11, item 6)."""

from __future__ import annotations

import pickle
from pathlib import Path

import nqengine
from nqengine.evaluation.kinds.presenters import Worded, qualification_words, role_words
from nqengine.i18n import body_words, message, percent
from nqengine.inputs import load_facts_text, load_registry, load_registry_text
from nqengine.spec import load_spec_text

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = ROOT / "specs" / "tam-ky-xxi"


def _finding(as_of: str, unit: str, code: str):
    ev = nqengine.evaluate(nqengine.load_spec(TAM_KY), load_registry(TAM_KY), nqengine.load_facts(TAM_KY), as_of)
    v = ev.verdict("study-party-committee", unit)
    (f,) = [f for f in v.findings if f.code == code]
    return f


def test_a_missing_title_names_the_body_and_the_term():
    f = _finding("20/11/2020", "p-hoa-huong", "presenter_qualification")
    assert f.params["qualification"] == "reporter thanh-uy-tam-ky XXI"  # ids, for programs
    assert message(f.code, "vi", **f.params) == (
        "hh-session: Võ Thị Giang không phải là Báo cáo viên của Thành ủy Tam Kỳ (thanh-uy-tam-ky), khóa XXI vào ngày 08/10/2020"
    )
    assert message(f.code, "en", **f.params) == (
        "hh-session: Võ Thị Giang did not hold the title Reporter of Thành ủy Tam Kỳ (thanh-uy-tam-ky), term XXI on 08/10/2020"
    )


def test_a_wrong_role_reads_as_the_roles_labels():
    f = _finding("20/11/2020", "db-quan-su", "presenter_role")
    assert (f.params["required"], f.params["roles"]) == ("secretary", "deputy_secretary")
    assert message(f.code, "vi", **f.params).endswith("không giữ chức vụ yêu cầu (Bí thư) tại đơn vị ngày 14/10/2020 (chức vụ: Phó Bí thư)")
    assert message(f.code, "en", **f.params).endswith("did not hold a required role (Secretary) in the unit on 14/10/2020 (roles: Deputy Secretary)")


def test_worded_values_pickle_and_compare_as_their_ids():
    w = role_words(["secretary", "deputy_secretary"])
    assert w == "secretary, deputy_secretary" and (w.vi, w.en) == ("Bí thư, Phó Bí thư", "Secretary, Deputy Secretary")
    back = pickle.loads(pickle.dumps(w))
    assert isinstance(back, Worded) and back == w and back.render("en") == "Secretary, Deputy Secretary"
    assert role_words([]) == "—" and role_words(["chief"]).render("vi") == "chief"  # a word without a label reads as itself
    q = qualification_words([{"kind": "reporter", "body": "nowhere", "term": None}, {"kind": "reporter"}], None)
    assert q == "reporter nowhere | reporter"
    assert q.render("vi") == "Báo cáo viên của nowhere hoặc Báo cáo viên"
    assert q.render("en") == "Reporter of nowhere or Reporter"


PLAN = """\
nqengine: 1
id: v
title: Kế hoạch thử
document: {id: kh, title: Kế hoạch thử, issued: 01/09/2020}
clauses: {c1: Điều một.}
vocabularies:
  roles:
    chief_of_office: {vi: Chánh Văn phòng, en: Chief of office}
obligations:
  - id: study
    kind: study_session
    title: Học tập
    clause: c1
    applies_to: {kinds: party_committee}
    deadline: {date: 31/10/2020, inclusive: false}
    audience: {categories: [dang_vien]}
    presenter: {roles: [chief_of_office]}
"""
REGISTRY = """\
units:
  - {id: u, name: Đảng bộ phường Một, kind: party_committee, sector: ward}
people:
  - {id: p, name: Nguyễn Văn Một, roles: [{unit: u, role: secretary}]}
"""


def test_a_plans_own_role_reads_with_its_label():
    spec = load_spec_text(PLAN, "v.yaml")
    facts = load_facts_text("facts:\n  - {id: s, type: session, unit: u, date: 05/10/2020, presenter: p}\n", "f.yaml")
    v = nqengine.evaluate(spec, load_registry_text(REGISTRY, "r.yaml"), facts, "20/11/2020").verdict("study", "u")
    (f,) = [f for f in v.findings if f.code == "presenter_role"]
    assert message(f.code, "vi", **f.params) == "s: Nguyễn Văn Một không giữ chức vụ yêu cầu (Chánh Văn phòng) tại đơn vị ngày 05/10/2020 (chức vụ: Bí thư)"
    assert message(f.code, "en", **f.params) == "s: Nguyễn Văn Một did not hold a required role (Chief of office) in the unit on 05/10/2020 (roles: Secretary)"


def test_a_report_through_the_wrong_channel_names_the_body():
    ev = nqengine.evaluate(*nqengine.load_folder(TAM_KY), "20/11/2020")
    (f,) = [f for v in ev.verdicts for f in v.findings if f.code == "report_wrong_channel"]
    assert f.params["via"] == "van-phong-thanh-uy"  # as written, for programs
    assert message(f.code, "vi", **f.params) == (
        "tth-report: gửi qua Văn phòng Thành ủy Tam Kỳ (van-phong-thanh-uy), không qua Ban Tuyên giáo Thành ủy Tam Kỳ")
    assert message(f.code, "en", **f.params) == (
        "tth-report: sent via Văn phòng Thành ủy Tam Kỳ (van-phong-thanh-uy), not via Ban Tuyên giáo Thành ủy Tam Kỳ")
    # a body the registry does not hold is shown as written
    assert message("report_wrong_recipient", "en", fact="r", to=body_words("ban-khac", None), expected="Ban Thường vụ") == (
        "r: sent to 'ban-khac', not Ban Thường vụ")


def test_a_roll_up_names_its_obligation_by_title_with_a_decimal_comma_in_vietnamese():
    ev = nqengine.evaluate(*nqengine.load_folder(ROOT / "specs" / "gia-lai-xiv"), "10/04/2026")
    short = [f for v in ev.verdicts for f in v.findings if f.code == "rollup_short" and f.params["reached"] == 800]
    assert short, "the Gia Lai plan's provincial roll-up"
    f = short[0]
    assert (f.params["of"], f.params["rate"]) == ("study-members", "47.1%")
    assert message(f.code, "vi", **f.params) == (
        "Đảng ủy trực thuộc tổ chức học tập cho toàn thể đảng viên (tối thiểu 01 buổi): mới đạt 800/1700 (47,1%), "
        "chưa đạt chỉ tiêu 90% (cần 1530)")
    assert message(f.code, "en", **f.params).endswith(": only 800/1700 (47.1%), below the threshold 90% (1530 needed)")
    assert (percent(0.5).render("vi"), percent(0.5).render("en"), percent(1 / 3, 2)) == ("50,0%", "50.0%", "33.33%")


def test_a_plans_own_qualification_reads_with_its_label():
    plan = PLAN.replace(
        "    chief_of_office: {vi: Chánh Văn phòng, en: Chief of office}\n",
        "    chief_of_office: {vi: Chánh Văn phòng, en: Chief of office}\n  qualifications:\n"
        "    tuyen_truyen_vien: {vi: Tuyên truyền viên, en: Propagandist}\n",
    ).replace("presenter: {roles: [chief_of_office]}", "presenter: {roles: [secretary], qualifications: [{kind: tuyen_truyen_vien, term: XXI}]}")
    spec = load_spec_text(plan, "v.yaml")
    facts = load_facts_text("facts:\n  - {id: s, type: session, unit: u, date: 05/10/2020, presenter: p}\n", "f.yaml")
    v = nqengine.evaluate(spec, load_registry_text(REGISTRY, "r.yaml"), facts, "20/11/2020").verdict("study", "u")
    (f,) = [f for f in v.findings if f.code == "presenter_qualification"]
    assert f.params["qualification"] == "tuyen_truyen_vien XXI"  # ids, for programs
    assert "Tuyên truyền viên, khóa XXI" in message(f.code, "vi", **f.params)
    assert "Propagandist, term XXI" in message(f.code, "en", **f.params)


def test_no_roles_read_as_a_dash_and_a_context_of_a_plugins_own_gets_the_built_in_labels():
    from types import SimpleNamespace

    from nqengine.evaluation.kinds.presenters import role_words

    none = role_words([])
    assert (str(none), none.render("vi"), none.render("en")) == ("—", "—", "—")
    words = role_words(["secretary", "deputy_secretary"], SimpleNamespace())  # no spec, no catalogue
    assert (str(words), words.render("vi"), words.render("en")) == ("secretary, deputy_secretary", "Bí thư, Phó Bí thư", "Secretary, Deputy Secretary")

    class Slotted:  # a context without a __dict__ to keep labels in
        __slots__ = ()

    assert role_words(["secretary"], Slotted()).render("vi") == "Bí thư"


def test_a_qualification_without_a_label_or_a_kind_still_reads():
    from nqengine.evaluation.kinds.presenters import qualification_words

    words = qualification_words([{"kind": "unlisted", "term": "XXI"}, {"body": "x"}], None)
    assert str(words) == "unlisted XXI | x"
    assert words.render("vi") == "unlisted, khóa XXI hoặc tư cách của x"
    assert words.render("en") == "unlisted, term XXI or qualified of x"


def test_the_full_presenter_check_reads_in_the_plans_own_words_too():
    """A rule that needs the full check (``any_qualification``) names the plan's own roles and titles as the fast path does."""
    base = PLAN.replace(
        "    chief_of_office: {vi: Chánh Văn phòng, en: Chief of office}\n",
        "    chief_of_office: {vi: Chánh Văn phòng, en: Chief of office}\n  qualifications:\n"
        "    tuyen_truyen_vien: {vi: Tuyên truyền viên, en: Propagandist}\n",
    )
    facts = load_facts_text("facts:\n  - {id: s, type: session, unit: u, date: 05/10/2020, presenter: p}\n", "f.yaml")
    registry = load_registry_text(REGISTRY, "r.yaml")
    role = base.replace("presenter: {roles: [chief_of_office]}", "presenter: {roles: [chief_of_office], any_qualification: [{kind: reporter}]}")
    (f,) = [f for f in nqengine.evaluate(load_spec_text(role, "v.yaml"), registry, facts, "20/11/2020").verdict("study", "u").findings if f.check == "presenter"]
    assert message(f.code, "en", **f.params) == "s: Nguyễn Văn Một did not hold a required role (Chief of office) in the unit on 05/10/2020 (roles: Secretary)"
    title = base.replace(
        "presenter: {roles: [chief_of_office]}",
        "presenter: {roles: [secretary], qualifications: [{kind: tuyen_truyen_vien}], any_qualification: [{kind: tuyen_truyen_vien}]}",
    )
    (f,) = [f for f in nqengine.evaluate(load_spec_text(title, "v.yaml"), registry, facts, "20/11/2020").verdict("study", "u").findings if f.check == "presenter"]
    assert f.code == "presenter_qualification"
    assert "Propagandist" in message(f.code, "en", **f.params) and "Tuyên truyền viên" in message(f.code, "vi", **f.params)


def test_the_full_check_lists_the_roles_held_in_the_plans_own_words():
    registry = load_registry_text(REGISTRY.replace("role: secretary}", "role: chief_of_office}"), "r.yaml")
    plan = PLAN.replace("presenter: {roles: [chief_of_office]}", "presenter: {roles: [secretary], any_qualification: [{kind: reporter}]}")
    facts = load_facts_text("facts:\n  - {id: s, type: session, unit: u, date: 05/10/2020, presenter: p}\n", "f.yaml")
    (f,) = [f for f in nqengine.evaluate(load_spec_text(plan, "v.yaml"), registry, facts, "20/11/2020").verdict("study", "u").findings if f.check == "presenter"]
    assert message(f.code, "en", **f.params) == "s: Nguyễn Văn Một did not hold a required role (Secretary) in the unit on 05/10/2020 (roles: Chief of office)"


def test_check_presenter_reads_in_the_plans_own_words_when_given_the_evaluation():
    """``check_presenter`` (for plugins) passes the evaluation on, so a failure reads in the plan's words, fast path or full."""
    from types import SimpleNamespace

    from nqengine.evaluation.kinds.study import check_presenter
    from nqengine.plugins.manager import catalogue_for, get_plugin_manager

    pm = get_plugin_manager()
    spec = load_spec_text(PLAN, "v.yaml", pm=pm)
    registry = load_registry_text(REGISTRY, "r.yaml")
    context = SimpleNamespace(registry=registry, spec=spec, catalogue=catalogue_for(pm))
    fact = load_facts_text("facts:\n  - {id: s, type: session, unit: u, date: 05/10/2020, presenter: p}\n", "f.yaml")[0]
    for rule in ({"roles": ["chief_of_office"]}, {"roles": ["chief_of_office"], "any_qualification": [{"kind": "reporter"}]}):
        outcome, code, params = check_presenter(rule, fact, registry.units["u"], context)
        assert (outcome, code) == ("fail", "presenter_role")
        assert message(code, "en", **params) == "s: Nguyễn Văn Một did not hold a required role (Chief of office) in the unit on 05/10/2020 (roles: Secretary)"
    nobody = load_facts_text("facts:\n  - {id: t, type: session, unit: u, date: 05/10/2020}\n", "f.yaml")[0]
    assert check_presenter({"roles": ["secretary"]}, nobody, registry.units["u"], context) == ("unknown", "presenter_missing", {"fact": "t"})


def test_the_fast_check_lists_the_roles_held_in_the_plans_own_words():
    registry = load_registry_text(REGISTRY.replace("role: secretary}", "role: chief_of_office}"), "r.yaml")
    plan = PLAN.replace("presenter: {roles: [chief_of_office]}", "presenter: {roles: [secretary]}")
    facts = load_facts_text("facts:\n  - {id: s, type: session, unit: u, date: 05/10/2020, presenter: p}\n", "f.yaml")
    (f,) = [f for f in nqengine.evaluate(load_spec_text(plan, "v.yaml"), registry, facts, "20/11/2020").verdict("study", "u").findings if f.check == "presenter"]
    assert message(f.code, "vi", **f.params) == "s: Nguyễn Văn Một không giữ chức vụ yêu cầu (Bí thư) tại đơn vị ngày 05/10/2020 (chức vụ: Chánh Văn phòng)"
