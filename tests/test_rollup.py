"""Roll-ups by level: each unit's subtree summed per obligation, in Python and in the JSON contract."""

from __future__ import annotations

from pathlib import Path

import pytest

import nqengine
from nqengine.errors import UnknownKeyError
from nqengine.model import STATUSES

FOLDER = Path(__file__).resolve().parent.parent / "specs" / "tam-ky-xxi"


@pytest.fixture(scope="module")
def ev():
    spec, registry, facts = nqengine.load_folder(FOLDER)
    return nqengine.evaluate(spec, registry, facts, "20/11/2020")


def test_city_rollup_counts_every_unit_below_it(ev):
    r = ev.rollup("thanh-uy-tam-ky")["study-party-committee"]
    assert r.counts == ev.summary()["study-party-committee"]  # every party committee sits under the city committee
    assert (r.total, r.applicable, r.done, r.share_done) == (17, 17, 11, 0.6471)
    assert r.overdue == ("db-trung-tam-y-te", "p-tan-thanh")  # in unit-id order, as the verdicts are
    assert r.violated == ("db-quan-su", "p-hoa-huong", "x-tam-thang")  # unit-id order, as the verdicts are
    assert r.due_soon == ()


def test_attendance_sums_members_apart_and_counts_units_without_a_session(ev):
    r = ev.rollup("thanh-uy-tam-ky")["study-party-committee"].attendance
    members = sum(u.audience.get("dang_vien", 0) for u in ev.registry.units.values() if u.kind == "party_committee")
    assert r.members == members == 4125
    attended = 0
    for v in ev.verdicts:
        if v.obligation == "study-party-committee":
            for f in v.findings:
                if f.check == "audience":
                    attended += f.details["party_members"]["attended"]
    assert r.members_attended == attended == 2851
    assert r.members_rate == round(2851 / 4125, 4)
    assert (r.non_members_attended, r.non_members) == (628, 1064)


def test_dissolved_cell_counts_as_not_applicable_without_headcount(ev):
    r = ev.rollup("thanh-uy-tam-ky")["study-grassroots-cell"]
    assert r.counts["not_applicable"] == 1 and r.applicable == 4
    assert r.attendance.members == 28 + 31 + 12 + 18  # cb-cty-xay-dung (dissolved 30/09/2020) left out


def test_a_leaf_unit_rolls_up_its_own_verdicts(ev):
    r = ev.rollup("Đảng bộ phường Tân Thạnh")  # by name too
    assert r.unit == "p-tan-thanh" and r.depth == 1 and r.children == () and r.parent == "thanh-uy-tam-ky"
    assert r["study-party-committee"].counts["overdue"] == 1 and r["study-party-committee"].overdue == ("p-tan-thanh",)
    assert r["study-party-committee"].attendance.members == 380 and r["study-party-committee"].attendance.members_attended == 0
    own = {v.obligation for v in ev.verdicts if v.unit == "p-tan-thanh"}
    assert set(r.obligations) == own


def test_tree_and_unknown_units(ev):
    tree = ev.rollup()
    assert tree.roots[0] == "thanh-uy-tam-ky" and "mttq-tam-ky" in tree.roots
    walked = [u.unit for u in tree.walk()]
    assert len(walked) == len(set(walked)) == len(tree.units)
    assert {v.unit for v in ev.verdicts} <= set(walked)
    with pytest.raises(UnknownKeyError):
        ev.rollup("no-such-unit")
    empty = ev.rollup("van-phong-thanh-uy")  # in the registry, no verdict below it
    assert empty.obligations == {}


def test_json_rollup_equals_the_python_api(ev):
    doc = nqengine.to_json(ev)["rollup"]
    assert doc["version"] == 1
    assert [u["unit"] for u in doc["units"]] == [u.unit for u in ev.rollup().walk()]
    for u in doc["units"]:
        r = ev.rollup(u["unit"])
        assert [o["obligation"] for o in u["obligations"]] == list(r.obligations)
        for o in u["obligations"]:
            ro = r[o["obligation"]]
            assert list(o["counts"]) == list(STATUSES)
            assert o["counts"] == ro.counts and o["done"] == ro.done and o["share_done"] == ro.share_done
            assert o["overdue"] == list(ro.overdue) and o["due_soon"] == list(ro.due_soon)
            if ro.attendance is None:
                assert o["attendance"] is None
            else:
                assert o["attendance"]["party_members"] == {
                    "attended": ro.attendance.members_attended, "headcount": ro.attendance.members, "rate": ro.attendance.members_rate}


def test_subtree_counts_add_up(ev):
    """A unit's counts are its own verdicts plus its children's roll-ups."""
    tree = ev.rollup()
    for u in tree.walk():
        for oid, r in u.obligations.items():
            own = sum(1 for v in ev.verdicts if v.unit == u.unit and v.obligation == oid)
            below = sum(tree[c].obligations[oid].total for c in u.children if oid in tree[c].obligations)
            assert r.total == own + below, (u.unit, oid)


SPECS = Path(__file__).resolve().parent.parent / "specs"


@pytest.mark.parametrize("folder, as_of", [
    ("tam-ky-xxi", "20/11/2020"), ("tam-ky-xxi", "30/10/2020"), ("tam-ky-xxi", "31/12/2021"), ("an-my-xxi", "20/11/2020"),
])
def test_the_writers_rollup_from_the_sums_is_the_rollup_of_the_objects(folder, as_of):
    # the JSON writer computes the section straight from the sums (rollup_parts_json); the API builds the Rollup objects
    from nqengine.evaluation import rollup

    spec, registry, facts = nqengine.load_folder(SPECS / folder)
    fresh = nqengine.evaluate(spec, registry, facts, as_of)
    head, units = rollup.rollup_parts_json(fresh)
    direct = {**head, "units": list(units)}
    assert id(fresh) not in rollup._CACHE  # nothing built or kept
    assert direct == rollup.rollup_json(fresh) and len(direct["units"]) > 5
    assert any(o["attendance"] for u in direct["units"] for o in u["obligations"])
    assert any(o["overdue"] or o["due_soon"] or o["violated"] for u in direct["units"] for o in u["obligations"])
    head, units = rollup.rollup_parts_json(fresh)  # once computed, the objects' way
    assert {**head, "units": list(units)} == direct


def test_the_writers_rollup_on_generated_national_data(tmp_path):
    import subprocess
    import sys

    from nqengine.evaluation import rollup

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "benchmarks" / "generate.py"), "--scale", "1", "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    spec = nqengine.load_spec(root / "benchmarks" / "plan.yaml")
    registry = nqengine.load_registry(tmp_path / "registry.jsonl")
    facts = nqengine.load_facts([tmp_path / "facts.csv", tmp_path / "attendance.csv"])
    fresh = nqengine.evaluate(spec, registry, facts, "08/04/2026")
    head, units = rollup.rollup_parts_json(fresh)
    direct = {**head, "units": list(units)}
    assert direct == rollup.rollup_json(fresh) and len(direct["units"]) > 800
