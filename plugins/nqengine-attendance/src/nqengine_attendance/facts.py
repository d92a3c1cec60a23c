"""Fact types: make-up sessions (học bù) and written reflections (bài thu hoạch)."""

from __future__ import annotations

from nqengine.inputs.facts import FactType
from nqengine.schema import Choice, Field, Int, MapOf, Str

__all__ = ["MakeupSession", "Reflection", "MODES"]

#: How a session was held: in person, at an online connection point (điểm cầu), or by video.
MODES = ("in_person", "online", "video")


class MakeupSession(FactType):
    """A make-up session (buổi học bù) for those who missed the unit's session.

    ``attendance`` counts only the absentees who made up, per audience
    category, like a session's.
    """

    name = "makeup_session"
    fields = {
        "attendance": Field(MapOf(Str(), Int(min=0)), required=True, doc="absentees who made up, per audience category"),
        "for_session": Field(Str(), doc="the id of the session fact the absentees missed"),
        "presenter": Field(Str(), doc="who presented (person id or name)"),
        "mode": Field(Choice(MODES), default="in_person", doc="in person, online connection point (điểm cầu) or video"),
    }


class Reflection(FactType):
    """Written reflections (bài thu hoạch) handed in by party members on a date."""

    name = "reflection"
    fields = {
        "count": Field(Int(min=0), required=True, doc="how many members handed in a reflection that day"),
    }
