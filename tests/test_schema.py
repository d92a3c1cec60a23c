"""The declarative validators: values, located problems, "did you mean", ranges, records."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from nqengine.errors import Problem
from nqengine.schema import (
    INVALID,
    Any_,
    Bool,
    Choice,
    Date,
    DeadlineDate,
    Field,
    Float,
    Int,
    ListOf,
    MapOf,
    Record,
    Str,
    hint_for,
    hint_or_choices,
    nfc,
    suggest,
)
from nqengine.yamlsource import Node, compose_text


def node(text: str) -> Node:
    """The node of ``v`` in ``v: TEXT`` (so the field is named 'v', at column 4)."""
    root = compose_text(f"v: {text}\n", "s.yaml")
    return root.get("v")  # type: ignore[return-value]


def check(validator, text: str, path: str = "v"):
    """(value, rendered English problems) of validating ``v: TEXT``."""
    problems: list[Problem] = []
    got = validator.validate(node(text), path, problems)
    return got, [p.render("en") for p in problems]


def ok(validator, text: str):
    got, problems = check(validator, text)
    assert problems == []
    return got


# --- helpers -------------------------------------------------------------------------------


def test_suggest_and_hint():
    assert suggest("deadlne", ["deadline", "title"]) == "deadline"
    assert suggest("xyz", ["deadline", "title"]) is None
    assert str(hint_for("titel", ["title"])["hint"]) == "title"
    assert hint_for("zzz", ["title"]) == {"hint": ""}


def test_suggestions_ignore_case_and_normalisation():
    assert suggest("VN", ["gregorian", "vn"]) == "vn"
    assert suggest("Party_Committee", ["party_committee"]) == "party_committee"
    assert suggest(unicodedata.normalize("NFD", "phuờng"), ["phường"]) == "phường"


def test_hint_or_choices():
    assert str(hint_or_choices("reprot", ["duty", "report"])["hint"]) == "report"
    listed = hint_or_choices("zzz", ["duty", "report"])["hint"]
    assert listed.render("en") == " (registered: duty, report)"
    assert listed.render("vi") == " (đã đăng ký: duty, report)"


def test_nfc():
    assert nfc(unicodedata.normalize("NFD", "Thành ủy")) == "Thành ủy"


def test_invalid_is_falsy_and_unique():
    assert not INVALID and repr(INVALID) == "INVALID"


# --- Str --------------------------------------------------------------------------------------


def test_str_normalises_nfd_to_nfc_and_strips():
    nfd = unicodedata.normalize("NFD", "Đảng bộ phường Hòa Hương")
    got = ok(Str(), f"'  {nfd}  '")
    assert got == "Đảng bộ phường Hòa Hương"
    assert unicodedata.is_normalized("NFC", got)


def test_str_keeps_numbers_as_written():
    assert ok(Str(), "1.10") == "1.10"
    assert ok(Str(), "08") == "08"
    assert ok(Str(), "2020-10-31") == "2020-10-31"


def test_str_without_coercion_wants_text():
    assert check(Str(coerce=False), "5") == (INVALID, ["s.yaml:1:4: 'v' must be text, got '5' (a whole number) (v)"])


def test_str_refuses_yes_no_with_a_quoting_hint():
    assert check(Str(), "no") == (INVALID, ["s.yaml:1:4: 'v' must be text, but YAML reads no as true/false; put it in quotes: \"no\" (v)"])
    assert ok(Str(), "'no'") == "no"


def test_str_refuses_nothing_and_empty_text():
    assert check(Str(), "") == (INVALID, ["s.yaml:1:3: 'v' must be text, got nothing (v)"])
    assert check(Str(), "''") == (INVALID, ["s.yaml:1:4: 'v' must not be empty (v)"])
    assert ok(Str(nonempty=False), "''") == ""


def test_str_refuses_collections():
    assert check(Str(), "[a, b]") == (INVALID, ["s.yaml:1:4: 'v' must be text, got a list (v)"])
    assert check(Str(), "{a: b}") == (INVALID, ["s.yaml:1:4: 'v' must be text, got a mapping (v)"])


# --- numbers and booleans --------------------------------------------------------------------


def test_int_and_its_range():
    assert ok(Int(min=0, max=10), "5") == 5
    assert ok(Int(min=0), "010") == 10
    assert check(Int(min=1), "0") == (INVALID, ["s.yaml:1:4: 'v' must be at least 1, got 0 (v)"])
    assert check(Int(max=3660), "99999") == (INVALID, ["s.yaml:1:4: 'v' must be at most 3660, got 99999 (v)"])


def test_int_range_in_vietnamese():
    problems: list[Problem] = []
    Int(min=1).validate(node("0"), "v", problems)
    assert problems[0].render("vi") == "s.yaml:1:4: 'v' phải lớn hơn hoặc bằng 1, nhưng là 0 (v)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("2.5", "'v' must be a whole number, got '2.5' (a number)"),
        ("năm", "'v' must be a whole number, got 'năm' (text)"),
        ("true", "'v' must be a whole number, got 'true' (true/false)"),
        ("2020-10-31", "'v' must be a whole number, got '2020-10-31' (a date)"),
        ("'5'", "'v' must be a whole number, got the quoted text '5'; remove the quotes"),
        ("[5]", "'v' must be a whole number, got a list"),
    ],
)
def test_int_wrong_types_say_what_was_given(text, message):
    got, problems = check(Int(), text)
    assert got is INVALID
    assert problems == [f"s.yaml:1:{3 if text == '' else 4}: {message} (v)"]


def test_float_accepts_whole_numbers_and_refuses_nan():
    assert ok(Float(min=0.0, max=1.0), "1") == 1.0
    assert ok(Float(min=0.0, max=1.0), "0.75") == 0.75
    assert check(Float(max=1.0), "100") == (INVALID, ["s.yaml:1:4: 'v' must be at most 1.0, got 100 (v)"])
    assert check(Float(), ".nan") == (INVALID, ["s.yaml:1:4: 'v' must be a finite number, got .nan (v)"])
    assert check(Float(), ".inf") == (INVALID, ["s.yaml:1:4: 'v' must be a finite number, got .inf (v)"])


@pytest.mark.parametrize("text, result", [("true", True), ("false", False), ("yes", True), ("no", False), ("on", True), ("Off", False)])
def test_bool_takes_yaml_booleans(text, result):
    assert ok(Bool(), text) is result


def test_bool_refuses_quoted_and_other_words():
    assert check(Bool(), "'false'") == (INVALID, ["s.yaml:1:4: 'v' must be true/false, got the quoted text 'false'; remove the quotes (v)"])
    assert check(Bool(), "có") == (INVALID, ["s.yaml:1:4: 'v' must be true/false, got 'có' (text) (v)"])
    assert check(Bool(), "1") == (INVALID, ["s.yaml:1:4: 'v' must be true/false, got '1' (a whole number) (v)"])


# --- choices -------------------------------------------------------------------------------------


def test_choice_with_did_you_mean():
    sectors = Choice(("commune", "ward", "agency"))
    assert ok(sectors, "ward") == "ward"
    assert check(sectors, "agencies") == (
        INVALID,
        ["s.yaml:1:4: 'v' is invalid: 'agencies'; choose one of: commune, ward, agency — did you mean 'agency'? (v)"],
    )
    assert check(sectors, "army") == (INVALID, ["s.yaml:1:4: 'v' is invalid: 'army'; choose one of: commune, ward, agency (v)"])


def test_choice_compares_after_nfc():
    choice = Choice(["phường", "xã"])
    assert ok(choice, unicodedata.normalize("NFD", "phường")) == "phường"


def test_choice_from_a_callable():
    assert ok(Choice(lambda: ["a", "b"]), "b") == "b"


def test_did_you_mean_in_vietnamese():
    problems: list[Problem] = []
    Choice(("commune", "ward")).validate(node("wards"), "v", problems)
    assert problems[0].render("vi") == "s.yaml:1:4: 'v' không hợp lệ: 'wards'; chọn một trong: commune, ward — có phải ý bạn là 'ward'? (v)"


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["31/10/2020", "2020-10-31", "'2020-10-31'", "31.10.2020", "31-10-2020"])
def test_date_day_first_and_iso(text):
    assert ok(Date(), text) == dt.date(2020, 10, 31)


def test_date_refuses_impossible_days():
    assert check(Date(), "31/02/2021") == (INVALID, ["s.yaml:1:4: 'v': impossible date '31/02/2021': February 2021 has 28 days (v)"])
    assert check(Date(), "29/02/2020") == (dt.date(2020, 2, 29), [])


def test_date_in_vietnamese():
    problems: list[Problem] = []
    Date().validate(node("31/02/2021"), "v", problems)
    assert problems[0].render("vi") == "s.yaml:1:4: 'v': ngày không tồn tại '31/02/2021': tháng 2/2021 chỉ có 28 ngày (v)"


def test_date_refuses_numbers_and_phrases():
    assert check(Date(), "20201031") == (INVALID, ["s.yaml:1:4: 'v' must be a date (dd/mm/yyyy or yyyy-mm-dd), got '20201031' (a whole number) (v)"])
    got, problems = check(Date(), "tháng 1/2021")
    assert got is INVALID and problems == [
        "s.yaml:1:4: 'v': unrecognised date 'tháng 1/2021': write dd/mm/yyyy or yyyy-mm-dd (v)"
    ]


@pytest.mark.parametrize(
    "text, day",
    [
        ("31/10/2020", dt.date(2020, 10, 31)),
        ("tháng 1/2021", dt.date(2021, 1, 31)),
        ("trong tháng 2/2024", dt.date(2024, 2, 29)),
        ("Q1/2021", dt.date(2021, 3, 31)),
        ("quý IV/2020", dt.date(2020, 12, 31)),
        ("năm 2021", dt.date(2021, 12, 31)),
    ],
)
def test_deadline_date_takes_periods_as_their_last_day(text, day):
    assert ok(DeadlineDate(), text) == day


def test_deadline_date_refuses_impossible_periods():
    assert check(DeadlineDate(), "Q5/2021") == (
        INVALID,
        ["s.yaml:1:4: 'v': impossible date or period 'Q5/2021': there is no quarter 5 (v)"],
    )


# --- lists and maps ------------------------------------------------------------------------------------


def test_list_of_locates_each_item():
    got, problems = check(ListOf(Int()), "[1, x, 3, y]")
    assert got is INVALID
    assert problems == [
        "s.yaml:1:8: 'v[1]' must be a whole number, got 'x' (text) (v[1])",
        "s.yaml:1:14: 'v[3]' must be a whole number, got 'y' (text) (v[3])",
    ]


def test_list_of_single_accepts_a_bare_item():
    assert ok(ListOf(Str(), single=True), "secretary") == ["secretary"]
    assert ok(ListOf(Str(), single=True), "[secretary, deputy]") == ["secretary", "deputy"]
    assert check(ListOf(Str()), "secretary") == (INVALID, ["s.yaml:1:4: 'v' must be a list, got 'secretary' (text) (v)"])
    assert check(ListOf(Str(), single=True), "") == (INVALID, ["s.yaml:1:3: 'v' must be a list, got nothing (v)"])


def test_list_of_single_still_validates_the_item():
    assert check(ListOf(Choice(["a", "b"]), single=True), "c") == (INVALID, ["s.yaml:1:4: 'v' is invalid: 'c'; choose one of: a, b (v)"])


def test_list_of_minimum_length():
    assert check(ListOf(Str(), min_len=1), "[]") == (INVALID, ["s.yaml:1:4: 'v' must not be empty (v)"])
    assert ok(ListOf(Str()), "[]") == []


def test_map_of_validates_keys_and_values():
    assert ok(MapOf(Str(), Int()), "{a: 1, b: 2}") == {"a": 1, "b": 2}
    got, problems = check(MapOf(Str(), Int()), "{a: 1, b: x}")
    assert got is INVALID and problems == ["s.yaml:1:14: 'b' must be a whole number, got 'x' (text) (v.b)"]


def test_map_of_quotes_dotted_keys_in_paths():
    got, problems = check(MapOf(Str(), Str()), "{II.1.b: [x]}")
    assert got is INVALID
    assert problems == ["s.yaml:1:13: 'II.1.b' must be text, got a list (v[\"II.1.b\"])"]


def test_map_of_wants_a_mapping():
    assert check(MapOf(Str(), Str()), "[a]") == (INVALID, ["s.yaml:1:4: 'v' must be a mapping, got a list (v)"])


# --- records ------------------------------------------------------------------------------------------------

PERSON = Record(
    {
        "id": Field(Str(), required=True),
        "name": Field(Str(), required=True),
        "roles": Field(ListOf(Str(), single=True), default=list),
        "term": Field(Str(), default="XXI"),
    }
)


def test_record_values_and_defaults():
    got = ok(PERSON, "{id: p1, name: Nguyễn Văn A}")
    assert dict(got) == {"id": "p1", "name": "Nguyễn Văn A", "roles": [], "term": "XXI"}
    assert got.node.line == 1
    assert got.loc("name").column == 19
    assert got.loc("missing") is got.node


def test_record_reports_every_missing_key():
    assert check(PERSON, "{roles: secretary}") == (
        INVALID,
        ["s.yaml:1:4: missing required key 'id' (v)", "s.yaml:1:4: missing required key 'name' (v)"],
    )


def test_record_unknown_key_with_did_you_mean():
    got, problems = check(PERSON, "{id: p1, name: A, rols: secretary, colour: red}")
    assert got is INVALID
    assert problems == [
        "s.yaml:1:22: unknown key 'rols' — did you mean 'roles'? (v.rols)",
        "s.yaml:1:39: unknown key 'colour' (v.colour)",
    ]


def test_a_misspelt_required_key_is_one_mistake_not_two():
    got, problems = check(PERSON, "{id: p1, nmae: A}")
    assert got is INVALID
    assert problems == ["s.yaml:1:13: unknown key 'nmae' — did you mean 'name'? (v.nmae)"]


def test_record_collects_problems_from_every_field():
    got, problems = check(PERSON, "{id: [x], name: yes, roles: {a: 1}}")
    assert got is INVALID
    assert problems == [
        "s.yaml:1:9: 'id' must be text, got a list (v.id)",
        "s.yaml:1:20: 'name' must be text, but YAML reads yes as true/false; put it in quotes: \"yes\" (v.name)",
        "s.yaml:1:32: 'roles' must be a list, got a mapping (v.roles)",
    ]


def test_record_wants_a_mapping():
    assert check(PERSON, "p1") == (INVALID, ["s.yaml:1:4: 'v' must be a mapping, got 'p1' (text) (v)"])


def test_record_extra_fields_from_a_discriminator():
    def extra(n, path, problems):
        kind = n.get("kind")
        return {"sessions": Field(Int(min=1))} if kind is not None and kind.value == "study" else {}

    schema = Record({"kind": Field(Str(), required=True)}, extra=extra)
    assert dict(ok(schema, "{kind: study, sessions: 2}")) == {"kind": "study", "sessions": 2}
    got, problems = check(schema, "{kind: duty, sessions: 2}")
    assert got is INVALID and problems == ["s.yaml:1:17: unknown key 'sessions' (v.sessions)"]


def test_record_in_vietnamese():
    problems: list[Problem] = []
    PERSON.validate(node("{id: p1, nmae: A}"), "v", problems)
    assert problems[0].render("vi") == "s.yaml:1:13: khóa 'nmae' không hợp lệ — có phải ý bạn là 'name'? (v.nmae)"


def test_root_that_is_not_a_mapping():
    problems: list[Problem] = []
    root = compose_text("- a\n", "s.yaml")
    assert PERSON.validate(root, "", problems) is INVALID
    assert [p.render("en") for p in problems] == ["s.yaml:1:1: the top level of the file must be a mapping ('key: value' lines), got a list"]


def test_any_gives_plain_python():
    assert ok(Any_(), "{a: [1, yes, '2'], b: 2020-10-31}") == {"a": [1, True, "2"], "b": "2020-10-31"}
