"""Tests for nqengine.calendars: working days, Vietnamese holidays and official overrides."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nqengine.calendars import (
    Calendar,
    GregorianCalendar,
    VietnamCalendar,
    YearOverride,
)

VN = VietnamCalendar()
GREGORIAN = GregorianCalendar()

# --- GregorianCalendar -----------------------------------------------------------------


def test_gregorian_name() -> None:
    assert GREGORIAN.name == "gregorian"


def test_gregorian_weekdays_work_weekends_do_not() -> None:
    assert GREGORIAN.is_working_day(date(2020, 10, 30))  # Friday
    assert not GREGORIAN.is_working_day(date(2020, 10, 31))  # Saturday
    assert not GREGORIAN.is_working_day(date(2020, 11, 1))  # Sunday


def test_gregorian_has_no_holidays() -> None:
    assert GREGORIAN.is_working_day(date(2020, 9, 2))  # Vietnamese National Day, a Wednesday
    assert GREGORIAN.holiday_name(date(2020, 9, 2)) is None


def test_gregorian_add_working_days_skips_the_weekend() -> None:
    assert GREGORIAN.add_working_days(date(2020, 10, 30), 1) == date(2020, 11, 2)


def test_gregorian_working_days_between() -> None:
    assert GREGORIAN.working_days_between(date(2020, 10, 30), date(2020, 11, 6)) == 5


# --- Calendar arithmetic -----------------------------------------------------------------


def test_add_zero_working_days_returns_start_even_on_a_holiday() -> None:
    assert VN.add_working_days(date(2020, 1, 25), 0) == date(2020, 1, 25)


def test_add_negative_working_days_is_an_error() -> None:
    with pytest.raises(ValueError):
        VN.add_working_days(date(2020, 1, 1), -1)


def test_working_days_between_excludes_start_includes_end() -> None:
    assert VN.working_days_between(date(2020, 10, 26), date(2020, 10, 27)) == 1
    assert VN.working_days_between(date(2020, 10, 26), date(2020, 10, 26)) == 0


def test_working_days_between_reversed_is_zero() -> None:
    assert VN.working_days_between(date(2020, 10, 30), date(2020, 10, 1)) == 0


def test_calendars_are_calendars() -> None:
    assert isinstance(VN, Calendar)
    assert isinstance(GREGORIAN, Calendar)
    assert VN.name == "vn"


# --- VietnamCalendar: library holidays ----------------------------------------------------


def test_tet_2020_is_skipped() -> None:
    # 23/1 (29 Tết) to 29/1/2020 are off; the next working day after 22/1 is Thursday 30/1.
    assert VN.add_working_days(date(2020, 1, 22), 1) == date(2020, 1, 30)


def test_tet_2020_days_are_not_working_days() -> None:
    for day in range(23, 30):
        assert not VN.is_working_day(date(2020, 1, day))


def test_tet_2020_holiday_names() -> None:
    assert VN.holiday_name(date(2020, 1, 25)) == "Tết Nguyên Đán"
    assert VN.holiday_name(date(2020, 1, 25), lang="en") == "Lunar New Year"


def test_reunification_and_labour_day_2020() -> None:
    assert not VN.is_working_day(date(2020, 4, 30))  # Thursday
    assert not VN.is_working_day(date(2020, 5, 1))  # Friday
    assert VN.add_working_days(date(2020, 4, 29), 1) == date(2020, 5, 4)


def test_reunification_day_name() -> None:
    assert VN.holiday_name(date(2020, 4, 30)) == "Ngày Chiến thắng"


def test_national_day_2020() -> None:
    assert not VN.is_working_day(date(2020, 9, 2))
    assert VN.holiday_name(date(2020, 9, 2)) == "Quốc khánh"
    assert VN.holiday_name(date(2020, 9, 2), lang="en") == "National Day"


def test_ordinary_days() -> None:
    assert VN.is_working_day(date(2020, 10, 30))  # Friday
    assert VN.holiday_name(date(2020, 10, 30)) is None
    assert not VN.is_working_day(date(2020, 10, 31))  # Saturday
    assert VN.holiday_name(date(2020, 10, 31)) is None  # a weekend is not a holiday


def test_far_years_work() -> None:
    # The library builds years lazily; any year must answer.
    assert not VN.is_working_day(date(2035, 1, 1))
    assert not VN.is_working_day(date(1999, 9, 2))


def test_library_swap_saturday_is_a_working_day() -> None:
    # 2024: Mon 29/4 off in exchange for working Sat 4/5.
    assert not VN.is_working_day(date(2024, 4, 29))
    assert VN.is_working_day(date(2024, 5, 4))


def test_unsupported_language() -> None:
    with pytest.raises(ValueError):
        VN.holiday_name(date(2020, 9, 2), lang="fr")


# --- VietnamCalendar: built-in overrides --------------------------------------------------


def test_tet_2026_all_nine_days_off() -> None:
    for day in range(14, 23):
        assert not VN.is_working_day(date(2026, 2, day))
    assert VN.is_working_day(date(2026, 2, 13))
    assert VN.is_working_day(date(2026, 2, 23))


def test_tet_2026_next_working_day() -> None:
    assert VN.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_tet_2026_names() -> None:
    assert VN.holiday_name(date(2026, 2, 14)) == "Nghỉ Tết Nguyên Đán"
    assert VN.holiday_name(date(2026, 2, 14), lang="en") == "Lunar New Year break"
    assert VN.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"  # the library's own


def test_national_day_2024_override() -> None:
    for d in (date(2024, 8, 31), date(2024, 9, 1), date(2024, 9, 2), date(2024, 9, 3)):
        assert not VN.is_working_day(d)
    assert VN.add_working_days(date(2024, 8, 30), 1) == date(2024, 9, 4)
    assert VN.holiday_name(date(2024, 8, 31)) == "Nghỉ lễ Quốc khánh"
    assert VN.holiday_name(date(2024, 9, 2)) == "Quốc khánh"


def test_without_builtin_overrides() -> None:
    bare = VietnamCalendar(use_builtin_overrides=False)
    assert bare.overrides == {}
    assert bare.holiday_name(date(2026, 2, 14)) is None  # just a Saturday
    assert not bare.is_working_day(date(2026, 2, 17))  # the library still knows Tết


# --- VietnamCalendar: user overrides -------------------------------------------------------


def test_user_override_saturday_becomes_working_day() -> None:
    saturday = date(2026, 3, 7)
    assert saturday.weekday() == 5
    cal = VietnamCalendar({2026: YearOverride(working_days=(saturday,))})
    assert cal.is_working_day(saturday)
    assert cal.add_working_days(date(2026, 3, 6), 1) == saturday
    assert not VN.is_working_day(saturday)


def test_user_override_adds_a_named_day_off() -> None:
    cal = VietnamCalendar(
        {2025: YearOverride(days_off=(date(2025, 6, 2),), names={date(2025, 6, 2): "Nghỉ riêng"})}
    )
    assert not cal.is_working_day(date(2025, 6, 2))
    assert cal.holiday_name(date(2025, 6, 2)) == "Nghỉ riêng"
    assert cal.holiday_name(date(2025, 6, 2), lang="en") == "Official day off"


def test_user_override_merges_with_builtin() -> None:
    cal = VietnamCalendar({2026: YearOverride(days_off=("23/02/2026",))})
    assert not cal.is_working_day(date(2026, 2, 14))  # built-in kept
    assert not cal.is_working_day(date(2026, 2, 23))  # user's added
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 24)


def test_user_working_day_wins_over_builtin_day_off() -> None:
    cal = VietnamCalendar({2026: YearOverride(working_days=(date(2026, 2, 14),))})
    assert cal.is_working_day(date(2026, 2, 14))
    assert cal.holiday_name(date(2026, 2, 14)) is None
    assert not cal.is_working_day(date(2026, 2, 15))


def test_year_override_rejects_a_date_both_off_and_working() -> None:
    with pytest.raises(ValueError):
        YearOverride(days_off=(date(2026, 3, 7),), working_days=(date(2026, 3, 7),))


def test_from_mapping_with_strings() -> None:
    cal = VietnamCalendar.from_mapping(
        {"2027": {"days_off": ["04/01/2027"], "working_days": ["2027-01-09"]}}
    )
    assert not cal.is_working_day(date(2027, 1, 4))
    assert cal.is_working_day(date(2027, 1, 9))  # a Saturday
    assert cal.holiday_name(date(2027, 1, 4)) == "Ngày nghỉ theo quyết định của Chính phủ"
    assert not cal.is_working_day(date(2026, 2, 16))  # built-ins still there


def test_from_mapping_with_dates_and_names() -> None:
    cal = VietnamCalendar.from_mapping(
        {2027: {"days_off": [date(2027, 1, 4), {"date": "05/01/2027", "name": "Nghỉ bù"}]}},
        use_builtin_overrides=False,
    )
    assert not cal.is_working_day(date(2027, 1, 4))
    assert cal.holiday_name(date(2027, 1, 5)) == "Nghỉ bù"
    assert sorted(cal.overrides) == [2027]


def test_from_mapping_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError):
        VietnamCalendar.from_mapping({2027: {"day_off": ["04/01/2027"]}})


def test_from_mapping_rejects_impossible_dates() -> None:
    with pytest.raises(ValueError):
        VietnamCalendar.from_mapping({2027: {"days_off": ["31/02/2027"]}})


# --- properties ------------------------------------------------------------------------------

starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=1, max_value=60)
calendars = st.sampled_from([VN, GREGORIAN])


@settings(deadline=None)  # the first lookup of a year builds the library's holiday table
@given(calendars, starts, counts)
def test_result_is_a_working_day(cal: Calendar, start: date, n: int) -> None:
    assert cal.is_working_day(cal.add_working_days(start, n))


@settings(deadline=None)
@given(calendars, starts, st.integers(min_value=0, max_value=60))
def test_strictly_increasing_in_n(cal: Calendar, start: date, n: int) -> None:
    assert cal.add_working_days(start, n) < cal.add_working_days(start, n + 1)


@settings(deadline=None)
@given(calendars, starts, st.integers(min_value=0, max_value=60))
def test_between_inverts_add(cal: Calendar, start: date, n: int) -> None:
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@settings(deadline=None)
@given(starts)
def test_holiday_name_only_on_non_working_days(d: date) -> None:
    if VN.holiday_name(d) is not None:
        assert not VN.is_working_day(d)


# --- what mutation testing found unchecked (docs/security.md, "Tests that catch bugs") -------


def test_an_official_break_is_every_day_of_its_span_with_the_weekend_named() -> None:
    """The built-in breaks are built at import; the builder is checked directly, and the 2026 break through it."""
    from nqengine.calendars import _BUILTIN_OVERRIDES, _official_break

    ov = _official_break("31/08/2024", "03/09/2024", "Nghỉ lễ Quốc khánh", "National Day break")
    assert ov.days_off == (date(2024, 8, 31), date(2024, 9, 1), date(2024, 9, 2), date(2024, 9, 3))
    assert ov.working_days == ()
    # Saturday 31/8 and Sunday 1/9 carry the break's name; the weekdays keep the library's
    assert dict(ov.names) == {date(2024, 8, 31): "Nghỉ lễ Quốc khánh", date(2024, 9, 1): "Nghỉ lễ Quốc khánh"}
    assert dict(ov.names_en) == {date(2024, 8, 31): "National Day break", date(2024, 9, 1): "National Day break"}
    tet = _BUILTIN_OVERRIDES[2026]
    assert tet.days_off == tuple(date(2026, 2, d) for d in range(14, 23))  # nine days, Sat 14/2 to Sun 22/2
    assert sorted(tet.names) == [date(2026, 2, 14), date(2026, 2, 15), date(2026, 2, 21), date(2026, 2, 22)]


def test_a_user_override_over_a_built_in_year_keeps_both_names() -> None:
    cal = VietnamCalendar(overrides={2026: YearOverride(days_off=["16/03/2026"], names={"16/03/2026": "Nghỉ bù"}, names_en={"16/03/2026": "Day off in lieu"})})
    assert (cal.holiday_name(date(2026, 3, 16)), cal.holiday_name(date(2026, 3, 16), "en")) == ("Nghỉ bù", "Day off in lieu")
    # the built-in Tết break of the same year keeps its names
    assert (cal.holiday_name(date(2026, 2, 14)), cal.holiday_name(date(2026, 2, 14), "en")) == ("Nghỉ Tết Nguyên Đán", "Lunar New Year break")
    assert dict(cal.overrides[2026].names)[date(2026, 2, 14)] == "Nghỉ Tết Nguyên Đán"
    assert dict(cal.overrides[2026].names_en)[date(2026, 3, 16)] == "Day off in lieu"


def test_holiday_names_are_vietnamese_unless_asked() -> None:
    assert VN.holiday_name(date(2026, 2, 14)) == "Nghỉ Tết Nguyên Đán"
    assert VN.holiday_name(date(2026, 9, 2)) == VN.holiday_name(date(2026, 9, 2), "vi") != VN.holiday_name(date(2026, 9, 2), "en")
    assert GREGORIAN.holiday_name(date(2026, 9, 2)) is None


def test_an_override_both_off_and_working_lists_the_dates() -> None:
    with pytest.raises(ValueError) as info:
        YearOverride(days_off=["02/09/2026", "01/09/2026", "03/09/2026"], working_days=["02/09/2026", "01/09/2026"])
    assert str(info.value) == "dates both off and working in one override: 2026-09-01, 2026-09-02"


def test_a_moment_counts_as_its_day() -> None:
    import datetime as dt

    end = VN.add_working_days(dt.datetime(2026, 2, 13, 9, 30), 1)  # the Friday before the Tết break
    assert end == date(2026, 2, 23) and type(end) is date
    assert VN.working_days_between(dt.datetime(2026, 2, 13, 23, 0), date(2026, 2, 24)) == 2


def test_a_gap_is_counted_from_the_last_working_day() -> None:
    """Up to 366 days without a working day are waited out; the count starts again after each working day."""
    import datetime as dt

    start = date(2020, 1, 1)
    open_days = {date(2020, 1, 2), date(2020, 1, 2) + dt.timedelta(days=367)}

    class Sparse(Calendar):
        name = "sparse"

        def is_working_day(self, d: date) -> bool:
            return d in open_days

        def holiday_name(self, d: date, lang: str = "vi") -> str | None:
            return None

    assert Sparse().add_working_days(start, 2) == max(open_days)  # 366 days closed between the two


def test_calendars_show_what_they_are() -> None:
    assert repr(GREGORIAN) == "GregorianCalendar()"
    assert repr(VN) == "VietnamCalendar(overrides=[2024, 2026])"
    assert repr(VietnamCalendar(use_builtin_overrides=False)) == "VietnamCalendar(overrides=[])"


def test_overrides_from_plain_data_name_days_in_both_languages() -> None:
    cal = VietnamCalendar.from_mapping(
        {"2027": {"days_off": [{"date": "03/05/2027", "name": "Nghỉ bù", "name_en": "Day off in lieu"}, "04/05/2027"], "working_days": ["08/05/2027"]}}
    )
    assert (cal.holiday_name(date(2027, 5, 3)), cal.holiday_name(date(2027, 5, 3), "en")) == ("Nghỉ bù", "Day off in lieu")
    assert cal.holiday_name(date(2027, 5, 4), "en") == "Official day off"  # named by nobody
    assert cal.is_working_day(date(2027, 5, 8))  # a Saturday worked
    # the built-in years come too, unless turned off
    assert VietnamCalendar.from_mapping({}).holiday_name(date(2026, 2, 14)) == "Nghỉ Tết Nguyên Đán"
    assert VietnamCalendar.from_mapping({}, use_builtin_overrides=False).holiday_name(date(2026, 2, 14)) is None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"x": {}}, "override year must be a number, got 'x'"),
        ({2027: []}, "override 2027: expected a mapping, got []"),
        ({2027: {"days": []}}, "override 2027: unknown keys ['days']"),
        ({2027: {"days_off": [{"name": "x"}]}}, "override 2027: a day off without 'date': {'name': 'x'}"),
    ],
)
def test_overrides_from_plain_data_say_what_is_wrong(data, message) -> None:
    with pytest.raises(ValueError) as info:
        VietnamCalendar.from_mapping(data)
    assert str(info.value) == message
