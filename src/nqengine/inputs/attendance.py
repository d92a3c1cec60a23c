"""Per-member attendance (điểm danh): one row per attendee, folded into session counts.

A session fact may give its attendance as counts per audience category
(``attendance: {dang_vien: 412, cong_chuc: 9}``), or the facts may list who
attended, one ``attendance`` row per person::
    {"type": "attendance", "unit": "p-an-my", "date": "2020-10-05",
     "session": "am-session", "member": "dv-0001234", "category": "dang_vien"}

Loading folds those rows into the named session's ``attendance`` counts, so
evaluation sees exactly what it would have seen had the counts been written
out, and a million rows cost no more than their counts once loaded.  The rows
are checked, and every problem is located at its row:

- ``session`` must be the id of a ``session`` fact loaded with the rows (in the
  same file, or in any of the files given together to
  :func:`nqengine.bulk.load_facts_bulk`);
- ``unit`` must be that session's unit (the unit that held the session);
- ``date`` (required, as for every fact) must be the session's date;
- a person counts once per session: a second row for the same ``member`` and
  ``session`` is an error, not a second attendee;
- a session gives either counts or rows, never both.

``category`` is the attendee's audience category (đối tượng), as the spec's
``audience_categories`` name them; party members are ``dang_vien``.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import attrs

from nqengine.errors import FactsError, Problem
from nqengine.i18n import MESSAGES
from nqengine.inputs.facts import FactType
from nqengine.model import Fact, Source
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, Str

__all__ = ["Attendance", "AttendanceTally", "fold_attendance", "ATTENDANCE_MESSAGES"]

ATTENDANCE_MESSAGES: dict[str, tuple[str, str]] = {
    "attendance_unknown_session": (
        "{rows} dòng điểm danh ghi hội nghị '{session}' nhưng không có dữ kiện hội nghị (session) nào mang mã này",
        "{rows} attendance row(s) name session '{session}', but no session fact has that id",
    ),
    "attendance_not_session": (
        "{rows} dòng điểm danh ghi '{session}', nhưng đó là dữ kiện loại '{type}', không phải hội nghị (session)",
        "{rows} attendance row(s) name '{session}', which is a '{type}' fact, not a session",
    ),
    "attendance_unit_mismatch": (
        "{rows} dòng điểm danh ghi đơn vị '{unit}', nhưng hội nghị '{session}' là của đơn vị '{expected}'",
        "{rows} attendance row(s) give unit '{unit}', but session '{session}' was held by '{expected}'",
    ),
    "attendance_date_mismatch": (
        "{rows} dòng điểm danh ghi ngày {date}, nhưng hội nghị '{session}' diễn ra ngày {expected}",
        "{rows} attendance row(s) are dated {date}, but session '{session}' was held on {expected}",
    ),
    "attendance_duplicate": (
        "'{member}' đã được điểm danh ở hội nghị '{session}'; mỗi người chỉ tính một lần",
        "'{member}' is already counted at session '{session}'; a person counts once per session",
    ),
    "attendance_counts_and_rows": (
        "hội nghị '{session}' đã ghi số dự học theo nhóm đối tượng; không được ghi thêm {rows} dòng điểm danh",
        "session '{session}' already gives attendance counts; {rows} attendance row(s) cannot be added to them",
    ),
    "too_many_problems": (
        "và {more} lỗi khác (chỉ liệt kê {shown} lỗi đầu tiên)",
        "and {more} more problems (only the first {shown} are listed)",
    ),
}
MESSAGES.update(ATTENDANCE_MESSAGES)


class Attendance(FactType):
    """One person's attendance at a session (điểm danh), folded into the session's counts."""

    name = "attendance"
    fields = {
        "member": Field(Str(), required=True, doc="the attendee's id (đảng viên or other person)"),
        "session": Field(Str(), required=True, doc="the id of the session fact attended"),
        "category": Field(Str(), required=True, doc="the attendee's audience category (dang_vien, cong_chuc...)"),
    }


class _Group:
    """Rows for one (session, unit, date): counts per category, and the first row's place."""

    __slots__ = ("counts", "file", "line", "rows")

    def __init__(self, file: str, line: int):
        self.counts: dict[str, int] = {}
        self.file, self.line, self.rows = file, line, 0


class AttendanceTally:
    """Counts attendance rows per session while the facts stream by, then folds them in.

    Memory grows with the number of distinct (session, member) pairs (kept
    to refuse double counting), not with the rest of each row; rows for the
    same session, unit and date share one counter.  A session whose rows came
    in one run (:meth:`add_many`, the usual case) keeps its member ids as one
    string, the ids joined by spaces (about 10 bytes an id rather than about
    100 in a set of strings); a set is made from it only if more rows of the
    session come later.
    """

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str, object], _Group] = {}
        #: session -> its members so far: a set, or one string of ids joined by " " (none of them holding a space)
        self.members: dict[str, set[str] | str] = {}
        self.rows = 0
        # Rows of one session usually come together: remember the last group.
        self._last: tuple[str, str, object, set[str], _Group] | None = None

    def add(self, member: str, unit: str, session: str, category: str, date: object, file: str, line: int) -> Problem | None:
        """Count one row; a person already counted at the session gives a located problem instead."""
        last = self._last
        if last is not None and last[0] == session and last[1] == unit and last[2] == date:
            seen, group = last[3], last[4]
        else:
            seen = self.members.get(session)
            if seen is None:
                seen = self.members[session] = set()
            elif seen.__class__ is str:
                seen = self.members[session] = set(seen.split(" "))
            key = (session, unit, date)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group(file, line)
            self._last = (session, unit, date, seen, group)
        if member in seen:
            return Problem(file, line, 1, "member", "attendance_duplicate", {"member": member, "session": session})
        seen.add(member)
        counts = group.counts
        counts[category] = counts.get(category, 0) + 1
        group.rows += 1
        self.rows += 1
        return None

    def add_many(self, members: list[str], unit: str, session: str, counts: dict[str, int], date: object, file: str, line: int,
                 joined: str | None = None) -> bool:
        """Count a run of rows of one session at once (``counts`` per category); True if done.

        False, with nothing counted, when a member occurs twice in the run or
        was counted at the session before: the caller then adds the rows one
        by one, which locates the duplicate.  ``joined``, when given, is
        ``" ".join(members)``, kept as the session's members when they are its
        first (see the class).
        """
        new = set(members)
        if len(new) != len(members):
            return False
        seen = self.members.get(session)
        if seen is None:
            if joined is not None and joined.count(" ") == len(members) - 1:  # no id holds a space: the string splits back exactly
                self.members[session] = joined
            else:
                self.members[session] = new
        else:
            if seen.__class__ is str:
                seen = self.members[session] = set(seen.split(" "))
            if not seen.isdisjoint(new):
                return False
            seen |= new
        key = (session, unit, date)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(file, line)
        got = group.counts
        for category, n in counts.items():
            got[category] = got.get(category, 0) + n
        group.rows += len(members)
        self.rows += len(members)
        self._last = None
        return True

    def add_runs(self, runs: Sequence[tuple[str, str, object, int, int, str, dict[str, int]]], file: str) -> bool:
        """Count whole runs of rows at once; True if done (see :mod:`nqengine.inputs.bulk.columnar`).

        Each run is (session, unit, date, first line, rows, member ids joined by
        ``" "``, counts per category), its ids distinct and without spaces (the
        caller checked).  False, with nothing counted, when a session's ids meet
        ids counted for it before, in another run or an earlier file: the caller
        then counts the rows one by one, which locates the duplicate.
        """
        members, groups = self.members, self.groups
        runs_of: dict[str, list[int]] = {}
        for i, run in enumerate(runs):
            runs_of.setdefault(run[0], []).append(i)
        for session, indices in runs_of.items():
            prior = members.get(session)
            if prior is None and len(indices) == 1:
                continue
            seen = set() if prior is None else set(prior.split(" ")) if prior.__class__ is str else set(prior)
            for i in indices:
                ids = runs[i][5].split(" ")
                if not seen.isdisjoint(ids):
                    return False
                seen.update(ids)
        for session, unit, date, line, rows, joined, counts in runs:
            seen = members.get(session)
            if seen is None:
                members[session] = joined
            else:
                if seen.__class__ is str:
                    seen = members[session] = set(seen.split(" "))
                seen.update(joined.split(" "))
            key = (session, unit, date)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(file, line)
            got = group.counts
            for category, n in counts.items():
                got[category] = got.get(category, 0) + n
            group.rows += rows
            self.rows += rows
        self._last = None
        return True

    def fold(self, facts: list[Fact]) -> tuple[list[Fact], list[Problem]]:
        """``facts`` with each counted session's ``attendance`` filled in, and the problems found."""
        self.members.clear()  # duplicate detection is done: free the member ids
        self._last = None
        problems: list[Problem] = []
        if not self.groups:
            return facts, problems
        by_id: dict[str, int] = {}
        for i, f in enumerate(facts):
            by_id.setdefault(f.id, i)
        totals: dict[int, dict[str, int]] = {}
        for (session, unit, date), g in self.groups.items():
            i = by_id.get(session)
            fact = facts[i] if i is not None else None
            if fact is None:
                problems.append(_at(g, "session", "attendance_unknown_session", session=session))
            elif fact.type != "session":
                problems.append(_at(g, "session", "attendance_not_session", session=session, type=fact.type))
            elif fact.unit != unit:
                problems.append(_at(g, "unit", "attendance_unit_mismatch", unit=unit, session=session, expected=fact.unit))
            elif date != fact.date and not (fact.data.get("starts_on") is not None and fact.data["starts_on"] <= date <= fact.date):
                # a session on several days (``until``): a row may be dated any of its days
                problems.append(_at(g, "date", "attendance_date_mismatch", date=date, session=session, expected=fact.date))
            elif fact.data.get("attendance") is not None:
                problems.append(_at(g, "session", "attendance_counts_and_rows", session=session))
            else:
                assert i is not None
                total = totals.setdefault(i, {})
                for c, n in g.counts.items():
                    total[c] = total.get(c, 0) + n
        self.groups.clear()
        if problems:
            return facts, problems
        out = list(facts)
        for i, counts in totals.items():
            f = out[i]
            out[i] = attrs.evolve(f, data={**f.data, "attendance": dict(sorted(counts.items()))})
        return out, problems


def _at(g: _Group, path: str, code: str, **params: object) -> Problem:
    return Problem(g.file, g.line, 1, path, code, {"rows": g.rows, **params})


def fold_attendance(facts: Iterable[Fact]) -> list[Fact]:
    """Fold ``attendance`` facts into the sessions they name (see the module docstring).

    Returns the other facts, sessions with their counts filled in; raises
    :class:`~nqengine.errors.FactsError` with every bad row located.
    """
    tally = AttendanceTally()
    rest: list[Fact] = []
    problems: list[Problem] = []
    for f in facts:
        if f.type != "attendance":
            rest.append(f)
            continue
        d = f.data
        src = f.source or Source("<facts>", 1, 1)
        p = tally.add(d["member"], f.unit, d["session"], d["category"], f.date, src.file, src.line)
        if p is not None:
            problems.append(p)
    folded, more = tally.fold(rest)
    problems.extend(more)
    if problems:
        raise FactsError(problems)
    return folded


@hookimpl
def nqengine_register_fact_types():
    return [Attendance]


@hookimpl
def nqengine_register_messages():
    return ATTENDANCE_MESSAGES
