"""Installed plugins found from their ``entry_points.txt``, without importing :mod:`importlib.metadata`.

Every command looks for installed plugins (the ``nqengine`` entry-point
group).  :func:`importlib.metadata.distributions` finds them, but importing
:mod:`importlib.metadata` imports the :mod:`email` package and :mod:`socket`
with it (about 20 ms), and it reads every installed distribution: a fifth of
what a short command such as ``nqengine check`` takes.  :func:`scan` reads
what that function reads for entry points — the ``*.dist-info`` and
``*.egg-info`` folders of each folder of ``sys.path``, in the same order —
and parses ``entry_points.txt`` the same way (sections, ``name = value``,
``#`` comments).  A distribution's name and version come from its ``METADATA``
(``PKG-INFO``) headers, read only when asked for; ``metadata`` gives the
whole :class:`importlib.metadata.Distribution` when something needs more.

Where the import path holds what only :mod:`importlib.metadata` knows how to
read — a zip archive, an ``.egg``, a finder of its own on ``sys.meta_path`` —
:func:`scan` returns None and the caller asks :mod:`importlib.metadata`.
``tests/test_entrypoints.py`` compares the two.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any

__all__ = ["EntryPoint", "Distribution", "scan"]

#: ``module[:attr][ [extras]]``, as importlib.metadata reads an entry point's value.
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class EntryPoint:
    """One entry point: ``name = value`` in ``group``."""

    __slots__ = ("name", "value", "group")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name, self.value, self.group = name, value, group

    @property
    def module(self) -> str:
        m = _VALUE.match(self.value)
        return m.group("module") if m else self.value

    @property
    def attr(self) -> str | None:
        m = _VALUE.match(self.value)
        return m.group("attr") if m else None

    def load(self) -> Any:
        """The object the entry point names, imported (as ``importlib.metadata.EntryPoint.load``)."""
        m = _VALUE.match(self.value)
        if m is None:
            raise ValueError(f"not an entry point: {self.value!r}")
        obj = importlib.import_module(m.group("module"))
        for part in filter(None, (m.group("attr") or "").split(".")):
            obj = getattr(obj, part)
        return obj

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


class Distribution:
    """An installed distribution's ``.dist-info`` (or ``.egg-info``) folder; its headers read when first asked for."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._headers: dict[str, str] | None = None

    def _header(self, key: str) -> str | None:
        if self._headers is None:
            self._headers = {}
            for name in ("METADATA", "PKG-INFO"):
                try:
                    with open(os.path.join(self.path, name), encoding="utf-8", errors="replace") as fh:
                        for line in fh:
                            if not line.strip():
                                break  # the headers end at the first blank line
                            k, sep, v = line.partition(":")
                            if sep and not line[0].isspace():
                                self._headers.setdefault(k.strip().lower(), v.strip())
                    break
                except OSError:
                    continue
        return self._headers.get(key)

    @property
    def name(self) -> str:
        return self._header("name") or os.path.basename(self.path).rpartition(".")[0].partition("-")[0]

    @property
    def version(self) -> str | None:
        return self._header("version")

    @property
    def metadata(self) -> Any:
        """The distribution's metadata, parsed by :mod:`importlib.metadata` (imported now)."""
        import importlib.metadata  # only when asked: importing it is what this module avoids
        import pathlib  # with it

        return importlib.metadata.PathDistribution(pathlib.Path(self.path)).metadata

    def __repr__(self) -> str:
        return f"Distribution({self.path!r})"


def _standard_finders_only() -> bool:
    """Whether the only finder of distributions on ``sys.meta_path`` is the standard path finder."""
    import importlib.machinery  # already imported by the interpreter: no cost, and only here

    return all(f is importlib.machinery.PathFinder or not hasattr(f, "find_distributions") for f in sys.meta_path)


def scan(group: str) -> list[tuple[EntryPoint, Distribution]] | None:
    """(entry point, distribution) of ``group`` in every distribution on ``sys.path``, in
    :func:`importlib.metadata.distributions`' order; None when only :mod:`importlib.metadata` can tell."""
    if not _standard_finders_only():
        return None
    found: list[tuple[EntryPoint, Distribution]] = []
    for entry in sys.path:
        root = entry or "."
        if root.lower().endswith(".egg"):
            return None  # an egg on the path itself: importlib.metadata reads its EGG-INFO
        try:
            children = os.listdir(root)
        except NotADirectoryError:
            return None  # a zip archive on the path
        except OSError:
            if os.path.exists(root):
                return None  # there, but not a folder we can list
            continue  # not there: nothing to find (importlib.metadata finds nothing either)
        # importlib.metadata groups a folder's metadata folders by normalised name, in the order first listed
        groups: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith(".egg"):
                return None  # an egg: importlib.metadata reads its EGG-INFO
            if low.endswith((".dist-info", ".egg-info")):
                name = low.rpartition(".")[0].partition("-")[0]
                groups.setdefault(re.sub(r"[-_.]+", "_", name), []).append(child)
        for children_of_name in groups.values():
            for child in children_of_name:
                path = os.path.join(root, child)
                eps = _entry_points(os.path.join(path, "entry_points.txt"), group)
                if eps:
                    dist = Distribution(path)
                    found.extend((ep, dist) for ep in eps)
    return found


def _entry_points(path: str, group: str) -> list[EntryPoint]:
    """The entry points of ``group`` in an ``entry_points.txt`` (none when it is missing)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return []
    out, section = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):  # importlib.metadata's comments (not ";")
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")  # as importlib.metadata reads a section's name
            continue
        if section != group:
            continue
        name, sep, value = line.partition("=")
        if sep:  # a line without "=" is skipped (importlib.metadata raises TypeError on it)
            out.append(EntryPoint(name.strip(), value.strip(), section))
    return out
