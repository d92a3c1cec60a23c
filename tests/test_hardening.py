"""Issue 16: every input that used to crash nqengine is a located error (exit 2), one test each.

Each test writes the bad input into a copy of a real spec folder, runs the
command line in process, and checks the exit status and the exact located
message (file:line:column, the field, the value escaped).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from nqengine.cli import main

REPO = Path(__file__).resolve().parent.parent
TAM_KY = REPO / "specs" / "tam-ky-xxi"
LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: \S")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    dst = tmp_path / "plan"
    shutil.copytree(TAM_KY, dst)
    monkeypatch.chdir(tmp_path)
    return dst


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv] if argv[0] in () else list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def evaluate(capsys, *extra: str, spec: str = "plan") -> tuple[int, str]:
    code, _, err = run(capsys, "evaluate", spec, "--as-of", "20/11/2020", "--format", "json", "--lang", "en", *extra)
    return code, err


def assert_located(err: str) -> None:
    lines = [l for l in err.splitlines() if l.strip()]
    assert lines, "no message"
    for line in lines:
        assert LOCATED.match(line), line
        assert "Traceback" not in line


# --- tracebacks that became located errors -----------------------------------------


def test_missing_extends_target(folder, capsys):
    (folder / "ext.yaml").write_text("extends: nothere.yaml\n", encoding="utf-8")
    code, err = evaluate(capsys, "--registry", "plan/registry.yaml", "--facts", "plan/facts.yaml", spec="plan/ext.yaml")
    assert code == 2
    assert err.strip() == "plan/ext.yaml:1:10: the extended plan was not found: nothere.yaml (extends)"


def test_url_as_extends_target(folder, capsys):
    (folder / "ext.yaml").write_text("extends: https://example.org/plan.yaml\n", encoding="utf-8")
    code, err = evaluate(capsys, spec="plan/ext.yaml")
    assert code == 2
    assert err.strip() == "plan/ext.yaml:1:10: the extended plan was not found: https://example.org/plan.yaml (extends)"


def test_extended_file_not_a_mapping(folder, capsys):
    (folder / "base.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (folder / "ext.yaml").write_text("extends: base.yaml\n", encoding="utf-8")
    code, err = evaluate(capsys, spec="plan/ext.yaml")
    assert code == 2
    assert err.strip() == "plan/base.yaml:1:1: the top level of the file must be a mapping ('key: value' lines), got a list"


def test_json_lines_nested_a_thousand_deep(folder, capsys):
    deep = "[" * 1000 + "]" * 1000
    (folder / "f.jsonl").write_text(
        '{"id": "x", "type": "session", "unit": "p-an-my", "date": "01/10/2020", "content": ' + deep + "}\n", encoding="utf-8"
    )
    code, err = evaluate(capsys, "--facts", "plan/f.jsonl")
    assert code == 2
    assert err.strip() == "plan/f.jsonl:1:1: the data is nested more than 100 levels deep"


def test_csv_json_cell_nested_a_thousand_deep(folder, capsys):
    deep = "[" * 1000 + "]" * 1000
    (folder / "f.csv").write_text(f'id,type,unit,date,content\nx,session,p-an-my,01/10/2020,"{deep}"\n', encoding="utf-8")
    code, err = evaluate(capsys, "--facts", "plan/f.csv")
    assert (code, err) == (2, "plan/f.csv:2:5: bad row: content: nested more than 100 levels deep (content)\n")


def test_float_field_written_as_a_huge_integer(folder, capsys):
    plan = folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "coverage: 1.0" in text or "coverage: 1" in text
    plan.write_text(re.sub(r"coverage: [0-9.]+", "coverage: 1" + "0" * 400, text, count=1), encoding="utf-8")
    code, err = evaluate(capsys)
    assert code == 2
    assert_located(err)
    assert "'coverage' must be a finite number, got 100000000000000000000000000000000000000…" in err
    assert "(obligations[0].audience.coverage)" in err


def test_csv_integer_cell_beyond_python_digit_limit(folder, capsys):
    (folder / "f.csv").write_text("id,type,unit,date,attendance.dang_vien\nx,session,p-an-my,01/10/2020," + "9" * 5000 + "\n", encoding="utf-8")
    code, err = evaluate(capsys, "--facts", "plan/f.csv")
    assert code == 2
    assert err.strip() == (
        "plan/f.csv:2:5: 'dang_vien' must be at most 999999999, got 999999999999999999999999999999999999999… (attendance.dang_vien)"
    )


def test_output_naming_a_folder(folder, capsys):
    code, err = evaluate(capsys, "-o", str(folder))
    assert code == 2
    assert err.startswith(f"nqengine: -o {folder}: ")
    assert "Traceback" not in err


# --- unlocated exit 3 (blamed on a plugin) that became located input errors --------


def test_deadline_in_year_one(folder, capsys):
    plan = folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("date: 31/10/2020", "date: 01/01/0001", 1), encoding="utf-8")
    code, err = evaluate(capsys)
    assert code == 2
    assert_located(err)
    assert "the year 1 is outside 1900–2200, the years a plan can name" in err


def test_relative_deadline_cannot_pass_the_schema_years(folder, capsys):
    plan = folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "days: 10\n" in text
    plan.write_text(text.replace("days: 10\n", "days: 99999999999\n", 1), encoding="utf-8")
    code, err = evaluate(capsys)
    assert code == 2
    assert_located(err)
    assert "'days' must be at most 3660, got 99999999999" in err


def test_headcount_beyond_float_range(folder, capsys):
    reg = folder / "registry.yaml"
    text = reg.read_text(encoding="utf-8")
    m = re.search(r"dang_vien: (\d+)", text)
    assert m
    reg.write_text(text.replace(m.group(0), "dang_vien: 1" + "0" * 400, 1), encoding="utf-8")
    code, err = evaluate(capsys)
    assert code == 2
    assert_located(err)
    assert "'dang_vien' must be at most 999999999, got 100000000000000000000000000000000000000…" in err


def test_plugin_threshold_beyond_float_range(tmp_path, capsys, monkeypatch):
    demo = tmp_path / "demo"
    shutil.copytree(REPO / "specs" / "plugin-demo", demo)
    monkeypatch.chdir(tmp_path)
    plan = demo / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    m = re.search(r"threshold: ([0-9.]+)", text)
    assert m
    plan.write_text(text.replace(m.group(0), "threshold: 1" + "0" * 400, 1), encoding="utf-8")
    code, err = evaluate(capsys, spec="demo")
    assert code == 2
    assert_located(err)
    assert "'threshold' must be a finite number" in err


def test_makeup_window_cannot_pass_the_schema_years(tmp_path, capsys, monkeypatch):
    demo = tmp_path / "demo"
    shutil.copytree(REPO / "specs" / "plugin-demo", demo)
    monkeypatch.chdir(tmp_path)
    facts = demo / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    m = re.search(r"date: (\d\d/\d\d/2020)", text)
    facts.write_text(text.replace(m.group(0), "date: 31/12/9999", 1), encoding="utf-8")
    code, err = evaluate(capsys, spec="demo")
    assert code == 2
    assert_located(err)
    assert "the year 9999 is outside 1900–2200" in err


# --- messages --------------------------------------------------------------------


def test_syntax_error_at_end_without_final_newline_is_on_the_last_line(folder, capsys):
    (folder / "bad.yaml").write_text("nqengine: 1\nobligations: [a, b", encoding="utf-8")
    code, _, err = run(capsys, "check", "plan/bad.yaml", "--lang", "en")
    assert code == 2
    assert err.startswith("plan/bad.yaml:2:19: YAML syntax error: did not find expected ',' or ']'")


def test_invisible_characters_are_escaped(folder, capsys):
    plan = folder / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "kinds: party_committee" in text
    plan.write_text(text.replace("kinds: party_committee", "kinds: party\u200b_committee", 1), encoding="utf-8")
    code, _, err = run(capsys, "check", "plan/plan.yaml", "--lang", "en")
    assert code == 2
    assert "party\\u200b_committee" in err
    assert "\u200b" not in err


def test_right_to_left_override_is_escaped(folder, capsys):
    (folder / "ext.yaml").write_text("extends: \u202eevil.yaml\n", encoding="utf-8")
    code, err = evaluate(capsys, spec="plan/ext.yaml")
    assert code == 2
    assert err.strip() == "plan/ext.yaml:1:10: the extended plan was not found: \\u202eevil.yaml (extends)"


def test_plugin_name_with_a_stray_space(tmp_path, capsys, monkeypatch):
    demo = tmp_path / "demo"
    shutil.copytree(REPO / "specs" / "plugin-demo", demo)
    monkeypatch.chdir(tmp_path)
    plan = demo / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("plugins: [nqengine-attendance,", 'plugins: [" nqengine-attendance ",', 1), encoding="utf-8")
    code, out, err = run(capsys, "evaluate", "demo", "--as-of", "20/11/2020", "--format", "json")
    assert (code, err) == (0, "")


def test_session_after_unit_valid_to_is_not_evidence():
    from helpers import REGISTRY, facts, registry, spec

    import nqengine

    plan = spec("""
        - id: s
          kind: study_session
          title: S
          clause: c1
          applies_to: {units: [w1]}
          deadline: {date: 31/10/2020, inclusive: false}
          audience: {categories: [dang_vien]}
        """)
    reg = registry(REGISTRY.replace("parent: city, audience: {dang_vien: 10", "parent: city, valid_to: 30/09/2020, audience: {dang_vien: 10"))
    recorded = facts("- {id: late, type: session, unit: w1, date: 05/10/2020, attendance: {dang_vien: 10}}\n")
    ev = nqengine.evaluate(plan, reg, recorded, "20/11/2020")
    assert [(u.fact, u.code) for u in ev.unmatched_facts] == [("late", "fact_unit_not_valid")]
    assert "late" not in ev.verdict("s", "w1").evidence


def test_second_event_fact_says_an_earlier_one_set_the_event():
    from helpers import facts, registry, spec

    import nqengine

    plan = spec("""
        - id: r
          kind: report
          title: R
          clause: c1
          applies_to: {units: [w1]}
          deadline: {after: {event: ev}, days: 10, inclusive: true}
          channel: {to: btv}
        """)
    recorded = facts("""
        - {id: e1, type: event, unit: w1, date: 02/09/2020, name: ev}
        - {id: e2, type: event, unit: w1, date: 03/09/2020, name: ev}
        - {id: e3, type: event, unit: w1, date: 03/09/2020, name: picnic}
        """)
    ev = nqengine.evaluate(plan, registry(), recorded, "20/11/2020")
    got = {u.fact: (u.code, u.params) for u in ev.unmatched_facts}
    assert got == {
        "e2": ("fact_event_superseded", {"name": "ev", "first": "e1"}),
        "e3": ("fact_event_unused", {"name": "picnic"}),
    }
    assert ev.verdict("r", "w1").due.isoformat() == "2020-09-12"


# --- confined inputs ----------------------------------------------------------------


def test_extends_outside_the_root_is_refused_without_echo(folder, capsys):
    (folder / "ext.yaml").write_text("extends: /etc/passwd\n", encoding="utf-8")
    code, err = evaluate(capsys, spec="plan/ext.yaml")
    assert code == 2
    assert err.startswith("plan/ext.yaml:1:10: refusing to read a file outside the allowed folders (")
    assert "root:" not in err


def test_extends_a_device_is_refused(folder, capsys):
    (folder / "ext.yaml").write_text("extends: /dev/zero\n", encoding="utf-8")
    code, err = evaluate(capsys, "--allow-root", "/dev", spec="plan/ext.yaml")
    assert code == 2
    assert err.strip() == "plan/ext.yaml:1:10: only regular files are read, not a device"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_extends_a_fifo_is_refused_without_blocking(folder, capsys):
    os.mkfifo(folder / "fifo.yaml")
    (folder / "ext.yaml").write_text("extends: fifo.yaml\n", encoding="utf-8")
    code, err = evaluate(capsys, spec="plan/ext.yaml")
    assert code == 2
    assert err.strip() == "plan/ext.yaml:1:10: only regular files are read, not a FIFO"


def test_facts_symlink_leaving_the_root_is_refused(folder, capsys, tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.yaml"  # outside the working directory too
    secret.write_text("the secret sentence\n", encoding="utf-8")
    try:
        (folder / "facts.yaml").unlink()
        (folder / "facts.yaml").symlink_to(secret)
        code, err = evaluate(capsys)
    finally:
        secret.unlink()
    assert code == 2
    assert err.startswith("plan/facts.yaml:1:1: refusing to read a file outside the allowed folders (")
    assert "secret sentence" not in err


def test_allow_root_admits_a_sibling_plan(tmp_path, capsys, monkeypatch):
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    inner = tmp_path / "specs" / "an-my-xxi"
    monkeypatch.chdir(inner)  # the working directory is the plan's own folder: the sibling is outside
    code, err = evaluate(capsys, spec=".")
    assert code == 2
    assert "plan.yaml:11:10: refusing to read a file outside the allowed folders" in err
    code, err = evaluate(capsys, "--allow-root", "..", spec=".")
    assert (code, err) == (0, "")


def test_max_input_size(folder, capsys):
    code, err = evaluate(capsys, "--max-input-mb", "0.01")
    assert code == 2
    assert re.fullmatch(r"plan/plan\.yaml:1:1: the file is [0-9.]+ MB, above the limit of 0\.01 MB; raise --max-input-mb if you trust it\n", err)


def test_yaml_facts_past_the_size_limit_ask_for_json_lines(folder, capsys, monkeypatch):
    import nqengine.confine as confine

    monkeypatch.setattr(confine, "MAX_YAML_FACTS_BYTES", 1000)
    code, err = evaluate(capsys)
    assert code == 2
    assert re.fullmatch(
        r"plan/facts\.yaml:1:1: the YAML facts file is [0-9.]+ MB, above 0(?:\\.[0-9]+)? MB: write the facts as JSON Lines \(\.jsonl\) or CSV, which are read row by row\n",
        err,
    )


def test_load_folder_confines_too(tmp_path, monkeypatch):
    import nqengine
    from nqengine.errors import FactsError

    dst = tmp_path / "plan"
    shutil.copytree(TAM_KY, dst)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("facts: []\n", encoding="utf-8")
    try:
        (dst / "facts.yaml").unlink()
        (dst / "facts.yaml").symlink_to(outside)
        monkeypatch.chdir(dst)
        with pytest.raises(FactsError) as info:
            nqengine.load_folder(".")
        assert [p.code for p in info.value.problems] == ["outside_root"]
    finally:
        outside.unlink()


def test_a_json_lines_line_past_the_limit_is_refused_without_holding_it(folder, capsys, monkeypatch):
    import nqengine.inputs.bulk.rows as rows

    monkeypatch.setattr(rows, "MAX_LINE_CHARS", 100)
    good = '{"id": "ok", "type": "session", "unit": "p-an-my", "date": "01/10/2020"}\n'
    (folder / "f.jsonl").write_text(good + '{"id": "x", "note": "' + "a" * 500 + '"}\n' + good.replace('"ok"', '"ok2"'), encoding="utf-8")
    code, err = evaluate(capsys, "--facts", "plan/f.jsonl")
    assert code == 2
    assert err == "plan/f.jsonl:2:101: the line is longer than 100 characters: one record per line\n"


@pytest.mark.parametrize("depth", [101, 500, 950])
def test_json_nested_deeper_than_the_limit_but_within_the_parser(folder, capsys, depth):
    deep = "[" * depth + "]" * depth
    (folder / "f.jsonl").write_text(
        '{"id": "x", "type": "session", "unit": "p-an-my", "date": "01/10/2020", "content": ' + deep + "}\n", encoding="utf-8"
    )
    code, err = evaluate(capsys, "--facts", "plan/f.jsonl")
    assert (code, err) == (2, "plan/f.jsonl:1:1: the data is nested more than 100 levels deep\n")
    (folder / "f.csv").write_text(f'id,type,unit,date,content\nx,session,p-an-my,01/10/2020,"{deep}"\n', encoding="utf-8")
    code, err = evaluate(capsys, "--facts", "plan/f.csv")
    assert (code, err) == (2, "plan/f.csv:2:5: bad row: content: nested more than 100 levels deep (content)\n")


def test_a_chain_of_relative_deadlines_past_year_9999_is_a_located_error():
    from helpers import spec

    from nqengine.errors import SpecError

    obs = ["- {id: o0, kind: deliverable, title: T, clause: c1, applies_to: {units: [w1]}, deliverables: [own_plan], deadline: {date: 31/12/2200, inclusive: true}}"]
    for i in range(1, 1200):
        obs.append(
            f"- {{id: o{i}, kind: deliverable, title: T, clause: c1, applies_to: {{units: [w1]}}, deliverables: [own_plan],"
            f" deadline: {{after: {{obligation: o{i - 1}, point: due}}, days: 3660, inclusive: true}}}}"
        )
    with pytest.raises(SpecError) as info:
        spec("\n".join(obs) + "\n")
    [p] = info.value.problems
    assert p.render("en") == (
        "t.yaml:793:166: this deadline counts on through 778 obligations, up to about 2848258 days, "
        "and could fall after the year 9999 (obligations[778].deadline.days)"
    )
