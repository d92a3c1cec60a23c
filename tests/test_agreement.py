"""nqengine, the plain reference and ZEN agree, status by status (issue 12).

``benchmarks/reference.py`` is the floor the benchmark measures nqengine
against, and ``benchmarks/zen_graph.py`` the same rule as a GoRules ZEN graph;
a ratio means something only if all three compute the same statuses.  They
are compared on generated data (``benchmarks/generate.py`` at 1%) and on
hand-made edge cases added to it: a unit and a presenter given by name, empty
list cells, list cells written as JSON, an unknown presenter with bad content,
a fact dated after the evaluation date, attendance given as rows; and
duplicate attendance rows, which nqengine's loader and the reference both
refuse.  nqengine runs as the user runs it: ``nqengine evaluate --format
json`` with the plugins installed in the environment.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nqengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import reference  # noqa: E402  (benchmarks/)
import zen_graph  # noqa: E402  (benchmarks/)

STUDY = ("study-party-committee", "study-grassroots-cell")
PARENT = "t16-x001"  # a commune party committee of the generated data: the new cells' parent

#: (unit id, unit name, person id, person name, facts.csv rows as dicts, attendance rows, expected status)
EDGE = [
    ("e-name", "Chi bộ Thử Tên", "p-name", "Lê Văn Tên",
     [{"id": "s-name", "unit": "Chi bộ Thử Tên", "presenter": "Lê Văn Tên", "attendance.dang_vien": "3"}], [], "met"),
    ("e-empty", "Chi bộ Thử Rỗng", "p-empty", "Lê Văn Rỗng",
     [{"id": "s-empty", "unit": "e-empty", "presenter": "p-empty", "content": "", "materials": "", "attendance.dang_vien": "3"}], [],
     "indeterminate"),  # an empty cell is an absent field: content not recorded, so nobody can tell
    ("e-none", "Chi bộ Thử Không", "p-none", "Lê Văn Không",
     [{"id": "s-none", "unit": "e-none", "presenter": "p-none", "content": "[]", "attendance.dang_vien": "3"}], [], "violated"),
    ("e-json", "Chi bộ Thử JSON", "p-json", "Lê Văn JSON",
     [{"id": "s-json", "unit": "e-json", "presenter": "p-json", "content": '["core_content", "action_programme"]',
       "materials": '["van-kien"]', "attendance.dang_vien": "3"}], [], "met"),
    ("e-unknown", "Chi bộ Thử Lạ", "p-unknown", "Lê Văn Lạ",
     [{"id": "s-unknown", "unit": "e-unknown", "presenter": "khong-co-ai", "content": "core_content", "attendance.dang_vien": "3"}], [], "violated"),
    ("e-later", "Chi bộ Thử Muộn", "p-later", "Lê Văn Muộn",
     [{"id": "s-later", "unit": "e-later", "presenter": "p-later", "date": "2026-04-20", "attendance.dang_vien": "3"}], [], "overdue"),
    ("e-rows", "Chi bộ Thử Điểm Danh", "p-rows", "Lê Văn Điểm",
     [{"id": "s-rows", "unit": "e-rows", "presenter": "p-rows"}],
     [("e-rows", "2026-03-20", "s-rows", f"dv-rows-{i}", "dang_vien") for i in range(3)], "met"),
    ("e-short", "Chi bộ Thử Thiếu", "p-short", "Lê Văn Thiếu",
     [{"id": "s-short", "unit": "e-short", "presenter": "p-short"}],
     [("e-short", "2026-03-20", "s-short", f"dv-short-{i}", "dang_vien") for i in range(2)], "violated"),
]
SESSION = {"type": "session", "date": "2026-03-20", "content": "core_content|action_programme", "materials": "van-kien"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--scale", "1", "--out", str(folder)], check=True, capture_output=True, timeout=300)
    return folder


@pytest.fixture(scope="module")
def edge(generated, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("edge")
    for name in ("registry.jsonl", "facts.csv", "attendance.csv"):
        shutil.copy(generated / name, folder / name)
    with open(folder / "registry.jsonl", "a", encoding="utf-8") as fh:
        for uid, uname, pid, pname, *_ in EDGE:
            fh.write(json.dumps({"id": uid, "name": uname, "kind": "grassroots_cell", "sector": "commune", "parent": PARENT,
                                 "audience": {"dang_vien": 3}}, ensure_ascii=False) + "\n")
            fh.write(json.dumps({"record": "person", "id": pid, "name": pname, "roles": [{"unit": uid, "role": "secretary"}]},
                                ensure_ascii=False) + "\n")
    with open(folder / "facts.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with open(folder / "facts.csv", "a", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, header, restval="")
        for *_, rows, _att, _status in EDGE:
            for row in rows:
                out.writerow({**SESSION, **row})
    with open(folder / "attendance.csv", "a", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        for *_, rows, att, _status in EDGE:
            for unit, day, session, member, category in att:
                out.writerow(["attendance", unit, day, session, member, category])
    return folder


def engine_statuses(folder: Path, tmp_path: Path) -> dict:
    """``nqengine evaluate benchmarks/plan.yaml ... --format json``: the study obligations' statuses."""
    target = tmp_path / "out.json"
    code = main(["evaluate", str(BENCH / "plan.yaml"), "--registry", str(folder / "registry.jsonl"), "--facts", str(folder / "facts.csv"),
                 "--facts", str(folder / "attendance.csv"), "--as-of", "08/04/2026", "--format", "json", "-o", str(target)])
    assert code == 0
    doc = json.loads(target.read_text(encoding="utf-8"))
    return {(v["obligation"], v["unit"]): v["status"] for v in doc["verdicts"] if v["obligation"] in STUDY}


def differences(a: dict, b: dict) -> list:
    return sorted((k, a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k))


@pytest.mark.parametrize("data", ["generated", "edge"])
def test_engine_reference_and_zen_agree_status_by_status(data, request, tmp_path):
    folder = request.getfixturevalue(data)
    engine = engine_statuses(folder, tmp_path)
    ref = reference.statuses(*reference.read(str(folder)))
    assert len(engine) > 500
    assert differences(engine, ref) == []
    assert len(set(engine.values())) >= 5  # the generated data draws every kind of status
    pytest.importorskip("zen", reason="zen-engine not installed (pip install '.[bench]')")
    zen, _, _ = zen_graph.statuses(reference.read(str(folder)))
    assert differences(zen, ref) == []


def test_the_edge_cases_have_the_statuses_the_plan_gives_them(edge, tmp_path):
    engine = engine_statuses(edge, tmp_path)
    got = {uid: engine[("study-grassroots-cell", uid)] for uid, *_ in EDGE}
    assert got == {uid: status for uid, *_, status in EDGE}


def test_duplicate_attendance_rows_are_refused_by_both(edge, tmp_path):
    folder = tmp_path / "dup"
    shutil.copytree(edge, folder)
    with open(folder / "attendance.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["attendance", "e-rows", "2026-03-20", "s-rows", "dv-rows-0", "dang_vien"])
    lines = sum(1 for _ in open(folder / "attendance.csv", encoding="utf-8"))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["evaluate", str(BENCH / "plan.yaml"), "--registry", str(folder / "registry.jsonl"), "--facts", str(folder / "facts.csv"),
                     "--facts", str(folder / "attendance.csv"), "--as-of", "08/04/2026", "--format", "json", "-o", str(tmp_path / "x.json")])
    assert code == 2
    assert f"attendance.csv:{lines}:" in err.getvalue()
    with pytest.raises(reference.Refused) as refused:
        reference.read(str(folder))
    assert f"attendance.csv:{lines}:" in str(refused.value)
    assert "dv-rows-0" in str(refused.value)


def test_the_benchmark_says_it_skipped_zen_without_zen_engine(generated, monkeypatch):
    import run  # benchmarks/run.py: importing it must not need zen-engine

    monkeypatch.setitem(sys.modules, "zen", None)  # as if zen-engine were not installed: `import zen` raises ImportError
    data = reference.read(str(generated))
    got = run._zen(data, reference.statuses(*data))
    assert got == {"zen_error": run.ZEN_SKIPPED}
    assert "skipped ZEN" in run.ZEN_SKIPPED
    assert run.machine()["zen-engine"] == "not installed"
