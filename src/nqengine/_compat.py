"""Old import paths (before the layered layout of 0.2), kept for one release.

``import nqengine.engine`` or ``from nqengine.evaluation.kinds import ObligationKind``
still work: a finder on ``sys.meta_path`` answers each old module name with a
stand-in module that reads its names from the new modules, and warns with a
:class:`DeprecationWarning` naming the new path.  Plugins should import from
the new paths (docs/architecture.md lists them); these go in nqengine 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

#: Old module name → the modules its names now live in (the first is the main one).
MOVED: dict[str, tuple[str, ...]] = {
    "nqengine.hookspecs": ("nqengine.plugins.hookspecs",),
    "nqengine.calendar_plugin": ("nqengine.plugins.default_calendars",),
    "nqengine.compose": ("nqengine.spec.compose",),
    "nqengine.validate": ("nqengine.spec.validate",),
    "nqengine.spec_dump": ("nqengine.spec.dump",),
    "nqengine.registry": ("nqengine.inputs.registry", "nqengine.inputs.load"),
    "nqengine.facts": ("nqengine.inputs.facts", "nqengine.inputs.load"),
    "nqengine.facts_builtin": ("nqengine.inputs.fact_types",),
    "nqengine.attendance": ("nqengine.inputs.attendance",),
    "nqengine.bulk": ("nqengine.inputs.bulk",),
    "nqengine.bulk.rows": ("nqengine.inputs.bulk.rows",),
    "nqengine.bulk.checks": ("nqengine.inputs.bulk.checks",),
    "nqengine.bulk.write": ("nqengine.inputs.bulk.write", "nqengine.render.formats"),
    "nqengine.engine": ("nqengine.evaluation.engine",),
    "nqengine.dispatch": ("nqengine.evaluation.dispatch",),
    "nqengine.incremental": ("nqengine.evaluation.incremental",),
    "nqengine.kinds": ("nqengine.evaluation.kinds",),
    "nqengine.kinds.study": ("nqengine.evaluation.kinds.study",),
    "nqengine.kinds.dissemination": ("nqengine.evaluation.kinds.dissemination",),
    "nqengine.kinds.report": ("nqengine.evaluation.kinds.report",),
    "nqengine.kinds.deliverable": ("nqengine.evaluation.kinds.deliverable",),
    "nqengine.kinds.duty": ("nqengine.evaluation.kinds.duty",),
    "nqengine.formats": ("nqengine.render.formats",),
    "nqengine.testing_builtin": ("nqengine.testing.builtin",),
    "nqengine.properties": ("nqengine.testing.properties",),
    "nqengine.prove": ("nqengine.testing.prove",),
    "nqengine.examples": ("nqengine.testing.examples",),
    "nqengine.pytest_plugin": ("nqengine.testing.pytest_plugin",),
}


class _Moved(types.ModuleType):
    """A stand-in for a moved module: its names are read from the new modules."""

    def __init__(self, name: str, targets: tuple[str, ...]):
        super().__init__(name, f"Moved to {targets[0]} (deprecated path).")
        self.__targets = targets
        if any(old.startswith(name + ".") for old in MOVED):
            self.__path__: list[str] = []  # a package: its old submodules resolve through the finder too

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        for target in self.__targets:
            module = importlib.import_module(target)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r} (it moved to {self.__targets[0]})")

    def __dir__(self) -> list[str]:
        return sorted({n for t in self.__targets for n in dir(importlib.import_module(t))})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=any(o.startswith(fullname + ".") for o in MOVED))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _Moved(spec.name, MOVED[spec.name])

    def exec_module(self, module: types.ModuleType) -> None:
        new = MOVED[module.__name__][0]
        warnings.warn(
            f"{module.__name__} moved to {new}; the old path works until nqengine 0.3 (see docs/architecture.md)",
            DeprecationWarning,
            stacklevel=2,
        )


_FINDER = _Finder()


def install() -> None:
    """Answer the old module names (idempotent)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
