"""The obligation fields this plugin adds: ``only_if``, ``after_superior``, ``modes``.

Each may be written in full or, for its main value, alone::

    after_superior: study-key-cadres
    after_superior: {obligation: study-key-cadres, same_day: true, clause: II.1}
    modes: [in_person, online]
    modes: {allowed: [in_person, online], clause: II.3}
    only_if: has_trade_union
    only_if: {condition: has_trade_union, clause: II.4}
"""

from __future__ import annotations

from typing import Any

from nqengine.evaluation.kinds import clause_field
from nqengine.schema import INVALID, Bool, Choice, Field, ListOf, Parsed, Record, Str, Validator

__all__ = ["Shorthand", "ONLY_IF", "AFTER_SUPERIOR", "MODES", "MODE_NAMES", "MODE_FACT_TYPES", "Mode", "ModeList"]

#: How a session may be held: in person, at an online connection point (điểm cầu), by video.
MODE_NAMES = ("in_person", "online", "video")
#: Kinds consuming facts of these types (which carry a ``mode``) accept ``modes``.
MODE_FACT_TYPES = frozenset({"session", "makeup_session"})

_MODE_LABELS = {
    "in_person": ("trực tiếp", "in person"),
    "online": ("trực tuyến (điểm cầu)", "online (connection point)"),
    "video": ("xem video", "by video"),
}


class Mode(str):
    """A mode rendered in the message's language."""

    def render(self, lang: str) -> str:
        vi, en = _MODE_LABELS.get(str(self), (str(self), str(self)))
        return en if lang == "en" else vi


class ModeList(tuple):
    """Modes rendered in the message's language, joined."""

    def render(self, lang: str) -> str:
        return ", ".join(Mode(m).render(lang) for m in self)

    def __str__(self) -> str:
        return ", ".join(self)


class Shorthand(Validator):
    """A record, or its main field's value alone (the other fields then take their defaults)."""

    type_name = "map"

    def __init__(self, record: Record, main: str, *, doc: str = ""):
        self.record, self.main, self.doc = record, main, doc or record.doc

    def validate(self, node: Any, path: str, problems: list) -> Any:
        if node.kind == "map":
            return self.record.validate(node, path, problems)
        value = self.record.fields[self.main].validator.validate(node, path, problems)
        if value is INVALID:
            return INVALID
        out = Parsed()
        out.node = node
        for key, f in self.record.fields.items():
            out[key] = f.default() if callable(f.default) else f.default
        out[self.main] = value
        return out


ONLY_IF = Field(
    Shorthand(
        Record(
            {
                "condition": Field(Str(), required=True, doc="name of a 'condition' fact recorded for the unit"),
                "clause": clause_field(),
            },
            doc="the obligation applies to a unit only while this condition is recorded as true",
        ),
        "condition",
    ),
    doc="apply only to units for which this condition is recorded true (else: not applicable)",
)

AFTER_SUPERIOR = Field(
    Shorthand(
        Record(
            {
                "obligation": Field(Str(), required=True, doc="the obligation the superior (parent unit) must fulfil first"),
                "same_day": Field(Bool(), default=False, doc="true: the same day as the superior still counts"),
                "clause": clause_field(),
            },
            doc="the unit's sessions must come after its superior fulfilled this obligation",
        ),
        "obligation",
    ),
    doc="the parent unit must fulfil this obligation before the unit's own sessions",
)

MODES = Field(
    Shorthand(
        Record(
            {
                "allowed": Field(ListOf(Choice(MODE_NAMES), min_len=1, single=True), required=True, doc="modes that count"),
                "clause": clause_field(),
            },
            doc="how sessions may be held; others do not count",
        ),
        "allowed",
    ),
    doc="modes of session that count (in_person, online, video); sessions held otherwise do not",
)
