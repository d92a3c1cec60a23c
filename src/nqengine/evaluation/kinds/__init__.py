"""Obligation kinds: the base class plugins subclass, and shared helpers.

An obligation kind says which fields a spec may give for it (``fields``, a
mapping of :class:`nqengine.schema.Field`), which fact types it consumes
(``fact_types``), and how one unit is judged (``evaluate_unit``).  The
built-in kinds (``study_session``, ``dissemination``, ``report``,
``deliverable``, ``duty``, ``rollup``) live in this package and are registered through
the ``nqengine_register_obligation_kinds`` hook like any plugin's.
"""

from __future__ import annotations

import collections.abc
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from nqengine.schema import Field, Float, ListOf, Record, Str

if TYPE_CHECKING:
    from nqengine.errors import Problem
    from nqengine.evaluation.engine import Context
    from nqengine.model import Fact, Obligation, Spec, Unit, Verdict

__all__ = ["ObligationKind", "clause_field", "checks_clause", "interpretation_field", "rule_interpretations"]


def clause_field(doc: str = "the clause this check rests on (an id under 'clauses')") -> Field:
    return Field(Str(), doc=doc)


def interpretation_field() -> Field:
    """``interpretation``: the reading a spec took where the plan says nothing precise; every verdict carries it."""
    return Field(Str(), doc="the reading taken where the plan is not precise ('kịp thời', '1 ngày' as two sessions); every verdict of the rule carries it")


def rule_interpretations(params: Mapping[str, Any]) -> list[str]:
    """The ``interpretation`` of each rule block of an obligation's params, in the order of the params."""
    out = []
    for value in params.values():
        if isinstance(value, collections.abc.Mapping):
            text = value.get("interpretation")
            if text and text not in out:
                out.append(text)
    return out


class ObligationKind:
    """Base class of obligation kinds.

    Subclasses set ``name``, ``fields``, ``fact_types`` and implement
    :meth:`evaluate_unit`.  ``clause_fields`` names the fields whose value is
    a mapping with a ``clause`` key, so the loader checks those clause ids.
    """

    name: ClassVar[str] = ""
    title_vi: ClassVar[str] = ""
    title_en: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    fields: ClassVar[Mapping[str, Field]] = {}
    fact_types: ClassVar[Sequence[str]] = ()
    #: True when the kind needs a deadline (``deadline:`` is then required).
    needs_deadline: ClassVar[bool] = True

    def consumes(self, obligation: "Obligation") -> Sequence[str]:
        """Fact types this obligation uses as evidence (default: the kind's ``fact_types``)."""
        return self.fact_types

    def lint(self, obligation: "Obligation", spec: "Spec", catalogue: Any = None) -> list["Problem"]:
        """Kind-specific checks of a loaded obligation (located problems).

        ``catalogue`` is the :class:`nqengine.plugins.Catalogue` in use (what
        kinds, fact types and calendars are registered).
        """
        return []

    def evaluate_unit(self, obligation: "Obligation", unit: "Unit", context: "Context") -> "Verdict":
        raise NotImplementedError

    # The catalogue refuses a kind that does not override evaluate_unit (it checks this mark).
    evaluate_unit.nqengine_unimplemented = True  # type: ignore[attr-defined]

    def evaluate_units(self, obligation: "Obligation", units: Sequence["Unit"], context: "Context") -> list["Verdict"]:
        """One verdict per unit, in order: :meth:`evaluate_unit` for each.

        Every unit given is held to ``obligation`` as given (the engine
        groups units by the variant they are held to).  A kind may override
        this to share work across units — look up what depends only on the
        obligation once — as long as each verdict is the one
        :meth:`evaluate_unit` would give for its unit.
        """
        evaluate_unit = self.evaluate_unit
        return [evaluate_unit(obligation, unit, context) for unit in units]


def checks_clause(params: Mapping[str, Any], key: str, default: str) -> str:
    """The clause of sub-rule ``key`` (its own ``clause:`` if given, else ``default``)."""
    block = params.get(key)
    # collections.abc, not typing: isinstance() against typing.Mapping is ~20x slower, and this runs per verdict
    if isinstance(block, collections.abc.Mapping) and block.get("clause"):
        return block["clause"]
    return default


def facts_of(context: "Context", unit: "Unit", types: Sequence[str]) -> list["Fact"]:
    """All facts of the given types for ``unit``, merged and sorted by date."""
    if len(types) == 1:
        return context.facts(unit.id, types[0])
    out: list[Fact] = []
    for t in types:
        out.extend(context.facts(unit.id, t))
    out.sort(key=lambda f: (f.date, f.id))
    return out


AUDIENCE_FIELDS = {
    "categories": Field(ListOf(Str(), min_len=1), required=True, doc="audience categories that must attend (đối tượng)"),
    "coverage": Field(Float(min=0.0, max=1.0), default=1.0, doc="share of each category that must attend; 1.0 = everyone"),
    "clause": clause_field(),
    "interpretation": interpretation_field(),
}

AUDIENCE = Record(AUDIENCE_FIELDS, doc="who must attend (đối tượng)")
