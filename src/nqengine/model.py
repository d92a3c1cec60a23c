"""The domain model: plans, obligations, the organisation registry, facts, verdicts.

Every class is frozen and slotted (attrs): a loaded spec or registry can be
shared between threads and evaluations without copying.  Vietnamese terms are
given once next to the English names: Kế hoạch (plan, :class:`Spec`), nghĩa vụ
(:class:`Obligation`), thời hạn (:class:`Deadline`), đối tượng (audience),
báo cáo viên (presenter), đơn vị (:class:`Unit`), dữ kiện (:class:`Fact`),
kết luận (:class:`Verdict`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Mapping

import attrs

from nqengine.errors import UnknownKeyError
from nqengine.names import NameIndex

__all__ = [
    "STATUSES",
    "OUTCOMES",
    "Document",
    "Clause",
    "DeadlineRef",
    "Deadline",
    "Selector",
    "Obligation",
    "Exception_",
    "Spec",
    "Unit",
    "RoleAssignment",
    "Qualification",
    "Person",
    "Registry",
    "Fact",
    "Finding",
    "Verdict",
    "LazyFindings",
    "UnmatchedFact",
    "Source",
]

#: Verdict statuses, in the order reports list them.
STATUSES = (
    "not_applicable",
    "pending",
    "due_soon",
    "met",
    "met_late",
    "overdue",
    "violated",
    "indeterminate",
)

#: Outcomes of one check (a :class:`Finding`).
#: ``partial``: progress that can still be completed before the deadline.
OUTCOMES = ("pass", "fail", "partial", "unknown", "info")


@attrs.frozen
class Source:
    """Where something was written: ``file:line:column``."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@attrs.frozen
class Document:
    """A document that creates or changes obligations: the plan itself or an amendment."""

    id: str
    title: str
    issuer: str | None = None
    number: str | None = None
    issued: dt.date | None = None


@attrs.frozen
class Clause:
    """A clause of a document (điều khoản), quoted in every verdict that rests on it."""

    id: str
    text: str
    document: str  # Document.id


@attrs.frozen
class DeadlineRef:
    """What a relative deadline counts from: a named event, or another obligation.

    ``point`` is "fulfilled" (the same unit's fulfilment of ``obligation``) or
    "due" (that obligation's due date for the same unit).
    """

    event: str | None = None
    obligation: str | None = None
    point: str = "fulfilled"


@attrs.frozen
class Deadline:
    """When an obligation is due (thời hạn).

    Exactly one of ``date`` (absolute) and ``after`` (relative, ``days``
    calendar or working days later) is set, unless ``open`` says the text gives
    no date at all.  ``inclusive`` says whether the day itself still counts:
    "trước ngày 31/10/2020" with ``inclusive=False`` means the last day on
    time is 30/10/2020.  ``interpretation`` is set when the source text gives
    no date ("kịp thời") and the spec chose one: verdicts resting on it say so.
    """

    inclusive: bool = True
    date: dt.date | None = None
    after: DeadlineRef | None = None
    days: int = 0
    working_days: bool = False
    open: bool = False
    text: str | None = None
    interpretation: str | None = None
    clause: str | None = None
    # Per-period forms, for a recurring obligation (see nqengine.evaluation.recurrence): exactly one, or open.
    day_of_last_month: int | None = None
    days_after_end: int | None = None
    on: tuple[tuple[int, int], ...] = ()
    #: A unit created after the due date owes it this many days after its creation (None: owes nothing).
    new_units_days: int | None = None


@attrs.frozen
class Selector:
    """Which units an obligation applies to; every given criterion must hold."""

    kinds: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    parents: frozenset[str] = frozenset()
    #: levels (central, provincial, district, grassroots, cell); see :data:`nqengine.levels.LEVELS`
    levels: frozenset[str] = frozenset()
    #: units below one of these, at any depth (or exactly ``depth`` levels below)
    under: frozenset[str] = frozenset()
    depth: int | None = None

    def matches(self, unit: "Unit") -> bool:
        if unit.id in self.exclude:
            return False
        if self.ids and unit.id not in self.ids:
            return False
        if self.kinds and unit.kind not in self.kinds:
            return False
        if self.sectors and unit.sector not in self.sectors:
            return False
        if self.parents and unit.parent not in self.parents:
            return False
        if self.levels and unit.level not in self.levels:
            return False
        if self.under:
            # ancestors, nearest first: the unit is (depth) levels below ancestors[depth - 1]
            if self.depth is not None:
                if len(unit.ancestors) < self.depth or unit.ancestors[self.depth - 1] not in self.under:
                    return False
            elif not any(a in self.under for a in unit.ancestors):
                return False
        return True

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.sectors or self.ids or self.exclude or self.parents or self.levels or self.under)


@attrs.frozen
class Exception_:
    """A rule for a subset of units that overrides parts of the general rule.

    Clause II.1.1.c is the model: the general presenter rule is the commune
    Secretary who is also a city reporter, with an exception for agency,
    public-unit and enterprise committees.  ``obligation`` is the obligation as
    it reads for the units that ``when`` selects, already merged.
    """

    when: Selector
    clause: str | None
    obligation: "Obligation"
    document: str | None = None
    effective: dt.date | None = None


@attrs.frozen
class Obligation:
    """One rule of the plan (nghĩa vụ): a kind, who it applies to, when, and its clause.

    ``params`` holds the kind's own fields, validated by the kind's schema (for
    ``study_session``: sessions, audience, presenter, content, materials).
    ``recurrence`` (a :class:`nqengine.periods.Recurrence`) is set when the
    obligation recurs (``every:``): it then has one verdict per unit per period.
    """

    id: str
    kind: str
    title: str
    clause: str
    applies_to: Selector
    deadline: Deadline | None
    params: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    due_soon_days: int | None = None
    exceptions: tuple[Exception_, ...] = ()
    source: Source | None = attrs.field(default=None, eq=False)
    document: str | None = None
    recurrence: Any = None

    def for_unit(self, unit: "Unit", as_of: dt.date | None = None) -> tuple["Obligation", "Exception_ | None"]:
        """The obligation as it reads for ``unit`` on ``as_of``: the last matching exception wins.

        An exception with an ``effective`` date (an amendment) is in force only
        from that date on.
        """
        chosen = None
        for exc in self.exceptions:
            if exc.when.matches(unit) and (exc.effective is None or as_of is None or exc.effective <= as_of):
                chosen = exc
        return (chosen.obligation, chosen) if chosen else (self, None)


@attrs.frozen
class Spec:
    """A plan (Kế hoạch) loaded from YAML: its documents, clauses, events and obligations."""

    id: str
    title: str
    document: Document
    clauses: Mapping[str, Clause]
    obligations: tuple[Obligation, ...]
    events: Mapping[str, dt.date] = attrs.field(factory=dict)
    calendar: str = "vn"
    calendar_overrides: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    due_soon_days: int = 7
    plugins: tuple[str, ...] = ()
    audience_categories: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    materials: Mapping[str, str] = attrs.field(factory=dict)
    documents: Mapping[str, Document] = attrs.field(factory=dict)
    effective: dt.date | None = None
    source: str | None = attrs.field(default=None, eq=False)
    raw: Any = attrs.field(default=None, eq=False, repr=False)

    def obligation(self, oid: str) -> Obligation:
        for ob in self.obligations:
            if ob.id == oid:
                return ob

        raise UnknownKeyError(f"no obligation {oid!r} in spec {self.id!r}")


def _in_period(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@attrs.frozen
class Unit:
    """An organisation (đơn vị): a grassroots party organisation, a cell, a department...

    ``audience`` gives headcounts per audience category (for example
    ``{"dang_vien": 120, "cong_chuc": 30}``); party members are the
    ``dang_vien`` category, counted apart from non-members.
    """

    id: str
    name: str
    kind: str
    sector: str | None = None
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    audience: Mapping[str, int] = attrs.field(factory=dict)
    source: Source | None = attrs.field(default=None, eq=False)
    #: the body that took over when this one was dissolved or merged (a unit id)
    succeeded_by: str | None = attrs.field(default=None, kw_only=True)
    #: the level of the Party the unit belongs to (given, or derived from its kind and parents by the registry)
    level: str | None = attrs.field(default=None, kw_only=True)
    #: ids of its superiors, nearest first (filled in by the registry from the ``parent`` chain)
    ancestors: tuple[str, ...] = attrs.field(default=(), eq=False, kw_only=True)

    def valid_on(self, day: dt.date) -> bool:
        return _in_period(self.valid_from, self.valid_to, day)


@attrs.frozen
class RoleAssignment:
    """A person's role in a unit (Bí thư = secretary, Phó Bí thư = deputy_secretary) for a period."""

    unit: str
    role: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return _in_period(self.valid_from, self.valid_to, day)


@attrs.frozen
class Qualification:
    """A recognition such as báo cáo viên (reporter) of a committee for a term."""

    kind: str
    body: str | None = None
    term: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return _in_period(self.valid_from, self.valid_to, day)

    def satisfies(self, wanted: Mapping[str, Any]) -> bool:
        return all(getattr(self, k) == v for k, v in wanted.items() if v is not None)


@attrs.frozen
class Person:
    id: str
    name: str
    roles: tuple[RoleAssignment, ...] = ()
    qualifications: tuple[Qualification, ...] = ()
    source: Source | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Registry:
    """The organisation registry: units and people, looked up by id or NFC name."""

    units: Mapping[str, Unit]
    people: Mapping[str, Person] = attrs.field(factory=dict)
    source: str | None = attrs.field(default=None, eq=False)
    _people_by_name: Mapping[str, str] = attrs.field(factory=dict, eq=False, alias="people_by_name")
    _units_by_name: Mapping[str, str] = attrs.field(factory=dict, eq=False, alias="units_by_name")
    #: names folded as people type them, by "units" / "people": built on first use by :meth:`_as_typed`
    _folded: dict[str, NameIndex] = attrs.field(factory=dict, eq=False, init=False, repr=False)

    def unit(self, ref: str) -> Unit | None:
        """A unit by id or by name (names compared after NFC normalisation, case-folded)."""
        found = self.units.get(ref)
        if found is None:
            uid = self._units_by_name.get(_name_key(ref))
            found = self.units.get(uid) if uid else None
        return found

    def person(self, ref: str) -> Person | None:
        """A person by id or by name (NFC, case-folded)."""
        found = self.people.get(ref)
        if found is None:
            pid = self._people_by_name.get(_name_key(ref))
            found = self.people.get(pid) if pid else None
        return found

    def unit_as_typed(self, ref: str) -> Unit | None:
        """The unit whose *name* reads like ``ref`` ignoring case, diacritics and spacing.

        For a name that :meth:`unit` did not find: None when no unit's name
        folds like it, :class:`~nqengine.names.Ambiguous` (with the candidates)
        when several do.  Ids are never matched this way.
        """
        uid = self._as_typed("units", ref)
        return self.units[uid] if uid is not None else None

    def person_as_typed(self, ref: str) -> Person | None:
        """The person whose name reads like ``ref`` ignoring case, diacritics and spacing (see :meth:`unit_as_typed`)."""
        pid = self._as_typed("people", ref)
        return self.people[pid] if pid is not None else None

    def _as_typed(self, what: str, ref: str) -> str | None:
        return self._name_index(what).match(ref)

    def _name_index(self, what: str) -> NameIndex:
        index = self._folded.get(what)
        if index is None:  # built on first use: most evaluations never need it
            items = self.units if what == "units" else self.people
            index = self._folded[what] = NameIndex((key, item.name) for key, item in items.items())
        return index

    def index_names(self) -> None:
        """Build now the indexes that looking units and people up by name builds on first use.

        For a caller with time to spare before the look-ups come (the command
        line does it while it waits for the facts: :mod:`nqengine.inputs.forked`).
        Nothing changes but when the work is done.
        """
        len(self._units_by_name), len(self._people_by_name)  # a NamesByKey builds its dict when first read
        self._name_index("units"), self._name_index("people")


class NamesByKey(Mapping[str, str]):
    """A registry's index of names (key → id), built the first time it is read.

    Most evaluations never look a unit up by name; a national registry would
    spend a third of a second and 50 MB building the index anyway.  Reads
    as the dict ``build()`` returns; pickles as that dict.
    """

    __slots__ = ("_build", "_value")

    def __init__(self, build: Any) -> None:
        self._build, self._value = build, None

    def _index(self) -> dict[str, str]:
        value = self._value
        if value is None:  # two threads may both build it: the same dict either way
            value = self._value = self._build()
        return value

    def __getitem__(self, key: str) -> str:
        return self._index()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._index().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._index()

    def __iter__(self) -> Any:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())

    def __eq__(self, other: object) -> bool:
        return self._index() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._index())

    def __reduce__(self) -> Any:
        return (dict, (self._index(),))


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@attrs.frozen
class Fact:
    """A recorded fact (dữ kiện): a session held, a report sent, a column opened...

    ``data`` holds the type's own fields, validated by its schema.
    """

    id: str
    type: str
    unit: str
    date: dt.date
    data: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    source: Source | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Finding:
    """The result of one check of a verdict: timing, sessions, audience, presenter, channel...

    ``code``/``params`` render through :mod:`nqengine.i18n` in either language;
    ``clause`` is the clause the check rests on; ``evidence`` the fact ids used.
    """

    check: str
    outcome: str
    code: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    clause: str | None = None
    evidence: tuple[str, ...] = ()
    details: Mapping[str, Any] = attrs.field(factory=dict)
    plugin: str | None = None


class LazyFindings:
    """A verdict's findings, built on first use: ``build(*args)`` returns them.

    Deciding a status needs only the outcomes of the checks; the findings
    that explain it (parameters, clauses, evidence, per-category detail) cost
    about as much again to build.  A kind may hand :meth:`Context.conclude
    <nqengine.engine.Context.conclude>` a ``LazyFindings`` together with the
    outcomes, and the explanation is built the first time anyone reads
    ``verdict.findings`` (the JSON writer, ``explain``, a plugin), then kept.
    ``build`` must depend only on its arguments, which must not change
    afterwards: the result is the same whenever it is built.  A
    ``LazyFindings`` belongs to one verdict (``conclude`` extends it with the
    verdict's timing finding, see :meth:`then`).
    """

    __slots__ = ("_build", "_args", "_value")

    def __init__(self, build: Any, *args: Any) -> None:
        self._build, self._args, self._value = build, args, None

    def resolve(self) -> tuple[Finding, ...]:
        """The findings, built now if they were not yet.

        Safe to call from several threads: each may build, all get equal findings.
        """
        value = self._value
        if value is None:
            build, args = self._build, self._args
            if build is None:  # another thread built them in between
                return self._value  # type: ignore[return-value]
            value = self._value = tuple(build(*args))
            self._build = self._args = None  # let go of what they were built from (after _value is set)
        return value

    @property
    def built(self) -> bool:
        return self._value is not None

    def peek(self) -> tuple[Finding, ...]:
        """The findings, built now if they were not yet, without keeping them (the same as :meth:`resolve` returns).

        For a reader that needs them once (the JSON writer, a verdict at a
        time): a national evaluation's findings, all kept, would take
        hundreds of megabytes.
        """
        value = self._value
        if value is None:
            build, args = self._build, self._args
            if build is None:  # another thread built them in between
                return self._value  # type: ignore[return-value]
            value = tuple(build(*args))
        return value

    def summary(self, name: str) -> Any:
        """A figure the findings would carry, computed without building them, or None when there is no shortcut.

        The function that builds the findings may offer shortcuts in its
        ``summaries`` attribute (name → a function of the same arguments);
        the study kind offers ``"audience"``, the attendance totals a roll-up
        sums.  None once built (read the findings), or when ``build`` offers none.
        """
        build, args = self._build, self._args
        while build is _chained and args is not None:  # the kind's own findings come first
            build, args = args[0], args[1]
        fn = getattr(build, "summaries", {}).get(name) if build is not None and args is not None else None
        return fn(*args) if fn is not None else None

    def then(self, build: Any, *args: Any) -> "LazyFindings":
        """These findings followed by those of ``build(*args)``: ``self``, extended in place, unless already built."""
        if self._value is not None:
            return LazyFindings(_chained, tuple, (self._value,), build, args)
        self._build, self._args = _chained, (self._build, self._args, build, args)
        return self

    def __reduce__(self) -> Any:  # pickles as the plain tuple it stands for
        return (tuple, (self.resolve(),))


def _chained(first: Any, first_args: tuple, then: Any, then_args: tuple) -> list[Finding]:
    return [*first(*first_args), *then(*then_args)]


def findings_tuple(findings: Any) -> tuple[Finding, ...]:
    """``findings`` as a tuple: a :class:`LazyFindings` built, a tuple as is, any other sequence copied."""
    if type(findings) is tuple:
        return findings
    if type(findings) is LazyFindings:
        return findings.resolve()
    return tuple(findings)


def findings_once(verdict: "Verdict") -> tuple[Finding, ...]:
    """``verdict.findings``, built but not kept if they were deferred and not built yet (see :meth:`LazyFindings.peek`)."""
    f = verdict._findings
    if type(f) is tuple:
        return f
    if type(f) is LazyFindings:
        return f.peek()
    return tuple(f)


def _findings_repr(findings: Any) -> str:
    return repr(findings_tuple(findings))


@attrs.frozen(repr=False)
class Verdict:
    """Where one unit stands on one obligation (for one period, if it recurs) on the evaluation date (kết luận).

    ``findings`` is always read as a tuple of :class:`Finding`.  It may be
    given as a :class:`LazyFindings`, which is built on first read; equality,
    ``repr``, pickling and :func:`attrs.evolve` (``findings=``) see the tuple.
    """

    obligation: str
    unit: str
    status: str
    due: dt.date | None
    clause: str
    _findings: Any = attrs.field(default=(), alias="findings", eq=findings_tuple)
    evidence: tuple[str, ...] = ()
    fulfilled_on: dt.date | None = None
    interpretation: str | None = None
    amended_by: tuple[str, ...] = ()
    #: The period's id (``2026-Q2``) for a recurring obligation, else None.
    period: str | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The checks that explain the status, in order (built now if they were deferred)."""
        f = self._findings
        return f if type(f) is tuple else findings_tuple(f)

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{a.alias}={_findings_repr(getattr(self, a.name)) if a.name == '_findings' else repr(getattr(self, a.name))}"
            for a in attrs.fields(Verdict)
        )
        return f"Verdict({parts})"


@attrs.frozen
class UnmatchedFact:
    """A fact no verdict used, with the reason (``code``/``params``, rendered by i18n)."""

    fact: str
    code: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    source: Source | None = attrs.field(default=None, eq=False)
