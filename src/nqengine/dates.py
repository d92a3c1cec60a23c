"""Parsing and formatting of the dates and periods found in Party plans.

Vietnamese plans write dates day-first (``31/10/2020``) and periods in words
(``trong tháng 1/2021``, ``quý I/2021``, ``cuối năm 2021``); data files use ISO
(``2020-10-31``).  Everything here is pure and depends on no other nqengine module.

A period resolves to its *last* day, because "trong tháng 1" means "by the end of
January" (see DOMAIN.md, "Dates").  Whether that last day itself still counts is a
property of the deadline, decided by the spec, not by this module.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import Literal

from nqengine.errors import NQEngineError

__all__ = [
    "InvalidDate",
    "add_calendar_days",
    "format_date",
    "parse_date",
    "parse_deadline_date",
    "parse_period_end",
]

Reason = Literal["format", "impossible"]

# Hard-coded rather than taken from `calendar.month_name`, which follows the locale.
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# What a user is told to write instead, per kind of input: (English, Vietnamese).
_HINTS = {
    "date": ("write dd/mm/yyyy or yyyy-mm-dd", "hãy viết dd/mm/yyyy hoặc yyyy-mm-dd"),
    "period": (
        "write e.g. 'tháng 1/2021', 'quý I/2021', 'năm 2021' or 'end of month 1/2021'",
        "hãy viết ví dụ 'tháng 1/2021', 'quý I/2021' hoặc 'năm 2021'",
    ),
    "date or period": (
        "write dd/mm/yyyy, yyyy-mm-dd or a period like 'tháng 1/2021', 'quý I/2021'",
        "hãy viết dd/mm/yyyy, yyyy-mm-dd hoặc thời hạn như 'tháng 1/2021', 'quý I/2021'",
    ),
}
_KIND_VI = {"date": "ngày", "period": "thời hạn", "date or period": "ngày hoặc thời hạn"}


class InvalidDate(NQEngineError, ValueError):
    """A date or period text that cannot be used.

    Attributes:
        text: the offending input, as given.
        reason: ``"format"`` when the text is not a recognised date/period form,
            ``"impossible"`` when it is well formed but names no real day
            (31/02/2021, 29/02/2021, month 13, quarter 5).
        detail: English explanation of what is wrong (may be empty).
        detail_vi: the same in Vietnamese (may be empty).
        kind: what was expected: ``"date"``, ``"period"`` or ``"date or period"``.
    """

    def __init__(
        self,
        text: str,
        reason: Reason,
        detail: str = "",
        detail_vi: str = "",
        kind: str = "date",
    ) -> None:
        if reason not in ("format", "impossible"):
            raise ValueError(f"unknown InvalidDate reason {reason!r}")
        self.text = text
        self.reason: Reason = reason
        self.kind = kind
        hint_en, hint_vi = _HINTS.get(kind, _HINTS["date"])
        self.detail = detail or (hint_en if reason == "format" else "")
        self.detail_vi = detail_vi or (hint_vi if reason == "format" else "")
        super().__init__(self._message())

    def _message(self) -> str:
        head = "unrecognised" if self.reason == "format" else "impossible"
        msg = f"{head} {self.kind} '{self.text}'"
        return f"{msg}: {self.detail}" if self.detail else msg

    @property
    def message_vi(self) -> str:
        """The error in Vietnamese, for users (who read Vietnamese first)."""
        kind = _KIND_VI.get(self.kind, "ngày")
        if self.reason == "format":
            msg = f"không nhận dạng được {kind} '{self.text}'"
        else:
            msg = f"{kind} không tồn tại '{self.text}'"
        return f"{msg}: {self.detail_vi}" if self.detail_vi else msg

    def __reduce__(self) -> tuple[type[InvalidDate], tuple[str, str, str, str, str]]:
        # ValueError pickles via self.args (the message); rebuild from our fields instead.
        return (type(self), (self.text, self.reason, self.detail, self.detail_vi, self.kind))


# --- helpers -------------------------------------------------------------------------


#: Years a date may name: far enough for any plan, close enough that a deadline
#: computed from one (days after it, a day before it) stays a real date.
MIN_YEAR, MAX_YEAR = 1900, 2200


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)).day


def _make_date(text: str, year: int, month: int, day: int, kind: str = "date") -> datetime.date:
    """Build a date, explaining in both languages why it does not exist."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        en = f"the year {year} is outside {MIN_YEAR}–{MAX_YEAR}, the years a plan can name"
        vi = f"năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR} mà một kế hoạch có thể dùng"
        raise InvalidDate(text, "impossible", en, vi, kind)
    if not 1 <= month <= 12:
        en, vi = f"there is no month {month}", f"không có tháng {month}"
        raise InvalidDate(text, "impossible", en, vi, kind)
    last = _days_in_month(year, month)
    if not 1 <= day <= last:
        if day == 0:
            raise InvalidDate(text, "impossible", "there is no day 0", "không có ngày 0", kind)
        raise InvalidDate(
            text,
            "impossible",
            f"{_MONTHS_EN[month - 1]} {year} has {last} days",
            f"tháng {month}/{year} chỉ có {last} ngày",
            kind,
        )
    return datetime.date(year, month, day)


def _as_date(value: datetime.date) -> datetime.date:
    # datetime is a subclass of date; comparing the two raises TypeError, so strip the time.
    return value.date() if isinstance(value, datetime.datetime) else value


# --- dates ---------------------------------------------------------------------------

# [0-9] rather than \d: \d also matches other scripts' digits, which no plan uses.
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAY_FIRST_RE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")


def parse_date(value: str | datetime.date) -> datetime.date:
    """Parse one calendar date.

    Accepts a ``date`` (returned as is; a ``datetime`` gives its date), ISO
    ``yyyy-mm-dd``, or day-first ``dd/mm/yyyy`` / ``d/m/yyyy`` with ``/``, ``-`` or
    ``.`` as separator (the same one twice).  Surrounding whitespace is ignored and
    years must have 4 digits.

    Raises:
        InvalidDate: reason ``"format"`` for any other text, ``"impossible"`` for a
            well-formed date that does not exist (31/02/2021).
    """
    if isinstance(value, datetime.date):
        return _as_date(value)
    if not isinstance(value, str):
        raise InvalidDate(repr(value), "format")
    text = value.strip()
    if m := _ISO_RE.fullmatch(text):
        return _make_date(value, int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_FIRST_RE.fullmatch(text):
        return _make_date(value, int(m[4]), int(m[3]), int(m[1]))
    raise InvalidDate(value, "format")


def format_date(d: datetime.date) -> str:
    """Format a date the Vietnamese way: ``dd/mm/yyyy``."""
    d = _as_date(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def add_calendar_days(d: datetime.date, n: int) -> datetime.date:
    """Return the date ``n`` calendar days after ``d`` (before it if ``n`` < 0)."""
    return _as_date(d) + datetime.timedelta(days=n)


# --- periods -------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case ASCII skeleton of a text: NFC/NFD and with/without diacritics agree."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # đ has no decomposition (it is a letter of its own), so map it by hand.
    return " ".join(stripped.replace("đ", "d").split())


# Leading words that all mean "no later than the end of the period"; they change nothing.
# "trước" (before) is deliberately absent: "trước tháng 10" means before October begins.
_PREFIX = (
    r"(?:(?:by|in|during|within)\s+)?(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?"
    r"|(?:trong|cuoi|het|den\s+het|den\s+cuoi|vao\s+cuoi)\s+"
)
_SEP = r"(?:\s*[/.,-]\s*|\s+(?:nam\s+|year\s+|of\s+)?)"
_YEAR = r"(?P<year>[0-9]{4})"
_MONTH_NAMES = {name.lower(): i for i, name in enumerate(_MONTHS_EN, 1)}
_MONTH_NAMES.update({name[:3].lower(): i for i, name in enumerate(_MONTHS_EN, 1)})
_MONTH_NAME_ALT = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}

_PERIOD_PATTERNS = (
    rf"(?:{_PREFIX})?(?:month|thang)\s*(?P<month>[0-9]{{1,2}}){_SEP}{_YEAR}",
    rf"(?:{_PREFIX})?(?P<mname>{_MONTH_NAME_ALT})\.?(?:\s*,\s*|\s+(?:of\s+)?){_YEAR}",
    rf"(?:{_PREFIX})?(?:quarter|quy|q)\s*(?P<q>iv|v|i{{1,3}}|[0-9]{{1,2}}){_SEP}{_YEAR}",
    rf"(?:{_PREFIX})?(?:year|nam)\s+{_YEAR}",
    # A bare "2021" is not a deadline: without a unit word, require "end of"/"cuối".
    rf"(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?{_YEAR}",
    rf"(?:cuoi|het|den\s+het|den\s+cuoi)\s+{_YEAR}",
    # half-years: "6 tháng đầu năm 2021" (by 30/06), "6 tháng cuối năm 2021" (by 31/12)
    rf"(?:{_PREFIX})?(?:06|6)\s+thang\s+(?P<half>dau|cuoi)\s+(?:nam\s+)?{_YEAR}",
    rf"(?:{_PREFIX})?(?P<half_en>first|second)\s+half(?:\s+of)?(?:\s+the\s+year)?\s+{_YEAR}",
    rf"(?:{_PREFIX})?h(?P<h>[12]){_SEP}{_YEAR}",
)

# A date with the words plans put before it: "đến hết ngày 31/3/2026", "chậm nhất ngày 15/3/2026",
# "trước ngày 31/10/2020", "no later than 31/03/2026".  The words name the date; whether the day itself
# counts is the deadline's `inclusive`, which the spec states (see docs/spec-format.md for what each implies).
_DATE_PHRASE = (
    r"(?:hoan\s+thanh\s+|complete(?:d)?\s+)?"
    r"(?:den\s+het\s+ngay|den\s+ngay|cham\s+nhat(?:\s+la)?(?:\s+vao)?(?:\s+ngay)?|truoc\s+ngay|han\s+chot(?:\s+la)?(?:\s+ngay)?"
    r"|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|by|before)\s+(?P<date>[0-9][0-9./-]*[0-9])"
)


@functools.cache
def _period_res() -> tuple[re.Pattern[str], ...]:
    """The period phrases, compiled on first use (not at import: every command imports this module, few read a phrase)."""
    return tuple(map(re.compile, _PERIOD_PATTERNS))


@functools.cache
def _date_phrase_re() -> re.Pattern[str]:
    return re.compile(_DATE_PHRASE)


def _period_end(text: str, kind: str) -> datetime.date:
    folded = _fold(text)
    for regex in _period_res():
        if m := regex.fullmatch(folded):
            groups = m.groupdict()
            break
    else:
        raise InvalidDate(text, "format", kind=kind)
    year = int(groups["year"])
    if groups.get("half") or groups.get("half_en") or groups.get("h"):
        first = groups.get("half") == "dau" or groups.get("half_en") == "first" or groups.get("h") == "1"
        month = 6 if first else 12
    elif groups.get("q"):
        raw = groups["q"]
        quarter = int(raw) if raw.isdigit() else _ROMAN[raw]
        if not 1 <= quarter <= 4:
            en, vi = f"there is no quarter {raw.upper()}", f"không có quý {raw.upper()}"
            raise InvalidDate(text, "impossible", en, vi, kind)
        month = 3 * quarter
    elif groups.get("month"):
        month = int(groups["month"])
    elif groups.get("mname"):
        month = _MONTH_NAMES[groups["mname"]]
    else:
        month = 12
    _make_date(text, year, month, 1, kind)  # a year or month out of range raises here, saying which
    return datetime.date(year, month, _days_in_month(year, month))


def parse_period_end(text: str) -> datetime.date:
    """Return the last day of a month, quarter or year named in English or Vietnamese.

    Case-insensitive and tolerant of NFC/NFD and missing diacritics.  Examples:
    ``"tháng 1/2021"``, ``"trong tháng 1 năm 2021"``, ``"cuối tháng 10/2020"``,
    ``"end of month 1/2021"``, ``"by end of month 2/2024"`` (→ 29/02/2024),
    ``"quý IV/2020"`` (→ 31/12/2020), ``"Q1 2021"``, ``"năm 2021"``, ``"end of 2021"``.

    Raises:
        InvalidDate: reason ``"format"`` if the phrase is not recognised,
            ``"impossible"`` for month 13, quarter 5 and the like.
    """
    if not isinstance(text, str):
        raise InvalidDate(repr(text), "format", kind="period")
    return _period_end(text, "period")


def parse_deadline_date(
    text: str | datetime.date,
) -> tuple[datetime.date, Literal["date", "period"]]:
    """Parse a deadline written as a date or as a period.

    Returns ``(date, "date")`` for an exact date and ``(last day, "period")`` for a
    month/quarter/year phrase.  A date-shaped text that names no real day
    (31/02/2021) raises ``"impossible"`` rather than being retried as a period.

    Raises:
        InvalidDate: as :func:`parse_date` / :func:`parse_period_end`.
    """
    try:
        return parse_date(text), "date"
    except InvalidDate as exc:
        if exc.reason == "impossible" or not isinstance(text, str):
            raise
    if m := _date_phrase_re().fullmatch(_fold(text)):
        return parse_date(m["date"]), "date"
    return _period_end(text, "date or period"), "period"
