"""The JSON output of the example plans, byte for byte, at five dates each.

``tests/golden/`` holds what ``nqengine evaluate SPEC --as-of DATE --format json``
printed for the Tam Kỳ, An Mỹ and plugin-demo plans.  A change that moves code
around (issue 9, the layered layout) must not change one byte of it; a change
that means to change a verdict regenerates the files
(``python tests/test_golden.py``) and says why in the CHANGELOG.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest

from nqengine.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SPECS = ("tam-ky-xxi", "an-my-xxi", "plugin-demo")
DATES = ("01/10/2020", "19/10/2020", "30/10/2020", "20/11/2020", "31/12/2020")
CASES = [(s, d) for s in SPECS for d in DATES]


def golden_path(spec: str, date: str) -> Path:
    return GOLDEN / f"{spec}-{date.replace('/', '-')}.json"


def run_cli(spec: str, date: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["evaluate", f"specs/{spec}", "--as-of", date, "--format", "json"])
    assert code == 0
    return out.getvalue()


@pytest.mark.parametrize("spec, date", CASES, ids=[f"{s}@{d}" for s, d in CASES])
def test_json_output_is_byte_for_byte_the_same(spec, date, monkeypatch):
    monkeypatch.chdir(ROOT)  # the JSON names files relative to the working directory
    expected = golden_path(spec, date).read_text(encoding="utf-8")
    got = run_cli(spec, date)
    assert got == expected, f"the JSON of {spec} at {date} changed; diff it against {golden_path(spec, date)}"


if __name__ == "__main__":  # regenerate: python tests/test_golden.py
    os.chdir(ROOT)
    for spec, date in CASES:
        golden_path(spec, date).write_text(run_cli(spec, date), encoding="utf-8")
    sys.stdout.write(f"wrote {len(CASES)} files to {GOLDEN}\n")


def test_table_has_one_header_per_obligation_and_full_names_off_a_terminal(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020"]) == 0
    lines = out.getvalue().splitlines()
    obligations = [line for line in lines if line.startswith("[")]
    headers = [line for line in lines if line.split()[:2] == ["Đơn", "vị"]]
    assert len(obligations) == 14 and len(headers) == 14
    assert "  Đảng bộ Cơ quan Chính quyền thành phố" in "\n".join(lines)  # not cut: the output is not a terminal
