"""Roll-ups by level (tổng hợp theo cấp): each unit's subtree summed per obligation.

A Party office reads results by level: "Đảng ủy phường X: 12 of 14 cells have
held the session, 93.4% of members attended".  :func:`compute_rollup` walks the
verdicts once and adds each to its unit and to every superior of it in the
registry (``parent`` links), so a unit's roll-up covers the unit itself and all
units below it:

- ``counts``: verdicts per status (every status present), ``total``,
  ``applicable`` (all but ``not_applicable``), ``done`` (``met`` + ``met_late``)
  and ``share_done`` = done / applicable (None when nothing applies);
- ``attendance`` for obligations with an audience (study sessions): party
  members apart from non-members, attended and headcount summed over the
  subtree.  A unit that has held no session counts with its registry headcount
  and nobody attending, so the rate is over everyone who had to study;
- the units due soon (sắp đến hạn), overdue (quá hạn) and violated (không đạt
  yêu cầu), by id, in the order of the verdicts (unit id).

``Evaluation.rollup(unit)`` gives one unit's :class:`UnitRollup`;
:func:`rollup_json` is the ``rollup`` section of the JSON contract
(``docs/json-contract.md``), versioned on its own (:data:`ROLLUP_FORMAT_VERSION`).
"""

from __future__ import annotations

import weakref
from typing import Any, Iterator, Mapping, Sequence

import attrs

from nqengine.errors import UnknownKeyError
from nqengine.gcpause import gc_paused
from nqengine.model import STATUSES, LazyFindings, findings_once
from nqengine.spec.load import UNIT_KINDS

__all__ = ["ROLLUP_FORMAT_VERSION", "Attendance", "ObligationRollup", "UnitRollup", "Rollup", "compute_rollup", "rollup_of", "rollup_json",
           "rollup_parts_json"]

#: Version of the ``rollup`` section of the JSON contract.
ROLLUP_FORMAT_VERSION = 1

_DONE = ("met", "met_late")
_LISTED = ("due_soon", "overdue", "violated")
_STATUS_INDEX = {s: i for i, s in enumerate(STATUSES)}


def _rate(attended: int, headcount: int) -> float | None:
    return round(attended / headcount, 4) if headcount else None


@attrs.frozen
class Attendance:
    """Attendance summed over a subtree: party members apart from non-members."""

    members_attended: int = 0
    members: int = 0
    non_members_attended: int = 0
    non_members: int = 0

    @property
    def members_rate(self) -> float | None:
        """members_attended / members, rounded to 4 places (None when there are no members)."""
        return _rate(self.members_attended, self.members)

    @property
    def non_members_rate(self) -> float | None:
        return _rate(self.non_members_attended, self.non_members)


@attrs.frozen
class ObligationRollup:
    """One obligation over one unit's subtree."""

    obligation: str
    counts: Mapping[str, int]
    attendance: Attendance | None = None
    due_soon: tuple[str, ...] = ()
    overdue: tuple[str, ...] = ()
    violated: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def applicable(self) -> int:
        """Verdicts other than ``not_applicable``."""
        return self.total - self.counts.get("not_applicable", 0)

    @property
    def done(self) -> int:
        """Verdicts ``met`` or ``met_late``."""
        return sum(self.counts.get(s, 0) for s in _DONE)

    @property
    def share_done(self) -> float | None:
        """done / applicable, rounded to 4 places; None when nothing applies."""
        return _rate(self.done, self.applicable)


@attrs.frozen
class UnitRollup:
    """A unit and everything below it: per obligation, in the spec's order."""

    unit: str
    name: str
    kind: str
    parent: str | None
    depth: int
    children: tuple[str, ...]
    obligations: Mapping[str, ObligationRollup]

    def __getitem__(self, obligation: str) -> ObligationRollup:
        return self.obligations[obligation]


@attrs.frozen
class Rollup:
    """Every unit's roll-up; ``units`` in tree order (pre-order; siblings by unit kind, then id)."""

    units: Mapping[str, UnitRollup]
    roots: tuple[str, ...]

    def __getitem__(self, unit: str) -> UnitRollup:
        return self.units[unit]

    def walk(self, unit: str | None = None) -> Iterator[UnitRollup]:
        """The roll-ups of ``unit`` and its subtree (of all roots when None), parents before children."""
        stack = [unit] if unit is not None else list(reversed(self.roots))
        while stack:
            u = self.units[stack.pop()]
            yield u
            stack.extend(reversed(u.children))


class _Acc:
    __slots__ = ("counts", "att", "lists")

    def __init__(self) -> None:
        self.counts = [0] * len(STATUSES)
        self.att: list[int] | None = None
        self.lists: tuple[list[str], list[str], list[str]] = ([], [], [])


def _audience(v: Any, ev: Any, obs: Mapping[str, Any], party: set[str]) -> tuple[int, int, int, int] | None:
    """(members attended, members, non-members attended, non-members) of a verdict, or None without an audience."""
    lazy = v._findings
    totals = lazy.summary("audience") if type(lazy) is LazyFindings else None  # the kind's shortcut: no findings built
    if totals:
        return totals
    if totals is None:
        for f in findings_once(v):  # deferred findings built and let go: kept for every study verdict, a national run's would take 200 MB
            if f.check == "audience":
                pm, nm = f.details.get("party_members"), f.details.get("non_members")
                if isinstance(pm, Mapping) and isinstance(nm, Mapping):
                    return pm["attended"], pm["headcount"], nm["attended"], nm["headcount"]
    # No session counted yet: everyone the unit had to bring, nobody attending.
    unit = ev.registry.units.get(v.unit)
    if unit is None:
        return None
    variant, _ = obs[v.obligation].for_unit(unit, ev.as_of)
    aud = variant.params.get("audience")
    cats = aud.get("categories") if isinstance(aud, Mapping) else None
    if not cats:
        return None
    members = sum(unit.audience.get(c, 0) for c in cats if c in party)
    others = sum(unit.audience.get(c, 0) for c in cats if c not in party)
    return 0, members, 0, others


def _sums(ev: Any) -> dict[str, dict[str, _Acc]]:
    """unit id -> obligation id -> the sums of the verdicts in the unit's subtree."""
    registry, spec = ev.registry, ev.spec
    units = registry.units
    obs = {ob.id: ob for ob in spec.obligations}
    with_audience = {oid for oid, ob in obs.items() if _has_audience(ob)}
    party = {c for c, meta in spec.audience_categories.items() if meta.get("party_member")}
    chains: dict[str, tuple[str, ...]] = {}

    def chain(uid: str) -> tuple[str, ...]:
        got = chains.get(uid)
        if got is not None:
            return got
        out = []
        seen = set()
        cur: str | None = uid
        while cur is not None and cur in units and cur not in seen:  # the registry rejects cycles; guard anyway
            seen.add(cur)
            out.append(cur)
            cur = units[cur].parent
        got = chains[uid] = tuple(out)
        return got

    acc: dict[str, dict[str, _Acc]] = {}  # unit id -> obligation id -> its sums
    with gc_paused():  # reading attendance builds deferred findings: many small acyclic objects
        _accumulate(ev, acc, chain, obs, with_audience, party)
    return acc


def compute_rollup(ev: Any) -> Rollup:
    """Sum the evaluation's verdicts up the registry tree (see the module's docstring)."""
    return _tree(ev, _sums(ev))


def _accumulate(ev: Any, acc: dict, chain: Any, obs: Mapping[str, Any], with_audience: set[str], party: set[str]) -> None:
    for v in ev.verdicts:
        path = chain(v.unit) or (v.unit,)
        si = _STATUS_INDEX[v.status]
        listed = _LISTED.index(v.status) if v.status in _LISTED else -1
        att = _audience(v, ev, obs, party) if v.obligation in with_audience and v.status != "not_applicable" else None
        oid = v.obligation
        for uid in path:
            per = acc.get(uid)
            if per is None:
                per = acc[uid] = {}
            a = per.get(oid)
            if a is None:
                a = per[oid] = _Acc()
            a.counts[si] += 1
            if listed >= 0:
                a.lists[listed].append(v.unit)
            if att is not None:
                if a.att is None:
                    a.att = [0, 0, 0, 0]
                t = a.att
                t[0] += att[0]
                t[1] += att[1]
                t[2] += att[2]
                t[3] += att[3]


def _children(ev: Any, acc: dict) -> dict[str | None, list[str]]:
    """Each unit's children among the units with a verdict in their subtree (None: the roots), in the roll-up's order."""
    units = ev.registry.units
    touched = acc  # the units with a verdict in their subtree
    children: dict[str | None, list[str]] = {}

    # Higher kinds of unit first (the order of UNIT_KINDS: city committee, boards, party committees, cells...),
    # then unit ids: the output never depends on the order of the registry's rows.
    kind_rank = {k: i for i, k in reversed(list(enumerate(UNIT_KINDS)))}  # the first place of each kind, as UNIT_KINDS.index

    def rank(uid: str) -> tuple[int, str]:
        u = units.get(uid)
        return (kind_rank.get(u.kind if u is not None else None, len(UNIT_KINDS)), uid)

    for uid in sorted(touched, key=rank):
        u = units.get(uid)
        parent = u.parent if u is not None and u.parent in touched else None
        children.setdefault(parent, []).append(uid)
    return children


def _walk(ev: Any, acc: dict, children: dict[str | None, list[str]]) -> Iterator[tuple[str, Any, int, tuple[str, ...], list]]:
    """(unit id, the unit or None, depth, its children, [(obligation id, sums)] in the spec's order) of each unit
    of the roll-up, parents first and siblings in order: the order of :meth:`Rollup.walk`."""
    units = ev.registry.units
    position = {ob.id: i for i, ob in enumerate(ev.spec.obligations)}
    stack = [(r, 0) for r in reversed(children.get(None, []))]
    while stack:
        uid, depth = stack.pop()
        sums = acc[uid]
        kids = tuple(children.get(uid, ()))
        yield uid, units.get(uid), depth, kids, [(oid, sums[oid]) for oid in sorted((o for o in sums if o in position), key=position.__getitem__)]
        stack.extend((k, depth + 1) for k in reversed(kids))


def _tree(ev: Any, acc: dict) -> Rollup:
    children = _children(ev, acc)
    out: dict[str, UnitRollup] = {}
    for uid, u, depth, kids, sums in _walk(ev, acc, children):
        per = {
            oid: ObligationRollup(oid, dict(zip(STATUSES, a.counts)), Attendance(*a.att) if a.att is not None else None, *(tuple(x) for x in a.lists))
            for oid, a in sums
        }
        out[uid] = UnitRollup(uid, u.name if u else uid, u.kind if u else "", u.parent if u else None, depth, kids, per)
    return Rollup(out, tuple(children.get(None, ())))


def _has_audience(ob: Any) -> bool:
    for variant in (ob, *(e.obligation for e in ob.exceptions)):
        aud = variant.params.get("audience")
        if isinstance(aud, Mapping) and aud.get("categories"):
            return True
    return False


# id(evaluation) -> (weak reference to it, verdict count, roll-up); an Evaluation is not hashable.
_CACHE: dict[int, tuple[Any, int, Rollup]] = {}


def _cached(ev: Any) -> Rollup:
    key = id(ev)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is ev and hit[1] == len(ev.verdicts):
        return hit[2]
    r = compute_rollup(ev)
    _CACHE[key] = (weakref.ref(ev, lambda _ref, key=key: _CACHE.pop(key, None)), len(ev.verdicts), r)
    return r


def rollup_of(ev: Any, unit: str | None = None) -> Rollup | UnitRollup:
    """The evaluation's :class:`Rollup` (computed once), or one unit's :class:`UnitRollup` (by id or name).

    A unit of the registry with no verdict in its subtree has an empty roll-up.
    """

    r = _cached(ev)
    if unit is None:
        return r
    u = ev.registry.unit(unit)
    if u is None:
        raise UnknownKeyError(f"no unit {unit!r} in the registry")
    got = r.units.get(u.id)
    if got is None:
        got = UnitRollup(u.id, u.name, u.kind, u.parent, 0, (), {})
    return got


def rollup_json(ev: Any) -> dict:
    """The ``rollup`` section of the JSON contract: every unit with a verdict in its subtree, in tree order."""
    head = rollup_head_json(ev)
    head["units"] = list(rollup_units_json(ev))
    return head


def rollup_parts_json(ev: Any) -> tuple[dict, Iterator[dict]]:
    """(:func:`rollup_head_json`, :func:`rollup_units_json`), the same values; straight from the sums when the
    evaluation's :class:`Rollup` was not computed yet.

    For a writer that needs the JSON alone: the national roll-up's 300,000 units and their obligations are not
    built as objects first (nor kept).  ``tests/test_rollup.py`` checks both ways give the same section.
    """
    hit = _CACHE.get(id(ev))
    if hit is not None and hit[0]() is ev and hit[1] == len(ev.verdicts):
        return rollup_head_json(ev), rollup_units_json(ev)
    acc = _sums(ev)
    children = _children(ev, acc)
    return {"version": ROLLUP_FORMAT_VERSION, "roots": list(children.get(None, ()))}, _units_json_from_sums(ev, acc, children)


def _units_json_from_sums(ev: Any, acc: dict, children: dict[str | None, list[str]]) -> Iterator[dict]:
    """What :func:`rollup_units_json` yields for the roll-up :func:`_tree` would build from ``acc``, without building it."""
    for uid, u, depth, kids, sums in _walk(ev, acc, children):
        yield _unit_json(uid, u.name if u else uid, u.kind if u else "", u.parent if u else None, depth, kids,
                         [_obligation_dict(oid, dict(zip(STATUSES, a.counts)), a.att, *a.lists) for oid, a in sums])


def rollup_head_json(ev: Any) -> dict:
    """:func:`rollup_json` but for its ``units`` (a writer streams them with :func:`rollup_units_json`)."""
    r = rollup_of(ev)
    assert isinstance(r, Rollup)
    return {"version": ROLLUP_FORMAT_VERSION, "roots": list(r.roots)}


def rollup_units_json(ev: Any) -> Iterator[dict]:
    """The ``units`` of :func:`rollup_json`, one at a time (a national roll-up has 300,000)."""
    r = rollup_of(ev)
    assert isinstance(r, Rollup)
    for u in r.walk():
        yield _unit_json(u.unit, u.name, u.kind, u.parent, u.depth, u.children, [_obligation_json(o) for o in u.obligations.values()])


def _unit_json(uid: str, name: str, kind: str, parent: str | None, depth: int, children: Sequence[str], obligations: list[dict]) -> dict:
    return {"unit": uid, "unit_name": name, "kind": kind, "parent": parent, "depth": depth, "children": list(children), "obligations": obligations}


def _obligation_json(o: ObligationRollup) -> dict:
    a = o.attendance
    att = None if a is None else (a.members_attended, a.members, a.non_members_attended, a.non_members)
    return _obligation_dict(o.obligation, dict(o.counts), att, o.due_soon, o.overdue, o.violated)


def _obligation_dict(oid: str, counts: dict[str, int], att: Sequence[int] | None, due_soon: Sequence[str], overdue: Sequence[str],
                     violated: Sequence[str]) -> dict:
    """One obligation of a unit's roll-up as JSON; ``att``: (members attended, members, non-members attended, non-members)."""
    total = sum(counts.values())  # the properties of ObligationRollup, each computed once here (a dict per unit and obligation)
    applicable = total - counts.get("not_applicable", 0)
    done = sum(counts.get(s, 0) for s in _DONE)
    return {
        "obligation": oid,
        "counts": counts,
        "total": total,
        "applicable": applicable,
        "done": done,
        "share_done": _rate(done, applicable),
        "attendance": None if att is None else {
            "party_members": {"attended": att[0], "headcount": att[1], "rate": _rate(att[0], att[1])},
            "non_members": {"attended": att[2], "headcount": att[3], "rate": _rate(att[2], att[3])},
        },
        "due_soon": list(due_soon),
        "overdue": list(overdue),
        "violated": list(violated),
    }