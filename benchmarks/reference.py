"""The practical floor: the study-session obligations of benchmarks/plan.yaml, by hand.

A plain-Python reading of the same generated files and a hand-written loop
that computes the same statuses as nqengine for ``study-party-committee`` and
``study-grassroots-cell``: no spec, no schema, no explanations — only what
the status needs.  The rules (deadline, presenter, content, materials,
audience coverage, make-up sessions, dissolved units) are hard-coded from the
plan.  ``run.py`` times it and checks that it agrees with nqengine, verdict
by verdict.

Usage (standalone)::

    python benchmarks/reference.py benchmarks/data/scale-1
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time

AS_OF = dt.date(2026, 4, 8)
EFFECTIVE = dt.date(2026, 2, 5)
DUE = dt.date(2026, 3, 30)  # "trước ngày 31/03/2026", not inclusive
DUE_SOON = DUE - dt.timedelta(days=7)
CONTENT = ("core_content", "action_programme")
MATERIAL = "van-kien"
RULES = {  # kind: (obligation, audience categories, presenter roles, reporter title needed unless an exception sector)
    "party_committee": ("study-party-committee", ("dang_vien", "can_bo", "cong_chuc", "vien_chuc", "khong_chuyen_trach", "can_bo_thon"),
                        ("secretary", "deputy_secretary"), True),
    "grassroots_cell": ("study-grassroots-cell", ("dang_vien", "can_bo", "cong_chuc", "vien_chuc", "nguoi_lao_dong"), ("secretary",), False),
}
SECRETARY_ONLY = {"agency", "public_unit", "enterprise", "armed_forces"}  # exception of II.1.1.c


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def read(folder: str) -> tuple[dict, dict, dict, dict]:
    """Units under study, people's roles and titles, sessions per unit, attendance per session."""
    units: dict[str, tuple] = {}
    roles: dict[str, list] = {}
    titles: dict[str, list] = {}
    with open(f"{folder}/registry.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("record") == "person":
                roles[r["id"]] = [(x["unit"], x["role"], _date(x.get("valid_from", "")), _date(x.get("valid_to", ""))) for x in r.get("roles", ())]
                titles[r["id"]] = [(q["kind"], q.get("term"), _date(q.get("valid_from", "")), _date(q.get("valid_to", ""))) for q in r.get("qualifications", ())]
            elif r.get("kind") in RULES:
                units[r["id"]] = (r["kind"], r.get("sector"), _date(r.get("valid_from", "")), _date(r.get("valid_to", "")), r.get("audience", {}))
    sessions: dict[str, list] = {}
    with open(f"{folder}/facts.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        head = next(reader)
        i = {h: n for n, h in enumerate(head)}
        att = [(h.split(".", 1)[1], n) for h, n in i.items() if h.startswith("attendance.")]
        ii, ti, ui, di, pi, ci, mi = i["id"], i["type"], i["unit"], i["date"], i["presenter"], i["content"], i["materials"]
        seen = set()
        for row in reader:
            if row[ti] != "session" or row[ii] in seen:
                continue
            seen.add(row[ii])
            counts = {c: int(row[n]) for c, n in att if row[n]}
            sessions.setdefault(row[ui], []).append([row[di], row[ii], row[pi], row[ci].split("|"), row[mi].split("|"), counts or None])
    attendance: dict[str, dict] = {}
    with open(f"{folder}/attendance.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for _, _, _, session, _, category in reader:
            c = attendance.get(session)
            if c is None:
                c = attendance[session] = {}
            c[category] = c.get(category, 0) + 1
    return units, {"roles": roles, "titles": titles}, sessions, attendance


def statuses(units: dict, people: dict, sessions: dict, attendance: dict) -> dict[tuple[str, str], str]:
    """(obligation, unit) -> status, for every unit the two study obligations apply to."""
    out = {}
    roles, titles = people["roles"], people["titles"]
    for uid, (kind, sector, valid_from, valid_to, headcount) in units.items():
        if (valid_from and valid_from > AS_OF) or (valid_to and valid_to < EFFECTIVE):
            continue
        obligation, categories, allowed, needs_title = RULES[kind]
        needs_title = needs_title and sector not in SECRETARY_ONLY
        allowed = ("secretary",) if kind == "party_committee" and sector in SECRETARY_ONLY else allowed
        held, attended, known, fulfilled = 0, dict.fromkeys(categories, 0), True, None
        fail = unknown = False
        counted = 0
        for day_text, sid, presenter, content, materials, counts in sorted(sessions.get(uid, ())):
            day = dt.date.fromisoformat(day_text)
            if day > AS_OF:
                continue
            if presenter not in roles:
                unknown = True
                continue
            ok = any(u == uid and r in allowed and (f is None or f <= day) and (t is None or day <= t) for u, r, f, t in roles[presenter])
            if ok and needs_title:
                ok = any(k == "reporter" and term == "XIV" and (f is None or f <= day) and (t is None or day <= t) for k, term, f, t in titles[presenter])
            if not ok or not all(c in content for c in CONTENT) or MATERIAL not in materials:
                fail = True
                continue
            counted += 1
            held += 1
            got = counts if counts is not None else attendance.get(sid)
            if got is None:
                known = False
            else:
                for c in categories:
                    attended[c] += got.get(c, 0)
            if fulfilled is None and known and all(min(attended[c], headcount.get(c, 0)) >= headcount.get(c, 0) for c in categories):
                fulfilled = day
        if fulfilled is None and valid_to is not None and valid_to < AS_OF and valid_to < DUE:
            status = "not_applicable"
        elif fail and fulfilled is None:
            status = "violated"
        elif fulfilled is not None:
            status = "met" if fulfilled <= DUE else "met_late"
        elif unknown or (counted and not known):
            status = "indeterminate"
        elif AS_OF > DUE:
            status = "violated" if counted else "overdue"
        else:
            status = "due_soon" if AS_OF >= DUE_SOON else "pending"
        out[(obligation, uid)] = status
    return out


def run(folder: str) -> tuple[dict, dict[str, float]]:
    t0 = time.perf_counter()
    data = read(folder)
    t1 = time.perf_counter()
    result = statuses(*data)
    t2 = time.perf_counter()
    return result, {"read": t1 - t0, "evaluate": t2 - t1}


if __name__ == "__main__":
    got, times = run(sys.argv[1])
    print(len(got), "verdicts", {k: round(v, 3) for k, v in times.items()})
