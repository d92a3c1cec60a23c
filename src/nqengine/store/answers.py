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

from nqengine.errors import UnknownKeyError
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


def evaluation_answer(ev: Any, lang: str = "vi", scope: str | None = None) -> bytes:
    """The evaluation as the JSON contract; with ``scope`` (a unit id), only that unit's subtree."""

    data = evaluation_to_json(ev, lang)
    if scope is not None:
        reg, day = ev.registry, ev.as_of
        inside: dict[str, bool] = {}

        def ok(unit: str) -> bool:
            if unit not in inside:
                inside[unit] = in_subtree(reg, scope, unit, day)
            return inside[unit]

        data["verdicts"] = [v for v in data["verdicts"] if ok(v["unit"])]
        facts = ev.facts
        data["unmatched_facts"] = [u for u in data["unmatched_facts"] if u["fact"] in facts and ok(facts[u["fact"]].unit)]
        summary = {ob: {s: 0 for s in STATUSES} for ob in data["summary"]}
        for v in data["verdicts"]:
            summary[v["obligation"]][v["status"]] += 1
        data["summary"] = summary
    return _dump(data)


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
