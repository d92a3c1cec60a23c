"""Reporting periods (kỳ báo cáo): months, quarters, half-years, years, every N months.

A recurring obligation (``every: quarter``) owes something once per period.
This module does the period arithmetic and speaks the periods' names:
``quý II/2026`` / ``Q2 2026``, ``6 tháng đầu năm 2026`` / ``first half of
2026``, ``năm 2026``, ``tháng 3/2026``.  It is pure: it depends on no
evaluation state, only on :mod:`nqengine.dates`.

Each :class:`Period` has a stable ``id`` used in data (JSON, facts):
``2026-03`` (a month), ``2026-Q2``, ``2026-H1``, ``2026`` (a year) and
``2026-01-01/P4M`` (four months from 01/01/2026, ISO 8601 interval
notation).  Its calendar span is ``start``–``end``; its *coverage window*
(the data a report on it covers) is ``coverage_start``–``coverage_end``,
equal to the calendar span unless a cut-off convention is named.

The state's reporting regime (Nghị định 09/2019/NĐ-CP, Điều 12) cuts data off
on the 14th: a period's figures run from the 15th of the month before its
first month to the 14th of its last month (a quarter from 15/12 to 14/3 for
quý I; the year from 15/12 of the year before to 14/12).  That convention is
available by name as ``nd-09-2019``; ``{cutoff_day: N}`` gives another day.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Iterator

import attrs

from nqengine.dates import InvalidDate, _fold, parse_date

__all__ = [
    "EVERY",
    "COVERAGE_CONVENTIONS",
    "Period",
    "Coverage",
    "Recurrence",
    "add_months",
    "parse_period",
    "period_label",
]

#: Recurrence units and their length in months.
EVERY = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}

#: Named coverage conventions: name -> cut-off day (None: the calendar period).
COVERAGE_CONVENTIONS = {"calendar": None, "nd-09-2019": 14}

_ROMAN = ("I", "II", "III", "IV")


def add_months(d: dt.date, n: int) -> dt.date:
    """``d`` moved by ``n`` months, the day clamped to the month's length (31/01 + 1 → 28/02 or 29/02)."""
    m = d.month - 1 + n
    year, month = d.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(d.day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _month_days(year, month))


@attrs.frozen
class Coverage:
    """Which data a period's report covers: the calendar period, or from a cut-off day.

    ``cutoff_day`` N: from the (N+1)th of the month before the period's first
    month to the Nth of its last month.  ``name`` is the convention's name
    when one was used (``nd-09-2019``).
    """

    cutoff_day: int | None = None
    name: str = "calendar"

    def window(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        if self.cutoff_day is None:
            return start, end
        before = add_months(dt.date(start.year, start.month, 1), -1)
        # the day after the previous cut-off (a cut-off on the 28th: February's data ends on the 28th, March's begins on 1/3)
        first = dt.date(before.year, before.month, min(self.cutoff_day, _month_days(before.year, before.month))) + dt.timedelta(days=1)
        last = dt.date(end.year, end.month, min(self.cutoff_day, _month_days(end.year, end.month)))
        return first, last


@attrs.frozen
class Period:
    """One period of a recurrence: its id, calendar span and coverage window."""

    id: str
    every: str
    start: dt.date
    end: dt.date
    coverage_start: dt.date
    coverage_end: dt.date
    index: int = 0

    def label(self, lang: str = "vi") -> str:
        """The period's name for people: ``quý II/2026`` or ``Q2 2026``."""
        return period_label(self.id, lang)

    def __str__(self) -> str:
        return self.label("vi")


@attrs.frozen
class Recurrence:
    """``every`` period from ``start`` until ``end`` (``None``: without end), with its coverage convention.

    ``months`` is the period length; ``anchor`` the first day of a period
    (calendar periods: the 1st of January; ``every: {months: N, anchor: D}``:
    D).  The first period is the one holding ``start``.
    """

    every: str
    months: int
    start: dt.date
    end: dt.date | None = None
    anchor: dt.date | None = None
    coverage: Coverage = Coverage()

    def _first_start(self) -> dt.date:
        anchor = self.anchor or dt.date(self.start.year, 1, 1)
        # the period holding `start`: step from the anchor, backwards or forwards
        k = ((self.start.year - anchor.year) * 12 + self.start.month - anchor.month) // self.months
        s = add_months(anchor, k * self.months)
        while s > self.start:
            k -= 1
            s = add_months(anchor, k * self.months)
        while add_months(anchor, (k + 1) * self.months) <= self.start:
            k += 1
            s = add_months(anchor, k * self.months)
        return s

    def periods(self) -> Iterator[Period]:
        """The periods in order; endless when ``end`` is None (take what you need)."""
        anchor_k = self._first_start()
        i = 0
        while True:
            start = add_months(anchor_k, i * self.months)
            if self.end is not None and start > self.end:
                return
            end = add_months(anchor_k, (i + 1) * self.months) - dt.timedelta(days=1)
            cs, ce = self.coverage.window(start, end)
            yield Period(self._id(start), self.every, start, end, cs, ce, i)
            i += 1

    def _id(self, start: dt.date) -> str:
        if self.every == "month":
            return f"{start.year:04d}-{start.month:02d}"
        if self.every == "quarter":
            return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
        if self.every == "half_year":
            return f"{start.year:04d}-H{(start.month - 1) // 6 + 1}"
        if self.every == "year":
            return f"{start.year:04d}"
        return f"{start.isoformat()}/P{self.months}M"

    def period(self, pid: str) -> Period | None:
        """The period with id ``pid``, or None when the recurrence has no such period."""
        for p in self.periods():
            if p.id == pid:
                return p
            if p.start > _latest_start(pid):
                return None
        return None


def _latest_start(pid: str) -> dt.date:
    """A date after which no period with id ``pid`` can start (stops the search in :meth:`Recurrence.period`)."""
    m = re.match(r"([0-9]{4})", pid)
    year = int(m[1]) if m else 9998
    return dt.date(min(year + 1, 9999), 12, 31)


# --- names -----------------------------------------------------------------------


def period_label(pid: str, lang: str = "vi") -> str:
    """A period id (``2026-Q2``) as people read it: ``quý II/2026`` or ``Q2 2026``."""
    en = lang == "en"
    if m := re.fullmatch(r"([0-9]{4})-Q([1-4])", pid):
        return f"Q{m[2]} {m[1]}" if en else f"quý {_ROMAN[int(m[2]) - 1]}/{m[1]}"
    if m := re.fullmatch(r"([0-9]{4})-H([12])", pid):
        if en:
            return f"{'first' if m[2] == '1' else 'second'} half of {m[1]}"
        return f"6 tháng {'đầu' if m[2] == '1' else 'cuối'} năm {m[1]}"
    if m := re.fullmatch(r"([0-9]{4})-([0-9]{2})", pid):
        return f"{_MONTHS_EN[int(m[2]) - 1]} {m[1]}" if en else f"tháng {int(m[2])}/{m[1]}"
    if re.fullmatch(r"[0-9]{4}", pid):
        return f"year {pid}" if en else f"năm {pid}"
    if m := re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})/P([0-9]+)M", pid):
        start = dt.date(int(m[1]), int(m[2]), int(m[3]))
        end = add_months(start, int(m[4])) - dt.timedelta(days=1)
        span = f"{_vn(start)}–{_vn(end)}"
        return f"period {span}" if en else f"kỳ {span}"
    return pid


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _vn(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


_ROMAN_NUM = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PHRASE_PATTERNS = (
    (r"(?:quy|quarter|q)\s*(?P<q>iv|i{1,3}|[1-4])\s*(?:[/.,-]\s*|\s+(?:nam\s+|of\s+)?)(?P<year>[0-9]{4})", "quarter"),
    (r"(?:6|sau)\s+thang\s+(?P<h>dau|cuoi)\s+(?:nam\s+)?(?P<year>[0-9]{4})", "half"),
    (r"(?P<h>first|second)\s+half\s+(?:of\s+)?(?P<year>[0-9]{4})", "half"),
    (r"h(?P<h>[12])\s*(?:[/.,-]\s*|\s+)(?P<year>[0-9]{4})", "half"),
    (r"(?:thang|month)\s*(?P<month>[0-9]{1,2})\s*(?:[/.,-]\s*|\s+(?:nam\s+)?)(?P<year>[0-9]{4})", "month"),
    (r"(?:nam|year)\s+(?P<year>[0-9]{4})", "year"),
    (r"(?P<mname>" + "|".join(m.lower() for m in _MONTHS_EN) + r")\s+(?P<year>[0-9]{4})", "month"),
    (r"(?:ky|period)\s+(?P<d1>[0-9]{1,2})/(?P<m1>[0-9]{1,2})/(?P<y1>[0-9]{4})\s*[-\u2013]\s*(?P<d2>[0-9]{1,2})/(?P<m2>[0-9]{1,2})/(?P<y2>[0-9]{4})", "span"),
)


@functools.cache
def _phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The period phrases, compiled on first use (not at import: few commands read one)."""
    return tuple((re.compile(pattern), what) for pattern, what in _PHRASE_PATTERNS)


def _span_id(text: str, m: re.Match) -> str:
    """``kỳ 01/03/2026–30/06/2026`` → ``2026-03-01/P4M`` (the span must be whole months from its first day)."""

    start = parse_date(f"{m['d1']}/{m['m1']}/{m['y1']}")
    end = parse_date(f"{m['d2']}/{m['m2']}/{m['y2']}")
    for n in range(1, 121):
        last = add_months(start, n) - dt.timedelta(days=1)
        if last == end:
            return f"{start.isoformat()}/P{n}M"
        if last > end:
            break
    raise InvalidDate(text, "impossible", "a period runs whole months from its first day", "một kỳ gồm trọn số tháng tính từ ngày đầu", "period")


_ID_RE = re.compile(r"[0-9]{4}(?:-Q[1-4]|-H[12]|-(?:0[1-9]|1[0-2]))?|[0-9]{4}-[0-9]{2}-[0-9]{2}/P[0-9]+M")


def parse_period(text: str) -> str:
    """The id of the period a phrase names: ``"quý II/2026"`` → ``"2026-Q2"``.

    Accepts the ids themselves, and in Vietnamese or English, with or without
    diacritics: ``quý II/2026``, ``Q2 2026``, ``6 tháng đầu năm 2026``,
    ``first half of 2026``, ``H2/2026``, ``tháng 3/2026``, ``năm 2026``.

    Raises:
        InvalidDate: (kind ``"period"``) for an unknown phrase or an impossible
            period (quý V, tháng 13).
    """
    if not isinstance(text, str):
        raise InvalidDate(repr(text), "format", kind="period")
    raw = text.strip()
    if _ID_RE.fullmatch(raw):
        return raw
    folded = _fold(raw)
    for regex, what in _phrases():
        m = regex.fullmatch(folded)
        if not m:
            continue
        if what == "span":
            return _span_id(text, m)
        year = m["year"]
        if what == "quarter":
            q = m["q"]
            return f"{year}-Q{int(q) if q.isdigit() else _ROMAN_NUM[q]}"
        if what == "half":
            h = m["h"]
            return f"{year}-H{1 if h in ('dau', 'first', '1') else 2}"
        if what == "month":
            month = _MONTHS_EN.index(m["mname"].capitalize()) + 1 if m.groupdict().get("mname") else int(m["month"])
            if not 1 <= month <= 12:
                raise InvalidDate(text, "impossible", f"there is no month {month}", f"không có tháng {month}", "period")
            return f"{year}-{month:02d}"
        return year
    if re.fullmatch(r"(?:quy|quarter|q)\s*(?:v|[05-9])\b.*", folded):
        raise InvalidDate(text, "impossible", "a year has quarters I to IV", "một năm chỉ có quý I đến quý IV", "period")
    raise InvalidDate(
        text, "format",
        "write e.g. 'quý II/2026', '6 tháng đầu năm 2026', 'năm 2026', 'tháng 3/2026'",
        "hãy viết ví dụ 'quý II/2026', '6 tháng đầu năm 2026', 'năm 2026', 'tháng 3/2026'",
        "period",
    )


class PeriodName(str):
    """A period id that renders as its label in a message's language (see :func:`nqengine.i18n.message`)."""

    def render(self, lang: str) -> str:
        return period_label(str(self), lang)
