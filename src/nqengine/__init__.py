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

from nqengine import _compat
from nqengine._version import __version__
from nqengine.api import (
    evaluate,
    explain,
    get_plugin_manager,
    load_facts,
    load_folder,
    load_registry,
    load_spec,
    to_json,
)
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
from nqengine.evaluation.engine import Evaluation
from nqengine.model import (
    STATUSES,
    Fact,
    Finding,
    Obligation,
    Registry,
    Spec,
    Unit,
    Verdict,
)
from nqengine.plugins.hookspecs import hookimpl

_compat.install()

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
    "hookimpl",
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
