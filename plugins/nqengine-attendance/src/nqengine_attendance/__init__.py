"""nqengine-attendance: who attended, who made up, who wrote.

Plans that go beyond "hold one session" ask for a share of party members
attending (tỷ lệ đảng viên tham dự), make-up sessions for absentees within a
number of days (học bù), and a written reflection from each member (bài thu
hoạch).  This plugin adds, for specs that declare ``plugins: [nqengine-attendance]``:

- obligation kinds ``party_attendance`` (a threshold on the share of party
  members attending, make-ups counted within a window; non-members reported
  apart) and ``reflections`` (a share of party members handing in a written
  reflection), see :mod:`nqengine_attendance.kinds`;
- fact types ``makeup_session`` and ``reflection``, see :mod:`nqengine_attendance.facts`;
- a check on every ``study_session`` verdict (``nqengine_extra_findings``):
  attendance split between party members and non-members, and attendance
  figures larger than the registry's headcount, which make a verdict
  ``indeterminate`` — see :mod:`nqengine_attendance.checks`;
- its messages in Vietnamese and English (:mod:`nqengine_attendance.messages`).
"""

from __future__ import annotations

from typing import Any

from nqengine.plugins.hookspecs import hookimpl

from nqengine_attendance.checks import attendance_findings
from nqengine_attendance.facts import MakeupSession, Reflection
from nqengine_attendance.kinds import PartyAttendance, Reflections
from nqengine_attendance.messages import MESSAGES

__all__ = ["PLUGIN_NAME", "__version__", "PartyAttendance", "Reflections", "MakeupSession", "Reflection"]

#: The name specs declare under ``plugins:``; also the entry point's name.
PLUGIN_NAME = "nqengine-attendance"
__version__ = "0.1.0"


@hookimpl
def nqengine_register_obligation_kinds() -> list[Any]:
    return [PartyAttendance(), Reflections()]


@hookimpl
def nqengine_register_fact_types() -> list[Any]:
    return [MakeupSession, Reflection]


@hookimpl
def nqengine_register_messages() -> dict[str, tuple[str, str]]:
    return dict(MESSAGES)


@hookimpl
def nqengine_extra_findings(obligation: Any, unit: Any, verdict: Any, context: Any) -> list[Any] | None:
    return attendance_findings(obligation, unit, verdict, context, PLUGIN_NAME)
