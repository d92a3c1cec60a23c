"""The default evaluation of an obligation: the kind's ``evaluate_unit`` per unit.

Registered ``trylast`` so that a plugin implementing
``nqengine_evaluate_obligation`` (or wrapping it) comes first.  A plugin that
takes over an obligation can still hand units to :func:`evaluate_units`, with
a context of its own (for instance one that hides some facts).
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs

from nqengine.errors import PluginError
from nqengine.hookspecs import hookimpl
from nqengine.model import Finding, Verdict

__all__ = ["evaluate_units"]


def evaluate_units(obligation: Any, units: Sequence[Any], context: Any) -> list[Any]:
    """One verdict per unit from the obligation's kind, on the variant each unit is held to.

    A kind that raises fails with a :class:`PluginError` naming the plugin
    that registered the kind, the obligation and the unit.
    """
    kind = context.catalogue.kind(obligation.kind)
    plugin = context.catalogue.plugin_of_kind(obligation.kind)
    out = []
    for unit in units:
        variant, exception = obligation.for_unit(unit, context.as_of)
        try:
            verdict = kind.evaluate_unit(variant, unit, context)
        except PluginError as exc:
            raise exc.at(obligation=obligation.id, unit=unit.id)
        except Exception as exc:
            raise PluginError(
                plugin=plugin, hook="nqengine_evaluate_obligation", obligation=obligation.id, unit=unit.id,
                code="plugin_raised", params={"error": f"{type(exc).__name__} in {obligation.kind}.evaluate_unit(): {exc}"},
            ) from exc
        if not isinstance(verdict, Verdict) or verdict.unit != unit.id or verdict.obligation != obligation.id:
            got = f"a Verdict for ({verdict.obligation}, {verdict.unit})" if isinstance(verdict, Verdict) else type(verdict).__name__
            raise PluginError(
                plugin=plugin, hook="nqengine_evaluate_obligation", obligation=obligation.id, unit=unit.id,
                code="plugin_bad_return", params={"got": f"{obligation.kind}.evaluate_unit() -> {got}", "expected": f"a Verdict for ({obligation.id}, {unit.id})"},
            )
        out.append(_cite_changes(verdict, variant, exception))
    return out


def _cite_changes(verdict: Verdict, variant: Any, exception: Any) -> Verdict:
    """A verdict resting on an override or amendment cites the changing document and clause.

    The verdict keeps the original clause; the document that changed the rule
    goes in ``amended_by``, and an ``amendment`` finding quotes its clause.
    """
    docs = [d for d in (variant.document, exception.document if exception else None) if d]
    new = tuple(d for d in dict.fromkeys(docs) if d not in verdict.amended_by)
    if not new:
        return verdict
    findings = verdict.findings
    if exception is not None and exception.document:
        findings = findings + (
            Finding("amendment", "info", "amended", {"document": exception.document, "effective": exception.effective}, exception.clause),
        )
    return attrs.evolve(verdict, amended_by=verdict.amended_by + new, findings=findings)


@hookimpl(trylast=True)
def nqengine_evaluate_obligation(obligation, units, context):
    return evaluate_units(obligation, units, context)
