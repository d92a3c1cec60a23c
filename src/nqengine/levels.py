"""Levels of the Party (cấp) and where each unit sits in the organisation tree.

Plans say "every district-level committee under the province", "the units
directly under X", "all grassroots organisations at any depth".  The registry
gives each unit a ``parent``; this module derives, once when a registry is
built, each unit's chain of superiors (``Unit.ancestors``, nearest first) and
its ``level``, so that a selector (``levels``, ``under``, ``depth``) matches a
unit without walking the tree again.

Levels, top down: ``central`` (Trung ương), ``provincial`` (Tỉnh ủy, Thành ủy
trực thuộc Trung ương), ``district`` (Huyện ủy, Thị ủy, Thành ủy thuộc tỉnh —
abolished on 1/7/2025), ``grassroots`` (tổ chức cơ sở đảng: Đảng bộ cơ sở,
Chi bộ cơ sở) and ``cell`` (Chi bộ trực thuộc).  A unit's level is the one its
registry entry gives, else the one its kind implies, else its parent's: a
board or a department belongs to the level of the committee above it.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from nqengine.model import Unit

__all__ = ["LEVELS", "KIND_LEVELS", "place_units"]

#: Levels of the Party, top down (cấp).
LEVELS = ("central", "provincial", "district", "grassroots", "cell")

#: The level a unit kind implies; kinds not listed take their parent's level.
KIND_LEVELS: Mapping[str, str] = {
    "central_committee": "central",
    "provincial_committee": "provincial",
    "district_committee": "district",
    "party_committee": "grassroots",
    "grassroots_cell": "grassroots",
    "subordinate_cell": "cell",
}


def place_units(units: Mapping[str, Unit], in_place: bool = False) -> dict[str, Unit]:
    """``units`` with ``ancestors`` and ``level`` filled in (same order; the parent chain must be acyclic).

    ``in_place``: fill them into the units given instead of copies, for a loader's own units not yet handed
    to anyone (a national registry would otherwise hold two of each, 136 bytes a unit, until the copy is done).
    """
    ancestors: dict[str, tuple[str, ...]] = {}

    def chain(uid: str) -> tuple[str, ...]:
        trail: list[str] = []
        cur = units[uid].parent
        while cur is not None and cur in units and cur not in trail and cur != uid:
            cur = units[cur].id  # the superior's own id string: every unit below shares it, not a copy per row
            if cur in ancestors:
                trail.extend((cur, *ancestors[cur]))
                break
            trail.append(cur)
            cur = units[cur].parent
        return tuple(trail)

    same: dict[tuple[str, ...], tuple[str, ...]] = {}  # the cells of one branch share one tuple of superiors
    for uid in units:
        t = chain(uid)
        ancestors[uid] = same.setdefault(t, t)
    out: dict[str, Unit] = {}
    for uid, u in units.items():
        above = ancestors[uid]
        level = u.level or _level_of(u, above, units)
        if above or level != u.level:
            if in_place:
                _place(u, above, level)
            else:
                u = _placed(u, above, level)  # its parent is above[0], the parent's own id string
        out[uid] = u
    return out


#: The fields :func:`_placed` copies, in order: a field added to :class:`Unit` must be added there (a test checks).
UNIT_FIELDS = ("id", "name", "kind", "sector", "parent", "valid_from", "valid_to", "audience", "source", "succeeded_by", "level", "ancestors")


def _placed(u: Unit, ancestors: tuple[str, ...], level: str | None) -> Unit:
    """``attrs.evolve(u, ancestors=ancestors, level=level)``, without its generic cost (a national registry has 300,000 units)."""
    parent = ancestors[0] if ancestors and ancestors[0] == u.parent else u.parent
    return Unit(u.id, u.name, u.kind, u.sector, parent, u.valid_from, u.valid_to, u.audience, u.source,
                succeeded_by=u.succeeded_by, level=level, ancestors=ancestors)


def _place(u: Unit, ancestors: tuple[str, ...], level: str | None) -> None:
    """What :func:`_placed` copies, set in ``u`` itself (frozen to its users; not yet published)."""
    if ancestors and ancestors[0] == u.parent:
        object.__setattr__(u, "parent", ancestors[0])
    object.__setattr__(u, "level", level)
    object.__setattr__(u, "ancestors", ancestors)


def _level_of(unit: Unit, above: Iterable[str], units: Mapping[str, Unit]) -> str | None:
    if unit.kind in KIND_LEVELS:
        return KIND_LEVELS[unit.kind]
    for uid in above:  # nearest superior with a level of its own
        sup = units[uid]
        if sup.level:
            return sup.level
        if sup.kind in KIND_LEVELS:
            return KIND_LEVELS[sup.kind]
    return None
