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
import os
from collections import Counter
from itertools import groupby
from operator import itemgetter, methodcaller
from typing import Any, Callable, Generator, Iterable, Mapping, Sequence

import attrs

from nqengine.dates import InvalidDate, parse_date
from nqengine.errors import FactsError, Problem, RegistryError
from nqengine.gcpause import gc_paused
from nqengine.inputs.attendance import AttendanceTally
from nqengine.inputs.bulk import columnar
from nqengine.inputs.bulk.checks import _TEXT_AS_IS, LIST_SEPARATOR, RecordCheck, validate_row
from nqengine.inputs.bulk.rows import MAX_PROBLEMS, FastLane, Problems, Row, read_rows
from nqengine.inputs.bulk.share import Shared, kept
from nqengine.inputs.facts import COMMON_FACT_FIELDS, _types, backwards, fact_of, fact_schema, spanned
from nqengine.inputs.registry import (
    PERSON,
    QUALIFICATION,
    ROLE,
    UNIT,
    registry_from_records,
)
from nqengine.model import (
    Fact,
    Person,
    Qualification,
    Registry,
    RoleAssignment,
    Source,
    Unit,
)
from nqengine.schema import INVALID, Choice, Field, Record, Str, hint_for, nfc

__all__ = ["load_registry_bulk", "load_facts_bulk", "read_rows", "MAX_PROBLEMS", "RECORD_TYPES", "LIST_SEPARATOR"]


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
_ROW_CHECKS = {k: RecordCheck(r.fields) for k, r in _ROW_SCHEMAS.items()}
_RECORD_FIELD = Record({"record": Field(Choice(RECORD_TYPES), required=True)})


class _UnitLane:
    """The usual registry line, a unit in JSON Lines, read in one pass: its :class:`Unit`, or None.

    It accepts only what the unit schema's checks would accept unchanged:
    known keys; ids and references in ASCII with nothing to strip; a name
    (NFC, stripped, not empty); a kind and level among their choices, a
    sector as an id; dates through the same compiled check; an audience of ASCII
    categories and whole numbers in the schema's range.  Anything else —
    an unusual spelling as much as a mistake — returns None and the row goes
    through :func:`validate_row`, which converts it or reports the problems
    located, as before (``tests/test_bulk.py`` compares both ways on good and
    bad rows).
    """

    def __init__(self) -> None:
        fields = UNIT.fields
        self.keys = frozenset(fields) | {"record"}
        #: each word of a vocabulary to its own string: every unit of a kind shares one, not a copy per row
        self.kinds, self.levels = ({w: w for w in fields[k].validator.choices} for k in ("kind", "level"))
        #: a sector is a word of a vocabulary the plan may extend (checked against the plan when evaluated):
        #: any id-like text is kept, one shared string per word
        self.sectors: dict[str, str] = {}
        checks = _ROW_CHECKS["unit"].checks
        self.date, self.date_to = checks["valid_from"].check, checks["valid_to"].check
        count = fields["audience"].validator.value
        self.least, self.most = count.min, count.max

    @staticmethod
    def _ref(v: Any) -> bool:
        """An id as the Str check would keep it: ASCII text, not empty, nothing to strip."""
        return v.__class__ is str and v != "" and v.isascii() and v[0] > " " and v[-1] > " "

    def __call__(self, f: dict, file: str, line: int, share: Callable[[Any], Any] = lambda v: v) -> Unit | None:
        if not self.keys.issuperset(f) or f.get("record", "unit") != "unit":
            return None
        ref = self._ref
        uid, name, kind = f.get("id"), f.get("name"), f.get("kind")
        if not ref(uid) or name.__class__ is not str or kind.__class__ is not str or (kind := self.kinds.get(kind)) is None:
            return None
        name = (name if name.isascii() else nfc(name)).strip()
        if not name:
            return None
        # An optional field is absent or valid; a null (None) is neither: the schema says what is wrong.
        sector = f.get("sector", _ABSENT)
        if sector is _ABSENT:
            sector = None
        elif not ref(sector):
            return None
        else:
            sector = self.sectors.setdefault(sector, sector)
        level = f.get("level", _ABSENT)
        if level is _ABSENT:
            level = None
        elif level.__class__ is not str or (level := self.levels.get(level)) is None:
            return None
        parent = f.get("parent", _ABSENT)
        if parent is _ABSENT:
            parent = None
        elif not ref(parent):
            return None
        successor = f.get("succeeded_by", _ABSENT)
        if successor is _ABSENT:
            successor = None
        elif not ref(successor):
            return None
        start = end = None
        if "valid_from" in f and (start := self.date(f["valid_from"])) is INVALID:
            return None
        if "valid_to" in f and (end := self.date_to(f["valid_to"])) is INVALID:
            return None
        audience = f.get("audience", _ABSENT)
        if audience is _ABSENT:
            audience = {}
        else:
            if audience.__class__ is not dict:
                return None
            least, most = self.least, self.most
            for k, n in audience.items():
                if not ref(k) or n.__class__ is not int or not least <= n <= most:
                    return None
        if start is not None:
            start = share(start)
        if end is not None:
            end = share(end)
        return Unit(uid, name, kind, sector, parent, start, end, share(audience) if audience else audience, Source(file, line, 1),
                    succeeded_by=successor, level=level)


def load_registry_bulk(path: str | os.PathLike[str]) -> Registry:
    """Load a registry from a ``.jsonl`` or ``.csv`` file (see the module docstring).

    Raises :class:`~nqengine.errors.RegistryError` listing every bad row,
    then, as for YAML, every duplicate id, unknown parent and parent cycle.
    """
    with gc_paused():  # hundreds of thousands of acyclic records: see nqengine.gcpause
        return _load_registry(os.fspath(path))


def _load_registry(name: str) -> Registry:
    problems = Problems(RegistryError)
    units: list[Unit] = []
    people: list[tuple[dict, Source]] = []
    extra: list[tuple[str, dict, Row]] = []  # role and qualification rows
    lane = _UNIT_LANE
    share = Shared().value  # equal values of many rows kept once (see .share)
    for row in read_rows(name, problems):
        fields = row.fields
        if row.columns is None:  # JSON Lines: the usual unit row in one pass
            unit = lane(fields, row.file, row.line, share)
            if unit is not None:
                units.append(unit)
                continue
        kind = fields.pop("record", "unit")
        if kind.__class__ is not str or kind not in _ROW_CHECKS:
            validate_row(row, {"record": kind}, RecordCheck(_RECORD_FIELD.fields), _RECORD_FIELD, problems)
            continue
        rec = validate_row(row, fields, _ROW_CHECKS[kind], _ROW_SCHEMAS[kind], problems)
        if rec is None:
            continue
        src = Source(row.file, row.line, 1)
        if kind == "unit":
            units.append(Unit(rec["id"], rec["name"], share(rec["kind"]), share(rec["sector"]), rec["parent"], share(rec["valid_from"]),
                              share(rec["valid_to"]), share(rec["audience"]), src, succeeded_by=rec.get("succeeded_by"), level=share(rec.get("level"))))
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
    del extra, people
    try:
        return registry_from_records(units, persons, name, fresh=True)
    except RegistryError as exc:
        raise RegistryError(_located(name, exc.problems)) from None


def _located(name: str, problems: list[Problem]) -> list[Problem]:
    """The registry's cross-checks (a duplicate id, an unknown parent, a period that ends before it starts...)
    at the row's own column, the field named as in the row: ``valid_to`` rather than ``units[41].valid_to``.

    They are found after loading, from records that keep only their line: the lines concerned are read again.
    """
    wanted = {p.line for p in problems if p.file == name and p.path.startswith(("units[", "people["))}
    if not wanted:
        return problems
    texts: dict[int, str] = {}
    columns: dict[str, int] | None = None
    with open(name, encoding="utf-8-sig", newline="") as fh:
        for n, text in enumerate(fh, 1):
            if columns is None and name.endswith(".csv") and text.strip():
                header = next(csv.reader([text]))
                columns = {h.strip(): i for i, h in enumerate(header, 1)}
            if n in wanted:
                texts[n] = text
                if len(texts) == len(wanted):
                    break
    out = []
    for p in problems:
        text = texts.get(p.line) if p.file == name else None
        if text is None:
            out.append(p)
            continue
        path = p.path.split("].", 1)[1]  # the field within the row
        row = Row({}, name, p.line, columns if name.endswith(".csv") else None, text)
        out.append(attrs.evolve(p, path=path, column=row.column(path)))
    return out


_ABSENT = object()
_UNIT_LANE = _UnitLane()


def _hint(word: str, choices: Iterable[str]) -> dict:
    """A "did you mean" for ``word``, skipped when the choices are too many to search quickly."""
    choices = list(choices)
    return hint_for(word, choices) if len(choices) <= 2000 else {"hint": ""}


# ---------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------


def load_facts_bulk(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], pm: Any = None, prior: Sequence[Fact] = ()
) -> list[Fact]:
    """Load facts from one or more ``.jsonl``/``.csv`` files, streamed row by row.

    ``path`` may be a list of files read as one: attendance rows in any of
    them are folded into session facts from any of them (the sessions in one
    file, a million attendance rows in another).  ``prior`` are facts already
    read (from YAML), read as one with the files: their attendance facts are
    folded with the rows.  Each fact's ``id`` defaults to ``file:line``.
    Raises :class:`~nqengine.errors.FactsError` listing every bad row.
    """
    paths = [os.fspath(path)] if isinstance(path, (str, os.PathLike)) else [os.fspath(p) for p in path]
    with gc_paused():  # millions of acyclic rows: see nqengine.gcpause
        return _load_facts(paths, _types(pm), prior)


def _load_facts(paths: list[str], types: Mapping[str, Any], prior: Sequence[Fact] = ()) -> list[Fact]:
    schema = fact_schema(types)
    checks = {name: RecordCheck({**COMMON_FACT_FIELDS, **t.fields}) for name, t in types.items()}
    problems = Problems(FactsError)
    tally = AttendanceTally()
    attendance = _Attendance(checks.get("attendance"), tally, problems)
    made = _Facts(types, checks)
    out = made.out
    for f in prior:
        if f.type != "attendance":
            out.append(f)
            continue
        src = f.source or Source("<facts>", 1, 1)
        d = f.data
        found = tally.add(d["member"], f.unit, d["session"], d["category"], f.date, src.file, src.line)
        if found is not None:
            attendance.counted_twice(found)
    for name in paths:
        made.base = os.path.basename(name)
        for row in read_rows(name, problems, made.csv_lane(name, attendance.csv_lane(name))):
            t = row.fields.get("type")
            if t == "attendance" and attendance.row(row):
                continue
            check = checks.get(t, _NO_TYPE) if t.__class__ is str else _NO_TYPE
            rec = validate_row(row, row.fields, check, schema, problems)
            if rec is None:
                continue
            if t == "attendance":
                attendance.slow(rec, row)
                continue
            if backwards(rec):
                problems.add(row.problem("until", "until_before_date", {"start": rec["date"], "end": rec["until"]}))
                continue
            made.add(rec, t, row.file, row.line)
    if len(problems.items) + problems.more > attendance.twice:
        problems.raise_if_any()  # a row the schema refused: stop before folding, whose problems could follow from it
    # a member counted twice is the tally's, like what folding finds: both are reported together, as for a YAML file
    out, more = tally.fold(out)
    problems.extend(more)
    problems.raise_if_any()
    return out


class _Facts:
    """The facts of checked rows, with equal values kept once; and the CSV lane that checks a row straight from its cells."""

    def __init__(self, types: Mapping[str, Any], checks: Mapping[str, RecordCheck]):
        self.checks = checks
        self.own = {name: [k for k in t.fields if k not in COMMON_FACT_FIELDS] for name, t in types.items()}
        self.shared = Shared()  # equal values of many rows kept once (see .share)
        self.out: list[Fact] = []
        self.base = ""

    def add(self, rec: dict, t: str, file: str, line: int) -> None:
        """The fact of a row whose fields ``rec`` the type's checks accepted (``t``: its type, as written)."""
        shared = self.shared
        share = shared.value
        self.out.append(fact_of(rec, rec["id"] or f"{self.base}:{line}", share(t), share(rec["unit"]), shared.record(rec, self.own[t]),
                                Source(file, line, 1)))

    def csv_lane(self, file: str, attendance: FastLane) -> FastLane:
        """For a CSV file: the attendance rows to ``attendance``'s lane, the other facts checked straight from their cells.

        For each type, the header's columns are matched once with the type's
        fields (:func:`_row_plan`).  A row whose cells all pass the type's
        compiled checks (those of
        :class:`~nqengine.inputs.bulk.checks.RecordCheck`, which a row built
        as a mapping gets) becomes its fact here, without building the
        mapping; a row with a cell in a column its type has no field for, a
        cell a check refuses or a required field missing is left to the
        reader, and the schema says what is wrong with it.  A column's cells
        repeat (a unit's id, a date, a list of contents): each distinct text
        is converted and shared once (:data:`_CONVERTED_MAX` per column).
        """
        checks, shared, out, base = self.checks, self.shared, self.out, os.path.basename(file)
        share, own = shared.value, self.own

        def lane(header: list[str]) -> Callable[[list[str], int], bool] | None:
            to_attendance = attendance(header)
            if getattr(to_attendance, "bulk", None) is not None:  # an attendance file: its own bulk lane
                return to_attendance
            if "type" not in header:
                return to_attendance
            ti = header.index("type")
            plans = {}
            for t, c in checks.items():
                plan = _row_plan(header, c, share) if t != "attendance" else None
                if plan is not None:
                    plans[t] = (*plan, own[t], share(t))

            def fast(cells: list[str], line: int) -> bool:
                plan = plans.get(cells[ti])
                if plan is None:
                    return to_attendance is not None and to_attendance(cells, line)
                others, cols, groups, defaults, required, keys, t = plan
                if others is not None and any(others(cells)):
                    return False  # a cell in a column the type has no field for
                rec = defaults.copy()
                for key, i, seen, convert in cols:
                    x = cells[i]
                    if x:
                        got = seen.get(x)
                        if got is None:
                            got = convert(x)
                            if got is INVALID:
                                return False
                        rec[key] = got
                for key, cell_of, subs, seen, convert in groups:
                    text = cell_of(cells)
                    got = seen.get(text)
                    if got is None:
                        group = {s: x for s, i in subs if (x := cells[i])}
                        if not group:
                            continue
                        got = convert(group, text)
                        if got is INVALID:
                            return False
                    rec[key] = got
                until = rec["until"]
                if not required <= rec.keys() or (until is not None and until < rec["date"]):
                    return False  # the reader's way: the schema explains
                # what fact_of does, inline on this hot path (tests/test_fact_lane.py: the same facts either way)
                data = {k: rec[k] for k in keys}
                period = rec["period"]
                out.append(
                    Fact(
                        id=rec["id"] or f"{base}:{line}",
                        type=t,
                        unit=rec["unit"],
                        date=rec["date"] if until is None else share(spanned(rec["date"], until, data)),
                        data=data if period is None else {**data, "period": period},
                        source=Source(file, line, 1),
                    )
                )
                return True

            return fast

        return lane


#: Distinct texts of one column kept converted by the CSV lane (a unit's id repeats a few times, a date
#: thousands): past this many, new texts are converted each time they occur.
_CONVERTED_MAX = 1 << 16


def _row_plan(header: list[str], check: RecordCheck, share: Callable[[Any], Any]) -> tuple | None:
    """How a CSV row of this header is checked by ``check`` straight from its cells; None when no row could pass.

    (a getter of the cells in columns the type has no field for, or None; the plain columns as
    (field, index, converted texts, convert); the dotted groups as (field, getter of its cells, [(key, index)],
    converted, convert); the fields' defaults; the required fields).  ``convert`` is
    ``c.check(c.from_text(text))``, its result shared (one object per distinct value) and kept per text.
    """
    fields = check.checks
    if any(callable(d) for _, d, _ in check.defaults) or not {"id", "until", "period"} <= fields.keys():
        return None  # not a fact type's record as built by _load_facts
    cols, groups, others = [], [], []
    dotted: dict[str, list[tuple[str, int]]] = {}
    for i, h in enumerate(header):
        if "." in h:
            top, sub = h.split(".", 1)
            dotted.setdefault(top, []).append((sub, i))
        elif h in fields:
            cols.append((h, i, *_converter(fields[h], share, h == "id")))
        else:
            others.append(i)
    for top, subs in dotted.items():
        if top in fields:
            seen, convert = _converter(fields[top], share, False)
            cell_of = itemgetter(*(i for _, i in subs)) if len(subs) > 1 else (lambda cells, i=subs[0][1]: (cells[i],))
            groups.append((top, cell_of, subs, seen, lambda group, text, seen=seen, convert=convert: convert(group, text)))
        else:
            others.extend(i for _, i in subs)
    if not check.required <= {h for h, *_ in cols} | {g[0] for g in groups}:
        return None  # a required field has no column: every row is the schema's to explain
    get_others = None
    if others:
        get_others = itemgetter(*others) if len(others) > 1 else (lambda cells, i=others[0]: (cells[i],))
    return get_others, cols, groups, {k: d for k, d, _ in check.defaults}, check.required


def _converter(c: Any, share: Callable[[Any], Any], unique: bool) -> tuple[dict, Callable[..., Any]]:
    """(converted texts, convert): ``convert(text[, key])`` is ``c.check(c.from_text(text))``, shared and kept under ``key``.

    ``unique`` (a fact's id): nothing kept, nothing shared, as the reader does.
    """
    check = c.check if type(c).from_text is _TEXT_AS_IS else (lambda x, check=c.check, from_text=c.from_text: check(from_text(x)))
    seen: dict[Any, Any] = {}
    if unique:
        return seen, check

    def convert(x: Any, key: Any = None) -> Any:
        got = check(x)
        if got is INVALID:
            return got
        got = share(got)
        if len(seen) < _CONVERTED_MAX and kept(got):
            seen[x if key is None else key] = got
        return got

    return seen, convert


class _NoType(RecordCheck):
    """Rows whose type is missing or unknown never pass the fast check: the schema explains."""

    def __init__(self) -> None:
        super().__init__({})

    def check(self, v):
        return INVALID


_NO_TYPE = _NoType()


_COMMAS = methodcaller("count", ",")
_ATTENDANCE_ONLY = {"attendance"}


class _Attendance:
    """The hot path: millions of one-person rows, checked with the attendance type's rules.

    A row that does not pass these quick checks goes the slow way, through
    the schema, which says what is wrong with it.
    """

    KEYS = ("member", "unit", "session", "category", "date")

    def __init__(self, check: RecordCheck | None, tally: AttendanceTally, problems: Problems):
        self.allowed = frozenset(check.fields) if check else frozenset()
        self.tally, self.problems = tally, problems
        self.twice = 0  # problems that are a member counted twice at a session (see counted_twice)
        self.dates: dict[str, dt.date] = {}

    def counted_twice(self, p: Problem) -> None:
        """The tally's problem with a row (a member counted twice): listed with the rows' problems, and counted."""
        self.problems.add(p)
        self.twice += 1

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
        texts = (member, unit, session, category)
        if not all(v.__class__ is str for v in texts):
            return False
        if not "".join(texts).isascii():
            texts = tuple(nfc(v) for v in texts)
        if not all(v and v == v.strip() for v in texts):
            return False  # empty, or to be stripped: the schema's way
        p = self.tally.add(*texts, day, file, line)
        if p is not None:
            self.counted_twice(p)
        return True

    def csv_lane(self, file: str) -> FastLane:
        """For a CSV file: take attendance rows straight from their cells (the same checks as :meth:`_count`)."""

        def lane(header: list[str]) -> Callable[[list[str], int], bool] | None:
            idx = {h: i for i, h in enumerate(header)}
            if not all(k in idx for k in ("type", *self.KEYS)):
                return None
            ti, mi, ui, si, ci, di = (idx[k] for k in ("type", *self.KEYS))
            others = [i for h, i in idx.items() if h not in self.allowed]
            dates, add, twice = self.dates, self.tally.add, self.counted_twice

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
                    twice(p)
                return True

            if not others:  # an attendance file: rows read in bulk, a session's run of rows at a time
                fast.bulk = self._bulk(fast, file, ti, mi, ui, si, ci, di, header)  # type: ignore[attr-defined]
            return fast

        return lane

    #: Characters read per chunk by the bulk lane (about 4,000 attendance rows).  A chunk's rows are split into
    #: cells all at once; 1 MB chunks held some 20 MB of cells, a third of the peak memory of a 1% national run.
    CHUNK = 1 << 18

    def _bulk(
        self, fast: Callable[[list[str], int], bool], file: str, ti: int, mi: int, ui: int, si: int, ci: int, di: int, header: Sequence[str] = (),
    ) -> Callable[..., Any]:
        """The bulk lane of an attendance CSV file: what ``fast`` does to each row, done to a session's run of rows at once.

        The file is read a chunk of lines at a time; while no cell is quoted
        and every line has the header's number of commas, the whole chunk is
        split into cells at once (one list, row after row, each column a
        slice of it: one call where a call per row cost 0.7 s of the 7.6 s
        that the 3.9 million rows of the 100% national data take); rows of one (session, unit, date) that follow each
        other are checked once for their shared cells, their members checked
        together (``" ".join``: printable ASCII, no empty or padded id) and
        counted per category with :class:`collections.Counter`.  A run that is
        not that clean, or repeats a member, goes row by row through ``fast``
        (which locates each problem), and a row ``fast`` does not take is given
        back for the schema.  At a quote, a carriage return, a blank line or a
        row of another type or width, the rest goes back to the CSV reader.

        A large file of only the attendance columns goes to pyarrow first, when it
        is installed (:mod:`nqengine.inputs.bulk.columnar`): if every row passes
        the checks above, its runs are counted at once and the file is done;
        otherwise the file is read here, as if that lane did not exist.
        """
        tally, day_of, chunk = self.tally, self._day, self.CHUNK

        def clean(text: str) -> bool:
            return text != "" and text[0] > " " and text[-1] > " " and text.isascii()

        def bulk(fh: Any, line: int, width: int) -> Generator[tuple[list[str], int], None, Any]:
            try:
                fd = fh.fileno()
            except (AttributeError, OSError, ValueError):  # not a file on disk: the columnar lane reads files only
                fd = None
            if fd is not None and columnar.wanted(fd, list(header)):
                runs = columnar.attendance_runs(file, fd, list(header), line, day_of)
                if runs is not None and tally.add_runs(runs, file):
                    return None
            commas = {width - 1}
            while True:
                lines = fh.readlines(chunk)
                if not lines:
                    return None
                text = "".join(lines)
                if '"' in text or "\r" in text or "\n\n" in text or not text.endswith("\n") or set(map(_COMMAS, lines)) != commas:
                    return lines, line
                # every line has the header's width: the chunk's cells in one list, row after row, each column a slice
                cells = text[:-1].replace("\n", ",").split(",")
                if set(cells[ti::width]) != _ATTENDANCE_ONLY:
                    return lines, line
                members_of, categories_of = cells[mi::width], cells[ci::width]
                start = 0
                for (session, unit, day_text), run in groupby(zip(cells[si::width], cells[ui::width], cells[di::width])):
                    end = start + len(list(run))
                    members = members_of[start:end]
                    joined = " ".join(members)
                    counts = Counter(categories_of[start:end])
                    day = day_of(day_text)
                    if (
                        day is None or not (clean(session) and clean(unit) and all(map(clean, counts)))
                        or not (joined.isascii() and joined.isprintable() and joined[:1] > " " and joined[-1:] > " " and "  " not in joined)
                        or not tally.add_many(members, unit, session, counts, day, file, line, joined)
                    ):
                        for i in range(start, end):
                            row = cells[i * width:(i + 1) * width]
                            if not fast(row, line):
                                yield row, line
                            line += 1
                    else:
                        line += end - start
                    start = end

        return bulk

    def slow(self, rec: dict, row: Row) -> None:
        """A row the schema accepted although the quick checks did not (a number as member id)."""
        p = self.tally.add(rec["member"], rec["unit"], rec["session"], rec["category"], rec["date"], row.file, row.line)
        if p is not None:
            self.counted_twice(p)
