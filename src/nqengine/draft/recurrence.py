"""Recurring obligations in a plan's text: "hằng quý", "định kỳ 6 tháng", "trước ngày 20 của tháng cuối quý".

Programmes that run a whole term oblige reports every month, quarter, half-year
or year.  This module reads the period (the spec format's ``every``) and the
deadline within each period (``day_of_last_month``, ``days_after_end``, ``on``)
from a clause; what it cannot read is left to a person as a ``TODO``.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

__all__ = ["Recurrence", "find_recurrence"]

_EVERY = (
    ("month", re.compile(r"\b(?:hằng|hàng|mỗi)\s+tháng\b", re.I)),
    ("quarter", re.compile(r"\b(?:hằng|hàng|mỗi)\s+quý\b|\bđịnh kỳ\s+(?:hằng\s+)?quý\b", re.I)),
    ("half_year", re.compile(r"\b(?:hằng|hàng|mỗi|định kỳ)\s+(?:6|sáu)\s+tháng\b|\b(?:6|sáu)\s+tháng\s+(?:một|1)\s+lần\b", re.I)),
    ("year", re.compile(r"\b(?:hằng|hàng|mỗi)\s+năm\b|\bđịnh kỳ\s+(?:hằng\s+)?năm\b", re.I)),
)
_DAY_OF_LAST_MONTH = re.compile(
    r"(?P<kw>trước|chậm nhất|đến hết)\s+ngày\s+(?P<n>\d{1,2})\s+(?:của\s+)?(?:tháng\s+cuối\s+(?:quý|kỳ|năm)|hằng\s+tháng|hàng\s+tháng|mỗi\s+tháng)", re.I
)
_DAYS_AFTER_END = re.compile(
    r"(?:trong|chậm nhất|sau)\s+(?P<n>\d{1,3})\s+ngày\s+(?P<work>làm việc\s+)?(?:sau khi|kể từ (?:khi|ngày))\s+kết thúc", re.I
)
_MORE = re.compile(r"(?:\s*(?:,|và)\s*(?:ngày\s+)?\d{1,2}/\d{1,2}(?![/\d]))*")
_ON = re.compile(r"(?P<kw>trước|chậm nhất|đến hết)\s+(?:ngày\s+)?(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![/\d])", re.I)


@attrs.frozen
class Recurrence:
    """A clause's period and per-period deadline (``deadline`` is a spec mapping, with a TODO when unread)."""

    every: str
    phrase: str
    deadline: dict[str, Any]


def find_recurrence(text: str, clause: str) -> Recurrence | None:
    """The recurrence a clause states, or None for a one-off obligation."""
    found = next(((name, m) for name, rx in _EVERY if (m := rx.search(text))), None)
    if found is None:
        return None
    every, m = found
    deadline: dict[str, Any]
    if d := _DAY_OF_LAST_MONTH.search(text):
        deadline = {"day_of_last_month": int(d["n"]), "inclusive": not d["kw"].lower().startswith("trước"), "text": d.group(0)}
    elif d := _DAYS_AFTER_END.search(text):
        deadline = {"days_after_end": int(d["n"]), "inclusive": True, "text": d.group(0)}
        if d["work"]:
            deadline["working_days"] = True
    elif first := _ON.search(text):
        # "trước ngày 15/6 và 15/12": the listed days, the keyword once
        more = _MORE.match(text, first.end())
        listed = [(first["d"], first["m"])] + re.findall(r"(\d{1,2})/(\d{1,2})", more.group(0) if more else "")
        deadline = {"on": [f"{int(day):02d}/{int(month):02d}" for day, month in listed],
                    "inclusive": not first["kw"].lower().startswith("trước"),
                    "text": text[first.start() : more.end() if more else first.end()]}
    else:
        deadline = {"TODO": f"“{m.group(0)}”: hạn trong mỗi kỳ? (day_of_last_month, days_after_end, on, hoặc none: true)"}
    deadline["clause"] = clause
    return Recurrence(every, m.group(0), deadline)
