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
from typing import Any, Iterable, Mapping, Sequence

from nqengine.i18n import Worded
from nqengine.model import Fact, Person, Unit
from nqengine.names import Ambiguous
from nqengine.schema import Field, ListOf, Record, Str
from nqengine.spec.vocabularies import BUILTIN, spec_vocabulary

__all__ = ["ALTERNATIVE", "needs_full_check", "check_presenters", "presenter_refs", "unknown_presenter", "Worded", "role_words", "qualification_words"]


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


def _labels(context: Any, vocabulary: str) -> Mapping[str, tuple[str, str]]:
    """Word → (vi, en) labels of ``vocabulary`` for the plan being evaluated (built-in ones without a context)."""
    if context is None:
        return BUILTIN.get(vocabulary, {})
    cache = context.__dict__.setdefault("_worded", {}) if hasattr(context, "__dict__") else {}
    got = cache.get(vocabulary)
    if got is None:
        try:
            got = cache[vocabulary] = spec_vocabulary(context.spec, context.catalogue.pm, vocabulary)
        except AttributeError:  # a context of a plugin's own
            got = BUILTIN.get(vocabulary, {})
    return got


def role_words(roles: Iterable[str], context: Any = None) -> Worded:
    """``roles`` (ids) as a :class:`Worded`: "Bí thư, Phó Bí thư" in a message; "—" when there are none."""
    roles = list(roles)
    if not roles:
        return Worded("—", "—", "—")
    labels = _labels(context, "roles")
    return Worded(", ".join(roles), *(", ".join(labels.get(r, (r, r))[i] for r in roles) for i in (0, 1)))


def qualification_words(wanted: Sequence[Mapping[str, Any]], registry: Any, context: Any = None) -> Worded:
    """Qualifications (``kind``, ``body``, ``term``) as a :class:`Worded`, several joined by "or":
    "Báo cáo viên của Thành ủy Tam Kỳ (thanh-uy-tam-ky), khóa XXI"."""
    labels = _labels(context, "qualifications")
    ids, vi, en = [], [], []
    for w in wanted:
        kind, body, term = w.get("kind"), w.get("body"), w.get("term")
        ids.append(" ".join(str(v) for v in (kind, body, term) if v))
        kvi, ken = labels.get(kind, (kind, kind)) if kind else ("tư cách", "qualified")
        unit = registry.units.get(body) if body and registry is not None else None
        named = f"{unit.name} ({body})" if unit is not None else body
        vi.append(kvi + (f" của {named}" if body else "") + (f", khóa {term}" if term else ""))
        en.append(ken + (f" of {named}" if body else "") + (f", term {term}" if term else ""))
    return Worded(" | ".join(ids), " hoặc ".join(vi), " or ".join(en))


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


def _meets(person: Person, alt: Mapping[str, Any], bodies: Iterable[str], day: dt.date) -> tuple[bool, str, dict]:
    """Whether ``person`` meets one way to qualify; else the code and params of the first reason."""
    where = set(bodies)
    if not any(r.unit in where and r.role in alt["roles"] and _valid(r, day) for r in person.roles):
        return False, "presenter_role", {"required": alt["roles"]}
    for wanted in alt.get("qualifications") or ():
        if not _holds(person, wanted, day):
            return False, "presenter_qualification", {"qualification": [wanted]}
    anyq = alt.get("any_qualification") or ()
    if anyq and not any(_holds(person, w, day) for w in anyq):
        return False, "presenter_qualification", {"qualification": list(anyq)}
    return True, "", {}


def check_presenters(rule: Mapping[str, Any], fact: Fact, unit: Unit, registry: Any, context: Any = None) -> tuple[str, str, dict]:
    """(outcome, code, params) of the presenter check of one session with every presenter it names.

    ``context`` (the evaluation's) lets the roles and qualifications of a
    failure read in the plan's own words (see :class:`Worded`).
    """
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
            params = {"fact": fact.id, "presenter": person.name, "date": day, "roles": role_words(roles, context)}
            if "required" in why:
                params["required"] = role_words(why["required"], context)
            else:
                params["qualification"] = qualification_words(why["qualification"], registry, context)
            return "fail", code, params
        names.append(person.name)
    return "pass", "presenter_ok", {"fact": fact.id, "presenter": ", ".join(names), "roles": "—"}
