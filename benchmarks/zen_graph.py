"""Build benchmarks/zen/study-session.json: the study-session rule as a GoRules ZEN graph.

    python benchmarks/zen_graph.py   # rewrites the JSON file (committed)

The graph takes one unit and returns its status on ``study-party-committee``
or ``study-grassroots-cell``, as nqengine and benchmarks/reference.py compute
it.  ZEN has no registry, so the caller (benchmarks/run.py) prepares, per
unit: the headcount per audience category (``h``, in the obligation's order,
padded to 7), the unit's sessions up to the evaluation date in (date, id)
order with the presenter check already made against the registry
(``presenter``: pass, fail or unknown), their content, materials and
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

CATEGORIES = 7  # headcount and attendance vectors are padded to this length
CONTENT = ("core_content", "action_programme")
MATERIALS = ("van-kien",)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "zen", "study-session.json")


def _conforming(s: str) -> str:
    items = [f"'{c}' in {s}.content" for c in CONTENT] + [f"'{m}' in {s}.materials" for m in MATERIALS]
    return " and ".join(items)


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
        ("ok", f"filter(sessions, #.presenter == 'pass' and {_conforming('#')})"),
        ("fail", f"some(sessions, #.presenter == 'fail' or not ({_conforming('#')}))"),
        ("unknown", "some(sessions, #.presenter == 'unknown')"),
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


if __name__ == "__main__":
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(graph(), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    print(OUT)
