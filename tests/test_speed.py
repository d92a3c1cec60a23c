"""What issue 12 changed for speed, held to the behaviour it must keep.

- ``nqengine_extra_findings_wanted``: a plugin that answers False for an
  obligation is not called per verdict; True, None or no answer keeps the call.
- The JSON writer gives the same bytes with orjson and with the standard
  library (the golden files of tests/test_golden.py hold them), and when it
  joins its writes to a file in batches.
- The table's short-line path equals ``textwrap``.
- The console script ends with ``os._exit`` after flushing, with main's exit status.
- ``nqengine check`` does not import the holiday tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import MINI_PLAN, REGISTRY, facts, registry

import nqengine
from nqengine import dates, periods
from nqengine.cli import main
from nqengine.plugins.hookspecs import hookimpl
from nqengine.render import formats
from nqengine.spec import load_spec_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

FACTS = """\
- {id: s1, type: session, unit: w1, date: 05/10/2020, presenter: sec, attendance: {dang_vien: 10}}
"""
PLAN = MINI_PLAN.replace("kinds: grassroots_cell", "kinds: party_committee") + """\
  - id: plans
    kind: study_session
    title: Học tập lần hai
    clause: II.1
    applies_to: {kinds: party_committee}
    deadline: {date: 30/11/2020, inclusive: false}
    audience: {categories: [dang_vien]}
"""


class Counting:
    def __init__(self, wanted):
        self.wanted, self.calls, self.asked = wanted, [], []

    @hookimpl
    def nqengine_extra_findings_wanted(self, obligation, spec):
        self.asked.append(obligation.id)
        return self.wanted(obligation)

    @hookimpl
    def nqengine_extra_findings(self, obligation, unit, verdict, context):
        self.calls.append((obligation.id, unit.id))
        return None


def _evaluate(*plugins):
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    for i, p in enumerate(plugins):
        pm.register(p, name=f"counting-{i}")
    spec = load_spec_text(PLAN, "t.yaml", pm=pm)
    return nqengine.evaluate(spec, registry(REGISTRY), facts(FACTS, pm), "20/11/2020", pm=pm)


def test_a_plugin_that_wants_no_extra_findings_is_not_called_per_verdict():
    no, some, unsure = Counting(lambda ob: False), Counting(lambda ob: ob.id == "study"), Counting(lambda ob: None)
    ev = _evaluate(no, some, unsure)
    units = sorted({v.unit for v in ev.verdicts})
    assert units == ["a1", "w1"]
    assert no.asked == some.asked == unsure.asked == ["study", "plans"]
    assert no.calls == []
    assert some.calls == [("study", "a1"), ("study", "w1")] or some.calls == [("study", "w1"), ("study", "a1")]
    assert sorted(unsure.calls) == [("plans", "a1"), ("plans", "w1"), ("study", "a1"), ("study", "w1")]


def test_wanted_must_answer_a_bool():
    bad = Counting(lambda ob: "yes")
    with pytest.raises(nqengine.PluginError) as exc:
        _evaluate(bad)
    assert "nqengine_extra_findings_wanted" in str(exc.value)
    assert "bool" in str(exc.value)


def test_the_attendance_plugin_skips_plans_that_do_not_declare_it():
    nqengine_attendance = pytest.importorskip("nqengine_attendance")

    spec = nqengine.load_spec("benchmarks/plan.yaml")
    study = spec.obligation("study-party-committee")
    assert nqengine_attendance.nqengine_extra_findings_wanted(study, spec) is False
    demo = nqengine.load_spec("specs/plugin-demo")
    kinds = {ob.kind: ob for ob in demo.obligations}
    assert nqengine_attendance.nqengine_extra_findings_wanted(kinds["study_session"], demo) is True


@pytest.mark.parametrize("fast", [True, False])
def test_json_is_the_same_bytes_with_and_without_orjson(fast, monkeypatch):
    if fast:
        pytest.importorskip("orjson")
    else:
        monkeypatch.setattr(formats, "orjson", None)
    for spec, date in (("tam-ky-xxi", "20/11/2020"), ("plugin-demo", "30/10/2020"), ("an-my-xxi", "31/12/2020")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["evaluate", f"specs/{spec}", "--as-of", date, "--format", "json"]) == 0
        golden = (GOLDEN / f"{spec}-{date.replace('/', '-')}.json").read_text(encoding="utf-8")
        assert out.getvalue() == golden


@pytest.mark.parametrize("batch", [None, 64])
def test_json_written_to_a_file_in_batches_is_the_golden_bytes(batch, tmp_path, monkeypatch):
    """``-o FILE`` takes orjson's byte path, which joins its pieces a megabyte (here also 64 bytes) at a time."""
    pytest.importorskip("orjson")
    if batch is not None:
        monkeypatch.setattr(formats, "_BATCH_BYTES", batch)
    writes: list[int] = []
    real = formats._Batched.flush

    def counted(self):
        writes.append(self.size)
        real(self)

    monkeypatch.setattr(formats._Batched, "flush", counted)
    for spec, date in (("tam-ky-xxi", "20/11/2020"), ("an-my-xxi", "31/12/2020")):
        out = tmp_path / f"{spec}.json"
        assert main(["evaluate", f"specs/{spec}", "--as-of", date, "--format", "json", "-o", str(out)]) == 0
        golden = (GOLDEN / f"{spec}-{date.replace('/', '-')}.json").read_bytes()
        assert out.read_bytes() == golden
    if batch is None:
        assert len([w for w in writes if w]) == 2  # each document below a megabyte: one write each
    else:
        assert len(writes) > 100 and len([w for w in writes if w < 64]) <= 2  # only each document's last piece is smaller


def test_json_written_in_batches_keeps_what_came_before_an_error(monkeypatch):
    """A plugin's error in the middle of the verdicts leaves the bytes before it written, as before batching."""
    pytest.importorskip("orjson")
    ev = nqengine.evaluate(nqengine.load_spec("specs/tam-ky-xxi"), *_tam_ky_inputs(), "20/11/2020")
    head = formats.evaluation_to_json(ev)  # as write_evaluation_json gives it: its verdicts are written one by one
    calls = []
    real = formats.verdict_to_json

    def failing(evaluation, v, lang="vi"):
        calls.append(v)
        if len(calls) == 3:
            raise RuntimeError("a plugin failed")
        return real(evaluation, v, lang)

    monkeypatch.setattr(formats, "verdict_to_json", failing)
    raw = io.BytesIO()
    with pytest.raises(RuntimeError):
        formats._write_bytes(ev, head, raw, "vi")
    text = raw.getvalue().decode()
    assert text.startswith('{\n  "format": "nqengine.evaluation",')
    first, second = (real(ev, v, "vi") for v in calls[:2])
    assert f'"unit": "{first["unit"]}"' in text and f'"unit": "{second["unit"]}"' in text
    assert text.endswith("\n") and text.count('"obligation": ') == 2


def _tam_ky_inputs():
    return nqengine.load_registry("specs/tam-ky-xxi/registry.yaml"), nqengine.load_facts("specs/tam-ky-xxi/facts.yaml")


@pytest.mark.parametrize("text", [
    "f1: dữ kiện không dùng đến",
    "x" * 76,
    "x" * 77,
    "a " * 40,
    "  leading",
    "trailing ",
    "two  spaces inside",
    "tab\there",
    "f-123: đơn vị 'p-khong-co' không có trong danh mục tổ chức; kiểm tra lại mã đơn vị của dữ kiện này",
])
def test_the_tables_short_line_path_equals_textwrap(text):
    # the table wraps at spaces only: ids such as 'p-khong-co' hold hyphens and stay whole
    assert formats._wrapped(text) == textwrap.wrap(text, formats.WIDTH - 2, initial_indent="  ", subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)


def test_the_console_script_exits_with_mains_status_after_flushing(tmp_path):
    run = [sys.executable, "-c", "from nqengine.cli import run; run()"]
    ok = subprocess.run([*run, "evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "--format", "json"],
                        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0
    assert ok.stdout == (GOLDEN / "tam-ky-xxi-20-11-2020.json").read_text(encoding="utf-8")
    bad = subprocess.run([*run, "evaluate", "specs/tam-ky-xxi", "--as-of", "31/02/2020"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "--as-of" in bad.stderr


def test_check_does_not_load_the_holiday_tables():
    code = ("import sys; from nqengine.cli import main; status = main(['check', 'specs/tam-ky-xxi']); "
            "print(status, 'holidays' in sys.modules)")
    got = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert got.stdout.strip().splitlines()[-1] == "0 False"


def test_an_evaluation_loads_what_it_needs_and_the_report_the_rest_when_asked(tmp_path):
    # The draft report's modules (python-docx's template, the Markdown one, the report builder) and the date
    # and period phrases' expressions cost every command several milliseconds: loaded on first use only.
    probe = ("import sys, json; from nqengine.cli import main; from nqengine import dates, periods; "
             "status = main(sys.argv[1:]); "
             "print(json.dumps([status, sorted(m for m in sys.modules if m.startswith('nqengine.render.') and m.split('.')[-1] "
             "in ('docx', 'markdown', 'report')), dates._period_res.cache_info().currsize, dates._date_phrase_re.cache_info().currsize, "
             "periods._phrases.cache_info().currsize]))")
    evaluate = ["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "-o", str(tmp_path / "table.txt")]
    got = subprocess.run([sys.executable, "-c", probe, *evaluate], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert json.loads(got.stdout.strip().splitlines()[-1]) == [0, [], 0, 0, 0], got.stderr
    # asked for, the report and a period phrase load and work
    report = ["report", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "--format", "md", "-o", str(tmp_path / "report.md")]
    got = subprocess.run([sys.executable, "-c", probe, *report], cwd=ROOT, capture_output=True, text=True, timeout=120)
    status, modules, *_ = json.loads(got.stdout.strip().splitlines()[-1])
    assert (status, modules) == (0, ["nqengine.render.markdown", "nqengine.render.report"]), got.stderr
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("**ĐẢNG CỘNG SẢN VIỆT NAM**  \n*Tam Kỳ, ngày 20 tháng 11 năm 2020*")
    assert dates.parse_deadline_date("quý IV/2020") == (dt.date(2020, 12, 31), "period")
    assert dates.parse_deadline_date("chậm nhất ngày 15/3/2026") == (dt.date(2026, 3, 15), "date")
    assert periods.parse_period("6 tháng đầu năm 2026") == "2026-H1"


# -- the attendance file read in bulk ------------------------------------------------------------

SESSIONS = "id,type,unit,date,presenter\n" + "".join(f"s{i},session,w{i % 3},2020-10-0{1 + i % 5},sec\n" for i in range(6))
HEAD = "type,unit,date,session,member,category\n"


def _attendance_rows() -> list[str]:
    rows = []
    for i in range(6):
        for m in range(60):
            rows.append(f"attendance,w{i % 3},2020-10-0{1 + i % 5},s{i},m{m:03d},{'dang_vien' if m % 4 else 'cong_chuc'}\n")
    return rows


def _edit(rows: list[str], case: str) -> list[str]:
    rows = list(rows)
    if case == "duplicate in a run":
        rows[30] = rows[29]
    elif case == "duplicate across runs":
        rows.append(rows[5])
    elif case == "empty member":
        rows[70] = rows[70].replace(",m010,", ",,")
    elif case == "padded member":
        rows[71] = rows[71].replace(",m011,", ", m011,")
    elif case == "tab in a member":
        rows[72] = rows[72].replace(",m012,", ",m\t012,")
    elif case == "non-ASCII member":
        rows[73] = rows[73].replace(",m013,", ",mđ013,")
    elif case == "quoted cell":
        rows[150] = rows[150].replace(",m030,", ',"m030",')
        rows[200] = rows[199]  # a duplicate after the quote: read by the CSV reader, located all the same
    elif case == "quoted newline":
        rows[150] = rows[150].replace(",m030,", ',"m\n030",')
        rows[230] = rows[229]
    elif case == "blank line":
        rows.insert(100, "\n")
        rows[250] = rows[249]
    elif case == "short row":
        rows[120] = "attendance,w1,2020-10-02,s1,m999\n"
    elif case == "short and long row":  # as many commas in all as rows of the header's width: each row is counted
        rows[130] = rows[130].rsplit(",", 1)[0] + "\n"
        rows[131] = rows[131].replace("\n", ",dang_vien\n")
    elif case == "another type":
        rows[121] = "report,w1,2020-10-02,s1,m999,dang_vien\n"
    elif case == "bad date":
        cells = rows[122].split(",")
        rows[122] = ",".join([*cells[:2], "2020-02-31", *cells[3:]])
    elif case == "unit not the session's":
        cells = rows[123].split(",")
        rows[123] = ",".join([cells[0], "w9", *cells[2:]])
    elif case == "unknown session":
        rows.append("attendance,w1,2020-10-02,s99,m000,dang_vien\n")
    elif case == "crlf":
        rows = [r.replace("\n", "\r\n") for r in rows]
    return rows


CASES = ["clean", "duplicate in a run", "duplicate across runs", "empty member", "padded member", "tab in a member", "non-ASCII member",
         "quoted cell", "quoted newline", "blank line", "short row", "short and long row", "another type", "bad date", "unit not the session's", "unknown session", "crlf"]


def _load(folder: Path) -> tuple[list, list[str]]:
    from nqengine.inputs.bulk import load_facts_bulk

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    try:
        facts = load_facts_bulk([str(folder / "facts.csv"), str(folder / "attendance.csv")], pm)
    except nqengine.FactsError as exc:
        return [], [p.render("en") for p in exc.problems]
    return [(f.id, dict(f.data.get("attendance") or {})) for f in facts], []


@pytest.mark.parametrize("case", CASES)
def test_the_bulk_lane_reads_what_the_row_lane_reads(case, tmp_path, monkeypatch):
    from nqengine.inputs import bulk

    (tmp_path / "facts.csv").write_text(SESSIONS, encoding="utf-8")
    (tmp_path / "attendance.csv").write_bytes((HEAD + "".join(_edit(_attendance_rows(), case))).encode("utf-8"))
    monkeypatch.setattr(bulk._Attendance, "CHUNK", 700)  # many chunks, runs cut at their edges
    fast = _load(tmp_path)
    monkeypatch.setattr(bulk._Attendance, "_bulk", lambda self, *args: None)  # the lane row by row, as before
    assert fast == _load(tmp_path)
    facts, problems = fast
    if case in LOADS:  # the schema strips a padded id and normalises text: no problem
        assert problems == []
        assert dict(facts)["s1"] == {"cong_chuc": 15, "dang_vien": 45}
    else:
        assert problems, case
        assert all(p.startswith(str(tmp_path / "attendance.csv") + ":") for p in problems)


LOADS = ("clean", "crlf", "padded member", "tab in a member", "non-ASCII member")
