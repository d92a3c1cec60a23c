"""Loading plan specs (Kế hoạch) from YAML, with every problem located.

The format is documented in ``docs/spec-format.md``; the Tam Kỳ plan in
``specs/tam-ky-xxi/plan.yaml`` is the worked example.  :func:`load_spec`
validates structure (unknown keys with "did you mean", wrong types,
impossible dates), then references (clauses, events, obligations, audience
categories, materials), then runs the kinds' and plugins' lint rules, and
raises one :class:`~nqengine.errors.SpecError` listing every problem.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Mapping

from attrs import evolve

from nqengine.confine import confined, current_policy, default_roots
from nqengine.deadline_reach import deadline_reach_problems
from nqengine.errors import PluginError, Problem, SpecError
from nqengine.levels import LEVELS
from nqengine.model import (
    Clause,
    Deadline,
    DeadlineRef,
    Document,
    Exception_,
    Obligation,
    Selector,
    Source,
    Spec,
)
from nqengine.plugins.manager import catalogue_for, get_plugin_manager, require_plugins
from nqengine.schema import (
    INVALID,
    Any_,
    Bool,
    Choice,
    Date,
    DeadlineDate,
    Field,
    Int,
    ListOf,
    MapOf,
    Parsed,
    Record,
    Str,
    Validator,
    hint_or_choices,
)
from nqengine.spec.collect import (
    dropped_ids,
    invalid_top_fields,
    kept_obligations,
    not_about,
    reindexed,
    without_noise,
)
from nqengine.spec.compose import resolve_extends
from nqengine.spec.ownership import undeclared_plugin_keys
from nqengine.spec.recurrence import (
    CoverageField,
    DayMonth,
    EveryField,
    recurrence_from,
)
from nqengine.spec.validate import validate_spec
from nqengine.spec.vocabularies import VOCABULARIES_FIELD
from nqengine.yamlsource import Node, compose_file, compose_text

__all__ = ["load_spec", "load_spec_text", "FORMAT_VERSION", "UNIT_KINDS", "SECTORS", "spec_schema"]

FORMAT_VERSION = 1

#: Longest span a spec may count in days (ten years): a larger number is a typo,
#: and would carry dates past the calendar's end.
MAX_DAYS = 3660

#: Kinds of unit in a registry (loại đơn vị).
UNIT_KINDS = (
    "city_committee",  # Thành ủy / Huyện ủy / Tỉnh ủy: the issuing committee
    "standing_committee",  # Ban Thường vụ
    "party_board",  # Ban Tuyên giáo, Văn phòng, Ban Tổ chức...
    "party_committee",  # Đảng bộ cơ sở
    "grassroots_cell",  # Chi bộ cơ sở
    "subordinate_cell",  # Chi bộ trực thuộc
    "government",  # UBND
    "department",  # Phòng chuyên môn (Phòng Văn hóa - Thông tin)
    "public_service",  # Trung tâm / đơn vị sự nghiệp of the city
    "mass_organisation",  # Mặt trận, đoàn thể chính trị - xã hội
    "central_committee",  # Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư: the centre
    "provincial_committee",  # Tỉnh ủy, Thành ủy trực thuộc Trung ương
    "district_committee",  # Huyện ủy, Thị ủy, Thành ủy thuộc tỉnh (until 1/7/2025)
)

#: Sectors of a grassroots party organisation (khối).
SECTORS = ("commune", "ward", "agency", "public_unit", "enterprise", "armed_forces")

SELECTOR = Record(
    {
        "kinds": Field(ListOf(Choice(UNIT_KINDS), single=True), default=list, doc="unit kinds"),
        "sectors": Field(ListOf(Str(), single=True), default=list, doc="sectors of grassroots organisations: words of the 'sectors' vocabulary (commune, ward, agency, public_unit, enterprise, armed_forces, or a plan's or plugin's own)"),
        "units": Field(ListOf(Str(), single=True), default=list, doc="unit ids"),
        "except": Field(ListOf(Str(), single=True), default=list, doc="unit ids left out"),
        "parents": Field(ListOf(Str(), single=True), default=list, doc="ids of parent units"),
        "levels": Field(ListOf(Choice(LEVELS), single=True), default=list, doc="levels of the Party (central, provincial, district, grassroots, cell)"),
        "under": Field(ListOf(Str(), single=True), default=list, doc="ids of units the unit is below, at any depth"),
        "depth": Field(Int(min=1, max=50), doc="with under: exactly this many levels below (1 = directly under)"),
    },
    doc="which units an obligation applies to; every criterion given must hold",
)

REF = Record(
    {
        "event": Field(Str(), doc="a named event under 'events' (or recorded per unit as an 'event' fact)"),
        "obligation": Field(Str(), doc="another obligation's id"),
        "point": Field(Choice(("fulfilled", "due")), default="fulfilled", doc="count from that obligation's fulfilment by the same unit, or from its due date"),
    }
)

DEADLINE = Record(
    {
        "date": Field(DeadlineDate(), doc="absolute date: dd/mm/yyyy, yyyy-mm-dd, or 'tháng 1/2021', 'Q1/2021'..."),
        "after": Field(REF, doc="relative deadline: counts from an event or obligation"),
        "days": Field(Int(min=0, max=MAX_DAYS), doc="how many days after 'after'"),
        "working_days": Field(Bool(), default=False, doc="count working days on the spec's calendar (ngày làm việc)"),
        "inclusive": Field(Bool(), doc="true: the day itself counts; false: 'trước ngày' — only days before it"),
        "none": Field(Bool(), default=False, doc="the text gives no date: never overdue"),
        "text": Field(Str(), doc="the deadline as the document words it"),
        "interpretation": Field(Str(), doc="set when the document gives no date and the spec chose one: why"),
        "clause": Field(Str(), doc="the clause the deadline rests on"),
        "day_of_last_month": Field(Int(min=1, max=31), doc="recurring: the Nth of each period's last month ('trước ngày 20 của tháng cuối quý')"),
        "days_after_end": Field(Int(min=0, max=MAX_DAYS), doc="recurring: N days (working days with 'working_days') after each period ends"),
        "on": Field(ListOf(DayMonth(), single=True), doc="recurring: fixed days dd/mm; each period is due on the one that falls within it"),
        "new_units_days": Field(Int(min=0, max=MAX_DAYS), doc="a unit created after the due date owes it this many days after its creation (default: owes nothing)"),
    }
)

COMMON_FIELDS: dict[str, Field] = {
    "id": Field(Str(), required=True, doc="unique id of the obligation"),
    "kind": Field(Str(), required=True, doc="obligation kind (study_session, dissemination, report, deliverable, duty, or a plugin's)"),
    "title": Field(Str(), required=True, doc="short title, in Vietnamese"),
    "clause": Field(Str(), required=True, doc="the clause the obligation encodes"),
    "applies_to": Field(SELECTOR, required=True),
    "deadline": Field(DEADLINE),
    "due_soon_days": Field(Int(min=0, max=MAX_DAYS), doc="days before the due date when 'due_soon' starts (default: the spec's)"),
    "exceptions": Field(ListOf(Any_()), default=list, doc="rules for a subset of units (see docs)"),
    "note": Field(Str(), doc="free text"),
    "document": Field(Str(), doc="the document that set or last changed this obligation (set by 'override' in an extending spec)"),
    "every": Field(EveryField(), doc="the obligation recurs: month, quarter, half_year, year, or {months: N, anchor: date}"),
    "from": Field(Date(), doc="recurring: first day of the first period's span (default: the plan's effective date)"),
    "until": Field(Date(), doc="recurring: no period starts after this day (a term's end)"),
    "coverage": Field(CoverageField(), doc="recurring: the data each period covers: calendar, nd-09-2019, or {cutoff_day: N}"),
}

DOCUMENT = Record(
    {
        "id": Field(Str(), required=True),
        "title": Field(Str(), required=True),
        "issuer": Field(Str()),
        "number": Field(Str()),
        "issued": Field(Date()),
    }
)

class _DayOff(Validator):
    """A day off: a date, or ``{date, name, name_en}`` to name it."""

    type_name = "date"
    _named = Record(
        {
            "date": Field(Date(), required=True),
            "name": Field(Str(), doc="Vietnamese name of the day off"),
            "name_en": Field(Str(), doc="English name"),
        }
    )

    def validate(self, node, path, problems):
        if node.kind == "map":
            v = self._named.validate(node, path, problems)
            return INVALID if v is INVALID else {k: x for k, x in v.items() if x is not None}
        return Date().validate(node, path, problems)


CALENDAR_YEAR = Record(
    {
        "days_off": Field(ListOf(_DayOff()), default=list, doc="days off the government decided for that year"),
        "working_days": Field(ListOf(Date()), default=list, doc="swapped working days (weekend days worked)"),
    },
    doc="one year's official days off and swapped working days",
)

CLAUSE = Record({"text": Field(Str(), required=True), "document": Field(Str())})

CATEGORY = Record(
    {
        "vi": Field(Str(), required=True, doc="Vietnamese label"),
        "en": Field(Str(), required=True, doc="English label"),
        "party_member": Field(Bool(), default=False, doc="true for the party-member category (rates are counted over it)"),
    }
)


def spec_schema() -> Record:
    """The top-level schema of a spec file (obligations validated per kind)."""
    return Record(
        {
            "nqengine": Field(Int(), required=True, doc="format version; 1"),
            "id": Field(Str(), required=True),
            "title": Field(Str(), required=True),
            "document": Field(DOCUMENT, required=True),
            "documents": Field(ListOf(DOCUMENT), default=list, doc="other documents cited (amendments, guidance)"),
            "effective": Field(Date(), doc="first day the plan applies; defaults to the document's issue date"),
            "calendar": Field(Str(), default="vn"),
            "calendar_overrides": Field(MapOf(Int(min=1900, max=2999), CALENDAR_YEAR), default=dict, doc="{year: {days_off: [...], working_days: [...]}}"),
            "due_soon_days": Field(Int(min=0, max=MAX_DAYS), default=7),
            "plugins": Field(ListOf(Str()), default=list, doc="plugins the spec needs"),
            "audience_categories": Field(MapOf(Str(), CATEGORY), default=dict),
            "vocabularies": _vocabularies_field(),
            "materials": Field(MapOf(Str(), Str()), default=dict),
            "events": Field(MapOf(Str(), _OptionalDate()), default=dict),
            "clauses": Field(MapOf(Str(), _ClauseValue()), required=True),
            "obligations": Field(ListOf(Any_(), min_len=1), required=True),
            "examples": Field(Any_(), doc="worked examples run by 'nqengine test'"),
            "properties": Field(Any_(), doc="properties 'nqengine prove' checks (deadline_order, every_kind_covered, satisfiable)"),
        }
    )


def _vocabularies_field() -> Field:
    return VOCABULARIES_FIELD


class _OptionalDate(Date):
    def validate(self, node, path, problems):
        if node.kind == "scalar" and node.tag == "null":
            return None
        return super().validate(node, path, problems)


class _ClauseValue(Str):
    """A clause: its text, or ``{text, document}``."""

    def validate(self, node, path, problems):
        if node.kind == "map":
            return CLAUSE.validate(node, path, problems)
        return super().validate(node, path, problems)


def load_spec(path: str | os.PathLike[str], pm: Any = None, *, prepare_calendar: bool = True) -> Spec:
    """Load and validate a spec file (or a folder holding ``plan.yaml``).

    ``prepare_calendar=False`` leaves the calendar's holiday tables to the
    first evaluation (``nqengine check`` validates without evaluating).
    """
    name = os.fspath(path)
    if os.path.isdir(name):
        name = os.path.join(name, "plan.yaml")

    if current_policy() is not None:
        return _build(resolve_extends(compose_file(name, SpecError), name), name, pm, prepare_calendar)
    with confined(default_roots(name)):  # what 'extends' may name
        return _build(resolve_extends(compose_file(name, SpecError), name), name, pm, prepare_calendar)


def load_spec_text(text: str, filename: str = "<spec>", pm: Any = None) -> Spec:
    """Load and validate a spec from YAML text (``extends`` is relative to ``filename``)."""
    return _build(resolve_extends(compose_text(text, filename, SpecError), filename), filename, pm)


def _build(root: Node, filename: str, pm: Any, prepare_calendar: bool = True) -> Spec:
    if pm is None:
        pm = get_plugin_manager()
    cat = catalogue_for(pm)
    cat.reserve("kinds", COMMON_FIELDS)
    _require_declared_plugins(root, pm)
    problems: list[Problem] = []
    schema = spec_schema()
    required = [k for k, f in schema.fields.items() if f.required]
    if root.kind == "map" and not any(root.get(k) is not None for k in required):
        # A registry or facts file given as a spec: one sentence, not a wall of missing keys.
        raise SpecError([root.problem("not_a_spec", "", keys=", ".join(required))])
    top = schema.validate(root, "", problems)
    if top is INVALID and (root.kind != "map" or not isinstance(root.get("obligations"), Node)):
        raise SpecError(problems)
    top_map = top if top is not INVALID else _partial(root, problems)
    version = top_map.get("nqengine")
    if isinstance(version, int) and version != FORMAT_VERSION:
        problems.append(root.get("nqengine").problem("unknown_version", "nqengine", version=version, supported=FORMAT_VERSION))  # type: ignore[union-attr]
    builder = _SpecBuilder(cat, top_map, problems)
    obligations = builder.obligations(root.get("obligations"))
    _check_recurring_refs(obligations, problems)

    invalid = invalid_top_fields(root, schema) if top is INVALID else set()
    if problems and (root.kind != "map" or not isinstance(root.get("obligations"), Node)):
        raise SpecError(problems)  # nothing to check references on
    doc = top_map.get("document") or {"id": "?", "title": "?"}  # a broken document: reported already
    document = Document(doc["id"], doc["title"], doc.get("issuer"), doc.get("number"), doc.get("issued"))
    documents = {document.id: document}
    for d in top_map.get("documents") or []:
        documents[d["id"]] = Document(d["id"], d["title"], d.get("issuer"), d.get("number"), d.get("issued"))
    clauses = {}
    for cid, value in top_map["clauses"].items():
        if isinstance(value, Mapping):
            clauses[cid] = Clause(cid, value["text"], value.get("document") or document.id)
        else:
            clauses[cid] = Clause(cid, value, document.id)
    spec = Spec(
        id=top_map.get("id") or "?",
        title=top_map.get("title") or "?",
        document=document,
        clauses=clauses,
        obligations=tuple(obligations),
        events=top_map["events"],
        calendar=top_map["calendar"],
        calendar_overrides=top_map["calendar_overrides"] or {},
        due_soon_days=top_map["due_soon_days"],
        plugins=tuple(top_map["plugins"]),
        audience_categories=top_map["audience_categories"],
        materials=top_map["materials"],
        documents=documents,
        effective=top_map.get("effective") or document.issued,
        source=filename,
        raw=root,
    )

    if builder.dropped:  # check the obligations that could be built, named by their place in the file
        found = validate_spec(spec, cat, kept_obligations(root, builder.kept), partial=builder.partial)
        found = not_about(reindexed(found, builder.kept), dropped_ids(root, builder.kept))
        problems.extend(without_noise(found, invalid))
    else:
        problems.extend(without_noise(validate_spec(spec, cat, root, partial=builder.partial), invalid))
    if not problems:
        problems.extend(deadline_reach_problems(spec, root))
    if not problems:
        for impl in pm.hook.nqengine_spec_loaded.get_hookimpls():
            try:
                got = impl.function(spec=spec)
            except Exception as exc:
                raise PluginError(f"{type(exc).__name__}: {exc}", plugin=impl.plugin_name, hook="nqengine_spec_loaded") from exc
            if got:
                if not all(isinstance(p, Problem) for p in got):
                    raise PluginError("returned something other than a list of Problem", plugin=impl.plugin_name, hook="nqengine_spec_loaded")
                problems.extend(got)
    if problems:
        raise SpecError(problems)
    if prepare_calendar:
        _prepare_calendar(spec, cat)
    return spec


def _check_recurring_refs(obligations: list[Obligation], problems: list[Problem]) -> None:
    """No deadline may count from a recurring obligation: it has one fulfilment per period, not one."""
    recurring = {ob.id for ob in obligations if ob.recurrence is not None}
    if not recurring:
        return
    for ob in obligations:
        for variant in (ob, *(e.obligation for e in ob.exceptions)):
            d = variant.deadline
            if d is not None and d.after is not None and d.after.obligation in recurring and ob.source is not None:
                problems.append(Problem(ob.source.file, ob.source.line, ob.source.column, f"{ob.id}.deadline.after", "recurrence_relative_ref", {"obligation": d.after.obligation}))
                break


def _prepare_calendar(spec: Spec, cat: Any) -> None:
    """Load the calendar's tables for the plan's years now, with the spec that names the calendar.

    A plan with working-day deadlines reads its calendar in every evaluation;
    the first read of a year loads the ``holidays`` library's tables (~0.1 s
    in a fresh process).  Paying that while loading the spec keeps evaluation
    cost proportional to the units and facts evaluated.  The calendar object
    is shared through the catalogue, so the evaluations that follow reuse it.
    """
    if not any(
        v.deadline is not None and v.deadline.working_days
        for ob in spec.obligations for v in (ob, *(e.obligation for e in ob.exceptions))
    ):
        return
    years = {d.year for d in (spec.effective, *spec.events.values()) if d is not None}
    years |= {v.deadline.date.year for ob in spec.obligations for v in (ob, *(e.obligation for e in ob.exceptions)) if v.deadline is not None and v.deadline.date is not None}
    try:
        calendar = cat.calendar(spec.calendar, spec.calendar_overrides)
        for year in sorted(years):
            calendar.add_working_days(dt.date(year, 12, 24), 1)  # reads the year's days off, and the next year's
    except Exception:  # a calendar plugin that fails will fail again, attributed, when the evaluation needs it
        return


def _require_declared_plugins(root: Node, pm: Any) -> None:
    """A spec that declares ``plugins:`` fails first, and clearly, when one is missing.

    Checked before validation: without the plugin, its kinds and fields would
    read as a wall of "unknown key" errors that hide the real cause.
    """
    node = root.get("plugins") if root.kind == "map" else None
    if node is None or node.kind != "seq":
        return

    idn = root.get("id")
    spec_id = str(idn.value) if idn is not None and idn.kind == "scalar" else root.file
    require_plugins(pm, [str(n.value) for n in node.value if n.kind == "scalar"], spec_id)


def _partial(root: Node, problems: list[Problem]) -> dict:
    """Validate top-level fields one by one, so obligations are checked even when another field is wrong."""
    schema = spec_schema()
    out: dict[str, Any] = {}
    for key, f in schema.fields.items():
        node = root.get(key)
        if node is None:
            out[key] = f.default() if callable(f.default) else f.default
            continue
        sub: list[Problem] = []  # already reported by the full pass
        v = f.validator.validate(node, key, sub)
        out[key] = v if v is not INVALID else (f.default() if callable(f.default) else f.default)
    out.setdefault("clauses", {})
    if out.get("clauses") is None:
        out["clauses"] = {}
    return out


class _SpecBuilder:
    def __init__(self, cat: Any, top: Mapping[str, Any], problems: list[Problem]):
        self.cat, self.top, self.problems = cat, top, problems

    def _kind_of(self, node: Node, path: str) -> Any:
        kn = node.get("kind")
        if kn is None or kn.kind != "scalar" or kn.tag in ("null", "bool"):
            return None  # the schema says what is wrong with it
        name = str(kn.value)
        if name not in self.cat.kinds:
            choices = sorted(self.cat.kinds)
            self.problems.append(kn.problem("unknown_kind", f"{path}.kind", kind=name, choices=", ".join(choices), **hint_or_choices(name, choices)))
            return None
        return self.cat.kinds[name]

    def obligations(self, seq: Node | None) -> list[Obligation]:
        """The obligations that could be built, in file order.

        ``self.dropped`` tells whether any obligation or exception could not be
        built at all (then references are not checked: indices would not match
        the file); ``self.partial`` holds the indices of obligations kept with a
        faulty deadline left out, so their clauses and references are still checked.
        """
        self.dropped, self.partial, self.kept = False, set(), []
        if seq is None or seq.kind != "seq":
            self.dropped = True
            return []
        out = []
        for i, node in enumerate(seq.value):
            path = f"obligations[{i}]"
            n0 = len(self.problems)
            ob = self._one(node, path)
            if ob is None:
                self.dropped = True
                continue
            if len(self.problems) > n0:
                self.partial.add(len(out))
            out.append(ob)
            self.kept.append(i)
        return out

    def _one(self, node: Node, path: str) -> Obligation | None:
        if node.kind != "map":
            Record({}).validate(node, path, self.problems)
            return None
        kind = self._kind_of(node, path)
        fields = dict(COMMON_FIELDS)
        if kind is not None:
            fields.update(kind.fields)
        else:  # unknown kind: still check the common fields, ignore the rest
            fields.update({str(k.value): Field(Any_()) for k, _ in node.value if str(k.value) not in fields})
        parsed = Record(fields).validate(node, path, self.problems)
        if kind is not None:
            self.problems.extend(undeclared_plugin_keys(node, path, kind.name, self.cat, self.top.get("plugins") or ()))
        if parsed is INVALID or kind is None:
            return None
        return self._obligation(parsed, kind, path)

    def _deadline(self, d: Parsed | None, path: str, kind: Any, required: bool, where: Node) -> Deadline | None:
        if d is None:
            if required:
                self.problems.append(where.problem("missing_key", path, key="deadline"))
            return None
        per_period = [k for k in ("day_of_last_month", "days_after_end", "on") if d.get(k) is not None]
        has = [k for k in ("date", "after") if d.get(k) is not None] + (["none"] if d.get("none") else []) + per_period
        if len(has) != 1:
            self.problems.append(d.node.problem("deadline_one_of", f"{path}.deadline"))
            return None
        if not d.get("after") and d.get("days_after_end") is None:
            stray = [k for k in ("days", "working_days") if d.node.get(k) is not None]
            for k in stray:
                self.problems.append(d.node.get(k).problem("deadline_after_only", f"{path}.deadline.{k}", key=k))  # type: ignore[union-attr]
            if stray:
                return None
        if d.get("none"):
            return Deadline(open=True, text=d.get("text"), interpretation=d.get("interpretation"), clause=d.get("clause"))
        if d.get("inclusive") is None:
            self.problems.append(d.node.problem("deadline_inclusive_required", f"{path}.deadline"))
            return None
        after = None
        if d.get("after") is not None:
            a = d["after"]
            if (a.get("event") is None) == (a.get("obligation") is None):
                self.problems.append(a.node.problem("ref_one_of", f"{path}.deadline.after"))
                return None
            if d.get("days") is None:
                self.problems.append(d.node.problem("deadline_days_required", f"{path}.deadline"))
                return None
            after = DeadlineRef(event=a.get("event"), obligation=a.get("obligation"), point=a["point"])
        return Deadline(
            inclusive=d["inclusive"],
            date=d.get("date"),
            after=after,
            days=d.get("days") or 0,
            working_days=bool(d.get("working_days")),
            text=d.get("text"),
            interpretation=d.get("interpretation"),
            clause=d.get("clause"),
            day_of_last_month=d.get("day_of_last_month"),
            days_after_end=d.get("days_after_end"),
            on=tuple(d.get("on") or ()),
            new_units_days=d.get("new_units_days"),
        )

    def _per_period_check(self, deadline: Deadline | None, recurring: bool, node: Node | None, path: str) -> bool:
        """A recurring obligation's deadline is per period (or none); a one-off's is not."""
        if deadline is None or deadline.open or node is None:
            return True
        per_period = deadline.day_of_last_month is not None or deadline.days_after_end is not None or bool(deadline.on)
        if recurring and not per_period:
            self.problems.append(node.problem("deadline_not_per_period", f"{path}.deadline"))
            return False
        if not recurring and per_period:
            self.problems.append(node.problem("deadline_per_period_one_off", f"{path}.deadline"))
            return False
        if recurring and deadline.new_units_days is not None:
            self.problems.append(node.problem("deadline_new_units_recurring", f"{path}.deadline"))
            return False
        return True

    def _levels(self, sel: Parsed, path: str) -> dict[str, Any]:
        """The level keys of a selector (``levels``, ``under``, ``depth``); ``depth`` needs ``under``."""
        if sel.get("depth") is not None and not sel["under"]:
            self.problems.append(sel.node.problem("selector_depth_needs_under", f"{path}.depth"))
        return {"levels": frozenset(sel["levels"]), "under": frozenset(sel["under"]), "depth": sel.get("depth")}

    def _obligation(self, p: Parsed, kind: Any, path: str) -> Obligation | None:
        deadline = self._deadline(p.get("deadline"), path, kind, kind.needs_deadline, p.node)
        recurrence = recurrence_from(p, p.node, path, self.problems, self.top.get("effective") or (self.top.get("document") or {}).get("issued"))
        dn = p.node.get("deadline")
        if not self._per_period_check(deadline, p.get("every") is not None, dn, path):
            deadline = None
        sel = p["applies_to"]
        selector = Selector(
            kinds=frozenset(sel["kinds"]), sectors=frozenset(sel["sectors"]), ids=frozenset(sel["units"]),
            exclude=frozenset(sel["except"]), parents=frozenset(sel["parents"]), **self._levels(sel, f"{path}.applies_to"),
        )
        params = {k: p[k] for k in kind.fields}
        node = p.node
        base = Obligation(
            id=p["id"], kind=kind.name, title=p["title"], clause=p["clause"], applies_to=selector,
            deadline=deadline, params=params, due_soon_days=p.get("due_soon_days"),
            source=Source(node.file, node.line, node.column), document=p.get("document"), recurrence=recurrence,
        )
        exceptions = []
        exc_node = node.get("exceptions")
        for j, en in enumerate(exc_node.value if exc_node is not None and exc_node.kind == "seq" else []):
            e = self._exception(en, f"{path}.exceptions[{j}]", kind, base)
            if e is None:
                return None
            exceptions.append(e)

        return evolve(base, exceptions=tuple(exceptions))

    def _exception(self, node: Node, path: str, kind: Any, base: Obligation) -> Exception_ | None:
        override_fields = {"deadline": Field(DEADLINE), "due_soon_days": Field(Int(min=0, max=MAX_DAYS))}
        override_fields.update({k: Field(f.validator, doc=f.doc) for k, f in kind.fields.items()})
        schema = Record(
            {
                "when": Field(SELECTOR, required=True, doc="the units the exception covers"),
                "clause": Field(Str(), doc="the clause that makes the exception"),
                "document": Field(Str(), doc="the document (amendment) that makes it, if not the plan"),
                "effective": Field(Date(), doc="from when the exception holds"),
                "set": Field(Record(override_fields), required=True, doc="what changes for those units"),
            }
        )
        e = schema.validate(node, path, self.problems)
        if e is INVALID:
            return None
        given = {str(k.value) for k, _ in e["set"].node.value}
        changes = e["set"]
        params = dict(base.params)
        for k in kind.fields:
            if k in given:
                params[k] = changes[k]
        deadline = base.deadline
        if "deadline" in given:
            deadline = self._deadline(changes["deadline"], f"{path}.set", kind, True, changes.node)
            if not self._per_period_check(deadline, base.recurrence is not None, changes.node.get("deadline"), f"{path}.set"):
                return None
        w = e["when"]
        when = Selector(
            kinds=frozenset(w["kinds"]), sectors=frozenset(w["sectors"]), ids=frozenset(w["units"]),
            exclude=frozenset(w["except"]), parents=frozenset(w["parents"]), **self._levels(w, f"{path}.when"),
        )

        variant = evolve(
            base, params=params, deadline=deadline,
            due_soon_days=changes["due_soon_days"] if "due_soon_days" in given else base.due_soon_days,
            clause=base.clause, document=e.get("document") or base.document,
        )
        return Exception_(when=when, clause=e.get("clause"), obligation=variant, document=e.get("document"), effective=e.get("effective"))
