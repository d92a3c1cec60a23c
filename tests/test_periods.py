"""Period arithmetic and names (nqengine.periods): month ends, leap years, coverage windows, phrases."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from nqengine.dates import InvalidDate
from nqengine.periods import (
    Coverage,
    Recurrence,
    add_months,
    parse_period,
    period_label,
)

D = dt.date
ND09 = Coverage(14, "nd-09-2019")


def spans(rec: Recurrence, n: int = 50) -> list[tuple[str, dt.date, dt.date]]:
    return [(p.id, p.start, p.end) for p in itertools.islice(rec.periods(), n)]


def test_quarters_of_a_term():
    rec = Recurrence("quarter", 3, D(2026, 1, 1), D(2030, 12, 31))
    got = spans(rec)
    assert len(got) == 20
    assert got[0] == ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31))
    assert got[1] == ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30))
    assert got[3] == ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31))
    assert got[-1] == ("2030-Q4", D(2030, 10, 1), D(2030, 12, 31))


def test_months_end_on_the_months_last_day_leap_years_included():
    rec = Recurrence("month", 1, D(2028, 1, 1), D(2028, 12, 31))
    ends = {pid: end for pid, _, end in spans(rec)}
    assert ends["2028-02"] == D(2028, 2, 29)  # 2028 is a leap year
    assert ends["2028-04"] == D(2028, 4, 30)
    assert ends["2028-12"] == D(2028, 12, 31)
    rec = Recurrence("month", 1, D(2027, 2, 1), D(2027, 2, 28))
    assert spans(rec) == [("2027-02", D(2027, 2, 1), D(2027, 2, 28))]
    rec = Recurrence("month", 1, D(2100, 2, 1), D(2100, 2, 1))
    assert spans(rec)[0][2] == D(2100, 2, 28)  # 2100 is not a leap year


def test_half_years_and_years():
    assert spans(Recurrence("half_year", 6, D(2026, 1, 1), D(2026, 12, 31))) == [
        ("2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
    ]
    assert spans(Recurrence("year", 12, D(2026, 1, 1), D(2027, 12, 31))) == [
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2027", D(2027, 1, 1), D(2027, 12, 31)),
    ]


def test_first_period_is_the_one_holding_from():
    rec = Recurrence("quarter", 3, D(2025, 10, 23), D(2026, 3, 31))  # a programme issued 23/10/2025
    assert [p for p, _, _ in spans(rec)] == ["2025-Q4", "2026-Q1"]


def test_until_bounds_the_starts():
    rec = Recurrence("quarter", 3, D(2026, 1, 1), D(2026, 4, 1))
    assert [p for p, _, _ in spans(rec)] == ["2026-Q1", "2026-Q2"]


def test_every_n_months_from_an_anchor_clamps_month_ends():
    rec = Recurrence("months", 4, D(2026, 1, 31), None, D(2026, 1, 31))
    got = spans(rec, 4)
    assert got[0] == ("2026-01-31/P4M", D(2026, 1, 31), D(2026, 5, 30))
    assert got[1] == ("2026-05-31/P4M", D(2026, 5, 31), D(2026, 9, 29))
    assert got[2] == ("2026-09-30/P4M", D(2026, 9, 30), D(2027, 1, 30))
    assert got[3][1] == D(2027, 1, 31)  # counted from the anchor, not from the clamped day before
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)


def test_state_convention_coverage_windows():
    """Nghị định 09/2019/NĐ-CP, Điều 12: from the 15th of the month before to the 14th of the last month."""
    q = list(Recurrence("quarter", 3, D(2026, 1, 1), D(2026, 12, 31), coverage=ND09).periods())
    assert (q[0].coverage_start, q[0].coverage_end) == (D(2025, 12, 15), D(2026, 3, 14))
    assert (q[1].coverage_start, q[1].coverage_end) == (D(2026, 3, 15), D(2026, 6, 14))
    h = next(Recurrence("half_year", 6, D(2026, 1, 1), coverage=ND09).periods())
    assert (h.coverage_start, h.coverage_end) == (D(2025, 12, 15), D(2026, 6, 14))
    y = next(Recurrence("year", 12, D(2026, 1, 1), coverage=ND09).periods())
    assert (y.coverage_start, y.coverage_end) == (D(2025, 12, 15), D(2026, 12, 14))
    m = list(Recurrence("month", 1, D(2026, 3, 1), D(2026, 3, 1), coverage=ND09).periods())[0]
    assert (m.coverage_start, m.coverage_end) == (D(2026, 2, 15), D(2026, 3, 14))
    calendar = next(Recurrence("quarter", 3, D(2026, 1, 1)).periods())
    assert (calendar.coverage_start, calendar.coverage_end) == (D(2026, 1, 1), D(2026, 3, 31))


def test_other_cutoff_day_clamps_to_short_months():
    m = list(Recurrence("month", 1, D(2026, 3, 1), D(2026, 3, 1), coverage=Coverage(28, "x")).periods())[0]
    assert (m.coverage_start, m.coverage_end) == (D(2026, 3, 1), D(2026, 3, 28))  # February 2026 has no 29th


@pytest.mark.parametrize(
    "pid,vi,en",
    [
        ("2026-Q2", "quý II/2026", "Q2 2026"),
        ("2026-Q4", "quý IV/2026", "Q4 2026"),
        ("2026-H1", "6 tháng đầu năm 2026", "first half of 2026"),
        ("2026-H2", "6 tháng cuối năm 2026", "second half of 2026"),
        ("2026", "năm 2026", "year 2026"),
        ("2026-03", "tháng 3/2026", "March 2026"),
        ("2026-01-31/P4M", "kỳ 31/01/2026–30/05/2026", "period 31/01/2026–30/05/2026"),
    ],
)
def test_labels(pid, vi, en):
    assert period_label(pid, "vi") == vi
    assert period_label(pid, "en") == en
    assert parse_period(vi) == pid
    if not pid.endswith("M"):
        assert parse_period(en) == pid


@pytest.mark.parametrize(
    "text,pid",
    [
        ("quý II/2026", "2026-Q2"),
        ("Quý 2/2026", "2026-Q2"),
        ("quy II 2026", "2026-Q2"),  # without diacritics
        ("qu\u0079\u0301 II/2026", "2026-Q2"),  # NFD
        ("Q3 2027", "2027-Q3"),
        ("6 tháng đầu năm 2026", "2026-H1"),
        ("sáu tháng cuối năm 2026", "2026-H2"),
        ("H2/2026", "2026-H2"),
        ("năm 2030", "2030"),
        ("tháng 12/2026", "2026-12"),
        ("2026-Q1", "2026-Q1"),
    ],
)
def test_parse_period_phrases(text, pid):
    assert parse_period(text) == pid


@pytest.mark.parametrize("text,reason", [("quý V/2026", "impossible"), ("tháng 13/2026", "impossible"), ("mùa xuân 2026", "format")])
def test_parse_period_rejects(text, reason):
    with pytest.raises(InvalidDate) as exc:
        parse_period(text)
    assert exc.value.reason == reason
    assert exc.value.kind == "period"


def test_period_lookup_by_id():
    rec = Recurrence("quarter", 3, D(2026, 1, 1), D(2030, 12, 31))
    assert rec.period("2028-Q3").start == D(2028, 7, 1)
    assert rec.period("2031-Q1") is None
    assert rec.period("2025-Q4") is None
    assert Recurrence("quarter", 3, D(2026, 1, 1)).period("2040-Q1").end == D(2040, 3, 31)  # no end: still found
