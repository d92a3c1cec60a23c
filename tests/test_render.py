"""Each report format checked against the JSON of the same evaluation, value by value.

The csv read back with the csv module, the xlsx with openpyxl, the docx with
python-docx; the Markdown report, the table's width, progress, and the
``nqengine_report_template`` hook.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import types
from pathlib import Path

import pytest

import nqengine
from nqengine.cli import main
from nqengine.i18n import status_label
from nqengine.plugins.hookspecs import hookimpl
from nqengine.render.common import COLUMNS
from nqengine.render.formats import render_table

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"


@pytest.fixture(scope="module")
def ev():
    spec, registry, facts = nqengine.load_folder(FOLDER)
    return nqengine.evaluate(spec, registry, facts, "20/11/2020")


@pytest.fixture(scope="module")
def doc(ev):
    return nqengine.to_json(ev)


def _vn(iso):
    return "" if iso is None else f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def _attendance(v):
    for f in v["findings"]:
        if f["check"] == "audience":
            d = f["details"]
            return d["party_members"]["attended"], d["party_members"]["headcount"], d["non_members"]["attended"], d["non_members"]["headcount"]
    return None


def _rollup(doc):
    return {(u["unit"], o["obligation"]): o for u in doc["rollup"]["units"] for o in u["obligations"]}


# --- csv ------------------------------------------------------------------------------


def test_csv_rows_equal_the_json(ev, doc):
    text = ev.catalogue.formats["csv"].render(ev, "vi")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert tuple(rows[0]) == COLUMNS
    body = [dict(zip(COLUMNS, r)) for r in rows[1:]]
    assert len(body) == len(doc["verdicts"]) == 120
    for row, v in zip(body, doc["verdicts"]):
        assert (row["obligation"], row["unit"], row["unit_name"], row["status"]) == (v["obligation"], v["unit"], v["unit_name"], v["status"])
        assert row["status_label"] == v["status_label"]
        assert row["due"] == _vn(v["due"]) and row["fulfilled_on"] == _vn(v["fulfilled_on"])
        assert row["clause"] == v["clause"]["id"] and row["evidence"] == "|".join(v["evidence"])
        att = _attendance(v)
        got = (row["members_attended"], row["members"], row["non_members_attended"], row["non_members"])
        assert got == (tuple(str(x) for x in att) if att else ("", "", "", ""))


def test_csv_from_the_command_line_is_utf8_with_bom(tmp_path):
    out = tmp_path / "ket-qua.csv"
    assert main(["evaluate", str(FOLDER), "--as-of", "20/11/2020", "--format", "csv", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\r\r\n" not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    hh = next(r for r in rows if r["unit"] == "p-hoa-huong" and r["obligation"] == "study-party-committee")
    assert (hh["unit_name"], hh["status_label"], hh["due"]) == ("Đảng bộ phường Hòa Hương", "không đạt yêu cầu", "30/10/2020")
    assert "Võ Thị Giang" in hh["explanation"]


def test_rollup_csv_rows_equal_the_json_rollup(ev, doc):
    from nqengine.render.csv import ROLLUP_COLUMNS

    text = ev.catalogue.formats["csv-rollup"].render(ev, "vi")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    assert tuple(rows[0]) == ROLLUP_COLUMNS
    want = [(u, o) for u in doc["rollup"]["units"] for o in u["obligations"]]
    assert len(rows) == len(want)
    for row, (u, o) in zip(rows, want):
        assert (row["unit"], row["obligation"], int(row["depth"])) == (u["unit"], o["obligation"], u["depth"])
        assert (int(row["applicable"]), int(row["done"])) == (o["applicable"], o["done"])
        assert row["share_done"] == ("" if o["share_done"] is None else str(o["share_done"]))
        assert [int(row[s]) for s in nqengine.STATUSES] == [o["counts"][s] for s in nqengine.STATUSES]
        assert row["overdue_units"] == "|".join(o["overdue"]) and int(row["overdue"]) == len(o["overdue"])
        if o["attendance"]:
            assert int(row["members_attended"]) == o["attendance"]["party_members"]["attended"]


# --- xlsx -----------------------------------------------------------------------------


def test_xlsx_read_back_equals_the_json(ev, doc, tmp_path):
    import openpyxl

    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(ev.catalogue.formats["xlsx"].render(ev, "vi"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Tổng hợp" and wb.sheetnames[1:] == [ob["obligation"] for ob in []] + list(doc["summary"])
    # The summary sheet: the roll-up tree, one row per unit and obligation.
    ws = wb["Tổng hợp"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    head = [c.value for c in ws[1]]
    roll = _rollup(doc)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(roll)
    statuses = list(nqengine.STATUSES)
    for r in rows:
        rec = dict(zip(head, r))
        o = roll[(rec["Mã đơn vị"], rec["Nghĩa vụ"])]
        assert (rec["Phải thực hiện"], rec["Đã thực hiện"], rec["Tỷ lệ hoàn thành"]) == (o["applicable"], o["done"], o["share_done"])
        assert [rec[status_label(s, "vi")] for s in statuses] == [o["counts"][s] for s in statuses]
        if o["attendance"]:
            assert (rec["Đảng viên dự"], rec["Tổng số đảng viên"]) == (o["attendance"]["party_members"]["attended"], o["attendance"]["party_members"]["headcount"])
    city = next(dict(zip(head, r)) for r in rows if r[2] == "thanh-uy-tam-ky" and r[3] == "study-party-committee")
    assert (city["Cấp"], city["Đã thực hiện"], city["Phải thực hiện"], city["Đảng viên dự"]) == (0, 11, 17, 2851)
    # One sheet per obligation: a row per verdict, real dates, statuses in words with their colour.
    s = wb["study-party-committee"]
    assert s.freeze_panes == "C3" and s.auto_filter.ref.startswith("A2:")
    names = [c.value for c in s[2]]
    got = {r[0]: dict(zip(names, r)) for r in s.iter_rows(min_row=3, values_only=True)}
    want = [v for v in doc["verdicts"] if v["obligation"] == "study-party-committee"]
    assert list(got) == [v["unit"] for v in want]
    for v in want:
        g = got[v["unit"]]
        assert g["Tình trạng"] == v["status_label"] and g["Đơn vị"] == v["unit_name"]
        assert g["Hạn chót"] == dt.datetime.fromisoformat(v["due"])
        assert g["Ngày hoàn thành"] == (dt.datetime.fromisoformat(v["fulfilled_on"]) if v["fulfilled_on"] else None)
    hh_row = next(r for r in s.iter_rows(min_row=3) if r[0].value == "p-hoa-huong")
    assert hh_row[3].fill.fgColor.rgb.endswith("F4B084")  # violated
    assert hh_row[4].number_format == "DD/MM/YYYY"
    assert s.column_dimensions["B"].width >= len("Đảng bộ Công ty CP Môi trường đô thị Tam Kỳ")


# --- the draft report: docx and md --------------------------------------------------------


def test_docx_read_back_has_the_party_layout_and_the_json_figures(ev, doc, tmp_path):
    import docx

    path = tmp_path / "bao-cao.docx"
    assert main(["report", str(FOLDER), "--as-of", "20/11/2020", "--format", "docx", "-o", str(path)]) == 0
    d = docx.Document(str(path))
    head = d.tables[0].rows[0].cells
    left = [p.text for p in head[0].paragraphs]
    right = [p.text for p in head[1].paragraphs]
    assert left == ["THÀNH ỦY TAM KỲ", "*", "Số    -BC/TU"]
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM" and right[-1] == "Tam Kỳ, ngày 20 tháng 11 năm 2020"
    assert head[1].paragraphs[-1].runs[0].italic
    texts = [p.text for p in d.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả học tập, quán triệt và tuyên truyền Nghị quyết Đại hội Đảng bộ Thành phố Tam Kỳ lần thứ XXI" in texts
    assert [t for t in texts if t[:3] in ("I. ", "II.", "III", "IV.")] == [
        "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN", "II. KẾT QUẢ THỰC HIỆN", "III. HẠN CHẾ, NGUYÊN NHÂN", "IV. ĐỀ XUẤT, KIẾN NGHỊ"]
    o = _rollup(doc)[("thanh-uy-tam-ky", "study-party-committee")]
    c = o["counts"]
    line = next(t for t in texts if t.startswith("- Đảng bộ cơ sở tổ chức học tập"))
    assert f"{o['applicable']} đơn vị phải thực hiện; {c['met']} hoàn thành đúng hạn, {c['met_late']} hoàn thành trễ hạn, {c['violated']} không đạt yêu cầu" in line
    pm = o["attendance"]["party_members"]
    nm = o["attendance"]["non_members"]
    assert f"Đảng viên tham gia học tập: {pm['attended']}/{pm['headcount']} (69,1%); người ngoài Đảng: {nm['attended']}/{nm['headcount']} (59,0%)." in texts
    assert "Đơn vị không đạt yêu cầu (3): Đảng bộ Quân sự thành phố, Đảng bộ phường Hòa Hương, Đảng bộ xã Tam Thăng." in texts
    # The table by subordinate unit, against the roll-up of each.
    roll = _rollup(doc)
    table = d.tables[1]
    for row in table.rows[1:]:
        name, done = row.cells[0].text, row.cells[1].text
        unit = next(v["unit"] for v in doc["verdicts"] if v["unit_name"] == name)
        r = roll[(unit, "study-party-committee")]
        assert done == f"{r['done']}/{r['applicable']}"
    # What a person writes is a highlighted placeholder, never invented; signer and recipients left to complete.
    placeholders = [p for p in d.paragraphs if p.text.startswith("[Cán bộ soạn thảo viết")]
    assert len(placeholders) == 3 and all(p.runs[0].font.highlight_color is not None for p in placeholders)
    foot = d.tables[-1].rows[0].cells
    assert foot[0].paragraphs[0].text == "Nơi nhận:" and foot[1].paragraphs[0].text == "T/M BAN THƯỜNG VỤ"
    assert "[Họ và tên]" in [p.text for p in foot[1].paragraphs]


def test_markdown_report_of_a_ward(doc, capsys):
    assert main(["report", str(FOLDER), "--as-of", "20/11/2020", "--unit", "Đảng bộ phường Hòa Hương", "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("**ĐẢNG CỘNG SẢN VIỆT NAM**  \n*Hòa Hương, ngày 20 tháng 11 năm 2020*\n")
    assert "THÀNH ỦY TAM KỲ  \n**ĐẢNG BỘ PHƯỜNG HÒA HƯƠNG**" in text and "Số    -BC/ĐU" in text
    o = _rollup(doc)[("p-hoa-huong", "study-party-committee")]
    assert o["counts"]["violated"] == 1
    assert "1 đơn vị phải thực hiện; 0 hoàn thành đúng hạn, 0 hoàn thành trễ hạn, 1 không đạt yêu cầu, 0 chưa hoàn thành" in text
    assert "Đảng viên tham gia học tập: 0/270 (0,0%)" in text
    assert "> *[Cán bộ soạn thảo viết: đề xuất, kiến nghị.]*" in text


def test_report_in_english(ev):
    text = ev.catalogue.formats["md"].render(ev, "en")
    assert text.startswith("**COMMUNIST PARTY OF VIETNAM**") and "## II. RESULTS" in text
    assert "17 units had to act; 9 on time, 2 late, 3 not conforming, 3 not yet done; 64.7% done." not in text  # figures use a decimal comma
    assert "17 units had to act; 9 on time, 2 late, 3 not conforming, 3 not yet done; 64,7% done." in text


def test_a_plugin_replaces_the_report_template(tmp_path):
    class OwnLayout:
        def render(self, report):
            return f"{report.issuer} | {report.doc_type} | {len(report.sections)} mục\n"

    plugin = types.ModuleType("own_layout")
    plugin.nqengine_report_template = hookimpl(lambda format: OwnLayout() if format == "md" else None)
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(plugin, name="own_layout")
    spec, registry, facts = nqengine.load_folder(FOLDER, pm=pm)
    ev = nqengine.evaluate(spec, registry, facts, "20/11/2020", pm=pm)
    assert ev.catalogue.formats["md"].render(ev, "vi") == "THÀNH ỦY TAM KỲ | BÁO CÁO | 4 mục\n"
    assert ev.catalogue.formats["docx"].render(ev, "vi")[:2] == b"PK"  # docx: the built-in template still answers


def test_report_of_an_unknown_unit_fails_cleanly(capsys):
    assert main(["report", str(FOLDER), "--as-of", "20/11/2020", "--unit", "khong-co", "--format", "md"]) == 2
    assert "khong-co" in capsys.readouterr().err


# --- the table fits its reader -----------------------------------------------------------


def test_table_fits_the_width_and_keeps_ids_whole(ev):
    text = render_table(ev, "vi", 60)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "[propaganda-summary-report] " in text  # the id whole, the title cut
    for fact in ("x-unknown-unit:", "x-not-subject:", "x-unused-type:"):
        assert fact in text
    full = render_table(ev, "vi", None)
    assert "Đảng bộ Công ty CP Môi trường đô thị Tam Kỳ " in full and "…" not in full.split("Tổng hợp")[0].replace("...", "")


def test_width_option_and_full_names_in_a_file(tmp_path, capsys):
    assert main(["evaluate", str(FOLDER), "--as-of", "20/11/2020", "--width", "50"]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 50
    out = tmp_path / "bang.txt"
    assert main(["evaluate", str(FOLDER), "--as-of", "20/11/2020", "-o", str(out)]) == 0
    assert "Đảng bộ Cơ quan Chính quyền thành phố " in out.read_text(encoding="utf-8")


# --- progress -------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal(ev):
    from nqengine.render.progress import progress_bar

    pytest.importorskip("tqdm")
    with progress_bar(io.StringIO(), "đánh giá") as bar:
        assert bar is None
    term = _Terminal()
    steps = []
    spec, registry, facts = nqengine.load_folder(FOLDER)
    with progress_bar(term, "đánh giá") as bar:
        nqengine.evaluate(spec, registry, facts, "20/11/2020", progress=lambda *a: (steps.append(a), bar(*a)))
    assert [s[0] for s in steps][-1] in {ob.id for ob in spec.obligations} and len(steps) == len(spec.obligations) == 14
    assert all(s[1] == 14 for s in steps)
    assert "đánh giá" in term.getvalue() and "/14" in term.getvalue()


def test_no_progress_when_stderr_is_not_a_terminal(capsys):
    assert main(["evaluate", str(FOLDER), "--as-of", "20/11/2020", "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


def test_explanations_never_wrap_inside_an_id(ev):
    """Ids hold hyphens; wrapping there split "[study-party-committee]" over two lines."""
    for v in ev.verdicts:
        text = nqengine.explain(ev, v.obligation, v.unit)
        assert not [line for line in text.splitlines() if line.rstrip().endswith("-")], (v.obligation, v.unit)
        assert f"[{v.obligation}]" in text


def test_a_binary_format_needs_a_file_on_a_terminal(ev):
    from nqengine.errors import NQEngineError
    from nqengine.render.output import write_output

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    with pytest.raises(NQEngineError, match="-o FILE"):
        write_output(ev.catalogue.formats["xlsx"], ev, "vi", None, Terminal())
    piped = io.BytesIO()
    write_output(ev.catalogue.formats["docx"], ev, "vi", None, types.SimpleNamespace(buffer=piped, flush=lambda: None, isatty=lambda: False))
    assert piped.getvalue()[:2] == b"PK"
