"""Session length (thời lượng) as a quantity: "01 buổi", "01 ngày", "02 ngày", "3 giờ".

Plans set a minimum length for a conference ("Thời gian: 01 ngày") and sessions
record how long they lasted.  A length is a number and a unit: ``buổi`` (a
half-day session), ``ngày`` (a day) or ``giờ`` (an hour); English ``session``,
``half-day``, ``day`` and ``hour`` are read too.  Lengths are compared in
sessions (buổi): by default 1 ngày = 2 buổi and 1 buổi = 4 giờ, a reading the
spec may override (``day``, ``session_hours``) and cite (``interpretation``,
``clause``) on the study obligation's ``length`` rule.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

from nqengine.schema import INVALID, Field, Float, Record, Str

__all__ = ["LENGTH_RULE", "LengthText", "parse_length", "in_sessions", "check_length", "DEFAULT_READING"]

_UNITS = {
    "buoi": "session", "session": "session", "sessions": "session", "half-day": "session", "half-days": "session",
    "half day": "session", "half days": "session",
    "ngay": "day", "day": "day", "days": "day",
    "gio": "hour", "tieng": "hour", "hour": "hour", "hours": "hour", "h": "hour",
}  # fmt: skip
_RE = re.compile(r"(?P<n>[0-9]+(?:[.,][0-9]+)?)\s*(?P<unit>" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")")

#: What the verdicts say when a spec compares lengths in different units without giving its own reading.
DEFAULT_READING = "1 ngày = 2 buổi, 1 buổi = 4 giờ (cách hiểu mặc định của nqengine)"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d").split())


def parse_length(text: str) -> tuple[float, str]:
    """``(number, unit)`` of a length text, unit ``session``, ``day`` or ``hour``; ValueError when unreadable.

    ``parse_length("01 ngày") == (1.0, "day")``, ``parse_length("1,5 giờ") == (1.5, "hour")``.
    """
    m = _RE.fullmatch(_fold(str(text)))
    if m is None:
        raise ValueError(f"not a length: {text!r} (write e.g. '01 buổi', '02 ngày', '3 giờ')")
    n = float(m["n"].replace(",", "."))
    if n <= 0:
        raise ValueError(f"a length must be more than 0: {text!r}")
    return n, _UNITS[m["unit"]]


def in_sessions(text: str, day: float = 2.0, session_hours: float = 4.0) -> float:
    """A length in sessions (buổi): ``day`` sessions a day, ``session_hours`` hours a session."""
    n, unit = parse_length(text)
    return n if unit == "session" else n * day if unit == "day" else n / session_hours


class LengthText(Str):
    """A length text ("01 buổi", "02 ngày", "3 giờ"), checked when read and kept as written (NFC)."""

    def validate(self, node, path, problems):
        text = super().validate(node, path, problems)
        if text is INVALID:
            return INVALID
        try:
            parse_length(text)
        except ValueError:
            problems.append(node.problem("length_invalid", path, value=text))
            return INVALID
        return text


LENGTH_RULE = Record(
    {
        "min": Field(LengthText(), required=True, doc="the least length of each session: '01 buổi', '01 ngày', '3 giờ'"),
        "day": Field(Float(min=0.5, max=4.0), default=2.0, doc="sessions (buổi) in a day (ngày); default 2"),
        "session_hours": Field(Float(min=1.0, max=12.0), default=4.0, doc="hours (giờ) in a session (buổi); default 4"),
        "clause": Field(Str(), doc="the clause this check rests on (an id under 'clauses')"),
        "interpretation": Field(Str(), default=DEFAULT_READING, doc="the reading of ngày/buổi/giờ the spec takes; every verdict of the rule carries it"),
    },
    doc="the least length of each session (thời lượng)",
)


def check_length(rule: Mapping[str, Any], fact: Any) -> tuple[str, str, dict | None]:
    """(outcome, code, params) of one session's length against ``rule``: no length recorded is ``unknown``."""
    given = fact.data.get("length")
    if given is None:
        return "unknown", "length_missing", {"fact": fact.id, "min": rule["min"]}
    day, hours = rule.get("day", 2.0), rule.get("session_hours", 4.0)
    have, need = in_sessions(given, day, hours), in_sessions(rule["min"], day, hours)
    if have + 1e-9 < need:
        return "fail", "length_short", {"fact": fact.id, "length": given, "min": rule["min"]}
    return "pass", "", None
