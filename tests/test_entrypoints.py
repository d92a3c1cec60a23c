"""Installed plugins found without importing importlib.metadata (``nqengine.plugins.entrypoints``).

The scan must find what :func:`importlib.metadata.distributions` finds — the
same entry points, of the same distributions, in the same order — or say it
cannot (None), for the caller to ask importlib.metadata.  Compared here on
this environment's installed packages and on made-up folders of
distributions; and a command's plugins are found without importing it.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from nqengine.plugins import entrypoints


def _ours(group: str) -> list[tuple]:
    found = entrypoints.scan(group)
    assert found is not None
    return [(ep.name, ep.value, ep.group, ep.module, dist.name, dist.version) for ep, dist in found]


def _library(group: str) -> list[tuple]:
    return [(ep.name, ep.value, ep.group, ep.module, dist.metadata["Name"], dist.version)
            for dist in importlib.metadata.distributions() for ep in dist.entry_points if ep.group == group]


@pytest.mark.parametrize("group", ["nqengine", "console_scripts", "pytest11", "hypothesis"])
def test_this_environments_entry_points_are_the_libraries(group):
    assert _ours(group) == _library(group)
    if group == "nqengine":
        assert {name for name, *_ in _ours(group)} >= {"nqengine-attendance", "nqengine-ordering"}


def _dist(folder: Path, dirname: str, entry_points: str | None, name: str, version: str = "1.0", metadata: str = "METADATA") -> None:
    d = folder / dirname
    d.mkdir(parents=True)
    (d / metadata).write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: x: y\n\nName: not a header\n", encoding="utf-8")
    if entry_points is not None:
        (d / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")


@pytest.fixture
def made_up(tmp_path, monkeypatch):
    """Two folders of made-up distributions on sys.path (before the real ones)."""
    a, b = tmp_path / "a", tmp_path / "b"
    _dist(a, "plugin_one-1.0.dist-info", """
        # a comment
        [console_scripts]
        one = plugin_one.cli:main

        [nqengine]
        one = plugin_one
        one-nested = plugin_one.sub:Thing.attr [extra1, extra2]
          # another comment
        [other]
        x = y
        """, "plugin-one", "1.0")
    _dist(a, "Plugin.Two-2.0.dist-info", "[nqengine]\ntwo=plugin_two:hooks\n", "Plugin.Two", "2.0")
    _dist(a, "no_entry_points-1.0.dist-info", None, "no-entry-points")
    _dist(a, "legacy-0.1.egg-info", "[nqengine]\nlegacy = legacy_mod\n", "legacy", "0.1", metadata="PKG-INFO")
    _dist(b, "plugin_one-0.9.dist-info", "[nqengine]\none = plugin_one_old\n", "plugin-one", "0.9")  # the same, older, further down
    (a / "not-metadata.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(a), str(tmp_path / "missing"), str(b), *sys.path])
    return a, b


def test_made_up_distributions_read_as_the_library_reads_them(made_up):
    ours = _ours("nqengine")
    assert ours == _library("nqengine")
    mine = {row[:2]: row for row in ours[:5]}  # a folder's own order is the file system's: the first folder's come first
    assert set(mine) == {("one", "plugin_one"), ("one-nested", "plugin_one.sub:Thing.attr [extra1, extra2]"),
                         ("two", "plugin_two:hooks"), ("legacy", "legacy_mod"), ("one", "plugin_one_old")}
    assert ours[4][:2] == ("one", "plugin_one_old")
    assert mine["one-nested", "plugin_one.sub:Thing.attr [extra1, extra2]"][3] == "plugin_one.sub"
    assert mine["two", "plugin_two:hooks"][4:] == ("Plugin.Two", "2.0") and mine["legacy", "legacy_mod"][4:] == ("legacy", "0.1")
    assert _ours("console_scripts")[0][:2] == ("one", "plugin_one.cli:main")


def test_an_entry_point_loads_the_object_it_names(made_up, tmp_path, monkeypatch):
    a, _ = made_up
    pkg = a / "plugin_one"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub.py").write_text("class Thing:\n    attr = 42\n", encoding="utf-8")
    monkeypatch.delitem(sys.modules, "plugin_one", raising=False)
    monkeypatch.delitem(sys.modules, "plugin_one.sub", raising=False)
    nested = next(ep for ep, _ in entrypoints.scan("nqengine") if ep.name == "one-nested")
    assert nested.load() == 42 and nested.attr == "Thing.attr"
    assert next(ep for ep, _ in entrypoints.scan("nqengine") if ep.name == "one").load() is sys.modules["plugin_one"]


def test_what_only_the_library_reads_is_left_to_it(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
        z.writestr("zipped-1.0.dist-info/entry_points.txt", "[nqengine]\nzipped = zipped\n")
    monkeypatch.setattr(sys, "path", [str(archive), *sys.path])
    assert entrypoints.scan("nqengine") is None  # a zip archive on the path
    monkeypatch.setattr(sys, "path", sys.path[1:])
    eggs = tmp_path / "eggs"
    (eggs / "old-1.0-py3.11.egg" / "EGG-INFO").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(eggs), *sys.path])
    assert entrypoints.scan("nqengine") is None  # an egg
    monkeypatch.setattr(sys, "path", [str(eggs / "old-1.0-py3.11.egg"), *sys.path[1:]])
    assert entrypoints.scan("nqengine") is None  # an egg as a folder of the path
    monkeypatch.setattr(sys, "path", sys.path[1:])

    class Finder:
        @staticmethod
        def find_distributions(context=None):
            return iter(())

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    assert entrypoints.scan("nqengine") is None  # a finder of distributions of its own


def test_the_manager_falls_back_to_the_library(monkeypatch):
    from nqengine.plugins import manager

    monkeypatch.setattr(entrypoints, "scan", lambda group: None)
    monkeypatch.setattr(manager, "_FOUND", None)
    found = manager._entry_points()
    assert [(ep.name, ep.value, dist.name) for ep, dist in found] == [(n, v, d) for n, v, _, _, d, _ in _library("nqengine")]
    monkeypatch.setattr(manager, "_FOUND", None)


def test_a_command_finds_its_plugins_without_importing_importlib_metadata():
    code = textwrap.dedent("""
        import sys
        from nqengine.plugins.manager import get_plugin_manager, list_plugins
        pm = get_plugin_manager()
        names = sorted(n for n, _ in pm.list_name_plugin())
        print("importlib.metadata" in sys.modules, "nqengine-ordering" in names, "nqengine-attendance" in names)
        listed = {p["name"]: (p["distribution"], p["version"]) for p in list_plugins(pm)}
        print(listed["nqengine-ordering"])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["False True True", "('nqengine-ordering', '0.1.0')"]
