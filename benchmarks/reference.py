"""The practical floor: the study-session obligations of benchmarks/plan.yaml, by hand.

A plain-Python reading of the same generated files and a hand-written loop
that computes the same statuses as nqengine for ``study-party-committee`` and
``study-grassroots-cell``: no spec, no schema, no explanations — only what
the status needs, written as simply and as fast as a competent engineer would.
It refuses what nqengine's loader refuses (the same row checks: cells per
row, required fields, dates, whole numbers, duplicate ids in the registry,
unknown parents, and every attendance check — unknown session, not a
session, unit or date not the session's, the same member twice, counts and
rows mixed), naming the file and line, and reads what the loader reads (a
unit or presenter given by name, a list cell written as JSON).  The rules
(deadline, presenter, content, materials, audience coverage, make-up
sessions, dissolved units) are hard-coded from the plan.  ``run.py`` times it
as a whole process against ``nqengine evaluate`` and compares their statuses.

Usage::

    python benchmarks/reference.py benchmarks/data/scale-1 -o statuses.tsv

writes one ``obligation<TAB>unit<TAB>status`` line per verdict, in registry
order (exit status 2 and ``file:line: message`` on standard error when a row
is refused).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
import time
import unicodedata

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
FACT_TYPES = {"session", "report", "dissemination", "deliverable", "event", "attendance", "publication", "broadcast", "supervision"}


class Refused(Exception):
    """A row nqengine's loader refuses too: ``file:line: message``."""


_DATES: dict[str, dt.date] = {}


def _date(text: str, where: str = "?") -> dt.date | None:
    """ISO or dd/mm/yyyy; the same text recurs thousands of times, so parse each once."""
    if not text:
        return None
    d = _DATES.get(text)
    if d is None:
        try:
            d = dt.date.fromisoformat(text) if "/" not in text else dt.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise Refused(f"{where}: bad date {text!r}") from None
        _DATES[text] = d
    return d


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _count(text: str, where: str) -> int:
    if not text.isdigit():
        raise Refused(f"{where}: not a whole number: {text!r}")
    return int(text)


def _list(cell: str, where: str) -> list | None:
    if not cell:
        return None  # an empty cell is an absent field: not recorded
    if cell[0] == "[":
        try:
            value = json.loads(cell)
        except ValueError:
            raise Refused(f"{where}: bad JSON in a cell") from None
        if not isinstance(value, list):
            raise Refused(f"{where}: not a list")
        return value
    return cell.split("|")


def read(folder: str) -> tuple[dict, dict, dict, dict]:
    """Units under study, people's roles and titles, sessions per unit, attendance per session."""
    units: dict[str, tuple] = {}
    roles: dict[str, list] = {}
    titles: dict[str, list] = {}
    ids: set[str] = set()
    unit_names: dict[str, str] = {}
    person_names: dict[str, str] = {}
    parents: list[tuple[str, str]] = []
    path = f"{folder}/registry.jsonl"
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                r = json.loads(line)
            except ValueError:
                raise Refused(f"{where}: not JSON") from None
            if not isinstance(r, dict):
                raise Refused(f"{where}: not an object")
            rid, name = r.get("id"), r.get("name")
            if not isinstance(rid, str) or not rid or not isinstance(name, str) or not name:
                raise Refused(f"{where}: 'id' and 'name' are required")
            record = r.get("record", "unit")
            if record == "person":
                if rid in roles:
                    raise Refused(f"{where}: duplicate person {rid!r}")
                roles[rid] = [(x["unit"], x["role"], _date(x.get("valid_from", ""), where), _date(x.get("valid_to", ""), where)) for x in r.get("roles", ())]
                titles[rid] = [(q["kind"], q.get("term"), _date(q.get("valid_from", ""), where), _date(q.get("valid_to", ""), where))
                               for q in r.get("qualifications", ())]
                person_names.setdefault(_key(name), rid)
                continue
            if record != "unit":
                raise Refused(f"{where}: unknown record {record!r}")
            if rid in ids:
                raise Refused(f"{where}: duplicate unit {rid!r}")
            ids.add(rid)
            unit_names.setdefault(_key(name), rid)
            if r.get("parent"):
                parents.append((r["parent"], where))
            valid_from, valid_to = _date(r.get("valid_from", ""), where), _date(r.get("valid_to", ""), where)
            audience = r.get("audience", {})
            if any(type(v) is not int or v < 0 for v in audience.values()):
                raise Refused(f"{where}: audience: whole numbers expected")
            if r.get("kind") in RULES:
                units[rid] = (r["kind"], r.get("sector"), valid_from, valid_to, audience)
    for parent, where in parents:
        if parent not in ids:
            raise Refused(f"{where}: unknown parent {parent!r}")
    for pid, rs in roles.items():
        for unit, *_ in rs:
            if unit not in ids:
                raise Refused(f"{path}: role of {pid!r} in unknown unit {unit!r}")

    sessions: dict[str, list] = {}
    by_id: dict[str, tuple] = {}  # fact id -> (type, unit as written, date, has counts), first of each id
    path = f"{folder}/facts.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        head = next(reader)
        i = {h: n for n, h in enumerate(head)}
        att = [(h.split(".", 1)[1], n) for h, n in i.items() if h.startswith("attendance.")]
        ii, ti, ui, di, pi, ci, mi = i["id"], i["type"], i["unit"], i["date"], i["presenter"], i["content"], i["materials"]
        width = len(head)
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if len(row) != width:
                raise Refused(f"{where}: {len(row)} cells, the header has {width}")
            fid, ftype, unit = row[ii], row[ti], row[ui]
            if not fid or not ftype or not unit or not row[di]:
                raise Refused(f"{where}: 'id', 'type', 'unit' and 'date' are required")
            if ftype not in FACT_TYPES:
                raise Refused(f"{where}: unknown fact type {ftype!r}")
            day = _date(row[di], where)
            counts = {c: _count(row[n], where) for c, n in att if row[n]}
            if fid in by_id:
                continue  # a duplicate id: the first one counts (nqengine lists the rest as unmatched)
            by_id[fid] = (ftype, unit, day, bool(counts))
            if ftype != "session":
                continue
            uid = unit if unit in ids else unit_names.get(_key(unit), unit)
            presenter = row[pi]
            if presenter and presenter not in roles:
                presenter = person_names.get(_key(presenter), presenter)
            sessions.setdefault(uid, []).append([day, fid, presenter, _list(row[ci], where), _list(row[mi], where), counts or None])

    attendance: dict[str, dict] = {}
    seen: dict[str, set] = {}
    path = f"{folder}/attendance.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        checked = None
        for row in reader:
            if len(row) != 6:
                raise Refused(f"{path}:{reader.line_num}: {len(row)} cells, the header has 6")
            kind, unit, day, session, member, category = row
            if kind != "attendance" or not member or not category:
                raise Refused(f"{path}:{reader.line_num}: an attendance row needs its member and category")
            if (session, unit, day) != checked:  # rows of one session come together: check the session once
                fact = by_id.get(session)
                if fact is None or fact[0] != "session" or fact[1] != unit or fact[2] != _date(day) or fact[3]:
                    raise Refused(f"{path}:{reader.line_num}: session {session!r}: unknown, not a session, another unit or date, or given as counts")
                checked = (session, unit, day)
                members = seen.get(session)
                if members is None:
                    members = seen[session] = set()
                    c = attendance[session] = {}
                else:
                    c = attendance[session]
            if member in members:
                raise Refused(f"{path}:{reader.line_num}: {member!r} counted twice at {session!r}")
            members.add(member)
            c[category] = c.get(category, 0) + 1
    for unit_sessions in sessions.values():
        for s in unit_sessions:
            if s[5] is None:
                s[5] = attendance.get(s[1])
    return units, {"roles": roles, "titles": titles}, sessions, attendance


def statuses(units: dict, people: dict, sessions: dict, attendance: dict) -> dict[tuple[str, str], str]:
    """(obligation, unit) -> status, for every unit the two study obligations apply to, in registry order."""
    out = {}
    roles, titles = people["roles"], people["titles"]
    for uid, (kind, sector, valid_from, valid_to, headcount) in units.items():
        if (valid_from and valid_from > AS_OF) or (valid_to and valid_to < EFFECTIVE):
            continue
        obligation, categories, allowed, needs_title = RULES[kind]
        needs_title = needs_title and sector not in SECRETARY_ONLY
        allowed = ("secretary",) if kind == "party_committee" and sector in SECRETARY_ONLY else allowed
        attended, known, fulfilled = dict.fromkeys(categories, 0), True, None
        fail = unknown = False
        counted = 0
        for day, _sid, presenter, content, materials, counts in sorted(sessions.get(uid, ()), key=_order):
            if day > AS_OF:
                continue
            ok = True
            if not presenter or presenter not in roles:
                unknown, ok = True, False
            else:
                ok = any(u == uid and r in allowed and (f is None or f <= day) and (t is None or day <= t) for u, r, f, t in roles[presenter])
                if ok and needs_title:
                    ok = any(k == "reporter" and term == "XIV" and (f is None or f <= day) and (t is None or day <= t) for k, term, f, t in titles[presenter])
                fail = fail or not ok
            if content is None or materials is None:  # not recorded: cannot tell
                unknown, ok = True, False
            if (content is not None and not all(c in content for c in CONTENT)) or (materials is not None and MATERIAL not in materials):
                fail, ok = True, False
            if not ok:
                continue
            counted += 1
            if counts is None:
                known = False
            else:
                for c in categories:
                    attended[c] += counts.get(c, 0)
            if fulfilled is None and known and all(attended[c] >= headcount.get(c, 0) for c in categories):
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


def _order(s: list) -> tuple:
    return (s[0], s[1])


def run(folder: str) -> tuple[dict, dict[str, float]]:
    t0 = time.perf_counter()
    data = read(folder)
    t1 = time.perf_counter()
    result = statuses(*data)
    t2 = time.perf_counter()
    return result, {"read": t1 - t0, "evaluate": t2 - t1}


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        sys.stderr.write("usage: python benchmarks/reference.py FOLDER [-o OUT]\n")
        return 2
    out = argv[argv.index("-o") + 1] if "-o" in argv else None
    try:
        result = statuses(*read(argv[0]))
    except Refused as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    text = "".join(f"{ob}\t{uid}\t{status}\n" for (ob, uid), status in result.items())
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    sys.stdout.flush()
    os._exit(0)  # as the engine's CLI does: no teardown of what was read


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
