"""The spreadsheet and the draft report open in LibreOffice (headless), with the figures of the JSON.

LibreOffice Calc reads the xlsx back (converted to CSV: the summary sheet); Writer renders the docx
to PDF, whose text ``pdftotext`` reads.  ``.ci/run`` installs ``libreoffice-calc-nogui``,
``libreoffice-writer-nogui`` and ``poppler-utils`` when they are missing; on a machine without
them the tests are skipped with the reason.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import nqengine

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PROGRAM = Path(os.path.realpath(SOFFICE)).parent if SOFFICE else None


def _has(lib: str) -> bool:
    return PROGRAM is not None and (PROGRAM / lib).exists()


@pytest.fixture(scope="module")
def ev():
    spec, registry, facts = nqengine.load_folder(FOLDER)
    return nqengine.evaluate(spec, registry, facts, "20/11/2020")


def _convert(src: Path, to: str, tmp_path: Path) -> Path:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", to, "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    out = src.with_suffix("." + to.split(":")[0])
    assert out.exists(), f"LibreOffice did not convert {src.name}"
    return out


@pytest.mark.skipif(not _has("libsclo.so"), reason="no LibreOffice Calc on this machine (.ci/run installs it)")
def test_libreoffice_calc_reads_the_workbook(ev, tmp_path):
    src = tmp_path / "ket-qua.xlsx"
    src.write_bytes(ev.catalogue.formats["xlsx"].render(ev, "vi"))
    rows = list(csv.reader(io.StringIO(_convert(src, 'csv:Text - txt - csv (StarCalc):44,34,76', tmp_path).read_text(encoding="utf-8"))))
    head = rows[0]
    assert head[:4] == ["Cấp", "Đơn vị", "Mã đơn vị", "Nghĩa vụ"]
    doc = nqengine.to_json(ev)
    roll = {(u["unit"], o["obligation"]): o for u in doc["rollup"]["units"] for o in u["obligations"]}
    assert len(rows) - 1 == len(roll)
    for r in rows[1:]:
        rec = dict(zip(head, r))
        o = roll[(rec["Mã đơn vị"], rec["Nghĩa vụ"])]
        assert (int(rec["Phải thực hiện"]), int(rec["Đã thực hiện"])) == (o["applicable"], o["done"])


@pytest.mark.skipif(not (_has("libswlo.so") and shutil.which("pdftotext")), reason="no LibreOffice Writer or pdftotext (.ci/run installs them)")
def test_libreoffice_writer_renders_the_report(ev, tmp_path):
    src = tmp_path / "bao-cao.docx"
    src.write_bytes(ev.catalogue.formats["docx"].render(ev, "vi"))
    pdf = _convert(src, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    first = [line.strip() for line in text.splitlines() if line.strip()]
    assert "THÀNH ỦY TAM KỲ" in first[0] and "ĐẢNG CỘNG SẢN VIỆT NAM" in first[0]  # one line: issuer left, Party right
    assert any("Tam Kỳ, ngày 20 tháng 11 năm 2020" in line for line in first[:5])
    assert "BÁO CÁO" in first
    assert any("2851/4125 (69,1%)" in line for line in first)
