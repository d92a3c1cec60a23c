"""The plugin manager and the catalogue of what plugins provide.

No plugin manager exists at import time: :func:`get_plugin_manager` builds one,
registers the built-in plugins (ordinary modules implementing the hooks of
:mod:`nqengine.hookspecs`), then the installed plugins of the ``nqengine``
entry-point group, then any named with ``plugins=``.

Environment:

``NQENGINE_DISABLE_PLUGIN_AUTOLOAD``
    when set (to anything but "" or "0"), installed plugins are not loaded.
``NQENGINE_TRACE_HOOKS``
    when set, every hook call and its result is traced to stderr.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from typing import Any, Iterable, Mapping, Sequence

import pluggy

from nqengine import hookspecs
from nqengine.errors import MissingPluginError, PluginError

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "get_plugin_manager",
    "catalogue_for",
    "Catalogue",
    "list_plugins",
]

ENTRY_POINT_GROUP = "nqengine"

#: Built-in plugins, registered first and in this order; any may be blocked
#: with ``no:NAME`` or overridden by a later plugin registering the same name.
DEFAULT_PLUGINS = (
    "nqengine.kinds.study",
    "nqengine.kinds.dissemination",
    "nqengine.kinds.report",
    "nqengine.kinds.deliverable",
    "nqengine.kinds.duty",
    "nqengine.facts_builtin",
    "nqengine.calendar_plugin",
    "nqengine.formats",
    "nqengine.dispatch",
)


def _truthy(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def _import_plugin(spec: str) -> Any:
    """Import a plugin given as a module name or a path to a .py file."""
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.exists(path):
            raise MissingPluginError(f"plugin file not found: {spec}")
        name = "nqengine_local_" + os.path.splitext(os.path.basename(path))[0]
        mod_spec = importlib.util.spec_from_file_location(name, path)
        assert mod_spec and mod_spec.loader
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        mod_spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(spec)
    except ImportError as exc:
        raise MissingPluginError(f"cannot import plugin {spec!r}: {exc}") from exc


def get_plugin_manager(
    plugins: Sequence[str] = (),
    *,
    load_entrypoints: bool | None = None,
    block: Iterable[str] = (),
) -> pluggy.PluginManager:
    """Build a plugin manager: hookspecs, built-ins, installed plugins, then ``plugins``.

    ``plugins`` may hold module names, paths to ``.py`` files, or ``no:NAME``
    to block a plugin (built-in or installed) by name — the same syntax as the
    command line's ``-p``.  ``load_entrypoints`` defaults to True unless
    ``NQENGINE_DISABLE_PLUGIN_AUTOLOAD`` is set.
    """
    pm = pluggy.PluginManager("nqengine")
    pm.add_hookspecs(hookspecs)
    blocked = set(block) | {p[3:] for p in plugins if p.startswith("no:")}
    for name in blocked:
        pm.set_blocked(name)
    for modname in DEFAULT_PLUGINS:
        if not pm.is_blocked(modname):
            pm.register(importlib.import_module(modname), name=modname)
    if load_entrypoints is None:
        load_entrypoints = not _truthy("NQENGINE_DISABLE_PLUGIN_AUTOLOAD")
    if load_entrypoints:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # an installed plugin that fails to import
            raise PluginError(f"failed to load: {type(exc).__name__}: {exc}", hook="entry point") from exc
    for p in plugins:
        if p.startswith("no:"):
            continue
        module = _import_plugin(p)
        name = getattr(module, "PLUGIN_NAME", None) or p
        if not pm.is_registered(module) and not pm.is_blocked(name):
            pm.register(module, name=name)
    if _truthy("NQENGINE_TRACE_HOOKS"):
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm


class Catalogue:
    """Everything the registered plugins provide, by name, with who provided it."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.kinds: dict[str, Any] = {}
        self.fact_types: dict[str, Any] = {}
        self.calendars: dict[str, Any] = {}
        self.formats: dict[str, Any] = {}
        self.provider: dict[tuple[str, str], str] = {}
        self._calendar_cache: dict[tuple[str, str], Any] = {}
        from nqengine.i18n import MESSAGES

        for section, hook in (
            (self.kinds, "nqengine_register_obligation_kinds"),
            (self.fact_types, "nqengine_register_fact_types"),
            (self.calendars, "nqengine_register_calendars"),
            (self.formats, "nqengine_register_output_formats"),
        ):
            # pluggy calls the last registered first; reverse so later plugins override.
            for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):
                items = _call(impl, hook)
                if not isinstance(items, (list, tuple)):
                    raise PluginError(f"returned {type(items).__name__}, expected a list", plugin=impl.plugin_name, hook=hook)
                for item in items:
                    obj = item() if isinstance(item, type) else item
                    name = getattr(obj, "name", None)
                    if not isinstance(name, str) or not name:
                        raise PluginError(f"returned {obj!r} without a 'name'", plugin=impl.plugin_name, hook=hook)
                    section[name] = obj
                    self.provider[(hook, name)] = impl.plugin_name
        for impl in reversed(pm.hook.nqengine_register_messages.get_hookimpls()):
            got = _call(impl, "nqengine_register_messages")
            if not isinstance(got, Mapping):
                raise PluginError("expected a dict {code: (vi, en)}", plugin=impl.plugin_name, hook="nqengine_register_messages")
            for code, pair in got.items():
                if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                    raise PluginError(f"message {code!r} must be a (vi, en) pair", plugin=impl.plugin_name, hook="nqengine_register_messages")
                MESSAGES[code] = (pair[0], pair[1])

    def kind(self, name: str) -> Any:
        return self.kinds[name]

    def plugin_of_kind(self, name: str) -> str | None:
        return self.provider.get(("nqengine_register_obligation_kinds", name))

    def calendar(self, name: str, overrides: Mapping[str, Any] | None = None) -> Any:
        key = (name, repr(sorted((overrides or {}).items())))
        if key not in self._calendar_cache:
            if name not in self.calendars:
                raise MissingPluginError(f"calendar {name!r} is not registered; known: {', '.join(sorted(self.calendars))}")
            self._calendar_cache[key] = self.calendars[name].create(overrides or {})
        return self._calendar_cache[key]

    def plugin_names(self) -> set[str]:
        names = set()
        for name, plugin in self.pm.list_name_plugin():
            names.add(name)
            dist = _dist_of(self.pm, plugin)
            if dist:
                names.add(dist)
        return names

    def require(self, spec: Any) -> None:
        """Fail with :class:`MissingPluginError` when a plugin the spec declares is absent."""
        have = self.plugin_names()
        for needed in spec.plugins:
            if needed not in have:
                raise MissingPluginError(
                    f"spec {spec.id!r} needs plugin {needed!r}, which is not installed or is blocked"
                )


def _call(impl: Any, hook: str) -> Any:
    try:
        return impl.function()
    except Exception as exc:
        raise PluginError(f"{type(exc).__name__}: {exc}", plugin=impl.plugin_name, hook=hook) from exc


def catalogue_for(pm: pluggy.PluginManager) -> Catalogue:
    """The catalogue of ``pm``, built once and kept on the manager."""
    cat = getattr(pm, "_nqengine_catalogue", None)
    if cat is None:
        cat = Catalogue(pm)
        pm._nqengine_catalogue = cat  # type: ignore[attr-defined]
    return cat


def _dist_of(pm: pluggy.PluginManager, plugin: Any) -> str | None:
    for p, dist in pm.list_plugin_distinfo():
        if p is plugin:
            return dist.project_name if hasattr(dist, "project_name") else dist.metadata["name"]
    return None


def list_plugins(pm: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Each registered plugin with its version, hooks, and what it adds."""
    cat = catalogue_for(pm)
    dists = {id(p): d for p, d in pm.list_plugin_distinfo()}
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist = dists.get(id(plugin))
        adds = {
            section: sorted(n for (h, n), who in cat.provider.items() if who == name and h == hook)
            for section, hook in (
                ("kinds", "nqengine_register_obligation_kinds"),
                ("fact_types", "nqengine_register_fact_types"),
                ("calendars", "nqengine_register_calendars"),
                ("formats", "nqengine_register_output_formats"),
            )
        }
        out.append(
            {
                "name": name,
                "distribution": dist.metadata["name"] if dist else None,
                "version": dist.version if dist else _builtin_version(name),
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                **adds,
            }
        )
    return out


def _builtin_version(name: str) -> str | None:
    if name.startswith("nqengine."):
        from nqengine import __version__

        return __version__
    return None
