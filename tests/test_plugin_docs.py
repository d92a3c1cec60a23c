"""docs/plugins.md documents every hook, with its exact signature and an example that runs.

Fails when a hook of ``nqengine.hookspecs`` has no section in docs/plugins.md, when
the section's signature differs from the hookspec, when its example does not
implement the hook or does not run, and when no test exercises the hook.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from nqengine.plugins import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "plugins.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```python\n(.*?)^```", TEXT, flags=re.S | re.M)
SETUP = next(b for b in BLOCKS if b.startswith("# setup:"))
HOOKS = sorted(name for name, fn in vars(hookspecs).items() if name.startswith("nqengine_") and hasattr(fn, "nqengine_spec"))


def call_signature(name: str) -> str:
    return f"{name}({', '.join(inspect.signature(getattr(hookspecs, name)).parameters)})"


def typed_signature(name: str) -> str:
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}".replace('"', "").replace("'", "")


def section(name: str) -> str:
    heading = f"### {call_signature(name)}\n"
    assert heading in TEXT, f"docs/plugins.md has no section '{heading.strip()}'"
    rest = TEXT.split(heading, 1)[1]
    return re.split(r"^#{2,3} ", rest, flags=re.M)[0]


def run_example(code: str) -> None:
    namespace: dict = {"__name__": "docs_example"}
    exec(compile(SETUP, "docs/plugins.md (setup)", "exec"), namespace)
    exec(compile(code, "docs/plugins.md", "exec"), namespace)


def test_hooks_are_found():
    assert "nqengine_evaluate_obligation" in HOOKS and "nqengine_extra_findings" in HOOKS
    assert len(HOOKS) >= 10


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_exact_signature(hook):
    text = section(hook)
    assert f"`{typed_signature(hook)}`" in text, f"signature of {hook} in docs/plugins.md differs from hookspecs.py: {typed_signature(hook)}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_runnable_example(hook):
    examples = [b for b in re.findall(r"^```python\n(.*?)^```", section(hook), flags=re.S | re.M) if f"def {hook}(" in b]
    assert examples, f"the section of {hook} has no example implementing it"
    for code in examples:
        run_example(code)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_python_block_runs(index):
    if BLOCKS[index] is SETUP:
        run_example("")
    else:
        run_example(BLOCKS[index])


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_tested(hook):
    """Some test (here or in a plugin package) implements or names the hook, outside this file."""
    files = [*sorted((ROOT / "tests").glob("test_*.py")), *sorted((ROOT / "plugins").glob("*/tests/test_*.py"))]
    users = [f.name for f in files if f.name != Path(__file__).name and hook in f.read_text(encoding="utf-8")]
    assert users, f"no test exercises {hook}"


def test_documented_hooks_exist():
    documented = re.findall(r"^### (nqengine_\w+)\(", TEXT, flags=re.M)
    assert sorted(documented) == HOOKS
