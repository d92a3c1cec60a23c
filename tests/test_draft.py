"""``nqengine draft``: the Tam Kỳ text drafts into the Tam Kỳ spec's clauses and obligations.

The done-when of issue 17, value by value: the draft's clauses equal the spec's;
every obligation of the spec has a skeleton with the same clause, kind and
deadline (a date the text gives is the same date and inclusivity; a date the
spec interprets is a TODO in the draft, quoting the words); the draft fails
``nqengine check`` while TODOs remain and passes once they are filled.  A small
plan written for these tests (tests/draft_texts/) covers the header, the year
inference and the other deadline phrases; ``--check`` and the hook are tested on
copies of the spec and on a plugin.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import types
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nqengine
import nqengine.draft
from nqengine.cli import main
from nqengine.dates import parse_deadline_date
from nqengine.draft.reader import clean
from nqengine.errors import InputError, PluginError
from nqengine.plugins.hookspecs import hookimpl

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = ROOT / "specs" / "tam-ky-xxi"
SOURCE = TAM_KY / "source" / "ke-hoach-tam-ky-2020.txt"
MAU = ROOT / "tests" / "draft_texts" / "ke-hoach-phuong-mau.txt"
OBLIGATION_IDS = [ob["id"] for ob in yaml.safe_load((TAM_KY / "plan.yaml").read_text(encoding="utf-8"))["obligations"]]


@pytest.fixture(scope="module")
def spec() -> Any:
    return nqengine.load_spec(TAM_KY)


@pytest.fixture(scope="module")
def draft() -> Any:
    return nqengine.draft.draft_file(SOURCE)


# --- the done-when: Tam Kỳ ----------------------------------------------------------


def test_the_drafts_clauses_equal_the_specs(draft, spec):
    assert draft.clauses == {cid: c.text for cid, c in spec.clauses.items()}
    assert list(draft.clauses) == list(spec.clauses)  # in the plan's order, too


@pytest.mark.parametrize("obligation", OBLIGATION_IDS)
def test_every_obligation_has_a_skeleton_with_its_clause_and_deadline(obligation, draft, spec):
    ob = spec.obligation(obligation)
    same = [s.data for s in draft.skeletons if s.data["clause"] == ob.clause and s.data["kind"] == ob.kind]
    assert same, f"no skeleton of kind {ob.kind} for clause {ob.clause}"
    d = ob.deadline
    if d is None:
        return
    if d.date is not None and not d.interpretation:  # the text gives the date: the draft has it
        assert any(
            "date" in s["deadline"]
            and parse_deadline_date(s["deadline"]["date"])[0] == d.date
            and s["deadline"]["inclusive"] == d.inclusive
            and s["deadline"]["text"] == d.text
            and s["deadline"]["clause"] == d.clause
            for s in same
        )
    else:  # the spec decided: the draft leaves it to a person, quoting the words
        for s in same:
            assert "date" not in s["deadline"] and "TODO" in s["deadline"]
        if d.text == "kịp thời":
            assert all(s["deadline"]["text"] == "kịp thời" and "“kịp thời”" in s["deadline"]["TODO"] for s in same)


def test_fields_carry_the_clause_they_came_from(draft):
    study = next(s for s in draft.skeletons if s.data["clause"] == "II.1.1.b")
    assert study.sources == {"kind": "II.1.1.b", "applies_to": "II.1.1.b", "deadline": "II.1.1.b", "sessions": "II.1.1.b",
                             "audience": "II.1.1.a", "presenter": "II.1.1.c", "materials": "II.3"}
    assert study.data["sessions"] == 1
    assert study.data["audience"] == {"categories": ["can_bo", "dang_vien", "cong_chuc", "vien_chuc", "khong_chuyen_trach", "can_bo_thon"],
                                      "coverage": 1.0, "clause": "II.1.1.a"}
    assert study.data["presenter"]["roles"] == ["secretary", "deputy_secretary"]
    assert study.data["presenter"]["qualifications"][0]["term"] == "XXI"
    assert "Đối với các Đảng bộ cơ quan, đơn vị, doanh nghiệp" in study.data["TODO"]  # the exception, left to a person
    report = next(s for s in draft.skeletons if s.data["clause"] == "III.5" and s.data["kind"] == "report")
    assert "“Ban Thường vụ Thành ủy”" in report.data["channel"]["TODO"] and "“Ban Tuyên giáo Thành ủy”" in report.data["channel"]["TODO"]


def test_every_paragraph_is_placed(draft):
    assert draft.layout.unplaced == []
    assert len(draft.layout.placed) == len(draft.layout.paragraphs) == 46
    meta = draft.layout.metadata
    assert (meta.doc_type, meta.issuer, meta.signer) == ("KẾ HOẠCH", "Ban Thường vụ Thành ủy Tam Kỳ", "Trình Minh Đức")
    assert meta.issued is None and meta.number == ""  # the seed text has neither


def _fill(node: Any, key: str = "") -> None:
    """Make every decision a TODO asks for, the way a person would: delete the key, set the field."""
    if isinstance(node, dict):
        todo = node.pop("TODO", None)
        for k, v in node.items():
            _fill(v, k)
        if todo is not None:
            if key == "deadline" and "date" not in node:
                node["none"] = True
            elif key == "channel" and "to" not in node:
                node["to"] = "ban-thuong-vu"
            elif key == "audience" and "categories" not in node:
                node["categories"] = ["dang_vien"]
            elif key == "applies_to":
                node.setdefault("kinds", "party_committee")
    elif isinstance(node, list):
        for v in node:
            _fill(v, key)


def test_the_draft_fails_check_until_its_todos_are_filled(tmp_path, capsys):
    folder = tmp_path / "draft"
    assert main(["draft", str(SOURCE), "-o", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out == f"{folder}: 21 điều khoản, 14 nghĩa vụ nháp, 20 TODO, 0 đoạn chưa xếp (xem README.md)\n"
    assert main(["check", str(folder)]) == 2
    errors = capsys.readouterr().err.splitlines()
    todo_lines = [i for i, line in enumerate((folder / "plan.yaml").read_text(encoding="utf-8").splitlines(), 1) if line.strip().startswith("TODO:")]
    assert len(todo_lines) == 20
    for line in todo_lines:  # every TODO is reported where it is
        assert any(e.startswith(f"{folder / 'plan.yaml'}:{line}:") and "TODO" in e for e in errors)
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    _fill(plan)
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["check", str(folder)]) == 0
    assert capsys.readouterr().out == f"{folder / 'plan.yaml'}: hợp lệ (14 nghĩa vụ)\n"
    filled = nqengine.load_spec(folder)
    assert {c: t.text for c, t in filled.clauses.items()} == draft_clauses()


def draft_clauses() -> dict[str, str]:
    return nqengine.draft.draft_file(SOURCE).clauses


def test_the_written_draft_reads_back_as_the_draft(draft, tmp_path):
    draft.write(tmp_path)
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["clauses"] == draft.clauses
    assert [o["id"] for o in plan["obligations"]] == [s.id for s in draft.skeletons]
    assert "# ← II.1.1.a" in (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| line 33 | b. Thời gian: 01 buổi, hoàn thành trước ngày 31/10/2020. | clause `II.1.1.b` |" in readme
    assert "## Đoạn chưa xếp được (unplaced paragraphs)\n\nKhông có (none).\n" in readme
    assert "| 23/07/2020 | 23/7 | line 7 | clause preamble | có (yes) |" in readme


def test_draft_refuses_to_overwrite(tmp_path, capsys):
    assert main(["draft", str(SOURCE), "-o", str(tmp_path)]) == 0
    assert main(["draft", str(SOURCE), "-o", str(tmp_path)]) == 2
    assert "đã có; dùng --force để ghi đè" in capsys.readouterr().err
    assert main(["draft", str(SOURCE), "-o", str(tmp_path), "--force", "--lang", "en"]) == 0


# --- a plan written for the tests -----------------------------------------------------


@pytest.fixture(scope="module")
def mau() -> Any:
    return nqengine.draft.draft_file(MAU)


def test_header_of_a_36_hd_layout(mau):
    meta = mau.layout.metadata
    assert (meta.issuer, meta.number, meta.place, meta.issued) == ("ĐẢNG ỦY PHƯỜNG MẪU", "07-KH/ĐU", "Phường Mẫu", dt.date(2021, 1, 10))
    assert meta.title == "Học tập, quán triệt Nghị quyết mẫu"
    assert (meta.signer_authority, meta.signer) == ("T/M ĐẢNG ỦY BÍ THƯ", "Nguyễn Văn Mẫu")
    assert mau.layout.unplaced == []
    plan = mau.plan()
    assert plan["document"] == {"id": "07-kh-du", "title": "Kế hoạch học tập, quán triệt Nghị quyết mẫu", "issuer": "ĐẢNG ỦY PHƯỜNG MẪU",
                                "number": "07-KH/ĐU", "issued": "10/01/2021"}


def test_clauses_by_the_plans_numbering(mau):
    assert list(mau.clauses) == ["preamble", "I", "II.1.a", "II.1.b", "II.1.c", "II.2.1", "II.2.2", "III.1", "III.2", "closing", "recipients"]
    assert mau.clauses["II.1.b"] == "Thời gian: 02 buổi, hoàn thành trong tháng 3."  # bold stripped
    assert mau.clauses["recipients"] == "Nơi nhận: Thường trực Thành ủy (b/c), Các chi bộ, Lưu VP."
    assert mau.clauses["closing"] == "Yêu cầu các chi bộ thực hiện nghiêm túc."


def test_years_inferred_from_the_documents_date(mau):
    by_clause = {s.data["clause"]: s.data for s in mau.skeletons}
    study = by_clause["II.1.b"]
    assert study["deadline"]["date"] == "31/03/2021" and study["deadline"]["inclusive"] is True
    assert study["deadline"]["interpretation"] == "Văn bản không ghi năm; lấy năm 2021 theo ngày của văn bản."
    assert study["sessions"] == 2 and study["applies_to"]["kinds"] == "grassroots_cell"
    assert study["audience"]["categories"] == ["dang_vien", "quan_chung"]
    assert by_clause["II.2.1"]["deadline"]["date"] == "31/03/2021"  # "trong quý I"
    assert by_clause["II.2.1"]["audiences"] == {"required": ["members", "people"], "clause": "II.2.1"}
    assert by_clause["III.1"]["deadline"] == {"date": "15/02/2021", "inclusive": True, "text": "hoàn thành đến hết ngày 15/02", "clause": "III.1",
                                              "interpretation": "Văn bản không ghi năm; lấy năm 2021 theo ngày của văn bản."}


@pytest.mark.parametrize(
    ("phrase", "date", "inclusive"),
    [
        ("hoàn thành trước ngày 31/10/2020", "31/10/2020", False),
        ("chậm nhất ngày 5/1/2021", "05/01/2021", True),
        ("hoàn thành trong quý IV/2020", "31/12/2020", True),
        ("hoàn thành trong 6 tháng đầu năm 2021", "30/06/2021", True),
        ("xong trong tháng 02/2024", "29/02/2024", True),
        ("trong năm 2022", "31/12/2022", True),
    ],
)
def test_deadline_phrases(phrase, date, inclusive):
    from nqengine.draft.phrases import find_deadline

    d = find_deadline(f"Các chi bộ tổ chức học tập, {phrase}.", None)
    assert (d.date.strftime("%d/%m/%Y"), d.inclusive, d.text, d.todo, d.inferred_year) == (date, inclusive, phrase, None, None)


@pytest.mark.parametrize(("phrase", "words"), [("kịp thời báo cáo", "“kịp thời”"), ("trước tháng 10/2021", "“trước tháng 10/2021”"), ("trước ngày 30/02/2021", "không tồn tại")])
def test_phrases_left_to_a_person(phrase, words):
    from nqengine.draft.phrases import find_deadline

    d = find_deadline(phrase, 2021)
    assert d.date is None and words in d.todo


# --- --check --------------------------------------------------------------------------


def test_check_finds_the_tam_ky_spec_faithful(capsys):
    assert main(["draft", "--check", str(TAM_KY)]) == 0
    assert capsys.readouterr().out == "kế hoạch khớp với văn bản\n"


def test_check_reports_misquotes_unknown_clauses_and_unused_dates(tmp_path, capsys):
    shutil.copytree(TAM_KY, tmp_path / "tk")
    plan = tmp_path / "tk" / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace('II.1.2.c: "Báo cáo viên: do Đồng chí Bí thư Chi bộ trực tiếp báo cáo."',
                        'II.1.2.c: "Báo cáo viên: do Đồng chí Phó Bí thư Chi bộ trực tiếp báo cáo."')
    text = text.replace("  congress_opened: 23/07/2020\n", "")
    text = text.replace("    clause: III.4\n", "    clause: III.6\n").replace("  III.5: >-\n", "  III.6: Các đồng chí ... trực tiếp chỉ đạo\n  III.5: >-\n")
    text = text.replace("  III.4: >-\n", "  III.7: >-\n")
    plan.write_text(text, encoding="utf-8")
    assert main(["draft", "--check", str(tmp_path / "tk"), "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    lines = plan.read_text(encoding="utf-8").splitlines()
    where = {key: f"{plan}:{next(i for i, l in enumerate(lines, 1) if l.startswith(key))}:"
             for key in ("  II.1.2.c:", "  III.7:", "  III.6:", "  - id: committee-member-supervision")}
    assert out == [
        f"{where['  II.1.2.c:']}13: clause II.1.2.c does not quote the text: it matches up to 'Báo cáo viên: do Đồng chí ', then has 'Phó Bí thư Chi bộ trực tiếp báo cáo.'",
        f"{where['  III.7:']}10: the text has no clause III.7 (by the text's own numbering)",
        f"{where['  III.6:']}10: the text has no clause III.6 (by the text's own numbering)",
        f"{plan}:{lines.index('clauses:') + 2}:3: clause III.4 of the text is missing from the spec: 'Các đồng chí Ủy viên Ban Thường vụ, Ủy viên Ban Chấp hành Đả'",
        f"{where['  - id: committee-member-supervision']}5: obligation committee-member-supervision cites clause III.6, which the text does not have",
        f"{plan}:{lines.index('events:') + 2}:3: the date 23/07/2020 of the text (line 7, clause preamble: '23/7') is used by no rule",
        "6 differences between the spec and the text",
    ]


# --- the hook ---------------------------------------------------------------------------


def _with(vocabulary: Any) -> Any:
    plugin = types.ModuleType("tam_ky_words")
    plugin.nqengine_draft_vocabulary = hookimpl(lambda: vocabulary)
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    pm.register(plugin, name="tam-ky-words")
    return pm


def test_a_plugin_teaches_unit_names():
    pm = _with({"units": {"Ban Thường vụ Thành ủy": "ban-thuong-vu", "Ban Tuyên giáo Thành ủy": "ban-tuyen-giao", "Thành ủy": "thanh-uy-tam-ky"}})
    draft = nqengine.draft.draft_file(SOURCE, pm=pm)
    report = next(s.data for s in draft.skeletons if s.data["clause"] == "III.5" and s.data["kind"] == "report")
    assert report["channel"] == {"to": "ban-thuong-vu", "via": "ban-tuyen-giao", "clause": "III.5"}
    study = next(s.data for s in draft.skeletons if s.data["clause"] == "II.1.1.b")
    assert study["applies_to"] == {"kinds": "party_committee", "parents": "thanh-uy-tam-ky"}
    assert study["presenter"]["qualifications"] == [{"kind": "reporter", "body": "thanh-uy-tam-ky", "term": "XXI"}]
    report = next(s.data for s in draft.skeletons if s.data["clause"] == "III.1")
    assert report["applies_to"] == {"units": ["ban-tuyen-giao"]} and report["channel"] == {"to": "ban-thuong-vu", "clause": "III.1"}
    assert len(draft.todos) == 20 - 6


def test_a_plugin_teaches_a_label_and_overrides_a_builtin():
    text = "KẾ HOẠCH\nHọc tập\nI. NỘI DUNG\n1. Đối với các Chi bộ\na. Thời hạn hoàn thành: 01 buổi, trước ngày 31/10/2020.\nb. Người dự: đảng viên.\n"
    plain = nqengine.draft.draft_text(text)
    assert [(s.data["kind"], s.data["clause"], s.data.get("audience")) for s in plain.skeletons] == [
        ("study_session", "I.1.a", {"TODO": "văn bản không nêu đối tượng ở mục này: chọn categories"}),
        ("duty", "I.1.b", None),  # an unknown label: the clause is recorded as a duty
    ]
    pm = _with({"labels": {"Người dự": "audience"}, "units": {"chi bộ": {"kinds": "subordinate_cell"}}})
    (study,) = nqengine.draft.draft_text(text, pm=pm).skeletons
    assert study.data["audience"] == {"categories": ["dang_vien"], "coverage": 1.0, "clause": "I.1.b"}
    assert study.data["applies_to"] == {"kinds": "subordinate_cell"}


@pytest.mark.parametrize("bad", [{"labelz": {}}, {"units": ["chi bộ"]}, ["units"]])
def test_a_bad_vocabulary_names_its_plugin(bad):
    with pytest.raises(PluginError) as info:
        nqengine.draft.draft_text("KẾ HOẠCH\nHọc tập\n", pm=_with(bad))
    assert info.value.render("en").startswith("plugin 'tam-ky-words', hook nqengine_draft_vocabulary:")


# --- other formats ----------------------------------------------------------------------


def test_a_word_document_drafts_like_its_text(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "THÀNH ỦY TAM KỲ\nSố 12-KH/TU"
    header.cell(0, 1).text = "ĐẢNG CỘNG SẢN VIỆT NAM\nTam Kỳ, ngày 20 tháng 8 năm 2020"
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            run = document.add_paragraph().add_run(line.replace("**", ""))
            run.bold = line.isupper()
    document.save(tmp_path / "plan.docx")
    draft = nqengine.draft.draft_file(tmp_path / "plan.docx")
    assert draft.clauses == draft_clauses()
    meta = draft.layout.metadata
    assert (meta.issuer, meta.number, meta.issued) == ("THÀNH ỦY TAM KỲ", "12-KH/TU", dt.date(2020, 8, 20))
    assert draft.layout.unplaced == []


def test_unreadable_files_are_located_errors(tmp_path):
    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError) as info:
        nqengine.draft.draft_file(bad)
    assert info.value.render("en") == f"{bad}:1:1: cannot read the file as Word (.docx) (PackageNotFoundError)"
    latin = tmp_path / "plan.txt"
    latin.write_bytes("Kế hoạch".encode("utf-16"))
    with pytest.raises(InputError) as info:
        nqengine.draft.draft_file(latin)
    assert "UTF-8 (.txt)" in info.value.render("en")


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` (ASCII) in Helvetica, one text line each: a PDF's lines are layout."""
    ops = ["BT /F1 11 Tf 14 TL 50 800 Td"] + [f"({line}) Tj T*" for line in lines] + ["ET"]
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_is_read_with_its_wrapped_lines_rejoined(tmp_path):
    pytest.importorskip("pypdf")
    lines = ["KE HOACH", "Hoc tap Nghi quyet", "I. NOI DUNG", "1. Cac chi bo to chuc hoc tap Nghi quyet, hoan thanh",
             "truoc ngay 31/10/2020.", "2. Cac chi bo bao cao ket qua.", "- Bao cao lan mot;", "- Bao cao lan hai."]
    (tmp_path / "plan.pdf").write_bytes(_pdf(lines))
    draft = nqengine.draft.draft_file(tmp_path / "plan.pdf")
    assert draft.clauses == {
        "I.1": "Cac chi bo to chuc hoc tap Nghi quyet, hoan thanh truoc ngay 31/10/2020.",
        "I.2": "Cac chi bo bao cao ket qua.",
        "I.2.1": "Bao cao lan mot;",
        "I.2.2": "Bao cao lan hai.",
    }
    assert [p.where for p in draft.layout.paragraphs][:4] == ["page 1, line 1", "page 1, line 2", "page 1, line 3", "page 1, line 4"]


# --- no text breaks it ------------------------------------------------------------------

_WORDS = st.sampled_from([
    "Đảng bộ", "các Chi bộ", "tổ chức", "học tập", "Nghị quyết", "báo cáo kết quả", "về", "Ban Thường vụ Thành ủy",
    "(qua Ban Tuyên giáo)", "trước ngày 31/10/2020", "**15/11/2020**", "kịp thời", "Thời gian:", "Đối tượng:",
    "Báo cáo viên:", "Tài liệu:", "đảng viên", "xây dựng kế hoạch", "tuyên truyền", "trong quý I", "trong tháng 3",
    "01 buổi", "trực thuộc Thành ủy", "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "KẾ HOẠCH", "Số 12-KH/TU",
    "Tam Kỳ, ngày 20 tháng 8 năm 2020", ":", ".", ",", "31/02/2021", "23/7",
])
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=10).map(" ".join)
_MARK = st.sampled_from(["I. ", "II. ", "III. ", "1. ", "2. ", "1.1. ", "1.2. ", "a. ", "b. ", "- ", "+ ", "", "", ""])
_LINE = st.one_of(st.tuples(_MARK, _SENTENCE).map("".join), st.text(max_size=40))
_TEXT = st.lists(_LINE, max_size=30).map("\n".join)


def _source_words(text: str) -> str:
    return " ".join(w for w in (re.sub(r"^[-–—•+*]\s*(?=\S)", "", clean(line)) for line in text.splitlines()) if w)


@settings(max_examples=int(os.environ.get("DRAFT_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_any_text_drafts_and_every_clause_quotes_it(text):
    draft = nqengine.draft.draft_text(text, pm=_PM)
    words = _source_words(text)
    for cid, quote in draft.clauses.items():
        assert quote and quote in words, (cid, quote)
    placed = set(draft.layout.placed)
    assert placed | {p.index for p in draft.layout.unplaced} == {p.index for p in draft.layout.paragraphs}
    assert yaml.safe_load(draft.plan_yaml())["clauses"] == draft.clauses  # the YAML holds every quote as read
    assert draft.readme().startswith("# Bản nháp:")


_PM = nqengine.get_plugin_manager(load_entrypoints=False)


WRAPPED = """ĐẢNG ỦY XÃ MẪU
Số:
15-KH/ĐU
|
Xã Mẫu, ngày 02 tháng 3 năm 2026
KẾ HOẠCH
HỌC TẬP NGHỊ QUYẾT
I. MỤC ĐÍCH,
YÊU CẦU
1. Mục đích
Giúp đảng viên trong xã
nắm vững nội dung của Nghị quyết; thống nhất
nhận thức và hành động.
2. Thời gian: 01 buổi, hoàn thành trong
tháng 4.
3. Các chi bộ kịp thời báo cáo kết quả về Ban Thường vụ
Đảng ủy.
"""


def test_hard_wrapped_text_is_rejoined():
    draft = nqengine.draft.draft_text(WRAPPED)
    meta = draft.layout.metadata
    assert (meta.issuer, meta.number, meta.issued, meta.title) == ("ĐẢNG ỦY XÃ MẪU", "15-KH/ĐU", dt.date(2026, 3, 2), "HỌC TẬP NGHỊ QUYẾT")
    assert [(h.id, h.text) for h in draft.layout.headings] == [("I", "MỤC ĐÍCH, YÊU CẦU"), ("I.1", "Mục đích")]
    assert draft.clauses == {
        "I.1": "Giúp đảng viên trong xã nắm vững nội dung của Nghị quyết; thống nhất nhận thức và hành động.",
        "I.2": "Thời gian: 01 buổi, hoàn thành trong tháng 4.",
        "I.3": "Các chi bộ kịp thời báo cáo kết quả về Ban Thường vụ Đảng ủy.",
    }
    assert draft.layout.unplaced == []
    (study,) = [s.data for s in draft.skeletons if s.data["kind"] == "study_session"]
    assert study["deadline"]["date"] == "30/04/2026" and "năm 2026" in study["deadline"]["interpretation"]
    (report,) = [s.data for s in draft.skeletons if s.data["kind"] == "report"]
    assert report["applies_to"] == {"kinds": "grassroots_cell"} and "“Ban Thường vụ Đảng ủy”" in report["channel"]["TODO"]


def test_a_number_used_twice_hides_no_clause():
    draft = nqengine.draft.draft_text("I. NỘI DUNG\n1. Việc thứ nhất.\n1. Việc thứ hai.\nXL. PHẦN BỐN MƯƠI\n1. Việc cuối.\nC. Phần ba ghi bằng chữ.\n")
    assert draft.clauses == {"I.1": "Việc thứ nhất.", "I.1~2": "Việc thứ hai.", "XL.1": "Việc cuối.", "closing": "C. Phần ba ghi bằng chữ."}


RECURRING = """KẾ HOẠCH
Thực hiện Nghị quyết
I. TỔ CHỨC THỰC HIỆN
1. Định kỳ hằng quý, các chi bộ báo cáo kết quả về Ban Thường vụ Đảng ủy trước ngày 20 của tháng cuối quý.
2. Các chi bộ sơ kết, báo cáo định kỳ 6 tháng về Ban Thường vụ Đảng ủy trước ngày 15/6 và 15/12.
3. Hằng năm, các chi bộ báo cáo kết quả về Ban Thường vụ Đảng ủy trong 10 ngày làm việc sau khi kết thúc năm.
4. Các chi bộ báo cáo hằng tháng về Văn phòng Đảng ủy.
"""


def test_recurring_reports_are_drafted_per_period(tmp_path, capsys):
    draft = nqengine.draft.draft_text(RECURRING, name="dinh-ky")
    got = [(s.data["kind"], s.data.get("every"), {k: v for k, v in s.data["deadline"].items() if k != "clause"}) for s in draft.skeletons]
    assert got == [
        ("report", "quarter", {"day_of_last_month": 20, "inclusive": False, "text": "trước ngày 20 của tháng cuối quý"}),
        ("report", "half_year", {"on": ["15/06", "15/12"], "inclusive": False, "text": "trước ngày 15/6 và 15/12"}),
        ("report", "year", {"days_after_end": 10, "inclusive": True, "text": "trong 10 ngày làm việc sau khi kết thúc", "working_days": True}),
        ("report", "month", {"TODO": "“hằng tháng”: hạn trong mỗi kỳ? (day_of_last_month, days_after_end, on, hoặc none: true)"}),
    ]
    assert [s.sources["every"] for s in draft.skeletons] == ["I.1", "I.2", "I.3", "I.4"]
    draft.write(tmp_path)
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text(encoding="utf-8"))
    _fill(plan)
    plan["effective"] = "01/01/2026"  # the text has no date: the person gives the plan's first day
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 0, capsys.readouterr().err
