"""Regenerate the pictures of docs/reports.md from the current code: ``python docs/img/make_images.py``.

Needs Chromium (Debian's ``chromium``) and Playwright for the dashboards, and
LibreOffice (``libreoffice-writer``) and poppler (``pdftoppm``) for the first
page of the report, as ``.ci/run`` installs them.  The 10% national picture
needs the benchmark's data set (``python benchmarks/generate.py --scale 10
--out DIR``; pass ``--national DIR``); without it that picture is left as it is.
Run it after a change that shows in the dashboard or the report, and look at
the pictures before committing them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"
TAM_KY = ROOT / "specs" / "tam-ky-xxi"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"]


def _nqengine(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "nqengine.cli", *args], check=True, cwd=ROOT)


def dashboards(tmp: Path, national: Path | None) -> None:
    from playwright.sync_api import sync_playwright  # an optional tool of this script, not of nqengine

    chromium = os.environ.get("NQENGINE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    page_file = tmp / "tam-ky.html"
    _nqengine("evaluate", str(TAM_KY), "--as-of", "20/11/2020", "--format", "html", "-o", str(page_file))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        page.click("#tree .node[data-unit='thanh-uy-tam-ky'] button.tog")  # the tree opened at the city committee
        page.screenshot(path=str(IMG / "dashboard-tam-ky.png"))
        page.fill("#f-unit", "Hòa Hương")
        page.click("#verdicts-body tr")
        page.wait_for_selector("#explain-body h3")
        page.screenshot(path=str(IMG / "dashboard-tam-ky-explain.png"))
        if national is not None:
            big = tmp / "toan-quoc.html"
            _nqengine("evaluate", "benchmarks/plan.yaml", "--registry", str(national / "registry.jsonl"),
                      "--facts", str(national / "facts.csv"), "--facts", str(national / "attendance.csv"),
                      "--as-of", "08/04/2026", "--format", "html", "-o", str(big))
            page.goto(big.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=120_000)
            page.click("#tree .node button.tog")  # the first province opened
            page.screenshot(path=str(IMG / "dashboard-national-10.png"))
        browser.close()


def report(tmp: Path) -> None:
    docx = tmp / "bao-cao.docx"
    _nqengine("report", str(TAM_KY), "--as-of", "20/11/2020", "-o", str(docx))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(docx)], check=True,
                   capture_output=True, env={**os.environ, "HOME": str(tmp)})
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(tmp / "bao-cao.pdf"),
                    str(IMG / "report-tam-ky-page1")], check=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--national", type=Path, help="the 10%% data set's folder (benchmarks/generate.py --scale 10)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        dashboards(Path(tmp), args.national)
        report(Path(tmp))
    print("written:", ", ".join(sorted(f.name for f in IMG.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
