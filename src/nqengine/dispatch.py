"""The default evaluation of an obligation: the kind's ``evaluate_unit`` per unit.

Registered ``trylast`` so that a plugin implementing
``nqengine_evaluate_obligation`` (or wrapping it) comes first.
"""

from __future__ import annotations

from nqengine.errors import PluginError
from nqengine.hookspecs import hookimpl


@hookimpl(trylast=True)
def nqengine_evaluate_obligation(obligation, units, context):
    kind = context.catalogue.kind(obligation.kind)
    plugin = context.catalogue.plugin_of_kind(obligation.kind)
    out = []
    for unit in units:
        variant, exception = obligation.for_unit(unit, context.as_of)
        try:
            verdict = kind.evaluate_unit(variant, unit, context)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(
                f"{type(exc).__name__}: {exc}", plugin=plugin, hook="nqengine_evaluate_obligation",
                obligation=obligation.id, unit=unit.id,
            ) from exc
        if exception is not None and exception.document and exception.document not in verdict.amended_by:
            import attrs

            verdict = attrs.evolve(verdict, amended_by=verdict.amended_by + (exception.document,))
        out.append(verdict)
    return out
