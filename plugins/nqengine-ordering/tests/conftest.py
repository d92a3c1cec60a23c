"""Builders for plans, registries and facts written inline, evaluated with this plugin alone."""

from __future__ import annotations

import textwrap

import pytest

import nqengine
from nqengine.inputs import load_facts_text
from nqengine.inputs.registry import load_registry_text
from nqengine.spec import load_spec_text

HEADER = """\
nqengine: 1
id: t
title: Kế hoạch thử
document: {id: kh, title: Kế hoạch thử, issued: 01/09/2020}
plugins: [nqengine-ordering]
audience_categories:
  dang_vien: {vi: Đảng viên, en: Party members, party_member: true}
  cong_chuc: {vi: Công chức, en: Civil servants}
clauses:
  II.1: Thành ủy tổ chức hội nghị cán bộ chủ chốt trước.
  II.2: Các Đảng bộ phường học tập sau hội nghị cán bộ chủ chốt; trực tiếp, không tính trực tuyến.
  II.4: Doanh nghiệp có công đoàn phối hợp tuyên truyền đến người lao động.
obligations:
"""

REGISTRY = """\
units:
  - {id: city, name: Thành ủy, kind: city_committee, audience: {dang_vien: 50}}
  - {id: w1, name: Đảng bộ phường Một, kind: party_committee, sector: ward, parent: city, audience: {dang_vien: 10}}
  - {id: w2, name: Đảng bộ phường Hai, kind: party_committee, sector: ward, parent: city, audience: {dang_vien: 10}}
  - {id: e1, name: Đảng bộ Công ty Một, kind: party_committee, sector: enterprise, parent: city, audience: {dang_vien: 5}}
  - {id: lone, name: Đảng bộ không có cấp trên, kind: party_committee, sector: ward, audience: {dang_vien: 5}}
"""


class Plan:
    """A spec built from obligations text, evaluated against facts text, with only this plugin loaded."""

    header = HEADER

    def __init__(self, plugins: tuple[str, ...] = ("nqengine_ordering",)) -> None:
        self.pm = nqengine.get_plugin_manager(list(plugins), load_entrypoints=False)

    def spec(self, obligations: str, header: str = HEADER):
        return load_spec_text(header + textwrap.indent(textwrap.dedent(obligations), "  "), "t.yaml", pm=self.pm)

    def facts(self, text: str):
        return load_facts_text("facts:\n" + textwrap.indent(textwrap.dedent(text), "  "), "f.yaml", pm=self.pm) if text.strip() else []

    def run(self, obligations: str, facts: str, as_of: str, header: str = HEADER, registry: str = REGISTRY):
        spec = self.spec(obligations, header)
        return nqengine.evaluate(spec, load_registry_text(registry, "r.yaml"), self.facts(facts), as_of, pm=self.pm)


@pytest.fixture
def plan() -> Plan:
    return Plan()


@pytest.fixture
def bare_plan() -> Plan:
    """The same builders with no plugin but the built-ins."""
    return Plan(plugins=())
