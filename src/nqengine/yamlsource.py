"""A strict YAML reader that keeps every value's position.

nqengine never calls ``yaml.load``: it reads the event stream (with libyaml's C
parser when present) and builds a small tree of :class:`Node` objects, each
knowing its file, line and column.  On the way it rejects what a spec author
should never rely on: duplicate keys, anchors and aliases (which can expand
without bound), and any tag outside YAML's core schema.  PyYAML's global
loaders are left untouched.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import yaml

from nqengine.errors import InputError, Problem, SpecError

__all__ = ["Node", "compose_file", "compose_text", "to_python"]

try:  # libyaml is several times faster on large registries and fact files
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_RESOLVER = yaml.resolver.Resolver()
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


class Node:
    """A YAML value with its position.

    ``kind`` is "map", "seq" or "scalar".  For a map, ``value`` is a list of
    ``(key_node, value_node)`` pairs in file order; for a sequence, a list of
    nodes; for a scalar, the raw text, with ``tag`` saying what YAML's core
    schema resolves it to (``str``, ``int``, ``float``, ``bool``, ``null`` or
    ``timestamp``).  Quoted scalars are always ``str``.
    """

    __slots__ = ("kind", "value", "tag", "file", "line", "column")

    def __init__(self, kind: str, value: Any, tag: str, file: str, line: int, column: int):
        self.kind, self.value, self.tag = kind, value, tag
        self.file, self.line, self.column = file, line, column

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.tag}, {self.file}:{self.line}:{self.column})"

    def items(self) -> Iterator[tuple["Node", "Node"]]:
        return iter(self.value)

    def get(self, key: str) -> "Node | None":
        """The value node under ``key`` in a map, or None."""
        if self.kind != "map":
            return None
        for k, v in self.value:
            if k.kind == "scalar" and k.value == key:
                return v
        return None

    def problem(self, code: str, path: str = "", **params: Any) -> Problem:
        return Problem(self.file, self.line, self.column, path, code, params)


def _short_tag(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


def _compose(events: Iterator[Any], file: str, problems: list[Problem]) -> Node | None:
    """Build the tree from parser events; record problems instead of raising."""
    root: Node | None = None
    stack: list[tuple[Node, list]] = []  # (container node, pending key for maps)
    documents = 0

    def mark(ev: Any) -> tuple[int, int]:
        return ev.start_mark.line + 1, ev.start_mark.column + 1

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, pending = stack[-1]
        if parent.kind == "seq":
            parent.value.append(node)
        elif not pending:
            pending.append(node)
        else:
            key = pending.pop()
            parent.value.append((key, node))

    for ev in events:
        if isinstance(ev, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                line, col = mark(ev)
                problems.append(Problem(file, line, col, "", "multiple_documents"))
                return root
        elif isinstance(ev, yaml.AliasEvent):
            line, col = mark(ev)
            problems.append(Problem(file, line, col, "", "alias_forbidden", {"name": "*" + str(ev.anchor)}))
            attach(Node("scalar", None, "null", file, line, col))
        elif isinstance(ev, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            line, col = mark(ev)
            if ev.anchor is not None:
                problems.append(Problem(file, line, col, "", "alias_forbidden", {"name": "&" + str(ev.anchor)}))
            tag = ev.tag
            if tag is not None and tag not in ("!", *_CORE_TAGS):
                problems.append(Problem(file, line, col, "", "unsafe_tag", {"tag": tag}))
                tag = None
            if isinstance(ev, yaml.ScalarEvent):
                if tag in (None, "!"):
                    # Quoted scalars are strings; plain ones resolve by the core schema.
                    implicit = ev.implicit[0] and tag is None
                    tag = _RESOLVER.resolve(yaml.ScalarNode, ev.value, (implicit, False))
                attach(Node("scalar", ev.value, _short_tag(tag), file, line, col))
            elif isinstance(ev, yaml.MappingStartEvent):
                node = Node("map", [], "map", file, line, col)
                attach(node)
                stack.append((node, []))
            else:
                node = Node("seq", [], "seq", file, line, col)
                attach(node)
                stack.append((node, []))
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node, _ = stack.pop()
            if node.kind == "map":
                _check_duplicates(node, problems)
    return root


def _check_duplicates(node: Node, problems: list[Problem]) -> None:
    seen: dict[Any, Node] = {}
    for key, _ in node.value:
        if key.kind != "scalar":
            continue
        if key.value in seen:
            problems.append(key.problem("duplicate_key", key=key.value, first_line=seen[key.value].line))
        else:
            seen[key.value] = key


def compose_text(text: str, file: str = "<string>", error: type[InputError] = SpecError) -> Node:
    """Parse ``text`` into a :class:`Node` tree, raising ``error`` with located problems."""
    problems: list[Problem] = []
    root: Node | None = None
    try:
        root = _compose(yaml.parse(text, Loader=_Loader), file, problems)
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        line, col = (m.line + 1, m.column + 1) if m else (1, 1)
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.append(Problem(file, line, col, "", "yaml_syntax", {"detail": detail}))
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        problems.append(Problem(file, 1, 1, "", "yaml_syntax", {"detail": str(exc)}))
    if root is None and not problems:
        problems.append(Problem(file, 1, 1, "", "empty_document"))
    if problems:
        raise error(problems)
    assert root is not None
    return root


def compose_file(path: str | os.PathLike[str], error: type[InputError] = SpecError) -> Node:
    """Read and parse a YAML file; every failure is a located ``error``."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise error([Problem(name, 1, 1, "", "file_missing")]) from None
    except OSError as exc:
        raise error([Problem(name, 1, 1, "", "file_unreadable", {"detail": exc.strerror or str(exc)})]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error([Problem(name, line, col, "", "not_utf8", {"detail": exc.reason})]) from None
    return compose_text(text, name, error)


def to_python(node: Node) -> Any:
    """Plain Python data from a node tree (scalars typed by the core schema, dates as text)."""
    if node.kind == "map":
        return {to_python(k): to_python(v) for k, v in node.value}
    if node.kind == "seq":
        return [to_python(v) for v in node.value]
    return scalar_value(node)


def scalar_value(node: Node) -> Any:
    """A scalar's Python value: int, float, bool, None or str (timestamps stay text)."""
    tag, text = node.tag, node.value
    if tag == "null":
        return None
    if tag == "bool":
        return text.lower() in ("true", "yes", "on", "y")
    if tag == "int":
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag == "float":
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text
