"""nqengine-ordering: who goes first, under which condition, and in which form.

Plans often say that the superior level's conference for key cadres comes
before the units below study; that some obligations hold only for units in a
certain situation (an enterprise with a trade union, a commune with a
residential group); and whether an online connection point (điểm cầu) or a
video counts as a session.  This plugin adds, to any obligation:

- ``after_superior: OBLIGATION`` — the unit's first session must come after
  its parent unit fulfilled ``OBLIGATION`` (checked by wrapping evaluation,
  ``nqengine_evaluate_obligation`` with ``wrapper=True``); a spec-load lint
  (``nqengine_spec_loaded``) checks that ``OBLIGATION`` exists and is
  evaluated first;
- ``only_if: CONDITION`` — the obligation applies to a unit only while a
  ``condition`` fact named ``CONDITION`` is recorded true for it, else the
  verdict is ``not_applicable`` (also in the wrapper);
- ``modes: [in_person, online, video]`` (kinds that consume sessions) —
  facts held in another mode are hidden from the kind and reported as not
  counted (an ordinary ``nqengine_evaluate_obligation`` implementation that
  takes over such obligations and hands them to the default evaluation
  with a filtered context).

The fields are added through ``nqengine_obligation_fields``; the fact type
``condition`` through ``nqengine_register_fact_types``.
"""

from __future__ import annotations

from typing import Any, Generator

from nqengine.evaluation.dispatch import evaluate_units
from nqengine.evaluation.engine import add_findings, obligation_order
from nqengine.errors import Problem
from nqengine.inputs.facts import FactType
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Bool, Field, Str, hint_for

from nqengine_ordering.fields import AFTER_SUPERIOR, MODE_FACT_TYPES, MODES, ONLY_IF
from nqengine_ordering.messages import MESSAGES
from nqengine_ordering.rules import ModeView, condition_holds_finding, condition_state, mode_findings, not_applicable, order_findings

__all__ = ["PLUGIN_NAME", "__version__", "Condition"]

#: The name specs declare under ``plugins:``; also the entry point's name.
PLUGIN_NAME = "nqengine-ordering"
__version__ = "0.1.0"


class Condition(FactType):
    """A condition recorded for a unit on a date (has a trade union, has residential groups...).

    The latest record of a name, on or before the evaluation date, decides.
    """

    name = "condition"
    fields = {
        "name": Field(Str(), required=True, doc="the condition's name, as in an obligation's only_if"),
        "value": Field(Bool(), default=True, doc="false records that the condition no longer holds"),
    }


@hookimpl
def nqengine_register_fact_types() -> list[Any]:
    return [Condition]


@hookimpl
def nqengine_register_messages() -> dict[str, tuple[str, str]]:
    return dict(MESSAGES)


@hookimpl
def nqengine_obligation_fields(kind: Any) -> dict[str, Field]:
    fields = {"only_if": ONLY_IF, "after_superior": AFTER_SUPERIOR}
    if MODE_FACT_TYPES & set(getattr(kind, "fact_types", ())):
        fields["modes"] = MODES
    return fields


def _variants(obligation: Any) -> list[Any]:
    return [obligation, *(e.obligation for e in obligation.exceptions)]


def _uses(obligation: Any, *keys: str) -> bool:
    return any(v.params.get(k) for v in _variants(obligation) for k in keys)


# -- spec load: the lint rule of this plugin -----------------------------------


@hookimpl
def nqengine_spec_loaded(spec: Any) -> list[Problem]:
    """``after_superior`` names another obligation of the spec, evaluated before this one."""
    order = {ob.id: i for i, ob in enumerate(obligation_order(spec))}
    problems = []
    for ob in spec.obligations:
        for j, variant in enumerate(_variants(ob)):
            rule = variant.params.get("after_superior")
            if not rule:
                continue
            ref = rule["obligation"]
            node, path = _locate(spec, ob, j - 1)
            if ref == ob.id:
                problems.append(node.problem("ordering_self_reference", path, obligation=ob.id))
            elif ref not in order:
                problems.append(node.problem("unknown_reference", path, field="after_superior", ref=ref, **hint_for(ref, list(order))))
            elif order[ref] > order[ob.id]:
                problems.append(node.problem("ordering_superior_later", path, ref=ref, obligation=ob.id))
    return problems


def _locate(spec: Any, ob: Any, exception: int) -> tuple[Any, str]:
    """The YAML node and field path of ``after_superior`` in ``ob`` (or in its exception number ``exception``)."""
    from nqengine.yamlsource import Node

    root = spec.raw
    seq = root.get("obligations") if root is not None and root.kind == "map" else None
    for i, item in enumerate(seq.value if seq is not None and seq.kind == "seq" else []):
        idn = item.get("id")
        if idn is None or idn.value != ob.id:
            continue
        path = f"obligations[{i}]"
        if exception >= 0:
            excs = item.get("exceptions")
            if excs is not None and excs.kind == "seq" and exception < len(excs.value):
                item = excs.value[exception].get("set") or excs.value[exception]
                path += f".exceptions[{exception}].set"
        return item.get("after_superior") or item, path + ".after_superior"
    src = ob.source
    node = Node("scalar", ob.id, "str", src.file if src else "<spec>", src.line if src else 1, src.column if src else 1)
    return node, f"{ob.id}.after_superior"


# -- evaluation ------------------------------------------------------------------


@hookimpl(tryfirst=True, specname="nqengine_evaluate_obligation")
def evaluate_with_modes(obligation: Any, units: Any, context: Any) -> list[Any] | None:
    """Obligations with ``modes``: evaluate through a context hiding facts held in other modes."""
    if not _uses(obligation, "modes"):
        return None
    view = ModeView(context, obligation)
    verdicts = evaluate_units(obligation, units, view)
    return [add_findings(obligation, unit, v, mode_findings(view, obligation, unit, v), context) for unit, v in zip(units, verdicts)]


@hookimpl(wrapper=True, specname="nqengine_evaluate_obligation")
def wrap_evaluation(obligation: Any, units: Any, context: Any) -> Generator[None, list[Any], list[Any]]:
    """``only_if`` and ``after_superior``, applied to the verdicts of whatever evaluated the obligation."""
    if not _uses(obligation, "only_if", "after_superior"):
        return (yield)
    used_before = set(context.used)
    verdicts = yield
    out, dropped, kept = [], set(), set()
    for unit, v in zip(units, verdicts):
        variant, _ = obligation.for_unit(unit, context.as_of)
        cond = variant.params.get("only_if")
        if cond:
            holds, facts = condition_state(context, unit, cond["condition"])
            if not holds:
                dropped.update(v.evidence)
                out.append(not_applicable(v, cond, holds, facts, obligation, context))
                continue
            v = add_findings(obligation, unit, v, [condition_holds_finding(cond, facts, obligation)], context)
        rule = variant.params.get("after_superior")
        if rule and v.status != "not_applicable":
            v = add_findings(obligation, unit, v, order_findings(rule, v, obligation, variant, unit, context), context)
        kept.update(v.evidence)
        out.append(v)
    # Facts that only the verdicts which no longer apply looked at are evidence of nothing.
    context.used.difference_update(dropped - kept - used_before)
    return out
