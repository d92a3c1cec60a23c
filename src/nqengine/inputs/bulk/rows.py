"""Reading bulk files row by row: JSON Lines and CSV, with every bad line located.

:func:`read_rows` yields one :class:`Row` per record; a line that cannot be
read (not UTF-8, not JSON, the wrong number of CSV cells...) becomes a
problem in the load's :class:`Problems`, and reading goes on, so one pass
reports every bad line.
"""

from __future__ import annotations

import csv
import json
import os
from typing import IO, Any, Callable, Iterable, Iterator

from nqengine.confine import check_input
from nqengine.errors import InputError, Problem
from nqengine.i18n import MESSAGES
from nqengine.yamlsource import MAX_DEPTH

__all__ = ["MAX_PROBLEMS", "BULK_MESSAGES", "Problems", "Row", "read_rows", "FastLane"]

BULK_MESSAGES: dict[str, tuple[str, str]] = {
    "bulk_not_utf8": (
        "dòng này không phải UTF-8: không đọc được byte {byte}; hãy lưu tệp ở dạng UTF-8",
        "this line is not UTF-8: byte {byte} cannot be read; save the file as UTF-8",
    ),
    "bulk_duplicate_key": ("khóa '{key}' bị lặp trong cùng một dòng", "duplicate key '{key}' in one line"),
    "bulk_line_too_long": (
        "dòng dài hơn {limit} ký tự: mỗi dòng chỉ chứa một bản ghi",
        "the line is longer than {limit} characters: one record per line",
    ),
    "bulk_duplicate_column": (
        "cột '{key}' bị lặp (đã có ở cột {first_column})",
        "duplicate column '{key}' (first at column {first_column})",
    ),
}
MESSAGES.update(BULK_MESSAGES)

#: How many problems one load lists before it only counts the rest.
MAX_PROBLEMS = 200
#: Longest JSON Lines record read (characters): one unit, person or fact is a few hundred;
#: a longer line is refused rather than held in memory whole.
MAX_LINE_CHARS = 1_000_000


class Problems:
    """Problems of one load: the first :data:`MAX_PROBLEMS` listed, the rest counted.

    ``error`` is the :class:`~nqengine.errors.InputError` subclass raised.
    """

    def __init__(self, error: type[InputError]):
        self.error, self.items, self.more, self.last = error, [], 0, None

    def add(self, p: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(p)
        else:
            self.more += 1
            self.last = p

    def extend(self, ps: Iterable[Problem]) -> None:
        for p in ps:
            self.add(p)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.more:
            p = self.last
            items.append(Problem(p.file, p.line, p.column, "", "too_many_problems", {"more": self.more, "shown": MAX_PROBLEMS}))
        raise self.error(items)


class Row:
    """One record read from a bulk file: its fields, where it is, and how to read them.

    ``fields`` holds JSON values (JSON Lines), or text cells with dotted
    columns gathered into dicts (CSV: ``columns`` maps each header name to its
    column number).  :meth:`column` locates a field for a problem.
    """

    __slots__ = ("fields", "file", "line", "columns", "raw")

    def __init__(self, fields: dict, file: str, line: int, columns: dict[str, int] | None, raw: str = ""):
        self.fields, self.file, self.line, self.columns, self.raw = fields, file, line, columns, raw

    @property
    def text(self) -> bool:
        """True for CSV rows, whose cells are text to convert by the field's type."""
        return self.columns is not None

    def column(self, path: str) -> int:
        if not path:
            return 1
        if self.columns is not None:
            return _column(self.columns, path)
        key = path.split(".", 1)[0].split("[", 1)[0]
        return _find_key(self.raw, key)

    def problem(self, path: str, code: str, params: dict) -> Problem:
        return Problem(self.file, self.line, self.column(path), path, code, params)


def _open(name: str, problems: Problems) -> IO[str] | None:
    try:
        check_input(name, problems.error)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    try:
        if os.path.isdir(name):
            problems.add(Problem(name, 1, 1, "", "file_unreadable", {"detail": "is a folder"}))
            return None
        return open(name, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        problems.add(Problem(name, 1, 1, "", "file_missing", {}))
    except OSError as exc:
        problems.add(Problem(name, 1, 1, "", "file_unreadable", {"detail": exc.strerror or str(exc)}))
    return None


def _not_utf8(name: str, problems: Problems) -> None:
    """Text is decoded ahead in blocks, so find the first bad byte's own line again, slowly."""
    with open(name, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.add(Problem(name, n, exc.start + 1, "", "bulk_not_utf8", {"byte": f"0x{raw[exc.start]:02x}"}))
                return


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


class _DuplicateKey(ValueError):
    pass


def _jsonl_rows(name: str, problems: Problems) -> Iterator[Row]:
    fh = _open(name, problems)
    if fh is None:
        return
    decode = json.JSONDecoder(object_pairs_hook=_unique_pairs).decode
    with fh:
        try:
            for n, text in enumerate(_lines(fh), 1):
                if text is None:
                    problems.add(Problem(name, n, MAX_LINE_CHARS + 1, "", "bulk_line_too_long", {"limit": MAX_LINE_CHARS}))
                    continue
                text = text.rstrip("\r\n")  # a syntax error then stays on its own line
                if not text.strip():
                    continue
                try:
                    obj = decode(text)
                except _DuplicateKey as exc:
                    key = exc.args[0]
                    at = text.rfind(json.dumps(key, ensure_ascii=False))
                    problems.add(Problem(name, n, at + 1, "", "bulk_duplicate_key", {"key": key}))
                    continue
                except RecursionError:
                    problems.add(Problem(name, n, 1, "", "too_deep", {"limit": MAX_DEPTH}))
                    continue
                except ValueError as exc:
                    col = getattr(exc, "colno", 1)
                    problems.add(Problem(name, n, col, "", "json_line", {"detail": getattr(exc, "msg", str(exc))}))
                    continue
                if text.count("[") + text.count("{") > MAX_DEPTH and too_deep(obj):
                    problems.add(Problem(name, n, 1, "", "too_deep", {"limit": MAX_DEPTH}))
                    continue
                if obj.__class__ is not dict:
                    problems.add(Problem(name, n, 1, "", "json_line", {"detail": f"expected an object, got {type(obj).__name__}"}))
                    continue
                yield Row(obj, name, n, None, text)
        except UnicodeDecodeError:
            _not_utf8(name, problems)


def too_deep(obj: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON data nests lists and objects more than ``limit`` deep (checked without recursion)."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if value.__class__ is dict:
            stack.extend((v, depth + 1) for v in value.values() if v.__class__ in (dict, list))
        elif value.__class__ is list:
            stack.extend((v, depth + 1) for v in value if v.__class__ in (dict, list))
    return False


def _lines(fh: IO[str]) -> Iterator[str | None]:
    """The file's lines, with None for a line longer than :data:`MAX_LINE_CHARS` (never held whole)."""
    while True:
        text = fh.readline(MAX_LINE_CHARS + 1)
        if not text:
            return
        if len(text) > MAX_LINE_CHARS and not text.endswith("\n"):
            while True:  # skip the rest of the line, a block at a time
                rest = fh.readline(MAX_LINE_CHARS)
                if not rest or rest.endswith("\n"):
                    break
            yield None
            continue
        yield text


def _find_key(text: str, key: str) -> int:
    at = text.find(json.dumps(key, ensure_ascii=False))
    return at + 1 if at >= 0 else 1


#: Given a CSV header, a function that consumes a raw row (cells, line) and says whether it did.
FastLane = Callable[[list[str]], Callable[[list[str], int], bool] | None]


def _csv_rows(name: str, problems: Problems, fast_lane: FastLane | None = None) -> Iterator[Row]:
    fh = _open(name, problems)
    if fh is None:
        return
    with fh:
        reader = csv.reader(fh)
        header: list[str] | None = None
        plain: list[tuple[str, int]] = []
        dotted: dict[str, list[tuple[str, int]]] = {}
        columns: dict[str, int] = {}
        width = 0
        start = 1  # first line of the next record (a quoted cell may span lines)
        fast = None
        try:
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if header is None:
                    header = [c.strip() for c in cells]
                    if not _csv_header(header, name, line, columns, plain, dotted, problems):
                        return
                    width = len(header)
                    fast = fast_lane(header) if fast_lane is not None else None
                    continue
                if len(cells) != width:
                    problems.add(Problem(name, line, min(len(cells), width) + 1, "", "csv_row", {"detail": f"{len(cells)} cells, the header has {width}"}))
                    continue
                if fast is not None and fast(cells, line):
                    continue
                row = {h: cells[i] for h, i in plain if cells[i] != ""}
                for top, subs in dotted.items():
                    group = {s: cells[i] for s, i in subs if cells[i] != ""}
                    if group:
                        row[top] = group
                yield Row(row, name, line, columns)
        except csv.Error as exc:
            problems.add(Problem(name, start, 1, "", "csv_row", {"detail": str(exc)}))
        except UnicodeDecodeError:
            _not_utf8(name, problems)
            return
        if header is None and not problems:
            problems.add(Problem(name, 1, 1, "", "empty_document", {}))


def _csv_header(header: list[str], name: str, line: int, columns: dict[str, int], plain: list, dotted: dict, problems: Problems) -> bool:
    ok = True
    for i, h in enumerate(header, 1):
        if not h:
            problems.add(Problem(name, line, i, "", "csv_row", {"detail": f"column {i} has no name"}))
            ok = False
        elif h in columns:
            problems.add(Problem(name, line, i, "", "bulk_duplicate_column", {"key": h, "first_column": columns[h]}))
            ok = False
        columns.setdefault(h, i)
    for i, h in enumerate(header):
        if "." in h:
            top, sub = h.split(".", 1)
            dotted.setdefault(top, []).append((sub, i))
        else:
            plain.append((h, i))
    for top, subs in dotted.items():
        if top in columns:
            problems.add(Problem(name, line, columns[top], "", "bulk_duplicate_column", {"key": top, "first_column": subs[0][1] + 1}))
            ok = False
    return ok


def _column(columns: dict[str, int], path: str) -> int:
    if path in columns:
        return columns[path]
    top = path.split("[", 1)[0]
    if top in columns:
        return columns[top]
    head = top.split(".", 1)[0]
    for name, i in columns.items():
        if name == head or name.startswith(head + "."):
            return i
    return 1


def read_rows(path: str | os.PathLike[str], problems: Problems, fast_lane: FastLane | None = None) -> Iterator[Row]:
    """Rows of a ``.jsonl`` or ``.csv`` file, one at a time; bad lines go to ``problems``.

    ``fast_lane`` (CSV only) may take rows before they become :class:`Row` objects.
    """
    name = os.fspath(path)
    if name.endswith(".csv"):
        return _csv_rows(name, problems, fast_lane)
    return _jsonl_rows(name, problems)
