"""The plugin packages in plugins/: each an installable distribution with its own tests.

Each package's tests live in its own ``tests/`` folder, so that the package can be
published and tested alone; this module runs them from the root test run, each in
a fresh interpreter with the package folder as root (its own conftest.py and
settings), and checks the packaging itself.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())


def test_there_are_two_plugin_packages():
    assert [p.name for p in PACKAGES] == ["nqengine-attendance", "nqengine-ordering"]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_package_tests_pass(package):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NQENGINE_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=package, capture_output=True, text=True, encoding="utf-8", env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout.splitlines()[-1]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_package_metadata(package):
    name, module = package.name, package.name.replace("-", "_")
    pyproject = (package / "pyproject.toml").read_text(encoding="utf-8")
    assert 'build-backend = "setuptools.build_meta"' in pyproject
    assert f'[project.entry-points.nqengine]\n{name} = "{module}"' in pyproject  # named like the distribution
    assert (package / "src" / module / "__init__.py").exists() and (package / "src" / module / "py.typed").exists()
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a setup mistake, said plainly
        pytest.fail(f"{name} is not installed: run python -m pip install ./plugins/{name}")
    assert f'version = "{dist.version}"' in pyproject, "the installed version is not this folder's: reinstall it"
    assert [(ep.name, ep.value) for ep in dist.entry_points if ep.group == "nqengine"] == [(name, module)]
    assert any(r.startswith("nqengine") for r in dist.requires or [])
    assert importlib.import_module(module).__version__ == dist.version
    assert importlib.import_module(module).PLUGIN_NAME == name


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_readme_in_vietnamese_and_english(package):
    text = (package / "README.md").read_text(encoding="utf-8")
    assert "## Tiếng Việt" in text and "## English" in text
    assert f"python -m pip install ./plugins/{package.name}" in text
    assert "specs/plugin-demo" in text


def test_readme_and_ci_install_both_packages():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = 'python -m pip install ".[test]" ./plugins/nqengine-attendance ./plugins/nqengine-ordering && python -m pytest -q'
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
