"""Equal values read from many rows, kept once (issue 16: memory per record).

A fact file of 200,000 sessions repeats the same few values row after row: the
type ``session``, a handful of dates, the unit's id once per session it held,
``content: [core_content, action_programme]``, an ``attendance`` mapping with
the same counts.  Read naively, every row gets its own copy of each — a new
``str``, ``date``, ``list`` and ``dict`` — and those copies were about a third
of the memory a loaded fact takes.  :class:`Shared` hands out one object per
distinct value while a file is read, so the rows share it.

What is shared is never changed afterwards: a fact's ``data`` is read-only by
contract (:class:`~nqengine.model.Fact` is frozen; a kind or plugin that wants
another value builds a new fact, as ``attrs.evolve`` does).  Only values made of
strings, numbers, booleans and ``None`` are shared (a list of them, a mapping
of them); anything nested deeper is kept as read.  The table lives for one
load: a value repeated in no other row costs one entry until the load ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_ATOMS = (str, int, float, bool, type(None))


class Shared:
    """One object per distinct value seen: ``value(v)`` returns the first equal one, or ``v``."""

    __slots__ = ("_atoms", "_lists", "_maps")

    def __init__(self) -> None:
        self._atoms: dict[Any, Any] = {}
        self._lists: dict[tuple, list] = {}
        self._maps: dict[tuple, dict] = {}

    def value(self, v: Any) -> Any:
        c = v.__class__
        if c is str or c is dt.date:
            return self._atoms.setdefault(v, v)
        if c is list:
            if all(x.__class__ in _ATOMS for x in v):
                # the items' types are part of the key: [1] and [True] and [1.0] are equal, not the same
                return self._lists.setdefault(tuple((x.__class__, x) for x in v), v)
            return v
        if c is dict:
            if all(x.__class__ in _ATOMS for x in v.values()):
                return self._maps.setdefault(tuple((k, x.__class__, x) for k, x in v.items()), v)
            return v
        return v

    def record(self, rec: dict[str, Any], keys: Any) -> dict[str, Any]:
        """``{k: rec[k] for k in keys}``, each value shared."""
        value = self.value
        return {k: v if (v := rec[k]) is None else value(v) for k in keys}  # most fields of a row are absent: None, kept as is


def kept(v: Any) -> bool:
    """Whether ``v`` is a value :class:`Shared` keeps one of (an atom, a date, a list or mapping of atoms): such a
    value may be handed to every row that has the same text."""
    c = v.__class__
    if c in _ATOMS or c is dt.date:
        return v is not None
    if c is list:
        return all(x.__class__ in _ATOMS for x in v)
    if c is dict:
        return all(x.__class__ in _ATOMS for x in v.values())
    return False
