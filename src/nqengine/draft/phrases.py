"""Dates and deadline phrases of a plan's text, read with the spec format's own parser.

Every date found here is turned into the words the spec format accepts
(``31/10/2020``, ``tháng 3/2021``, ``quý I/2021``) and parsed by
:mod:`nqengine.dates`, so a draft never holds a date that ``nqengine check``
would read differently.  A phrase without a year takes the year of the
document's date, and says so (``inferred``).
"""

from __future__ import annotations

import datetime
import re

import attrs

from nqengine.dates import InvalidDate, format_date, parse_date, parse_period_end

__all__ = ["Deadline", "FoundDate", "find_dates", "find_deadline", "sessions_in"]


@attrs.frozen
class Deadline:
    """A deadline read from a clause: a date, or the words a person must decide on."""

    text: str  # the phrase as the clause words it
    date: datetime.date | None = None
    inclusive: bool | None = None
    inferred_year: int | None = None  # the year, when the phrase omits it
    todo: str | None = None  # words that need a decision ("kịp thời"), when there is no date


@attrs.frozen
class FoundDate:
    """A calendar date written in the text."""

    date: datetime.date
    phrase: str
    inferred: bool


_D = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{4}))?"
_DATE_WORDS = r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4})"
# Deadline keywords before a date: "trước" excludes the day; the others include it.
_BEFORE_DATE = re.compile(
    r"(?P<lead>(?:(?:hoàn thành|hoàn thiện|xong|kết thúc|tổ chức xong)\s+)?)"
    r"(?P<kw>trước\s+ngày|trước|chậm\s+nhất\s+(?:là\s+)?(?:vào\s+)?(?:ngày\s+)?|đến\s+hết\s+ngày|hạn\s+chót\s+(?:là\s+)?(?:ngày\s+)?|đến\s+ngày|trong\s+ngày|xong\s+ngày)\s*"
    + _D,
    re.I,
)
_YEAR = r"(?:\s*[/.-]\s*|\s+năm\s+)(?P<y>\d{4})"
_PERIOD = re.compile(
    r"(?P<lead>(?:(?:hoàn thành|xong|tổ chức xong)\s+)?)"
    r"(?P<kw>trong|cuối|hết|đến\s+hết|đến\s+cuối|vào\s+cuối|trước)\s+"
    r"(?:(?P<half>6\s+tháng\s+đầu\s+năm)(?:\s+(?P<hy>\d{4}))?"
    r"|tháng\s+(?P<month>\d{1,2})(?:" + _YEAR.replace("(?P<y>", "(?P<my>") + r")?"
    r"|quý\s+(?P<q>IV|I{1,3}|[1-4])(?:" + _YEAR.replace("(?P<y>", "(?P<qy>") + r")?"
    r"|năm(?:\s+(?P<ny>\d{4}))?)",
    re.I,
)
_VAGUE = re.compile(r"kịp thời|thường xuyên|định kỳ|hằng (?:tháng|quý|năm)|hàng (?:tháng|quý|năm)|sớm nhất", re.I)
_ALL_DATES = re.compile(_DATE_WORDS + r"|(?<![\d/.-])" + _D + r"(?![\d/])", re.I)


def _year(year: str | None, doc_year: int | None) -> tuple[int | None, int | None]:
    """(year, inferred year): the phrase's own year, else the document's, marked as inferred."""
    if year:
        return int(year), None
    return doc_year, doc_year


def find_deadline(text: str, doc_year: int | None, labelled: bool = False) -> Deadline:
    """The first deadline phrase of a clause, or a Deadline whose ``todo`` names what is missing.

    ``labelled`` is true for a clause labelled "Thời gian:", where a bare period
    ("quý I/2021") is a deadline too.
    """
    m = _BEFORE_DATE.search(text)
    p = _PERIOD.search(text)
    if m and (not p or m.start() <= p.start()):
        year, inferred = _year(m["y"], doc_year)
        phrase = m.group(0).strip()
        if year is None:
            return Deadline(phrase, todo=f"“{phrase}”: văn bản không ghi năm, và không có ngày ban hành")
        try:
            day = parse_date(f"{int(m['d']):02d}/{int(m['m']):02d}/{year}")
        except InvalidDate as exc:
            return Deadline(phrase, todo=f"“{phrase}”: {exc.message_vi}")
        inclusive = not m["kw"].lower().startswith("trước")
        return Deadline(phrase, day, inclusive, inferred)
    if p:
        phrase = p.group(0).strip()
        kw = p["kw"].lower()
        if kw == "trước":
            # "trước tháng 10" is before October begins: the spec format refuses to guess.
            rest = re.split(r"trước\s+", phrase, maxsplit=1, flags=re.I)[-1]
            return Deadline(phrase, todo=f"“{phrase}”: ghi ngày cụ thể (ngày cuối trước khi {rest} bắt đầu?)")
        if p["half"]:
            year, inferred = _year(p["hy"], doc_year)
            words = f"tháng 6/{year}"
        elif p["month"]:
            year, inferred = _year(p["my"], doc_year)
            words = f"tháng {int(p['month'])}/{year}"
        elif p["q"]:
            year, inferred = _year(p["qy"], doc_year)
            words = f"quý {p['q'].upper()}/{year}"
        else:
            year, inferred = _year(p["ny"], doc_year)
            words = f"năm {year}"
        if year is None:
            return Deadline(phrase, todo=f"“{phrase}”: văn bản không ghi năm, và không có ngày ban hành")
        try:
            day = parse_period_end(words)
        except InvalidDate as exc:
            return Deadline(phrase, todo=f"“{phrase}”: {exc.message_vi}")
        return Deadline(phrase, day, True, inferred)
    if labelled:
        # "Thời gian: 15/10/2020" or "Thời gian: quý I/2021": the labelled field is the date itself.
        bare = re.search(r"(?<![\d/])" + _D, text)
        if bare:
            year, inferred = _year(bare["y"], doc_year)
            if year is not None:
                try:
                    day = parse_date(f"{int(bare['d']):02d}/{int(bare['m']):02d}/{year}")
                    return Deadline(bare.group(0), day, True, inferred,
                                    todo=f"“{bare.group(0)}”: ngày tổ chức hay hạn chót? (inclusive)")
                except InvalidDate:
                    pass
    v = _VAGUE.search(text)
    if v:
        return Deadline(v.group(0), todo=f"“{v.group(0)}”: văn bản không nêu ngày; chọn thời hạn và ghi interpretation, hoặc none: true")
    return Deadline("", todo="văn bản không nêu thời hạn: chọn thời hạn và ghi interpretation, hoặc none: true")


def sessions_in(text: str) -> tuple[int | None, str | None]:
    """(number of sessions, words to decide) of a "Thời gian: 01 buổi" clause."""
    if m := re.search(r"(\d{1,2})\s+buổi", text):
        return int(m[1]), None
    if m := re.search(r"(\d{1,2})\s+ngày(?!\s+\d)", text):
        return None, f"“{m.group(0)}”: bao nhiêu buổi? (1 ngày = 2 buổi?)"
    return None, None


def find_dates(text: str, doc_year: int | None) -> list[FoundDate]:
    """Every calendar date written in a text, in order.

    A day and month without a year ("Từ ngày 23/7 đến 25/7/2020") take the year
    of the next full date in the same text, else the document's, and are
    marked as inferred.
    """
    found: list[FoundDate] = []
    matches = list(_ALL_DATES.finditer(text))
    for i, m in enumerate(matches):
        if m["wd"]:
            d, mo, y, inferred = m["wd"], m["wm"], m["wy"], False
        else:
            d, mo, y, inferred = m["d"], m["m"], m["y"], False
            if not y:
                later = next((n["y"] or n["wy"] for n in matches[i + 1 :] if n["y"] or n["wy"]), None)
                y = later or (str(doc_year) if doc_year else None)
                inferred = True
                if y is None:
                    continue
        try:
            found.append(FoundDate(parse_date(f"{int(d):02d}/{int(mo):02d}/{y}"), m.group(0), inferred))
        except InvalidDate:
            continue
    return found


def spec_date(d: datetime.date) -> str:
    """A date as a spec writes it."""
    return format_date(d)
