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

import importlib
from typing import TYPE_CHECKING, Any

from nqengine import _compat
from nqengine._version import __version__

if TYPE_CHECKING:  # for type checkers and editors; at run time the names are imported on first use (below)
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

#: Where each name of the facade lives: imported on first use (PEP 562), so that
#: ``from nqengine import hookimpl`` (a plugin) or ``import nqengine.cli`` loads
#: only the stages it needs, not every stage of the engine.
_LAZY: dict[str, str] = {
    **dict.fromkeys(("evaluate", "explain", "get_plugin_manager", "load_facts", "load_folder", "load_registry", "load_spec", "to_json"), "nqengine.api"),
    **dict.fromkeys(("EvaluationError", "FactsError", "InputError", "MissingPluginError", "NQEngineError", "PluginError", "Problem",
                     "RegistryError", "SpecError"), "nqengine.errors"),
    "Evaluation": "nqengine.evaluation.engine",
    **dict.fromkeys(("STATUSES", "Fact", "Finding", "Obligation", "Registry", "Spec", "Unit", "Verdict"), "nqengine.model"),
    "hookimpl": "nqengine.plugins.hookspecs",
}


def __getattr__(name: str) -> Any:
    """A facade name, imported from its module the first time it is asked for; else a submodule, as before."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if not name.startswith("_") and f"{__name__}.{name}" not in _compat.MOVED:
        # The facade used to import every stage, so `import nqengine` then `nqengine.model` worked: it still does.
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
