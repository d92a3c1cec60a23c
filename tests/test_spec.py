"""Loading specs: the Tam Kỳ plan value by value, deadline dates in every accepted form."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

import nqengine
from nqengine.errors import SpecError
from nqengine.inputs.registry import load_registry_text
from nqengine.model import Deadline, DeadlineRef, Selector
from nqengine.plugins import catalogue_for, get_plugin_manager
from nqengine.spec import load_spec, load_spec_text

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = ROOT / "specs" / "tam-ky-xxi"
BASE = (ROOT / "tests" / "bad_specs" / "base" / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tam_ky():
    return load_spec(TAM_KY / "plan.yaml")


def by_id(spec, oid):
    return next(ob for ob in spec.obligations if ob.id == oid)


def with_deadline_date(text: str):
    """The minimal spec with the study deadline's date written as ``text``."""
    return load_spec_text(BASE.replace("date: 31/10/2020", f"date: {text}"), "t.yaml")


# --- the Tam Kỳ plan ---------------------------------------------------------------------


def test_tam_ky_loads_whole(tam_ky):
    assert tam_ky.id == "tam-ky-xxi"
    assert len(tam_ky.obligations) == 14
    assert [ob.id for ob in tam_ky.obligations][:3] == ["study-party-committee", "study-grassroots-cell", "disseminate-among-people"]
    assert tam_ky.source == str(TAM_KY / "plan.yaml")


def test_tam_ky_loads_from_its_folder():
    assert len(load_spec(TAM_KY).obligations) == 14


def test_study_party_committee_deadline_is_before_31_october(tam_ky):
    ob = by_id(tam_ky, "study-party-committee")
    assert ob.kind == "study_session" and ob.clause == "II.1.1.b"
    assert ob.deadline == Deadline(
        inclusive=False,
        date=dt.date(2020, 10, 31),
        text="hoàn thành trước ngày 31/10/2020",
        clause="II.1.1.b",
    )
    assert ob.deadline.inclusive is False
    assert ob.params["sessions"] == 1
    assert ob.params["audience"]["categories"] == ["dang_vien", "can_bo", "cong_chuc", "vien_chuc", "khong_chuyen_trach", "can_bo_thon"]
    assert ob.params["audience"]["coverage"] == 1.0
    assert ob.applies_to.kinds == frozenset({"party_committee"})


def test_presenter_rule_and_its_exception_for_agencies(tam_ky):
    ob = by_id(tam_ky, "study-party-committee")
    assert ob.params["presenter"] == {
        "roles": ["secretary", "deputy_secretary"],
        "qualifications": [{"kind": "reporter", "body": "thanh-uy-tam-ky", "term": "XXI"}],
        "any_qualification": [],
        "any_of": [],
        "clause": "II.1.1.c",
        "interpretation": None,
    }
    (exc,) = ob.exceptions
    assert exc.when == Selector(sectors=frozenset({"agency", "public_unit", "enterprise", "armed_forces"}))
    assert exc.clause == "II.1.1.c"
    assert exc.obligation.params["presenter"] == {"roles": ["secretary"], "qualifications": [], "any_qualification": [], "any_of": [], "clause": "II.1.1.c", "interpretation": None}
    # Everything the exception does not set stays as in the general rule.
    assert exc.obligation.deadline == ob.deadline
    assert exc.obligation.params["audience"] == ob.params["audience"]


def test_report_deadline_counts_working_days_after_the_study(tam_ky):
    ob = by_id(tam_ky, "report-results")
    assert ob.deadline.after == DeadlineRef(obligation="study-party-committee", point="fulfilled")
    assert (ob.deadline.days, ob.deadline.working_days, ob.deadline.inclusive) == (5, True, True)
    assert ob.deadline.interpretation.startswith('Văn bản chỉ nói "kịp thời"')
    assert ob.params["channel"] == {"to": "ban-thuong-vu", "via": "ban-tuyen-giao", "clause": "III.5", "interpretation": None}
    (exc,) = ob.exceptions
    assert exc.when == Selector(kinds=frozenset({"grassroots_cell"}))
    assert exc.obligation.deadline.after == DeadlineRef(obligation="study-grassroots-cell", point="fulfilled")


def test_open_deadline(tam_ky):
    d = by_id(tam_ky, "portal-and-radio").deadline
    assert d.open is True and d.date is None and d.text == "(văn bản không nêu thời hạn)"


def test_clause_texts_are_quoted_verbatim(tam_ky):
    assert tam_ky.clauses["II.1.1.b"].text == "Thời gian: 01 buổi, hoàn thành trước ngày 31/10/2020."
    assert tam_ky.clauses["II.1.2.c"].text == "Báo cáo viên: do Đồng chí Bí thư Chi bộ trực tiếp báo cáo."
    assert tam_ky.clauses["II.1.1.c"].text.startswith("Báo cáo viên: do Đồng chí Bí thư hoặc Phó Bí thư Đảng ủy xã, phường,")
    assert tam_ky.clauses["II.1.1.c"].text.endswith("giao đồng chí Bí thư Đảng ủy trực tiếp báo cáo.")
    assert tam_ky.clauses["III.5"].text.endswith("về Ban Thường vụ Thành ủy (qua Ban Tuyên giáo Thành ủy).")
    assert tam_ky.clauses["III.5"].document == "kh-tam-ky-xxi"
    # Folded block scalars become one line, in NFC.
    for clause in tam_ky.clauses.values():
        assert "\n" not in clause.text
        assert unicodedata.is_normalized("NFC", clause.text)


def test_document_events_and_declarations(tam_ky):
    assert tam_ky.document.id == "kh-tam-ky-xxi"
    assert tam_ky.document.issuer == "Ban Thường vụ Thành ủy Tam Kỳ"
    assert tam_ky.effective == dt.date(2020, 9, 1)
    assert tam_ky.events == {"congress_opened": dt.date(2020, 7, 23), "resolution_adopted": dt.date(2020, 7, 25)}
    assert tam_ky.calendar == "vn" and tam_ky.due_soon_days == 7
    assert tam_ky.audience_categories["dang_vien"]["party_member"] is True
    assert tam_ky.audience_categories["can_bo"]["party_member"] is False
    assert list(tam_ky.materials) == ["van-kien-xxi"]


def test_every_obligation_knows_where_it_was_written(tam_ky):
    ob = by_id(tam_ky, "study-party-committee")
    lines = (TAM_KY / "plan.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("  - id: study-party-committee") + 1
    assert (ob.source.file, ob.source.line, ob.source.column) == (str(TAM_KY / "plan.yaml"), line, 5)


# --- deadline dates -------------------------------------------------------------------------


def test_the_base_spec_of_the_bad_specs_is_valid():
    spec = load_spec_text(BASE, "t.yaml")
    assert spec.obligations[0].deadline.date == dt.date(2020, 10, 31)


@pytest.mark.parametrize("text", ['"tháng 1/2021"', "tháng 1/2021", "trong tháng 01/2021", "'cuối tháng 1/2021'"])
def test_month_phrase_is_the_last_day_of_the_month(text):
    assert with_deadline_date(text).obligations[0].deadline.date == dt.date(2021, 1, 31)


@pytest.mark.parametrize("text", ["Q1/2021", '"quý I/2021"', "quý 1/2021", "Q1 2021"])
def test_quarter_phrase_is_the_last_day_of_the_quarter(text):
    assert with_deadline_date(text).obligations[0].deadline.date == dt.date(2021, 3, 31)


def test_nfd_month_phrase():
    nfd = unicodedata.normalize("NFD", "tháng 2/2024")
    assert with_deadline_date(nfd).obligations[0].deadline.date == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["31/10/2020", "2020-10-31", "'2020-10-31'", "31.10.2020", "31-10-2020"])
def test_day_first_and_iso_dates_agree(text):
    d = with_deadline_date(text).obligations[0].deadline
    assert d.date == dt.date(2020, 10, 31) and d.inclusive is False


def test_single_digit_day_and_month():
    assert with_deadline_date("1/9/2020").obligations[0].deadline.date == dt.date(2020, 9, 1)


def test_month_first_is_not_guessed():
    with pytest.raises(SpecError) as info:
        with_deadline_date("10/31/2020")
    assert info.value.render("en") == (
        "t.yaml:27:13: 'date': impossible date '10/31/2020': there is no month 31 (obligations[0].deadline.date)"
    )


def test_yes_is_true_for_inclusive():
    spec = load_spec_text(BASE.replace("inclusive: false", "inclusive: yes"), "t.yaml")
    assert spec.obligations[0].deadline.inclusive is True


def test_relative_deadline_from_an_event():
    spec = load_spec_text(BASE.replace("after: {obligation: study}", "after: {event: congress}"), "t.yaml")
    assert spec.obligations[1].deadline.after == DeadlineRef(event="congress", point="fulfilled")


# --- other loading behaviour -------------------------------------------------------------------


def test_nfd_spec_loads_as_nfc():
    spec = load_spec_text(unicodedata.normalize("NFD", BASE), "t.yaml")
    assert spec.title == "Kế hoạch học tập Nghị quyết (tối thiểu)"
    assert spec.obligations[0].title == "Tổ chức học tập, quán triệt Nghị quyết"


def test_leading_zero_numbers_are_decimal():
    spec = load_spec_text(BASE.replace("days: 5", "days: 08"), "t.yaml")
    assert spec.obligations[1].deadline.days == 8


def test_calendar_overrides_are_validated_and_reach_the_calendar():
    text = BASE.replace(
        "title: Kế hoạch học tập Nghị quyết (tối thiểu)\n",
        "title: Kế hoạch học tập Nghị quyết (tối thiểu)\n"
        "calendar_overrides:\n"
        "  2020:\n"
        "    days_off: [02/11/2020, {date: 03/11/2020, name: Nghỉ bù}]\n"
        "    working_days: [07/11/2020]\n",
    )
    spec = load_spec_text(text, "t.yaml")
    assert spec.calendar_overrides == {
        2020: {
            "days_off": [dt.date(2020, 11, 2), {"date": dt.date(2020, 11, 3), "name": "Nghỉ bù"}],
            "working_days": [dt.date(2020, 11, 7)],
        }
    }
    calendar = catalogue_for(get_plugin_manager()).calendar(spec.calendar, spec.calendar_overrides)
    assert not calendar.is_working_day(dt.date(2020, 11, 2))
    assert not calendar.is_working_day(dt.date(2020, 11, 3))
    assert calendar.is_working_day(dt.date(2020, 11, 7))  # a Saturday worked


def test_calendar_overrides_must_be_a_mapping_of_years():
    text = BASE.replace("id: mini\n", "id: mini\ncalendar_overrides: [02/11/2020]\n")
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "t.yaml")
    assert info.value.render("en") == "t.yaml:5:21: 'calendar_overrides' must be a mapping, got a list (calendar_overrides)"


def test_duplicate_document_ids():
    text = BASE.replace("audience_categories:\n", "documents:\n  - {id: kh-mini, title: Bản sao}\naudience_categories:\n")
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "t.yaml")
    assert info.value.render("en") == "t.yaml:11:10: duplicate id 'kh-mini' (also used at line 7) (documents[0].id)"


def test_a_spec_error_lists_problems_with_codes():
    with pytest.raises(SpecError) as info:
        with_deadline_date("31/02/2021")
    (p,) = info.value.problems
    assert (p.file, p.line, p.column, p.path, p.code) == ("t.yaml", 27, 13, "obligations[0].deadline.date", "invalid_date")
    assert p.to_json("vi")["message"] == "'date': ngày không tồn tại '31/02/2021': tháng 2/2021 chỉ có 28 ngày"


def test_loaded_spec_evaluates():
    """The loader's output is what the engine needs (a smoke test, not the engine's tests)."""
    spec = load_spec_text(BASE, "t.yaml")
    registry = load_registry_text(
        "units:\n  - {id: w1, name: Phường Một, kind: party_committee, sector: ward, audience: {dang_vien: 2}}\n",
        "r.yaml",
    )
    ev = nqengine.evaluate(spec, registry, [], "01/11/2020")
    assert {(v.obligation, v.unit, v.status) for v in ev.verdicts} >= {("study", "w1", "overdue")}


def test_an_unknown_kind_far_from_any_lists_the_registered_ones():
    with pytest.raises(SpecError) as info:
        load_spec_text(BASE.replace("    kind: report\n", "    kind: zzz\n"), "t.yaml")
    (line,) = info.value.render("en").splitlines()
    assert line.startswith("t.yaml:34:11: obligation kind 'zzz' is not registered (registered: ")
    assert "report, rollup, study_session" in line and line.endswith(") (obligations[1].kind)")
    assert "(đã đăng ký: " in info.value.render("vi")


EXCEPTION = "    exceptions:\n      - when: {kinds: grassroots_cell}\n        set: {channel: {to: ban-tuyen-giao}}\n"


def spec_problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "t.yaml")
    return info.value.render("en").splitlines()


def test_a_reference_an_exception_inherits_is_reported_once():
    text = BASE.replace("after: {obligation: study}", "after: {obligation: studdy}") + EXCEPTION
    assert spec_problems(text) == [
        "t.yaml:39:27: no obligation of the spec has id 'studdy' — did you mean 'study'? (obligations[1].deadline.after.obligation)"
    ]


def test_a_cycle_is_reported_once_at_the_reference_that_closes_it():
    text = BASE.replace("      date: 31/10/2020\n      inclusive: false\n", "      after: {obligation: report}\n      days: 10\n      inclusive: false\n")
    assert spec_problems(text + EXCEPTION) == [
        "t.yaml:40:27: relative deadlines form a cycle: study -> report -> study (obligations[1].deadline.after.obligation)"
    ]


def test_a_deadline_counting_from_itself_is_a_cycle():
    text = BASE + "    exceptions:\n      - when: {kinds: grassroots_cell}\n        set: {deadline: {after: {obligation: report}, days: 1, inclusive: true}}\n"
    assert spec_problems(text) == [
        "t.yaml:45:46: relative deadlines form a cycle: report -> report (obligations[1].exceptions[0].set.deadline.after.obligation)"
    ]


def test_what_an_exception_sets_is_checked_too():
    text = BASE.replace(
        "      required: [van-kien]\n",
        "      required: [van-kien]\n"
        "    exceptions:\n"
        "      - when: {sectors: agency}\n"
        "        set:\n"
        "          materials: {required: [tai-lieu], clause: II.9}\n"
        "          deadline: {date: 15/11/2020, inclusive: true, clause: III.6}\n",
    )
    assert spec_problems(text) == [
        "t.yaml:36:34: material 'tai-lieu' is not declared under 'materials' (obligations[0].exceptions[0].set.materials.required[0])",
        "t.yaml:36:53: clause 'II.9' is not declared under 'clauses' — did you mean 'III.5'? (obligations[0].exceptions[0].set.materials.clause)",
        "t.yaml:37:65: clause 'III.6' is not declared under 'clauses' — did you mean 'III.5'? (obligations[0].exceptions[0].set.deadline.clause)",
    ]
