"""Bulk inputs: the registry and facts as JSON Lines or CSV, read as streams.

:func:`nqengine.load_registry` and :func:`nqengine.load_facts` send files
ending in ``.jsonl`` or ``.csv`` here.  Rows are read one at a time, checked
with the same field rules as the YAML files (the same codes and messages,
naming the field), and every bad row is reported as ``file:line:column`` —
nothing is dropped silently.  After :data:`MAX_PROBLEMS` problems the rest are
counted, not listed.  ``docs/bulk-inputs.md`` describes both formats with
examples.

JSON Lines
    One JSON object per line, with the keys of a YAML record.  Blank lines
    are skipped; duplicate keys in an object are an error.

CSV
    UTF-8, a header row naming the fields, one record per row.  An empty cell
    is an absent field.  A mapping is spread over dotted columns
    (``audience.dang_vien``, ``attendance.cong_chuc``); a list is one cell with
    items separated by ``|`` (``core_content|action_programme``); a cell
    starting with ``[`` or ``{`` is read as JSON (a person's ``roles``).
    Numbers and dates are written as text (``412``, ``31/10/2020``).
    ``column`` in a problem is the CSV column number (1 = first cell).

Registry rows have a ``record`` field: ``unit`` (the default), ``person``,
``role`` or ``qualification``.  A ``role`` or ``qualification`` row names its
``person`` by id, so a flat CSV can give people their roles; in JSON Lines a
``person`` row may also carry ``roles`` and ``qualifications`` lists, as in
YAML.  Fact rows are YAML facts, one per row; rows of type ``attendance``
(one per attendee) are folded into their session's counts (see
:mod:`nqengine.attendance`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Sequence

import attrs

from nqengine.attendance import AttendanceTally
from nqengine.dates import InvalidDate, parse_date, parse_deadline_date
from nqengine.errors import FactsError, InputError, Problem, RegistryError
from nqengine.facts import COMMON_FACT_FIELDS, _types, fact_schema
from nqengine.i18n import MESSAGES
from nqengine.model import Fact, Person, Qualification, Registry, RoleAssignment, Source, Unit
from nqengine.registry import PERSON, QUALIFICATION, ROLE, UNIT, registry_from_records
from nqengine.schema import (
    INVALID,
    Any_,
    Bool,
    Choice,
    Date,
    DeadlineDate,
    Field,
    Float,
    Int,
    ListOf,
    MapOf,
    Record,
    Str,
    Validator,
    hint_for,
    nfc,
)
from nqengine.yamlsource import Node, resolve_plain, scalar_value

__all__ = ["load_registry_bulk", "load_facts_bulk", "read_rows", "MAX_PROBLEMS", "RECORD_TYPES", "LIST_SEPARATOR"]

BULK_MESSAGES: dict[str, tuple[str, str]] = {
    "bulk_not_utf8": (
        "dòng này không phải UTF-8: không đọc được byte {byte}; hãy lưu tệp ở dạng UTF-8",
        "this line is not UTF-8: byte {byte} cannot be read; save the file as UTF-8",
    ),
    "bulk_duplicate_key": ("khóa '{key}' bị lặp trong cùng một dòng", "duplicate key '{key}' in one line"),
    "bulk_duplicate_column": (
        "cột '{key}' bị lặp (đã có ở cột {first_column})",
        "duplicate column '{key}' (first at column {first_column})",
    ),
}
MESSAGES.update(BULK_MESSAGES)

#: How many problems one load lists before it only counts the rest.
MAX_PROBLEMS = 200
#: Separator of list items in a CSV cell.
LIST_SEPARATOR = "|"

# ---------------------------------------------------------------------------
# Field checks compiled from the schema validators.
#
# The YAML loader validates located nodes; rows arrive as plain values (JSON)
# or text (CSV).  Each validator is compiled once into a fast check that only
# accepts and converts, and is deliberately conservative: a row it does not
# accept is validated again by the schema's own validators, on nodes built
# from the row, so every problem has exactly the code, field and message the
# same mistake gets in YAML.  A validator this module does not know (a
# plugin's own) always takes that slower path.
# ---------------------------------------------------------------------------


class _Plain(str):
    """A CSV cell whose type YAML would infer (an unquoted scalar): ``12`` is a number."""


class _Check:
    """A compiled validator: ``check`` accepts and converts a value, or returns INVALID.

    ``from_text`` turns CSV text into the value the field expects where it
    can (``"412"`` into 412, ``"a|b"`` into a list), and leaves the rest as
    :class:`_Plain` text for ``check`` to refuse and the schema to explain.
    """

    def check(self, v: Any) -> Any:
        return INVALID

    def from_text(self, v: Any) -> Any:
        return _Plain(v) if v.__class__ is str else v


class _Any(_Check):
    def check(self, v):
        return _plain_value(v) if isinstance(v, _Plain) else v


class _Str(_Check):
    def __init__(self, v: Str):
        self.coerce, self.nonempty = v.coerce, v.nonempty

    def check(self, v):
        if v.__class__ is not str:
            if not self.coerce or v.__class__ not in (int, float):
                return INVALID
            v = str(v)
        text = nfc(v).strip()
        return INVALID if self.nonempty and not text else text

    def from_text(self, v):
        return v  # CSV text is text


def _in_range(v: Any, value: Any) -> Any:
    if (v.min is not None and value < v.min) or (v.max is not None and value > v.max):
        return INVALID
    return value


_INT_RE = re.compile(r"[-+]?[0-9]+")
_FLOAT_RE = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Int(_Check):
    def __init__(self, v: Int):
        self.v = v

    def check(self, v):
        return _in_range(self.v, v) if v.__class__ is int else INVALID

    def from_text(self, v):
        if v.__class__ is str and _INT_RE.fullmatch(v):
            return int(v)
        return super().from_text(v)


class _Float(_Check):
    def __init__(self, v: Float):
        self.v = v

    def check(self, v):
        if v.__class__ not in (int, float) or not math.isfinite(v):
            return INVALID
        return _in_range(self.v, float(v))

    def from_text(self, v):
        if v.__class__ is str and _FLOAT_RE.fullmatch(v):
            return float(v)
        return super().from_text(v)


_BOOLS = {"true": True, "false": False}


class _Bool(_Check):
    def check(self, v):
        return v if v.__class__ is bool else INVALID

    def from_text(self, v):
        got = _BOOLS.get(v.lower()) if v.__class__ is str else None
        return super().from_text(v) if got is None else got


class _Choice(_Str):
    def __init__(self, v: Choice):
        super().__init__(Str())
        self.v = v

    def check(self, v):
        text = super().check(v)
        return text if text is not INVALID and text in self.v.choices else INVALID


class _Date(_Str):
    """Dates repeat a lot in bulk files: each distinct text is parsed once."""

    def __init__(self, parse: Callable[[str], dt.date]):
        self.parse, self.cache = parse, {}

    def check(self, v):
        got = self.cache.get(v) if v.__class__ is str else None
        if got is None:
            if v.__class__ is not str:
                return INVALID
            try:
                got = self.cache[v] = self.parse(v)
            except InvalidDate:
                return INVALID
        return got


class _List(_Check):
    def __init__(self, v: ListOf):
        self.item, self.min_len, self.single = compile_check(v.item), v.min_len, v.single

    def check(self, v):
        if v.__class__ is not list:
            if not self.single or v is None or isinstance(v, (dict, _Plain)):
                return INVALID
            got = self.item.check(v)
            return INVALID if got is INVALID else [got]
        check = self.item.check
        out = [check(x) for x in v]
        if len(out) < self.min_len or INVALID in out:
            return INVALID
        return out

    def from_text(self, v):
        if v.__class__ is str:
            if v.lstrip().startswith("["):
                return _json_cell(v)
            conv = self.item.from_text
            return [conv(x) for x in v.split(LIST_SEPARATOR)]
        return v


class _Map(_Check):
    def __init__(self, v: MapOf):
        self.key, self.value = compile_check(v.key), compile_check(v.value)

    def check(self, v):
        if v.__class__ is not dict:
            return INVALID
        key, value = self.key.check, self.value.check
        out = {}
        for k, x in v.items():
            kk, vv = key(k), value(x)
            if kk is INVALID or vv is INVALID:
                return INVALID
            out[kk] = vv
        return out

    def from_text(self, v):
        if v.__class__ is str:
            return _json_cell(v) if v.lstrip().startswith("{") else _Plain(v)
        if v.__class__ is dict:
            conv = self.value.from_text
            return {k: conv(x) for k, x in v.items()}
        return v


class _Record(_Check):
    def __init__(self, fields: Mapping[str, Field]):
        self.fields = dict(fields)
        self.checks = {k: compile_check(f.validator) for k, f in self.fields.items()}
        self.required = [k for k, f in self.fields.items() if f.required]
        self.defaults = [(k, f.default) for k, f in self.fields.items() if not f.required]

    def check(self, v):
        if v.__class__ is not dict:
            return INVALID
        checks = self.checks
        out: dict[str, Any] = {}
        for k, x in v.items():
            c = checks.get(k)
            if c is None:
                return INVALID
            got = out[k] = c.check(x)
            if got is INVALID:
                return INVALID
        for k in self.required:
            if k not in out:
                return INVALID
        for k, default in self.defaults:
            if k not in out:
                out[k] = default() if callable(default) else default
        return out

    def from_text(self, v):
        if v.__class__ is str:
            return _json_cell(v) if v.lstrip().startswith("{") else _Plain(v)
        if v.__class__ is dict:
            checks = self.checks
            return {k: (checks[k].from_text(x) if k in checks else x) for k, x in v.items()}
        return v


class _Nodes(_Check):
    """A validator this module does not know: always validated on nodes."""

    def __init__(self, v: Validator):
        self.v = v

    def check(self, v):
        problems: list[Problem] = []
        got = self.v.validate(_node(v, "", 1, 1), "value", problems)
        return INVALID if problems else got


class _BadJson(str):
    """A CSV cell that starts like JSON but is not: reported, never read as text."""


def _json_cell(v: str) -> Any:
    try:
        return json.loads(v)
    except ValueError as exc:
        return _BadJson(str(exc))


def _plain_value(v: str) -> Any:
    return scalar_value(Node("scalar", v, resolve_plain(v), "", 1, 1))


def _node(v: Any, file: str, line: int, column: int) -> Node:
    """A node tree for a row's value, located at the row (CSV text typed like unquoted YAML)."""
    if isinstance(v, dict):
        return Node("map", [(Node("scalar", str(k), "str", file, line, column), _node(x, file, line, column)) for k, x in v.items()], "map", file, line, column)
    if isinstance(v, list):
        return Node("seq", [_node(x, file, line, column) for x in v], "seq", file, line, column)
    if isinstance(v, _Plain):
        return Node("scalar", str(v), resolve_plain(v), file, line, column)
    if isinstance(v, str):
        return Node("scalar", v, "str", file, line, column)
    if v is None:
        return Node("scalar", "null", "null", file, line, column)
    if isinstance(v, bool):
        return Node("scalar", "true" if v else "false", "bool", file, line, column)
    if isinstance(v, int):
        return Node("scalar", str(v), "int", file, line, column)
    return Node("scalar", repr(v), "float", file, line, column)


_COMPILED: dict[int, tuple[Validator, _Check]] = {}


def compile_check(v: Validator) -> _Check:
    """The compiled check of validator ``v`` (cached: schemas are long-lived objects)."""
    hit = _COMPILED.get(id(v))
    if hit is not None and hit[0] is v:
        return hit[1]
    t = type(v)
    check: _Check
    if t is Str:
        check = _Str(v)  # type: ignore[arg-type]
    elif t is Int:
        check = _Int(v)  # type: ignore[arg-type]
    elif t is Float:
        check = _Float(v)  # type: ignore[arg-type]
    elif t is Bool:
        check = _Bool()
    elif t is Choice:
        check = _Choice(v)  # type: ignore[arg-type]
    elif t is Date:
        check = _Date(parse_date)
    elif t is DeadlineDate:
        check = _Date(lambda s: parse_deadline_date(s)[0])
    elif t is ListOf:
        check = _List(v)  # type: ignore[arg-type]
    elif t is MapOf:
        check = _Map(v)  # type: ignore[arg-type]
    elif t is Record and v.extra is None:  # type: ignore[attr-defined]
        check = _Record(v.fields)  # type: ignore[attr-defined]
    elif t is Any_:
        check = _Any()
    else:
        check = _Nodes(v)
    _COMPILED[id(v)] = (v, check)
    return check


# ---------------------------------------------------------------------------
# Reading rows
# ---------------------------------------------------------------------------


class _Problems:
    """Problems of one load: the first :data:`MAX_PROBLEMS` listed, the rest counted."""

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


def _open(name: str, problems: _Problems) -> IO[str] | None:
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


def _not_utf8(name: str, problems: _Problems) -> None:
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


def _jsonl_rows(name: str, problems: _Problems) -> Iterator[Row]:
    fh = _open(name, problems)
    if fh is None:
        return
    decode = json.JSONDecoder(object_pairs_hook=_unique_pairs).decode
    with fh:
        try:
            for n, text in enumerate(fh, 1):
                if not text.strip():
                    continue
                try:
                    obj = decode(text)
                except _DuplicateKey as exc:
                    key = exc.args[0]
                    at = text.rfind(json.dumps(key, ensure_ascii=False))
                    problems.add(Problem(name, n, at + 1, "", "bulk_duplicate_key", {"key": key}))
                    continue
                except ValueError as exc:
                    col = getattr(exc, "colno", 1)
                    problems.add(Problem(name, n, col, "", "json_line", {"detail": getattr(exc, "msg", str(exc))}))
                    continue
                if obj.__class__ is not dict:
                    problems.add(Problem(name, n, 1, "", "json_line", {"detail": f"expected an object, got {type(obj).__name__}"}))
                    continue
                yield Row(obj, name, n, None, text)
        except UnicodeDecodeError:
            _not_utf8(name, problems)


def _find_key(text: str, key: str) -> int:
    at = text.find(json.dumps(key, ensure_ascii=False))
    return at + 1 if at >= 0 else 1


#: Given a CSV header, a function that consumes a raw row (cells, line) and says whether it did.
FastLane = Callable[[list[str]], Callable[[list[str], int], bool] | None]


def _csv_rows(name: str, problems: _Problems, fast_lane: FastLane | None = None) -> Iterator[Row]:
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


def _csv_header(header: list[str], name: str, line: int, columns: dict[str, int], plain: list, dotted: dict, problems: _Problems) -> bool:
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


def read_rows(path: str | os.PathLike[str], problems: _Problems, fast_lane: FastLane | None = None) -> Iterator[Row]:
    """Rows of a ``.jsonl`` or ``.csv`` file, one at a time; bad lines go to ``problems``.

    ``fast_lane`` (CSV only) may take rows before they become :class:`Row` objects.
    """
    name = os.fspath(path)
    if name.endswith(".csv"):
        return _csv_rows(name, problems, fast_lane)
    return _jsonl_rows(name, problems)


def _hint(word: str, choices: Iterable[str]) -> dict:
    """A "did you mean" for ``word``, skipped when the choices are too many to search quickly."""
    choices = list(choices)
    return hint_for(word, choices) if len(choices) <= 2000 else {"hint": ""}


def _validate(row: Row, fields: dict, fast: _Record, schema: Validator, problems: _Problems) -> dict | None:
    """The row's fields checked and converted: the fast check, or the schema's own problems."""
    if row.columns is not None:
        fields = fast.from_text(fields)
    got = fast.check(fields)
    if got is not INVALID:
        return got
    found: list[Problem] = []
    for key, v in fields.items():
        if isinstance(v, _BadJson):
            found.append(Problem(row.file, row.line, row.column(key), key, "csv_row", {"detail": f"{key}: {v}"}))
    node = Node("map", [], "map", row.file, row.line, 1)
    for key, v in fields.items():
        col = row.column(key)
        node.value.append((Node("scalar", key, "str", row.file, row.line, col), _node(v, row.file, row.line, col)))
    got = schema.validate(node, "", found)
    for p in found:
        problems.add(attrs.evolve(p, path=p.path.lstrip(".")))
    return None if found or got is INVALID else dict(got)


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

#: Record types of a registry row (the ``record`` field).
RECORD_TYPES = ("unit", "person", "role", "qualification")

_PERSON_REF = {"person": Field(Str(), required=True, doc="the person's id")}
_ROW_SCHEMAS: dict[str, Record] = {
    "unit": UNIT,
    "person": PERSON,
    "role": Record({**_PERSON_REF, **ROLE.fields}),
    "qualification": Record({**_PERSON_REF, **QUALIFICATION.fields}),
}
_ROW_CHECKS = {k: _Record(r.fields) for k, r in _ROW_SCHEMAS.items()}
_RECORD_FIELD = Record({"record": Field(Choice(RECORD_TYPES), required=True)})


def load_registry_bulk(path: str | os.PathLike[str]) -> Registry:
    """Load a registry from a ``.jsonl`` or ``.csv`` file (see the module docstring).

    Raises :class:`~nqengine.errors.RegistryError` listing every bad row,
    then, as for YAML, every duplicate id, unknown parent and parent cycle.
    """
    name = os.fspath(path)
    problems = _Problems(RegistryError)
    units: list[Unit] = []
    people: list[tuple[dict, Source]] = []
    extra: list[tuple[str, dict, Row]] = []  # role and qualification rows
    for row in read_rows(name, problems):
        fields = row.fields
        kind = fields.pop("record", "unit")
        if kind not in _ROW_CHECKS:
            _validate(row, {"record": kind}, _Record(_RECORD_FIELD.fields), _RECORD_FIELD, problems)
            continue
        rec = _validate(row, fields, _ROW_CHECKS[kind], _ROW_SCHEMAS[kind], problems)
        if rec is None:
            continue
        src = Source(row.file, row.line, 1)
        if kind == "unit":
            units.append(Unit(rec["id"], rec["name"], rec["kind"], rec["sector"], rec["parent"], rec["valid_from"], rec["valid_to"], rec["audience"], src))
        elif kind == "person":
            people.append((rec, src))
        else:
            extra.append((kind, rec, row))
    if not units and not problems:
        problems.add(Problem(name, 1, 1, "", "empty_document", {}))
    problems.raise_if_any()
    roles: dict[str, list[RoleAssignment]] = {}
    quals: dict[str, list[Qualification]] = {}
    known = {rec["id"] for rec, _ in people}
    for kind, rec, row in extra:
        pid = rec["person"]
        if pid not in known:
            problems.add(row.problem("person", "unknown_reference", {"field": "person", "ref": pid, **_hint(pid, known)}))
        elif kind == "role":
            roles.setdefault(pid, []).append(RoleAssignment(rec["unit"], rec["role"], rec["valid_from"], rec["valid_to"]))
        else:
            quals.setdefault(pid, []).append(Qualification(rec["kind"], rec["body"], rec["term"], rec["valid_from"], rec["valid_to"]))
    problems.raise_if_any()
    persons = []
    for rec, src in people:
        pid = rec["id"]
        r = tuple(RoleAssignment(x["unit"], x["role"], x["valid_from"], x["valid_to"]) for x in rec["roles"]) + tuple(roles.get(pid, ()))
        q = tuple(Qualification(x["kind"], x["body"], x["term"], x["valid_from"], x["valid_to"]) for x in rec["qualifications"]) + tuple(quals.get(pid, ()))
        persons.append(Person(pid, rec["name"], r, q, src))
    return registry_from_records(units, persons, name)


def _hint(word: str, choices: Iterable[str]) -> dict:
    """A "did you mean" for ``word``, skipped when the choices are too many to search quickly."""
    choices = list(choices)
    return hint_for(word, choices) if len(choices) <= 2000 else {"hint": ""}


# ---------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------


def load_facts_bulk(path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], pm: Any = None) -> list[Fact]:
    """Load facts from one or more ``.jsonl``/``.csv`` files, streamed row by row.

    ``path`` may be a list of files read as one: attendance rows in any of
    them are folded into session facts from any of them (the sessions in one
    file, a million attendance rows in another).  Each fact's ``id``
    defaults to ``file:line``.  Raises :class:`~nqengine.errors.FactsError`
    listing every bad row.
    """
    paths = [os.fspath(path)] if isinstance(path, (str, os.PathLike)) else [os.fspath(p) for p in path]
    types = _types(pm)
    schema = fact_schema(types)
    checks = {name: _Record({**COMMON_FACT_FIELDS, **t.fields}) for name, t in types.items()}
    own = {name: [k for k in t.fields if k not in COMMON_FACT_FIELDS] for name, t in types.items()}
    problems = _Problems(FactsError)
    tally = AttendanceTally()
    attendance = _Attendance(checks.get("attendance"), tally, problems)
    out: list[Fact] = []
    for name in paths:
        base = os.path.basename(name)
        for row in read_rows(name, problems, attendance.csv_lane(name)):
            t = row.fields.get("type")
            if t == "attendance" and attendance.row(row):
                continue
            check = checks.get(t, _NO_TYPE) if t.__class__ is str else _NO_TYPE
            rec = _validate(row, row.fields, check, schema, problems)
            if rec is None:
                continue
            if t == "attendance":
                attendance.slow(rec, row)
                continue
            out.append(
                Fact(
                    id=rec["id"] or f"{base}:{row.line}",
                    type=t,
                    unit=rec["unit"],
                    date=rec["date"],
                    data={k: rec[k] for k in own[t]},
                    source=Source(row.file, row.line, 1),
                )
            )
    problems.raise_if_any()
    out, more = tally.fold(out)
    problems.extend(more)
    problems.raise_if_any()
    return out


class _NoType(_Record):
    """Rows whose type is missing or unknown never pass the fast check: the schema explains."""

    def __init__(self) -> None:
        super().__init__({})

    def check(self, v):
        return INVALID


_NO_TYPE = _NoType()


class _Attendance:
    """The hot path: millions of one-person rows, checked with the attendance type's rules.

    A row that does not pass these quick checks goes the slow way, through
    the schema, which says what is wrong with it.
    """

    KEYS = ("member", "unit", "session", "category", "date")

    def __init__(self, check: _Record | None, tally: AttendanceTally, problems: _Problems):
        self.allowed = frozenset(check.fields) if check else frozenset()
        self.tally, self.problems = tally, problems
        self.dates: dict[str, dt.date] = {}

    def _day(self, text: Any) -> Any:
        day = self.dates.get(text) if text.__class__ is str else None
        if day is None:
            try:
                day = self.dates[text] = parse_date(text)
            except (InvalidDate, TypeError):
                return None
        return day

    def row(self, row: Row) -> bool:
        """Count a well-formed row (a JSON line) and return True; False sends it to the schema."""
        f = row.fields
        if not self.allowed.issuperset(f):
            return False
        return self._count([f.get(k) for k in self.KEYS], row.file, row.line)

    def _count(self, values: list[Any], file: str, line: int) -> bool:
        member, unit, session, category, text = values
        day = self._day(text)
        if day is None:
            return False
        for v in (member, unit, session, category):
            if v.__class__ is not str or not v or v[0] <= " " or v[-1] <= " ":
                return False  # not text, empty, or to be stripped: the schema's way
        if not (member + unit + session + category).isascii():
            member, unit, session, category = nfc(member), nfc(unit), nfc(session), nfc(category)
        p = self.tally.add(member, unit, session, category, day, file, line)
        if p is not None:
            self.problems.add(p)
        return True

    def csv_lane(self, file: str) -> FastLane:
        """For a CSV file: take attendance rows straight from their cells (the same checks as :meth:`_count`)."""

        def lane(header: list[str]) -> Callable[[list[str], int], bool] | None:
            idx = {h: i for i, h in enumerate(header)}
            if not all(k in idx for k in ("type", *self.KEYS)):
                return None
            ti, mi, ui, si, ci, di = (idx[k] for k in ("type", *self.KEYS))
            others = [i for h, i in idx.items() if h not in self.allowed]
            dates, add, problems = self.dates, self.tally.add, self.problems

            def fast(cells: list[str], line: int) -> bool:
                if cells[ti] != "attendance":
                    return False
                for i in others:
                    if cells[i]:
                        return False
                day = dates.get(cells[di])
                if day is None:
                    return self._count([cells[mi], cells[ui], cells[si], cells[ci], cells[di]], file, line)
                member, unit, session, category = cells[mi], cells[ui], cells[si], cells[ci]
                if (
                    not (member and unit and session and category)
                    or member[0] <= " " or member[-1] <= " " or unit[0] <= " " or unit[-1] <= " "
                    or session[0] <= " " or session[-1] <= " " or category[0] <= " " or category[-1] <= " "
                    or not (member + unit + session + category).isascii()
                ):
                    return self._count([member, unit, session, category, cells[di]], file, line)
                p = add(member, unit, session, category, day, file, line)
                if p is not None:
                    problems.add(p)
                return True

            return fast

        return lane

    def slow(self, rec: dict, row: Row) -> None:
        """A row the schema accepted although the quick checks did not (a number as member id)."""
        p = self.tally.add(rec["member"], rec["unit"], rec["session"], rec["category"], rec["date"], row.file, row.line)
        if p is not None:
            self.problems.add(p)
