"""The layered layout (docs/architecture.md), checked.

- The import-linter contracts of ``pyproject.toml``: each stage imports only
  the stages below it, and no two modules of one stage import each other in a
  cycle.  A wrong-way import fails here with the two modules and the line.
- No import is hidden inside a function unless it says why on its line or the
  line above (an optional dependency, a real start-up cost), and no module of
  the package imports the package's own facade (``import nqengine``).
- The module paths of 0.1 still import, with a ``DeprecationWarning`` naming
  the new path, and give the very same objects.
"""

from __future__ import annotations

import ast
import importlib
import io
import sys
import warnings
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import nqengine

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(nqengine.__file__).resolve().parent


def test_import_linter_contracts_are_kept():
    out = io.StringIO()
    with redirect_stdout(out):
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, out.getvalue()


def test_every_module_of_the_package_is_in_a_layer():
    """A new module or subpackage must be placed in the layers of pyproject.toml, or the contract does not see it."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    layers = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"][0]["layers"]
    names = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(names - set(layers) - {"__init__", "_compat", "_version"}) == []


def _function_level_imports(path: Path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, lines
            yield from walk(child, inside)

    yield from walk(tree, False)


def _has_reason(node, lines) -> bool:
    above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
    own = lines[node.lineno - 1 : node.end_lineno]
    return above.startswith("#") or any("#" in line for line in own)


def test_no_import_inside_a_function_without_a_stated_reason():
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node, lines in _function_level_imports(path):
            if not _has_reason(node, lines):
                bare.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert not bare, "imports inside functions with no reason given:\n" + "\n".join(bare)


def test_no_module_imports_the_package_facade():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name == "nqengine" for a in node.names):
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "nqengine" and node.level == 0:
                for alias in node.names:  # `from nqengine import api` names a module: allowed
                    if not (PACKAGE / alias.name).is_dir() and not (PACKAGE / f"{alias.name}.py").is_file():
                        offenders.append(f"{path.name}:{node.lineno}: {alias.name}")
    assert not offenders, offenders


def test_the_import_check_sees_a_bare_function_level_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from nqengine.cli import main\n    return main\n\n\ndef g():\n    import json  # a reason\n    return json\n")
    found = [(n.lineno, _has_reason(n, lines)) for n, lines in _function_level_imports(sample)]
    assert found == [(2, False), (7, True)]


OLD_PATHS = [
    ("nqengine.engine", "evaluate", "nqengine.evaluation.engine"),
    ("nqengine.hookspecs", "hookimpl", "nqengine.plugins.hookspecs"),
    ("nqengine.kinds", "ObligationKind", "nqengine.evaluation.kinds"),
    ("nqengine.kinds.study", "StudySession", "nqengine.evaluation.kinds.study"),
    ("nqengine.facts", "FactType", "nqengine.inputs.facts"),
    ("nqengine.facts", "load_facts", "nqengine.inputs.load"),
    ("nqengine.registry", "load_registry", "nqengine.inputs.load"),
    ("nqengine.registry", "load_registry_text", "nqengine.inputs.registry"),
    ("nqengine.bulk", "load_facts_bulk", "nqengine.inputs.bulk"),
    ("nqengine.bulk.write", "write_evaluation_json", "nqengine.render.formats"),
    ("nqengine.bulk.write", "write_registry", "nqengine.inputs.bulk.write"),
    ("nqengine.formats", "render_json", "nqengine.render.formats"),
    ("nqengine.incremental", "IncrementalEvaluation", "nqengine.evaluation.incremental"),
    ("nqengine.spec_dump", "dump_spec", "nqengine.spec.dump"),
    ("nqengine.prove", "prove", "nqengine.testing.prove"),
]


@pytest.mark.parametrize("old, name, new", OLD_PATHS, ids=[f"{o}.{n}" for o, n, _ in OLD_PATHS])
def test_old_import_paths_work_for_one_release_with_a_warning(old, name, new):
    for mod in [m for m in sys.modules if m == old or m.startswith(old + ".")]:
        del sys.modules[mod]
    with pytest.warns(DeprecationWarning, match=rf"{old} moved to "):
        module = importlib.import_module(old)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert getattr(module, name) is getattr(importlib.import_module(new), name)


def test_from_old_package_import_submodule_works():
    for mod in [m for m in sys.modules if m.startswith("nqengine.kinds")]:
        del sys.modules[mod]
    with pytest.warns(DeprecationWarning):
        from nqengine.kinds import study  # noqa: F401  (the old spelling of a plugin's import)
    from nqengine.evaluation.kinds.study import StudySession

    assert study.StudySession is StudySession


def test_public_api_is_unchanged():
    for name in nqengine.__all__:
        assert hasattr(nqengine, name), name
    assert callable(nqengine.evaluate) and callable(nqengine.load_folder)
