"""A malformed spec gives ``file:line:column: message`` naming the field, never a traceback.

Every ``tests/bad_specs/NAME.yaml`` is the minimal valid spec with one mistake;
``NAME.expected`` holds exactly the English rendering of the error, and some
cases have a ``NAME.expected_vi`` for the Vietnamese one (the CLI's default).
Paths are rendered relative to the repository root, where these tests run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from nqengine.cli import main
from nqengine.errors import SpecError
from nqengine.spec import load_spec, load_spec_text

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "tests/bad_specs"
CASES = sorted(p.stem for p in (ROOT / FOLDER).glob("*.yaml"))
VI_CASES = sorted(p.stem for p in (ROOT / FOLDER).glob("*.expected_vi"))
# libyaml and PyYAML's pure-Python parser word syntax errors differently.
LIBYAML_WORDING = {"yaml_syntax"}
# Files that `nqengine check` recognises as another kind of input and checks as such
# (a registry): only the API, asked to load them as a spec, gives their message.
NOT_SPECS_FOR_CHECK = {"not_a_spec"}
CHECK_CASES = [c for c in CASES if c not in NOT_SPECS_FOR_CHECK]


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def spec_path(name: str) -> str:
    return f"{FOLDER}/{name}.yaml"


def expected(name: str, suffix: str = ".expected") -> str:
    return (ROOT / FOLDER / f"{name}{suffix}").read_text(encoding="utf-8").rstrip("\n")


def _needs_libyaml(name: str):
    if name in LIBYAML_WORDING and not hasattr(yaml, "CSafeLoader"):
        pytest.skip("the expected syntax-error wording is libyaml's")


# --- the folder itself ----------------------------------------------------------------


def test_folder_holds_at_least_15_modes():
    assert len(CASES) >= 15
    assert len(CASES) >= 20  # the issue asks for 15; we keep more


def test_every_case_has_its_expected_output():
    outputs = {p.stem for p in (ROOT / FOLDER).glob("*.expected")}
    assert outputs == set(CASES)
    assert set(VI_CASES) <= set(CASES) and len(VI_CASES) >= 3


def test_the_base_spec_is_valid():
    spec = load_spec(f"{FOLDER}/base/minimal.yaml")
    assert [ob.id for ob in spec.obligations] == ["study", "report"]


@pytest.mark.parametrize("name", CASES)
def test_expected_output_is_located_and_names_the_file(name):
    for line in expected(name).splitlines():
        assert line.startswith(f"{spec_path(name)}:"), line
        _, line_no, column, _ = line.split(":", 3)
        assert int(line_no) >= 1 and int(column) >= 1


# --- through the API ------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_load_gives_the_exact_located_message(name):
    _needs_libyaml(name)
    with pytest.raises(SpecError) as info:
        load_spec(spec_path(name))
    assert info.value.render("en") == expected(name)
    assert str(info.value) == expected(name)  # str() is the English rendering
    assert all(p.file == spec_path(name) for p in info.value.problems)


@pytest.mark.parametrize("name", VI_CASES)
def test_load_gives_the_exact_vietnamese_message(name):
    _needs_libyaml(name)
    with pytest.raises(SpecError) as info:
        load_spec(spec_path(name))
    assert info.value.render("vi") == expected(name, ".expected_vi")


@pytest.mark.parametrize("name", CASES)
def test_spec_error_is_also_a_value_error(name):
    with pytest.raises(ValueError):
        load_spec(spec_path(name))


# --- through the command line -----------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_check_exits_2_with_the_located_message(name, capsys):
    if name in NOT_SPECS_FOR_CHECK:
        pytest.skip("nqengine check reads this file as a registry (see test_check_reads_a_registry_given_as_a_spec)")
    _needs_libyaml(name)
    assert main(["check", spec_path(name), "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == expected(name) + "\n"
    assert "Traceback" not in err


@pytest.mark.parametrize("name", VI_CASES)
def test_check_speaks_vietnamese_by_default(name, capsys):
    _needs_libyaml(name)
    assert main(["check", spec_path(name)]) == 2
    assert capsys.readouterr().err == expected(name, ".expected_vi") + "\n"


def test_check_of_a_good_and_a_bad_spec_reports_both(capsys):
    assert main(["check", f"{FOLDER}/base/minimal.yaml", spec_path("unknown_kind"), "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert out == f"{FOLDER}/base/minimal.yaml: ok (2 obligations)\n"
    assert err == expected("unknown_kind") + "\n"


def test_real_process_checks_the_whole_folder_without_a_traceback():
    """One real ``nqengine check`` over every bad spec: exit 2, every message, no traceback."""
    cases = [c for c in CHECK_CASES if c not in LIBYAML_WORDING or hasattr(yaml, "CSafeLoader")]
    proc = subprocess.run(
        [sys.executable, "-m", "nqengine.cli", "check", *map(spec_path, cases), "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == "".join(expected(c) + "\n" for c in cases)


def test_check_reads_a_registry_given_as_a_spec(capsys):
    assert main(["check", spec_path("not_a_spec"), "--lang", "en"]) == 0
    assert capsys.readouterr().out == f"{spec_path('not_a_spec')}: ok (1 unit, 0 people)\n"


def test_real_process_vietnamese(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "nqengine.cli", "check", spec_path("impossible_date")],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
    )
    assert proc.returncode == 2
    assert proc.stderr == expected("impossible_date", ".expected_vi") + "\n"


# --- several mistakes at once --------------------------------------------------------------

SEVERAL = """\
nqengine: 1
id: nhieu-loi
title: Kế hoạch có nhiều lỗi
document: {id: kh, title: Kế hoạch, issued: 31/06/2020}
audience_categories:
  dang_vien: {vi: Đảng viên, en: Party members, party_member: true}
materials: {van-kien: Văn kiện}
events: {congress: 25/07/2020}
clauses:
  II.1: Học tập trước ngày 31/10/2020.
  III.5: Báo cáo kết quả.
obligations:
  - id: study
    kind: study_session
    title: Học tập Nghị quyết
    clause: II.2
    applies_to: {kinds: party_committe}
    deadline: {date: 31/10/2020}
    sessions: 0
    audience: {categories: [dang_vien, quan_chung]}
    materials: {required: [van-kien]}
  - id: report
    kind: report
    title: Báo cáo
    clause: III.5
    applies_to: {kinds: party_committee}
    deadline: {after: {obligation: studdy}, days: 5, inclusive: yes}
    chanel: {to: ban-thuong-vu}
"""


def test_a_spec_with_several_mistakes_reports_all_of_them_at_once():
    with pytest.raises(SpecError) as info:
        load_spec_text(SEVERAL, "several.yaml")
    assert info.value.render("en").splitlines() == [
        "several.yaml:4:45: 'issued': impossible date '31/06/2020': June 2020 has 30 days (document.issued)",
        "several.yaml:17:25: 'kinds' is invalid: 'party_committe'; choose one of: city_committee, standing_committee, party_board, party_committee, grassroots_cell, subordinate_cell, government, department, public_service, mass_organisation, central_committee, provincial_committee, district_committee — did you mean 'party_committee'? (obligations[0].applies_to.kinds)",
        "several.yaml:19:15: 'sessions' must be at least 1, got 0 (obligations[0].sessions)",
        "several.yaml:28:5: unknown key 'chanel' — did you mean 'channel'? (obligations[1].chanel)",
    ]


def test_reference_mistakes_are_all_reported_once_the_structure_is_right():
    """Structure first (a broken one would make every reference look wrong), then all the rest together."""
    fixed = SEVERAL.replace("31/06/2020", "30/06/2020").replace("party_committe}", "party_committee}")
    fixed = fixed.replace("sessions: 0", "sessions: 1").replace("chanel:", "channel:")
    with pytest.raises(SpecError) as info:
        load_spec_text(fixed, "several.yaml")
    assert info.value.render("en").splitlines() == [
        "several.yaml:16:13: clause 'II.2' is not declared under 'clauses' — did you mean 'II.1'? (obligations[0].clause)",
        "several.yaml:18:15: a deadline must state 'inclusive: true' (the day itself counts) or 'inclusive: false' (before that day) (obligations[0].deadline)",
        "several.yaml:20:40: audience category 'quan_chung' is not declared under 'audience_categories' (obligations[0].audience.categories[1])",
        "several.yaml:27:36: no obligation of the spec has id 'studdy' — did you mean 'study'? (obligations[1].deadline.after.obligation)",
    ]


def test_problems_are_sorted_by_position_and_keep_their_codes():
    with pytest.raises(SpecError) as info:
        load_spec_text(SEVERAL, "several.yaml")
    problems = info.value.problems
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)
    assert [p.code for p in problems] == ["invalid_date", "not_in_choices", "out_of_range", "unknown_key"]
    assert problems[0].to_json()["path"] == "document.issued"


# --- shapes that once raised Python errors -------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("- a\n- b\n", "x.yaml:1:1: the top level of the file must be a mapping ('key: value' lines), got a list"),
        ("just words\n", "x.yaml:1:1: the top level of the file must be a mapping ('key: value' lines), got 'just words' (text)"),
        ("~\n", "x.yaml:1:1: the top level of the file must be a mapping ('key: value' lines), got nothing"),
        ("nqengine: 1\n{a: 1}: 2\n", "x.yaml:2:1: a key must be plain text, not a mapping"),
        ("a: {b: 1, [c]: 2}\n", "x.yaml:1:11: a key must be plain text, not a list (a)"),
    ],
)
def test_odd_shapes_give_located_messages(text, message):
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "x.yaml")
    assert info.value.render("en") == message


def test_wrong_shapes_inside_a_spec(tmp_path):
    base = (ROOT / FOLDER / "base" / "minimal.yaml").read_text(encoding="utf-8")
    text = base.replace("  congress: 25/07/2020\n", "  - congress\n")
    text = text.replace("    channel: {to: ban-thuong-vu, via: ban-tuyen-giao}\n", "    channel: ban-thuong-vu\n    exceptions: nothing\n")
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "x.yaml")
    assert info.value.render("en").splitlines() == [
        "x.yaml:16:3: 'events' must be a mapping, got a list (events)",
        "x.yaml:42:14: 'channel' must be a mapping, got 'ban-thuong-vu' (text) (obligations[1].channel)",
        "x.yaml:43:17: 'exceptions' must be a list, got 'nothing' (text) (obligations[1].exceptions)",
    ]


def test_folder_without_plan_and_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path), "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'plan.yaml'}:1:1: file not found\n"
    assert main(["check", str(tmp_path / "none.yaml"), "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'none.yaml'}:1:1: file not found\n"


def test_inline_cases_do_not_need_a_file():
    text = textwrap.dedent(
        """\
        nqengine: 1
        id: x
        """
    )
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "inline.yaml")
    assert info.value.render("en").splitlines() == [
        "inline.yaml:1:1: missing required key 'title'",
        "inline.yaml:1:1: missing required key 'document'",
        "inline.yaml:1:1: missing required key 'clauses'",
        "inline.yaml:1:1: missing required key 'obligations'",
    ]
