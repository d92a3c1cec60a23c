"""Every hook nqengine calls, in one place.

Built-in obligation kinds, fact types, calendars and output formats are
ordinary plugins implementing these hooks, registered through the same plugin
manager as third-party plugins (see :func:`nqengine.plugins.get_plugin_manager`),
so a plugin can override any of them.  Hooks are grouped by phase: the
catalogue (what a plugin adds), the spec (when one is loaded), evaluation.

Hook specs may gain arguments in later versions, never lose them; an
implementation may accept any subset of the arguments, as pluggy allows.
Every implementation is attributed: one that raises, or returns something of
the wrong shape, fails with a :class:`nqengine.errors.PluginError` naming the
plugin, the hook and, during evaluation, the obligation and unit — never a
partial result.  ``docs/plugins.md`` has a runnable example for each hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import pluggy

if TYPE_CHECKING:
    from nqengine.errors import Problem
    from nqengine.evaluation.engine import Context
    from nqengine.evaluation.kinds import ObligationKind
    from nqengine.inputs.facts import FactType
    from nqengine.model import Finding, Obligation, Spec, Unit, Verdict
    from nqengine.schema import Field

hookspec = pluggy.HookspecMarker("nqengine")
hookimpl = pluggy.HookimplMarker("nqengine")

__all__ = ["hookspec", "hookimpl"]


# --------------------------------------------------------------------------
# Catalogue hooks: what a plugin adds.  Called once per plugin manager, when
# its catalogue is first needed (the first spec or facts file loaded).  The
# lists of all plugins are joined; a later registration of the same name
# overrides an earlier one, and built-ins are registered first.
# --------------------------------------------------------------------------


@hookspec
def nqengine_register_obligation_kinds() -> Sequence["ObligationKind | type[ObligationKind]"]:
    """Return the obligation kinds this plugin adds.

    Called once, when the catalogue is built.

    :return: a list of instances (or classes with a no-argument constructor)
        of subclasses of :class:`nqengine.kinds.ObligationKind`.  Each has a
        ``name`` (written as ``kind:`` in specs), ``fields`` (a mapping of
        :class:`nqengine.schema.Field`: the keys an obligation of the kind may
        have, beyond the common ones), ``fact_types`` (the fact types it
        consumes) and ``evaluate_unit(obligation, unit, context) -> Verdict``.
        A kind with the name of an earlier one (a built-in such as
        ``study_session``) replaces it.  An item without a name, fields that are
        not ``Field`` objects, or fields that redefine a common key (``id``,
        ``deadline``...) fail with a ``PluginError``.
    """


@hookspec
def nqengine_register_fact_types() -> Sequence["type[FactType] | FactType"]:
    """Return the fact types this plugin adds.

    Called once, when the catalogue is built.

    :return: a list of :class:`nqengine.facts.FactType` subclasses (or
        instances), each with a ``name`` (written as ``type:`` in fact files)
        and ``fields`` (its own schema, beyond ``id``, ``type``, ``unit``,
        ``date`` and ``note``).  A fact type with the name of an earlier one
        replaces it.
    """


@hookspec
def nqengine_register_calendars() -> Sequence[Any]:
    """Return the working-day calendars this plugin adds.

    Called once, when the catalogue is built.

    :return: a list of factories, each with a ``name`` (written as
        ``calendar:`` in specs) and ``create(overrides: Mapping) -> Calendar``,
        where ``overrides`` is the spec's ``calendar_overrides`` and the
        calendar answers ``is_working_day(date) -> bool`` and
        ``add_working_days(date, n) -> date`` (see :mod:`nqengine.calendars`).
        A calendar named like an earlier one (``vn``) replaces it.
    """


@hookspec
def nqengine_register_output_formats() -> Sequence[Any]:
    """Return the output formats this plugin adds.

    Called once, when the catalogue is built.

    :return: a list of objects, each with a ``name`` (given as ``--format`` on
        the command line) and ``render(evaluation, lang: str) -> str``, where
        ``evaluation`` is an :class:`nqengine.engine.Evaluation` and ``lang``
        is ``"vi"`` or ``"en"``.  A format named like an earlier one
        (``table``, ``json``) replaces it.  A format with ``binary = True``
        (``xlsx``, ``docx``) returns ``bytes``.  ``render`` may accept more
        keyword arguments, which the command line passes when it has them:
        ``width`` (columns of the reader's terminal, None for a file) and
        ``unit`` (the unit a report is about).
    """


@hookspec
def nqengine_register_messages() -> Mapping[str, tuple[str, str]]:
    """Return the message templates of this plugin: ``{code: (vietnamese, english)}``.

    Called once, when the catalogue is built.

    :return: a dict from a message code to its two templates, filled with
        ``str.format`` from the ``params`` of the :class:`~nqengine.model.Finding`
        or :class:`~nqengine.errors.Problem` that uses the code.  Both
        templates must use the same placeholders, or the plugin fails with a
        ``PluginError``.  Prefix codes with the plugin's name to avoid clashes.
    """


@hookspec
def nqengine_vocabularies() -> Mapping[str, Mapping[str, tuple[str, str]]]:
    """Return words this plugin adds to the declared vocabularies: ``{vocabulary: {word: (vietnamese, english)}}``.

    Called once per plugin manager, when a spec is first checked.  The
    vocabularies are ``roles``, ``qualifications``, ``audience_categories``,
    ``sectors`` and ``deliverables`` (:data:`nqengine.spec.vocabularies.VOCABULARIES`);
    a word used by a spec (a presenter's role, a qualification kind, a
    deliverable) must be declared by a plugin, built-ins included, or by the
    spec's own ``vocabularies:``, or loading the spec fails with "did you mean".

    :return: a dict from a vocabulary name to ``{word: (vi, en)}``; words
        from several plugins are merged.  An unknown vocabulary name fails
        with a ``PluginError``.
    """


@hookspec
def nqengine_obligation_fields(kind: "ObligationKind") -> Mapping[str, "Field"] | None:
    """Return fields this plugin adds to the obligations of ``kind``.

    Called once per registered kind, when the catalogue is built, after all
    kinds are registered.  A plugin that wraps evaluation
    (:func:`nqengine_evaluate_obligation` with ``wrapper=True``) uses this to
    let spec authors configure it on any obligation — for example
    ``only_if: {condition: ...}`` — with the same located errors and "did you
    mean" as the kind's own fields.  The values appear in
    ``obligation.params`` like the kind's own.

    :param kind: the registered obligation kind (its ``name``, ``fields``).
    :return: a dict of :class:`nqengine.schema.Field` by key, or None to add
        nothing.  A key the kind (or another plugin) already defines fails
        with a ``PluginError``.
    """


@hookspec(firstresult=True)
def nqengine_report_template(format: str) -> Any | None:
    """Return the template that lays out the draft report in ``format``.

    Called each time a report is rendered (``nqengine report --format
    docx|md``, ``nqengine evaluate --format docx|md``).  The built-in
    templates (``nqengine.render.builtin``, ``trylast``) lay it out as Party
    documents are (Hướng dẫn 36-HD/VPTW); a province's office returns its own.

    :param format: the format asked for, ``"docx"`` or ``"md"`` (or a
        plugin's own report format).
    :return: an object with ``render(report) -> bytes | str``, where
        ``report`` is a :class:`nqengine.render.report.Report` (heading
        elements, numbered sections of blocks, placeholders for what a person
        must write); bytes for binary formats.  None to let the next
        implementation answer.

    Stops at first non-None result.
    """


# --------------------------------------------------------------------------
# Spec hooks: when a plan is loaded.
# --------------------------------------------------------------------------


@hookspec
def nqengine_spec_loaded(spec: "Spec") -> Sequence["Problem"] | None:
    """Check a loaded spec with this plugin's own lint rules.

    Called after a spec has loaded and passed nqengine's own validation
    (structure, references, the kinds' ``lint``), once per spec.

    :param spec: the loaded :class:`~nqengine.model.Spec`; ``spec.raw`` is its
        located YAML node tree, so ``nqengine.validate.node_at(spec.raw, path)``
        finds the node to point a problem at.
    :return: a list of located :class:`nqengine.errors.Problem` (empty, or
        None, when the spec is fine).  Any problem makes the load fail with a
        :class:`nqengine.errors.SpecError` listing it.
    """


# --------------------------------------------------------------------------
# Evaluation hooks: once per obligation, then once per verdict.
# --------------------------------------------------------------------------


@hookspec(firstresult=True)
def nqengine_evaluate_obligation(
    obligation: "Obligation", units: Sequence["Unit"], context: "Context"
) -> list["Verdict"] | None:
    """Evaluate one obligation for the units it applies to.

    Called once per obligation and evaluation, in dependency order (an
    obligation whose deadline counts from another's comes after it).  The
    built-in implementation (``nqengine.dispatch``, ``trylast``) groups the
    units by the obligation as it reads for each (exceptions applied) and
    calls the kind's ``evaluate_units`` per group (``evaluate_unit`` per unit
    for a kind without it).  A plugin may take over an obligation by
    returning verdicts, or, with ``@hookimpl(wrapper=True)``, wrap the
    evaluation: ``verdicts = yield`` gives the verdicts of the
    implementations inside, and the wrapper returns them, changed or not
    (see :func:`nqengine.engine.add_findings`).

    :param obligation: the :class:`~nqengine.model.Obligation`, as written
        (use ``obligation.for_unit(unit, context.as_of)`` for the variant a
        unit is held to).
    :param units: the units it applies to and that existed during the plan.
    :param context: the :class:`~nqengine.engine.Context`: the spec,
        registry, facts of each unit (``context.facts(unit_id, type)``), due
        dates (``context.due``), earlier verdicts' fulfilment dates
        (``context.fulfilled[(obligation_id, unit_id)]``) and
        ``context.conclude`` to build a verdict.
    :return: one :class:`~nqengine.model.Verdict` per unit, in the order of
        ``units`` (each for this obligation and that unit), or None to let
        the next implementation answer.

    Stops at first non-None result.
    """


@hookspec
def nqengine_extra_findings(
    obligation: "Obligation", unit: "Unit", verdict: "Verdict", context: "Context"
) -> Sequence["Finding"] | None:
    """Add findings of this plugin's own checks to a verdict.

    Called for every verdict, after its obligation has been evaluated and
    before later obligations see it.

    :param obligation: the obligation, as written.
    :param unit: the unit the verdict is about.
    :param verdict: the verdict so far (with the findings of the kind).
    :param context: the evaluation :class:`~nqengine.engine.Context`.
    :return: a list of :class:`~nqengine.model.Finding` (or None).  Findings
        are appended before the timing finding, with ``plugin`` set to this
        plugin.  An outcome ``fail`` makes a met verdict ``violated``, and an
        unfulfilled one ``violated`` once its due date has passed (before it,
        ``pending``/``due_soon`` with the finding listed); ``unknown`` makes a met verdict ``indeterminate``; ``partial`` makes a
        met verdict unfulfilled (``pending``/``due_soon``, or ``violated`` once
        due); ``pass`` and ``info`` change nothing.  A ``not_applicable``
        verdict keeps its status.
    """


# --------------------------------------------------------------------------
# Drafting hooks: when ``nqengine draft`` reads a plan's text.
# --------------------------------------------------------------------------


@hookspec
def nqengine_draft_vocabulary() -> Mapping[str, Any]:
    """Return the words this plugin teaches the drafter (``nqengine draft``).

    Called once per draft or ``draft --check``, before the text is read.  The
    built-in vocabulary (``nqengine.draft.vocabulary``) is registered first, so
    a plugin's entries add to it or override it, phrase by phrase.

    :return: a dict of sections, each a dict from a phrase of the plan
        (matched NFC-normalised and case-insensitive, whole words, longest
        first) to what it means:

        ``"labels"``
            a label that starts a clause ("Thời gian thực hiện") to the field
            it fills: ``"audience"``, ``"deadline"``, ``"presenter"``,
            ``"materials"`` or ``"recipients"``;
        ``"units"``
            a name of units to a selector (``{"kinds": "party_committee"}``)
            or to one unit's registry id (``"ban-thuong-vu"``), used for
            ``applies_to``, ``parents``, a report's ``to`` and ``via`` and a
            reporter's recognising body;
        ``"audience"``
            an audience phrase to a category: ``{"id", "vi", "en"}`` and
            optionally ``"party_member": True``;
        ``"audience_groups"``, ``"deliverables"``, ``"roles"``
            a phrase to a dissemination group (``"people"``), a deliverable
            name (``"own_plan"``) or a role (``"secretary"``).

        Another section, or a section that is not a dict, fails with a
        ``PluginError``.
    """


# --------------------------------------------------------------------------
# Testing hooks
# --------------------------------------------------------------------------


@hookspec
def nqengine_testing_strategies() -> Mapping[str, Any]:
    """Return Hypothesis strategy factories for this plugin's kinds and fact types.

    Called by :mod:`nqengine.testing` the first time it needs strategies for a
    plugin manager (property-based tests, ``nqengine prove``, the pytest
    plugin); never during evaluation, so Hypothesis need not be installed to
    evaluate.  Return a dict whose keys name what the factory is for:

    ``"kind:NAME"``
        an obligation kind; the value is a :class:`nqengine.testing.KindStrategies`
        (its ``params``, ``compliant`` and ``breaks`` methods return strategies
        for the kind's spec fields, for facts that fulfil an obligation of the
        kind, and for facts that break exactly one of its checks).
    ``"fact:NAME"``
        a fact type; the value is a callable ``factory(gen) -> SearchStrategy[dict]``
        giving the type's own fields for a fact about ``gen.unit``
        (``gen`` is a :class:`nqengine.testing.GenContext`).

    The dicts of all plugins are merged, later registrations overriding
    earlier ones, so a plugin can replace a built-in factory.  Kinds and
    fact types without a factory are left out of generated specs and facts.
    """
