"""The plugin manager and the catalogue of what plugins provide.

No plugin manager exists at import time: :func:`get_plugin_manager` builds one,
registers the built-in plugins (ordinary modules implementing the hooks of
:mod:`nqengine.hookspecs`, listed in :data:`DEFAULT_PLUGINS`), then the
installed plugins of the ``nqengine`` entry-point group, then any named with
``plugins=`` (the command line's ``-p``).

Every hook implementation is registered through :class:`PluginManager`, which
attributes failures: an implementation that raises, or returns something of
the wrong shape, becomes a :class:`~nqengine.errors.PluginError` naming the
plugin, the hook and, during evaluation, the obligation and unit.  Objects a
plugin registers (kinds, calendars, formats) are attributed the same way.

Environment:

``NQENGINE_DISABLE_PLUGIN_AUTOLOAD``
    when set (to anything but "" or "0"), installed plugins are not loaded;
    load one explicitly with ``-p MODULE``.
``NQENGINE_TRACE_HOOKS``
    when set, every call of a hook implementation is traced to stderr: the
    hook, the plugin, the obligation and unit, what it returned, how long it took.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import string
import sys
import time
from typing import Any, Callable, Iterable, Mapping, Sequence

import attrs
import pluggy

from nqengine._version import __version__
from nqengine.errors import InputError, MissingPluginError, PluginError, Problem
from nqengine.i18n import MESSAGES
from nqengine.model import OUTCOMES, STATUSES, Finding, Verdict
from nqengine.plugins import hookspecs
from nqengine.schema import Field
from nqengine.yamlsource import compose_file, to_python

__all__ = [
    "DEFAULT_PLUGINS",
    "DEFAULT_PLUGIN_MODULES",
    "ENTRY_POINT_GROUP",
    "PluginManager",
    "get_plugin_manager",
    "shared_plugin_manager",
    "catalogue_for",
    "Catalogue",
    "list_plugins",
    "require_plugins",
    "declared_plugins",
    "normalize_name",
]

ENTRY_POINT_GROUP = "nqengine"

#: Built-in plugins, registered first and in this order; any may be blocked
#: with ``no:NAME`` or overridden by a later plugin registering the same name.
#: The names are those of the modules before the layered layout (0.1), kept so
#: that ``-p no:NAME``, ``nqengine plugins`` and error messages do not change;
#: :data:`DEFAULT_PLUGIN_MODULES` maps each to the module that implements it.
DEFAULT_PLUGINS = (
    "nqengine.kinds.study",
    "nqengine.kinds.dissemination",
    "nqengine.kinds.report",
    "nqengine.kinds.deliverable",
    "nqengine.kinds.duty",
    "nqengine.kinds.rollup",
    "nqengine.facts_builtin",
    "nqengine.attendance",
    "nqengine.calendar_plugin",
    "nqengine.formats",
    "nqengine.render.builtin",
    "nqengine.dispatch",
    "nqengine.testing_builtin",
    "nqengine.draft.vocabulary",
    "nqengine.vocabularies",
)

#: Built-in plugin name → its module.  They are imported by name, as installed
#: plugins are through their entry points: the plugin layer lies below the
#: stages whose built-in kinds, fact types and formats it registers
#: (docs/architecture.md).
DEFAULT_PLUGIN_MODULES = {
    "nqengine.kinds.study": "nqengine.evaluation.kinds.study",
    "nqengine.kinds.dissemination": "nqengine.evaluation.kinds.dissemination",
    "nqengine.kinds.report": "nqengine.evaluation.kinds.report",
    "nqengine.kinds.deliverable": "nqengine.evaluation.kinds.deliverable",
    "nqengine.kinds.duty": "nqengine.evaluation.kinds.duty",
    "nqengine.kinds.rollup": "nqengine.evaluation.kinds.rollup",
    "nqengine.facts_builtin": "nqengine.inputs.fact_types",
    "nqengine.attendance": "nqengine.inputs.attendance",
    "nqengine.calendar_plugin": "nqengine.plugins.default_calendars",
    "nqengine.formats": "nqengine.render.formats",
    "nqengine.render.builtin": "nqengine.render.builtin",
    "nqengine.dispatch": "nqengine.evaluation.dispatch",
    "nqengine.testing_builtin": "nqengine.testing.builtin",
    "nqengine.draft.vocabulary": "nqengine.draft.vocabulary",
    "nqengine.vocabularies": "nqengine.spec.vocabularies",
}

_CATALOGUE_HOOKS = (
    ("kinds", "nqengine_register_obligation_kinds"),
    ("fact_types", "nqengine_register_fact_types"),
    ("calendars", "nqengine_register_calendars"),
    ("formats", "nqengine_register_output_formats"),
)


def _truthy(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def normalize_name(name: str) -> str:
    """A plugin name as compared: case, ``-`` and ``_`` do not matter (``NQEngine_Foo`` = ``nqengine-foo``).

    Dots do (``nqengine.attendance``, a built-in module, is not ``nqengine-attendance``);
    surrounding spaces do not (``" nqengine-attendance"`` is that plugin, as any name in a spec).
    """
    return re.sub(r"[-_]+", "-", name.strip()).lower()


# --------------------------------------------------------------------------
# Attribution: every hook implementation is wrapped so that a failure names
# its plugin, and what it returns is checked before anyone else sees it.
# --------------------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}[{len(value)}]"
    return type(value).__name__


def _located(call: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(obligation id, unit id) of a hook call, when its arguments say."""
    ob = call.get("obligation")
    unit = call.get("unit")
    units = call.get("units")
    if unit is None and isinstance(units, (list, tuple)) and len(units) == 1:
        unit = units[0]
    return getattr(ob, "id", None), getattr(unit, "id", None)


def _expect_list(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None or isinstance(result, (list, tuple)):
        return None
    return _describe(result), "list", None


def _expect_mapping(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None or isinstance(result, Mapping):
        return None
    return _describe(result), "dict", None


def _expect_template(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None or callable(getattr(result, "render", None)):
        return None
    return _describe(result), "an object with render(report)", None


def _expect_problems(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None:
        return None
    if not isinstance(result, (list, tuple)):
        return _describe(result), "list[Problem]", None
    for item in result:
        if not isinstance(item, Problem):
            return f"{_describe(result)} holding {_describe(item)}", "list[Problem]", None
    return None


def _expect_findings(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None:
        return None
    if not isinstance(result, (list, tuple)):
        return _describe(result), "list[Finding]", None
    for item in result:
        if not isinstance(item, Finding):
            return f"{_describe(result)} holding {_describe(item)}", "list[Finding]", None
        if item.outcome not in OUTCOMES:
            return f"Finding with outcome {item.outcome!r}", "outcome in " + ", ".join(OUTCOMES), None
    return None


def _expect_bool(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None or isinstance(result, bool):
        return None
    return _describe(result), "bool", None


def _expect_verdicts(result: Any, call: Mapping[str, Any]) -> tuple[str, str, str | None] | None:
    if result is None:
        return None
    units = list(call.get("units") or [])
    ob = call.get("obligation")
    expected = f"list[Verdict] ({len(units)}, one per unit)"
    if not isinstance(result, (list, tuple)) or len(result) != len(units):
        return _describe(result), expected, None
    for v, unit in zip(result, units):
        if not isinstance(v, Verdict):
            return f"{_describe(result)} holding {_describe(v)}", expected, unit.id
        if v.unit != unit.id or (ob is not None and v.obligation != ob.id):
            return f"a Verdict for ({v.obligation}, {v.unit})", f"a Verdict for ({getattr(ob, 'id', '?')}, {unit.id})", unit.id
        if v.status not in STATUSES:
            return f"a Verdict with status {v.status!r}", "a status in " + ", ".join(STATUSES), unit.id
    return None


_RESULT_CHECKS: dict[str, Callable[[Any, Mapping[str, Any]], tuple[str, str, str | None] | None]] = {
    "nqengine_register_obligation_kinds": _expect_list,
    "nqengine_register_fact_types": _expect_list,
    "nqengine_register_calendars": _expect_list,
    "nqengine_register_output_formats": _expect_list,
    "nqengine_register_messages": _expect_mapping,
    "nqengine_obligation_fields": _expect_mapping,
    "nqengine_vocabularies": _expect_mapping,
    "nqengine_spec_loaded": _expect_problems,
    "nqengine_evaluate_obligation": _expect_verdicts,
    "nqengine_extra_findings": _expect_findings,
    "nqengine_extra_findings_wanted": _expect_bool,
    "nqengine_testing_strategies": _expect_mapping,
    "nqengine_draft_vocabulary": _expect_mapping,
    "nqengine_report_template": _expect_template,
}


def _fill_plugin(result: Any, hook: str, plugin: str) -> Any:
    """Findings added by a plugin say which plugin added them."""
    if hook != "nqengine_extra_findings" or not result:
        return result
    return [f if f.plugin else attrs.evolve(f, plugin=plugin) for f in result]


class _Attribution:
    """Everything one wrapped implementation needs to name itself in an error or a trace."""

    def __init__(self, pm: "PluginManager", impl: Any, hook: str, spec_args: Sequence[str]):
        self.pm, self.hook, self.plugin = pm, hook, impl.plugin_name
        self.fn = impl.function
        self.argnames, self.kwargnames = tuple(impl.argnames), tuple(impl.kwargnames)
        self.spec_args = tuple(spec_args)
        # an implementation that checks its own results (nqengine.dispatch, verdict by verdict) is not checked twice
        self.check = None if getattr(self.fn, "_nqengine_checks_results", False) else _RESULT_CHECKS.get(hook)
        # pluggy passes every argument of the spec, in order: the common case needs no lookups.
        self.same = self.argnames == self.spec_args and not self.kwargnames

    def call_args(self, args: tuple, kwargs: dict) -> tuple[dict, Sequence[Any], dict]:
        if self.same and not kwargs and len(args) == len(self.spec_args):
            return dict(zip(self.spec_args, args)), args, {}
        call = dict(zip(self.spec_args, args))
        call.update(kwargs)
        missing = [a for a in self.argnames if a not in call]
        if missing:
            raise TypeError(f"hook {self.hook} must be called with argument {missing[0]!r}")
        return call, [call[a] for a in self.argnames], {k: call[k] for k in self.kwargnames if k in call}

    def error(self, call: Mapping[str, Any], code: str, unit: str | None = None, **params: Any) -> PluginError:
        ob, u = _located(call)
        return PluginError(plugin=self.plugin, hook=self.hook, obligation=ob, unit=unit or u, code=code, params=params)

    def raised(self, call: Mapping[str, Any], exc: BaseException) -> PluginError:
        if isinstance(exc, PluginError):
            ob, u = _located(call)
            return exc.at(obligation=ob, unit=u)
        return self.error(call, "plugin_raised", error=f"{type(exc).__name__}: {exc}")

    def checked(self, call: Mapping[str, Any], result: Any) -> Any:
        if self.check is not None:
            bad = self.check(result, call)
            if bad is not None:
                got, expected, unit = bad
                raise self.error(call, "plugin_bad_return", unit=unit, got=got, expected=expected)
        return _fill_plugin(result, self.hook, self.plugin)

    def trace(self, call: Mapping[str, Any], outcome: str, started: float) -> None:
        writer = self.pm.trace_writer
        if writer is None:
            return
        ob, unit = _located(call)
        where = "".join(f" {k}={v!r}" for k, v in (("obligation", ob), ("unit", unit)) if v)
        units = call.get("units")
        if unit is None and isinstance(units, (list, tuple)):
            where += f" units={len(units)}"
        ms = (time.perf_counter() - started) * 1000
        writer(f"nqengine: {self.hook} <- {self.plugin}{where} -> {outcome} [{ms:.2f} ms]\n")


def _chained(err: PluginError, exc: BaseException) -> PluginError:
    """``err`` caused by ``exc`` (unless it is ``exc`` itself, already attributed)."""
    if err is not exc:
        err.__cause__ = exc
    return err


def _attribute(pm: "PluginManager", impl: Any, hook: str, spec_args: Sequence[str]) -> None:
    """Replace ``impl.function`` by a function that attributes its failures (see module doc)."""
    if getattr(impl.function, "_nqengine_attributed", False):
        return
    a = _Attribution(pm, impl, hook, spec_args)
    if impl.wrapper or impl.hookwrapper:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            call, pos, kw = a.call_args(args, kwargs)
            started = time.perf_counter()
            try:
                gen = a.fn(*pos, **kw)
                first = next(gen)
            except StopIteration:
                raise a.error(call, "plugin_wrapper_no_yield") from None
            except Exception as exc:
                raise _chained(a.raised(call, exc), exc)
            try:
                sent = yield first
            except BaseException as inner:  # an inner implementation failed: let the wrapper see it
                try:
                    gen.throw(inner)
                except StopIteration as stop:
                    result = stop.value
                except Exception as exc:
                    if exc is inner:
                        raise
                    raise _chained(a.raised(call, exc), exc)
                else:
                    raise a.error(call, "plugin_wrapper_two_yields") from None
            else:
                try:
                    gen.send(sent)
                except StopIteration as stop:
                    result = stop.value
                except Exception as exc:
                    raise _chained(a.raised(call, exc), exc)
                else:
                    raise a.error(call, "plugin_wrapper_two_yields")
            if impl.hookwrapper:  # old-style: its return value is ignored by pluggy
                return result
            result = a.checked(call, result)
            a.trace(call, _describe(result), started)
            return result

    else:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            call, pos, kw = a.call_args(args, kwargs)
            started = time.perf_counter()
            try:
                result = a.fn(*pos, **kw)
            except Exception as exc:
                a.trace(call, f"raised {type(exc).__name__}", started)
                raise _chained(a.raised(call, exc), exc)
            result = a.checked(call, result)
            a.trace(call, _describe(result), started)
            return result

    wrapped.__wrapped__ = a.fn  # type: ignore[attr-defined]
    wrapped.__name__ = getattr(a.fn, "__name__", hook)
    wrapped._nqengine_attributed = True  # type: ignore[attr-defined]
    # pluggy marks these Final for its users; the manager that owns the
    # implementation may replace them, and does so once, at registration.
    impl.function = wrapped  # type: ignore[misc]
    impl.argnames = tuple(spec_args)  # type: ignore[misc]
    impl.kwargnames = ()  # type: ignore[misc]


class PluginManager(pluggy.PluginManager):
    """pluggy's plugin manager for the ``nqengine`` project, attributing failures.

    Registering a plugin wraps each of its hook implementations (see the
    module docstring); a plugin that fails pluggy's validation raises a
    :class:`PluginError` naming it.  ``distributions`` maps the name of each
    plugin loaded from an entry point to its distribution, and
    ``trace_writer`` (a callable taking a line) receives hook traces.
    """

    def __init__(self) -> None:
        super().__init__("nqengine")
        self.add_hookspecs(hookspecs)
        self.distributions: dict[str, Any] = {}  # an entrypoints.Distribution or an importlib.metadata.Distribution
        self.blocked_names: set[str] = set()  # normalised
        self.autoload = True
        self.trace_writer: Callable[[str], Any] | None = None
        self._names: dict[tuple, frozenset[str]] = {}  # names_of, by (name, plugin, distribution)

    def block(self, name: str) -> None:
        """Block ``name`` (a plugin, module, entry-point or distribution name) from registering."""
        self.set_blocked(name)
        self.blocked_names.add(normalize_name(name))

    def blocks(self, *names: str | None) -> str | None:
        """The first of ``names`` that is blocked, if any."""
        for n in names:
            if n and normalize_name(n) in self.blocked_names:
                return n
        return None

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        plugin_name = name or self.get_canonical_name(plugin)
        if self.blocks(plugin_name, getattr(plugin, "__name__", None)):
            return None
        try:
            got = super().register(plugin, name)
        except pluggy.PluginValidationError as exc:
            found = re.search(r"for hook '([^']+)'", str(exc))
            detail = " ".join(str(exc).split())
            raise PluginError(plugin=plugin_name, hook=found.group(1) if found else None, code="plugin_invalid", params={"detail": detail}) from exc
        if got is None:
            return None
        for caller in self.get_hookcallers(plugin) or []:
            spec = caller.spec
            if spec is None:
                continue
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin:
                    _attribute(self, impl, caller.name, spec.argnames)
        return got

    def check_hooks(self) -> None:
        """Fail with :class:`PluginError` when a plugin implements a hook nqengine does not define."""
        for name in dir(self.hook):
            caller = getattr(self.hook, name)
            if not isinstance(caller, pluggy.HookCaller) or caller.has_spec():
                continue
            for impl in caller.get_hookimpls():
                if not impl.optionalhook:
                    raise PluginError(plugin=impl.plugin_name, hook=name, code="plugin_unknown_hook")

    def names_of(self, name: str, plugin: Any) -> set[str]:
        """Every name a plugin answers to, normalised: its own, its module's, its distribution's."""
        key = (name, id(plugin), id(self.distributions.get(name)))
        known = self._names.get(key)
        if known is not None:
            return set(known)
        names = {name, getattr(plugin, "__name__", None) or ""}
        dist = self.distributions.get(name)
        if dist is not None:
            names.add(dist.name)  # reads the distribution's METADATA file: kept below
        out = frozenset(normalize_name(n) for n in names if n)
        self._names[key] = out
        return set(out)


def _import_plugin(ref: str) -> tuple[Any, str]:
    """Import a plugin given as a module name or a path to a .py file; (module, name)."""
    if ref.endswith(".py") or os.sep in ref or (os.altsep and os.altsep in ref):
        path = os.path.abspath(ref)
        stem = os.path.splitext(os.path.basename(path))[0]
        if not os.path.exists(path):
            raise MissingPluginError(plugin=ref, code="plugin_not_found", params={"plugin": ref, "detail": "no such file"})
        modname = "nqengine_local_" + re.sub(r"\W", "_", stem)
        mod_spec = importlib.util.spec_from_file_location(modname, path)
        assert mod_spec and mod_spec.loader
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[modname] = module
        try:
            mod_spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[modname]
            raise PluginError(plugin=stem, code="plugin_load_failed", params={"error": f"{type(exc).__name__}: {exc}"}) from exc
        return module, stem
    try:
        return importlib.import_module(ref), ref
    except ModuleNotFoundError as exc:
        if exc.name and ref.startswith(exc.name):
            raise MissingPluginError(plugin=ref, code="plugin_not_found", params={"plugin": ref, "detail": str(exc)}) from exc
        raise PluginError(plugin=ref, code="plugin_load_failed", params={"error": f"{type(exc).__name__}: {exc}"}) from exc
    except Exception as exc:
        raise PluginError(plugin=ref, code="plugin_load_failed", params={"error": f"{type(exc).__name__}: {exc}"}) from exc


#: The installed plugins' entry points, with the state of the import path they were read from (see _entry_points).
_FOUND: tuple[tuple, list] | None = None


def _path_state() -> tuple:
    """``sys.path`` and the modification time of each of its folders: a package installed or removed changes it."""
    state = []
    for entry in sys.path:
        try:
            state.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            state.append((entry, None))
    return tuple(state)


def _entry_points() -> list[tuple[Any, Any]]:
    """(entry point, distribution) of every installed nqengine plugin, without repeats.

    Read by :func:`nqengine.plugins.entrypoints.scan` (the ``entry_points.txt``
    files :mod:`importlib.metadata` would read, without importing it), or by
    :mod:`importlib.metadata` where the import path holds what only it reads.
    A process that builds many plugin managers (the service, the test suite,
    the fuzzer, a program calling the command line in a loop) reads them again
    only when the import path or one of its folders has changed since (a
    package installed, removed, or a folder added to ``sys.path``).
    """
    global _FOUND
    state = _path_state()
    if _FOUND is not None and _FOUND[0] == state:
        return _FOUND[1]
    from nqengine.plugins import entrypoints  # only when looking for installed plugins

    every = entrypoints.scan(ENTRY_POINT_GROUP)
    if every is None:
        import importlib.metadata  # only where the scan cannot tell: importing it costs ~20 ms (email, socket)

        every = [(ep, dist) for dist in importlib.metadata.distributions() for ep in dist.entry_points if ep.group == ENTRY_POINT_GROUP]
    seen: set[tuple[str, str]] = set()
    found = []
    for ep, dist in every:
        if (ep.name, ep.value) in seen:
            continue
        seen.add((ep.name, ep.value))
        found.append((ep, dist))
    _FOUND = (state, found)
    return found


def _load_entrypoints(pm: PluginManager) -> None:
    for ep, dist in _entry_points():
        if pm.get_plugin(ep.name) is not None or (pm.blocked_names and pm.blocks(ep.name, dist.name, ep.module)):
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginError(plugin=ep.name, code="plugin_load_failed", params={"error": f"{type(exc).__name__}: {exc}"}) from exc
        if pm.is_registered(plugin):
            continue
        pm.distributions[ep.name] = dist
        pm.register(plugin, name=ep.name)


_SHARED: tuple[tuple, "PluginManager"] | None = None


def shared_plugin_manager(plugins: Sequence[str] = ()) -> "PluginManager":
    """A plugin manager for a command run in a process that runs many (the service, ``prove``, a fuzzing run,
    a program or a test calling the command line in a loop): built by :func:`get_plugin_manager`, and given
    again while nothing it was built from has changed.

    Only the default manager is shared (no ``-p``: a plugin file may change between calls).  It is built
    again when the import path or one of its folders changes (a plugin installed or removed), or when
    ``NQENGINE_DISABLE_PLUGIN_AUTOLOAD`` or ``NQENGINE_TRACE_HOOKS`` does.  Building one registers every
    built-in and installed plugin and validates their hooks, and its catalogue is built on first use: a
    few milliseconds each time, which a short command would otherwise pay on every call.
    """
    global _SHARED
    if plugins:
        return get_plugin_manager(plugins)
    key = (_path_state(), os.environ.get("NQENGINE_DISABLE_PLUGIN_AUTOLOAD"), os.environ.get("NQENGINE_TRACE_HOOKS"))
    if _SHARED is not None and _SHARED[0] == key:
        return _SHARED[1]
    pm = get_plugin_manager()
    _SHARED = (key, pm)
    return pm


def get_plugin_manager(
    plugins: Sequence[str] = (),
    *,
    load_entrypoints: bool | None = None,
    block: Iterable[str] = (),
) -> PluginManager:
    """Build a plugin manager: hookspecs, built-ins, installed plugins, then ``plugins``.

    ``plugins`` may hold module names, paths to ``.py`` files, or ``no:NAME``
    to block a plugin (built-in or installed) by its name, module name or
    distribution name — the same syntax as the command line's ``-p``; a
    block wins over a load.  ``load_entrypoints`` defaults to True unless
    ``NQENGINE_DISABLE_PLUGIN_AUTOLOAD`` is set.  Raises
    :class:`~nqengine.errors.PluginError` when a plugin fails to load or to
    validate, :class:`~nqengine.errors.MissingPluginError` when a ``-p``
    plugin cannot be found.
    """
    pm = PluginManager()
    if _truthy("NQENGINE_TRACE_HOOKS"):
        pm.trace_writer = lambda line: sys.stderr.write(line)
    for name in list(block) + [p[3:] for p in plugins if p.startswith("no:")]:
        pm.block(name)
    for name in DEFAULT_PLUGINS:
        modname = DEFAULT_PLUGIN_MODULES[name]
        if not pm.blocks(name, modname):
            pm.register(importlib.import_module(modname), name=name)
    if load_entrypoints is None:
        load_entrypoints = not _truthy("NQENGINE_DISABLE_PLUGIN_AUTOLOAD")
    pm.autoload = load_entrypoints
    if load_entrypoints:
        _load_entrypoints(pm)
    for ref in plugins:
        if ref.startswith("no:"):
            continue
        module, name = _import_plugin(ref)
        if pm.is_registered(module) or pm.blocks(name, module.__name__):
            continue
        pm.register(module, name=name)
    pm.check_hooks()
    return pm


# --------------------------------------------------------------------------
# The catalogue: kinds, fact types, calendars, formats, messages and fields.
# --------------------------------------------------------------------------


class _Provided:
    """An object a plugin registered (a kind, a calendar, a format): its methods are attributed.

    Attribute reads go to the object itself, except those in ``overrides``
    (a kind's ``fields``, extended by other plugins); a method that raises
    becomes a :class:`PluginError` naming the plugin and the hook that
    registered the object.
    """

    def __init__(self, obj: Any, plugin: str, hook: str, overrides: Mapping[str, Any] | None = None):
        self.__dict__.update(overrides or {})
        self._obj, self._plugin, self._hook = obj, plugin, hook

    def __getattr__(self, name: str) -> Any:
        if name in ("_obj", "_plugin", "_hook"):  # not set yet (copy, pickle)
            raise AttributeError(name)
        value = getattr(self._obj, name)
        # evaluate_unit(s) is attributed by the evaluation that calls it, which knows the unit.
        if name.startswith("__") or name in ("evaluate_unit", "evaluate_units") or not callable(value) or isinstance(value, type):
            return value
        plugin, hook = self._plugin, self._hook

        def method(*args: Any, **kwargs: Any) -> Any:
            try:
                out = value(*args, **kwargs)
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError(plugin=plugin, hook=hook, code="plugin_raised", params={"error": f"{type(exc).__name__} in {name}(): {exc}"}) from exc
            if name == "create" and hook == "nqengine_register_calendars":
                return _Provided(out, plugin, hook)
            return out

        method.__wrapped__ = value  # type: ignore[attr-defined]  # inspect.signature sees the real parameters
        return method

    @property
    def wrapped(self) -> Any:
        """The object the plugin registered."""
        return self._obj

    def __repr__(self) -> str:
        return f"<{self._obj!r} from {self._plugin}>"


def _check_item(obj: Any, section: str) -> str | None:
    """Why ``obj`` cannot serve as an item of ``section``, or None."""

    name = getattr(obj, "name", None)
    if not isinstance(name, str) or not name:
        return "no 'name'"
    needs = {
        "kinds": ("evaluate_unit", "consumes", "lint"),
        "fact_types": (),
        "calendars": ("create",),
        "formats": ("render",),
    }[section]
    for method in needs:
        if not callable(getattr(obj, method, None)):
            return f"no method {method}()"
    # ObligationKind.evaluate_unit carries this mark; the kinds' base class lies above this layer.
    if section == "kinds" and getattr(getattr(type(obj), "evaluate_unit", None), "nqengine_unimplemented", False):
        return "evaluate_unit() not implemented"
    if section in ("kinds", "fact_types"):
        fields = getattr(obj, "fields", None)
        if not isinstance(fields, Mapping) or not all(isinstance(k, str) and isinstance(f, Field) for k, f in fields.items()):
            return "'fields' must map names to nqengine.schema.Field"
    return None


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalogue:
    """Everything the registered plugins provide, by name, with who provided it.

    Built once per plugin manager (:func:`catalogue_for`).  ``kinds``,
    ``fact_types``, ``calendars`` and ``formats`` map names to what the last
    registered plugin provided (built-ins first, so plugins override them);
    ``provider`` maps ``(hook, name)`` to the plugin name, and
    ``field_provider`` maps ``(kind, field)`` to the plugin that added an
    obligation field through ``nqengine_obligation_fields``.
    """

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.kinds: dict[str, Any] = {}
        self.fact_types: dict[str, Any] = {}
        self.calendars: dict[str, Any] = {}
        self.formats: dict[str, Any] = {}
        self.provider: dict[tuple[str, str], str] = {}
        self.field_provider: dict[tuple[str, str], str] = {}
        self._calendar_cache: dict[tuple[str, str], Any] = {}
        self._names: tuple[tuple[str, ...], set[str]] | None = None
        self._reserved: set[str] = set()
        for section, hook in _CATALOGUE_HOOKS:
            target = getattr(self, section)
            # get_hookimpls() is in registration order: a later plugin overrides an earlier one.
            for impl in getattr(pm.hook, hook).get_hookimpls():
                for item in impl.function() or ():
                    obj = item() if isinstance(item, type) and section != "fact_types" else item
                    why = _check_item(obj, section)
                    if why is not None:
                        raise PluginError(plugin=impl.plugin_name, hook=hook, code="plugin_bad_item", params={"item": repr(item), "detail": why})
                    target[obj.name] = obj if section == "fact_types" else _Provided(obj, impl.plugin_name, hook)
                    self.provider[(hook, obj.name)] = impl.plugin_name
        self._add_fields(pm)
        self._add_messages(pm)

    def _add_fields(self, pm: pluggy.PluginManager) -> None:
        impls = pm.hook.nqengine_obligation_fields.get_hookimpls()
        if not impls:
            return
        for kind_name, kind in list(self.kinds.items()):
            own = kind.wrapped.fields
            extra: dict[str, Field] = {}
            for impl in impls:
                got = impl.function(kind=kind.wrapped) or {}
                for fname, f in got.items():
                    if not isinstance(fname, str) or not isinstance(f, Field):
                        raise PluginError(plugin=impl.plugin_name, hook="nqengine_obligation_fields", code="plugin_bad_item", params={"item": repr(fname), "detail": "must map a name to nqengine.schema.Field"})
                    if fname in own or fname in extra:
                        other = self.field_provider.get((kind_name, fname)) or self.provider.get(("nqengine_register_obligation_kinds", kind_name)) or "nqengine"
                        raise PluginError(plugin=impl.plugin_name, hook="nqengine_obligation_fields", code="plugin_conflict", params={"name": fname, "kind": kind_name, "other": other})
                    extra[fname] = f
                    self.field_provider[(kind_name, fname)] = impl.plugin_name
            if extra:
                self.kinds[kind_name] = _Provided(kind.wrapped, kind._plugin, kind._hook, {"fields": {**own, **extra}})

    def _add_messages(self, pm: pluggy.PluginManager) -> None:
        for impl in pm.hook.nqengine_register_messages.get_hookimpls():
            for code, pair in (impl.function() or {}).items():
                if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(t, str) and t for t in pair)):
                    raise PluginError(plugin=impl.plugin_name, hook="nqengine_register_messages", code="plugin_bad_item", params={"item": repr(code), "detail": "must be a (vietnamese, english) pair of texts"})
                vi, en = _placeholders(pair[0]), _placeholders(pair[1])
                if vi != en:
                    raise PluginError(plugin=impl.plugin_name, hook="nqengine_register_messages", code="plugin_message_mismatch", params={"name": code, "vi": sorted(vi), "en": sorted(en)})
                MESSAGES[code] = (pair[0], pair[1])

    def reserve(self, section: str, common: Iterable[str]) -> None:
        """Refuse kinds (``section="kinds"``) or fact types (``"fact_types"``) whose fields redefine ``common``.

        The stage that owns the common keys passes them in — the spec loader its
        obligation keys (``id``, ``deadline``...), the facts loader its fact keys
        (``id``, ``date``...) — before it uses the catalogue; a kind, fact type or
        ``nqengine_obligation_fields`` plugin that redefines one fails with a
        :class:`PluginError` naming the plugin.  Checked once per section.
        """
        if section in self._reserved:
            return
        common = set(common)
        hook = {"kinds": "nqengine_register_obligation_kinds", "fact_types": "nqengine_register_fact_types"}[section]
        for name, obj in getattr(self, section).items():
            own = obj.wrapped.fields if section == "kinds" else obj.fields
            clash = common & set(own)
            if clash:
                raise PluginError(plugin=self.provider[(hook, name)], hook=hook, code="plugin_bad_item", params={"item": repr(obj.wrapped if section == "kinds" else obj), "detail": f"'fields' redefines {', '.join(sorted(clash))}"})
            if section == "kinds":
                for fname in sorted(common & set(obj.fields)):
                    plugin = self.field_provider[(name, fname)]
                    raise PluginError(plugin=plugin, hook="nqengine_obligation_fields", code="plugin_conflict", params={"name": fname, "kind": name, "other": "nqengine"})
        self._reserved.add(section)

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
        """Every name a registered plugin answers to, normalised (see :func:`normalize_name`)."""
        registered = self.pm.list_name_plugin()
        key = tuple(name for name, plugin in registered if plugin is not None)
        if self._names is not None and self._names[0] == key:
            return self._names[1]
        names: set[str] = set()
        for name, plugin in registered:
            if plugin is None:
                continue
            if isinstance(self.pm, PluginManager):
                names |= self.pm.names_of(name, plugin)
            else:
                names.add(normalize_name(name))
        self._names = (key, names)
        return names

    def require(self, spec: Any) -> None:
        """Fail with :class:`MissingPluginError` when a plugin the spec declares is absent."""
        require_plugins(self.pm, spec.plugins, spec.id, have=self.plugin_names())


def require_plugins(pm: pluggy.PluginManager, needed: Iterable[str], spec_id: str, *, have: set[str] | None = None) -> None:
    """Fail with :class:`MissingPluginError` naming the first of ``needed`` that ``pm`` lacks.

    The message says whether the plugin is blocked (``-p no:NAME``),
    installed but not loaded (autoload disabled), or not installed.
    """
    if have is None:
        have = catalogue_for(pm).plugin_names()
    for needed_name in needed:
        if normalize_name(needed_name) in have:
            continue
        blocked = pm.blocks(needed_name) if isinstance(pm, PluginManager) else None
        if blocked is None and isinstance(pm, PluginManager):
            for ep, dist in _entry_points():
                if normalize_name(needed_name) in {normalize_name(n) for n in (ep.name, dist.name, ep.module)}:
                    blocked = pm.blocks(ep.name, dist.name, ep.module)
                    if blocked is None and not pm.autoload:
                        raise MissingPluginError(plugin=needed_name, code="spec_needs_unloaded_plugin", params={"spec": spec_id, "plugin": needed_name, "module": ep.module})
        if blocked is not None:
            raise MissingPluginError(plugin=needed_name, code="spec_needs_blocked_plugin", params={"spec": spec_id, "plugin": needed_name, "blocked": blocked})
        raise MissingPluginError(plugin=needed_name, code="spec_needs_plugin", params={"spec": spec_id, "plugin": needed_name})


def declared_plugins(path: str | os.PathLike[str]) -> tuple[str | None, list[str]]:
    """(spec id, plugins) a spec file declares, read without validating it; ``(None, [])`` when unreadable.

    The command line checks these before loading the spec, so that a spec
    using a missing plugin's kinds fails with the plugin's name rather than
    with "unknown kind".
    """

    name = os.fspath(path)
    if os.path.isdir(name):
        name = os.path.join(name, "plan.yaml")
    try:
        root = compose_file(name)
    except (InputError, OSError):
        return None, []
    if root.kind != "map":
        return None, []
    node, sid = root.get("plugins"), root.get("id")
    value = to_python(node) if node is not None else []
    plugins = [str(p) for p in value] if isinstance(value, list) else [str(value)] if isinstance(value, str) else []
    spec_id = str(sid.value) if sid is not None and sid.kind == "scalar" else os.path.basename(os.path.dirname(os.path.abspath(name)))
    return spec_id, plugins


def catalogue_for(pm: pluggy.PluginManager) -> Catalogue:
    """The catalogue of ``pm``, built once and kept on the manager."""
    cat = getattr(pm, "_nqengine_catalogue", None)
    if cat is None:
        cat = Catalogue(pm)
        pm._nqengine_catalogue = cat  # type: ignore[attr-defined]
    return cat


def list_plugins(pm: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Each registered plugin with its distribution, version, hooks, and what it adds."""
    cat = catalogue_for(pm)
    dists = getattr(pm, "distributions", {})
    out = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist = dists.get(name) or _dist_of_module(getattr(plugin, "__name__", ""))
        version = dist.version if dist else getattr(plugin, "__version__", None)
        if version is None and name.startswith("nqengine."):
            version = __version__
        adds = {
            section: sorted(n for (h, n), who in cat.provider.items() if who == name and h == hook)
            for section, hook in _CATALOGUE_HOOKS
        }
        fields = sorted({f for (_, f), who in cat.field_provider.items() if who == name})
        out.append(
            {
                "name": name,
                "distribution": dist.name if dist else None,
                "version": version,
                "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or []),
                **adds,
                "obligation_fields": fields,
            }
        )
    return out


def _dist_of_module(module: str) -> Any:
    """The installed distribution that provides top-level ``module`` (for plugins loaded with ``-p``)."""
    import importlib.metadata  # only to list plugins: importing it costs ~20 ms (email, socket)

    top = module.split(".")[0]
    if not top or top == "nqengine":
        return None
    for dist_name in importlib.metadata.packages_distributions().get(top, []):
        try:
            return importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover
            continue
    return None
