"""Declarative validation of located YAML nodes.

A schema is a tree of small validator objects (:class:`Str`, :class:`Int`,
:class:`Date`, :class:`ListOf`, :class:`Record`, ...).  ``validate(node, path,
problems)`` returns the Python value or :data:`INVALID`, appending a located
:class:`~nqengine.errors.Problem` for every mistake instead of stopping at the
first, the way cattrs collects an error group.  Obligation kinds and fact types
declare their fields with these same validators, so plugins get located errors
and "did you mean" for free.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import itertools
import math
import os
import re
import unicodedata
from typing import Any, Callable, Mapping, Sequence

from nqengine.dates import InvalidDate, parse_date, parse_deadline_date
from nqengine.errors import Problem
from nqengine.i18n import Term, message
from nqengine.yamlsource import Node, join_path, resolve_plain, scalar_value, to_python

__all__ = [
    "INVALID",
    "Validator",
    "Any_",
    "Str",
    "Int",
    "MAX_COUNT",
    "Float",
    "Bool",
    "Choice",
    "Date",
    "DeadlineDate",
    "ListOf",
    "MapOf",
    "Record",
    "Field",
    "Parsed",
    "suggest",
    "Suggester",
    "hint_for",
    "hint_or_choices",
    "nfc",
]


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Any = _Invalid()


def nfc(text: str) -> str:
    """Unicode NFC form of ``text``: names are compared only in this form."""
    return unicodedata.normalize("NFC", text)


_SUGGEST_POOL = 300


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The closest of ``choices`` to ``word``, for a "did you mean" hint (see :class:`Suggester` for many words)."""
    return Suggester(choices)(word)


class Suggester:
    """``suggest(word, choices)`` for many words against the same ``choices``, prepared once.

    Choices and word are compared NFC-normalised and case-folded (the first
    choice of those folding alike is the one suggested).  Above
    :data:`_SUGGEST_POOL` choices (a national registry holds 10^5 ids, and
    difflib is quadratic per pair) only the likely ones are compared: those of
    about the word's length (within 2) that share the longest prefix with it,
    a few hundred at most, ties taken in the choices' order.  Choices are
    indexed by length and in sorted order, so that finding those is a few
    binary searches rather than a pass over every id: ``nqengine check`` of the
    national benchmark's data asked for 568 hints, 35 s of its 45 s.
    """

    def __init__(self, choices: Sequence[str] | Any):
        self._choices: Any = choices  # indexed on the first word asked about: most checks ask none

    def _prepare(self) -> None:
        folded: dict[str, str] = {}
        for c in self._choices:
            folded.setdefault(nfc(c).casefold(), c)
        self._choices = None
        self._folded = folded
        self._keys = list(folded)  # the choices' order
        self._by_len: dict[int, list[str]] = {}
        if len(self._keys) > _SUGGEST_POOL:
            self._pos = {k: i for i, k in enumerate(self._keys)}
            for k in self._keys:
                self._by_len.setdefault(len(k), []).append(k)
            for ks in self._by_len.values():
                ks.sort()
            pos = self._pos
            # whether, at each length, sorted order is the choices' order (callers pass sorted ids): ties then come
            # in that order by merging, without sorting them
            self._ordered = all(all(pos[a] < pos[b] for a, b in zip(ks, ks[1:])) for ks in self._by_len.values())

    def __call__(self, word: str) -> str | None:
        if self._choices is not None:
            self._prepare()
        w = nfc(word).casefold()
        pool = self._pool(w) if len(self._keys) > _SUGGEST_POOL else self._keys
        found = difflib.get_close_matches(w, pool, n=1, cutoff=0.6)
        return self._folded[found[0]] if found else None

    def _pool(self, w: str) -> list[str]:
        lists = [self._by_len[n] for n in range(len(w) - 2, len(w) + 3) if n in self._by_len]
        if not lists:  # nothing of about that length: the longest shared prefixes among all (rare)
            return heapq.nlargest(_SUGGEST_POOL, self._keys, key=lambda c: len(os.path.commonprefix((c, w))))
        if sum(map(len, lists)) <= _SUGGEST_POOL:
            return [k for ks in lists for k in ks]

        def span(ks: list[str], prefix: str) -> tuple[int, int]:
            """The range of ``ks`` (sorted) starting with ``prefix``."""
            lo = bisect.bisect_left(ks, prefix)
            if not prefix:
                return lo, len(ks)
            last = ord(prefix[-1])
            if last >= 0x10FFFF:  # pragma: no cover - no successor: scan
                hi = lo
                while hi < len(ks) and ks[hi].startswith(prefix):
                    hi += 1
                return lo, hi
            return lo, bisect.bisect_left(ks, prefix[:-1] + chr(last + 1))

        def count(n: int) -> int:
            return sum(hi - lo for ks in lists for lo, hi in [span(ks, w[:n])])

        # the longest prefix length that at least _SUGGEST_POOL candidates share with w (0 shares with all)
        size = 0
        for n in range(len(w), 0, -1):
            if count(n) >= _SUGGEST_POOL:
                size = n
                break
        longer = w[:size + 1] if size < len(w) else None
        pool = [k for ks in lists for lo, hi in [span(ks, longer)] for k in ks[lo:hi]] if longer is not None else []
        need = _SUGGEST_POOL - len(pool)
        prefix = w[:size]
        ranges = []
        for ks in lists:
            lo, hi = span(ks, prefix)
            if longer is None:
                ranges.append(ks[lo:hi])
            else:
                a, b = span(ks, longer)
                ranges.append(ks[lo:a] + ks[b:hi])
        pos = self._pos
        if self._ordered:
            ties = heapq.merge(*ranges, key=pos.__getitem__)
            pool.extend(itertools.islice(ties, need))
        else:
            pool.extend(sorted((k for r in ranges for k in r), key=pos.__getitem__)[:need])
        return pool


def hint_for(word: str, choices: Sequence[str], suggester: Suggester | None = None) -> dict:
    """Params for the ``did_you_mean`` suffix: ``hint`` is '' when nothing is close.

    ``suggester``, when given, is a :class:`Suggester` of the choices, made once for many words (``choices`` is then not read).
    """
    best = suggester(word) if suggester is not None else suggest(word, choices)
    return {"hint": _Hint(best) if best else ""}


def hint_or_choices(word: str, choices: Sequence[str]) -> dict:
    """Params for a ``{hint}`` that says "did you mean" when a choice is close, else lists them all.

    For open sets (kinds, calendars) that plugins extend: a close match is
    the useful answer, and the full list only when there is none.
    """
    best = suggest(word, choices)
    return {"hint": _Hint(best) if best else _Registered(", ".join(choices))}


class _Registered(str):
    """A lazily translated "(registered: a, b)" suffix."""

    def render(self, lang: str) -> str:
        return message("registered_choices", lang, choices=str(self))


class _Hint(str):
    """A lazily translated "did you mean" suffix."""

    def render(self, lang: str) -> str:
        return message("did_you_mean", lang, suggestion=str(self))


_LAST_SEGMENT = re.compile(r'(?:\["((?:[^"\\]|\\.)*)"\]|([^.\[\]]+)(\[\d+\])*)$')


def _field_name(path: str) -> str:
    """The field a path ends in: ``deadline.days`` → ``days``, ``clauses["II.1"]`` → ``II.1``."""
    m = _LAST_SEGMENT.search(path)
    if m is None:
        return path
    if m.group(1) is not None:
        return re.sub(r"\\(.)", r"\1", m.group(1))
    return m.group(0)


_join = join_path

_WORD_LIMIT = 40


def _shown(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _WORD_LIMIT else text[: _WORD_LIMIT - 1] + "…"


class _ValueAndKind(str):
    """``'text' (kind)``, the kind in the message's language."""

    def __new__(cls, value: Any, kind: str) -> "_ValueAndKind":
        obj = super().__new__(cls, f"'{_shown(value)}' ({kind})")
        obj.value, obj.kind = _shown(value), kind  # type: ignore[attr-defined]
        return obj

    def render(self, lang: str) -> str:
        return f"'{self.value}' ({Term(self.kind).render(lang)})"  # type: ignore[attr-defined]


class Validator:
    """Base: subclasses implement :meth:`validate`; ``doc`` feeds the generated docs."""

    doc: str = ""
    type_name: str = "any"

    def validate(self, node: Node, path: str, problems: list[Problem]) -> Any:
        raise NotImplementedError

    def wrong_type(self, node: Node, path: str, problems: list[Problem], expected: str) -> Any:
        """Record that ``node`` is not of the ``expected`` type, saying what it is instead.

        A scalar's own text is quoted in the message; a quoted text that would
        have been right without its quotes (``"5"`` for a number, ``"no"`` for
        true/false) gets the hint to remove them.
        """
        actual = node.tag if node.kind == "scalar" else node.kind
        if not path and expected == "map":
            shown = _ValueAndKind(node.value, actual) if node.kind == "scalar" and node.tag != "null" else Term(actual)
            problems.append(node.problem("root_not_map", path, actual=shown))
            return INVALID
        params = {"field": _field_name(path), "expected": Term(expected)}
        if node.kind != "scalar" or node.tag == "null":
            problems.append(node.problem("wrong_type", path, actual=Term(actual), **params))
        elif node.tag == "str" and resolve_plain(str(node.value)) in self.accepts:
            problems.append(node.problem("wrong_type_quoted", path, value=_shown(node.value), **params))
        else:
            problems.append(node.problem("wrong_type_value", path, value=_shown(node.value), actual=Term(actual), **params))
        return INVALID

    #: Plain-scalar tags this validator accepts (for the "remove the quotes" hint).
    accepts: tuple[str, ...] = ()


class Any_(Validator):
    """Any YAML value, converted to plain Python."""

    def validate(self, node, path, problems):
        return to_python(node)


class Str(Validator):
    """A text, NFC-normalised; numbers are accepted as text only if ``coerce``."""

    type_name = "str"

    def __init__(self, *, coerce: bool = True, nonempty: bool = True, doc: str = ""):
        self.coerce, self.nonempty, self.doc = coerce, nonempty, doc

    def validate(self, node, path, problems):
        if node.kind == "scalar" and node.tag == "bool" and path:
            problems.append(
                node.problem("text_needs_quotes", path, field=_field_name(path), value=_shown(node.value), actual=Term("bool"))
            )
            return INVALID
        if node.kind != "scalar" or node.tag == "null" or (not self.coerce and node.tag != "str"):
            return self.wrong_type(node, path, problems, "str")
        text = nfc(str(node.value)).strip()
        if self.nonempty and not text:
            problems.append(node.problem("empty_list", path, field=_field_name(path)))
            return INVALID
        return text


#: Every count, number of days or headcount is below this (10⁹): far above any
#: real organisation, far below what would overflow a date or a float.
MAX_COUNT = 10**9 - 1


class Int(Validator):
    """A whole number, bounded (by default to ±:data:`MAX_COUNT`); ``08`` and ``010`` are decimal."""

    type_name = "int"
    accepts = ("int",)

    def __init__(self, *, min: int | None = None, max: int | None = None, doc: str = ""):
        self.min = -MAX_COUNT if min is None else min
        self.max = MAX_COUNT if max is None else max
        self.doc = doc

    def validate(self, node, path, problems):
        value = scalar_value(node) if node.kind == "scalar" else None
        if node.kind == "scalar" and node.tag == "int" and isinstance(value, str):
            # Too many digits for Python to read: certainly beyond the bound.
            op, limit = (Term(">="), self.min) if value.lstrip().startswith("-") else (Term("<="), self.max)
            problems.append(node.problem("out_of_range", path, field=_field_name(path), op=op, limit=limit, value=_shown(node.value)))
            return INVALID
        if node.kind != "scalar" or node.tag != "int" or not isinstance(value, int):
            return self.wrong_type(node, path, problems, "int")
        return _check_range(self, node, path, problems, value)


class Float(Validator):
    """A finite number (whole or not), optionally bounded."""

    type_name = "float"
    accepts = ("int", "float")

    def __init__(self, *, min: float | None = None, max: float | None = None, doc: str = ""):
        self.min = -MAX_COUNT if min is None else min
        self.max = MAX_COUNT if max is None else max
        self.doc = doc

    def validate(self, node, path, problems):
        value = scalar_value(node) if node.kind == "scalar" else None
        if node.kind == "scalar" and node.tag == "int" and isinstance(value, str):
            value = math.inf  # too many digits to read: not a finite number either
        if node.kind != "scalar" or node.tag not in ("int", "float") or isinstance(value, str):
            return self.wrong_type(node, path, problems, "number")
        try:
            value = float(value)  # an integer beyond 1.8e308 has no float
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            problems.append(node.problem("not_finite", path, field=_field_name(path), value=_shown(node.value)))
            return INVALID
        return _check_range(self, node, path, problems, float(value))


def _check_range(v: Any, node: Node, path: str, problems: list[Problem], value: Any) -> Any:
    shown = _shown(node.value)  # as written: '100', not '100.0'
    if v.min is not None and value < v.min:
        problems.append(node.problem("out_of_range", path, field=_field_name(path), op=Term(">="), limit=v.min, value=shown))
        return INVALID
    if v.max is not None and value > v.max:
        problems.append(node.problem("out_of_range", path, field=_field_name(path), op=Term("<="), limit=v.max, value=shown))
        return INVALID
    return value


class Bool(Validator):
    """true or false (YAML also reads yes/no and on/off as booleans)."""

    type_name = "bool"
    accepts = ("bool",)

    def __init__(self, *, doc: str = ""):
        self.doc = doc

    def validate(self, node, path, problems):
        if node.kind != "scalar" or node.tag != "bool":
            return self.wrong_type(node, path, problems, "bool")
        return scalar_value(node)


class Choice(Validator):
    """One of a fixed set of words (compared after NFC)."""

    type_name = "str"

    def __init__(self, choices: Sequence[str] | Callable[[], Sequence[str]], *, doc: str = ""):
        self._choices, self.doc = choices, doc

    @property
    def choices(self) -> list[str]:
        c = self._choices() if callable(self._choices) else self._choices
        return list(c)

    def validate(self, node, path, problems):
        text = Str().validate(node, path, problems)
        if text is INVALID:
            return INVALID
        choices = self.choices
        if text not in choices:
            problems.append(
                node.problem(
                    "not_in_choices", path, field=_field_name(path), value=text,
                    choices=", ".join(choices), **hint_for(text, choices),
                )
            )
            return INVALID
        return text


class Date(Validator):
    """A calendar date written dd/mm/yyyy or yyyy-mm-dd; 31/02 is an error."""

    type_name = "date"
    accepts = ("timestamp",)

    def __init__(self, *, doc: str = ""):
        self.doc = doc

    def validate(self, node, path, problems):
        if node.kind != "scalar" or node.tag not in ("str", "timestamp"):
            return self.wrong_type(node, path, problems, "date")
        try:
            return parse_date(str(node.value))
        except InvalidDate as exc:
            problems.append(node.problem("invalid_date", path, field=_field_name(path), detail=_DateDetail(exc)))
            return INVALID


class DeadlineDate(Date):
    """A date, or a month/quarter/year phrase meaning its last day ("Q1/2021", "tháng 1/2021")."""

    def validate(self, node, path, problems):
        if node.kind != "scalar" or node.tag not in ("str", "timestamp"):
            return self.wrong_type(node, path, problems, "date")
        try:
            return parse_deadline_date(str(node.value))[0]
        except InvalidDate as exc:
            problems.append(node.problem("invalid_date", path, field=_field_name(path), detail=_DateDetail(exc)))
            return INVALID


class _DateDetail(str):
    """An InvalidDate rendered in the message's language."""

    def __new__(cls, exc: InvalidDate) -> "_DateDetail":
        obj = super().__new__(cls, str(exc))
        obj.exc = exc  # type: ignore[attr-defined]
        return obj

    def render(self, lang: str) -> str:
        return str(self.exc) if lang == "en" else self.exc.message_vi  # type: ignore[attr-defined]


class ListOf(Validator):
    """A list of items; a single scalar is accepted as a one-item list if ``single``."""

    type_name = "seq"

    def __init__(self, item: Validator, *, min_len: int = 0, single: bool = False, doc: str = ""):
        self.item, self.min_len, self.single, self.doc = item, min_len, single, doc

    def validate(self, node, path, problems):
        if node.kind != "seq":
            if self.single and node.kind == "scalar" and node.tag != "null":
                v = self.item.validate(node, path, problems)
                return INVALID if v is INVALID else [v]
            return self.wrong_type(node, path, problems, "seq")
        out, ok = [], True
        for i, child in enumerate(node.value):
            v = self.item.validate(child, _join(path, i), problems)
            ok &= v is not INVALID
            out.append(v)
        if len(out) < self.min_len:
            problems.append(node.problem("empty_list", path, field=_field_name(path)))
            return INVALID
        return out if ok else INVALID


class MapOf(Validator):
    """A mapping with free keys (validated by ``key``) and uniform values."""

    type_name = "map"

    def __init__(self, key: Validator, value: Validator, *, doc: str = ""):
        self.key, self.value, self.doc = key, value, doc

    def validate(self, node, path, problems):
        if node.kind != "map":
            return self.wrong_type(node, path, problems, "map")
        out, ok = {}, True
        for k, v in node.value:
            kk = self.key.validate(k, path, problems)
            vv = self.value.validate(v, _join(path, str(k.value)), problems)
            ok &= kk is not INVALID and vv is not INVALID
            if kk is not INVALID:
                out[kk] = vv
        return out if ok else INVALID


class Field:
    """One key of a :class:`Record`: its validator, whether required, default, doc."""

    def __init__(self, validator: Validator, *, required: bool = False, default: Any = None, doc: str = ""):
        self.validator, self.required, self.default = validator, required, default
        self.doc = doc or validator.doc


class Parsed(dict):
    """A validated record: a dict of field values that remembers its node."""

    node: Node

    def loc(self, key: str) -> Node:
        """The node of field ``key`` (the record's own node if the key is absent)."""
        return self.node.get(key) or self.node


class Record(Validator):
    """A mapping with known keys: unknown keys get a "did you mean", missing required keys an error.

    ``extra`` (a callable taking the parsed record) can add fields known only
    after a discriminator is read, such as an obligation's ``kind``.
    """

    type_name = "map"

    def __init__(
        self,
        fields: Mapping[str, Field],
        *,
        extra: Callable[[Node, str, list[Problem]], Mapping[str, Field] | None] | None = None,
        doc: str = "",
    ):
        self.fields, self.extra, self.doc = dict(fields), extra, doc

    def validate(self, node, path, problems):
        if node.kind != "map":
            return self.wrong_type(node, path, problems, "map")
        fields = dict(self.fields)
        if self.extra is not None:
            more = self.extra(node, path, problems)
            if more:
                fields.update(more)
        out = Parsed()
        out.node = node
        ok = True
        suggested: set[str] = set()
        for k, v in node.value:
            key = str(k.value) if k.kind == "scalar" and k.value is not None else None
            if key is None or key not in fields:
                hint = hint_for(key or "", list(fields))
                if hint["hint"]:
                    suggested.add(str(hint["hint"]))
                problems.append(k.problem("unknown_key", _join(path, key or "?"), key=key if key is not None else "?", **hint))
                ok = False
                continue
            val = fields[key].validator.validate(v, _join(path, key), problems)
            ok &= val is not INVALID
            out[key] = val
        for key, f in fields.items():
            if key not in out:
                if f.required:
                    # A misspelt key already said "did you mean 'key'?": one mistake, one message.
                    if key not in suggested:
                        problems.append(node.problem("missing_key", path, key=key))
                    ok = False
                else:
                    out[key] = f.default() if callable(f.default) else f.default
        return out if ok else INVALID
