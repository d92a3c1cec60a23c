"""Build benchmarks/zen-graph/study-session.json: the study-session rule as a GoRules ZEN graph.

    python benchmarks/zen_graph.py   # rewrites the JSON file (committed)

The graph takes one unit and returns its status on ``study-party-committee``
or ``study-grassroots-cell``, as nqengine and benchmarks/reference.py compute
it.  ZEN has no registry, so the caller (benchmarks/run.py) prepares, per
unit: the headcount per audience category (``h``, in the obligation's order,
padded to 7), the unit's sessions up to the evaluation date in (date, id)
order with the presenter check already made against the registry
(``presenter``: pass, fail or unknown), their content, materials (null when
not recorded: unknown, as in nqengine) and
attendance per category (``a``, or null when not recorded), whether the unit
was dissolved before the deadline, and the dates.  The graph does the rest:

1. ``conformity`` (expression node): conforming sessions, whether any check
   failed or lacked evidence, the attendance each category needs;
2. ``fulfilment`` (expression node; its expressions see the previous node's
   output, not each other's): whether the conforming sessions, one,
   two or three of them in order, cover every category's headcount, and the
   date they first do (a ZEN expression has no running sum, so the loop over
   sessions is unrolled: a unit with more than three conforming sessions is
   refused by the caller);
3. ``status`` (decision table, first hit): the status, in the order of
   ``nqengine.engine.decide_status``.
"""

from __future__ import annotations

import json
import os
import time

import reference  # benchmarks/ is on the path: this script's own folder

CATEGORIES = 7  # headcount and attendance vectors are padded to this length
CONTENT = ("core_content", "action_programme")
MATERIALS = ("van-kien",)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "zen-graph", "study-session.json")  # not a folder named zen: it would shadow the zen-engine package


def _conforming(s: str) -> str:
    items = [f"'{c}' in {s}.content" for c in CONTENT] + [f"'{m}' in {s}.materials" for m in MATERIALS]
    return " and ".join(items)


def _lacking(s: str) -> str:
    """Content or materials recorded without a required item (not recorded at all is unknown, not a failure)."""
    content = " and ".join(f"'{c}' in {s}.content" for c in CONTENT)
    materials = " and ".join(f"'{m}' in {s}.materials" for m in MATERIALS)
    return f"({s}.content != null and not ({content})) or ({s}.materials != null and not ({materials}))"


def _covers(k: int) -> str:
    """The first ``k`` conforming sessions all recorded attendance and together cover every category."""
    known = " and ".join(f"ok[{i}].a != null" for i in range(k))
    sums = " and ".join("(" + " + ".join(f"ok[{i}].a[{c}]" for i in range(k)) + f") >= t[{c}]" for c in range(CATEGORIES))
    return f"len(ok) >= {k} and {known} and {sums}"


def _node(id_: str, type_: str, name: str, x: int, content: dict | None = None) -> dict:
    node = {"id": id_, "type": type_, "name": name, "position": {"x": x, "y": 100}}
    if content is not None:
        node["content"] = content
    return node


def _expressions(pairs: list[tuple[str, str]]) -> dict:
    return {"expressions": [{"id": f"e-{k}", "key": k, "value": v} for k, v in pairs], "passThrough": True}


def graph() -> dict:
    conformity = _expressions([
        ("ok", f"filter(sessions, #.presenter == 'pass' and #.content != null and #.materials != null and {_conforming('#')})"),
        ("fail", f"some(sessions, #.presenter == 'fail' or {_lacking('#')})"),
        ("unknown", "some(sessions, #.presenter == 'unknown' or #.content == null or #.materials == null)"),
        ("t", "map(h, ceil(coverage * # - 0.000000001))"),  # attendance needed per category
    ])
    fulfilment = _expressions([
        ("n", "len(ok)"),
        ("known", "all(ok, #.a != null)"),
        ("fulfilledOn", f"({_covers(1)}) ? ok[0].date : ({_covers(2)}) ? ok[1].date : ({_covers(3)}) ? ok[2].date : null"),
    ])
    inputs = [
        ("dissolved", "dissolved"),
        ("fulfilled", "fulfilledOn != null"),
        ("onTime", "fulfilledOn != null and date(fulfilledOn) <= date(due)"),
        ("fail", "fail"),
        ("unknown", "unknown or (n > 0 and not known)"),
        ("afterDue", "date(asOf) > date(due)"),
        ("dueSoon", "date(asOf) >= date(dueSoonFrom)"),
        ("progress", "n > 0"),
    ]
    # (cells by input, status): first hit wins, as in decide_status (and the dissolved-unit rule before it)
    rules = [
        ({"dissolved": "true", "fulfilled": "false"}, "not_applicable"),
        ({"fail": "true", "fulfilled": "false"}, "violated"),
        ({"onTime": "true"}, "met"),
        ({"fulfilled": "true"}, "met_late"),
        ({"unknown": "true"}, "indeterminate"),
        ({"afterDue": "true", "progress": "true"}, "violated"),
        ({"afterDue": "true"}, "overdue"),
        ({"dueSoon": "true"}, "due_soon"),
        ({}, "pending"),
    ]
    table = {
        "hitPolicy": "first",
        "inputs": [{"id": f"in-{k}", "name": k, "field": expr} for k, expr in inputs],
        "outputs": [{"id": "out-status", "name": "Status", "field": "status"}],
        "rules": [
            {"_id": f"rule-{i}", **{f"in-{k}": cells.get(k, "") for k, _ in inputs}, "out-status": json.dumps(status)}
            for i, (cells, status) in enumerate(rules, 1)
        ],
    }
    nodes = [
        _node("request", "inputNode", "request", 0),
        _node("conformity", "expressionNode", "conformity", 250, conformity),
        _node("fulfilment", "expressionNode", "fulfilment", 500, fulfilment),
        _node("status", "decisionTableNode", "status", 750, table),
        _node("response", "outputNode", "response", 1000),
    ]
    chain = ["request", "conformity", "fulfilment", "status", "response"]
    edges = [{"id": f"edge-{a}-{b}", "type": "edge", "sourceId": a, "targetId": b} for a, b in zip(chain, chain[1:])]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def statuses(data: tuple, engine: object = None) -> tuple[dict, float, float]:
    """The study rule per unit with ZEN: ((obligation, unit) -> status, seconds preparing, seconds in ZEN).

    ``data`` is what ``reference.read`` returns; Python gathers each unit's
    sessions and checks presenters against the registry first (ZEN has no
    registry).  Raises ImportError when zen-engine is not installed.
    """
    import zen  # optional (the bench and test extras): without it the caller is told to skip ZEN

    if engine is None:
        with open(OUT, encoding="utf-8") as fh:
            engine = zen.ZenEngine({"loader": {"type": "static", "content": {"study": json.load(fh)}}})
    units, people, sessions, attendance = data
    roles, titles = people["roles"], people["titles"]
    clock = time.perf_counter
    prep_s = zen_s = 0.0
    out = {}
    due, as_of = reference.DUE.isoformat(), reference.AS_OF.isoformat()
    soon = reference.DUE_SOON.isoformat()
    for uid, (kind, sector, valid_from, valid_to, headcount) in units.items():
        if (valid_from and valid_from > reference.AS_OF) or (valid_to and valid_to < reference.EFFECTIVE):
            continue
        t0 = clock()
        obligation, categories, allowed, needs_title = reference.RULES[kind]
        needs_title = needs_title and sector not in reference.SECRETARY_ONLY
        allowed = ("secretary",) if kind == "party_committee" and sector in reference.SECRETARY_ONLY else allowed
        items = []
        for day, _sid, presenter, content, materials, counts in sorted(sessions.get(uid, ()), key=lambda s: (s[0], s[1])):
            if day > reference.AS_OF:
                continue
            if not presenter or presenter not in roles:
                check = "unknown"
            else:
                ok = any(u == uid and r in allowed and (f is None or f <= day) and (t is None or day <= t) for u, r, f, t in roles[presenter])
                if ok and needs_title:
                    ok = any(k == "reporter" and term == "XIV" and (f is None or f <= day) and (t is None or day <= t) for k, term, f, t in titles[presenter])
                check = "pass" if ok else "fail"
            a = None if counts is None else [counts.get(c, 0) for c in categories] + [0] * (CATEGORIES - len(categories))
            items.append({"date": day.isoformat(), "presenter": check, "content": content, "materials": materials, "a": a})
        if sum(1 for s in items if s["presenter"] == "pass") > 3:
            raise SystemExit(f"unit {uid}: more than three sessions; the ZEN graph unrolls three")
        context = {
            "asOf": as_of, "due": due, "dueSoonFrom": soon, "coverage": 1.0, "sessions": items,
            "dissolved": bool(valid_to and valid_to < reference.AS_OF and valid_to < reference.DUE),
            "h": [headcount.get(c, 0) for c in categories] + [0] * (CATEGORIES - len(categories)),
        }
        t1 = clock()
        status = engine.evaluate("study", context)["result"]["status"]
        t2 = clock()
        prep_s += t1 - t0
        zen_s += t2 - t1
        out[(obligation, uid)] = status
    return out, prep_s, zen_s


if __name__ == "__main__":
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(graph(), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    print(OUT)
