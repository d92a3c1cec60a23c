"""The public Python API: load a plan, its registry and facts; evaluate; explain; the JSON contract.

These functions are what ``import nqengine`` offers (the package re-exports
them) and what the command line, the pytest plugin and embedding systems call.
They sit above the stages they join: spec, inputs, evaluate and render.
"""

from __future__ import annotations

import datetime as _dt
import os as _os
from typing import Any, Sequence

from nqengine.confine import confined, default_roots
from nqengine.dates import parse_date
from nqengine.evaluation.engine import Evaluation
from nqengine.evaluation.engine import evaluate as _evaluate
from nqengine.inputs.load import load_facts, load_registry
from nqengine.model import Fact, Registry, Spec
from nqengine.plugins.manager import get_plugin_manager
from nqengine.render.formats import evaluation_to_json, explain_text
from nqengine.spec.load import load_spec

__all__ = ["load_spec", "load_registry", "load_facts", "load_folder", "evaluate", "explain", "to_json", "get_plugin_manager"]


def evaluate(
    spec: Spec,
    registry: Registry,
    facts: list[Fact],
    as_of: _dt.date | str,
    *,
    pm: Any = None,
    progress: Any = None,
    period: str | None = None,
) -> Evaluation:
    """Evaluate ``spec`` as of ``as_of`` (a date, or text dd/mm/yyyy or yyyy-mm-dd).

    Recurring obligations get a verdict per unit for each period due by
    ``as_of`` and the next one, or only for ``period`` when given
    (``"quý II/2026"``, ``"6 tháng đầu năm 2026"``, ``"2026-Q2"``).
    ``progress``, when given, is called as ``progress(obligation_id, obligations)`` after each of the ``obligations``.
    """
    return _evaluate(spec, registry, facts, parse_date(as_of), pm=pm, progress=progress, period=period)


def explain(evaluation: Evaluation, obligation: str, unit: str, lang: str = "vi", period: str | None = None) -> str:
    """The explanation of one verdict: checks run, evidence used, clauses quoted (``period`` for a recurring obligation)."""
    return explain_text(evaluation, obligation, unit, lang, period=period)


def to_json(evaluation: Evaluation, lang: str = "vi") -> dict:
    """The evaluation as the documented JSON contract (``docs/json-contract.md``)."""
    return evaluation_to_json(evaluation, lang)


def load_folder(
    folder: str | _os.PathLike[str], *, pm: Any = None, allow_roots: Sequence[str] = (), max_bytes: int | None = None
) -> tuple[Spec, Registry, list[Fact]]:
    """Load ``plan.yaml``, ``registry.yaml`` and ``facts.yaml`` from one spec folder.

    Files are read only inside the folder, the working directory when the
    folder lies inside it, and ``allow_roots`` (see :mod:`nqengine.confine`).
    """
    if pm is None:
        pm = get_plugin_manager()
    folder = _os.fspath(folder)
    with confined(default_roots(folder, allow_roots), max_bytes=max_bytes):
        return (
            load_spec(_os.path.join(folder, "plan.yaml"), pm=pm),
            load_registry(_os.path.join(folder, "registry.yaml")),
            load_facts(_os.path.join(folder, "facts.yaml"), pm=pm),
        )
