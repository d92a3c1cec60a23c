"""Hypothesis strategies for nqengine: registries, facts and specs to test plans with.

One place for every strategy, used by nqengine's own tests, by ``nqengine
prove`` and by plugin authors::
    from hypothesis import given
    from nqengine import testing

    spec = nqengine.load_spec("specs/tam-ky-xxi")

    @given(testing.scenarios(spec))
    def test_no_crash(scenario):
        nqengine.evaluate(spec, scenario.registry, list(scenario.facts), scenario.as_of)

The strategies:

- :func:`registries` — organisation registries: a city committee and units of
  every kind the spec's selectors name (sectors only on grassroots party
  organisations, as in ``registry.yaml``), headcounts per audience category,
  people with roles and qualifications that have validity dates.  With
  ``compliant=True`` every unit exists for the whole plan and has a head who
  holds every role and qualification a presenter rule asks for (and a plain
  member who holds none), so every obligation *can* be done right.
- :func:`facts_for` — arbitrary facts for a spec and registry, valid by their
  fact type's schema (unknown units and late dates included).
- :func:`compliant_facts` — facts that fulfil every checkable obligation of
  every unit on time (see :class:`CompliantSet`).
- :func:`broken_facts` — compliant facts with exactly one check of one
  (obligation, unit) broken (see :class:`BrokenCase`).
- :func:`scenarios` — a registry, a mix of compliant and arbitrary facts, and
  an evaluation date near the dates that matter.
- :func:`specs` — valid specs built from the registered obligation kinds.

What a kind or fact type generates comes from the plugins, through the
``nqengine_testing_strategies`` hook: see :class:`KindStrategies`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from nqengine.errors import PluginError
from nqengine.evaluation.engine import evaluate, obligation_order
from nqengine.evaluation.recurrence import period_due
from nqengine.inputs.registry import registry_from_records
from nqengine.levels import KIND_LEVELS
from nqengine.model import (
    Fact,
    Obligation,
    Person,
    Qualification,
    Registry,
    RoleAssignment,
    Selector,
    Spec,
    Unit,
)
from nqengine.plugins import catalogue_for, get_plugin_manager
from nqengine.spec import SECTORS, UNIT_KINDS, load_spec_text
from nqengine.spec.dump import to_yaml
from nqengine.testing.builtin import Break, KindStrategies

__all__ = [
    "GRASSROOTS_KINDS",
    "Break",
    "BrokenCase",
    "CompliantSet",
    "GenContext",
    "KindStrategies",
    "Scenario",
    "TestingCatalogue",
    "as_of_dates",
    "broken_facts",
    "checkable",
    "compliant_facts",
    "expected_status",
    "fact_from_record",
    "facts_for",
    "plan_period",
    "registries",
    "scenarios",
    "selector_possible",
    "specs",
    "testing_catalogue",
    "vocabulary",
]

#: Kinds of unit that have a sector (khối): grassroots party organisations.
GRASSROOTS_KINDS = ("party_committee", "grassroots_cell", "subordinate_cell")
ROOT_ID = "thanh-uy"
DEFAULT_CATEGORIES = ("dang_vien", "can_bo", "cong_chuc", "vien_chuc", "nguoi_lao_dong")
_NAMES = (
    "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Huỳnh Văn Em", "Võ Thị Giang",
    "Đặng Văn Hải", "Bùi Thị Hoa", "Ngô Văn Khánh", "Đỗ Thị Lan", "Hồ Văn Minh", "Dương Thị Nga",
)  # fmt: skip
_KIND_VI = {
    "city_committee": "Thành ủy", "standing_committee": "Ban Thường vụ", "party_board": "Ban Đảng",
    "party_committee": "Đảng bộ", "grassroots_cell": "Chi bộ", "subordinate_cell": "Chi bộ trực thuộc",
    "government": "UBND", "department": "Phòng", "public_service": "Trung tâm", "mass_organisation": "Hội",
}  # fmt: skip


# -- the catalogue of strategy factories --------------------------------------


@attrs.frozen
class TestingCatalogue:
    """The strategy factories the plugins of one plugin manager contribute."""

    __test__ = False  # not a pytest class

    kinds: Mapping[str, KindStrategies]
    fact_types: Mapping[str, Callable[[GenContext], Any]]


def testing_catalogue(pm: Any = None) -> TestingCatalogue:
    """The merged ``nqengine_testing_strategies`` of ``pm`` (built once per manager)."""

    if pm is None:
        pm = get_plugin_manager()
    cached = getattr(pm, "_nqengine_testing", None)
    if cached is not None:
        return cached
    kinds: dict[str, KindStrategies] = {}
    facts: dict[str, Callable] = {}
    for impl in pm.hook.nqengine_testing_strategies.get_hookimpls():  # registration order: later plugins override
        got = impl.function()
        if not isinstance(got, Mapping):
            raise PluginError(f"returned {type(got).__name__}, expected a dict", plugin=impl.plugin_name, hook="nqengine_testing_strategies")
        for key, value in got.items():
            prefix, _, name = str(key).partition(":")
            if prefix == "kind" and name:
                kinds[name] = value() if isinstance(value, type) else value
            elif prefix == "fact" and name:
                facts[name] = value
            else:
                raise PluginError(f"key {key!r} must be 'kind:NAME' or 'fact:NAME'", plugin=impl.plugin_name, hook="nqengine_testing_strategies")
    cat = TestingCatalogue(kinds, facts)
    pm._nqengine_testing = cat  # type: ignore[attr-defined]
    return cat


# -- what a spec talks about -------------------------------------------------------------


def plan_period(spec: Spec | None) -> tuple[dt.date, dt.date]:
    """First and last day that matter: the plan's start, and 60 days past its last fixed date."""
    if spec is None:
        return dt.date(2020, 9, 1), dt.date(2020, 12, 31)
    fixed = [d for d in spec.events.values() if d is not None]
    for ob in spec.obligations:
        for v in (ob, *(e.obligation for e in ob.exceptions)):
            if v.deadline is not None and v.deadline.date is not None:
                fixed.append(v.deadline.date)
    start = spec.effective or spec.document.issued or (min(fixed) - dt.timedelta(days=90) if fixed else dt.date(2020, 1, 1))
    fixed.extend(_period_dues(spec))
    end = max([start, *fixed]) + dt.timedelta(days=60)
    return start, end


#: How many periods of a recurring obligation generated cases look at.
PERIODS_LOOKED_AT = 6


def _period_dues(spec: Spec) -> list[dt.date]:
    """The due dates (or ends) of the first periods of each recurring obligation."""
    out: list[dt.date] = []
    calendar = None
    for ob in spec.obligations:
        if ob.recurrence is None:
            continue
        if calendar is None:
            calendar = catalogue_for(get_plugin_manager(load_entrypoints=False)).calendar(spec.calendar, spec.calendar_overrides)
        for p in itertools.islice(ob.recurrence.periods(), PERIODS_LOOKED_AT):
            out.append(period_due(ob.deadline, p, calendar) or p.end)
    return out


def _variants(spec: Spec) -> Iterable[Obligation]:
    for ob in spec.obligations:
        yield ob
        for e in ob.exceptions:
            yield e.obligation


def vocabulary(spec: Spec | None) -> dict[str, set[str]]:
    """Words the spec uses, by what they are: categories, content, materials, roles..."""
    out: dict[str, set[str]] = {k: set() for k in ("categories", "content", "materials", "audiences", "deliverables", "events", "obligations", "roles", "units")}
    if spec is None:
        out["categories"] = set(DEFAULT_CATEGORIES)
        return out
    out["categories"] |= set(spec.audience_categories)
    out["materials"] |= set(spec.materials)
    out["events"] |= set(spec.events)
    for v in _variants(spec):
        out["obligations"].add(v.id)
        p = v.params
        for key, field in (("content", "content"), ("materials", "materials"), ("audiences", "audiences")):
            block = p.get(field)
            if isinstance(block, Mapping):
                out[key] |= set(block.get("required") or ())
        aud = p.get("audience")
        if isinstance(aud, Mapping):
            out["categories"] |= set(aud.get("categories") or ())
        out["deliverables"] |= set(p.get("deliverables") or ())
        rule = p.get("presenter")
        if isinstance(rule, Mapping):
            out["roles"] |= set(rule.get("roles") or ())
        ch = p.get("channel")
        if isinstance(ch, Mapping):
            out["units"] |= {x for x in (ch.get("to"), ch.get("via")) if x}
        out["units"] |= set(v.applies_to.ids) | set(v.applies_to.parents)
    if not out["categories"]:
        out["categories"] = set(DEFAULT_CATEGORIES)
    return out


def _qualifications(spec: Spec | None) -> list[dict]:
    seen: list[dict] = []
    for v in _variants(spec) if spec else ():
        rule = v.params.get("presenter")
        for q in (rule or {}).get("qualifications") or []:
            q = {k: q.get(k) for k in ("kind", "body", "term")}
            if q not in seen:
                seen.append(q)
    return seen


def checkable(obligation: Obligation, pm: Any = None) -> bool:
    """Whether a verdict on ``obligation`` can ever be more than not_applicable."""
    ks = testing_catalogue(pm).kinds.get(obligation.kind)
    return ks.checkable(obligation) if ks is not None else obligation.kind != "duty"


def selector_possible(sel: Selector) -> bool:
    """Whether some unit can match ``sel`` (sectors belong to grassroots party organisations only)."""
    if sel.ids and not (sel.ids - sel.exclude):
        return False
    return not (sel.sectors and sel.kinds and not (sel.kinds & set(GRASSROOTS_KINDS)))


# -- the generation context ------------------------------------------------------------------


@attrs.frozen
class GenContext:
    """What a strategy factory may look at: the spec, the registry, the unit, the plan's dates."""

    spec: Spec | None
    registry: Registry
    unit: Unit | None
    start: dt.date
    end: dt.date
    catalogue: TestingCatalogue
    vocab: Mapping[str, set[str]] = attrs.field(factory=dict)

    def vocabulary(self, key: str) -> set[str]:
        return set(self.vocab.get(key, ()))

    def date_in(self, window: tuple[dt.date, dt.date | None]) -> Any:
        """A day in ``window``, often one of its ends (where off-by-one bugs live)."""
        lo, hi = window
        hi = hi if hi is not None else lo + dt.timedelta(days=60)
        if hi <= lo:
            return st.just(lo)
        return st.one_of(st.dates(lo, hi), st.just(lo), st.just(hi))  # shrinks towards lo

    def find_day(self, window: tuple[dt.date, dt.date | None], ok: Callable[[dt.date], bool], near: dt.date | None = None) -> dt.date | None:
        """The day in ``window`` closest to ``near`` on which ``ok`` holds."""
        lo, hi = window
        hi = hi if hi is not None else lo + dt.timedelta(days=60)
        days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
        if near is not None:
            days.sort(key=lambda d: abs((d - near).days))
        return next((d for d in days if ok(d)), None)

    def _qualifies(self, person: Any, rule: Mapping, day: dt.date) -> bool:
        assert self.unit is not None
        if not any(r.unit == self.unit.id and r.role in rule["roles"] and r.valid_on(day) for r in person.roles):
            return False
        for w in rule.get("qualifications") or []:
            if not any(
                all(getattr(q, k) == w.get(k) for k in ("kind", "body", "term") if w.get(k) is not None) and q.valid_on(day)
                for q in person.qualifications
            ):
                return False
        return True

    def presenter_on(self, rule: Mapping, day: dt.date, window: tuple[dt.date, dt.date | None]) -> tuple[dt.date, Any] | None:
        """A person who may present on ``day`` (or the nearest day in ``window`` when nobody may)."""
        people = sorted(self.registry.people.values(), key=lambda p: p.id)
        found = self.find_day(window, lambda d: any(self._qualifies(p, rule, d) for p in people), near=day)
        if found is None:
            return None
        return found, next(p for p in people if self._qualifies(p, rule, found))

    def person_ref(self, person: Any) -> Any:
        """How a fact names a person: id, name, or name in decomposed Unicode (NFD)."""
        return st.sampled_from([person.id, person.name, unicodedata.normalize("NFD", person.name)])

    def any_person_ref(self) -> Any:
        refs = sorted(self.registry.people) + ["Người Lạ"]
        return st.sampled_from(refs)

    def any_unit_ref(self) -> Any:
        return st.sampled_from(sorted(self.registry.units) + ["x-khong-co"])

    def person_without_role(self, roles: Sequence[str]) -> str | None:
        assert self.unit is not None
        for p in sorted(self.registry.people.values(), key=lambda p: p.id):
            if not any(r.unit == self.unit.id and r.role in roles for r in p.roles):
                return p.id
        return None

    def person_unqualified(self, rule: Mapping) -> str | None:
        assert self.unit is not None
        for p in sorted(self.registry.people.values(), key=lambda p: p.id):
            if any(r.unit == self.unit.id and r.role in rule["roles"] and r.valid_from is None and r.valid_to is None for r in p.roles) and not p.qualifications:
                return p.id
        return None

    def fact_fields(self, type_name: str) -> Any:
        factory = self.catalogue.fact_types.get(type_name)
        return factory(self) if factory is not None else st.just({})


def _gen(spec: Spec | None, registry: Registry, unit: Unit | None, pm: Any) -> GenContext:
    start, end = plan_period(spec)
    return GenContext(spec, registry, unit, start, end, testing_catalogue(pm), vocabulary(spec))


# -- registries -------------------------------------------------------------------------------


def _grassroots(kinds: Iterable[str]) -> list[str]:
    return [k for k in kinds if k in GRASSROOTS_KINDS]


@st.composite
def registries(
    draw: Any,
    spec: Spec | None = None,
    *,
    compliant: bool = False,
    max_units: int = 6,
    kinds: Sequence[str] = (),
) -> Registry:
    """Registries for ``spec``: the units its selectors and channels name, and more.

    ``kinds`` adds unit kinds to draw extra units from.  With ``compliant``,
    units and people hold for the whole plan and every presenter rule can be
    met (see the module docstring).
    """

    start, end = plan_period(spec)
    vocab = vocabulary(spec)
    cats = sorted(vocab["categories"])
    rows: dict[str, dict] = {ROOT_ID: {"id": ROOT_ID, "kind": "city_committee", "parent": None, "sector": None}}
    selectors = [v.applies_to for v in _variants(spec)] + [e.when for ob in spec.obligations for e in ob.exceptions] if spec else []

    def add(uid: str, sel: Selector | None, kind_pool: Sequence[str], parent: str | None = ROOT_ID) -> None:
        if uid in rows:
            return
        pool = list(kind_pool)
        if sel is not None and sel.sectors:
            pool = _grassroots(pool) or list(GRASSROOTS_KINDS)
        kind = draw(st.sampled_from(pool))
        sector = None
        if kind in GRASSROOTS_KINDS:
            sector = draw(st.sampled_from(sorted(sel.sectors) if sel is not None and sel.sectors else list(SECTORS)))
        rows[uid] = {"id": uid, "kind": kind, "parent": parent if parent != uid else None, "sector": sector}

    # Units a selector names by id first, with the kind and sector it asks for: the same unit may
    # also be another selector's parent (a ward committee its cells hang under), and must still match.
    def parents_of(sel: Selector) -> list[str]:
        """The units a witness of ``sel`` may hang under: its ``parents``, or its ``under`` when directly under will do."""
        return sorted(sel.parents) or (sorted(sel.under) if sel.under and sel.depth in (None, 1) else [])

    for sel in selectors:
        for uid in sorted(sel.ids - sel.exclude):
            add(uid, sel, sorted(sel.kinds) or list(UNIT_KINDS), draw(st.sampled_from(parents_of(sel))) if parents_of(sel) else ROOT_ID)
    for sel in selectors:  # then the parents other units hang under
        for pid in parents_of(sel):
            add(pid, None, ["city_committee", "party_committee"])
    for v in _variants(spec) if spec else ():
        ch = v.params.get("channel")
        if isinstance(ch, Mapping):
            add(ch["to"], None, ["standing_committee", "city_committee"])
            if ch.get("via"):
                add(ch["via"], None, ["party_board"])
    # Extra units: a witness of some selector, or of any kind; a shrinking list.
    # Under a parent the spec names (TCCS hang under the city committee), else the root.
    default_parents = sorted({p for sel in selectors for p in parents_of(sel)}) + [ROOT_ID]
    templates: list[Selector | None] = [s for s in selectors if selector_possible(s) and not (s.ids and not (s.kinds or s.sectors or s.parents))]
    extra_kinds = sorted(set(kinds) | {k for s in selectors for k in s.kinds}) or list(UNIT_KINDS)
    picks = draw(st.lists(st.one_of(st.sampled_from(templates), st.none()) if templates else st.none(), min_size=1 if compliant else 0, max_size=max_units))
    for i, sel in enumerate(picks):
        uid = f"u{i + 1}"
        if sel is None:
            add(uid, None, extra_kinds, draw(st.sampled_from(default_parents)))
        else:
            add(uid, sel, sorted(sel.kinds) or list(UNIT_KINDS), draw(st.sampled_from(parents_of(sel) or default_parents)))
    # In a compliant registry only units some obligation counts heads in, or
    # wants a presenter from, get headcounts and people: counterexamples stay short.
    def above(uid: str) -> tuple[str, ...]:
        trail: list[str] = []
        cur = rows[uid]["parent"]
        while cur is not None and cur in rows and cur not in trail:
            trail.append(cur)
            cur = rows[cur]["parent"]
        return tuple(trail)

    def wanted(key: str, row: dict) -> bool:
        up = above(row["id"])
        level = KIND_LEVELS.get(row["kind"]) or next((KIND_LEVELS[rows[a]["kind"]] for a in up if rows[a]["kind"] in KIND_LEVELS), None)
        probe = Unit(row["id"], "", row["kind"], row["sector"], row["parent"], ancestors=up, level=level)
        return not compliant or any(v.params.get(key) and v.applies_to.matches(probe) for v in (_variants(spec) if spec else ()))

    units = []
    for i, (uid, row) in enumerate(rows.items()):
        audience = {}
        for c in cats if wanted("audience", row) else ():
            n = draw(st.one_of(st.none(), st.integers(0, 30))) if not compliant else draw(st.integers(0, 30))
            if n is not None:
                audience[c] = n
        valid_from = valid_to = None
        if not compliant and uid != ROOT_ID and draw(st.integers(0, 4)) == 0:
            valid_from = draw(st.one_of(st.none(), st.dates(start - dt.timedelta(days=30), end)))
            valid_to = draw(st.one_of(st.none(), st.dates(valid_from or start - dt.timedelta(days=30), end + dt.timedelta(days=30))))
        name = f"{_KIND_VI.get(row['kind'], 'Đơn vị')} {uid}"
        units.append(Unit(uid, name, row["kind"], row["sector"], row["parent"], valid_from, valid_to, audience))
    roles_needed = sorted(vocab["roles"]) or ["secretary"]
    quals = _qualifications(spec)
    people = []
    for u in units:
        if compliant and not wanted("presenter", rows[u.id]):
            continue
        if compliant:
            head = Person(f"{u.id}-bt", _name(len(people)), tuple(RoleAssignment(u.id, r) for r in roles_needed), tuple(Qualification(**q) for q in quals))
            people.append(head)
            people.append(Person(f"{u.id}-dv", _name(len(people)), (RoleAssignment(u.id, "member"),)))
            if quals:
                people.append(Person(f"{u.id}-pbt", _name(len(people)), tuple(RoleAssignment(u.id, r) for r in roles_needed)))
            continue
        for j in range(draw(st.integers(0, 2))):
            role = draw(st.sampled_from(roles_needed + ["member"]))
            rf = draw(st.one_of(st.none(), st.dates(start - dt.timedelta(days=60), end)))
            rt = draw(st.one_of(st.none(), st.dates(rf or start, end + dt.timedelta(days=60))))
            q = ()
            if quals and draw(st.booleans()):
                qf = draw(st.one_of(st.none(), st.dates(start - dt.timedelta(days=60), end)))
                q = (Qualification(**draw(st.sampled_from(quals)), valid_from=qf),)
            people.append(Person(f"{u.id}-p{j + 1}", _name(len(people)), (RoleAssignment(u.id, role, rf, rt),), q))
    return registry_from_records(units, people, "<generated>")


def _name(i: int) -> str:
    base = _NAMES[i % len(_NAMES)]
    return base if i < len(_NAMES) else f"{base} {i // len(_NAMES) + 1}"


# -- facts ----------------------------------------------------------------------------------------


def fact_from_record(fid: str, unit: str, rec: Mapping[str, Any]) -> Fact:
    """A :class:`Fact` from a record written by a strategy factory (``type``, ``date``, fields)."""
    data = {k: v for k, v in rec.items() if k not in ("type", "date") and v is not None}
    return Fact(fid, rec["type"], unit, rec["date"], data)


@st.composite
def facts_for(draw: Any, spec: Spec | None, registry: Registry, *, pm: Any = None, max_facts: int = 10, prefix: str = "n") -> list[Fact]:
    """Arbitrary facts of the registered types, about the registry's units (and an unknown one)."""
    cat = testing_catalogue(pm)
    start, end = plan_period(spec)
    types = sorted(cat.fact_types)
    units = sorted(registry.units) + ["x-khong-co"]
    out = []
    for i in range(draw(st.integers(0, max_facts))):
        uid = draw(st.sampled_from(units))
        tname = draw(st.sampled_from(types))
        gen = _gen(spec, registry, registry.units.get(uid), pm)
        fields = draw(cat.fact_types[tname](gen))
        day = draw(st.dates(start - dt.timedelta(days=10), end + dt.timedelta(days=30)))
        out.append(fact_from_record(f"{prefix}{i + 1}", uid, {"type": tname, "date": day, **fields}))
    return out


def verdict_key(v: Any) -> tuple:
    """``(obligation, unit)``, or ``(obligation, unit, period)`` for a recurring obligation's verdict."""
    return (v.obligation, v.unit) if v.period is None else (v.obligation, v.unit, v.period)


@attrs.frozen
class CompliantSet:
    """Facts that do every checkable obligation right, and what they were meant to do.

    ``records[(obligation, unit)]`` are the records written for that pair
    (``(obligation, unit, period)`` for a recurring obligation: its facts
    name their period),
    ``windows`` the days on which doing it was right, ``fulfilled`` the pairs
    done, and ``impossible`` the pairs that could not be done right, with why.
    """

    facts: tuple[Fact, ...]
    records: Mapping[tuple, tuple[Fact, ...]]
    windows: Mapping[tuple, tuple[dt.date, dt.date | None]]
    impossible: Mapping[tuple, str]

    @property
    def fulfilled(self) -> frozenset[tuple]:
        return frozenset(self.records)


FAR = dt.timedelta(days=800)


def _levels(spec: Spec) -> list[list[Obligation]]:
    """Obligations by depth of the relative deadlines they count from."""

    depth: dict[str, int] = {}
    for ob in obligation_order(spec):
        d = 0
        for v in (ob, *(e.obligation for e in ob.exceptions)):
            if v.deadline is not None and v.deadline.after is not None and v.deadline.after.obligation in depth:
                d = max(d, depth[v.deadline.after.obligation] + 1)
        about = ob.params.get("about")
        if isinstance(about, str) and about in depth:
            d = max(d, depth[about] + 1)
        depth[ob.id] = d
    levels: list[list[Obligation]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    for ob in spec.obligations:
        levels[depth[ob.id]].append(ob)
    return levels


def _base(variant: Obligation, unit: Unit, ev: Any, spec: Spec) -> dt.date | None:
    """The day a relative deadline counts from: doing it right comes after that day."""
    d = variant.deadline
    if d is None or d.after is None:
        return None
    if d.after.event is not None:
        return spec.events.get(d.after.event)
    try:
        v = ev.verdict(d.after.obligation, unit.id)
    except (LookupError, ValueError):
        return None
    return v.fulfilled_on if d.after.point == "fulfilled" else v.due


@st.composite
def compliant_facts(draw: Any, spec: Spec, registry: Registry, *, pm: Any = None, late: bool = False, prefix: str = "c") -> CompliantSet:
    """Facts fulfilling every checkable obligation of every applicable unit, each in its window.

    A pair's window runs from the latest of the plan's start, the unit's
    creation, the day its relative deadline counts from, and the kind's own
    lower bound (a report on an obligation comes after it), to its due date.
    When that window is empty the pair is listed in ``impossible``; with
    ``late=True`` it is done anyway on the window's first day (late), which is
    what ``satisfiable`` checks.
    """

    draw(st.just(None))  # a registry with nothing to do draws nothing else; Hypothesis wants one draw
    cat = testing_catalogue(pm)
    start, end = plan_period(spec)
    facts: list[Fact] = []
    records: dict[tuple, tuple[Fact, ...]] = {}
    windows: dict[tuple, tuple[dt.date, dt.date | None]] = {}
    impossible: dict[tuple, str] = {}
    n = 0
    for level in _levels(spec):
        ev = evaluate(spec, registry, facts, end + FAR, pm=pm)
        for ob in level:
            ks = cat.kinds.get(ob.kind)
            seen: dict[tuple[str, str], int] = {}
            for v in [v for v in ev.verdicts if v.obligation == ob.id]:
                unit = registry.units[v.unit]
                variant, _ = ob.for_unit(unit)
                if ks is None or not ks.checkable(variant):
                    continue
                period = None
                if v.period is not None:  # a recurring obligation: each period done in its own window, naming it
                    seen[(ob.id, unit.id)] = seen.get((ob.id, unit.id), 0) + 1
                    if seen[(ob.id, unit.id)] > PERIODS_LOOKED_AT or v.status == "not_applicable":
                        continue
                    period = ob.recurrence.period(v.period)
                bounds = [start, unit.valid_from, _base(variant, unit, ev, spec), _lower_bound(ks, variant, unit, ev)]
                if period is not None:
                    bounds.append(min(period.start, period.coverage_start))
                lo = max(b for b in bounds if b is not None)
                hi = v.due
                key = verdict_key(v)
                if hi is not None and lo > hi:
                    impossible[key] = f"it cannot be done before {lo:%d/%m/%Y}, but the last day is {hi:%d/%m/%Y}"
                    if not late:
                        continue
                    hi = lo
                windows[key] = (lo, v.due)
                recs = draw(ks.compliant(variant, _gen(spec, registry, unit, pm), (lo, hi)))
                if recs is None:
                    impossible[key] = "nobody in the registry may do it (presenter or recipient missing)"
                    continue
                made = []
                for rec in recs:
                    n += 1
                    made.append(fact_from_record(f"{prefix}{n}", unit.id, {**rec, "period": v.period} if v.period else rec))
                facts.extend(made)
                records[key] = tuple(made)
    return CompliantSet(tuple(facts), records, windows, impossible)


def _lower_bound(ks: Any, variant: Obligation, unit: Unit, ev: Any) -> dt.date | None:
    try:
        return ks.lower_bound(variant, unit, ev)
    except LookupError:  # "about" a recurring obligation: no single fulfilment to come after
        return None


def expected_status(outcome: str, due: dt.date | None, as_of: dt.date, kind: str = "") -> set[str]:
    """The statuses a verdict may have once one check broke with ``outcome`` (see :class:`Break`)."""
    past = due is not None and as_of > due
    if outcome == "fail":  # the unit can still put it right until the due date has passed (issue 10)
        return {"violated"} if past else {"pending", "due_soon"}
    if outcome == "unknown":
        return {"indeterminate"}
    if outcome == "late":
        return {"met_late"}
    if outcome == "partial":
        return {"violated"} if past else ({"pending", "due_soon"})
    if outcome == "missing":
        if kind == "duty":
            return {"not_applicable"}
        return {"overdue"} if past else {"pending", "due_soon"}
    raise ValueError(f"unknown outcome {outcome!r}")


@attrs.frozen
class BrokenCase:
    """Compliant facts with one check of one (obligation, unit) broken.

    ``expected`` holds the statuses that verdict may then have; every other
    checkable verdict stays met.
    """

    facts: tuple[Fact, ...]
    obligation: str
    unit: str
    check: str
    outcome: str
    expected: frozenset[str]
    as_of: dt.date
    compliant: CompliantSet
    period: str | None = None


def _consumes(ob: Obligation, pm: Any) -> set[str]:
    kinds = catalogue_for(pm if pm is not None else get_plugin_manager()).kinds
    kind = kinds.get(ob.kind)
    return set(kind.consumes(ob)) if kind is not None else set()


@st.composite
def broken_facts(draw: Any, spec: Spec, registry: Registry, *, pm: Any = None) -> BrokenCase | None:
    """Compliant facts, then exactly one check of one pair broken (None when nothing can be).

    Only pairs whose facts no other obligation of the same unit reads are
    broken, so the break cannot be mended by another obligation's facts.
    """

    done = draw(compliant_facts(spec, registry, pm=pm))
    cat = testing_catalogue(pm)
    ev = evaluate(spec, registry, list(done.facts), plan_period(spec)[1] + FAR, pm=pm)
    obs = {ob.id: ob for ob in spec.obligations}
    candidates = []
    for key, recs in sorted(done.records.items()):
        oid, uid = key[0], key[1]
        period = key[2] if len(key) > 2 else None
        unit = registry.units[uid]
        variant, _ = obs[oid].for_unit(unit)
        mine = _consumes(variant, pm)
        others = [k for k in done.records if k[1] == uid and k[0] != oid and _consumes(obs[k[0]].for_unit(unit)[0], pm) & mine]
        if others or not recs:
            continue
        ks = cat.kinds[variant.kind]
        lo, hi = done.windows[key]
        for check, brk in sorted(ks.breaks(variant, _gen(spec, registry, unit, pm), (lo, hi)).items()):
            if hi is None and brk.outcome == "late":
                continue
            candidates.append((key, check, brk, ev.verdict(oid, uid, period).due))
    if not candidates:
        return None
    key, check, brk, due = draw(st.sampled_from(candidates))
    oid, uid = key[0], key[1]
    period = key[2] if len(key) > 2 else None
    recs = draw(brk.records)
    if recs is None:
        return None
    kept = [f for f in done.facts if f not in done.records[key]]
    replaced = [fact_from_record(f"b{i + 1}", uid, {**r, "period": period} if period else r) for i, r in enumerate(recs)]
    facts = kept + replaced
    last = max([f.date for f in facts] + [due or plan_period(spec)[0]])
    as_of = last + dt.timedelta(days=draw(st.integers(1, 30)))
    expected = expected_status(brk.outcome, due, as_of, obs[oid].kind)
    return BrokenCase(tuple(facts), oid, uid, check, brk.outcome, frozenset(expected), as_of, done, period)


# -- scenarios --------------------------------------------------------------------------------------


@attrs.frozen
class Scenario:
    """A registry, facts (ids unique) and an evaluation date."""

    registry: Registry
    facts: tuple[Fact, ...]
    as_of: dt.date


def _interesting_days(spec: Spec, facts: Iterable[Fact]) -> list[dt.date]:
    start, end = plan_period(spec)
    days = {start, end}
    for v in _variants(spec):
        if v.deadline is not None and v.deadline.date is not None:
            days.add(v.deadline.date)
    days |= {d for d in spec.events.values() if d is not None}
    days |= set(_period_dues(spec))
    days |= {f.date for f in facts}
    one = dt.timedelta(days=1)
    return sorted({d + k * one for d in days for k in (-1, 0, 1)})


def as_of_dates(spec: Spec, facts: Iterable[Fact] = ()) -> Any:
    """Evaluation dates: the spec's deadlines, events and fact dates (±1 day), or any day around the plan."""
    start, end = plan_period(spec)
    return st.one_of(st.sampled_from(_interesting_days(spec, facts)), st.dates(start - dt.timedelta(days=10), end + dt.timedelta(days=60)))


@st.composite
def scenarios(draw: Any, spec: Spec, *, pm: Any = None, max_units: int = 5, max_noise: int = 8) -> Scenario:
    """A registry for ``spec``, some compliant facts, some arbitrary ones, and a date."""
    registry = draw(registries(spec, max_units=max_units))
    done = draw(compliant_facts(spec, registry, pm=pm))
    keep = draw(st.lists(st.booleans(), min_size=len(done.facts), max_size=len(done.facts)))
    facts = [f for f, k in zip(done.facts, keep) if k]
    facts += draw(facts_for(spec, registry, pm=pm, max_facts=max_noise))
    facts = draw(st.permutations(facts))
    return Scenario(registry, tuple(facts), draw(as_of_dates(spec, facts)))


# -- specs ---------------------------------------------------------------------------------------------


@attrs.frozen
class SpecDraft:
    """What a kind's ``params`` factory may refer to in a spec being generated."""

    categories: tuple[str, ...]
    materials: tuple[str, ...]
    events: tuple[str, ...]
    obligation_ids: tuple[str, ...]
    root: str = ROOT_ID
    recipient: str = "ban-thuong-vu"
    channel: str = "ban-tuyen-giao"


def _deadline(draw: Any, effective: dt.date, events: Mapping[str, dt.date], earlier: list[tuple[str, str]], kind_name: str) -> dict:
    choice = draw(st.sampled_from(["date", "date", "event", "after", "none"] if earlier else ["date", "date", "event", "none"]))
    if choice == "date":
        return {"date": draw(st.dates(effective + dt.timedelta(days=10), effective + dt.timedelta(days=120))).strftime("%d/%m/%Y"), "inclusive": draw(st.booleans())}
    if choice == "event":
        return {"after": {"event": draw(st.sampled_from(sorted(events)))}, "days": draw(st.integers(30, 120)), "inclusive": True}
    if choice == "after":
        # Only from an obligation of another kind: facts of one type then never move their own deadline.
        others = [oid for oid, k in earlier if k != kind_name]
        if others:
            return {
                "after": {"obligation": draw(st.sampled_from(others)), "point": draw(st.sampled_from(["fulfilled", "due"]))},
                "days": draw(st.integers(1, 15)), "working_days": draw(st.booleans()), "inclusive": True,
            }
        return {"date": (effective + dt.timedelta(days=60)).strftime("%d/%m/%Y"), "inclusive": True}
    return {"none": True}


def _recurrence(draw: Any, effective: dt.date) -> dict:
    """The keys of a recurring obligation: ``every``, ``from``, ``until``, ``coverage``, a per-period deadline."""
    every = draw(st.sampled_from(["month", "quarter", "half_year", "year", "months"]))
    out: dict[str, Any] = {}
    if every == "months":
        out["every"] = {"months": draw(st.integers(2, 5)), "anchor": effective.strftime("%d/%m/%Y")}
    else:
        out["every"] = every
        out["from"] = effective.strftime("%d/%m/%Y")
    out["until"] = (effective + dt.timedelta(days=draw(st.integers(60, 900)))).strftime("%d/%m/%Y")
    cov = draw(st.sampled_from(["calendar", "nd-09-2019", "cutoff"]))
    out["coverage"] = {"cutoff_day": draw(st.integers(1, 28))} if cov == "cutoff" else cov
    fixed = {"half_year": ["15/06", "15/12"], "year": ["15/12"], "quarter": ["20/03", "20/06", "20/09", "20/12"]}.get(every)
    form = draw(st.sampled_from(["day_of_last_month", "days_after_end", "none"] + (["on"] if fixed else [])))
    if form == "none":
        out["deadline"] = {"none": True}
    elif form == "day_of_last_month":
        out["deadline"] = {"day_of_last_month": draw(st.integers(1, 31)), "inclusive": draw(st.booleans())}
    elif form == "days_after_end":
        out["deadline"] = {"days_after_end": draw(st.integers(0, 30)), "working_days": draw(st.booleans()), "inclusive": True}
    else:
        out["deadline"] = {"on": fixed, "inclusive": draw(st.booleans())}
    return out


@st.composite
def spec_data(draw: Any, pm: Any = None, *, max_obligations: int = 4, recurring: bool = False) -> dict:
    """Plain data of a valid spec (see :func:`specs`); with ``recurring``, some obligations recur (``every``)."""

    pm = pm if pm is not None else get_plugin_manager()
    registered = catalogue_for(pm).kinds
    kinds = sorted(k for k in testing_catalogue(pm).kinds if k in registered)
    cats = draw(st.lists(st.sampled_from(DEFAULT_CATEGORIES), min_size=1, max_size=4, unique=True))
    materials = {"tai-lieu": "Tài liệu học tập"} if draw(st.booleans()) else {}
    effective = draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 6, 30)))
    events = {"resolution_adopted": effective - dt.timedelta(days=draw(st.integers(0, 60)))}
    draft = SpecDraft(tuple(cats), tuple(materials), tuple(events), ())
    obligations: list[dict] = []
    earlier: list[tuple[str, str]] = []
    once_only: set[str] = set()  # recurring obligations: no deadline may count from them
    for i in range(draw(st.integers(1, max_obligations))):
        kname = draw(st.sampled_from(kinds))
        oid = f"ob{i + 1}"
        ob: dict[str, Any] = {"id": oid, "kind": kname, "title": f"Nghĩa vụ {i + 1}", "clause": draw(st.sampled_from(["I.1", "II.1", "III.5"]))}
        sel_kinds = draw(st.lists(st.sampled_from(["party_committee", "grassroots_cell", "mass_organisation", "department"]), min_size=1, max_size=2, unique=True))
        applies: dict[str, Any] = {"kinds": sel_kinds}
        if _grassroots(sel_kinds) and draw(st.booleans()):
            applies["sectors"] = draw(st.lists(st.sampled_from(["commune", "ward", "agency", "enterprise"]), min_size=1, max_size=2, unique=True))
        ob["applies_to"] = applies
        recurs = recurring and kname != "duty" and draw(st.booleans())
        if recurs:
            ob.update(_recurrence(draw, effective))
        elif registered[kname].needs_deadline:
            ob["deadline"] = _deadline(draw, effective, events, [e for e in earlier if e[0] not in once_only], kname)
        ob.update(draw(testing_catalogue(pm).kinds[kname].params(attrs.evolve(draft, obligation_ids=tuple(o for o, _ in earlier)))))
        if kname == "study_session" and ob.get("presenter") and draw(st.booleans()):
            ob["exceptions"] = [{"when": {"sectors": ["agency", "enterprise"]}, "clause": ob["clause"], "set": {"presenter": {"roles": ["secretary"]}}}]
        obligations.append(ob)
        earlier.append((oid, kname))
        if "every" in ob:
            once_only.add(oid)
    return {
        "nqengine": 1,
        "id": "generated",
        "title": "Kế hoạch sinh tự động",
        "document": {"id": "kh", "title": "Kế hoạch", "issued": effective.strftime("%d/%m/%Y")},
        "effective": effective.strftime("%d/%m/%Y"),
        "audience_categories": {c: {"vi": c, "en": c, "party_member": c == "dang_vien"} for c in cats},
        "materials": materials,
        "events": {k: v.strftime("%d/%m/%Y") for k, v in events.items()},
        "clauses": {"I.1": "Mục đích", "II.1": "Học tập", "III.5": "Báo cáo"},
        "obligations": obligations,
    }


def specs(pm: Any = None, *, max_obligations: int = 4, recurring: bool = False) -> Any:
    """Valid specs built from the registered obligation kinds that have strategy factories.

    With ``recurring=True`` some obligations recur (``every``, ``from``,
    ``until``, ``coverage`` and a per-period deadline, drawn).
    """

    return spec_data(pm, max_obligations=max_obligations, recurring=recurring).map(lambda data: load_spec_text(to_yaml(data), "<generated>", pm=pm))
