"""The library's Vietnamese holidays kept on disk between runs (``nqengine.calendars.library_year``).

Importing ``holidays`` imports every country's module (about 0.1 s and 14 MB);
a warm cache answers without it.  The answers must be the library's, day by day
and in both languages; a cache that is missing, broken, written for another
release of the library or impossible to write must change nothing but the time.
Each case runs in a fresh interpreter, so that ``holidays`` is not yet imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: Every day of 2014-2027 (Tết, the swaps of 2015 and 2025, days off named by decision): working or not, and the names.
SCRIPT = r"""
import datetime as dt, hashlib, json, sys
from nqengine.calendars import VietnamCalendar
c = VietnamCalendar()
days = []
d = dt.date(2014, 1, 1)
while d < dt.date(2028, 1, 1):
    days.append([d.isoformat(), c.is_working_day(d), c.holiday_name(d), c.holiday_name(d, "en")])
    d += dt.timedelta(days=1)
print(json.dumps({"digest": hashlib.sha256(json.dumps(days).encode()).hexdigest(), "imported": "holidays" in sys.modules,
                  "tet_2026": c.holiday_name(dt.date(2026, 2, 17)), "tet_2026_en": c.holiday_name(dt.date(2026, 2, 17), "en"),
                  "worked_2015": c.is_working_day(dt.date(2014, 12, 27)), "working": sum(1 for x in days if x[1])}))
"""


def run(cache: str | None, script: str = SCRIPT) -> dict:
    env = dict(os.environ)
    env.pop("NQENGINE_CACHE_DIR", None)
    if cache is not None:
        env["NQENGINE_CACHE_DIR"] = cache
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def library() -> dict:
    """The answers with no cache: the library's own."""
    return run("")


def test_without_a_cache_the_library_answers(library):
    assert library["imported"] is True
    assert library["tet_2026"] == "Tết Nguyên Đán"
    assert library["tet_2026_en"] == "Lunar New Year"
    assert library["worked_2015"] is True  # 27/12/2014, a Saturday worked for 02/01/2015
    assert library["working"] == 3504  # 14 years of weekdays, less the holidays, plus the swapped Saturdays


def test_a_warm_cache_gives_the_same_answers_without_importing_the_library(tmp_path, library):
    cold = run(str(tmp_path))
    assert cold == library  # the first run asks the library, and writes the cache
    [path] = tmp_path.glob("holidays-vn-*.json")  # named by the installation of the library
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 1
    assert {"2026 vi", "2026 en_US", "2015 vi"} <= set(data["years"])
    assert ["2026-02-17", "Tết Nguyên Đán"] in data["years"]["2026 vi"]["days"]
    assert "2014-12-27" in data["years"]["2014 vi"]["weekend_workdays"]
    warm = run(str(tmp_path))
    assert warm["imported"] is False
    assert {**warm, "imported": True} == library


@pytest.mark.parametrize("content", ["not json", '{"format": 1, "library": [], "years": {}}', '{"format": 1}', "[]",
                                     'LIB {"2026 vi": {"days": "oops", "weekend_workdays": []}}'])
def test_a_broken_or_foreign_cache_is_ignored_and_rewritten(tmp_path, library, content):
    path = tmp_path / _cache_name()
    if content.startswith("LIB "):  # the right library, a broken entry
        run(str(tmp_path))
        data = json.loads(path.read_text(encoding="utf-8"))
        data["years"].update(json.loads(content[4:]))
        content = json.dumps(data)
    path.write_text(content, encoding="utf-8")
    assert run(str(tmp_path)) == library
    assert run(str(tmp_path))["imported"] is False  # rewritten whole


def test_another_release_of_the_library_is_read_afresh(tmp_path, library):
    run(str(tmp_path))
    path = tmp_path / _cache_name()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["library"][0][2] += 1  # the Vietnamese module's size: another release
    data["years"]["2026 vi"]["days"] = []  # what that release would have said
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(str(tmp_path)) == library


def _cache_name() -> str:
    from nqengine import calendars

    return calendars.cache_name(calendars._library_key())


#: The same, in an environment with another installation of the library (its folder elsewhere).
OTHER_INSTALLATION = """
from nqengine import calendars
real = calendars._library_key
calendars._library_key = lambda: [[p.replace("/holidays/", "/other-env/holidays/"), size, mtime] for p, size, mtime in real()]
""" + SCRIPT


def test_two_installations_of_the_library_keep_a_cache_each(tmp_path, library):
    assert run(str(tmp_path)) == library
    other = run(str(tmp_path), OTHER_INSTALLATION)
    assert {**other, "imported": True} == library and other["imported"] is True  # its own cache, cold
    assert len(list(tmp_path.glob("holidays-vn-*.json"))) == 2
    assert run(str(tmp_path))["imported"] is False  # the first is still warm: not rewritten by the other
    assert run(str(tmp_path), OTHER_INSTALLATION)["imported"] is False


def test_a_folder_that_cannot_be_written_changes_nothing(tmp_path, library):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    assert run(str(blocked / "cache")) == library


def test_an_empty_setting_means_no_cache(tmp_path, monkeypatch):
    from nqengine import calendars

    monkeypatch.setenv("NQENGINE_CACHE_DIR", "")
    assert calendars.cache_folder() is None
    monkeypatch.delenv("NQENGINE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert calendars.cache_folder() == str(tmp_path / "nqengine")
