"""The plugin layer: the hooks (:mod:`nqengine.plugins.hookspecs`), the plugin
manager and the catalogue of what plugins provide (:mod:`nqengine.plugins.manager`),
and the built-in calendar plugin.

It lies below the stages (spec, inputs, evaluate, render): they ask it for the
catalogue, and their built-in kinds, fact types and formats are registered
through it by module name, as installed plugins are (docs/architecture.md).
"""

from nqengine.plugins.hookspecs import hookimpl, hookspec
from nqengine.plugins.manager import (
    DEFAULT_PLUGIN_MODULES,
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    Catalogue,
    PluginManager,
    catalogue_for,
    declared_plugins,
    get_plugin_manager,
    list_plugins,
    normalize_name,
    require_plugins,
)

__all__ = [
    "hookimpl",
    "hookspec",
    "DEFAULT_PLUGINS",
    "DEFAULT_PLUGIN_MODULES",
    "ENTRY_POINT_GROUP",
    "PluginManager",
    "get_plugin_manager",
    "catalogue_for",
    "Catalogue",
    "list_plugins",
    "require_plugins",
    "declared_plugins",
    "normalize_name",
]
