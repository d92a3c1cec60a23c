"""Units named in facts as people type them: case, diacritics and spacing ignored when unambiguous."""

from __future__ import annotations

from pathlib import Path

import pytest

import nqengine
from nqengine.inputs import load_facts_text, load_registry, load_registry_text
from hypothesis import given
from hypothesis import strategies as st

from nqengine.evaluation.incremental import IncrementalEvaluation
from nqengine.i18n import message
from nqengine.names import Ambiguous, NameIndex, fold, match_name

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "vi" / "vi-du"


def test_fold():
    assert fold("Chi bộ  Kho bạc Nhà nước") == fold("chi bo kho bac nha nuoc") == "chibokhobacnhanuoc"
    assert fold("Đảng bộ") == "dangbo"


@given(st.text(max_size=12) | st.text(alphabet="ĐđÀàẢảÃãÁáẠạĂăẰằẲẳẴẵẮắẶặÂâẦầẨẩẪẫẤấẬậÈèẺẻẼẽÉéẸẹÊêỀềỂểỄễẾếỆệÌìỈỉĨĩÍíỊịÒòỎỏÕõÓóỌọÔôỒồỔổỖỗỐốỘộƠơỜờỞởỠỡỚớỢợÙùỦủŨũÚúỤụƯưỪừỬửỮữỨứỰựỲỳỶỷỸỹÝýỴỵ ", max_size=12))
def test_fold_is_the_nfd_algorithm(name):
    assert fold(name) == _fold_slow(name)


def test_match_name_unique_none_and_ambiguous():
    names = {"a": "Chi bộ Thuế", "b": "Chi bộ Kho bạc", "c": "Chi bo Thue"}
    assert match_name("CHI BO KHO BAC", names) == "b"
    assert match_name("Chi bộ Hải quan", names) is None
    with pytest.raises(Ambiguous) as info:
        match_name("chi bo thue", names)
    assert info.value.candidates == [("a", "Chi bộ Thuế"), ("c", "Chi bo Thue")]


def _evaluate(facts_text: str, registry=None):
    spec = nqengine.load_spec(EXAMPLE)
    reg = registry or load_registry(EXAMPLE / "registry.yaml")
    return nqengine.evaluate(spec, reg, load_facts_text("facts:\n" + facts_text, "f.yaml"), "20/11/2020")


def _fold_slow(name: str) -> str:
    """fold() without its ASCII shortcut."""
    import unicodedata  # only this reference implementation needs it

    text = unicodedata.normalize("NFD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    return "".join(text.casefold().split())


_NAMES = st.text(alphabet="aAbBđĐôộ \t\u00a0ÉeEẫỹƯưßİ\u0301\u0323Æ", max_size=6)


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), _NAMES), max_size=8), st.lists(_NAMES, max_size=6))
def test_name_index_matches_as_match_name(pairs, refs):
    # and fold() with its shortcuts (ASCII, Latin letters with marks) is the plain NFD algorithm
    names = dict(pairs)
    index = NameIndex(names)
    for ref in [*refs, *names.values()]:
        assert fold(ref) == _fold_slow(ref)
        try:
            want: object = match_name(ref, names)
        except Ambiguous as exc:
            want = ("ambiguous", exc.candidates)
        try:
            got: object = index.match(ref)
        except Ambiguous as exc:
            got = ("ambiguous", exc.candidates)
        assert got == want


def test_a_unit_named_without_diacritics_is_matched_with_a_warning_finding():
    ev = _evaluate("  - {id: kb, type: session, unit: chi bo kho bac nha nuoc, date: 05/11/2020, presenter: tt-hoa, attendance: {dang_vien: 12}}\n")
    v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
    assert v.status == "met_late" and v.evidence == ("kb",)
    (warning,) = [f for f in v.findings if f.code == "fact_unit_name_matched"]
    assert (warning.outcome, warning.params["written"], warning.params["id"]) == ("info", "chi bo kho bac nha nuoc", "cb-kho-bac")
    assert ev.unmatched_facts == []


def test_ids_stay_exact():
    ev = _evaluate("  - {id: kb, type: session, unit: CB-KHO-BAC, date: 05/11/2020, presenter: tt-hoa}\n")
    assert [(u.fact, u.code) for u in ev.unmatched_facts] == [("kb", "fact_unknown_unit")]


def test_an_ambiguous_name_names_the_candidates():
    text = (EXAMPLE / "registry.yaml").read_text(encoding="utf-8").replace(
        "people:", "  - {id: cb-kb2, name: Chi bo Kho bac Nha nuoc, kind: grassroots_cell, sector: agency, parent: thanh-uy}\npeople:")
    ev = _evaluate("  - {id: kb, type: session, unit: chibo khobac nhanuoc, date: 05/11/2020}\n", load_registry_text(text, "r.yaml"))
    (u,) = ev.unmatched_facts
    assert u.code == "fact_unit_ambiguous"
    assert u.params == {"unit": "chibo khobac nhanuoc", "candidates": "Chi bo Kho bac Nha nuoc (cb-kb2), Chi bộ Kho bạc Nhà nước (cb-kho-bac)"}


# --- presenters named as people type them (issue 11, item 3) ---------------------------------------


def test_a_presenter_named_without_diacritics_is_matched_with_a_warning_finding():
    ev = _evaluate("  - {id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenter: tran  thi HOA, attendance: {dang_vien: 12}}\n")
    v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
    assert v.status == "met_late" and v.evidence == ("kb",)
    (warning,) = [f for f in v.findings if f.code == "presenter_name_matched"]
    assert warning.outcome == "info"
    assert warning.params == {"fact": "kb", "written": "tran  thi HOA", "name": "Trần Thị Hoa", "id": "tt-hoa"}
    (ok,) = [f for f in v.findings if f.check == "presenter"]
    assert (ok.outcome, ok.code) == ("pass", "presenter_ok_all")
    assert ev.unmatched_facts == []
    assert message(warning.code, "en", **warning.params) == "warning: kb names its presenter 'tran  thi HOA', read as Trần Thị Hoa (tt-hoa); better give the person's id"
    assert message(warning.code, "vi", **warning.params) == "cảnh báo: kb ghi người báo cáo là 'tran  thi HOA', được hiểu là Trần Thị Hoa (tt-hoa); nên ghi mã người"


def test_a_presenter_given_by_id_or_exact_name_gets_no_warning():
    for who in ("tt-hoa", "Trần Thị Hoa", "trần thị hoa"):
        ev = _evaluate(f"  - {{id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenter: {who}, attendance: {{dang_vien: 12}}}}\n")
        v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
        assert v.status == "met_late", who
        assert not [f for f in v.findings if f.code == "presenter_name_matched"], who


def test_a_loosely_named_presenter_still_has_to_qualify():
    # Nguyễn Văn Bình is the secretary of cb-thue, not of cb-kho-bac: matched, then refused for his role
    ev = _evaluate("  - {id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenter: nguyen van binh, attendance: {dang_vien: 12}}\n")
    v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
    assert v.status == "violated"
    codes = {f.code: f for f in v.findings}
    assert codes["presenter_role"].outcome == "fail" and codes["presenter_role"].params["presenter"] == "Nguyễn Văn Bình"
    assert codes["presenter_name_matched"].params["id"] == "nv-binh"


def _registry_with_a_namesake():
    text = (EXAMPLE / "registry.yaml").read_text(encoding="utf-8") + (
        "  - id: tt-hoa-2\n    name: Trần Thị Hòa\n    roles: [{unit: cb-thue, role: member}]\n"
    )
    return load_registry_text(text, "r.yaml")


def test_an_ambiguous_presenter_name_names_the_candidates():
    ev = _evaluate("  - {id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenter: tran thi hoa, attendance: {dang_vien: 12}}\n",
                   _registry_with_a_namesake())
    v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
    assert v.status == "indeterminate"
    (amb,) = [f for f in v.findings if f.code == "presenter_ambiguous"]
    assert amb.outcome == "unknown"
    assert amb.params == {"fact": "kb", "presenter": "tran thi hoa", "candidates": "Trần Thị Hoa (tt-hoa), Trần Thị Hòa (tt-hoa-2)"}
    assert not [f for f in v.findings if f.code == "presenter_name_matched"]
    # the exact name still finds the one person it names
    ev = _evaluate("  - {id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenter: Trần Thị Hoa, attendance: {dang_vien: 12}}\n",
                   _registry_with_a_namesake())
    assert ev.verdict("chi-bo-hoc-tap", "cb-kho-bac").status == "met_late"


def test_several_presenters_each_matched_as_typed():
    ev = _evaluate("  - {id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenters: [TRAN THI HOA, tt-hoa], attendance: {dang_vien: 12}}\n")
    v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
    assert v.status == "met_late"
    assert [(f.params["written"], f.params["id"]) for f in v.findings if f.code == "presenter_name_matched"] == [("TRAN THI HOA", "tt-hoa")]


def test_the_incremental_evaluation_gives_the_same_warnings():
    spec = nqengine.load_spec(EXAMPLE)
    reg = load_registry(EXAMPLE / "registry.yaml")
    facts = load_facts_text(
        "facts:\n  - {id: kb, type: session, unit: chi bo kho bac nha nuoc, date: 05/11/2020, presenter: tran thi hoa, attendance: {dang_vien: 12}}\n",
        "f.yaml",
    )
    full = nqengine.evaluate(spec, reg, facts, "20/11/2020").verdict("chi-bo-hoc-tap", "cb-kho-bac")
    live = IncrementalEvaluation(spec, reg, [], "20/11/2020")
    live.add_facts(facts)
    assert live.verdict("chi-bo-hoc-tap", "cb-kho-bac") == full
    assert {f.code for f in full.findings} >= {"fact_unit_name_matched", "presenter_name_matched"}


def test_registry_lookups_as_typed():
    reg = _registry_with_a_namesake()
    assert reg.person_as_typed("NGUYEN  VAN BINH").id == "nv-binh"
    assert reg.person_as_typed("Lê Văn Tám") is None
    with pytest.raises(Ambiguous) as info:
        reg.person_as_typed("tran thi hoa")
    assert info.value.candidates == [("tt-hoa", "Trần Thị Hoa"), ("tt-hoa-2", "Trần Thị Hòa")]
    assert reg.unit_as_typed("chi bo chi cuc thue").id == "cb-thue"
    assert reg.unit_as_typed("cb-thue") is None  # ids are exact: never folded


def test_a_unit_given_by_its_exact_name_is_matched_without_a_warning():
    ev = _evaluate("  - {id: kb, type: session, unit: Chi bộ Kho bạc Nhà nước, date: 05/11/2020, presenter: tt-hoa, attendance: {dang_vien: 12}}\n")
    v = ev.verdict("chi-bo-hoc-tap", "cb-kho-bac")
    assert (v.status, v.evidence, ev.facts["kb"].unit) == ("met_late", ("kb",), "cb-kho-bac")
    assert [f.code for f in v.findings if f.check == "names"] == []


def test_presenters_as_typed_in_a_fact_made_in_code_and_in_a_list():
    """A fact built in code need not carry both ``presenter`` and ``presenters``; in a list, each name is read as typed
    and the others are kept as they were, in their order."""
    import attrs

    ev = _evaluate("  - {id: kb, type: session, unit: cb-kho-bac, date: 05/11/2020, presenter: tt-hoa, attendance: {dang_vien: 12}}\n")
    kb = ev.facts["kb"]
    only_presenter = attrs.evolve(kb, data={k: v for k, v in kb.data.items() if k != "presenters"} | {"presenter": "TRAN THI HOA"})
    assert "presenters" not in only_presenter.data
    again = nqengine.evaluate(ev.spec, ev.registry, [only_presenter], ev.as_of)
    assert again.facts["kb"].data["presenter"] == "tt-hoa"
    assert [f.params["written"] for f in again.verdict("chi-bo-hoc-tap", "cb-kho-bac").findings if f.code == "presenter_name_matched"] == ["TRAN THI HOA"]
    listed = attrs.evolve(kb, data={k: v for k, v in kb.data.items() if k != "presenter"} | {"presenters": ["TRAN THI HOA", "tt-hoa", "Trần Thị Hoa"]})
    again = nqengine.evaluate(ev.spec, ev.registry, [listed], ev.as_of)
    assert again.facts["kb"].data["presenters"] == ["tt-hoa", "tt-hoa", "Trần Thị Hoa"]
