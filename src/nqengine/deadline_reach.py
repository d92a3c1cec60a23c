"""How far a chain of relative deadlines can reach, checked when the spec is loaded.

Each relative deadline adds at most 3,660 days to the date it counts from,
but deadlines may count from each other's: a chain of hundreds of them would
pass 31/12/9999, the last day Python can represent, in the middle of an
evaluation.  :func:`deadline_reach_problems` finds such a chain at load time
and reports it where its last ``days`` is written, so the evaluation never
meets a date it cannot hold.
"""

from __future__ import annotations

from typing import Any

from nqengine.dates import MAX_YEAR
from nqengine.errors import Problem
from nqengine.i18n import MESSAGES

__all__ = ["deadline_reach_problems", "MAX_REACH_DAYS"]

#: Days a chain may add to a date of year MAX_YEAR and still stay before year 10000,
#: counting a working day as three calendar days (weekends and holidays between).
MAX_REACH_DAYS = (9999 - MAX_YEAR) * 365
_WORKING_DAY_SPAN = 3

MESSAGES.update(
    {
        "deadline_too_far": (
            "thời hạn này tính nối tiếp qua {count} nghĩa vụ, cộng tới khoảng {days} ngày, có thể vượt quá năm 9999",
            "this deadline counts on through {count} obligations, up to about {days} days, and could fall after the year 9999",
        ),
    }
)


def deadline_reach_problems(spec: Any, root: Any) -> list[Problem]:
    """A problem for each obligation whose chain of relative deadlines could pass year 9999."""
    by_id = {ob.id: ob for ob in spec.obligations}
    # (most days the deadline lies after a date of the plan's years, links in the chain), computed
    # without recursion: a chain may be longer than Python's recursion limit.
    memo: dict[str, tuple[int, int]] = {}
    todo = list(by_id)
    while todo:
        left = []
        for oid in todo:
            refs = [v.deadline for v in (by_id[oid], *(e.obligation for e in by_id[oid].exceptions)) if v.deadline is not None and v.deadline.after is not None]
            waiting = [d.after.obligation for d in refs if d.after.obligation in by_id and d.after.obligation not in memo]
            if waiting:
                left.append(oid)
                continue
            best = (0, 0)
            for d in refs:
                base, links = memo.get(d.after.obligation, (0, 0)) if d.after.obligation else (0, 0)
                best = max(best, (base + d.days * (_WORKING_DAY_SPAN if d.working_days else 1) + 1, links + 1))
            memo[oid] = best
        if len(left) == len(todo):  # a cycle (reported by the validator): count its members from nothing
            for oid in left:
                memo.setdefault(oid, (0, 0))
            break
        todo = left

    problems = []
    seq = root.get("obligations") if root is not None and root.kind == "map" else None
    nodes = {}
    if seq is not None and seq.kind == "seq":
        for i, n in enumerate(seq.value):
            idn = n.get("id") if n.kind == "map" else None
            if idn is not None and idn.kind == "scalar":
                nodes[str(idn.value)] = (i, n)
    for ob in spec.obligations:
        days, links = memo.get(ob.id, (0, 0))
        refs = [v.deadline.after.obligation for v in (ob, *(e.obligation for e in ob.exceptions)) if v.deadline is not None and v.deadline.after is not None]
        if days <= MAX_REACH_DAYS or any(memo.get(r, (0, 0))[0] > MAX_REACH_DAYS for r in refs if r):
            continue  # within reach, or the obligation it counts from is reported already
        i, node = nodes.get(ob.id, (None, None))
        deadline = node.get("deadline") if node is not None else None
        at = (deadline.get("days") or deadline) if deadline is not None and deadline.kind == "map" else node
        path = f"obligations[{i}].deadline.days" if i is not None else ""
        if at is not None:
            problems.append(at.problem("deadline_too_far", path, count=links, days=days))
        elif ob.source is not None:
            problems.append(Problem(ob.source.file, ob.source.line, ob.source.column, path, "deadline_too_far", {"count": links, "days": days}))
    return problems
