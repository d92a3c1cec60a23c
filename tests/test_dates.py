"""Tests for nqengine.dates: dates and periods as Vietnamese plans write them."""

from __future__ import annotations

import datetime
import pickle
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nqengine.dates import (
    InvalidDate,
    add_calendar_days,
    format_date,
    parse_date,
    parse_deadline_date,
    parse_period_end,
)

# --- parse_date ----------------------------------------------------------------------


def test_iso() -> None:
    assert parse_date("2020-10-31") == date(2020, 10, 31)


def test_day_first_slashes() -> None:
    assert parse_date("31/10/2020") == date(2020, 10, 31)


def test_day_first_without_leading_zeros() -> None:
    assert parse_date("1/2/2020") == date(2020, 2, 1)


def test_day_first_with_dashes() -> None:
    assert parse_date("31-10-2020") == date(2020, 10, 31)


def test_day_first_with_dots() -> None:
    assert parse_date("31.10.2020") == date(2020, 10, 31)


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse_date("  31/10/2020\n") == date(2020, 10, 31)


def test_date_is_returned_as_is() -> None:
    d = date(2020, 10, 31)
    assert parse_date(d) is d


def test_datetime_becomes_its_date() -> None:
    result = parse_date(datetime.datetime(2020, 10, 31, 17, 30))
    assert result == date(2020, 10, 31)
    assert type(result) is date


def test_31_february_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("31/02/2021")
    assert info.value.reason == "impossible"
    assert info.value.text == "31/02/2021"
    assert str(info.value) == "impossible date '31/02/2021': February 2021 has 28 days"
    assert info.value.message_vi == "ngày không tồn tại '31/02/2021': tháng 2/2021 chỉ có 28 ngày"


def test_29_february_2020_exists() -> None:
    assert parse_date("29/02/2020") == date(2020, 2, 29)


def test_29_february_2021_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("29/02/2021")
    assert info.value.reason == "impossible"


def test_1900_is_not_a_leap_year() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("29/02/1900")
    assert info.value.reason == "impossible"


def test_2000_is_a_leap_year() -> None:
    assert parse_date("29/02/2000") == date(2000, 2, 29)


def test_month_13_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("01/13/2020")
    assert info.value.reason == "impossible"
    assert "there is no month 13" in str(info.value)
    assert "không có tháng 13" in info.value.message_vi


def test_impossible_iso_date() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("2021-02-30")
    assert info.value.reason == "impossible"


def test_day_zero_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("00/01/2020")
    assert info.value.reason == "impossible"


def test_year_first_with_slashes_is_a_format_error() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date("2020/31/10")
    assert info.value.reason == "format"
    assert str(info.value) == (
        "unrecognised date '2020/31/10': write dd/mm/yyyy or yyyy-mm-dd"
    )
    assert info.value.message_vi == (
        "không nhận dạng được ngày '2020/31/10': hãy viết dd/mm/yyyy hoặc yyyy-mm-dd"
    )


@pytest.mark.parametrize(
    "text", ["31/10/20", "31/10-2020", "", "hôm qua", "tháng 1/2021", "2020-1-5", "31/10/02020"]
)
def test_other_texts_are_format_errors(text: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    assert info.value.reason == "format"


def test_invalid_date_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_date("31/02/2021")


def test_invalid_date_survives_pickling() -> None:
    exc = pickle.loads(pickle.dumps(InvalidDate("31/02/2021", "impossible", "x", "y")))
    assert (exc.text, exc.reason) == ("31/02/2021", "impossible")
    assert (str(exc), exc.message_vi) == (
        "impossible date '31/02/2021': x",
        "ngày không tồn tại '31/02/2021': y",
    )


# --- format_date and add_calendar_days -------------------------------------------------


def test_format_date_pads_day_and_month() -> None:
    assert format_date(date(2020, 1, 5)) == "05/01/2020"


def test_format_date_round_trips() -> None:
    assert parse_date(format_date(date(2020, 10, 31))) == date(2020, 10, 31)


def test_add_calendar_days_ignores_weekends() -> None:
    assert add_calendar_days(date(2020, 10, 30), 1) == date(2020, 10, 31)  # a Saturday


def test_add_calendar_days_crosses_a_leap_day() -> None:
    assert add_calendar_days(date(2024, 2, 28), 2) == date(2024, 3, 1)


def test_add_calendar_days_backwards() -> None:
    assert add_calendar_days(date(2021, 1, 1), -1) == date(2020, 12, 31)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_format_then_parse_is_identity(d: date) -> None:
    assert parse_date(format_date(d)) == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_iso_then_parse_is_identity(d: date) -> None:
    assert parse_date(d.isoformat()) == d


# --- parse_period_end ------------------------------------------------------------------


def test_end_of_month_english() -> None:
    assert parse_period_end("end of month 1/2021") == date(2021, 1, 31)


def test_end_of_month_english_space_separated() -> None:
    assert parse_period_end("end of month 1 2021") == date(2021, 1, 31)


def test_month_english_short() -> None:
    assert parse_period_end("month 1/2021") == date(2021, 1, 31)


def test_by_end_of_february_in_a_leap_year() -> None:
    assert parse_period_end("by end of month 2/2024") == date(2024, 2, 29)


def test_february_in_a_common_year() -> None:
    assert parse_period_end("tháng 2/2023") == date(2023, 2, 28)


def test_february_2000_and_1900() -> None:
    assert parse_period_end("tháng 2/2000") == date(2000, 2, 29)
    assert parse_period_end("tháng 2/1900") == date(1900, 2, 28)


def test_english_month_name() -> None:
    assert parse_period_end("end of February 2023") == date(2023, 2, 28)


def test_thang() -> None:
    assert parse_period_end("tháng 1/2021") == date(2021, 1, 31)


def test_trong_thang() -> None:
    assert parse_period_end("trong tháng 1/2021") == date(2021, 1, 31)


def test_trong_thang_nam() -> None:
    assert parse_period_end("trong tháng 1 năm 2021") == date(2021, 1, 31)


def test_cuoi_thang() -> None:
    assert parse_period_end("cuối tháng 10/2020") == date(2020, 10, 31)


def test_den_het_thang() -> None:
    assert parse_period_end("Đến hết tháng 12/2020") == date(2020, 12, 31)


def test_q1_space() -> None:
    assert parse_period_end("Q1 2021") == date(2021, 3, 31)


def test_q1_slash() -> None:
    assert parse_period_end("Q1/2021") == date(2021, 3, 31)


def test_quy_roman() -> None:
    assert parse_period_end("quý I/2021") == date(2021, 3, 31)


def test_quy_arabic_nam() -> None:
    assert parse_period_end("quý 1 năm 2021") == date(2021, 3, 31)


def test_quy_ii_and_iii() -> None:
    assert parse_period_end("quý II/2021") == date(2021, 6, 30)
    assert parse_period_end("quý III/2021") == date(2021, 9, 30)


def test_quy_iv_ends_the_year() -> None:
    assert parse_period_end("quý IV/2020") == date(2020, 12, 31)


def test_end_of_year_english() -> None:
    assert parse_period_end("end of 2021") == date(2021, 12, 31)


def test_nam() -> None:
    assert parse_period_end("năm 2021") == date(2021, 12, 31)


def test_cuoi_nam() -> None:
    assert parse_period_end("cuối năm 2021") == date(2021, 12, 31)


def test_case_insensitive() -> None:
    assert parse_period_end("CUỐI THÁNG 10/2020") == date(2020, 10, 31)
    assert parse_period_end("End Of Month 1/2021") == date(2021, 1, 31)


def test_without_diacritics() -> None:
    assert parse_period_end("thang 1/2021") == date(2021, 1, 31)
    assert parse_period_end("quy I/2021") == date(2021, 3, 31)
    assert parse_period_end("cuoi nam 2021") == date(2021, 12, 31)
    assert parse_period_end("trong thang 1 nam 2021") == date(2021, 1, 31)


@pytest.mark.parametrize(
    "text", ["trong tháng 1 năm 2021", "cuối tháng 10/2020", "quý IV/2020", "cuối năm 2021"]
)
def test_nfd_parses_like_nfc(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != unicodedata.normalize("NFC", text)  # the test really is about NFD
    assert parse_period_end(nfd) == parse_period_end(unicodedata.normalize("NFC", text))


def test_month_13_period_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_period_end("tháng 13/2021")
    assert info.value.reason == "impossible"
    assert "không có tháng 13" in info.value.message_vi


def test_quarter_5_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_period_end("quý 5/2021")
    assert info.value.reason == "impossible"
    assert str(info.value) == "impossible period 'quý 5/2021': there is no quarter 5"


def test_quarter_v_is_impossible() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_period_end("Q5 2021")
    assert info.value.reason == "impossible"


@pytest.mark.parametrize(
    "text", ["2021", "trước tháng 10/2020", "tháng 1", "mùa xuân 2021", "31/10/2020", ""]
)
def test_unrecognised_periods(text: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_period_end(text)
    assert info.value.reason == "format"
    assert info.value.message_vi.startswith("không nhận dạng được thời hạn")


# --- parse_deadline_date ---------------------------------------------------------------


def test_deadline_as_date() -> None:
    assert parse_deadline_date("31/10/2020") == (date(2020, 10, 31), "date")


def test_deadline_as_date_object() -> None:
    assert parse_deadline_date(date(2020, 11, 15)) == (date(2020, 11, 15), "date")


def test_deadline_as_period() -> None:
    assert parse_deadline_date("trong tháng 1/2021") == (date(2021, 1, 31), "period")


def test_impossible_date_does_not_fall_through_to_period() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_deadline_date("31/02/2021")
    assert info.value.reason == "impossible"
    assert str(info.value) == "impossible date '31/02/2021': February 2021 has 28 days"


def test_impossible_period_deadline() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_deadline_date("quý 5/2021")
    assert info.value.reason == "impossible"


def test_unrecognised_deadline() -> None:
    with pytest.raises(InvalidDate) as info:
        parse_deadline_date("kịp thời")
    assert info.value.reason == "format"
    assert info.value.text == "kịp thời"
    assert str(info.value).startswith("unrecognised date or period 'kịp thời'")


# --- issue 10, item 11: the deadline phrases plans use -------------------------------------

@pytest.mark.parametrize(
    "text,day,kind",
    [
        ("6 tháng đầu năm 2021", datetime.date(2021, 6, 30), "period"),
        ("trong 6 tháng đầu năm 2021", datetime.date(2021, 6, 30), "period"),
        ("6 tháng cuối năm 2021", datetime.date(2021, 12, 31), "period"),
        ("first half of 2021", datetime.date(2021, 6, 30), "period"),
        ("H2/2021", datetime.date(2021, 12, 31), "period"),
        ("đến hết ngày 31/3/2026", datetime.date(2026, 3, 31), "date"),
        ("den het ngay 31/03/2026", datetime.date(2026, 3, 31), "date"),
        ("cuối tháng 3/2026", datetime.date(2026, 3, 31), "period"),
        ("trong quý I/2021", datetime.date(2021, 3, 31), "period"),
        ("trong năm 2026", datetime.date(2026, 12, 31), "period"),
        ("chậm nhất ngày 15/3/2026", datetime.date(2026, 3, 15), "date"),
        ("chậm nhất là ngày 15/03/2026", datetime.date(2026, 3, 15), "date"),
        ("hoàn thành trước ngày 31/10/2020", datetime.date(2020, 10, 31), "date"),
        ("no later than 2026-03-31", datetime.date(2026, 3, 31), "date"),
    ],
)
def test_deadline_phrases(text, day, kind):
    assert parse_deadline_date(text) == (day, kind)


@pytest.mark.parametrize("text", ["đến hết ngày 31/02/2026", "7 tháng đầu năm 2021", "chậm nhất ngày", "trước tháng 10/2020"])
def test_deadline_phrases_that_are_not_deadlines(text):
    with pytest.raises(InvalidDate):
        parse_deadline_date(text)


# --- what mutation testing found unchecked (docs/security.md, "Tests that catch bugs") -------


@pytest.mark.parametrize(
    "text, end",
    [("H1/2026", date(2026, 6, 30)), ("h2 2026", date(2026, 12, 31)), ("H1-2026", date(2026, 6, 30)), ("by H2/2025", date(2025, 12, 31))],
)
def test_half_years_written_h1_h2(text: str, end: date) -> None:
    assert parse_period_end(text) == end
    assert parse_deadline_date(text) == (end, "period")


@pytest.mark.parametrize(
    "text, en, vi",
    [
        ("tháng 13/2021", "impossible period 'tháng 13/2021': there is no month 13", "thời hạn không tồn tại 'tháng 13/2021': không có tháng 13"),
        (
            "tháng 5/1800",
            "impossible period 'tháng 5/1800': the year 1800 is outside 1900–2200, the years a plan can name",
            "thời hạn không tồn tại 'tháng 5/1800': năm 1800 nằm ngoài khoảng 1900–2200 mà một kế hoạch có thể dùng",
        ),
        ("quý v/2021", "impossible period 'quý v/2021': there is no quarter V", "thời hạn không tồn tại 'quý v/2021': không có quý V"),
        ("quarter 0 2021", "impossible period 'quarter 0 2021': there is no quarter 0", "thời hạn không tồn tại 'quarter 0 2021': không có quý 0"),
    ],
)
def test_an_impossible_period_says_what_and_which_part_in_both_languages(text: str, en: str, vi: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_period_end(text)
    assert (info.value.reason, info.value.kind, str(info.value), info.value.message_vi) == ("impossible", "period", en, vi)
    # a deadline may be a date or a period: the message says so
    with pytest.raises(InvalidDate) as info:
        parse_deadline_date(text)
    assert str(info.value) == en.replace("impossible period", "impossible date or period")
    assert info.value.message_vi == vi.replace("thời hạn không tồn tại", "ngày hoặc thời hạn không tồn tại")


def test_the_last_year_a_plan_can_name_is_accepted_as_a_period() -> None:
    assert parse_period_end("tháng 12/2200") == date(2200, 12, 31)
    assert parse_period_end("tháng 1/1900") == date(1900, 1, 31)


def test_invalid_date_without_detail_says_only_what_and_which() -> None:
    """An impossible value with nothing more to say ends at the quoted text; only a format error gets the hint."""
    bare = InvalidDate("x", "impossible")
    assert (str(bare), bare.detail, bare.detail_vi, bare.message_vi) == ("impossible date 'x'", "", "", "ngày không tồn tại 'x'")
    fmt = InvalidDate("x", "format", kind="period")
    assert str(fmt) == "unrecognised period 'x': write e.g. 'tháng 1/2021', 'quý I/2021', 'năm 2021' or 'end of month 1/2021'"
    assert fmt.message_vi == "không nhận dạng được thời hạn 'x': hãy viết ví dụ 'tháng 1/2021', 'quý I/2021' hoặc 'năm 2021'"
    # a kind without hints of its own gets the date's
    other = InvalidDate("x", "format", kind="deadline")
    assert str(other) == "unrecognised deadline 'x': write dd/mm/yyyy or yyyy-mm-dd"
    with pytest.raises(ValueError, match="unknown InvalidDate reason 'late'"):
        InvalidDate("x", "late")  # type: ignore[arg-type]
