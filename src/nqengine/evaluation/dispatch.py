"""The default evaluation of an obligation: the kind's ``evaluate_units`` (or ``evaluate_unit`` per unit).

Registered ``trylast`` so that a plugin implementing
``nqengine_evaluate_obligation`` (or wrapping it) comes first.  A plugin that
takes over an obligation can still hand units to :func:`evaluate_units`, with
a context of its own (for instance one that hides some facts).
"""

from __future__ import annotations

from typing import Any, Sequence

import attrs

from nqengine.errors import PluginError
from nqengine.model import STATUSES, Finding, LazyFindings, Verdict, findings_tuple
from nqengine.plugins.hookspecs import hookimpl

__all__ = ["evaluate_units"]


def evaluate_units(obligation: Any, units: Sequence[Any], context: Any) -> list[Any]:
    """One verdict per unit from the obligation's kind, on the variant each unit is held to.

    Units held to the same variant (the obligation as written, or one of its
    exceptions) go to the kind together, through its ``evaluate_units`` when
    it has one (:class:`~nqengine.kinds.ObligationKind` does: it calls
    ``evaluate_unit`` per unit unless the kind shares work across units),
    else unit by unit.  A kind that raises fails with a :class:`PluginError`
    naming the plugin that registered the kind, the obligation and the unit.
    """
    kind = context.catalogue.kind(obligation.kind)
    if not obligation.exceptions:  # the usual case: every unit is held to the obligation as written
        return _checked(_run(kind, obligation, units, context), obligation, units, context)
    as_of = context.as_of
    groups: dict[int, tuple[Any, Any, list[int]]] = {}
    for i, unit in enumerate(units):
        variant, exception = obligation.for_unit(unit, as_of)
        group = groups.get(id(variant))
        if group is None:
            group = groups[id(variant)] = (variant, exception, [])
        group[2].append(i)
    out: list[Any] = [None] * len(units)
    for variant, exception, positions in groups.values():
        members = [units[i] for i in positions]
        verdicts = _checked(_run(kind, variant, members, context), obligation, members, context)
        cites = variant.document or (exception is not None and exception.document)
        for i, verdict in zip(positions, verdicts):
            out[i] = _cite_changes(verdict, variant, exception) if cites else verdict
    return out


def _run(kind: Any, variant: Any, units: Sequence[Any], context: Any) -> Any:
    """The kind's verdicts for ``units`` on ``variant``; a failure names the unit it happened on."""
    batch = getattr(kind, "evaluate_units", None)
    try:
        if batch is not None:
            return batch(variant, units, context)
        evaluate_unit = kind.evaluate_unit
        return [evaluate_unit(variant, unit, context) for unit in units]
    except Exception as exc:
        failing = _failing_unit(kind, variant, units, context) if len(units) > 1 else (units[0] if units else None)
        uid = failing.id if failing is not None else None
        if isinstance(exc, PluginError):
            raise exc.at(obligation=variant.id, unit=uid)
        raise PluginError(
            plugin=context.catalogue.plugin_of_kind(variant.kind), hook="nqengine_evaluate_obligation", obligation=variant.id, unit=uid,
            code="plugin_raised", params={"error": f"{type(exc).__name__} in {variant.kind}.evaluate_unit(): {exc}"},
        ) from exc


def _failing_unit(kind: Any, variant: Any, units: Sequence[Any], context: Any) -> Any:
    """The first unit whose own evaluation raises (the evaluation is failing anyway: side effects do not matter)."""
    for unit in units:
        try:
            kind.evaluate_unit(variant, unit, context)
        except Exception:
            return unit
    return None


def _checked(verdicts: Any, obligation: Any, units: Sequence[Any], context: Any) -> list[Any]:
    """``verdicts``, once each is known to be the verdict of its unit on ``obligation``."""
    oid = obligation.id
    if isinstance(verdicts, tuple):
        verdicts = list(verdicts)
    if not isinstance(verdicts, list) or len(verdicts) != len(units):
        got = f"{type(verdicts).__name__} of {len(verdicts)}" if isinstance(verdicts, (list, tuple)) else type(verdicts).__name__
        raise PluginError(
            plugin=context.catalogue.plugin_of_kind(obligation.kind), hook="nqengine_evaluate_obligation", obligation=oid,
            code="plugin_bad_return", params={"got": f"{obligation.kind}.evaluate_units() -> {got}", "expected": f"a list of {len(units)} verdicts, one per unit"},
        )
    for verdict, unit in zip(verdicts, units):
        if type(verdict) is not Verdict or verdict.unit != unit.id or verdict.obligation != oid or verdict.status not in _STATUSES:
            _bad_verdict(verdict, obligation, unit, context)
    return verdicts


_STATUSES = frozenset(STATUSES)


def _bad_verdict(verdict: Any, obligation: Any, unit: Any, context: Any) -> None:
    """Raise the :class:`PluginError` for a kind that returned something other than this unit's verdict."""
    if isinstance(verdict, Verdict) and verdict.unit == unit.id and verdict.obligation == obligation.id:
        if verdict.status in _STATUSES:
            return  # a subclass of Verdict: accepted
        got, expected = f"a Verdict with status {verdict.status!r}", "a status in " + ", ".join(STATUSES)
    else:
        got = f"a Verdict for ({verdict.obligation}, {verdict.unit})" if isinstance(verdict, Verdict) else type(verdict).__name__
        expected = f"a Verdict for ({obligation.id}, {unit.id})"
    raise PluginError(
        plugin=context.catalogue.plugin_of_kind(obligation.kind), hook="nqengine_evaluate_obligation", obligation=obligation.id, unit=unit.id,
        code="plugin_bad_return", params={"got": f"{obligation.kind}.evaluate_unit() -> {got}", "expected": expected},
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


nqengine_evaluate_obligation._nqengine_checks_results = True  # type: ignore[attr-defined]  # see _checked
