"""nqengine: rules-as-code for Party plans that oblige organisations to act by a date.

The Python API for embedding::

    import nqengine
    spec = nqengine.load_spec("specs/tam-ky-xxi")          # plan.yaml
    registry = nqengine.load_registry("specs/tam-ky-xxi")  # registry.yaml
    facts = nqengine.load_facts("specs/tam-ky-xxi")        # facts.yaml
    ev = nqengine.evaluate(spec, registry, facts, "20/11/2020")
    ev.verdict("study-party-committee", "p-an-my").status
    nqengine.to_json(ev)            # the documented JSON contract (a dict)
    print(nqengine.explain(ev, "study-party-committee", "p-an-my"))

The command line (``nqengine evaluate ...``) calls exactly these functions.
"""

from __future__ import annotations

import datetime as _dt
import os as _os
from typing import Any

from nqengine.dates import parse_date
from nqengine.engine import Evaluation
from nqengine.engine import evaluate as _evaluate
from nqengine.errors import (
    EvaluationError,
    FactsError,
    InputError,
    MissingPluginError,
    NQEngineError,
    PluginError,
    Problem,
    RegistryError,
    SpecError,
)
from nqengine.facts import load_facts
from nqengine.formats import evaluation_to_json, explain_text
from nqengine.model import STATUSES, Fact, Finding, Obligation, Registry, Spec, Unit, Verdict
from nqengine.plugins import get_plugin_manager
from nqengine.registry import load_registry
from nqengine.spec import load_spec

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load_spec",
    "load_registry",
    "load_facts",
    "load_folder",
    "evaluate",
    "explain",
    "to_json",
    "get_plugin_manager",
    "Evaluation",
    "Spec",
    "Obligation",
    "Registry",
    "Unit",
    "Fact",
    "Verdict",
    "Finding",
    "STATUSES",
    "NQEngineError",
    "InputError",
    "SpecError",
    "RegistryError",
    "FactsError",
    "PluginError",
    "MissingPluginError",
    "EvaluationError",
    "Problem",
]


def evaluate(spec: Spec, registry: Registry, facts: list[Fact], as_of: _dt.date | str, *, pm: Any = None, period: str | None = None) -> Evaluation:
    """Evaluate ``spec`` as of ``as_of`` (a date, or text dd/mm/yyyy or yyyy-mm-dd).

    Recurring obligations get a verdict per unit for each period due by
    ``as_of`` and the next one, or only for ``period`` when given
    (``"quý II/2026"``, ``"6 tháng đầu năm 2026"``, ``"2026-Q2"``).
    """
    return _evaluate(spec, registry, facts, parse_date(as_of), pm=pm, period=period)


def explain(evaluation: Evaluation, obligation: str, unit: str, lang: str = "vi", period: str | None = None) -> str:
    """The explanation of one verdict: checks run, evidence used, clauses quoted (``period`` for a recurring obligation)."""
    return explain_text(evaluation, obligation, unit, lang, period=period)


def to_json(evaluation: Evaluation, lang: str = "vi") -> dict:
    """The evaluation as the documented JSON contract (``docs/json-contract.md``)."""
    return evaluation_to_json(evaluation, lang)


def load_folder(folder: str | _os.PathLike[str], *, pm: Any = None) -> tuple[Spec, Registry, list[Fact]]:
    """Load ``plan.yaml``, ``registry.yaml`` and ``facts.yaml`` from one spec folder."""
    if pm is None:
        pm = get_plugin_manager()
    folder = _os.fspath(folder)
    return (
        load_spec(_os.path.join(folder, "plan.yaml"), pm=pm),
        load_registry(_os.path.join(folder, "registry.yaml")),
        load_facts(_os.path.join(folder, "facts.yaml"), pm=pm),
    )
