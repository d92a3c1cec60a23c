"""The bytes of an answer, written the same way when served and when replayed.

An evaluation answer is the JSON contract of ``nqengine evaluate --format
json`` (``docs/json-contract.md``), byte for byte; for a token that sees only
a subtree of the registry, the verdicts and unmatched facts of that subtree
with the summary counted over them.  A verdict answer holds the verdict's
JSON object and its explanation text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs

from nqengine.errors import UnknownKeyError
from nqengine.evaluation.recurrence import summary_by_period
from nqengine.evaluation.rollup import rollup_json
from nqengine.model import STATUSES, Registry
from nqengine.render.formats import evaluation_to_json, explain_text, verdict_to_json

__all__ = ["answer_for", "in_subtree", "evaluation_answer", "verdict_answer"]


def in_subtree(registry: Registry, root: str, unit: str, day: dt.date) -> bool:
    """Whether ``unit`` (an id or name) is ``root`` or below it in ``registry`` on ``day``.

    Every unit on the way up must exist on ``day``: a unit moved to another
    parent (a new record from the move's date) is under its old superior
    before the move and under the new one after it.
    """
    u = registry.unit(unit)
    seen: set[str] = set()
    while u is not None and u.id not in seen:
        if not u.valid_on(day):
            return False
        if u.id == root:
            return True
        seen.add(u.id)
        u = registry.units.get(u.parent) if u.parent else None
    return False


def _dump(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


_HOLE = "\x00verdicts\x00"


def evaluation_answer(ev: Any, lang: str = "vi", scope: str | None = None, cache: dict | None = None) -> bytes:
    """The evaluation as the JSON contract; with ``scope`` (a unit id), only that unit's subtree.

    The bytes are those of ``json.dumps(to_json(ev), ensure_ascii=False,
    indent=2)`` plus a newline, as ``nqengine evaluate --format json`` writes
    them.  ``cache`` (a dict kept by the caller between answers) holds each
    verdict's text, reused while the verdict object is the same one: after a
    new fact only the verdicts it changed are written again.
    """

    verdicts = ev.verdicts
    if scope is not None:
        reg, day = ev.registry, ev.as_of
        inside: dict[str, bool] = {}

        def ok(unit: str) -> bool:
            if unit not in inside:
                inside[unit] = in_subtree(reg, scope, unit, day)
            return inside[unit]

        verdicts = [v for v in verdicts if ok(v.unit)]
    data = evaluation_to_json(attrs.evolve(ev, verdicts=[]), lang)  # everything but the verdicts
    if scope is not None:
        facts = ev.facts
        data["unmatched_facts"] = [u for u in data["unmatched_facts"] if u["fact"] in facts and ok(facts[u["fact"]].unit)]
        summary = {ob: {s: 0 for s in STATUSES} for ob in data["summary"]}
        for v in verdicts:
            summary[v.obligation][v.status] += 1
        data["summary"] = summary
    else:
        data["summary"] = ev.summary()
    # The sections computed from the verdicts, which the copy without verdicts above left empty.
    shown = ev if scope is None else attrs.evolve(ev, verdicts=verdicts)
    data["summary_by_period"] = summary_by_period(shown)
    data["rollup"] = rollup_json(shown)
    data["verdicts"] = _HOLE
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if verdicts:
        items = ",\n    ".join(_verdict_text(ev, v, lang, cache) for v in verdicts)
        listed = "[\n    " + items + "\n  ]"
    else:
        listed = "[]"
    return text.replace(json.dumps(_HOLE), listed, 1).encode("utf-8")


def _verdict_text(ev: Any, v: Any, lang: str, cache: dict | None) -> str:
    """One verdict's JSON as it sits in the list (its inner lines indented by four spaces)."""

    key = (lang, v.obligation, v.unit)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None and hit[0] is v:
            return hit[1]
    # JSON strings hold no raw newline, so indenting every line is indenting the object
    text = json.dumps(verdict_to_json(ev, v, lang), ensure_ascii=False, indent=2).replace("\n", "\n    ")
    if cache is not None:
        cache[key] = (v, text)
    return text


def verdict_answer(ev: Any, obligation: str, unit: str, lang: str = "vi") -> bytes | None:
    """One verdict and its explanation, or None when the unit has no verdict on the obligation."""


    u = ev.registry.unit(unit)
    if u is None:
        return None
    try:
        v = ev.verdict(obligation, u.id)
    except UnknownKeyError:
        return None
    return _dump({"verdict": verdict_to_json(ev, v, lang), "explanation": explain_text(ev, obligation, u.id, lang)})


def answer_for(ev: Any, request: dict, registry: Registry | None = None) -> bytes:
    """The answer to a logged request (``route``, ``lang``, ``scope``, ``obligation``, ``unit``)."""
    lang = request.get("lang", "vi")
    if request.get("route") == "verdict":
        return verdict_answer(ev, request["obligation"], request["unit"], lang) or b""
    return evaluation_answer(ev, lang, request.get("scope"))


def decision_json(d: Any) -> dict:
    """A decision of the log as JSON (``GET /v1/decisions``, ``nqengine log --format json``)."""
    return {
        "id": d.id, "kind": d.kind, "at": d.at, "token": d.token_id, "unit": d.unit, "spec": d.spec_id,
        "spec_hash": d.spec_hash, "registry_version": d.registry_version, "watermark": d.watermark,
        "as_of": d.as_of, "request": d.request, "content_hash": d.content_hash,
    }
