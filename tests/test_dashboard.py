"""The HTML dashboard, opened in headless Chromium: no console error, no request leaving the file,
the numbers in the page equal to the JSON, a screenshot taken.

Uses Debian's ``chromium`` (``.ci/run`` installs it when it is missing) through Playwright's
Python package with ``executable_path``: no browser is downloaded.  Set ``NQENGINE_CHROMIUM``
to use another binary; without any, the tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nqengine

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"
CHROMIUM = os.environ.get("NQENGINE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
                                                   viewport={"width": 1200, "height": 900})
        yield ctx
        ctx.close()


class Page:
    """A page opened from a file, with what it logged and requested."""

    def __init__(self, ctx, path: Path):
        self.errors, self.requests = [], []
        self.page = ctx.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=60_000)

    def texts(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


def _open(ctx, ev, tmp_path, lang="vi"):
    path = tmp_path / f"dashboard-{lang}.html"
    path.write_text(ev.catalogue.formats["html"].render(ev, lang), encoding="utf-8")
    return Page(ctx, path)


@pytest.fixture(scope="module")
def tam_ky():
    spec, registry, facts = nqengine.load_folder(FOLDER)
    ev = nqengine.evaluate(spec, registry, facts, "20/11/2020")
    return ev, nqengine.to_json(ev)


def _totals(doc):
    """Per obligation, done/applicable summed over the roll-up's roots."""
    out = {}
    roots = set(doc["rollup"]["roots"])
    for u in doc["rollup"]["units"]:
        if u["unit"] in roots:
            for o in u["obligations"]:
                d, a = out.get(o["obligation"], (0, 0))
                out[o["obligation"]] = (d + o["done"], a + o["applicable"])
    return out


def test_dashboard_numbers_equal_the_json(browser, tam_ky, tmp_path):
    ev, doc = tam_ky
    page = _open(browser, ev, tmp_path)
    p = page.page
    # Overview: a row per obligation with verdicts, done/applicable as in the roll-up.
    rows = p.eval_on_selector_all("#overview .ob-row", "els => els.map(e => [e.dataset.ob, e.querySelector('.done').textContent])")
    totals = _totals(doc)
    assert [r[0] for r in rows] == [ob for ob in doc["summary"] if ob in totals]
    for ob, text in rows:
        assert text == f"{totals[ob][0]}/{totals[ob][1]}", ob
    # The tree: roots first, children only once a branch is opened.
    roll = {(u["unit"], o["obligation"]): o for u in doc["rollup"]["units"] for o in u["obligations"]}
    nodes = p.eval_on_selector_all("#tree .node", "els => els.map(e => [e.dataset.unit, e.querySelector('.done').textContent])")
    assert [n[0] for n in nodes] == [r for r in doc["rollup"]["roots"] if ("thanh-uy-tam-ky" == r or (r, "study-party-committee") in roll)]
    p.click("#tree .node[data-unit='thanh-uy-tam-ky'] button.tog")
    nodes = p.eval_on_selector_all("#tree .node", "els => els.map(e => [e.dataset.unit, e.querySelector('.done').textContent])")
    children = [n for n in nodes if n[0] != "thanh-uy-tam-ky"]
    assert len(children) == 17  # the party committees under the city committee
    for unit, text in nodes:
        o = roll[(unit, "study-party-committee")]
        assert text == f"{o['done']}/{o['applicable']}", unit
    # The table: filtered by status, its count equals the JSON's.
    assert page.texts("#table-count") == [f"Đang hiện 100/{len(doc['verdicts'])}"]
    violated = [v for v in doc["verdicts"] if v["status"] == "violated"]
    p.select_option("#f-status", str(list(nqengine.STATUSES).index("violated")))
    assert page.texts("#table-count") == [f"Đang hiện {len(violated)}/{len(violated)}"]
    assert page.texts("#verdicts-body tr td:nth-child(2)") == [v["unit_name"] for v in violated]
    # obligations by their title, as people name them (the id in the cell's tooltip)
    titles = {ob.id: ob.title for ob in nqengine.load_spec(ROOT / "specs" / "tam-ky-xxi").obligations}
    assert page.texts("#verdicts-body tr td:nth-child(1)") == [titles[v["obligation"]] for v in violated]
    assert p.eval_on_selector_all("#verdicts-body tr td:nth-child(1)", "els => els.map(e => e.title)") == [v["obligation"] for v in violated]
    p.fill("#f-unit", "hòa hương")
    assert page.texts("#verdicts-body tr td:nth-child(2)") == ["Đảng bộ phường Hòa Hương"]
    # One click to the explanation: the clause quoted, every check's message, the evidence.
    p.click("#verdicts-body tr")
    body = p.text_content("#explain-body")
    v = next(x for x in violated if x["unit"] == "p-hoa-huong")
    assert v["clause"]["text"] in body
    for f in v["findings"]:
        assert f["message"] in body
    for e in v["evidence"]:
        assert e in body
    # each fact cited with its type, its date and where it was recorded
    assert page.texts("#explain-body ul.evidence li") == ["hh-session: session 08/10/2020 (facts.yaml:52)"]
    shot = tmp_path / "dashboard.png"
    p.keyboard.press("Escape")
    p.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert page.errors == []
    assert set(page.requests) == {page.url}


def test_dashboard_in_english_prints_on_a4(browser, tam_ky, tmp_path):
    ev, doc = tam_ky
    page = _open(browser, ev, tmp_path, "en")
    assert page.texts("#nq-asof") == ["As of 20/11/2020"]
    assert page.page.eval_on_selector("#verdicts-body tr .badge", "e => e.textContent") == doc["verdicts"][0]["status_label"].replace(
        "đã hoàn thành", "met")
    pdf = page.page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-"
    assert page.errors == [] and set(page.requests) == {page.url}


def test_dashboard_of_a_national_sample_loads_its_tree_lazily(browser, tmp_path):
    data = tmp_path / "n1"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--scale", "1", "--out", str(data)],
                   check=True, capture_output=True)
    spec = nqengine.load_spec(ROOT / "benchmarks" / "plan.yaml")
    registry = nqengine.load_registry(data / "registry.jsonl")
    facts = nqengine.load_facts([data / "facts.csv", data / "attendance.csv"])
    ev = nqengine.evaluate(spec, registry, facts, "08/04/2026")
    tree = ev.rollup()
    page = _open(browser, ev, tmp_path)
    p = page.page
    first = p.eval_on_selector_all("#tree .node", "els => els.map(e => e.dataset.unit)")
    shown_roots = [r for r in tree.roots if next(iter(tree[r].obligations), None) is not None]
    assert set(first) <= set(shown_roots) and len(first) < 100 < len(tree.units)  # only the top level is built
    p.click(f"#tree .node[data-unit='{first[0]}'] button.tog")
    after = p.eval_on_selector_all("#tree .node", "els => els.length")
    assert after > len(first)
    assert page.errors == [] and set(page.requests) == {page.url}
