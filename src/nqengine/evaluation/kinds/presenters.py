"""Presenter rules beyond "a role in this unit" (issue 10): several presenters, other bodies, OR and AND.

Real plans say "the Secretary or Deputy Secretary, or a member of the
provincial Standing Committee", "a reporter of the Provincial Committee or of
the Central Committee", and conferences often have several presenters (one per
topic).  A study obligation's ``presenter`` rule therefore takes, besides its
``roles`` (held in the session's unit) and ``qualifications`` (all required):

- ``any_qualification``: qualifications of which at least one must be held (OR);
- ``any_of``: alternatives, each with ``roles`` held in one of ``bodies`` (unit
  ids; default the session's unit), its own ``qualifications`` (AND) and
  ``any_qualification`` (OR).  A presenter who meets the main rule or any
  alternative qualifies.

A session may name several people in ``presenters`` (with or without
``presenter``); every one of them must qualify.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from nqengine.model import Fact, Person, Unit
from nqengine.names import Ambiguous
from nqengine.schema import Field, ListOf, Record, Str

__all__ = ["ALTERNATIVE", "needs_full_check", "check_presenters", "presenter_refs", "unknown_presenter"]


def _qualification_record() -> Record:
    return Record(
        {
            "kind": Field(Str(), required=True, doc="e.g. reporter (báo cáo viên)"),
            "body": Field(Str(), doc="the recognising committee (unit id)"),
            "term": Field(Str(), doc="the term, e.g. XXI"),
        }
    )


ALTERNATIVE = Record(
    {
        "roles": Field(ListOf(Str(), min_len=1, single=True), required=True, doc="roles that may present"),
        "bodies": Field(ListOf(Str(), single=True), default=list, doc="unit ids where the role is held; default the session's unit"),
        "qualifications": Field(ListOf(_qualification_record()), default=list, doc="qualifications all required"),
        "any_qualification": Field(ListOf(_qualification_record()), default=list, doc="qualifications of which one is required"),
    },
    doc="another way to qualify as presenter",
)


def unknown_presenter(fact: Fact, ref: str, registry: Any) -> tuple[str, str, dict]:
    """(outcome, code, params) for a presenter the registry does not find by id or name.

    When the name fits several people once case, diacritics and spacing are
    ignored (the evaluation replaced a name that fits only one by its id),
    the finding says so and names the candidates: ``presenter_ambiguous``.
    """
    try:
        registry.person_as_typed(ref)
    except Ambiguous as exc:
        return "unknown", "presenter_ambiguous", {"fact": fact.id, "presenter": ref, "candidates": str(exc)}
    except AttributeError:  # a registry-like object of a plugin's own, without loose matching
        pass
    return "unknown", "presenter_unknown", {"fact": fact.id, "presenter": ref}


def presenter_refs(fact: Fact) -> list[str]:
    """Who presented: ``presenter`` and every one of ``presenters``, without repeats."""
    refs: list[str] = []
    one = fact.data.get("presenter")
    if one:
        refs.append(one)
    for ref in fact.data.get("presenters") or ():
        if ref not in refs:
            refs.append(ref)
    return refs


def needs_full_check(rule: Mapping[str, Any], fact: Fact) -> bool:
    """Whether a session needs this module's check (else the study kind's fast path decides)."""
    return bool(rule.get("any_of") or rule.get("any_qualification") or fact.data.get("presenters"))


def _valid(item: Any, day: dt.date) -> bool:
    return (item.valid_from is None or item.valid_from <= day) and (item.valid_to is None or day <= item.valid_to)


def _holds(person: Person, wanted: Mapping[str, Any], day: dt.date) -> bool:
    return any(
        (wanted.get("kind") is None or q.kind == wanted["kind"]) and (wanted.get("body") is None or q.body == wanted["body"])
        and (wanted.get("term") is None or q.term == wanted["term"]) and _valid(q, day)
        for q in person.qualifications
    )


def _what(wanted: Mapping[str, Any]) -> str:
    return " ".join(str(wanted[k]) for k in ("kind", "body", "term") if wanted.get(k))


def _meets(person: Person, alt: Mapping[str, Any], bodies: Iterable[str], day: dt.date) -> tuple[bool, str, dict]:
    """Whether ``person`` meets one way to qualify; else the code and params of the first reason."""
    where = set(bodies)
    if not any(r.unit in where and r.role in alt["roles"] and _valid(r, day) for r in person.roles):
        return False, "presenter_role", {"required": ", ".join(alt["roles"])}
    for wanted in alt.get("qualifications") or ():
        if not _holds(person, wanted, day):
            return False, "presenter_qualification", {"qualification": _what(wanted)}
    anyq = alt.get("any_qualification") or ()
    if anyq and not any(_holds(person, w, day) for w in anyq):
        return False, "presenter_qualification", {"qualification": " | ".join(_what(w) for w in anyq)}
    return True, "", {}


def check_presenters(rule: Mapping[str, Any], fact: Fact, unit: Unit, registry: Any) -> tuple[str, str, dict]:
    """(outcome, code, params) of the presenter check of one session with every presenter it names."""
    refs = presenter_refs(fact)
    if not refs:
        return "unknown", "presenter_missing", {"fact": fact.id}
    day = fact.date
    names = []
    for ref in refs:
        person = registry.people.get(ref) or registry.person(ref)
        if person is None:
            return unknown_presenter(fact, ref, registry)
        ok, code, why = _meets(person, rule, (unit.id,), day)
        if not ok:
            for alt in rule.get("any_of") or ():
                if _meets(person, alt, alt.get("bodies") or (unit.id,), day)[0]:
                    ok = True
                    break
        if not ok:
            roles = [r.role for r in person.roles if r.unit == unit.id and r.valid_on(day)]
            if rule.get("any_of"):
                return "fail", "presenter_no_alternative", {"fact": fact.id, "presenter": person.name, "date": day}
            params = {"fact": fact.id, "presenter": person.name, "date": day, "roles": ", ".join(roles) or "—", **why}
            return "fail", code, params
        names.append(person.name)
    return "pass", "presenter_ok", {"fact": fact.id, "presenter": ", ".join(names), "roles": "—"}
