"""A pytest plugin: spec examples as test items, and fixtures for the engine.

Installed with nqengine (entry point ``pytest11``), so a repository of spec
files is tested with plain ``pytest``: every spec file whose name matches
``nqengine_spec_files`` (default ``plan.yaml``) and that carries
``examples:`` becomes a collector with one item per example; a failing item
shows each expected status against the actual one, with the verdict
explained.  A malformed spec or example is a collection error showing every
problem as ``file:line:column``.

``pyproject.toml`` (or any pytest configuration file)::
    [tool.pytest.ini_options]
    nqengine_spec_files = ["plan.yaml", "*.plan.yaml"]   # globs of file names
    nqengine_plugins = ["my_nqengine_plugin"]            # plugins the specs need
    nqengine_prove = true                                # also run 'prove' per spec
    nqengine_prove_examples = 25

Fixtures: ``nqengine_pm`` (the plugin manager, once per session),
``nqengine_load`` (load a spec folder: spec, registry, facts),
``nqengine_evaluate`` (evaluate from objects or paths) and ``nqengine_prove``
(run ``prove`` on a spec and fail the test on a counterexample).  Disable the
plugin with ``-p no:nqengine``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nqengine import api
from nqengine.errors import InputError
from nqengine.plugins.manager import get_plugin_manager
from nqengine.spec.load import load_spec
from nqengine.testing.examples import load_examples, render_result, run_example
from nqengine.testing.prove import prove, render_report

_LOOKS_LIKE_SPEC = re.compile(r"^nqengine\s*:", re.MULTILINE)
_HAS_EXAMPLES = re.compile(r"^examples\s*:", re.MULTILINE)
_PM_KEY = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("nqengine_spec_files", "globs of spec file names whose examples are collected", type="linelist", default=["plan.yaml"])
    parser.addini("nqengine_plugins", "nqengine plugins (modules or .py paths) the specs need", type="linelist", default=[])
    parser.addini("nqengine_prove", "also collect one 'nqengine prove' item per spec file", type="bool", default=False)
    parser.addini("nqengine_prove_examples", "generated cases per check for 'prove' items", default="25")


def _pm(config: pytest.Config) -> Any:
    pm = config.stash.get(_PM_KEY, None)
    if pm is None:
        pm = get_plugin_manager(config.getini("nqengine_plugins"))
        config.stash[_PM_KEY] = pm
    return pm


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    globs = parent.config.getini("nqengine_spec_files")
    if not any(fnmatch.fnmatch(file_path.name, g) for g in globs):
        return None
    try:
        head = file_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if not _LOOKS_LIKE_SPEC.search(head):  # another tool's plan.yaml
        return None
    if not _HAS_EXAMPLES.search(head) and not parent.config.getini("nqengine_prove"):
        return None
    return SpecFile.from_parent(parent, path=file_path)


class SpecFileError(Exception):
    """A spec or its examples are malformed: the located problems, rendered."""


class SpecFile(pytest.File):
    """A spec file: one item per example (and one 'prove' item if asked)."""

    def collect(self):
        pm = _pm(self.config)
        try:
            spec = load_spec(self.path, pm=pm)
            examples = load_examples(spec, pm)
        except InputError as exc:
            raise SpecFileError(exc.render("en")) from None
        for ex in examples:
            yield ExampleItem.from_parent(self, name=ex.name, spec=spec, example=ex)
        if self.config.getini("nqengine_prove"):
            yield ProveItem.from_parent(self, name="prove", spec=spec)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, SpecFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ExampleFailure(Exception):
    pass


class ExampleItem(pytest.Item):
    """One worked example: passes when every expected status is the actual one."""

    def __init__(self, *, spec: Any, example: Any, **kw: Any):
        super().__init__(**kw)
        self.spec, self.example = spec, example

    def runtest(self) -> None:
        result = run_example(self.spec, self.example, _pm(self.config))
        if not result.passed:
            raise ExampleFailure(render_result(result, "en"))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ExampleFailure):
            return f"example {self.example.name!r}:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        line = self.example.source.line - 1 if self.example.source else None
        return self.path, line, f"example: {self.example.name}"


class ProveItem(pytest.Item):
    """``nqengine prove`` on the spec: fails with the shrunk counterexamples."""

    def __init__(self, *, spec: Any, **kw: Any):
        super().__init__(**kw)
        self.spec = spec

    def runtest(self) -> None:
        report = prove(self.spec, _pm(self.config), max_examples=int(self.config.getini("nqengine_prove_examples")))
        if not report.passed:
            raise ExampleFailure(render_report(report, "en"))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ExampleFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, 0, "nqengine prove"


# -- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def nqengine_pm(pytestconfig: pytest.Config) -> Any:
    """The nqengine plugin manager, with the plugins of ``nqengine_plugins``."""
    return _pm(pytestconfig)


@pytest.fixture
def nqengine_load(nqengine_pm: Any) -> Callable[..., tuple[Any, Any, list]]:
    """``load(folder)`` → (spec, registry, facts) from plan.yaml, registry.yaml, facts.yaml."""
    return lambda folder: api.load_folder(folder, pm=nqengine_pm)


@pytest.fixture
def nqengine_evaluate(nqengine_pm: Any) -> Callable[..., Any]:
    """``evaluate(spec, registry, facts, as_of)``; each of the first three may be a path."""
    def evaluate(spec: Any, registry: Any, facts: Any, as_of: Any) -> Any:
        if isinstance(spec, (str, Path)):
            spec = api.load_spec(spec, pm=nqengine_pm)
        if isinstance(registry, (str, Path)):
            registry = api.load_registry(registry)
        if isinstance(facts, (str, Path)):
            facts = api.load_facts(facts, pm=nqengine_pm)
        return api.evaluate(spec, registry, list(facts), as_of, pm=nqengine_pm)

    return evaluate


@pytest.fixture
def nqengine_prove(nqengine_pm: Any) -> Callable[..., Any]:
    """``prove(spec, max_examples=25, seed=None, only=())``: fails the test on a counterexample; returns the report."""
    def run(spec: Any, *, max_examples: int = 25, seed: int | None = None, only: tuple = ()) -> Any:
        if isinstance(spec, (str, Path)):
            spec = api.load_spec(spec, pm=nqengine_pm)
        report = prove(spec, nqengine_pm, seed=seed, max_examples=max_examples, only=only)
        if not report.passed:
            pytest.fail(render_report(report, "en"), pytrace=False)
        return report

    return run
