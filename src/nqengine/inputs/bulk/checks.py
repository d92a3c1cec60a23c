"""Field checks compiled from the schema validators, for rows that arrive as JSON or CSV text.

The YAML loader validates located nodes; bulk rows arrive as plain values
(JSON) or text (CSV).  :func:`compile_check` turns each validator, once, into
a fast check that only accepts and converts, and is deliberately
conservative: a row it does not accept is validated again by the schema's own
validators, on nodes built from the row (:func:`validate_row`), so every
problem has exactly the code, field and message the same mistake gets in
YAML.  A validator this module does not know (a plugin's own) always takes
that slower path.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import TYPE_CHECKING, Any, Callable, Mapping

import attrs

from nqengine.dates import InvalidDate, parse_date, parse_deadline_date
from nqengine.errors import Problem
from nqengine.inputs.bulk.rows import too_deep
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
    nfc,
)
from nqengine.yamlsource import MAX_DEPTH, Node, resolve_plain, scalar_value

if TYPE_CHECKING:
    from nqengine.inputs.bulk.rows import Problems, Row

__all__ = ["LIST_SEPARATOR", "Check", "RecordCheck", "compile_check", "validate_row"]

#: Separator of list items in a CSV cell.
LIST_SEPARATOR = "|"


class _Plain(str):
    """A CSV cell whose type YAML would infer (an unquoted scalar): ``12`` is a number."""


class Check:
    """A compiled validator: ``check`` accepts and converts a value, or returns INVALID.

    ``from_text`` turns CSV text into the value the field expects where it
    can (``"412"`` into 412, ``"a|b"`` into a list), and leaves the rest as
    :class:`_Plain` text for ``check`` to refuse and the schema to explain.
    """

    def check(self, v: Any) -> Any:
        return INVALID

    def from_text(self, v: Any) -> Any:
        return _Plain(v) if v.__class__ is str else v


class _Any(Check):
    def check(self, v):
        return _plain_value(v) if isinstance(v, _Plain) else v


class _Str(Check):
    def __init__(self, v: Str):
        self.coerce, self.nonempty = v.coerce, v.nonempty

    def check(self, v):
        if v.__class__ is not str:
            if not self.coerce or v.__class__ not in (int, float):
                return INVALID
            v = str(v)
        text = (v if v.isascii() else nfc(v)).strip()  # ASCII text is its own NFC form
        return INVALID if self.nonempty and not text else text

    def from_text(self, v):
        return v  # CSV text is text


#: ``from_text`` of the checks that take CSV text as it is (text, a choice, a date).
_TEXT_AS_IS = _Str.from_text


def _in_range(v: Any, value: Any) -> Any:
    if (v.min is not None and value < v.min) or (v.max is not None and value > v.max):
        return INVALID
    return value


_INT_RE = re.compile(r"[-+]?[0-9]+")
_FLOAT_RE = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Int(Check):
    def __init__(self, v: Int):
        self.v = v

    def check(self, v):
        return _in_range(self.v, v) if v.__class__ is int else INVALID

    def from_text(self, v):
        if v.__class__ is str and len(v) <= 20 and _INT_RE.fullmatch(v):  # longer: the schema says why
            return int(v)
        return super().from_text(v)


class _Float(Check):
    def __init__(self, v: Float):
        self.v = v

    def check(self, v):
        if v.__class__ not in (int, float) or (v.__class__ is float and not math.isfinite(v)):
            return INVALID
        if v.__class__ is int and not -1e300 < v < 1e300:
            return INVALID  # the schema explains it, without overflowing
        return _in_range(self.v, float(v))

    def from_text(self, v):
        if v.__class__ is str and _FLOAT_RE.fullmatch(v):
            return float(v)
        return super().from_text(v)


_BOOLS = {"true": True, "false": False}


class _Bool(Check):
    def check(self, v):
        return v if v.__class__ is bool else INVALID

    def from_text(self, v):
        got = _BOOLS.get(v.lower()) if v.__class__ is str else None
        return super().from_text(v) if got is None else got


class _Choice(_Str):
    def __init__(self, v: Choice):
        super().__init__(Str())
        self.v = v
        fixed = getattr(v, "_choices", None)
        #: a fixed tuple of choices, each mapped to itself: a row's word is checked in one look-up and replaced by
        #: the choice, so that 300,000 units share a handful of strings (a list or a function may change: read each time)
        self.fixed = {c: c for c in fixed} if type(fixed) is tuple else None

    def check(self, v):
        text = super().check(v)
        if text is INVALID:
            return INVALID
        if self.fixed is not None:
            return self.fixed.get(text, INVALID)
        return text if text in self.v.choices else INVALID


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


class _List(Check):
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


class _Map(Check):
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


class RecordCheck(Check):
    def __init__(self, fields: Mapping[str, Field]):
        self.fields = dict(fields)
        self.checks = {k: compile_check(f.validator) for k, f in self.fields.items()}
        self.required = frozenset(k for k, f in self.fields.items() if f.required)
        self.defaults = [(k, f.default, callable(f.default)) for k, f in self.fields.items() if not f.required]

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
        return self._complete(out)

    def _complete(self, out: dict[str, Any]) -> Any:
        """``out`` with the defaults of the fields it lacks, or INVALID when a required one is missing."""
        if not self.required <= out.keys():
            return INVALID
        for k, default, call in self.defaults:
            if k not in out:
                out[k] = default() if call else default
        return out

    def from_text(self, v):
        if v.__class__ is str:
            return _json_cell(v) if v.lstrip().startswith("{") else _Plain(v)
        if v.__class__ is dict:
            checks = self.checks
            return {k: (checks[k].from_text(x) if k in checks else x) for k, x in v.items()}
        return v

    def check_text(self, v: dict) -> Any:
        """``check(from_text(v))`` for a row read from CSV, in one pass (no converted copy of the row is built)."""
        checks = self.checks
        out: dict[str, Any] = {}
        for k, x in v.items():
            c = checks.get(k)
            if c is None:
                return INVALID
            got = out[k] = c.check(c.from_text(x))
            if got is INVALID:
                return INVALID
        return self._complete(out)


class _Nodes(Check):
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
        value = json.loads(v)
    except ValueError as exc:
        return _BadJson(str(exc))
    except RecursionError:
        return _BadJson(f"nested more than {MAX_DEPTH} levels deep")
    if v.count("[") + v.count("{") > MAX_DEPTH:
        if too_deep(value):
            return _BadJson(f"nested more than {MAX_DEPTH} levels deep")
    return value


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


_COMPILED: dict[int, tuple[Validator, Check]] = {}


def compile_check(v: Validator) -> Check:
    """The compiled check of validator ``v`` (cached: schemas are long-lived objects)."""
    hit = _COMPILED.get(id(v))
    if hit is not None and hit[0] is v:
        return hit[1]
    t = type(v)
    check: Check
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
        check = RecordCheck(v.fields)  # type: ignore[attr-defined]
    elif t is Any_:
        check = _Any()
    else:
        check = _Nodes(v)
    _COMPILED[id(v)] = (v, check)
    return check


def validate_row(row: Row, fields: dict, fast: RecordCheck, schema: Validator, problems: Problems) -> dict | None:
    """The row's fields checked and converted: the fast check, or the schema's own problems."""
    if row.columns is not None:  # CSV text: converted and checked in one pass; converted again only to explain a problem
        got = fast.check_text(fields) if fields.__class__ is dict else INVALID
        if got is not INVALID:
            return got
        fields = fast.from_text(fields)
    else:
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
