"""Hypothesis strategy factories for the built-in obligation kinds and fact types.

Registered through ``nqengine_testing_strategies`` like any plugin's, so a
plugin may override them.  Hypothesis is imported only when a strategy is
built (see ``_st``): this module is a default plugin, loaded by every plugin
manager, and evaluating a plan must not need Hypothesis.

Each kind's factories write fact *records*: plain dicts with ``type``,
``date`` and the type's own fields, as a ``facts.yaml`` row without ``id`` and
``unit`` (:mod:`nqengine.testing` adds those).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from nqengine.lengths import parse_length
from nqengine.plugins.hookspecs import hookimpl

__all__ = ["BUILTIN_FACT_STRATEGIES", "BUILTIN_KIND_STRATEGIES", "Break", "KindStrategies"]


class _LazyStrategies:
    """``hypothesis.strategies``, imported on first use."""

    def __getattr__(self, name: str) -> Any:
        from hypothesis import (
            strategies,  # Hypothesis is optional and slow to import: loaded on first use
        )

        return getattr(strategies, name)


st: Any = _LazyStrategies()


class Break:
    """One way to break exactly one check of an obligation.

    ``outcome`` is what the check then reports: ``fail`` (violated), ``partial``
    (violated once past due, pending before), ``unknown`` (indeterminate),
    ``late`` (met_late) or ``missing`` (overdue; not_applicable for duties).
    ``records`` is a strategy of the fact records to record instead of the
    compliant ones (None when this registry cannot express the break).
    """

    def __init__(self, outcome: str, records: Any):
        self.outcome, self.records = outcome, records


class KindStrategies:
    """Strategy factories for one obligation kind; subclass it for a plugin's kind.

    ``window`` is ``(lo, hi)``: the first and last day on which doing the
    obligation is right (``hi`` is None when there is no due date).  The
    context ``gen`` is a :class:`nqengine.testing.GenContext` for the unit.
    """

    name = ""

    def checkable(self, obligation: Any) -> bool:
        """False when the obligation can never be checked (a duty with no evidence)."""
        return True

    def params(self, draft: Any) -> Any:
        """Strategy of the kind's own fields for a generated spec (YAML-ready data)."""
        raise NotImplementedError

    def compliant(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> Any:
        """Strategy of the records that fulfil ``obligation`` for ``gen.unit``, or None if it cannot be done."""
        raise NotImplementedError

    def breaks(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> dict[str, Break]:
        """Ways to break exactly one check, by check name."""
        return {}

    def lower_bound(self, obligation: Any, unit: Any, evaluation: Any) -> dt.date | None:
        """The first day the obligation can rightly be done, beyond the plan's start (None: no bound)."""
        return None


def _late(obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None], compliant: Any) -> dict[str, Break]:
    hi = window[1]
    if hi is None:
        return {}
    return {"timing": Break("late", compliant.flatmap(lambda recs: _shift_after(recs, hi)))}


def _shift_after(records: list[dict] | None, due: dt.date) -> Any:
    if not records:
        return st.just(None)
    return st.integers(1, 20).map(lambda n: [dict(r, date=due + dt.timedelta(days=n)) for r in records])


def _maybe(fn: Callable[[list[dict]], list[dict] | None]) -> Callable[[list[dict] | None], list[dict] | None]:
    return lambda recs: None if recs is None else fn(recs)


# -- study_session -------------------------------------------------------------


class StudySessionStrategies(KindStrategies):
    name = "study_session"

    def params(self, draft: Any) -> Any:
        cats = sorted(draft.categories)
        roles = st.lists(st.sampled_from(["secretary", "deputy_secretary"]), min_size=1, max_size=2, unique=True)
        quals = st.lists(st.just({"kind": "reporter", "body": draft.root, "term": "XXI"}), max_size=1)
        presenter = st.one_of(st.none(), st.fixed_dictionaries({"roles": roles, "qualifications": quals}))
        content = st.one_of(st.none(), st.fixed_dictionaries({"required": _subset(["core_content", "action_programme"])}))
        materials = st.none() if not draft.materials else st.one_of(st.none(), st.fixed_dictionaries({"required": _subset(sorted(draft.materials))}))
        audience = st.fixed_dictionaries(
            {"categories": _subset(cats), "coverage": st.sampled_from([1.0, 0.8, 0.5])}
        )
        return st.fixed_dictionaries(
            {"sessions": st.integers(1, 2), "audience": audience, "presenter": presenter, "content": content, "materials": materials}
        ).map(lambda d: {k: v for k, v in d.items() if v is not None})

    def compliant(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> Any:
        p = obligation.params
        rule = p.get("presenter")
        unit = gen.unit
        cats = list(p["audience"]["categories"])
        full = {c: int(unit.audience.get(c, 0)) for c in cats}

        @st.composite
        def build(draw: Any) -> list[dict] | None:
            dates = sorted(draw(st.lists(gen.date_in(window), min_size=1, max_size=2)))
            refs = []
            for day in dates:
                if rule:
                    found = gen.presenter_on(rule, day, window)
                    if found is None:
                        return None
                    day, person = found
                    refs.append((day, draw(gen.person_ref(person))))
                else:
                    refs.append((day, None))
            refs.sort(key=lambda x: x[0])
            split = [dict.fromkeys(cats, 0) for _ in refs]
            for c, n in full.items():  # the audience may come in two halves
                first = draw(st.integers(0, n)) if len(refs) == 2 else n
                split[0][c] = first
                if len(refs) == 2:
                    split[1][c] = n - first
            out = []
            for i, (day, ref) in enumerate(refs):
                rec: dict[str, Any] = {"type": "session", "date": day, "attendance": split[i]}
                rec["sessions"] = p["sessions"] if i == len(refs) - 1 else 1
                if ref is not None:
                    rec["presenter"] = ref
                if p.get("content"):
                    rec["content"] = list(p["content"]["required"])
                if p.get("materials"):
                    rec["materials"] = list(p["materials"]["required"])
                if p.get("audience_group"):  # held for the obligation's own group
                    rec["audience_group"] = p["audience_group"]
                if p.get("length"):  # exactly the least length
                    rec["length"] = p["length"]["min"]
                out.append(rec)
            return out

        return build()

    def breaks(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> dict[str, Break]:
        p = obligation.params
        base = self.compliant(obligation, gen, window).map(lambda recs: recs[-1:] if recs else recs).map(
            _maybe(lambda recs: [dict(recs[0], attendance={c: int(gen.unit.audience.get(c, 0)) for c in p["audience"]["categories"]})])
        )
        out: dict[str, Break] = {}
        rule = p.get("presenter")
        if rule:
            outsider = gen.person_without_role(rule["roles"])
            if outsider is not None:
                out["presenter"] = Break("fail", base.map(_maybe(lambda recs: [dict(recs[0], presenter=outsider)])))
            if rule.get("qualifications"):
                unqualified = gen.person_unqualified(rule)
                if unqualified is not None:
                    out["qualification"] = Break("fail", base.map(_maybe(lambda recs: [dict(recs[0], presenter=unqualified)])))
        for key in ("content", "materials"):
            if p.get(key):
                drop = next(iter(p[key]["required"]))
                out[key] = Break("fail", base.map(_maybe(lambda recs, k=key, d=drop: [dict(recs[0], **{k: [x for x in recs[0][k] if x != d]})])))
        share = p["audience"]["coverage"]
        short = [c for c in p["audience"]["categories"] if gen.unit.audience.get(c, 0) and _target(share, gen.unit.audience[c]) >= 1]
        if short:
            c0 = short[0]

            def fewer(recs: list[dict]) -> list[dict]:
                att = dict(recs[0]["attendance"])
                att[c0] = _target(share, gen.unit.audience[c0]) - 1
                return [dict(recs[0], attendance=att)]

            out["audience"] = Break("partial", base.map(_maybe(fewer)))
        if p.get("length"):
            n, unit_word = parse_length(p["length"]["min"])
            half = f"{n / 2:g} {'buổi' if unit_word == 'session' else 'ngày' if unit_word == 'day' else 'giờ'}"
            out["length"] = Break("fail", base.map(_maybe(lambda recs: [dict(recs[0], length=half)])))
            out["length_unknown"] = Break("unknown", base.map(_maybe(lambda recs: [{k: v for k, v in recs[0].items() if k != "length"}])))
        out["audience_group"] = Break("missing", base.map(_maybe(lambda recs: [dict(recs[0], audience_group=f"{p.get('audience_group') or 'x'}_other")])))
        if p["sessions"] >= 2:
            out["sessions"] = Break("partial", base.map(_maybe(lambda recs: [dict(recs[0], sessions=p["sessions"] - 1)])))
        out["attendance_unknown"] = Break("unknown", base.map(_maybe(lambda recs: [{k: v for k, v in recs[0].items() if k != "attendance"}])))
        out.update(_late(obligation, gen, window, base))
        return out


def _target(share: float, need: int) -> int:
    return math.ceil(share * need - 1e-9)


def _subset(items: list[str]) -> Any:
    if not items:
        return st.just([])
    return st.lists(st.sampled_from(items), min_size=1, max_size=len(items), unique=True)


# -- dissemination ---------------------------------------------------------------


class DisseminationStrategies(KindStrategies):
    name = "dissemination"

    def params(self, draft: Any) -> Any:
        return st.one_of(st.just({}), st.fixed_dictionaries({"audiences": st.fixed_dictionaries({"required": _subset(["members", "people"])})}))

    def compliant(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> Any:
        block = obligation.params.get("audiences")
        wanted = list(block["required"]) if block else []

        @st.composite
        def build(draw: Any) -> list[dict]:
            if len(wanted) >= 2 and draw(st.booleans()):
                days = sorted(draw(st.lists(gen.date_in(window), min_size=2, max_size=2)))
                return [{"type": "dissemination", "date": days[0], "audiences": wanted[:1]}, {"type": "dissemination", "date": days[1], "audiences": wanted[1:]}]
            return [{"type": "dissemination", "date": draw(gen.date_in(window)), "audiences": list(wanted) or ["people"]}]

        return build()

    def breaks(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> dict[str, Break]:
        block = obligation.params.get("audiences")
        wanted = list(block["required"]) if block else []
        one = st.builds(lambda d: [{"type": "dissemination", "date": d, "audiences": list(wanted) or ["people"]}], gen.date_in(window))
        out = dict(_late(obligation, gen, window, one))
        if wanted:
            out["audiences"] = Break("partial", one.map(lambda recs: [dict(recs[0], audiences=wanted[1:])]))
            out["audiences_unknown"] = Break("unknown", one.map(lambda recs: [{k: v for k, v in recs[0].items() if k != "audiences"}]))
        return out


# -- report --------------------------------------------------------------------------


class ReportStrategies(KindStrategies):
    name = "report"

    def params(self, draft: Any) -> Any:
        channel = st.fixed_dictionaries({"to": st.just(draft.recipient)}, optional={"via": st.just(draft.channel)})
        return st.fixed_dictionaries({"channel": channel}, optional={"about": st.sampled_from(draft.obligation_ids)} if draft.obligation_ids else {})

    def lower_bound(self, obligation: Any, unit: Any, evaluation: Any) -> dt.date | None:
        about = obligation.params.get("about")  # a report on results comes after the results
        if not about:
            return None
        try:
            return evaluation.verdict(about, unit.id).fulfilled_on
        except LookupError:
            return None

    def _record(self, obligation: Any, gen: Any, day: dt.date) -> dict:
        ch = obligation.params["channel"]
        rec: dict[str, Any] = {"type": "report", "date": day, "to": ch["to"]}
        if ch.get("via"):
            rec["via"] = ch["via"]
        if obligation.params.get("about"):
            rec["about"] = obligation.params["about"]
        return rec

    def compliant(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> Any:
        ch = obligation.params["channel"]
        reg = gen.registry

        def ok(day: dt.date) -> bool:
            to = reg.unit(ch["to"])
            return to is not None and to.valid_on(day) and (not ch.get("via") or reg.unit(ch["via"]) is not None)

        @st.composite
        def build(draw: Any) -> list[dict] | None:
            day = draw(gen.date_in(window))
            if not ok(day):
                day = gen.find_day(window, ok, near=day)
                if day is None:
                    return None
            return [self._record(obligation, gen, day)]

        return build()

    def breaks(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> dict[str, Break]:
        ch = obligation.params["channel"]
        base = self.compliant(obligation, gen, window)
        out = dict(_late(obligation, gen, window, base))
        want = gen.registry.unit(ch["to"])
        other = next((u.id for u in gen.registry.units.values() if want is None or u.id != want.id), None)
        if other is not None:
            out["recipient"] = Break("fail", base.map(_maybe(lambda recs: [dict(recs[0], to=other)])))
        if ch.get("via"):
            via = gen.registry.unit(ch["via"])
            wrong = next((u.id for u in gen.registry.units.values() if via is None or u.id != via.id), None)
            if wrong is not None:
                out["channel"] = Break("fail", base.map(_maybe(lambda recs: [dict(recs[0], via=wrong)])))
        return out


# -- deliverable --------------------------------------------------------------------


class DeliverableStrategies(KindStrategies):
    name = "deliverable"

    def params(self, draft: Any) -> Any:
        return st.fixed_dictionaries({"deliverables": _subset(["own_plan", "dedicated_column", "portal_posting"])})

    def compliant(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> Any:
        wanted = list(obligation.params["deliverables"])
        return st.lists(gen.date_in(window), min_size=len(wanted), max_size=len(wanted)).map(
            lambda days: [{"type": "deliverable", "date": d, "deliverable": w} for d, w in zip(days, wanted)]
        )

    def breaks(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> dict[str, Break]:
        wanted = list(obligation.params["deliverables"])
        base = self.compliant(obligation, gen, window)
        out = dict(_late(obligation, gen, window, base))
        out["deliverables"] = Break("partial" if len(wanted) > 1 else "missing", base.map(lambda recs: recs[1:]))
        return out


# -- duty --------------------------------------------------------------------------------


class DutyStrategies(KindStrategies):
    name = "duty"

    def checkable(self, obligation: Any) -> bool:
        return bool(obligation.params.get("evidence"))

    def params(self, draft: Any) -> Any:
        return st.one_of(st.just({}), st.just({"evidence": "supervision"}))

    def compliant(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> Any:
        ev = obligation.params.get("evidence")
        if not ev:
            return st.just([])
        fields = gen.fact_fields(ev)
        return st.tuples(gen.date_in(window), fields).map(lambda t: [{"type": ev, "date": t[0], **t[1]}])

    def breaks(self, obligation: Any, gen: Any, window: tuple[dt.date, dt.date | None]) -> dict[str, Break]:
        if not obligation.params.get("evidence"):
            return {}
        return {"evidence": Break("missing", st.just([]))}


# -- fact types (arbitrary facts, valid by their schema) ---------------------------------


def _opt(strategy: Any) -> Any:
    return st.one_of(st.none(), strategy)


def _session(gen: Any) -> Any:
    cats = sorted(gen.vocabulary("categories") | set(gen.unit.audience if gen.unit else ()))
    attendance = st.fixed_dictionaries(
        {c: st.integers(0, int(gen.unit.audience.get(c, 0)) + 2 if gen.unit else 5) for c in cats}
    ) if cats else st.just({})
    return st.fixed_dictionaries(
        {
            "presenter": _opt(gen.any_person_ref()),
            "sessions": st.integers(1, 3),
            "attendance": _opt(attendance),
            "content": _opt(_subset(sorted(gen.vocabulary("content") | {"other_topic"}))),
            "materials": _opt(_subset(sorted(gen.vocabulary("materials") | {"other_book"}))),
            "mode": st.sampled_from(["in_person", "online", "video"]),
        }
    )


def _report(gen: Any) -> Any:
    return st.fixed_dictionaries(
        {"to": _opt(gen.any_unit_ref()), "via": _opt(gen.any_unit_ref()), "about": _opt(st.sampled_from(sorted(gen.vocabulary("obligations")) or ["x"]))}
    )


def _dissemination(gen: Any) -> Any:
    return st.fixed_dictionaries(
        {"audiences": _opt(_subset(sorted(gen.vocabulary("audiences") | {"members", "people", "youth"}))), "reach": _opt(st.integers(0, 500))}
    )


def _deliverable(gen: Any) -> Any:
    return st.fixed_dictionaries({"deliverable": st.sampled_from(sorted(gen.vocabulary("deliverables") | {"other_item"}))})


def _supervision(gen: Any) -> Any:
    return st.fixed_dictionaries({"by": _opt(gen.any_person_ref())})


def _event(gen: Any) -> Any:
    return st.fixed_dictionaries({"name": st.sampled_from(sorted(gen.vocabulary("events") | {"other_event"}))})


BUILTIN_KIND_STRATEGIES: Mapping[str, KindStrategies] = {
    k.name: k for k in (StudySessionStrategies(), DisseminationStrategies(), ReportStrategies(), DeliverableStrategies(), DutyStrategies())
}

BUILTIN_FACT_STRATEGIES: Mapping[str, Callable[[Any], Any]] = {
    "session": _session,
    "report": _report,
    "dissemination": _dissemination,
    "deliverable": _deliverable,
    "supervision": _supervision,
    "event": _event,
}


def nfd(text: str) -> str:
    """Decomposed Unicode, as some keyboards and old files write Vietnamese."""
    return unicodedata.normalize("NFD", text)


@hookimpl
def nqengine_testing_strategies():
    out: dict[str, Any] = {f"kind:{k}": v for k, v in BUILTIN_KIND_STRATEGIES.items()}
    out.update({f"fact:{k}": v for k, v in BUILTIN_FACT_STRATEGIES.items()})
    return out
