"""A strict YAML reader that keeps every value's position.

nqengine never calls ``yaml.load``: it reads the event stream (with libyaml's C
parser when present) and builds a small tree of :class:`Node` objects, each
knowing its file, line and column (both 1-based, columns counted in
characters).  On the way it rejects what a spec author should never rely on:
duplicate keys (compared after Unicode NFC), anchors, aliases and merge keys
(which can expand without bound), keys that are lists or mappings, nesting
deeper than :data:`MAX_DEPTH`, control characters, and any tag outside YAML's
core schema.  Every problem is located and names the field it sits in.
PyYAML's global loaders are left untouched.

Plain scalars resolve by YAML 1.1's core schema as PyYAML does (so ``yes``,
``no``, ``on`` and ``off`` are booleans), with two YAML 1.2 corrections that
matter for Vietnamese texts: a number with leading zeros (``01 buổi``,
``08``) is decimal, never octal, and ``1:30`` is text, not a base-60 number.
Timestamps are tagged ``timestamp`` but kept as text, to be parsed by
:mod:`nqengine.dates` (which knows dd/mm/yyyy and rejects 31/02).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from typing import Any, Iterator

import yaml

from nqengine.confine import check_input
from nqengine.errors import InputError, Problem, SpecError
from nqengine.i18n import Term

__all__ = ["Node", "compose_file", "compose_text", "to_python", "scalar_value", "join_path", "resolve_plain", "node_at", "locate", "path_segments", "MAX_DEPTH"]

try:  # libyaml is several times faster on large registries and fact files
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

#: Deepest nesting of lists and mappings accepted (a spec needs about eight).
MAX_DEPTH = 100
#: At most this many control characters are reported, then reading stops.
_MAX_CONTROL_REPORTS = 20

_RESOLVER = yaml.resolver.Resolver()
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
# Characters YAML forbids in a stream (PyYAML's reader uses the same class).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LEADING_ZERO_INT = re.compile(r"[-+]?0[0-9_]+")
_DECIMAL_DIGITS = re.compile(r"[-+]?[0-9]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_SPECIAL_FLOATS = {".nan": math.nan, ".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf}


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


def join_path(path: str, key: str | int) -> str:
    """The path of ``key`` inside ``path``: ``a.b``, ``a[2]``, or ``clauses["II.1"]``.

    A key holding a dot, a bracket or a double quote (clause ids like ``II.1.1.b``)
    is written in brackets and quotes so the path stays unambiguous.
    """
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not key or any(c in key for c in '.[]"'):
        quoted = key.replace("\\", "\\\\").replace('"', '\\"')
        return f'{path}["{quoted}"]'
    return f"{path}.{key}" if path else key


def _shown_tag(tag: str) -> str:
    """A tag as a spec author writes it: ``!!python/object`` rather than its long form."""
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def resolve_plain(text: str) -> str:
    """The short core-schema tag of a plain (unquoted) scalar, with the YAML 1.2 fixes."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    short = tag[len(_CORE):] if tag.startswith(_CORE) else "str"
    if short in ("int", "float") and _SEXAGESIMAL.fullmatch(text):
        return "str"  # 1:30 is a time of day or a ratio, not base 60
    if short == "str" and _DECIMAL_DIGITS.fullmatch(text):
        return "int"  # 08, 09: decimal with leading zeros
    if short not in ("str", "int", "float", "bool", "null", "timestamp"):
        return "str"  # 'value' (=), 'merge' (<<, outside a key), 'yaml'
    return short


class _Composer:
    """Build the node tree from parser events, recording problems instead of raising."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file, self.problems = file, problems
        self.root: Node | None = None
        # (container, pending key for maps, path of the container)
        self.stack: list[tuple[Node, list[Node], str]] = []

    def add(self, line: int, column: int, path: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(self.file, line, column, path, code, params))

    def next_path(self) -> tuple[str, bool]:
        """(path of the node about to be attached, whether it is a mapping key)."""
        if not self.stack:
            return "", False
        parent, pending, path = self.stack[-1]
        if parent.kind == "seq":
            return join_path(path, len(parent.value)), False
        if not pending:
            return path, True
        key = pending[0]
        return join_path(path, str(key.value) if key.kind == "scalar" and key.value is not None else "?"), False

    def attach(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent, pending, _ = self.stack[-1]
        if parent.kind == "seq":
            parent.value.append(node)
        elif not pending:
            pending.append(node)
        else:
            parent.value.append((pending.pop(), node))

    def run(self, events: Iterator[Any]) -> Node | None:
        documents = 0
        for ev in events:
            if isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _mark(ev)
                    self.add(line, col, "", "multiple_documents")
                    return self.root
            elif isinstance(ev, yaml.AliasEvent):
                line, col = _mark(ev)
                path, _ = self.next_path()
                self.add(line, col, path, "alias_forbidden", name="*" + str(ev.anchor))
                self.attach(Node("scalar", None, "null", self.file, line, col))
            elif isinstance(ev, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self.node(ev)
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                node, _, path = self.stack.pop()
                if node.kind == "map":
                    self.check_duplicates(node, path)
        return self.root

    def node(self, ev: Any) -> None:
        line, col = _mark(ev)
        path, is_key = self.next_path()
        if ev.anchor is not None:
            self.add(line, col, path, "alias_forbidden", name="&" + str(ev.anchor))
        tag = ev.tag if ev.tag not in (None, "!") else None
        if isinstance(ev, yaml.ScalarEvent):
            plain = ev.implicit[0] and tag is None and ev.tag != "!"
            short = resolve_plain(ev.value) if plain else "str"
            if tag is not None:
                if tag not in _SCALAR_TAGS:
                    self.add(line, col, path, "unsafe_tag", tag=_shown_tag(tag))
                elif tag != _CORE + "str" and resolve_plain(ev.value) != tag[len(_CORE):]:
                    self.add(line, col, path, "bad_tagged_value", tag=_shown_tag(tag), value=_clip(ev.value))
                else:
                    short = tag[len(_CORE):]
            node = Node("scalar", ev.value, short, self.file, line, col)
            if is_key and plain and _RESOLVER.resolve(yaml.ScalarNode, ev.value, (True, False)) == _CORE + "merge":
                self.add(line, col, path, "merge_key")
            self.attach(node)
            return
        kind = "map" if isinstance(ev, yaml.MappingStartEvent) else "seq"
        if tag is not None and tag != _CORE + kind:
            self.add(line, col, path, "unsafe_tag", tag=_shown_tag(tag))
        if is_key:
            self.add(line, col, path, "complex_key", actual=Term(kind))
        if len(self.stack) >= MAX_DEPTH:
            self.add(line, col, "", "too_deep", limit=MAX_DEPTH)  # the path would be as long as the nesting
            raise _TooDeep
        node = Node(kind, [], kind, self.file, line, col)
        self.attach(node)
        self.stack.append((node, [], path))

    def check_duplicates(self, node: Node, path: str) -> None:
        seen: dict[Any, Node] = {}
        for key, _ in node.value:
            if key.kind != "scalar" or key.value is None:
                continue
            name = unicodedata.normalize("NFC", key.value)
            if name in seen:
                first = seen[name]
                self.problems.append(
                    key.problem("duplicate_key", join_path(path, name), key=name, first_line=first.line, first_column=first.column)
                )
            else:
                seen[name] = key


class _TooDeep(Exception):
    pass


def _mark(ev: Any) -> tuple[int, int]:
    return ev.start_mark.line + 1, ev.start_mark.column + 1


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _control_characters(text: str, file: str) -> list[Problem]:
    out = []
    for m in _NON_PRINTABLE.finditer(text):
        line, col = _position(text, m.start())
        out.append(Problem(file, line, col, "", "control_character", {"char": f"U+{ord(m.group()):04X}"}))
        if len(out) >= _MAX_CONTROL_REPORTS:
            break
    return out


# libyaml's and PyYAML's wording of the usual mistakes: (Vietnamese, English hint or "").
_SYNTAX_PROBLEMS: dict[str, tuple[str, str]] = {
    "did not find expected ',' or ']'": ("thiếu ',' hoặc ']'", ""),
    "expected ',' or ']', but got": ("thiếu ',' hoặc ']'", ""),
    "did not find expected ',' or '}'": ("thiếu ',' hoặc '}'", ""),
    "expected ',' or '}', but got": ("thiếu ',' hoặc '}'", ""),
    "mapping values are not allowed": (
        "không được có 'khóa: giá trị' ở đây; giá trị chứa ': ' phải đặt trong dấu nháy",
        "; a value holding ': ' must be put in quotes",
    ),
    "did not find expected key": ("không tìm thấy khóa như mong đợi; hãy kiểm tra thụt lề", "; check the indentation"),
    "expected <block end>, but found": ("thụt lề không khớp", "; check the indentation"),
    "did not find expected '-' indicator": ("thiếu dấu '-' của phần tử danh sách; hãy kiểm tra thụt lề", "; check the indentation"),
    "found unexpected end of stream": ("tệp kết thúc khi chuỗi trong dấu nháy chưa được đóng", ""),
    "found character that cannot start any token": ("gặp ký tự không thể mở đầu một giá trị; giá trị bắt đầu bằng ký tự này phải đặt trong dấu nháy", ""),
    "could not find expected ':'": ("thiếu dấu ':' sau khóa", ""),
    "found undefined tag handle": ("thẻ YAML không xác định", ""),
    "found unknown escape character": ("ký tự thoát (sau '\\') không hợp lệ trong chuỗi", ""),
    "exceeded maximum nesting depth": ("dữ liệu lồng nhau quá sâu", ""),
}


class _SyntaxDetail(str):
    """PyYAML's explanation on one line, with a Vietnamese rendering of the usual cases."""

    def __new__(cls, exc: yaml.MarkedYAMLError) -> "_SyntaxDetail":
        problem = " ".join(str(exc.problem or "").split())
        context = " ".join(str(exc.context or "").split())
        cm, pm = exc.context_mark, exc.problem_mark
        start = None
        if cm is not None and (pm is None or (cm.line, cm.column) != (pm.line, pm.column)):
            start = (cm.line + 1, cm.column + 1)
        known = next((v for k, v in _SYNTAX_PROBLEMS.items() if problem.startswith(k)), None)
        en = problem or context or "unreadable YAML"
        if known:
            en += known[1]
        if context and start:
            en += f" ({context} started at line {start[0]}, column {start[1]})"
        obj = super().__new__(cls, en)
        obj.vi = (known[0] if known else en) if not start else (  # type: ignore[attr-defined]
            f"{known[0] if known else problem or context} (từ dòng {start[0]}, cột {start[1]})"
        )
        return obj

    def render(self, lang: str) -> str:
        return str(self) if lang == "en" else self.vi  # type: ignore[attr-defined]


#: Trees of recently read texts, by (text, file): a plan is read again and again by one process (the
#: service, ``prove``, a fuzzing run, a program evaluating several dates), and its spec files, which
#: ``extends`` and the plugin check read twice per run, parse in milliseconds each.  A tree takes about
#: 13 times its text in memory, so only texts up to :data:`_CACHED_TEXT_MAX` characters are kept (a spec
#: is 5 to 30 KB; a registry or facts file in YAML may be far larger), at most :data:`_CACHED_CHARS_MAX`
#: characters in all (about 13 MB of trees), the oldest dropped first.  The trees are shared, so nothing
#: may change a composed tree: :mod:`nqengine.spec.compose` builds new nodes for what it merges, and
#: ``tests/test_yamlsource.py`` checks that loading and evaluating leave them as read.
_CACHE: dict[tuple[str, str], Node] = {}
_CACHED_TEXT_MAX = 1 << 17
_CACHED_CHARS_MAX = 1 << 20
_CACHED_CHARS = [0]


def compose_text(text: str, file: str = "<string>", error: type[InputError] = SpecError) -> Node:
    """Parse ``text`` into a :class:`Node` tree, raising ``error`` with located problems.

    The tree is shared with later calls for the same text and file name: treat it as read-only.
    """
    small = len(text) <= _CACHED_TEXT_MAX
    if small:
        hit = _CACHE.get((text, file))
        if hit is not None:
            return hit
    root = _compose(text, file, error)
    if small:
        while _CACHE and _CACHED_CHARS[0] + len(text) > _CACHED_CHARS_MAX:
            old_text, _ = oldest = next(iter(_CACHE))
            del _CACHE[oldest]
            _CACHED_CHARS[0] -= len(old_text)
        _CACHE[(text, file)] = root
        _CACHED_CHARS[0] += len(text)
    return root


def _compose(text: str, file: str, error: type[InputError]) -> Node:
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark is not content
    problems = _control_characters(text, file)
    if problems:
        raise error(problems)
    root: Node | None = None
    composer = _Composer(file, problems)
    try:
        root = composer.run(yaml.parse(text, Loader=_Loader))
    except _TooDeep:
        pass
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        line, col = (m.line + 1, m.column + 1) if m else (1, 1)
        lines = text.split("\n")
        if text and not text.endswith("\n") and line > len(lines):
            line, col = len(lines), len(lines[-1]) + 1  # the end of a file without a final newline is its last line
        if m is not None and m.line < len(lines) and lines[m.line][m.column : m.column + 1] == "\t":
            problems.append(Problem(file, line, col, "", "yaml_tab"))
        else:
            problems.append(Problem(file, line, col, "", "yaml_syntax", {"detail": _SyntaxDetail(exc)}))
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors are caught above
        problems.append(Problem(file, 1, 1, "", "yaml_syntax", {"detail": " ".join(str(exc).split())}))
    if (root is None or (root.kind == "scalar" and root.tag == "null" and root.value == "")) and not problems:
        problems.append(Problem(file, 1, 1, "", "empty_document"))  # nothing, or a bare '---'

    if problems:
        raise error(problems)
    assert root is not None
    return root


def compose_file(path: str | os.PathLike[str], error: type[InputError] = SpecError) -> Node:
    """Read and parse a YAML file; every failure is a located ``error``."""
    name = os.fspath(path)

    check_input(name, error)
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise error([Problem(name, 1, 1, "", "file_missing")]) from None
    except IsADirectoryError:
        raise error([Problem(name, 1, 1, "", "file_is_folder")]) from None
    except OSError as exc:
        raise error([Problem(name, 1, 1, "", "file_unreadable", {"detail": exc.strerror or str(exc)})]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error([Problem(name, 1, 1, "", "not_utf8_utf16")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[start : exc.start].decode("utf-8", "replace")) + 1
        if line == 1 and data.startswith(b"\xef\xbb\xbf"):
            col -= 1
        byte = f"0x{data[exc.start]:02X}"
        raise error([Problem(name, line, col, "", "not_utf8", {"byte": byte})]) from None
    return compose_text(text, name, error)


def to_python(node: Node) -> Any:
    """Plain Python data from a node tree (scalars typed by the core schema, dates as text)."""
    if node.kind == "map":
        return {_hashable(to_python(k)): to_python(v) for k, v in node.value}
    if node.kind == "seq":
        return [to_python(v) for v in node.value]
    return scalar_value(node)


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def scalar_value(node: Node) -> Any:
    """A scalar's Python value: int, float, bool, None or str (timestamps stay text).

    Integers with leading zeros are decimal (``010`` is 10); ``.nan`` and ``.inf``
    are floats (which validators refuse where a finite number is needed).
    """
    tag, text = node.tag, node.value
    if tag == "null":
        return None
    if tag == "bool":
        return text.lower() in ("true", "yes", "on")
    if tag == "int":
        digits = text.replace("_", "")
        try:
            if _LEADING_ZERO_INT.fullmatch(text):
                return int(digits, 10)
            return int(digits, 0)
        except ValueError:
            return text
    if tag == "float":
        special = _SPECIAL_FLOATS.get(text.lower())
        if special is not None:
            return special
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text


# -- finding a node by its path (for located messages) ----------------------------

_SEG = re.compile(r'\["((?:[^"\\]|\\.)*)"\]|([^.\[\]]+)|\[(\d+)\]')


def path_segments(path: str) -> list[str | int]:
    """The keys and indexes of a path such as ``obligations[2].deadline`` or ``clauses[\"II.1\"]``."""
    out: list[str | int] = []
    for quoted, name, index in _SEG.findall(path):
        if name:
            out.append(name)
        elif index:
            out.append(int(index))
        else:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
    return out


def _walk(root: Node, segments: list[str | int]) -> Node | None:
    node: Node | None = root
    for seg in segments:
        if node is None:
            return None
        if isinstance(seg, int):
            node = node.value[seg] if node.kind == "seq" and seg < len(node.value) else None
        else:
            node = node.get(seg)
    return node


def node_at(root: Node, path: str) -> Node | None:
    """The node at a path such as ``obligations[2].deadline.after`` or ``clauses["II.1"]``."""
    return _walk(root, path_segments(path))


def locate(root: Node, path: str) -> Node:
    """The deepest existing node along ``path`` (for a located message)."""
    segments = path_segments(path)
    while segments:
        found = _walk(root, segments)
        if found is not None:
            return found
        segments.pop()
    return root
