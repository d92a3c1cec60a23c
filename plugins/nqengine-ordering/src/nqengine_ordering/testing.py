"""How this plugin's fields shape the data ``nqengine prove`` generates.

Without these, a generated unit bound by ``after_superior`` hangs under a
parent that is not bound by the superior's obligation, its sessions fall
before the superior's, ``only_if`` units lack the condition, and sessions are
held in modes the plan does not count: "doing everything right" would not be
right.  Registered through ``nqengine_testing_strategies`` under
``field:after_superior``, ``field:only_if``, ``field:modes``, plus a
``fact:condition`` factory for arbitrary facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nqengine.testing.builtin import FieldStrategies
from nqengine_ordering.fields import MODE_FACT_TYPES

__all__ = ["AfterSuperiorStrategies", "OnlyIfStrategies", "ModesStrategies", "strategies"]


class AfterSuperiorStrategies(FieldStrategies):
    """The unit's parent is bound by the superior's obligation; its sessions come after the parent's."""

    name = "after_superior"

    def parent(self, value: Any, obligation: Any, spec: Any) -> Any:
        try:
            return spec.obligation(value["obligation"]).applies_to
        except LookupError:
            return None

    def depends_on(self, value: Any, obligation: Any) -> list[str]:
        return [value["obligation"]]

    def lower_bound(self, value: Any, obligation: Any, unit: Any, evaluation: Any) -> dt.date | None:
        if unit.parent is None:
            return None  # no superior: the order is not checked
        try:
            done = evaluation.verdict(value["obligation"], unit.parent).fulfilled_on
        except LookupError:
            done = None
        if done is None:
            return dt.date.max  # the superior has not done it (or is not bound): it cannot be done right yet
        return done if value.get("same_day") else done + dt.timedelta(days=1)


class OnlyIfStrategies(FieldStrategies):
    """A unit doing the obligation has its condition recorded true, from the first day of its window."""

    name = "only_if"

    def adjust(self, value: Any, obligation: Any, gen: Any, window: tuple, records: list[dict]) -> list[dict]:
        return [*records, {"type": "condition", "date": window[0], "name": value["condition"], "value": True}]


class ModesStrategies(FieldStrategies):
    """Sessions are held in a mode the obligation counts."""

    name = "modes"

    def adjust(self, value: Any, obligation: Any, gen: Any, window: tuple, records: list[dict]) -> list[dict]:
        allowed = list(value["allowed"])
        out = []
        for rec in records:
            if rec.get("type") in MODE_FACT_TYPES and (rec.get("mode") or "in_person") not in allowed:
                rec = {**rec, "mode": allowed[0]}
            out.append(rec)
        return out


def _conditions(spec: Any) -> list[str]:
    names = set()
    for ob in getattr(spec, "obligations", ()):
        for v in (ob, *(e.obligation for e in ob.exceptions)):
            cond = v.params.get("only_if")
            if cond:
                names.add(cond["condition"])
    return sorted(names) or ["has_trade_union"]


def condition_fact(gen: Any) -> Any:
    """Fields of an arbitrary ``condition`` fact: one of the spec's conditions, true or false."""
    from hypothesis import strategies as st

    return st.fixed_dictionaries({"name": st.sampled_from(_conditions(gen.spec)), "value": st.booleans()})


def strategies() -> dict[str, Any]:
    return {
        "field:after_superior": AfterSuperiorStrategies(),
        "field:only_if": OnlyIfStrategies(),
        "field:modes": ModesStrategies(),
        "fact:condition": condition_fact,
    }

