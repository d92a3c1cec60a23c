"""Equal values of many rows are kept once (issue 16, memory per record), and nothing else changes.

The bulk loaders hand repeated values (a fact's type, unit, date, content list, attendance counts; a unit's
kind, dates, headcounts, its superiors) to :class:`nqengine.inputs.bulk.share.Shared`, and the loaders fill a
unit's place in the tree into the unit itself.  These tests pin what may be shared and what may not, and
that a registry built from someone else's units leaves them as they were.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

import nqengine
from nqengine.inputs.bulk import load_facts_bulk, load_registry_bulk
from nqengine.inputs.bulk.share import Shared
from nqengine.inputs.registry import registry_from_records
from nqengine.model import Unit

ROOT = Path(__file__).resolve().parent.parent


def test_equal_values_are_the_same_object_and_unequal_ones_are_not():
    share = Shared().value
    a, b = ["core", "plan"], ["core", "plan"]
    assert share(a) is a and share(b) is a
    assert share(["core"]) is not a
    m, n = {"dang_vien": 20, "cong_chuc": 3}, {"dang_vien": 20, "cong_chuc": 3}
    assert share(m) is m and share(n) is m
    assert share({"cong_chuc": 3, "dang_vien": 20}) is not m  # another order is another row's order: kept as read
    d = dt.date(2020, 10, 10)
    assert share(d) is d and share(dt.date(2020, 10, 10)) is d
    s = "".join(["p-", "an-my"])
    assert share(s) is s and share("".join(["p-", "an-my"])) is s


def test_values_equal_in_python_but_of_other_types_are_not_merged():
    share = Shared().value
    ints, bools, floats = [1, 0], [True, False], [1.0, 0.0]
    assert share(ints) is ints
    assert share(bools) is bools and share(floats) is floats  # [1, 0] == [True, False] == [1.0, 0.0]
    assert share({"n": 1}) is not share({"n": True})


def test_nested_values_are_kept_as_read():
    share = Shared().value
    nested = [{"unit": "a"}]
    again = [{"unit": "a"}]
    assert share(nested) is nested and share(again) is again
    deep = {"a": [1]}
    assert share({"a": [1]}) is not deep and share(deep) is deep


def test_facts_read_from_rows_share_their_repeated_values(tmp_path):
    rows = "".join(
        f'{{"id": "s{i}", "type": "session", "unit": "u1", "date": "10/10/2020", "presenter": "p", '
        f'"attendance": {{"dang_vien": 20}}, "content": ["core_content"]}}\n' for i in range(3)
    )
    (tmp_path / "facts.jsonl").write_text(rows, encoding="utf-8")
    a, b, c = load_facts_bulk(tmp_path / "facts.jsonl")
    assert [f.id for f in (a, b, c)] == ["s0", "s1", "s2"]
    assert a.unit is b.unit is c.unit and a.date is b.date and a.type is c.type
    assert a.data["attendance"] == {"dang_vien": 20} and a.data["attendance"] is c.data["attendance"]
    assert a.data["content"] == ["core_content"] and a.data["content"] is b.data["content"]
    assert a.data is not b.data  # each fact its own mapping of fields


def test_a_registry_read_from_rows_shares_headcounts_and_superiors(tmp_path):
    (tmp_path / "registry.csv").write_text(
        "id,name,kind,parent,audience.dang_vien\nroot,Tỉnh ủy,city_committee,,\n"
        "a,Chi bộ A,subordinate_cell,root,20\nb,Chi bộ B,subordinate_cell,root,20\nc,Chi bộ C,subordinate_cell,root,21\n",
        encoding="utf-8",
    )
    reg = load_registry_bulk(tmp_path / "registry.csv")
    a, b, c = (reg.units[k] for k in "abc")
    assert a.audience is b.audience and dict(a.audience) == {"dang_vien": 20} and dict(c.audience) == {"dang_vien": 21}
    assert a.ancestors == ("root",) and a.ancestors is b.ancestors is c.ancestors
    assert a.parent is reg.units["root"].id and a.kind is b.kind
    assert a.level == b.level == "cell"


def test_a_registry_built_from_units_it_was_given_leaves_them_untouched():
    spec, registry, facts = nqengine.load_folder(ROOT / "specs" / "tam-ky-xxi")
    given = [attrs.evolve(u, ancestors=(), level=None) for u in registry.units.values()]
    before = [attrs.asdict(u, recurse=False) for u in given]
    rebuilt = registry_from_records(given, list(registry.people.values()))
    assert [attrs.asdict(u, recurse=False) for u in given] == before  # not filled in place: they are the caller's
    assert {k: (u.ancestors, u.level) for k, u in rebuilt.units.items()} == {k: (u.ancestors, u.level) for k, u in registry.units.items()}
    assert any(u.ancestors for u in rebuilt.units.values())
    # the loader's own units, filled in place, are the same as copies would be
    fresh = [attrs.evolve(u, ancestors=(), level=None) for u in registry.units.values()]
    placed = registry_from_records(fresh, list(registry.people.values()), fresh=True)
    assert all(placed.units[u.id] is u for u in fresh)
    assert {k: attrs.asdict(u, recurse=False) | {"source": None} for k, u in placed.units.items()} == {
        k: attrs.asdict(u, recurse=False) | {"source": None} for k, u in rebuilt.units.items()}
    assert isinstance(next(iter(placed.units.values())), Unit)
