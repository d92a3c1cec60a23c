"""Keys that belong to a plugin may be used only by a spec that lists the plugin.

A plugin adds obligation keys through ``nqengine_obligation_fields``
(``only_if``, ``after_superior``, ``modes`` of nqengine-ordering).  A spec
that uses one without listing the plugin under ``plugins:`` works on the
author's machine, where the plugin happens to be installed, and elsewhere
fails with "unknown key" — or, worse, is evaluated differently.  So the key
is refused unless the plugin is listed, naming the plugin to list.
"""

from __future__ import annotations

from typing import Any, Iterable

from nqengine.errors import Problem
from nqengine.plugins import DEFAULT_PLUGINS, PluginManager, normalize_name

__all__ = ["undeclared_plugin_keys", "plugin_aliases"]


def plugin_aliases(cat: Any, plugin: str) -> set[str]:
    """Every normalised name plugin ``plugin`` answers to (its own, its module's, its distribution's)."""

    obj = cat.pm.get_plugin(plugin)
    if obj is not None and isinstance(cat.pm, PluginManager):
        return cat.pm.names_of(plugin, obj)
    return {normalize_name(plugin)}


def _builtin(plugin: str) -> bool:
    return plugin in DEFAULT_PLUGINS


def undeclared_plugin_keys(node: Any, path: str, kind: str, cat: Any, declared: Iterable[str]) -> list[Problem]:
    """A problem for each key of obligation ``node`` (and of its exceptions' ``set``) owned by an unlisted plugin."""

    if node is None or node.kind != "map":
        return []
    listed = {normalize_name(str(n)) for n in declared}
    places = [(node, path)]
    exc = node.get("exceptions")
    for j, e in enumerate(exc.value if exc is not None and exc.kind == "seq" else []):
        s = e.get("set") if e.kind == "map" else None
        if s is not None and s.kind == "map":
            places.append((s, f"{path}.exceptions[{j}].set"))
    out = []
    for where, wpath in places:
        for k, _ in where.value:
            owner = cat.field_provider.get((kind, str(k.value)))
            if owner is None or _builtin(owner) or plugin_aliases(cat, owner) & listed:
                continue
            out.append(k.problem("plugin_key_not_declared", f"{wpath}.{k.value}", key=str(k.value), plugin=_shown_name(cat, owner)))
    return out


def _shown_name(cat: Any, plugin: str) -> str:
    """The name to list under ``plugins:``: the distribution's when known (``nqengine-ordering``)."""
    dist = getattr(cat.pm, "distributions", {}).get(plugin)
    return dist.name if dist is not None else plugin
