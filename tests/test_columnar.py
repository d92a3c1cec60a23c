"""The attendance file read by pyarrow (``nqengine.inputs.bulk.columnar``) gives what the Python lane gives.

The lane takes a file only when every row would pass the Python lane's quick
checks; otherwise it declines and the Python lane reads the file.  Each test
loads the same files with the lane forced on (``NQENGINE_ARROW=1``, any size) and
off (``0``) and asserts the same facts, or the same problems at the same places;
the named cases also assert whether the lane took the file, so that they test
the lane and not only the fallback.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nqengine
from nqengine.errors import FactsError
from nqengine.inputs.bulk import columnar, load_facts_bulk
from nqengine.names import NameIndex, fold

pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = (
    "id,type,unit,date,attendance.dang_vien\n"
    "s0,session,u1,10/10/2020,\n"
    "s1,session,u2,11/10/2020,\n"
    "s2,report,u1,10/10/2020,\n"
    "s3,session,u3,12/10/2020,4\n"
)
HEADER = "type,unit,date,session,member,category\n"
_REAL_RUNS = columnar.attendance_runs
_BLOCK = columnar._BLOCK


@pytest.fixture(scope="module")
def pm():
    return nqengine.get_plugin_manager(load_entrypoints=False)


def _outcome(paths: list[Path], pm):
    try:
        facts = load_facts_bulk(paths, pm)
    except FactsError as exc:
        return None, [(p.file, p.line, p.column, p.path, p.code, sorted((k, str(v)) for k, v in p.params.items())) for p in exc.problems]
    return [(f.id, f.type, f.unit, f.date, sorted(f.data.items()), f.source) for f in facts], None


def _both(paths: list[Path], pm, monkeypatch) -> tuple[tuple, list]:
    """The outcome with the lane forced on and off (asserted equal), and what the lane returned for each file it was asked about."""
    asked: list = []
    real = _REAL_RUNS  # not columnar.attendance_runs: a Hypothesis example runs with the spy of the one before in place

    def spy(*args):
        got = real(*args)
        asked.append(None if got is None else len(got))
        return got

    monkeypatch.setattr(columnar, "attendance_runs", spy)
    monkeypatch.setenv("NQENGINE_ARROW", "1")
    on = _outcome(paths, pm)
    taken = list(asked)
    # batches of a few rows: runs that go on from one batch to the next
    monkeypatch.setattr(columnar, "_BLOCK", 96)
    small = _outcome(paths, pm)
    monkeypatch.setattr(columnar, "_BLOCK", _BLOCK)
    monkeypatch.setenv("NQENGINE_ARROW", "0")
    asked.clear()
    off = _outcome(paths, pm)
    assert asked == [], "the lane was asked with NQENGINE_ARROW=0"
    assert on == off
    assert small == off
    return on, taken


def _files(tmp_path: Path, *attendance: str | bytes) -> list[Path]:
    paths = [tmp_path / "sessions.csv"]
    paths[0].write_text(SESSIONS, encoding="utf-8")
    for i, text in enumerate(attendance):
        p = tmp_path / f"attendance-{i}.csv"
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8", newline="")
        paths.append(p)
    return paths


def _rows(*rows: str) -> str:
    return HEADER + "".join(r + "\n" for r in rows)


CLEAN = [
    "attendance,u1,10/10/2020,s0,m1,dang_vien",
    "attendance,u1,10/10/2020,s0,m2,dang_vien",
    "attendance,u1,10/10/2020,s0,m3,cong_chuc",
    "attendance,u2,11/10/2020,s1,m1,dang_vien",
    "attendance,u2,2020-10-11,s1,m2,cong_chuc",  # another spelling of the day: another run, the same session count
]


def test_a_clean_file_is_counted_by_the_lane(pm, tmp_path, monkeypatch):
    (facts, problems), taken = _both(_files(tmp_path, _rows(*CLEAN)), pm, monkeypatch)
    assert taken == [3] and problems is None
    by_id = {f[0]: dict(f[4]) for f in facts}
    assert by_id["s0"]["attendance"] == {"cong_chuc": 1, "dang_vien": 2}
    assert by_id["s1"]["attendance"] == {"cong_chuc": 1, "dang_vien": 1}


@pytest.mark.parametrize("case, rows, taken", [
    ("members out of order, none twice", [CLEAN[1], CLEAN[0], CLEAN[2]], [1]),
    ("a session in two runs", [CLEAN[0], CLEAN[3], CLEAN[1]], [3]),
    ("a member twice in a run", [CLEAN[0], CLEAN[1], CLEAN[0]], [None]),
    ("a member twice in a row", [CLEAN[0], CLEAN[0], CLEAN[1]], [None]),
    ("a member twice, in two runs of the session", [CLEAN[0], CLEAN[3], CLEAN[0]], [3]),  # add_runs refuses: rows counted one by one
    ("an unknown session", ["attendance,u1,10/10/2020,s9,m1,dang_vien"], [1]),
    ("not a session", ["attendance,u1,10/10/2020,s2,m1,dang_vien"], [1]),
    ("another unit", ["attendance,u9,10/10/2020,s0,m1,dang_vien"], [1]),
    ("another day", ["attendance,u1,13/10/2020,s0,m1,dang_vien"], [1]),
    ("a session with counts", ["attendance,u3,12/10/2020,s3,m1,dang_vien"], [1]),
    ("not a date", ["attendance,u1,31/02/2020,s0,m1,dang_vien"], [None]),
    ("an empty member", ["attendance,u1,10/10/2020,s0,,dang_vien"], [None]),
    ("a padded member", ["attendance,u1,10/10/2020,s0, m1,dang_vien"], [None]),
    ("a space inside a member", ["attendance,u1,10/10/2020,s0,m 1,dang_vien"], [None]),
    ("a padded unit", ["attendance,u1 ,10/10/2020,s0,m1,dang_vien"], [None]),
    ("a tab", ["attendance,u1,10/10/2020,s0,m\t1,dang_vien"], [None]),
    ("a quoted cell", ['attendance,u1,10/10/2020,s0,"m1",dang_vien'], [None]),
    ("a quoted comma", ['attendance,u1,10/10/2020,s0,"m1,x",dang_vien'], [None]),
    ("a non-ASCII member", ["attendance,u1,10/10/2020,s0,mđ1,dang_vien"], [None]),
    ("a decomposed letter", ["attendance,u1,10/10/2020,s0,me\u0301,dang_vien"], [None]),
    ("another type", ["session,u1,10/10/2020,s0,m1,dang_vien"], [None]),
    ("a short row", ["attendance,u1,10/10/2020,s0,m1"], [None]),
    ("a long row", ["attendance,u1,10/10/2020,s0,m1,dang_vien,x"], [None]),
    ("an unknown category", ["attendance,u1,10/10/2020,s0,m1,khach"], [1]),
])
def test_each_case_reads_as_the_python_lane_reads_it(pm, tmp_path, monkeypatch, case, rows, taken):
    (_, _), got = _both(_files(tmp_path, _rows(*rows)), pm, monkeypatch)
    assert got == taken, case


@pytest.mark.parametrize("case, text, asked", [
    ("a blank line", HEADER + CLEAN[0] + "\n\n" + CLEAN[1] + "\n", [None]),
    ("line ends CR LF", (HEADER + "\n".join(CLEAN[:3]) + "\n").replace("\n", "\r\n"), [None]),
    ("no final line end", HEADER + "\n".join(CLEAN[:3]), [1]),
    ("a byte order mark", "\ufeff" + _rows(*CLEAN[:3]), [None]),
    ("a blank first line", "\n" + _rows(*CLEAN[:3]), [None]),  # the rows do not start on line 2
    ("columns in another order", "member,category,type,unit,date,session\nm1,dang_vien,attendance,u1,10/10/2020,s0\n", [1]),
    ("an id column too", "id,type,unit,date,session,member,category\n,attendance,u1,10/10/2020,s0,m1,dang_vien\n", []),
    ("only the header", HEADER, [None]),
])
def test_the_files_layout(pm, tmp_path, monkeypatch, case, text, asked):
    (_, _), got = _both(_files(tmp_path, text), pm, monkeypatch)
    assert got == asked, case


def test_a_member_counted_in_an_earlier_file_is_found(pm, tmp_path, monkeypatch):
    (facts, problems), taken = _both(_files(tmp_path, _rows(CLEAN[0]), _rows(CLEAN[1], CLEAN[0])), pm, monkeypatch)
    assert taken == [1, 1] and facts is None
    assert [(Path(p[0]).name, p[1], p[4]) for p in problems] == [("attendance-1.csv", 3, "attendance_duplicate")]


def test_a_file_that_is_not_utf8(pm, tmp_path, monkeypatch):
    (_, problems), taken = _both(_files(tmp_path, HEADER.encode() + b"attendance,u1,10/10/2020,s0,m\xff1,dang_vien\n"), pm, monkeypatch)
    assert taken == [] and [p[4] for p in problems] == ["bulk_not_utf8"]  # found as the text is decoded, before any lane


# -- random files -------------------------------------------------------------------------------------

_CELLS = {
    "unit": ["u1", "u1", "u2", "u3", "u9", " u1", ""],
    "date": ["10/10/2020", "10/10/2020", "11/10/2020", "2020-10-11", "12/10/2020", "31/02/2020", "x"],
    "session": ["s0", "s0", "s0", "s1", "s1", "s2", "s3", "s9", "s0 "],
    "member": ["m1", "m2", "m3", "m4", "m5", "m6", "m 7", "", "mé", "m\t8"],
    "category": ["dang_vien", "dang_vien", "cong_chuc", "khach", ""],
}


@st.composite
def _attendance_files(draw) -> list[str]:
    """One to three attendance files: runs of rows of a session, mostly clean, now and then a cell out of the ordinary,
    rows of a session repeated or split, and the file's layout varied (a quote, CR LF, a blank line, no final line end)."""
    files = []
    for _ in range(draw(st.integers(1, 3))):
        rows = []
        for _ in range(draw(st.integers(1, 4))):  # runs
            base = {k: draw(st.sampled_from(v[:4] if draw(st.integers(0, 5)) else v)) for k, v in _CELLS.items() if k != "member"}
            for _ in range(draw(st.integers(1, 6))):
                row = dict(base)
                row["member"] = draw(st.sampled_from(_CELLS["member"][:6] if draw(st.integers(0, 6)) else _CELLS["member"]))
                if rows and not draw(st.integers(0, 8)):  # the row before, again
                    row = dict(rows[-1])
                if not draw(st.integers(0, 12)):
                    row[draw(st.sampled_from(sorted(_CELLS)))] = draw(st.sampled_from(["", " x", "é"]))
                rows.append(row)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator=draw(st.sampled_from(["\n"] * 8 + ["\r\n"])),
                            quoting=csv.QUOTE_ALL if not draw(st.integers(0, 10)) else csv.QUOTE_MINIMAL)
        columns = ["type", "unit", "date", "session", "member", "category"]
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["attendance" if draw(st.integers(0, 20)) else "session", *(r[c] for c in columns[1:])])
        text = buf.getvalue()
        if not draw(st.integers(0, 10)):
            text = text.rstrip("\r\n")
        if not draw(st.integers(0, 15)):
            text = text.replace("\n", "\n\n", 1)
        files.append(text)
    return files


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=_attendance_files())
def test_random_attendance_files_read_the_same_with_and_without_the_lane(pm, tmp_path, monkeypatch, texts):
    _both(_files(tmp_path, *texts), pm, monkeypatch)


def test_the_generated_national_data_reads_the_same_and_the_lane_takes_it(pm, tmp_path, monkeypatch):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--scale", "1", "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    (facts, problems), taken = _both([tmp_path / "facts.csv", tmp_path / "attendance.csv"], pm, monkeypatch)
    assert problems is None and len(facts) > 1000 and taken and taken[0] > 100


def test_the_command_writes_the_same_document_with_and_without_the_lane(tmp_path):
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--scale", "1", "--out", str(data)],
                   check=True, capture_output=True, timeout=300)
    docs = {}
    # the lane in the forked child that reads the facts, and in the command itself (NQENGINE_FORK=0: pyarrow's
    # threads are then running when the JSON writer forks its child)
    for setting, fork in (("0", "1"), ("1", "1"), ("1", "0")):
        out = tmp_path / f"arrow-{setting}-{fork}.json"
        env = {**__import__("os").environ, "NQENGINE_ARROW": setting, "NQENGINE_FORK": fork}
        subprocess.run([sys.executable, "-m", "nqengine.cli", "evaluate", str(ROOT / "benchmarks" / "plan.yaml"),
                        "--registry", str(data / "registry.jsonl"), "--facts", str(data / "facts.csv"), "--facts", str(data / "attendance.csv"),
                        "--as-of", "08/04/2026", "--allow-root", str(data), "--format", "json", "-o", str(out)],
                       check=True, capture_output=True, timeout=300, env=env, cwd=ROOT)
        docs[setting, fork] = out.read_bytes()
    assert docs["0", "1"] == docs["1", "1"] == docs["1", "0"] and len(docs["1", "1"]) > 1_000_000


# -- names folded word by word --------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(names=st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐÂ ÉIß\u0301\u00a0\t1(-)",
                                      max_size=20), max_size=30))
def test_a_name_index_keys_each_name_as_fold_does(names):
    index = NameIndex((f"id{i}", n) for i, n in enumerate(names))
    for i, n in enumerate(names):
        key = fold(n)
        first = index._by_key.get(key)
        assert first is not None and (first == (f"id{i}", n) or (f"id{i}", n) in index._more.get(key, []))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3),
                                st.sampled_from([b",", b"\n", b'"', b" ", b"\r", b"\t", b"\xc3\xa9", b"\xff", b"x", b"0", b"\n\n", b"attendance", b"s0", b"m1"])),
                      min_size=1, max_size=4))
def test_bytes_changed_anywhere_in_a_clean_file(pm, tmp_path, monkeypatch, edits):
    data = bytearray(_rows(*CLEAN, *(f"attendance,u1,10/10/2020,s0,m{i:02d},dang_vien" for i in range(4, 30))).encode())
    for at, how, piece in edits:
        at %= len(data) + 1
        if how == 0:
            data[at:at] = piece  # inserted
        elif how == 1:
            del data[at:at + len(piece)]  # as many bytes removed
        else:
            data[at:at + len(piece)] = piece  # overwritten
    _both(_files(tmp_path, bytes(data)), pm, monkeypatch)


@pytest.mark.parametrize("error", [ImportError("No module named 'pyarrow'"), OSError("libarrow.so: cannot open shared object file")])
def test_without_a_working_pyarrow_the_python_lane_reads_the_file(pm, tmp_path, monkeypatch, error):
    import builtins

    real_import = builtins.__import__

    def failing(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise error
        return real_import(name, *args, **kwargs)

    paths = _files(tmp_path, _rows(*CLEAN))
    monkeypatch.setenv("NQENGINE_ARROW", "0")
    expected = _outcome(paths, pm)
    monkeypatch.setenv("NQENGINE_ARROW", "1")
    monkeypatch.setattr(builtins, "__import__", failing)
    monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    assert columnar._pyarrow() is None
    assert _outcome(paths, pm) == expected and expected[1] is None
