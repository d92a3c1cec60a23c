"""A long run of items and its tail, written by two processes at once (``nqengine.render.aside``).

The writer forks a child that writes the tail, then the last part of the
items it is given when it asks; this process writes the rest and copies the
child's bytes after its own.  What is written must be the bytes one process
writes, whatever happens to the child; an error must be raised as without the
fork, with what came before it written; no child may be left behind.  The
JSON writer uses it for documents of ``ASIDE_MIN_VERDICTS`` verdicts or more.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import threading
from pathlib import Path

import pytest

import nqengine
from nqengine.cli import main
from nqengine.render import aside, formats

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="the fork is used on Linux and other POSIX systems but macOS")


class Writer:
    """Items ``b"<i>,"`` and a tail; what this process wrote is recorded (the child's calls stay in the child)."""

    def __init__(self, n: int, fail_in_child: str | None = None, fail_everywhere: str | None = None):
        self.n, self.parent = n, os.getpid()
        self.fail_in_child, self.fail_everywhere = fail_in_child, fail_everywhere
        self.ranges: list[tuple[int, int]] = []  # the items this process wrote
        self.tails = 0  # how many times this process wrote the tail

    def _fail(self, what: str) -> None:
        if self.fail_everywhere == what or (self.fail_in_child == what and os.getpid() != self.parent):
            raise RuntimeError(f"{what} failed")

    def items(self, write, start: int, stop: int) -> None:
        self._fail("items")
        self.ranges.append((start, stop))
        for i in range(start, stop):
            write(b"%d%s" % (i, b"," if i < self.n - 1 else b""))

    def tail(self, write) -> None:
        self._fail("tail")
        self.tails += 1
        write(b"]tail")

    def head(self, write) -> None:
        write(b"[")

    def expected(self) -> bytes:
        return b"[" + b",".join(b"%d" % i for i in range(self.n)) + b"]tail"


class Batch:
    def __init__(self, raw):
        self.raw = raw

    def write(self, data: bytes) -> None:
        self.raw.write(data)

    def flush(self) -> None:
        pass


@pytest.fixture
def forks(monkeypatch):
    """The number of ``os.fork`` calls made by this process during the test."""
    calls: list[int] = []
    real = os.fork

    def counted():
        pid = real()
        if pid:
            calls.append(pid)
        return pid

    monkeypatch.setattr(aside.os, "fork", counted)
    return calls


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def write(w: Writer, out, fork: bool = True) -> None:
    with aside.WrittenInTwo(w.n, w.items, w.tail, Batch, head=w.head, fork=fork) as two:
        two.write_to(out)


@pytest.mark.parametrize("n", [0, 1, 2, 255, 256, 257, 3000])
def test_the_bytes_are_those_one_process_writes(n, tmp_path, forks):
    w = Writer(n)
    path = tmp_path / "out"
    with open(path, "wb") as fh:
        fh.write(b"before:")
        write(w, fh)
        fh.write(b":after")  # the file's position follows the bytes the kernel copied
    assert path.read_bytes() == b"before:" + w.expected() + b":after"
    assert len(forks) == 1
    assert no_child_left()


def test_the_child_writes_the_last_items_when_it_asks(tmp_path, forks, monkeypatch):
    """The tail is quick here: the child asks after the first block and is given half of the rest."""
    monkeypatch.setattr(aside, "BLOCK", 10)
    w = Writer(2000)
    w_items = w.items

    def slow_items(write, start, stop):  # this process slow enough for the child to have asked by the next block
        if os.getpid() == w.parent:
            import time

            time.sleep(0.05)
        w_items(write, start, stop)

    w.items = slow_items  # type: ignore[method-assign]
    out = io.BytesIO()
    write(w, out)
    assert out.getvalue() == w.expected()  # copied through Python: BytesIO is no file of the system
    written_here = sum(b - a for a, b in w.ranges)
    assert 0 < written_here < 2000
    assert w.ranges[0] == (0, 10) and w.ranges[-1][1] == written_here  # a run from the first item
    assert w.tails == 0  # the child wrote the tail
    assert no_child_left()


@pytest.mark.parametrize("what", ["items", "tail"])
def test_when_the_child_fails_this_process_writes_its_part(what, tmp_path, forks, monkeypatch):
    monkeypatch.setattr(aside, "BLOCK", 10)
    w = Writer(1000, fail_in_child=what)
    path = tmp_path / "out"
    with open(path, "wb") as fh:
        write(w, fh)
    assert path.read_bytes() == w.expected()
    assert len(forks) == 1
    assert sum(b - a for a, b in w.ranges) == 1000 and w.tails == 1  # all of it written here
    assert no_child_left()


@pytest.mark.parametrize("what", ["items", "tail"])
def test_an_error_is_raised_as_without_the_fork_with_what_came_before_written(what, tmp_path, forks):
    results = []
    for fork in (True, False):
        w = Writer(600, fail_everywhere=what)
        out = io.BytesIO()
        with pytest.raises(RuntimeError, match=f"{what} failed"):
            write(w, out, fork=fork)
        results.append(out.getvalue())
    assert results[0] == results[1]
    assert results[0].startswith(b"[")
    assert len(forks) == 1
    assert no_child_left()


def test_an_error_in_this_process_stops_the_child(tmp_path, forks, monkeypatch):
    monkeypatch.setattr(aside, "BLOCK", 10)
    w = Writer(5000)
    real = w.items

    def failing(write, start, stop):
        if os.getpid() == w.parent and start >= 20:
            raise KeyboardInterrupt  # Ctrl-C
        real(write, start, stop)

    w.items = failing  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        write(w, io.BytesIO())
    assert len(forks) == 1
    assert no_child_left()


def test_ctrl_c_while_waiting_for_the_child_stops_and_reaps_it(monkeypatch, forks):
    w = Writer(3000)
    real = os.waitpid
    calls: list[int] = []

    def interrupted(pid, options):
        calls.append(options)
        if len(calls) == 1:  # the wait for the child's part
            raise KeyboardInterrupt
        return real(pid, options)

    monkeypatch.setattr(os, "waitpid", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write(w, io.BytesIO())
    monkeypatch.setattr(os, "waitpid", real)
    assert calls[0] == 0 and len(calls) == 2  # then stopped and reaped on the way out
    assert len(forks) == 1
    assert no_child_left()


def test_the_output_can_be_a_pipe(forks):
    w = Writer(3000)
    read, write_end = os.pipe()
    got = bytearray()

    def drain():
        with os.fdopen(read, "rb") as fh:
            got.extend(fh.read())

    reader = threading.Thread(target=drain)
    with os.fdopen(write_end, "wb") as fh:
        write(w, fh)  # before the reader thread starts: a fork beside a thread is refused
        reader.start()
    reader.join()
    assert bytes(got) == w.expected()
    assert len(forks) == 1


def test_no_fork_when_told_not_to_or_beside_a_thread(monkeypatch, forks):
    w = Writer(3000)
    write(w, io.BytesIO(), fork=False)
    monkeypatch.setenv("NQENGINE_FORK", "0")
    out = io.BytesIO()
    write(w, out)
    assert out.getvalue() == w.expected()
    monkeypatch.delenv("NQENGINE_FORK")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        out = io.BytesIO()
        write(w, out)
    finally:
        stop.set()
        t.join()
    assert out.getvalue() == w.expected()
    assert forks == []


@pytest.mark.parametrize(("spec", "date"), [("tam-ky-xxi", "20/11/2020"), ("an-my-xxi", "31/12/2020")])
def test_the_cli_json_written_by_two_processes_is_the_golden_bytes(spec, date, tmp_path, monkeypatch, forks):
    """With the threshold at one verdict, the documents the golden files hold are written in two processes."""
    pytest.importorskip("orjson")
    monkeypatch.setattr(formats, "ASIDE_MIN_VERDICTS", 1)
    monkeypatch.setattr(aside, "BLOCK", 1)
    out = tmp_path / "out.json"
    assert main(["evaluate", f"specs/{spec}", "--as-of", date, "--format", "json", "-o", str(out)]) == 0
    assert out.read_bytes() == (GOLDEN / f"{spec}-{date.replace('/', '-')}.json").read_bytes()
    assert len(forks) == 1
    assert no_child_left()


def test_the_cli_json_of_recurring_obligations_counts_verdicts_per_period(tmp_path, monkeypatch):
    """``summary_by_period`` as ``render_json`` gives it, written to a file (bytes) or to a text stream.

    The streamed writers once took it from an evaluation without verdicts and wrote ``{}``.
    """
    spec = nqengine.load_spec("specs/gia-lai-ctr-01/plan.yaml")
    ev = nqengine.evaluate(spec, nqengine.load_registry("specs/gia-lai-ctr-01/registry.yaml"),
                           nqengine.load_facts("specs/gia-lai-ctr-01/facts.yaml"), "20/10/2026")
    expected = formats.render_json(ev)
    by_period = json.loads(expected)["summary_by_period"]
    assert by_period["bao-cao-quy"]["2026-Q1"] == {"not_applicable": 0, "pending": 0, "due_soon": 0, "met": 3, "met_late": 0,
                                                   "overdue": 0, "violated": 1, "indeterminate": 0}
    assert by_period["bao-cao-quy"]["2026-Q2"]["met_late"] == 2
    out = tmp_path / "out.json"
    assert main(["evaluate", "specs/gia-lai-ctr-01", "--as-of", "20/10/2026", "--format", "json", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == expected
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["evaluate", "specs/gia-lai-ctr-01", "--as-of", "20/10/2026", "--format", "json"]) == 0
    assert text.getvalue() == expected
    monkeypatch.setattr(formats, "orjson", None)  # the standard library's writer
    text = io.StringIO()
    formats.write_evaluation_json(ev, text)
    assert text.getvalue() == expected


EXAMPLES = [("tam-ky-xxi", "20/11/2020", None), ("an-my-xxi", "31/12/2020", None), ("plugin-demo", "20/11/2020", None),
            ("gia-lai-xiv", "10/04/2026", None), ("gia-lai-ctr-01", "20/10/2026", None), ("gia-lai-ctr-01", "20/10/2026", "quý II/2026")]


@pytest.mark.parametrize(("spec", "date", "period"), EXAMPLES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_writer_of_the_json_gives_the_text_of_render_json(spec, date, period, lang, tmp_path, monkeypatch, forks):
    """The command's writers (bytes to a file by one or two processes, text to a stream, with or without orjson) against ``render_json``."""
    pytest.importorskip("orjson")
    pm = nqengine.get_plugin_manager()
    ev = nqengine.evaluate(*nqengine.load_folder(f"specs/{spec}", pm=pm), date, pm=pm, period=period)
    expected = formats.render_json(ev, lang)
    args = ["evaluate", f"specs/{spec}", "--as-of", date, "--format", "json", "--lang", lang] + (["--period", period] if period else [])
    for threshold in (10**9, 1):  # one process, then two
        monkeypatch.setattr(formats, "ASIDE_MIN_VERDICTS", threshold)
        out = tmp_path / f"out-{threshold}.json"
        assert main([*args, "-o", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == expected
    assert len(forks) == 1
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(args) == 0
    assert text.getvalue() == expected
    monkeypatch.setattr(formats, "orjson", None)
    text = io.StringIO()
    formats.write_evaluation_json(ev, text, lang)
    assert text.getvalue() == expected
