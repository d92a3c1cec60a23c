"""The command line: the same results as the API, Vietnamese first, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import nqengine
from nqengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"


def test_evaluate_table_vietnamese_80_columns(capsys):
    assert main(["evaluate", str(FOLDER), "--as-of", "20/11/2020", "--width", "80"]) == 0
    out = capsys.readouterr().out
    assert "Đảng bộ phường Hòa Hương" in out and "không đạt yêu cầu" in out
    assert "tính đến ngày 20/11/2020" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_evaluate_table_english(capsys):
    assert main(["evaluate", str(FOLDER), "--as-of", "2020-11-20", "--lang", "en", "--width", "80"]) == 0
    out = capsys.readouterr().out
    assert "violated" in out and "as of 20/11/2020" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_json_equals_api(capsys):
    assert main(["evaluate", str(FOLDER), "--as-of", "01/11/2020", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    spec, registry, facts = nqengine.load_folder(FOLDER)
    api = nqengine.to_json(nqengine.evaluate(spec, registry, facts, "01/11/2020"))
    assert data == json.loads(json.dumps(api))
    assert set(data) >= {"spec", "as_of", "verdicts", "unmatched_facts", "summary"}
    v = data["verdicts"][0]
    assert set(v) >= {"obligation", "unit", "status", "due", "clause", "findings", "evidence"}
    assert data["as_of"] == "2020-11-01"
    assert data["summary"]["study-party-committee"]["met"] == 9


def test_explain_quotes_clauses(capsys):
    assert main(["explain", str(FOLDER), "--as-of", "20/11/2020", "--unit", "Đảng bộ phường Hòa Hương", "--obligation", "study-party-committee", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Status: violated (as of 20/11/2020)" in out
    assert "II.1.1.c" in out and "Báo cáo viên" in out
    assert "hh-session: session 08/10/2020" in out


def test_explicit_files(capsys, tmp_path):
    assert main(["evaluate", str(FOLDER / "plan.yaml"), "--registry", str(FOLDER / "registry.yaml"), "--facts", str(FOLDER / "facts.yaml"), "--as-of", "15/10/2020", "-o", str(tmp_path / "out.txt")]) == 0
    assert "chưa đến hạn" in (tmp_path / "out.txt").read_text(encoding="utf-8")


def test_json_to_a_file_is_streamed_and_equals_the_rendered_text(capsys, tmp_path):
    from nqengine.render.formats import render_json

    out = tmp_path / "out.json"
    assert main(["evaluate", str(FOLDER), "--as-of", "01/11/2020", "--format", "json", "--lang", "en", "-o", str(out)]) == 0
    spec, registry, facts = nqengine.load_folder(FOLDER)
    assert out.read_text(encoding="utf-8") == render_json(nqengine.evaluate(spec, registry, facts, "01/11/2020"), "en")
    assert main(["evaluate", str(FOLDER), "--as-of", "01/11/2020", "--format", "json", "--lang", "en"]) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")


def test_several_facts_files_are_read_as_one(capsys, tmp_path):
    """Sessions in the YAML file, per-member attendance rows for one of them in a CSV file."""
    spec, registry, facts = nqengine.load_folder(FOLDER)
    session = next(f for f in facts if f.type == "session" and f.data.get("attendance"))
    yaml_text = (FOLDER / "facts.yaml").read_text(encoding="utf-8")
    rows = ["type,unit,date,session,member,category"]
    for category, count in session.data["attendance"].items():
        rows += [f"attendance,{session.unit},{session.date.isoformat()},{session.id},m-{category}-{i},{category}" for i in range(count)]
    # the same facts, but this session's counts come from the rows
    counts = "attendance: {" + ", ".join(f"{c}: {n}" for c, n in session.data["attendance"].items()) + "}"
    assert yaml_text.count(counts) == 1, counts
    (tmp_path / "facts.yaml").write_text(yaml_text.replace(counts, "note: counts in attendance.csv"), encoding="utf-8")
    (tmp_path / "attendance.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    args = ["evaluate", str(FOLDER), "--as-of", "20/11/2020", "--format", "json", "--lang", "en"]
    assert main(args + ["--facts", str(tmp_path / "facts.yaml"), "--facts", str(tmp_path / "attendance.csv")]) == 0
    split = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    whole = json.loads(capsys.readouterr().out)
    assert split["verdicts"] == whole["verdicts"] and split["summary"] == whole["summary"]
    # the rows alone: they name a session no file holds, located at their rows
    assert main(args + ["--facts", str(tmp_path / "attendance.csv")]) == 2
    err = capsys.readouterr().err
    assert "attendance.csv:2:" in err and session.id in err


def test_check_ok(capsys):
    assert main(["check", str(FOLDER / "plan.yaml")]) == 0
    assert "hợp lệ (14 nghĩa vụ)" in capsys.readouterr().out


@pytest.mark.parametrize("date", ["31/02/2021", "2020/31/10", "hôm qua"])
def test_bad_as_of(capsys, date):
    assert main(["evaluate", str(FOLDER), "--as-of", date, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "--as-of" in err and "Traceback" not in err


def test_bad_registry_is_located(capsys, tmp_path):
    reg = tmp_path / "registry.yaml"
    reg.write_text("units:\n  - {id: a, name: A, kind: ward_committee}\n", encoding="utf-8")
    assert main(["evaluate", str(FOLDER / "plan.yaml"), "--registry", str(reg), "--facts", str(FOLDER / "facts.yaml"), "--as-of", "15/10/2020", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{reg}:2:28: 'kind' is invalid: 'ward_committee'" in err


def test_bad_facts_are_located(capsys, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts:\n  - {id: a, type: sesion, unit: x, date: 31/09/2020}\n", encoding="utf-8")
    assert main(["evaluate", str(FOLDER / "plan.yaml"), "--facts", str(facts), "--registry", str(FOLDER / "registry.yaml"), "--as-of", "15/10/2020", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'session'?" in err
    assert "impossible date '31/09/2020'" in err
    assert "Traceback" not in err


def test_unknown_verdict_is_a_clear_error(capsys):
    assert main(["explain", str(FOLDER), "--as-of", "20/11/2020", "--unit", "nowhere", "--obligation", "study-party-committee"]) == 2
    assert "danh sách tổ chức không có đơn vị 'nowhere'" in capsys.readouterr().err


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "nqengine.cli", "evaluate", str(FOLDER), "--as-of", "20/11/2020", "--format", "json"], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["spec"]["id"] == "tam-ky-xxi"
