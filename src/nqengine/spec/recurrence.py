"""The spec's keys of a recurring obligation: ``every``, ``from``, ``until``, ``coverage``, and period phrases.

Read by the spec loader (and a report fact's ``period``); the periods
themselves are :mod:`nqengine.periods`, and evaluating an obligation per
period is :mod:`nqengine.evaluation.recurrence`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nqengine.dates import InvalidDate
from nqengine.periods import (
    COVERAGE_CONVENTIONS,
    EVERY,
    Coverage,
    Recurrence,
    parse_period,
)
from nqengine.schema import (
    INVALID,
    Choice,
    Date,
    Field,
    Int,
    Record,
    Str,
    Validator,
    _DateDetail,
    _field_name,
)

__all__ = ["PeriodPhrase", "DayMonth", "EveryField", "CoverageField", "recurrence_from"]


class PeriodPhrase(Validator):
    """A period named in words or by id: ``quý II/2026``, ``6 tháng đầu năm 2026``, ``năm 2026``, ``2026-Q2``."""

    type_name = "str"

    def __init__(self, *, doc: str = ""):
        self.doc = doc

    def validate(self, node, path, problems):
        text = Str().validate(node, path, problems)
        if text is INVALID:
            return INVALID
        try:
            return parse_period(text)
        except InvalidDate as exc:
            problems.append(node.problem("invalid_date", path, field=_field_name(path), detail=_DateDetail(exc)))
            return INVALID


class DayMonth(Validator):
    """A day of the year, ``dd/mm`` (``15/06``): returned as ``(day, month)``."""

    type_name = "str"

    def __init__(self, *, doc: str = ""):
        self.doc = doc

    def validate(self, node, path, problems):
        text = Str().validate(node, path, problems)
        if text is INVALID:
            return INVALID
        m = re.fullmatch(r"([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})", text)
        if not m or not (1 <= int(m[2]) <= 12) or not (1 <= int(m[1]) <= (29 if int(m[2]) == 2 else 30 if int(m[2]) in (4, 6, 9, 11) else 31)):
            problems.append(node.problem("invalid_day_month", path, field=_field_name(path), value=text))
            return INVALID
        return (int(m[1]), int(m[2]))


def recurrence_from(p: Any, node: Any, path: str, problems: list, effective: dt.date | None) -> Recurrence | None:
    """The :class:`Recurrence` of a parsed obligation (``every``, ``from``, ``until``, ``coverage``), or None."""
    every = p.get("every")
    if every is None:
        for key in ("from", "until", "coverage"):
            if p.get(key) is not None:
                problems.append(node.get(key).problem("recurrence_key_alone", f"{path}.{key}", key=key))
        return None
    anchor = None
    if isinstance(every, str):
        name, months = every, EVERY[every]
    else:
        name, months, anchor = "months", every["months"], every.get("anchor")
    start = p.get("from") or anchor or effective
    if start is None:
        problems.append(node.problem("recurrence_from_required", path))
        return None
    end = p.get("until")
    if end is not None and end < start:
        problems.append(node.get("until").problem("recurrence_until_before_from", f"{path}.until", until=end, start=start))
        return None
    cov = p.get("coverage")
    if cov is None:
        coverage = Coverage()
    elif isinstance(cov, str):
        coverage = Coverage(COVERAGE_CONVENTIONS[cov], cov)
    else:
        coverage = Coverage(cov["cutoff_day"], f"cutoff-{cov['cutoff_day']}")
    return Recurrence(name, months, start, end, anchor, coverage)


class EveryField(Validator):
    """``month``, ``quarter``, ``half_year``, ``year``, or ``{months: N, anchor: dd/mm/yyyy}``."""

    type_name = "str"

    def __init__(self, *, doc: str = ""):
        self.doc = doc

    def validate(self, node, path, problems):
        if node.kind == "map":
            return Record(
                {
                    "months": Field(Int(min=1, max=120), required=True, doc="length of a period in months"),
                    "anchor": Field(Date(), doc="first day of a period (default: the obligation's 'from')"),
                }
            ).validate(node, path, problems)
        return Choice(tuple(EVERY)).validate(node, path, problems)


class CoverageField(Validator):
    """``calendar`` (default), ``nd-09-2019`` (the state's cut-off on the 14th), or ``{cutoff_day: N}``."""

    type_name = "str"

    def __init__(self, *, doc: str = ""):
        self.doc = doc

    def validate(self, node, path, problems):
        if node.kind == "map":
            return Record({"cutoff_day": Field(Int(min=1, max=28), required=True, doc="the last day of data in a period's last month")}).validate(node, path, problems)
        return Choice(tuple(COVERAGE_CONVENTIONS)).validate(node, path, problems)
