"""Every hook nqengine calls, in one place.

Built-in obligation kinds, fact types, calendars and output formats are
ordinary plugins implementing these hooks, registered through the same plugin
manager as third-party plugins (see :func:`nqengine.plugins.get_plugin_manager`).
Hook specs may gain arguments in later versions, never lose them; an
implementation may accept any subset of the arguments, as pluggy allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import pluggy

if TYPE_CHECKING:
    from nqengine.engine import Context
    from nqengine.errors import Problem
    from nqengine.model import Finding, Obligation, Spec, Unit, Verdict

hookspec = pluggy.HookspecMarker("nqengine")
hookimpl = pluggy.HookimplMarker("nqengine")

__all__ = ["hookspec", "hookimpl"]


# --------------------------------------------------------------------------
# Catalogue hooks: what a plugin adds.  Each returns a list, and the lists of
# all plugins are joined; a later registration of the same name overrides an
# earlier one, and built-ins are registered first.
# --------------------------------------------------------------------------


@hookspec
def nqengine_register_obligation_kinds() -> Sequence[Any]:
    """Return obligation kinds this plugin adds.

    Called once when the catalogue is built (first spec load).  Each item is an
    instance (or a class with a no-argument constructor) of a subclass of
    :class:`nqengine.kinds.ObligationKind`: it has a ``name`` used as
    ``kind:`` in specs, ``fields`` (its schema), ``fact_types`` (the fact
    types it consumes) and ``evaluate_unit(obligation, unit, context)``.
    """


@hookspec
def nqengine_register_fact_types() -> Sequence[Any]:
    """Return fact types this plugin adds.

    Called once when the catalogue is built.  Each item is a
    :class:`nqengine.facts.FactType`: a ``name`` used as ``type:`` in fact
    files and ``fields`` (its schema, beyond id/type/unit/date).
    """


@hookspec
def nqengine_register_calendars() -> Sequence[Any]:
    """Return calendars this plugin adds.

    Called once when the catalogue is built.  Each item has a ``name`` (used
    as ``calendar:`` in specs) and ``create(overrides: Mapping) -> Calendar``,
    where the calendar answers ``is_working_day(date)`` and
    ``add_working_days(date, n)`` (see :mod:`nqengine.calendars`).
    """


@hookspec
def nqengine_register_output_formats() -> Sequence[Any]:
    """Return output formats this plugin adds.

    Called once when the catalogue is built.  Each item has a ``name`` (used
    as ``--format`` on the command line) and
    ``render(evaluation, lang: str) -> str``.
    """


@hookspec
def nqengine_register_messages() -> dict[str, tuple[str, str]]:
    """Return message templates: ``{code: (vietnamese, english)}``.

    Called once when the catalogue is built.  Codes used in a plugin's findings
    and problems render through these templates with ``str.format``.
    """


# --------------------------------------------------------------------------
# Spec hooks
# --------------------------------------------------------------------------


@hookspec
def nqengine_spec_loaded(spec: "Spec") -> Sequence["Problem"] | None:
    """Lint a loaded spec with a plugin's own rules.

    Called after a spec has loaded and passed nqengine's own validation.
    Return a list of located :class:`nqengine.errors.Problem` (empty or None
    when the spec is fine); any problem makes the load fail with a
    :class:`nqengine.errors.SpecError`, reported with the others.
    """


# --------------------------------------------------------------------------
# Evaluation hooks
# --------------------------------------------------------------------------


@hookspec(firstresult=True)
def nqengine_evaluate_obligation(
    obligation: "Obligation", units: Sequence["Unit"], context: "Context"
) -> list["Verdict"] | None:
    """Evaluate one obligation for the units it applies to.

    Called once per obligation and evaluation, in dependency order (an
    obligation whose deadline counts from another's fulfilment comes after
    it).  Return one :class:`~nqengine.model.Verdict` per unit, in order.
    The built-in implementation (``trylast``) dispatches to the obligation
    kind's ``evaluate_unit``; a plugin may take over or, with
    ``@hookimpl(wrapper=True)``, wrap it and change the verdicts it yields.
    Stops at first non-None result.
    """


@hookspec
def nqengine_extra_findings(
    obligation: "Obligation", unit: "Unit", verdict: "Verdict", context: "Context"
) -> Sequence["Finding"] | None:
    """Add findings of a plugin's own checks to a verdict.

    Called for every verdict after its kind has evaluated it.  Return a list of
    :class:`~nqengine.model.Finding` (or None).  A finding with outcome
    ``fail`` turns a met verdict into ``violated``; ``unknown`` into
    ``indeterminate``; ``pass`` and ``info`` change nothing.
    """
