"""Small builders for specs, registries and facts written inline in tests."""

from __future__ import annotations

import textwrap

import nqengine
from nqengine.inputs import load_facts_text
from nqengine.inputs.registry import load_registry_text
from nqengine.spec import load_spec_text

HEADER = """\
nqengine: 1
id: t
title: Kế hoạch thử
document: {id: kh, title: Kế hoạch thử, issued: 01/09/2020}
audience_categories:
  dang_vien: {vi: Đảng viên, en: Party members, party_member: true}
  cong_chuc: {vi: Công chức, en: Civil servants}
materials: {vk: Văn kiện}
events: {ev: 01/10/2020, tet: 24/01/2020}
clauses:
  c1: Điều một.
  c2: Điều hai.
  c3: Điều ba.
obligations:
"""

#: A one-obligation plan (study sessions for the cells' party members); tests append to it.
MINI_PLAN = """\
nqengine: 1
id: mini
title: Kế hoạch nhỏ
document: {id: kh, title: Kế hoạch, issued: 01/09/2020}
clauses: {II.1: "Học tập trước ngày 31/10/2020."}
obligations:
  - id: study
    kind: study_session
    title: Học tập
    clause: II.1
    applies_to: {kinds: grassroots_cell}
    deadline: {date: 31/10/2020, inclusive: false}
    audience: {categories: [dang_vien]}
"""

REGISTRY = """\
units:
  - {id: city, name: Thành ủy, kind: city_committee}
  - {id: btv, name: Ban Thường vụ, kind: standing_committee, parent: city}
  - {id: btg, name: Ban Tuyên giáo, kind: party_board, parent: city}
  - {id: vp, name: Văn phòng, kind: party_board, parent: city}
  - {id: gone, name: Ban đã giải thể, kind: party_board, parent: city, valid_to: 30/09/2020}
  - {id: w1, name: Đảng bộ phường Một, kind: party_committee, sector: ward, parent: city, audience: {dang_vien: 10, cong_chuc: 4}}
  - {id: a1, name: Đảng bộ Cơ quan Một, kind: party_committee, sector: agency, parent: city, audience: {dang_vien: 5}}
  - {id: m1, name: Hội Phụ nữ, kind: mass_organisation}
people:
  - id: sec
    name: Nguyễn Văn Bí Thư
    roles: [{unit: w1, role: secretary}]
    qualifications: [{kind: reporter, body: city, term: XXI, valid_from: 01/09/2020}]
  - id: dep
    name: Trần Thị Phó
    roles: [{unit: w1, role: deputy_secretary}]
  - id: asec
    name: Lê Văn Cơ Quan
    roles: [{unit: a1, role: secretary, valid_to: 10/10/2020}]
"""


def spec(obligations: str, pm=None, header: str = HEADER):
    return load_spec_text(header + textwrap.indent(textwrap.dedent(obligations), "  "), "t.yaml", pm=pm)


def registry(text: str = REGISTRY):
    return load_registry_text(text, "r.yaml")


def facts(text: str, pm=None):
    return load_facts_text("facts:\n" + textwrap.indent(textwrap.dedent(text), "  "), "f.yaml", pm=pm)


def run(obligations: str, fact_text: str, as_of: str, reg: str = REGISTRY):
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    s = spec(obligations, pm)
    return nqengine.evaluate(s, registry(reg), facts(fact_text, pm) if fact_text.strip() else [], as_of, pm=pm)
