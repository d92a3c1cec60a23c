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
from nqengine.model import Finding, LazyFindings, Verdict, findings_tuple

__all__ = ["evaluate_units"]


def evaluate_units(obligation: Any, units: Sequence[Any], context: Any) -> list[Any]:
    """One verdict per unit from the obligation's kind, on the variant each unit is held to.

    A kind that raises fails with a :class:`PluginError` naming the plugin
    that registered the kind, the obligation and the unit.
    """
    kind = context.catalogue.kind(obligation.kind)
    evaluate_unit = kind.evaluate_unit
    as_of = context.as_of
    oid = obligation.id
    plain = not obligation.exceptions  # the usual case: every unit is held to the obligation as written
    out = []
    append = out.append
    unit = None
    try:
        for unit in units:
            if plain:
                verdict = evaluate_unit(obligation, unit, context)
                if type(verdict) is not Verdict or verdict.unit != unit.id or verdict.obligation != oid:
                    _bad_verdict(verdict, obligation, unit, context)
                append(verdict)
                continue
            variant, exception = obligation.for_unit(unit, as_of)
            verdict = evaluate_unit(variant, unit, context)
            if not isinstance(verdict, Verdict) or verdict.unit != unit.id or verdict.obligation != oid:
                _bad_verdict(verdict, obligation, unit, context)
            append(_cite_changes(verdict, variant, exception))
    except PluginError as exc:
        raise exc.at(obligation=oid, unit=unit.id if unit is not None else None)
    except Exception as exc:
        raise PluginError(
            plugin=context.catalogue.plugin_of_kind(obligation.kind), hook="nqengine_evaluate_obligation", obligation=oid,
            unit=unit.id if unit is not None else None,
            code="plugin_raised", params={"error": f"{type(exc).__name__} in {obligation.kind}.evaluate_unit(): {exc}"},
        ) from exc
    return out


def _bad_verdict(verdict: Any, obligation: Any, unit: Any, context: Any) -> None:
    """Raise the :class:`PluginError` for a kind that returned something other than this unit's verdict."""
    if isinstance(verdict, Verdict) and verdict.unit == unit.id and verdict.obligation == obligation.id:
        return  # a subclass of Verdict: accepted
    got = f"a Verdict for ({verdict.obligation}, {verdict.unit})" if isinstance(verdict, Verdict) else type(verdict).__name__
    raise PluginError(
        plugin=context.catalogue.plugin_of_kind(obligation.kind), hook="nqengine_evaluate_obligation", obligation=obligation.id, unit=unit.id,
        code="plugin_bad_return", params={"got": f"{obligation.kind}.evaluate_unit() -> {got}", "expected": f"a Verdict for ({obligation.id}, {unit.id})"},
    )


def _cite_changes(verdict: Verdict, variant: Any, exception: Any) -> Verdict:
    """A verdict resting on an override or amendment cites the changing document and clause.

    The verdict keeps the original clause; the document that changed the rule
    goes in ``amended_by``, and an ``amendment`` finding quotes its clause.
    """
    docs = [d for d in (variant.document, exception.document if exception else None) if d]
    new = tuple(d for d in dict.fromkeys(docs) if d not in verdict.amended_by)
    if not new:
        return verdict
    findings = verdict._findings
    if exception is not None and exception.document:
        findings = LazyFindings(_with_amendment, findings, exception)
    return attrs.evolve(verdict, amended_by=verdict.amended_by + new, findings=findings)


def _with_amendment(findings: Any, exception: Any) -> tuple[Finding, ...]:
    return findings_tuple(findings) + (
        Finding("amendment", "info", "amended", {"document": exception.document, "effective": exception.effective}, exception.clause),
    )


@hookimpl(trylast=True)
def nqengine_evaluate_obligation(obligation, units, context):
    return evaluate_units(obligation, units, context)
