"""Loading the organisation registry: units and people with validity dates.

The registry changes over time (units merge, the district level went away on
1/7/2025, secretaries change), so every unit, role and qualification may carry
``valid_from``/``valid_to``.  Units are looked up by id or by name compared
after NFC normalisation.
"""

from __future__ import annotations

from typing import Any

from nqengine.errors import Problem, RegistryError
from nqengine.levels import LEVELS, place_units
from nqengine.model import (
    NamesByKey,
    Person,
    Qualification,
    Registry,
    RoleAssignment,
    Source,
    Unit,
    _name_key,
)
from nqengine.schema import (
    INVALID,
    Choice,
    Date,
    Field,
    Int,
    ListOf,
    MapOf,
    Parsed,
    Record,
    Str,
    Suggester,
    hint_for,
)
from nqengine.spec import UNIT_KINDS
from nqengine.yamlsource import Node, compose_text

__all__ = ["load_registry_text", "registry_from_records", "REGISTRY_SCHEMA"]

UNIT = Record(
    {
        "id": Field(Str(), required=True),
        "name": Field(Str(), required=True, doc="official name, in Vietnamese"),
        "kind": Field(Choice(UNIT_KINDS), required=True),
        "sector": Field(Str(), doc="for grassroots organisations: a word of the 'sectors' vocabulary (commune, ward, agency, public_unit, enterprise, armed_forces, or a plan's or plugin's own), checked against the plan's vocabulary by 'check' and 'evaluate'"),
        "parent": Field(Str(), doc="id of the superior unit"),
        "valid_from": Field(Date()),
        "valid_to": Field(Date()),
        "audience": Field(MapOf(Str(), Int(min=0)), default=dict, doc="headcount per audience category"),
        "level": Field(Choice(LEVELS), doc="level of the Party (central, provincial, district, grassroots, cell); default from the kind or the parent"),
        "succeeded_by": Field(Str(), doc="id of the body that took over when this one was dissolved or merged"),
    }
)

ROLE = Record(
    {
        "unit": Field(Str(), required=True),
        "role": Field(Str(), required=True, doc="secretary, deputy_secretary, ..."),
        "valid_from": Field(Date()),
        "valid_to": Field(Date()),
    }
)

QUALIFICATION = Record(
    {
        "kind": Field(Str(), required=True, doc="reporter (báo cáo viên), ..."),
        "body": Field(Str(), doc="the committee that recognised it (unit id)"),
        "term": Field(Str(), doc="the term (khóa), e.g. XXI"),
        "valid_from": Field(Date()),
        "valid_to": Field(Date()),
    }
)

PERSON = Record(
    {
        "id": Field(Str(), required=True),
        "name": Field(Str(), required=True),
        "roles": Field(ListOf(ROLE), default=list),
        "qualifications": Field(ListOf(QUALIFICATION), default=list),
    }
)

REGISTRY_SCHEMA = Record(
    {
        "units": Field(ListOf(UNIT, min_len=1), required=True),
        "people": Field(ListOf(PERSON), default=list),
    }
)


def load_registry_text(text: str, filename: str = "<registry>") -> Registry:
    return registry_from_node(compose_text(text, filename, RegistryError), filename)


def registry_from_node(root: Node, filename: str) -> Registry:
    """The registry of a composed YAML document."""
    problems: list[Problem] = []
    top = REGISTRY_SCHEMA.validate(root, "", problems)
    if top is INVALID:
        raise RegistryError(problems)
    units = [_unit(u) for u in top["units"]]
    people = [_person(p) for p in top["people"]]
    return registry_from_records(units, people, filename, problems, top, fresh=True)


def _src(p: Parsed) -> Source:
    return Source(p.node.file, p.node.line, p.node.column)


def _unit(u: Parsed) -> Unit:
    return Unit(u["id"], u["name"], u["kind"], u.get("sector"), u.get("parent"), u.get("valid_from"), u.get("valid_to"), u["audience"], _src(u), succeeded_by=u.get("succeeded_by"), level=u.get("level"))


def _person(p: Parsed) -> Person:
    roles = tuple(RoleAssignment(r["unit"], r["role"], r.get("valid_from"), r.get("valid_to")) for r in p["roles"])
    quals = tuple(Qualification(q["kind"], q.get("body"), q.get("term"), q.get("valid_from"), q.get("valid_to")) for q in p["qualifications"])
    return Person(p["id"], p["name"], roles, quals, _src(p))


def _problem(src: Source | None, path: str, code: str, **params: Any) -> Problem:
    s = src or Source("<registry>", 1, 1)
    return Problem(s.file, s.line, s.column, path, code, params)


def registry_from_records(
    units: list[Unit], people: list[Person], filename: str = "<registry>", problems: list[Problem] | None = None, top: Any = None,
    fresh: bool = False,
) -> Registry:
    """Check references (parents, role units, duplicates, cycles) and build a :class:`Registry`.

    ``fresh``: the units were made by the caller for this registry alone, so their ``ancestors`` and
    ``level`` may be filled in place (a loader); otherwise the registry holds filled-in copies.
    """
    problems = problems if problems is not None else []
    by_id: dict[str, Unit] = {}
    for i, u in enumerate(units):
        if u.id in by_id:
            first = by_id[u.id].source
            problems.append(_problem(u.source, f"units[{i}].id", "duplicate_id", id=u.id, first_line=first.line if first else "?"))
            continue
        by_id[u.id] = u
        if u.valid_from and u.valid_to and u.valid_to < u.valid_from:
            problems.append(_problem(u.source, f"units[{i}].valid_to", "bad_period", start=u.valid_from, end=u.valid_to))
    unit_hints = Suggester(list(by_id))  # the units' ids, indexed for "did you mean" once, if a hint is asked for
    for i, u in enumerate(units):
        if u.parent is None:
            continue
        if u.parent == u.id:
            problems.append(_problem(u.source, f"units[{i}].parent", "self_parent"))
        elif u.parent not in by_id:
            problems.append(_problem(u.source, f"units[{i}].parent", "unknown_reference", field="parent", ref=u.parent, **hint_for(u.parent, (), unit_hints)))
    for i, u in enumerate(units):
        if u.succeeded_by is not None and u.succeeded_by not in by_id:
            problems.append(_problem(u.source, f"units[{i}].succeeded_by", "unknown_reference", field="succeeded_by", ref=u.succeeded_by, **hint_for(u.succeeded_by, (), unit_hints)))
    problems.extend(_cycles(by_id))
    people_by_id: dict[str, Person] = {}
    for i, p in enumerate(people):
        if p.id in people_by_id:
            first = people_by_id[p.id].source
            problems.append(_problem(p.source, f"people[{i}].id", "duplicate_id", id=p.id, first_line=first.line if first else "?"))
            continue
        people_by_id[p.id] = p
        for j, r in enumerate(p.roles):
            if r.unit not in by_id:
                problems.append(_problem(p.source, f"people[{i}].roles[{j}].unit", "unknown_reference", field="unit", ref=r.unit, **hint_for(r.unit, (), unit_hints)))
    if problems:
        raise RegistryError(problems)
    by_id = place_units(by_id, in_place=fresh)  # each unit's superiors and level, for level selectors
    return Registry(
        units=by_id,
        people=people_by_id,
        source=filename,
        people_by_name=NamesByKey(lambda: {_name_key(p.name): p.id for p in people_by_id.values()}),  # built if ever read
        units_by_name=NamesByKey(lambda: {_name_key(u.name): u.id for u in by_id.values()}),
    )


def _cycles(by_id: dict[str, Unit]) -> list[Problem]:
    out, done = [], set()
    position = {uid: i for i, uid in enumerate(by_id)}
    for start in by_id:
        trail: list[str] = []
        cur: str | None = start
        while cur is not None and cur in by_id and cur not in done:
            if cur in trail:
                cyc = trail[trail.index(cur):] + [cur]
                u = by_id[cur]
                out.append(_problem(u.source, f"units[{position[cur]}].parent", "parent_cycle", cycle=" -> ".join(cyc)))
                break
            trail.append(cur)
            cur = by_id[cur].parent
        done.update(trail)
    return out
