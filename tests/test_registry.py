"""Registry loading: references, cycles and validity dates, each a located error."""

from __future__ import annotations

import datetime as dt

import pytest

from nqengine.errors import RegistryError
from nqengine.inputs.registry import load_registry_text


def problems(text: str) -> list[str]:
    with pytest.raises(RegistryError) as info:
        load_registry_text(text, "r.yaml")
    return info.value.render("en").splitlines()


def test_parent_cycle_is_located():
    assert problems(
        "units:\n  - {id: a, name: A, kind: party_board, parent: b}\n  - {id: b, name: B, kind: party_board, parent: a}\n"
    ) == ["r.yaml:2:5: parent links form a cycle: a -> b -> a (units[0].parent)"]


def test_unknown_parent_and_role_unit_with_hint():
    out = problems(
        "units:\n  - {id: ward-1, name: A, kind: party_committee, sector: ward}\n"
        "  - {id: cell, name: B, kind: grassroots_cell, parent: ward-2}\n"
        "people:\n  - {id: p, name: P, roles: [{unit: wrd-1, role: secretary}]}\n"
    )
    assert out == [
        "r.yaml:3:5: 'parent' refers to unknown 'ward-2' — did you mean 'ward-1'? (units[1].parent)",
        "r.yaml:5:5: 'unit' refers to unknown 'wrd-1' — did you mean 'ward-1'? (people[0].roles[0].unit)",
    ]


def test_validity_period_and_lookup_by_nfc_name():
    import unicodedata

    reg = load_registry_text(
        "units:\n  - {id: hh, name: Đảng bộ phường Hòa Hương, kind: party_committee, sector: ward, valid_to: 30/06/2025}\n", "r.yaml"
    )
    unit = reg.unit(unicodedata.normalize("NFD", "đảng bộ phường hòa hương"))
    assert unit is not None and unit.id == "hh"
    assert unit.valid_on(dt.date(2025, 6, 30)) and not unit.valid_on(dt.date(2025, 7, 1))
    assert problems(
        "units:\n  - {id: a, name: A, kind: party_board, valid_from: 01/07/2025, valid_to: 30/06/2025}\n"
    ) == ["r.yaml:2:5: 'valid_to' (30/06/2025) is before 'valid_from' (01/07/2025) (units[0].valid_to)"]
