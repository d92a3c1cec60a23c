"""Each spec's evaluation kept in memory and brought up to date as facts arrive.

The service holds, per spec and evaluation date, an
:class:`~nqengine.incremental.IncrementalEvaluation` and the watermark of the
facts it has seen.  Before answering it reads the store's watermark (one
small query, so several service instances on one PostgreSQL database agree)
and takes in only the facts numbered after its own:

- a new fact goes through ``add_fact``;
- attendance rows change their session's counts: the session is folded
  again from the store and replaced in place (:meth:`ServedEvaluation.replace_fact`);
- a correction, or a new registry version, rebuilds the evaluation from the
  store (a cold start does the same).

The answers served (the JSON bytes) are kept until the next change.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

import attrs

from nqengine.evaluation.incremental import IncrementalEvaluation
from nqengine.model import Fact, Verdict

__all__ = ["ServedEvaluation", "Evaluations", "Current"]


class ServedEvaluation(IncrementalEvaluation):
    """An incremental evaluation that can also take a new version of a fact it holds."""

    def replace_fact(self, fact: Fact) -> list[Verdict]:
        """Replace the fact of the same id (a session whose attendance grew); the verdicts that changed.

        The fact keeps its place in the evaluation's order, as it keeps its
        place in the store.  Relies on the engine's context holding a unit's
        facts of a type in one list (``Context._index``).
        """
        ctx = self._ctx
        old = ctx.facts_by_id.get(fact.id)
        if old is None:
            return self.add_fact(fact)
        if fact.unit not in self.registry.units:
            named = self.registry.unit(fact.unit)
            if named is not None:
                fact = attrs.evolve(fact, unit=named.id)
        self._evaluation = None
        ctx.facts_by_id[fact.id] = fact
        if old.date > self.as_of:
            return []
        lst = ctx._index.get((old.unit, old.type), [])
        for i, f in enumerate(lst):
            if f is old:
                lst[i] = fact
        unit = self.registry.units.get(fact.unit)
        return self._reevaluate(unit, self._affected(fact.type)) if unit is not None else []


class Current:
    """One spec's evaluation on one date, with the watermark and registry version it reflects."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inc: ServedEvaluation | None = None
        self.watermark = 0
        self.registry_version = 0
        self.answers: dict[Any, bytes] = {}
        self.texts: dict[Any, Any] = {}  # each verdict's JSON text, kept while the verdict is unchanged
        self.rebuilds = 0


class Evaluations:
    """The current evaluations of the specs a store serves, at most ``size`` dates per spec kept (each is a whole evaluation in memory)."""

    def __init__(self, store: Any, size: int = 4):
        self.store, self.size = store, size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, dt.date], Current] = OrderedDict()

    def current(self, spec_id: str, as_of: dt.date) -> Current:
        """The entry for ``spec_id`` on ``as_of``, up to date with the store; hold ``entry.lock`` to read it."""
        key = (spec_id, as_of)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = Current()
                while len(self._entries) > self.size * max(1, len(self.store.specs)):
                    self._entries.popitem(last=False)
            self._entries.move_to_end(key)
        with entry.lock:
            self._refresh(entry, spec_id, as_of)
        return entry

    def _refresh(self, entry: Current, spec_id: str, as_of: dt.date) -> None:
        store = self.store
        version = store.registry_version(spec_id)
        if entry.inc is None or version != entry.registry_version:
            self._rebuild(entry, spec_id, as_of, version)
            return
        if store.watermark(spec_id) <= entry.watermark:
            return
        rows = store.facts(spec_id, after=entry.watermark)
        if not rows:
            return
        if any(r.supersedes for r in rows):
            self._rebuild(entry, spec_id, as_of, version)
            return
        upto = rows[-1].seq
        sessions = {r.fact.data.get("session") for r in rows if r.fact.type == "attendance"}
        folded = store.folded_sessions(spec_id, sessions, upto) if sessions else {}
        if len(folded) < len(sessions):  # rows naming a corrected session: they count for its correction
            self._rebuild(entry, spec_id, as_of, version)
            return
        inc = entry.inc
        for r in rows:
            f = r.fact
            if f.type == "attendance":
                continue
            inc.add_fact(folded.pop(f.id, f))
        for f in folded.values():  # sessions stored earlier whose attendance grew
            inc.replace_fact(f)
        entry.watermark = upto
        entry.answers.clear()

    def _rebuild(self, entry: Current, spec_id: str, as_of: dt.date, version: int) -> None:
        store = self.store
        mark = store.watermark(spec_id)  # facts are numbered in commit order: all up to it are there to read
        _, registry = store.registry(spec_id, version)
        entry.inc = ServedEvaluation(store.specs[spec_id].spec, registry, store.effective_facts(spec_id, mark), as_of, pm=store.pm)
        entry.watermark = mark
        entry.registry_version = version
        entry.answers.clear()
        entry.texts.clear()
        entry.rebuilds += 1
