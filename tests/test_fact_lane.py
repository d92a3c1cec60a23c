"""The CSV lane for fact rows: a row checked straight from its cells gives the fact the schema's way gives.

``nqengine.inputs.bulk._Facts.csv_lane`` takes the usual fact rows of a CSV
file without building a mapping per row; every row it does not take goes the
reader's way (the row as a mapping, ``validate_row``, the schema).  What a
load returns — the facts, field by field, their sources, or the problems —
must not depend on which way a row went: checked here on random rows near the
usual ones (Hypothesis), on the documented example file and on the benchmark's
generated data when present.  Also: a fact's ``until`` before its ``date`` is
refused in every format, at the ``until`` cell.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nqengine
from nqengine.errors import FactsError
from nqengine.inputs import bulk
from nqengine.inputs.bulk import load_facts_bulk

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "bulk" / "facts.csv"


@contextlib.contextmanager
def _no_lane():
    """Loads with every fact row going the reader's way (the attendance lane kept, as before the fact lane)."""
    with mock.patch.object(bulk._Facts, "csv_lane", lambda self, file, attendance: attendance):
        yield


def _load(paths, pm):
    try:
        return load_facts_bulk(paths, pm), None
    except FactsError as exc:
        return None, [(p.file, p.line, p.column, p.path, p.code, p.params) for p in exc.problems]


def _same_both_ways(paths, pm):
    """The load with the lane and without it: equal facts (every field, data and source) or equal problems."""
    fast = _load(paths, pm)
    with _no_lane():
        slow = _load(paths, pm)
    assert fast[1] == slow[1]
    if fast[0] is not None:
        assert [(f, f.source, f.data) for f in fast[0]] == [(f, f.source, f.data) for f in slow[0]]
        assert [type(v) for f in fast[0] for v in f.data.values()] == [type(v) for f in slow[0] for v in f.data.values()]
    return fast


@pytest.fixture(scope="module")
def pm():
    return nqengine.get_plugin_manager(load_entrypoints=False)


# ---------------------------------------------------------------------------
# Random rows near the usual ones
# ---------------------------------------------------------------------------

_NFD = unicodedata.normalize("NFD", "Chi bộ")
_CELLS = {
    "id": ["s1", "s2", "", " s3 ", "s1", _NFD, "s4", "s5"],
    "type": ["session", "session", "report", "dissemination", "event", "attendance", "Session", " session", "", "nope"],
    "unit": ["u1", "u1", "u2", " u1", "", _NFD, "12"],
    "date": ["10/10/2020", "2020-10-10", "31/02/2020", "", "x", "01/01/1899", "10/10/2020 "],
    "until": ["", "", "11/10/2020", "09/10/2020", "09/10/2020", "bad"],
    "presenter": ["p1", "", " p1", "Nguyễn Văn A", "3"],
    "content": ["core_content|action_programme", "core_content", "", '["core_content"]', '["x"', "a||b", "[1, 2]"],
    "sessions": ["", "1", "2", "0", "-1", "1.5", "x", "99999999999999999999999"],
    "mode": ["", "in_person", "online", "nope"],
    "to": ["", "ban-thuong-vu", " x"],
    "attendance.dang_vien": ["", "12", "0", "-3", "x", "1e3", "999999999999"],
    "attendance.cong_chuc": ["", "4", "4.0"],
    "period": ["", "", "quý II/2026", "2026-Q2", "quý V/2026"],
    "name": ["", "Hội nghị", " "],
    "member": ["", "m1"],
    "session": ["", "s1"],
    "category": ["", "dang_vien"],
    "note": ["", "ghi chú", "a,b", 'say "hi"'],
    "extra": ["", "", "", "x"],
}
_HEADERS = [
    ["id", "type", "unit", "date", "presenter", "content", "sessions", "mode", "attendance.dang_vien", "attendance.cong_chuc", "until"],
    ["id", "type", "unit", "date", "to", "period", "note", "name"],
    ["type", "unit", "date", "presenter", "member", "session", "category", "content"],
    ["id", "type", "unit", "presenter", "content"],  # no date column: no row can pass
    ["id", "type", "unit", "date", "presenter", "extra", "attendance.dang_vien"],  # a column no type has
]


#: A row of each header that every check accepts; the rows drawn change a few of its cells.
_USUAL = {
    "id": "s1", "type": "session", "unit": "u1", "date": "10/10/2020", "until": "", "presenter": "p1", "content": "core_content",
    "sessions": "1", "mode": "in_person", "to": "ban-thuong-vu", "attendance.dang_vien": "12", "attendance.cong_chuc": "4",
    "period": "", "name": "", "member": "", "session": "", "category": "", "note": "", "extra": "",
}


@st.composite
def _files(draw):
    header = draw(st.sampled_from(_HEADERS))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        changed = draw(st.sets(st.sampled_from(header), max_size=3))  # near the usual row: one to three cells changed
        rows.append([draw(st.sampled_from(_CELLS[h])) if h in changed else _USUAL[h] for h in header])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_files())
def test_a_row_reads_the_same_through_the_lane_or_the_schema(text, pm, tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(text, encoding="utf-8")
    _same_both_ways([path], pm)


# ---------------------------------------------------------------------------
# The usual rows go the lane's way, and come out as before
# ---------------------------------------------------------------------------


def test_the_documented_example_reads_the_same_and_every_fact_row_takes_the_lane(pm):
    facts, problems = _same_both_ways([EXAMPLE], pm)
    assert problems is None and len(facts) > 20
    calls = []
    real = bulk.validate_row
    with mock.patch.object(bulk, "validate_row", lambda row, *a: calls.append(row.line) or real(row, *a)):
        again = load_facts_bulk([EXAMPLE], pm)
    assert calls == [] and again == facts


def test_the_generated_national_data_reads_the_same(pm, tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--scale", "1", "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    facts, problems = _same_both_ways([tmp_path / "facts.csv", tmp_path / "attendance.csv"], pm)
    assert problems is None and len(facts) > 1000


def test_repeated_cells_are_one_object_across_rows(pm, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "id,type,unit,date,content,attendance.dang_vien\n"
        "s0,session,u1,10/10/2020,core_content|action_programme,20\n"
        "s1,session,u1,10/10/2020,core_content|action_programme,20\n"
        "s2,session,u2,11/10/2020,core_content|action_programme,21\n",
        encoding="utf-8",
    )
    a, b, c = load_facts_bulk(path, pm)
    assert a.unit is b.unit and a.date is b.date and a.type is b.type is c.type
    assert a.data["content"] == ["core_content", "action_programme"] and a.data["content"] is b.data["content"] is c.data["content"]
    assert a.data["attendance"] == {"dang_vien": 20} and a.data["attendance"] is b.data["attendance"]
    assert c.data["attendance"] == {"dang_vien": 21} and c.unit == "u2" and c.date.day == 11
    assert a.data is not b.data and a.data["sessions"] == 1 and a.data["mode"] == "in_person"


def test_a_fact_id_left_empty_defaults_to_file_and_line_in_the_lane(pm, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("id,type,unit,date\n,event,u1,10/10/2020\n", encoding="utf-8")
    with pytest.raises(FactsError):  # an event needs a name: the schema's way says so
        load_facts_bulk(path, pm)
    path.write_text("id,type,unit,date,name\n,event,u1,10/10/2020,Hội nghị\ne2,event,u1,2020-10-11,Hội nghị\n", encoding="utf-8")
    a, b = load_facts_bulk(path, pm)
    assert (a.id, a.source.line, b.id, b.source.line) == ("f.csv:2", 2, "e2", 3)
    assert a.data == {"name": "Hội nghị"} and str(b.date) == "2020-10-11"


# ---------------------------------------------------------------------------
# until before date: refused in every format
# ---------------------------------------------------------------------------

_BACKWARDS = {
    "f.csv": ("id,type,unit,date,until,name\ne1,event,u1,10/05/2026,01/05/2026,Hội nghị\n", (2, 5, "until")),
    "f.jsonl": (json.dumps({"id": "e1", "type": "event", "unit": "u1", "name": "Hội nghị", "date": "10/05/2026", "until": "01/05/2026"},
                           ensure_ascii=False) + "\n", (1, 87, "until")),  # the column of the key "until"
    "f.yaml": ("facts:\n  - id: e1\n    type: event\n    unit: u1\n    name: Hội nghị\n    date: 10/05/2026\n    until: 01/05/2026\n",
               (7, 12, "facts[0].until")),
}


@pytest.mark.parametrize("name", sorted(_BACKWARDS))
def test_an_event_that_ends_before_it_starts_is_a_located_error_in_every_format(name, pm, tmp_path):
    text, (line, column, path) = _BACKWARDS[name]
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(FactsError) as info:
        nqengine.load_facts(tmp_path / name, pm=pm)
    [p] = info.value.problems
    assert (p.line, p.column, p.path, p.code) == (line, column, path, "until_before_date")
    assert p.to_json("vi")["message"] == "'until' (01/05/2026) trước 'date' (10/05/2026): ngày cuối của sự kiện không thể trước ngày đầu"
    assert p.to_json("en")["message"] == "'until' (01/05/2026) is before 'date' (10/05/2026): an event cannot end before it starts"


def test_an_event_of_one_day_may_give_until_as_its_date(pm, tmp_path):
    (tmp_path / "f.csv").write_text("id,type,unit,date,until,name\ne1,event,u1,10/05/2026,10/05/2026,Hội nghị\n", encoding="utf-8")
    [f] = load_facts_bulk(tmp_path / "f.csv", pm)
    assert str(f.date) == "2026-05-10" and "starts_on" not in f.data
