"""Generate national-scale data for benchmarks/plan.yaml, deterministically.

    python benchmarks/generate.py --scale 10 --out benchmarks/data/scale-10

At ``--scale 100`` the data is shaped like the Party today: 34 provinces,
3,321 commune-level committees, 52,000 grassroots organisations (TCCS: Đảng
bộ cơ sở and Chi bộ cơ sở), 250,000 cells (chi bộ trực thuộc) and 5.6 million
members, with non-member audiences (công chức, viên chức, người lao động...),
secretaries and deputies with their roles and reporter titles.  Smaller scales
keep the central and provincial levels and take that percentage of the rest.
The same scale always gives byte-identical files (a seeded RNG, no clock, no
hash ordering).

Files written to ``--out``:

``registry.jsonl``
    units, then people (with nested roles and qualifications), one per line.
``facts.csv``
    sessions (with attendance counts for some units), own plans, reports,
    supervision, dissemination and deliverables; a few deliberately unmatched
    facts (unknown unit, a cell that is not subject, a duplicate id).
``attendance.csv``
    one row per person present at a session, for the other units' sessions.
``manifest.json``
    the scale, the evaluation date, and how many of everything.

Study outcomes are drawn per unit so that every status occurs on the
benchmark's evaluation date (08/04/2026): on time, with a make-up session,
late, never, wrong presenter, content missing, audience short, attendance
not recorded, presenter unknown, session recorded after the evaluation date,
and units dissolved before the deadline.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
from typing import Iterator

GENERATOR_VERSION = 3
AS_OF = dt.date(2026, 4, 8)
FULL = {"communes": 3321, "grassroots": 52_000, "cells": 250_000, "members": 5_600_000}
#: Share of units whose sessions record one attendance row per person (the rest give counts).
ROWS_SHARE = 0.7

PROVINCES = [
    ("Hà Nội", "thành phố"), ("Huế", "thành phố"), ("Lai Châu", "tỉnh"), ("Điện Biên", "tỉnh"), ("Sơn La", "tỉnh"),
    ("Lạng Sơn", "tỉnh"), ("Quảng Ninh", "tỉnh"), ("Thanh Hóa", "tỉnh"), ("Nghệ An", "tỉnh"), ("Hà Tĩnh", "tỉnh"),
    ("Cao Bằng", "tỉnh"), ("Tuyên Quang", "tỉnh"), ("Lào Cai", "tỉnh"), ("Thái Nguyên", "tỉnh"), ("Phú Thọ", "tỉnh"),
    ("Bắc Ninh", "tỉnh"), ("Hưng Yên", "tỉnh"), ("Hải Phòng", "thành phố"), ("Ninh Bình", "tỉnh"), ("Quảng Trị", "tỉnh"),
    ("Đà Nẵng", "thành phố"), ("Quảng Ngãi", "tỉnh"), ("Gia Lai", "tỉnh"), ("Khánh Hòa", "tỉnh"), ("Lâm Đồng", "tỉnh"),
    ("Đắk Lắk", "tỉnh"), ("Hồ Chí Minh", "thành phố"), ("Đồng Nai", "tỉnh"), ("Tây Ninh", "tỉnh"), ("Cần Thơ", "thành phố"),
    ("Vĩnh Long", "tỉnh"), ("Đồng Tháp", "tỉnh"), ("Cà Mau", "tỉnh"), ("An Giang", "tỉnh"),
]
MASS = [("mttq", "Ủy ban MTTQ Việt Nam"), ("doan", "Đoàn Thanh niên"), ("phu-nu", "Hội Liên hiệp Phụ nữ"),
        ("nong-dan", "Hội Nông dân"), ("ccb", "Hội Cựu chiến binh"), ("ldld", "Liên đoàn Lao động")]
PLACE = ["An", "Bình", "Hòa", "Phú", "Tân", "Long", "Thạnh", "Hưng", "Phước", "Mỹ", "Xuân", "Quang", "Thái", "Định",
         "Hiệp", "Lộc", "Sơn", "Hải", "Trung", "Đông", "Tây", "Nam", "Bắc", "Thuận", "Vĩnh", "Khánh", "Minh", "Đức"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Xuân", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hòa", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam", "Nga",
         "Phúc", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Uyên", "Việt", "Xuân", "Yến"]
GRASSROOTS_SECTORS = [("agency", 30), ("public_unit", 35), ("enterprise", 18), ("armed_forces", 5), ("commune", 7), ("ward", 5)]
SECTOR_NAMES = {
    "agency": ["Cơ quan", "Sở", "Ban Quản lý", "Chi cục"], "public_unit": ["Trường", "Bệnh viện", "Trung tâm"],
    "enterprise": ["Công ty", "Tổng công ty", "Hợp tác xã"], "armed_forces": ["Ban Chỉ huy Quân sự", "Công an"],
    "commune": ["Thôn"], "ward": ["Khu phố"],
}
# (outcome, weight): drawn once per study unit.
OUTCOMES = [
    ("met", 660), ("met_makeup", 50), ("met_late", 50), ("overdue", 50), ("bad_presenter", 30), ("bad_content", 20),
    ("short", 30), ("no_attendance", 20), ("unknown_presenter", 10), ("after_as_of", 10), ("dissolved", 20),
    ("new_secretary", 50),
]
DEADLINE = dt.date(2026, 3, 30)  # last day on time ("trước ngày 31/03/2026")
PARTY_CATEGORIES = ("dang_vien", "can_bo", "cong_chuc", "vien_chuc", "khong_chuyen_trach", "can_bo_thon")
CELL_CATEGORIES = ("dang_vien", "can_bo", "cong_chuc", "vien_chuc", "nguoi_lao_dong")


def _scaled(n: int, pct: float) -> int:
    return max(1, round(n * pct / 100))


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.7) -> list[int]:
    """``total`` split into ``parts`` uneven shares that add up exactly (largest remainder)."""
    if parts == 0:
        return []
    w = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    s = sum(w)
    raw = [x / s * total for x in w]
    out = [int(x) for x in raw]
    for i in sorted(range(parts), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A weekday between ``start`` and ``end`` (inclusive)."""
    while True:
        d = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        if d.weekday() < 5:
            return d


class Generator:
    def __init__(self, pct: float):
        self.pct = pct
        self.rng = random.Random(f"nqengine-bench-{GENERATOR_VERSION}-{pct}")
        self.units: list[dict] = []
        self.people: list[dict] = []
        self.facts: list[dict] = []
        self.counts: dict[str, int] = {}

    # -- organisation ------------------------------------------------------
    def unit(self, **u) -> dict:
        u = {k: v for k, v in u.items() if v is not None}
        self.units.append(u)
        return u

    def person(self, pid: str, roles: list[dict], quals: list[dict] = ()) -> None:
        p = {"record": "person", "id": pid, "name": _name(self.rng)}
        if roles:
            p["roles"] = roles
        if quals:
            p["qualifications"] = list(quals)
        self.people.append(p)

    def organisation(self) -> list[dict]:
        rng, pct = self.rng, self.pct
        self.unit(id="ban-bi-thu", name="Ban Bí thư Trung ương Đảng", kind="standing_committee")
        self.unit(id="ban-tgdv-tw", name="Ban Tuyên giáo và Dân vận Trung ương", kind="party_board", parent="ban-bi-thu")
        self.unit(id="van-phong-tw", name="Văn phòng Trung ương Đảng", kind="party_board", parent="ban-bi-thu")
        self.unit(id="bao-nhan-dan", name="Báo Nhân Dân", kind="public_service")
        self.unit(id="dai-tnvn", name="Đài Tiếng nói Việt Nam", kind="public_service")
        self.unit(id="bo-vhttdl", name="Bộ Văn hóa, Thể thao và Du lịch", kind="department")
        for key, name in MASS:
            self.unit(id=f"tw-{key}", name=f"{name} Trung ương", kind="mass_organisation")
        provinces = []
        for i, (name, level) in enumerate(PROVINCES, 1):
            pid = f"t{i:02d}"
            provinces.append(pid)
            self.unit(id=pid, name=f"Đảng bộ {level} {name}", kind="city_committee")
            self.unit(id=f"{pid}-btv", name=f"Ban Thường vụ {level.capitalize()} ủy {name}", kind="standing_committee", parent=pid)
            self.unit(id=f"{pid}-btgdv", name=f"Ban Tuyên giáo và Dân vận {level.capitalize()} ủy {name}", kind="party_board", parent=pid)
            self.unit(id=f"{pid}-ubnd", name=f"UBND {level} {name}", kind="government")
            self.person(f"bt-{pid}", [{"unit": pid, "role": "secretary", "valid_from": "2025-07-01"}])
            for key, mname in MASS:
                self.unit(id=f"{pid}-{key}", name=f"{mname} {level} {name}", kind="mass_organisation")
        # commune-level committees (Đảng bộ xã, phường), spread unevenly over the provinces
        communes: list[dict] = []
        n_communes = _scaled(FULL["communes"], pct)
        for pid, n in zip(provinces, _split(n_communes, len(provinces), rng)):
            for k in range(1, n + 1):
                sector = "ward" if rng.random() < 0.3 else "commune"
                word = "phường" if sector == "ward" else "xã"
                communes.append(self.unit(id=f"{pid}-x{k:03d}", name=f"Đảng bộ {word} {rng.choice(PLACE)} {rng.choice(PLACE)} ({pid}-{k})",
                                          kind="party_committee", sector=sector, parent=pid))
        # grassroots organisations (TCCS) under the communes
        grassroots: list[dict] = []
        per_commune: dict[str, int] = {}
        for _ in range(_scaled(FULL["grassroots"], pct)):
            c = rng.choice(communes)
            k = per_commune[c["id"]] = per_commune.get(c["id"], 0) + 1
            sector = _weighted(rng, GRASSROOTS_SECTORS)
            kind = "party_committee" if rng.random() < 0.2 else "grassroots_cell"
            word = "Đảng bộ" if kind == "party_committee" else "Chi bộ"
            grassroots.append(self.unit(id=f"{c['id']}-{k:03d}", name=f"{word} {rng.choice(SECTOR_NAMES[sector])} {rng.choice(PLACE)} {rng.choice(PLACE)} ({c['id']}-{k})",
                                        kind=kind, sector=sector, parent=c["id"]))
        # cells (chi bộ trực thuộc): of the communes and of the grassroots party committees
        hosts = communes + [g for g in grassroots if g["kind"] == "party_committee"]
        n_cells = _scaled(FULL["cells"], pct)
        cells: list[dict] = []
        cell_count: dict[str, int] = {}
        for i in range(n_cells):
            host = hosts[i] if i < len(hosts) else (rng.choice(communes) if rng.random() < 0.6 else rng.choice(hosts))
            k = cell_count[host["id"]] = cell_count.get(host["id"], 0) + 1
            cells.append(self.unit(id=f"{host['id']}-c{k:02d}", name=f"Chi bộ {k} ({host['id']})", kind="subordinate_cell", parent=host["id"]))
        # members: live in cells and grassroots cells; they study with the cell's host, or the grassroots cell itself
        homes = cells + [g for g in grassroots if g["kind"] == "grassroots_cell"]
        start = 0
        self.members: dict[str, list[tuple[int, int]]] = {}  # study unit -> [(first member number, count)]
        for home, n in zip(homes, _split(_scaled(FULL["members"], pct), len(homes), rng)):
            home["audience"] = {"dang_vien": n}
            study = home["parent"] if home["kind"] == "subordinate_cell" else home["id"]
            self.members.setdefault(study, []).append((start, n))
            start += n
        self.counts["members"] = start
        study_units = communes + grassroots
        self.nonmembers: dict[str, dict[str, tuple[int, int]]] = {}
        nstart = 0
        for u in study_units:
            dv = sum(n for _, n in self.members.get(u["id"], ()))
            aud = {"dang_vien": dv}
            s = u["sector"]
            if s in ("commune", "ward") and u["kind"] == "party_committee":
                aud.update(can_bo=rng.randint(3, 10), cong_chuc=rng.randint(4, 12), khong_chuyen_trach=rng.randint(3, 12), can_bo_thon=rng.randint(5, 30))
            elif s == "agency":
                aud["cong_chuc"] = rng.randint(0, 1 + dv // 3)
            elif s == "public_unit":
                aud["vien_chuc"] = rng.randint(0, 1 + dv // 2)
            elif s == "enterprise" and u["kind"] == "grassroots_cell":
                aud["nguoi_lao_dong"] = rng.randint(0, 1 + dv // 2)
            elif s == "armed_forces":
                aud["can_bo"] = rng.randint(0, 1 + dv // 4)
            aud = {k: v for k, v in aud.items() if v}
            u["audience"] = aud
            ranges = {}
            for cat, n in aud.items():
                if cat != "dang_vien":
                    ranges[cat] = (nstart, n)
                    nstart += n
            self.nonmembers[u["id"]] = ranges
        self.counts["non_members"] = nstart
        self.counts.update(provinces=len(provinces), communes=len(communes), grassroots=len(grassroots), cells=len(cells), units=len(self.units))
        return study_units

    # -- facts -------------------------------------------------------------
    def fact(self, **f) -> None:
        self.facts.append({k: v for k, v in f.items() if v is not None})

    def study(self, units: list[dict]) -> Iterator[tuple[str, str, str, list[tuple[str, str]]]]:
        """Roles, people and the facts of each study unit; yields per-person attendance to write."""
        rng = self.rng
        for u in units:
            uid, sector = u["id"], u["sector"]
            outcome = _weighted(rng, OUTCOMES)
            commune_like = u["kind"] == "party_committee" and sector in ("commune", "ward")
            qualified = rng.random() < 0.85
            sec = f"bt-{uid}"
            sec_roles = [{"unit": uid, "role": "secretary", "valid_from": "2025-07-01"}]
            quals = [{"kind": "reporter", "body": u["parent"].split("-")[0], "term": "XIV", "valid_from": "2026-01-25"}] if commune_like and qualified else []
            presenter = sec
            if outcome == "new_secretary":  # the secretary changed before the session: the new one presents
                sec_roles[0]["valid_to"] = "2026-02-28"
                self.person(f"bt2-{uid}", [{"unit": uid, "role": "secretary", "valid_from": "2026-03-01"}], quals)
                presenter = f"bt2-{uid}"
            self.person(sec, sec_roles, quals)
            if commune_like:
                self.person(f"pbt-{uid}", [{"unit": uid, "role": "deputy_secretary", "valid_from": "2025-07-01"}],
                            [{"kind": "reporter", "term": "XIV", "valid_from": "2026-01-25"}] if rng.random() < 0.5 else [])
                if not qualified:  # the qualified deputy presents instead, or nobody qualified does
                    presenter = f"pbt-{uid}"
            if outcome == "dissolved":
                u["valid_to"] = "2026-03-15"
                continue
            if outcome == "overdue":
                self._other_facts(u, None)
                continue
            if outcome == "bad_presenter":  # the superior committee's secretary holds no role in this unit
                presenter = f"bt-{u['parent']}"
            elif outcome == "unknown_presenter":
                presenter = f"khach-{uid}"
            day = _day(rng, dt.date(2026, 2, 23), DEADLINE)
            if outcome == "met_late":
                day = _day(rng, dt.date(2026, 3, 31), AS_OF - dt.timedelta(days=1))
            elif outcome == "after_as_of":
                day = _day(rng, AS_OF + dt.timedelta(days=1), dt.date(2026, 4, 20))
            absent = 0
            dv = u["audience"].get("dang_vien", 0)
            if outcome in ("met_makeup", "short") and dv > 1:
                absent = rng.randint(1, max(1, dv // 10))
            rows = rng.random() < ROWS_SHARE and outcome != "no_attendance"
            content = ["core_content"] if outcome == "bad_content" else ["core_content", "action_programme"]
            sid = f"s-{uid}"
            people = list(self._attendees(uid))
            first, second = people[: len(people) - absent], people[len(people) - absent:]
            if absent:  # the absentees are members: put them last
                members = [p for p in people if p[1] == "dang_vien"]
                others = [p for p in people if p[1] != "dang_vien"]
                first, second = others + members[: len(members) - absent], members[len(members) - absent:]
            self._session(sid, u, day, presenter, content, first, rows, outcome == "no_attendance")
            if rows:
                yield sid, uid, day.isoformat(), first
            if outcome == "met_makeup" and second:
                d2 = _day(rng, day + dt.timedelta(days=1), DEADLINE) if day < DEADLINE - dt.timedelta(days=3) else day
                self._session(f"s2-{uid}", u, d2, presenter, content, second, rows, False)
                if rows:
                    yield f"s2-{uid}", uid, d2.isoformat(), second
            self._other_facts(u, day if outcome not in ("bad_presenter", "bad_content", "short", "no_attendance", "unknown_presenter", "after_as_of") else None)

    def _attendees(self, uid: str) -> Iterator[tuple[str, str]]:
        for start, n in self.members.get(uid, ()):
            for i in range(start, start + n):
                yield f"dv{i:07d}", "dang_vien"
        for cat, (start, n) in self.nonmembers.get(uid, {}).items():
            for i in range(start, start + n):
                yield f"nn{i:07d}", cat

    def _session(self, sid: str, u: dict, day: dt.date, presenter: str, content: list[str], people: list, rows: bool, unknown: bool) -> None:
        counts: dict[str, int] = {}
        if not rows and not unknown:
            for _, cat in people:
                counts[cat] = counts.get(cat, 0) + 1
        self.fact(id=sid, type="session", unit=u["id"], date=day.isoformat(), presenter=presenter,
                  content="|".join(content), materials="van-kien", **{f"attendance.{c}": n for c, n in counts.items()})

    def _other_facts(self, u: dict, studied: dt.date | None) -> None:
        rng, uid = self.rng, u["id"]
        r = rng.random()
        if r < 0.88:
            self.fact(id=f"pl-{uid}", type="deliverable", unit=uid, date=_day(rng, dt.date(2026, 2, 9), dt.date(2026, 3, 20)).isoformat(), deliverable="own_plan")
        elif r < 0.92:
            self.fact(id=f"pl-{uid}", type="deliverable", unit=uid, date=_day(rng, dt.date(2026, 3, 31), dt.date(2026, 4, 7)).isoformat(), deliverable="own_plan")
        if studied is not None:
            r = rng.random()
            if r < 0.93:
                late = r > 0.80
                day = studied + dt.timedelta(days=rng.randint(9, 16) if late else rng.randint(0, 6))
                via = "van-phong-tw" if r > 0.88 else "ban-tgdv-tw"
                if day <= AS_OF:
                    self.fact(id=f"rp-{uid}", type="report", unit=uid, date=day.isoformat(), to="ban-bi-thu", via=via)
        if rng.random() < 0.4:
            self.fact(id=f"sv-{uid}", type="supervision", unit=uid, date=_day(rng, dt.date(2026, 2, 16), AS_OF).isoformat(), by=f"bt-{u['parent'].split('-')[0]}")
        if u["kind"] == "party_committee" and u["sector"] in ("commune", "ward"):
            r = rng.random()
            if r < 0.55:
                self.fact(id=f"ds-{uid}", type="dissemination", unit=uid, date=_day(rng, dt.date(2026, 3, 2), AS_OF).isoformat(), audiences="people", forms="loa truyền thanh|họp dân")
            elif r < 0.65:
                self.fact(id=f"ds-{uid}", type="dissemination", unit=uid, date=_day(rng, dt.date(2026, 3, 2), AS_OF).isoformat(), audiences="members")

    def upper_levels(self) -> None:
        rng = self.rng
        for u in self.units:
            if u["kind"] == "mass_organisation":
                r = rng.random()
                audiences = "members|people" if r < 0.6 else ("members" if r < 0.8 else None)
                if audiences:
                    self.fact(id=f"ds-{u['id']}", type="dissemination", unit=u["id"], date=_day(rng, dt.date(2026, 2, 20), AS_OF).isoformat(), audiences=audiences)
            elif u["kind"] == "party_board" and u.get("parent", "").startswith("t") and rng.random() < 0.3:
                self.fact(id=f"rp-{u['id']}", type="report", unit=u["id"], date=_day(rng, dt.date(2026, 3, 20), AS_OF).isoformat(), to="ban-bi-thu", via="ban-tgdv-tw")
        self.fact(id="pl-bao-nhan-dan", type="deliverable", unit="bao-nhan-dan", date="2026-02-10", deliverable="own_plan")
        self.fact(id="cm-bao-nhan-dan", type="deliverable", unit="bao-nhan-dan", date="2026-02-12", deliverable="dedicated_column")
        self.fact(id="pl-dai-tnvn", type="deliverable", unit="dai-tnvn", date="2026-02-11", deliverable="own_plan")
        self.fact(id="pp-bo-vhttdl", type="deliverable", unit="bo-vhttdl", date="2026-02-13", deliverable="portal_posting")
        # Facts no verdict can use: each is reported as unmatched, with its reason.
        self.fact(id="x-unknown-unit", type="report", unit="t01-x999-typo", date="2026-03-02", to="ban-bi-thu", via="ban-tgdv-tw")
        cell = next(u for u in self.units if u["kind"] == "subordinate_cell")
        self.fact(id="x-cell-session", type="session", unit=cell["id"], date="2026-03-03", presenter="bt-x", content="core_content", materials="van-kien")
        self.fact(id="pl-bao-nhan-dan", type="deliverable", unit="bao-nhan-dan", date="2026-02-10", deliverable="own_plan")

    # -- output ------------------------------------------------------------
    def write(self, out: str) -> dict:
        os.makedirs(out, exist_ok=True)
        study_units = self.organisation()
        attendance_path = os.path.join(out, "attendance.csv")
        n_rows = 0
        with open(attendance_path, "w", encoding="utf-8", newline="") as fh:
            fh.write("type,unit,date,session,member,category\n")
            for sid, uid, day, people in self.study(study_units):
                head = f"attendance,{uid},{day},{sid},"
                fh.writelines([f"{head}{m},{c}\n" for m, c in people])
                n_rows += len(people)
        self.upper_levels()
        with open(os.path.join(out, "registry.jsonl"), "w", encoding="utf-8") as fh:
            for u in self.units:
                fh.write(json.dumps(u, ensure_ascii=False) + "\n")
            for p in self.people:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        columns: dict[str, None] = {}
        for f in self.facts:
            columns.update(dict.fromkeys(f))
        with open(os.path.join(out, "facts.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(list(columns))
            for f in self.facts:
                w.writerow([f.get(c, "") for c in columns])
        manifest = {
            "generator_version": GENERATOR_VERSION, "scale": self.pct, "as_of": AS_OF.isoformat(), "plan": "benchmarks/plan.yaml",
            **self.counts, "people": len(self.people), "facts": len(self.facts), "attendance_rows": n_rows,
            "files": {name: os.path.getsize(os.path.join(out, name)) for name in ("registry.jsonl", "facts.csv", "attendance.csv")},
        }
        with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2)
            fh.write("\n")
        return manifest


def generate(pct: float, out: str) -> dict:
    """Write the data set of scale ``pct`` (percent of the national Party) to ``out``; returns the manifest."""
    return Generator(pct).write(out)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, required=True, help="percent of the national Party: 1, 10 or 100")
    p.add_argument("--out", required=True, help="folder to write to")
    args = p.parse_args(argv)
    if not 0 < args.scale <= 100:
        p.error("--scale must be in (0, 100]")
    m = generate(args.scale, args.out)
    print(json.dumps({k: v for k, v in m.items() if k != "files"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
