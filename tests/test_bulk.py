"""Bulk inputs: JSON Lines and CSV read as the YAML files are, bad rows located, attendance folded.

- The Tam Kỳ registry and facts written as JSON Lines and as CSV load back
  equal to the YAML (every field, every fact's data) and evaluate the same.
- A bad row is a problem at its file and line (and column), with the same
  code and parameters as the same mistake in YAML; nothing is dropped: a load
  with a bad row fails, listing every bad row.
- Per-member attendance rows become their session's counts, wherever the rows
  are (same file, another file, YAML), and every misfiled row is located.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nqengine
from nqengine.errors import FactsError, RegistryError
from nqengine.gcpause import gc_paused
from nqengine.model import Source, Unit
from nqengine.inputs import bulk, load_facts_text
from nqengine.inputs.bulk import load_facts_bulk, load_registry_bulk
from nqengine.inputs.bulk.write import (
    fact_rows,
    registry_rows,
    write_facts,
    write_registry,
    write_rows,
)
from nqengine.inputs.registry import load_registry_text
from nqengine.render.formats import render_json, write_evaluation_json

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"


@pytest.fixture(scope="module")
def pm():
    return nqengine.get_plugin_manager(load_entrypoints=False)


@pytest.fixture(scope="module")
def tam_ky(pm):
    return nqengine.load_folder(FOLDER, pm=pm)


def _problems(exc: pytest.ExceptionInfo) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.code, p.path) for p in exc.value.problems]


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# ---------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_tam_ky_round_trip_equals_yaml(ext, tam_ky, pm, tmp_path):
    spec, registry, facts = tam_ky
    write_registry(registry, tmp_path / f"registry.{ext}")
    write_facts(facts, tmp_path / f"facts.{ext}")
    registry2 = nqengine.load_registry(tmp_path / f"registry.{ext}")
    facts2 = nqengine.load_facts(tmp_path / f"facts.{ext}", pm=pm)
    assert list(registry2.units.values()) == list(registry.units.values())
    assert [dict(u.audience) for u in registry2.units.values()] == [dict(u.audience) for u in registry.units.values()]
    assert list(registry2.people.values()) == list(registry.people.values())
    assert facts2 == facts
    assert [(f.id, f.data) for f in facts2] == [(f.id, f.data) for f in facts]  # Fact equality ignores data
    assert registry2.person("Nguyễn Đức Phương") == registry.person("Nguyễn Đức Phương")  # names still found
    for as_of in ("15/10/2020", "20/11/2020"):
        a = nqengine.evaluate(spec, registry, facts, as_of, pm=pm)
        b = nqengine.evaluate(spec, registry2, facts2, as_of, pm=pm)
        assert b.verdicts == a.verdicts
        assert [(u.fact, u.code, u.params) for u in b.unmatched_facts] == [(u.fact, u.code, u.params) for u in a.unmatched_facts]


def test_sources_point_at_the_row(tam_ky, tmp_path):
    _, registry, facts = tam_ky
    write_facts(facts, tmp_path / "facts.csv")
    loaded = nqengine.load_facts(tmp_path / "facts.csv")
    assert [f.source.line for f in loaded] == list(range(2, len(facts) + 2))  # line 1 is the header
    assert all(f.source.file == str(tmp_path / "facts.csv") for f in loaded)


def test_fact_id_defaults_to_file_and_line(tmp_path):
    path = _write(tmp_path, "f.jsonl", '{"type": "event", "unit": "u", "date": "2020-10-01", "name": "x"}\n\n'
                                      '{"type": "event", "unit": "u", "date": "01/10/2020", "name": "x"}\n')
    assert [f.id for f in load_facts_bulk(path)] == ["f.jsonl:1", "f.jsonl:3"]


def test_csv_cells_take_their_field_types(tmp_path, pm):
    path = _write(
        tmp_path, "f.csv",
        "id,type,unit,date,presenter,sessions,attendance.dang_vien,attendance.cong_chuc,content,materials\n"
        "s1,session,u1,31/10/2020,Lê Văn Cường,2,12,3,core_content|action_programme,vk\n"
        "s2,session,u1,2020-10-30,,,,,\"[\"\"a|b\"\", \"\"c\"\"]\",\n",
    )
    s1, s2 = load_facts_bulk(path, pm)
    assert s1.data["sessions"] == 2 and s1.data["attendance"] == {"dang_vien": 12, "cong_chuc": 3}
    assert s1.data["content"] == ["core_content", "action_programme"] and s1.data["materials"] == ["vk"]
    assert s2.data["sessions"] == 1 and s2.data["attendance"] is None and s2.data["presenter"] is None  # empty cell = absent
    assert s2.data["content"] == ["a|b", "c"]  # a cell starting with [ is JSON


def test_same_rows_from_jsonl_and_csv(tam_ky, tmp_path):
    _, registry, facts = tam_ky
    write_rows(registry_rows(registry), tmp_path / "r.jsonl")
    write_rows(registry_rows(registry), tmp_path / "r.csv")
    write_rows(fact_rows(facts), tmp_path / "f.jsonl")
    write_rows(fact_rows(facts), tmp_path / "f.csv")
    assert list(load_registry_bulk(tmp_path / "r.jsonl").units.values()) == list(load_registry_bulk(tmp_path / "r.csv").units.values())
    assert [(f.id, f.data) for f in load_facts_bulk(tmp_path / "f.jsonl")] == [(f.id, f.data) for f in load_facts_bulk(tmp_path / "f.csv")]


def test_person_rows_may_carry_roles_or_be_joined_by_role_rows(tmp_path):
    nested = _write(tmp_path, "a.jsonl", "\n".join(json.dumps(r) for r in [
        {"id": "u", "name": "Đơn vị", "kind": "party_committee"},
        {"record": "person", "id": "p", "name": "Người", "roles": [{"unit": "u", "role": "secretary"}],
         "qualifications": [{"kind": "reporter", "term": "XXI"}]},
    ]))
    flat = _write(tmp_path, "b.csv", "record,id,name,kind,person,unit,role,term\n"
                                     "role,,,,p,u,secretary,\nunit,u,Đơn vị,party_committee,,,,\nperson,p,Người,,,,,\nqualification,,,reporter,p,,,XXI\n")
    assert load_registry_bulk(nested).people == load_registry_bulk(flat).people


# ---------------------------------------------------------------------------
# Bad rows: located, with the YAML's codes
# ---------------------------------------------------------------------------

FACTS_HEAD = "id,type,unit,date,sessions,presenter\n"


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("f.csv", FACTS_HEAD + "s,session,u,31/02/2020,,\n", [(2, 4, "invalid_date", "date")]),
        ("f.csv", FACTS_HEAD + "s,session,u,2020-10-01,abc,\n", [(2, 5, "wrong_type_value", "sessions")]),
        ("f.csv", FACTS_HEAD + "s,session,u,2020-10-01,0,\n", [(2, 5, "out_of_range", "sessions")]),
        ("f.csv", FACTS_HEAD + "s,sesion,u,2020-10-01,,\n", [(2, 2, "unknown_fact_type", "type")]),
        ("f.csv", FACTS_HEAD + "s,session,,2020-10-01,,\n", [(2, 1, "missing_key", "")]),
        ("f.csv", "id,type,unit,date,presentor\ns,session,u,2020-10-01,x\n", [(2, 5, "unknown_key", "presentor")]),
        ("f.csv", FACTS_HEAD + "s,session,u\n", [(2, 4, "csv_row", "")]),
        ("f.csv", "id,type,id\n", [(1, 3, "bulk_duplicate_column", "")]),
        ("f.jsonl", '{"type": "session", "unit": "u", "date": "2020-10-01", "sessions": "2"}\n', [(1, 56, "wrong_type_quoted", "sessions")]),
        ("f.jsonl", '{"type": "session", "unit": "u", "date": "2020-10-01", "sessions": true}\n', [(1, 56, "wrong_type_value", "sessions")]),
        ("f.jsonl", '{"type": "report", "unit": "u", "date": "2020-10-01", "to": "a", "to": "b"}\n', [(1, 66, "bulk_duplicate_key", "")]),
        ("f.jsonl", '{"type": "report",\n', [(1, 19, "json_line", "")]),
        ("f.jsonl", "[1, 2]\n", [(1, 1, "json_line", "")]),
    ],
)
def test_bad_fact_rows_are_located(name, text, expected, tmp_path, pm):
    path = _write(tmp_path, name, text)
    with pytest.raises(FactsError) as exc:
        load_facts_bulk(path, pm)
    assert _problems(exc) == expected
    assert all(p.file == str(path) for p in exc.value.problems)
    assert f"{path}:{expected[0][0]}:{expected[0][1]}:" in str(exc.value)


@pytest.mark.parametrize(
    "yaml_row, csv_row",
    [
        ("{id: s, type: session, unit: u, date: 31/02/2020}", "s,session,u,31/02/2020,,"),
        ("{id: s, type: session, unit: u, date: 01/10/2020, sessions: 0}", "s,session,u,01/10/2020,0,"),
        ("{id: s, type: sesion, unit: u, date: 01/10/2020}", "s,sesion,u,01/10/2020,,"),
        ("{id: s, type: session, date: 01/10/2020}", "s,session,,01/10/2020,,"),
    ],
)
def test_a_bad_row_reads_as_the_same_mistake_in_yaml(yaml_row, csv_row, tmp_path, pm):
    with pytest.raises(FactsError) as from_yaml:
        load_facts_text(f"facts:\n  - {yaml_row}\n", "f.yaml", pm=pm)
    with pytest.raises(FactsError) as from_csv:
        load_facts_bulk(_write(tmp_path, "f.csv", FACTS_HEAD + csv_row + "\n"), pm)
    strip = lambda p: (p.code, p.path.split(".")[-1].split("]")[-1], {k: str(v) for k, v in p.params.items()})  # noqa: E731
    assert [strip(p) for p in from_csv.value.problems] == [strip(p) for p in from_yaml.value.problems]


def test_every_bad_row_is_listed_not_just_the_first(tmp_path, pm):
    rows = [f"s{i},session,u,2020-10-{i:02d},,\n" if i % 2 else f"s{i},session,u,2020-10-99,,\n" for i in range(1, 9)]
    with pytest.raises(FactsError) as exc:
        load_facts_bulk(_write(tmp_path, "f.csv", FACTS_HEAD + "".join(rows)), pm)
    assert [p.line for p in exc.value.problems] == [3, 5, 7, 9]


def test_after_many_problems_the_rest_are_counted(tmp_path, pm, monkeypatch):
    monkeypatch.setattr(bulk.rows, "MAX_PROBLEMS", 5)
    rows = "".join(f"s{i},session,u,2020-13-01,,\n" for i in range(12))
    with pytest.raises(FactsError) as exc:
        load_facts_bulk(_write(tmp_path, "f.csv", FACTS_HEAD + rows), pm)
    problems = exc.value.problems
    assert [p.code for p in problems] == ["invalid_date"] * 5 + ["too_many_problems"]
    assert problems[-1].params == {"more": 7, "shown": 5} and problems[-1].line == 13
    assert "7 more problems" in exc.value.render("en")


def test_a_line_that_is_not_utf8_is_located(tmp_path, pm):
    good = "".join(f"s{i},session,u,2020-10-01,,\n" for i in range(3000))  # more than one decoding block
    path = _write(tmp_path, "f.csv", (FACTS_HEAD + good).encode() + b"s,session,u\xe9,2020-10-01,,\n")
    with pytest.raises(FactsError) as exc:
        load_facts_bulk(path, pm)
    assert _problems(exc) == [(3002, 12, "bulk_not_utf8", "")]


def test_missing_file_and_empty_file(tmp_path, pm):
    with pytest.raises(FactsError) as exc:
        load_facts_bulk(tmp_path / "nope.csv", pm)
    assert [p.code for p in exc.value.problems] == ["file_missing"]
    with pytest.raises(RegistryError) as exc:
        load_registry_bulk(_write(tmp_path, "r.jsonl", "\n"))
    assert [p.code for p in exc.value.problems] == ["empty_document"]


REG_HEAD = "record,id,name,kind,parent,person,unit,role\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (REG_HEAD + "unit,u,Đơn vị,party_comittee,,,,\n", [(2, 4, "not_in_choices", "kind")]),
        (REG_HEAD + "unt,u,Đơn vị,party_committee,,,,\n", [(2, 1, "not_in_choices", "record")]),
        (REG_HEAD + "unit,u,Đơn vị,party_committee,,p,,\n", [(2, 6, "unknown_key", "person")]),
        (REG_HEAD + "unit,u,Đơn vị,party_committee,,,,\nrole,,,,,p,u,secretary\n", [(3, 6, "unknown_reference", "person")]),
        # the cross-checks made once every row is read: at the row's own column, the field named as in the row
        (REG_HEAD + "unit,u,Đơn vị,party_committee,x,,,\n", [(2, 5, "unknown_reference", "parent")]),
        (REG_HEAD + "unit,u,Đơn vị,party_committee,,,,\nunit,u,Khác,party_committee,,,,\n", [(3, 2, "duplicate_id", "id")]),
        ("id,name,kind,valid_from,valid_to\nu,Đơn vị,party_committee,10/05/2026,01/05/2026\n", [(2, 5, "bad_period", "valid_to")]),
        ("id,name,kind,parent\n\nu,Đơn vị,party_committee,\nv,Chi bộ,grassroots_cell,v\n", [(4, 4, "self_parent", "parent"),
                                                                                            (4, 4, "parent_cycle", "parent")]),
    ],
)
def test_bad_registry_rows_are_located(text, expected, tmp_path):
    path = _write(tmp_path, "r.csv", text)
    with pytest.raises(RegistryError) as exc:
        load_registry_bulk(path)
    assert sorted(_problems(exc)) == sorted(expected)


def test_cross_checks_of_json_lines_rows_are_located_at_their_key(tmp_path):
    lines = ['{"id": "u", "name": "Đơn vị", "kind": "party_committee", "valid_from": "10/05/2026", "valid_to": "01/05/2026"}',
             '{"id": "c", "name": "Chi bộ", "kind": "grassroots_cell", "parent": "x"}',
             '{"record": "person", "id": "p", "name": "A"}',
             '{"record": "person", "id": "p", "name": "B"}']
    path = _write(tmp_path, "r.jsonl", "\n".join(lines) + "\n")
    with pytest.raises(RegistryError) as exc:
        load_registry_bulk(path)
    assert sorted(_problems(exc)) == [
        (1, lines[0].index('"valid_to"') + 1, "bad_period", "valid_to"),
        (2, lines[1].index('"parent"') + 1, "unknown_reference", "parent"),
        (4, lines[3].index('"id"') + 1, "duplicate_id", "id"),
    ]
    assert str(exc.value).splitlines()[0].startswith(f"{path}:1:{lines[0].index('valid_to')}: 'valid_to' (01/05/2026)")


# ---------------------------------------------------------------------------
# Per-member attendance
# ---------------------------------------------------------------------------

SESSIONS = (
    "id,type,unit,date,presenter,attendance.dang_vien\n"
    "s1,session,p-an-my,2020-10-05,nv-an,\n"
    "s2,session,p-an-my,2020-10-20,nv-an,\n"
    "s3,session,x-tam-phu,2020-10-27,dt-nga,230\n"
    "r1,report,p-an-my,2020-10-21,,\n"
)
ROWS_HEAD = "type,unit,date,session,member,category\n"


def _rows(*rows: tuple[str, str, str, str, str]) -> str:
    return ROWS_HEAD + "".join(f"attendance,{u},{d},{s},{m},{c}\n" for u, d, s, m, c in rows)


def test_attendance_rows_become_session_counts(tmp_path, pm):
    sessions = _write(tmp_path, "sessions.csv", SESSIONS)
    rows = [("p-an-my", "2020-10-05", "s1", f"dv{i}", "dang_vien") for i in range(400)]
    rows += [("p-an-my", "05/10/2020", "s1", f"nn{i}", "cong_chuc") for i in range(9)]
    rows += [("p-an-my", "2020-10-20", "s2", "dv7", "dang_vien")]  # the same person at another session counts there
    attendance = _write(tmp_path, "attendance.csv", _rows(*rows))
    facts = load_facts_bulk([sessions, attendance], pm)
    by_id = {f.id: f for f in facts}
    assert [f.id for f in facts] == ["s1", "s2", "s3", "r1"]  # rows are folded, not facts
    assert by_id["s1"].data["attendance"] == {"cong_chuc": 9, "dang_vien": 400}
    assert by_id["s2"].data["attendance"] == {"dang_vien": 1}
    assert by_id["s3"].data["attendance"] == {"dang_vien": 230}  # counts given are kept


def test_rows_evaluate_like_the_counts_they_add_up_to(tam_ky, pm, tmp_path):
    spec, registry, facts = tam_ky
    am = next(f for f in facts if f.id == "am-session")
    rows, n = [], 0
    for category, count in am.data["attendance"].items():
        for _ in range(count):
            rows.append({"type": "attendance", "unit": am.unit, "date": am.date.isoformat(), "session": am.id, "member": f"m{n}", "category": category})
            n += 1
    without = [f if f.id != am.id else type(f)(f.id, f.type, f.unit, f.date, {**f.data, "attendance": None}, f.source) for f in facts]
    write_facts(without, tmp_path / "facts.jsonl")
    write_rows(rows, tmp_path / "attendance.jsonl")
    loaded = load_facts_bulk([tmp_path / "facts.jsonl", tmp_path / "attendance.jsonl"], pm)
    assert next(f for f in loaded if f.id == am.id).data["attendance"] == am.data["attendance"]
    a = nqengine.evaluate(spec, registry, facts, "20/11/2020", pm=pm)
    b = nqengine.evaluate(spec, registry, loaded, "20/11/2020", pm=pm)
    assert b.verdicts == a.verdicts


def test_yaml_attendance_rows_are_folded_too(pm):
    facts = load_facts_text(
        "facts:\n"
        "  - {id: s, type: session, unit: u, date: 01/10/2020}\n"
        "  - {type: attendance, unit: u, date: 01/10/2020, session: s, member: a, category: dang_vien}\n"
        "  - {type: attendance, unit: u, date: 01/10/2020, session: s, member: b, category: dang_vien}\n",
        "f.yaml", pm=pm,
    )
    assert [(f.id, f.data["attendance"]) for f in facts] == [("s", {"dang_vien": 2})]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([("p-an-my", "2020-10-05", "s9", "a", "dang_vien")], [(2, "session", "attendance_unknown_session")]),
        ([("p-an-my", "2020-10-05", "r1", "a", "dang_vien")], [(2, "session", "attendance_not_session")]),
        ([("p-an-son", "2020-10-05", "s1", "a", "dang_vien")], [(2, "unit", "attendance_unit_mismatch")]),
        ([("p-an-my", "2020-10-06", "s1", "a", "dang_vien")], [(2, "date", "attendance_date_mismatch")]),
        ([("x-tam-phu", "2020-10-27", "s3", "a", "dang_vien")], [(2, "session", "attendance_counts_and_rows")]),
        ([("p-an-my", "2020-10-05", "s1", "a", "dang_vien"), ("p-an-my", "2020-10-05", "s1", "b", "dang_vien"),
          ("p-an-my", "2020-10-05", "s1", "a", "cong_chuc")], [(4, "member", "attendance_duplicate")]),
        ([("p-an-my", "2020-10-05", "s1", "", "dang_vien")], [(2, "", "missing_key")]),
        ([("p-an-my", "2020-10-32", "s1", "a", "dang_vien")], [(2, "date", "invalid_date")]),
    ],
)
def test_misfiled_attendance_rows_are_located(rows, expected, tmp_path, pm):
    sessions = _write(tmp_path, "sessions.csv", SESSIONS)
    attendance = _write(tmp_path, "attendance.csv", _rows(*rows))
    with pytest.raises(FactsError) as exc:
        load_facts_bulk([sessions, attendance], pm)
    assert [(p.line, p.path, p.code) for p in exc.value.problems] == expected
    assert all(p.file == str(attendance) for p in exc.value.problems)


def test_a_member_counted_twice_does_not_hide_the_rows_filed_under_another_date(tmp_path, pm):
    # as in a YAML file: the duplicate and what folding the rows finds are reported together
    sessions = _write(tmp_path, "s.csv", "id,type,unit,date\ns0,session,u1,10/10/2020\n")
    rows = _write(tmp_path, "a.csv", "type,unit,date,session,member,category\n"
                  "attendance,u1,12/10/2020,s0,m1,dang_vien\nattendance,u1,12/10/2020,s0,m1,dang_vien\n")
    with pytest.raises(FactsError) as exc:
        load_facts_bulk([sessions, rows], pm)
    assert sorted((p.code, p.line) for p in exc.value.problems) == [("attendance_date_mismatch", 2), ("attendance_duplicate", 3)]


@pytest.mark.parametrize("spaced", [False, True])
def test_a_member_counted_again_in_a_later_run_of_the_session_is_located(spaced, tmp_path, pm):
    # a session's first run keeps its ids as one joined string (when no id holds a space), a later run checks against them
    sessions = _write(tmp_path, "sessions.csv", SESSIONS)
    first = "x y" if spaced else "x"
    rows = [("p-an-my", "2020-10-05", "s1", m, "dang_vien") for m in ("a", first, "b")]
    rows += [("p-an-my", "2020-10-20", "s2", m, "dang_vien") for m in ("a", "x")]
    rows += [("p-an-my", "2020-10-05", "s1", m, "dang_vien") for m in ("c", "d")]
    ok = _write(tmp_path, "ok.csv", _rows(*rows))
    by_id = {f.id: f for f in load_facts_bulk([sessions, ok], pm)}
    assert by_id["s1"].data["attendance"] == {"dang_vien": 5}
    bad = _write(tmp_path, "bad.csv", _rows(*rows, ("p-an-my", "2020-10-05", "s1", "e", "dang_vien"), ("p-an-my", "2020-10-05", "s1", first, "dang_vien")))
    with pytest.raises(FactsError) as exc:
        load_facts_bulk([sessions, bad], pm)
    assert [(p.line, p.code, p.params.get("member")) for p in exc.value.problems] == [(10, "attendance_duplicate", first)]


def test_the_tally_keeps_a_first_run_as_one_string_and_checks_later_rows_against_it():
    from nqengine.inputs.attendance import AttendanceTally  # this test alone looks inside the tally

    tally = AttendanceTally()
    assert tally.add_many(["a", "b"], "u", "s", {"dv": 2}, 1, "f", 2, "a b")
    assert tally.members["s"] == "a b"
    assert not tally.add_many(["c", "b"], "u", "s", {"dv": 2}, 1, "f", 4, "c b")  # b again: nothing counted
    assert tally.add("c", "u", "s", "dv", 1, "f", 4) is None
    assert tally.add("b", "u", "s", "dv", 1, "f", 5).code == "attendance_duplicate"
    assert tally.members["s"] == {"a", "b", "c"}
    assert tally.add_many(["a b", "c"], "u", "t", {"dv": 2}, 1, "f", 6, "a b c")  # an id with a space: kept as a set
    assert tally.members["t"] == {"a b", "c"}
    assert tally.rows == 5


def test_misfiled_rows_of_one_session_are_one_problem_with_their_count(tmp_path, pm):
    sessions = _write(tmp_path, "sessions.csv", SESSIONS)
    attendance = _write(tmp_path, "attendance.csv", _rows(*[("p-an-my", "2020-10-05", "s9", f"m{i}", "dang_vien") for i in range(1000)]))
    with pytest.raises(FactsError) as exc:
        load_facts_bulk([sessions, attendance], pm)
    (p,) = exc.value.problems
    assert (p.line, p.code, p.params["rows"]) == (2, "attendance_unknown_session", 1000)
    assert "1000 attendance rows" in p.render("en")


def test_attendance_row_with_an_unknown_column_goes_through_the_schema(tmp_path, pm):
    path = _write(tmp_path, "f.jsonl", "\n".join([
        '{"id": "s", "type": "session", "unit": "u", "date": "2020-10-01"}',
        '{"type": "attendance", "unit": "u", "date": "2020-10-01", "session": "s", "member": 12, "category": "dang_vien"}',
        '{"type": "attendance", "unit": "u", "date": "2020-10-01", "session": "s", "member": "a", "category": "dang_vien", "age": 3}',
    ]))
    with pytest.raises(FactsError) as exc:
        load_facts_bulk(path, pm)
    assert _problems(exc) == [(3, 115, "unknown_key", "age")]  # a number as member id is text, as in YAML


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def test_streamed_json_is_the_documented_json_byte_for_byte(tam_ky, pm):
    spec, registry, facts = tam_ky
    for as_of in ("15/10/2020", "20/11/2020"):
        ev = nqengine.evaluate(spec, registry, facts, as_of, pm=pm)
        for lang in ("vi", "en"):
            out = io.StringIO()
            assert write_evaluation_json(ev, out, lang) == len(ev.verdicts)
            assert out.getvalue() == render_json(ev, lang)
            compact = io.StringIO()
            write_evaluation_json(ev, compact, lang, indent=None)
            assert json.loads(compact.getvalue()) == json.loads(render_json(ev, lang))
            assert len(compact.getvalue().splitlines()) == len(ev.verdicts) + 2  # one verdict per line


def test_json_written_as_bytes_to_a_file_is_the_documented_json(tam_ky, pm, tmp_path):
    # with orjson, a UTF-8 file gets orjson's bytes directly (no text layer): the same bytes as render_json
    pytest.importorskip("orjson")
    spec, registry, facts = tam_ky
    ev = nqengine.evaluate(spec, registry, facts, "20/11/2020", pm=pm)
    for lang in ("vi", "en"):
        path = tmp_path / f"out-{lang}.json"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("before\n")  # text written first keeps its place
            assert write_evaluation_json(ev, fh, lang) == len(ev.verdicts)
            fh.write("after\n")
        assert path.read_bytes() == ("before\n" + render_json(ev, lang) + "after\n").encode("utf-8")
        empty = attrs.evolve(ev, verdicts=[])  # no verdict: an empty roll-up, written whole
        with open(path, "w", encoding="utf-8", newline="") as fh:
            assert write_evaluation_json(empty, fh, lang) == 0
        assert path.read_bytes() == render_json(empty, lang).encode("utf-8")
        wrapped = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")  # not UTF-8: the text path, which says so if it cannot
        with pytest.raises(UnicodeEncodeError):
            write_evaluation_json(ev, wrapped, lang)


def test_gc_paused_restores_the_collector():
    import gc

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_gc_paused_ages_what_it_created_without_a_collection():
    import gc

    gc.collect()
    before = gc.get_stats()[0]["collections"]
    with gc_paused():
        made = [[i] for i in range(5000)]  # far past the young generation's threshold (700)
    assert gc.get_count()[0] < 700 and gc.get_freeze_count() == 0
    [[i] for i in range(100)]  # the next allocations start no collection over the 5,000
    assert gc.get_stats()[0]["collections"] == before
    cycle: list = []
    cycle.append(cycle)
    del cycle, made
    assert gc.collect() >= 1  # cycles are still found


def test_gc_paused_leaves_a_program_that_freezes_alone():
    import gc

    kept = [[i] for i in range(10)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            [[i] for i in range(1000)]
        assert gc.get_freeze_count() == frozen  # not unfrozen behind the program's back
    finally:
        gc.unfreeze()
    del kept


def test_registry_from_yaml_text_and_bulk_agree_on_names(tmp_path):
    text = "units:\n  - {id: u, name: Đảng bộ phường An Mỹ, kind: party_committee, sector: ward}\n"
    yaml_reg = load_registry_text(text, "r.yaml")
    write_registry(yaml_reg, tmp_path / "r.csv")
    assert load_registry_bulk(tmp_path / "r.csv").unit("đảng bộ phường an mỹ").id == "u"


def test_attendance_text_is_normalised_like_yaml_text(tmp_path, pm):
    """NFD and NFC spellings are one member; surrounding spaces (even non-breaking) are not part of an id."""
    sessions = _write(tmp_path, "sessions.csv", SESSIONS)
    rows = [("p-an-my", "2020-10-05", "s1", "Lê Thị Á", "dang_vien"), ("p-an-my", "2020-10-05", "s1", "Le\u0302 Thi\u0323 A\u0301", "dang_vien"),
            ("p-an-my", "2020-10-05", "s1", "b\u00a0", "dang_vien"), ("p-an-my", "2020-10-05", "s1", " c", "dang_vien")]
    attendance = _write(tmp_path, "attendance.csv", _rows(*rows))
    with pytest.raises(FactsError) as exc:
        load_facts_bulk([sessions, attendance], pm)
    assert [(p.line, p.code, p.params.get("member")) for p in exc.value.problems] == [(3, "attendance_duplicate", "Lê Thị Á")]
    ok = _write(tmp_path, "ok.csv", _rows(*(rows[i] for i in (0, 2, 3))))
    by_id = {f.id: f for f in load_facts_bulk([sessions, ok], pm)}
    assert by_id["s1"].data["attendance"] == {"dang_vien": 3}


def test_load_facts_reads_several_files_as_one(tmp_path, pm):
    from nqengine.inputs import load_facts

    (tmp_path / "a.yaml").write_text(
        "facts:\n"
        "  - {id: s1, type: session, unit: p-an-my, date: 05/10/2020, presenter: nv-an}\n"
        "  - {type: attendance, unit: p-an-my, date: 06/10/2020, session: s9, member: m0, category: dang_vien}\n",
        encoding="utf-8",
    )
    (tmp_path / "b.csv").write_text(
        "id,type,unit,date,presenter,attendance.dang_vien\ns9,session,p-an-my,2020-10-06,nv-an,\n", encoding="utf-8"
    )
    rows = _write(tmp_path, "rows.csv", _rows(*[("p-an-my", "2020-10-05", "s1", f"dv{i}", "dang_vien") for i in range(3)]))
    # rows in one file, their sessions in others, a YAML attendance row for a CSV session: all folded
    facts = load_facts([tmp_path / "a.yaml", tmp_path / "b.csv", rows], pm)
    by_id = {f.id: f for f in facts}
    assert sorted(by_id) == ["s1", "s9"]
    assert by_id["s1"].data["attendance"] == {"dang_vien": 3} and by_id["s9"].data["attendance"] == {"dang_vien": 1}
    # every problem of every file at once
    (tmp_path / "c.yaml").write_text("facts:\n  - {id: x, type: sesion, unit: p-an-my, date: 05/10/2020}\n", encoding="utf-8")
    (tmp_path / "d.yaml").write_text("facts:\n  - {id: y, type: report, unit: p-an-my, date: 31/02/2020}\n", encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts([tmp_path / "c.yaml", tmp_path / "d.yaml"], pm)
    assert [(Path(p.file).name, p.line) for p in info.value.problems] == [("c.yaml", 2), ("d.yaml", 2)]


def test_placing_a_unit_copies_every_field_of_unit():
    import attrs  # this test alone compares with attrs.evolve

    from nqengine.levels import UNIT_FIELDS, _placed

    assert tuple(a.name for a in attrs.fields(Unit)) == UNIT_FIELDS, "a new field of Unit: copy it in nqengine.levels._placed"
    u = Unit("u", "Chi bộ", "grassroots_cell", "ward", "p", None, None, {"dang_vien": 3}, Source("r", 2, 1), succeeded_by="v", level=None)
    placed = _placed(u, ("p", "q"), "grassroots")
    assert placed == attrs.evolve(u, ancestors=("p", "q"), level="grassroots")
    assert (placed.source, placed.ancestors) == (u.source, ("p", "q"))


def test_peek_builds_deferred_findings_without_keeping_them():
    from nqengine.model import Finding, LazyFindings, Verdict, findings_once  # this test alone looks at deferral

    calls = []

    def build(n):
        calls.append(n)
        return [Finding("c", "pass", "code", {"n": n})]

    lazy = LazyFindings(build, 1)
    v = Verdict("o", "u", "met", None, "cl", findings=lazy)
    assert findings_once(v) == findings_once(v) == v.findings  # peeked twice, then resolved (kept)
    assert calls == [1, 1, 1] and lazy.built
    assert findings_once(v) is v.findings and calls == [1, 1, 1]


def test_a_registrys_name_index_is_built_when_first_read_and_pickles_as_a_dict(tmp_path):
    import pickle  # this test alone pickles a registry

    text = "units:\n  - {id: u, name: Đảng bộ phường An Mỹ, kind: party_committee, sector: ward}\n"
    reg = load_registry_text(text, "r.yaml")
    assert reg._units_by_name._value is None  # not built by loading
    assert reg.unit("đảng bộ phường  an mỹ").id == "u"
    assert dict(reg._units_by_name) == {"đảng bộ phường an mỹ": "u"}
    again = pickle.loads(pickle.dumps(reg))
    assert again == reg and again.unit("ĐẢNG BỘ PHƯỜNG AN MỸ").id == "u"
    assert type(again._units_by_name) is dict


_UNIT_VALUES = {
    "id": st.sampled_from(["u1", " u1", "u1 ", "", "đv-1", "u\u00a0", 7, None, "u\t1", ["u"]]),
    "name": st.sampled_from(["Chi bộ 1", " Chi bộ 1 ", "Chi bo", "", "  ", "Chi bo\u0323", 12, 1.5, True, None, {"a": 1}]),
    "kind": st.sampled_from(["grassroots_cell", "party_committee", " grassroots_cell", "cell", "", None, 3, ["x"]]),
    "sector": st.sampled_from(["ward", "agency", "Ward", " ward", "", None, 1]),
    "level": st.sampled_from(["cell", "grassroots", "province", None, ""]),
    "parent": st.sampled_from(["p", "p ", "", None, 5, "đp"]),
    "succeeded_by": st.sampled_from(["s", "", None, " s"]),
    "valid_from": st.sampled_from(["2026-01-01", "01/02/2026", "31/02/2026", "", None, 20260101, "2026-1-1"]),
    "valid_to": st.sampled_from(["2026-12-31", "x", None]),
    "audience": st.sampled_from([{}, {"dang_vien": 3}, {"dang_vien": 0, "cong_chuc": 10**9 - 1}, {"dang_vien": -1}, {"dang_vien": 10**9},
                                 {"dang_vien": True}, {"dang_vien": 1.0}, {" dang_vien": 2}, {"": 1}, {"đảng_viên": 1}, None, [1], "3"]),
    "record": st.sampled_from(["unit", "person", "Unit", None]),
    "extra": st.just("x"),
}


_USUAL = {"id": "u1", "name": "Chi bộ 1", "kind": "grassroots_cell", "sector": "ward", "level": "cell", "parent": "p", "succeeded_by": "s",
          "valid_from": "2026-01-01", "valid_to": "2026-12-31", "audience": {"dang_vien": 3}, "record": "unit"}
_MOSTLY_USUAL = {k: st.one_of(st.just(v), st.just(v), _UNIT_VALUES[k]) for k, v in _USUAL.items()}  # the lane's rows, and near misses
_UNIT_ROWS = st.one_of(
    st.fixed_dictionaries({k: _MOSTLY_USUAL[k] for k in ("id", "name", "kind")},
                          optional={**{k: v for k, v in _MOSTLY_USUAL.items() if k not in ("id", "name", "kind")}, "extra": _UNIT_VALUES["extra"]}),
    st.dictionaries(st.sampled_from(sorted(_UNIT_VALUES)), st.none()).flatmap(lambda keys: st.fixed_dictionaries({k: _UNIT_VALUES[k] for k in keys})),
)


@settings(max_examples=300)
@given(_UNIT_ROWS)
def test_the_unit_lane_accepts_only_what_the_schema_accepts_unchanged(fields):
    # the registry's one-pass lane for JSON Lines units against the schema's own checks (validate_row)
    from nqengine.inputs.bulk.rows import Problems, Row  # this test alone builds rows by hand

    quick = bulk._UNIT_LANE(dict(fields), "r.jsonl", 3)
    if quick is None:
        return
    assert fields.get("record", "unit") == "unit"
    slow_fields = {k: v for k, v in fields.items() if k != "record"}
    problems = Problems(RegistryError)
    rec = bulk.validate_row(Row(slow_fields, "r.jsonl", 3, None, json.dumps(fields)), slow_fields, bulk._ROW_CHECKS["unit"],
                            bulk._ROW_SCHEMAS["unit"], problems)
    assert rec is not None and not problems
    slow = Unit(rec["id"], rec["name"], rec["kind"], rec["sector"], rec["parent"], rec["valid_from"], rec["valid_to"], rec["audience"],
                Source("r.jsonl", 3, 1), succeeded_by=rec.get("succeeded_by"), level=rec.get("level"))
    assert quick == slow and quick.source == slow.source and quick.audience == slow.audience


def test_the_unit_lane_takes_the_usual_lines():
    usual = {"id": "c1", "name": "Chi bộ 1", "kind": "grassroots_cell", "sector": "ward", "parent": "p", "audience": {"dang_vien": 12},
             "valid_from": "2026-01-01"}
    assert bulk._UNIT_LANE(usual, "r.jsonl", 2) is not None
    assert bulk._UNIT_LANE({**usual, "record": "unit"}, "r.jsonl", 2) is not None
    test_the_unit_lane_accepts_only_what_the_schema_accepts_unchanged.hypothesis.inner_test(usual)  # compared with the schema's way


def test_a_registry_of_unusual_unit_lines_loads_as_before(tmp_path):
    # lines the lane leaves to the schema (spaces to strip, a number as name, NFD text) still load, converted as before
    lines = [{"id": "t", "name": "Tỉnh", "kind": "city_committee"},
             {"id": " c1 ", "name": 12, "kind": " grassroots_cell", "parent": "t", "audience": {" dang_vien": 3}},
             {"record": "unit", "id": "c2", "name": "Chi bo\u0323", "kind": "grassroots_cell", "parent": "t ", "valid_from": "01/02/2026"}]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    reg = load_registry_bulk(path)
    assert [(u.id, u.name, u.kind, u.parent, dict(u.audience), u.source.line) for u in reg.units.values()] == [
        ("t", "Tỉnh", "city_committee", None, {}, 1), ("c1", "12", "grassroots_cell", "t", {"dang_vien": 3}, 2),
        ("c2", "Chi bọ", "grassroots_cell", "t", {}, 3)]
