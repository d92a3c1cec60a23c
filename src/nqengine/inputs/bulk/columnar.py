"""Large attendance CSV files read a column at a time by pyarrow (optional: the ``fast`` extra).

A national attendance file holds millions of one-person rows (3.9 million in the
benchmark's 100% data set, 258 MB).  The pure-Python bulk lane
(:meth:`nqengine.inputs.bulk._Attendance._bulk`) splits them into cells and counts
each session's run of rows; this lane has pyarrow parse the file into columns in
C++ and checks and counts the runs with its vectorised functions, and Python then
sees one tuple per run (a few tens of thousands) instead of one list per row.

It takes a file only when every row would pass the Python lane's quick checks, so
that the result is the same by construction; anything else returns None and the
Python lane reads the file as before, locating each problem:

- the header is exactly ``type, unit, date, session, member, category`` (any order)
  on the first line, and the rows follow from the second;
- only printable ASCII but the quote, and line feeds (no quote, carriage return,
  tab or byte order mark), and no blank line: each line is one row;
- every row of type ``attendance``; every cell non-empty, without a space at either
  end; no space inside a member id; every date one nqengine reads;
- no member twice in a run (a run's ids are checked in order, and as a set where
  they are not increasing).

Whether a member is counted twice across runs or files is left to
:meth:`~nqengine.inputs.attendance.AttendanceTally.add_runs`, which counts nothing
when one is (the Python lane then locates the row).

``NQENGINE_ARROW=0`` in the environment turns the lane off, ``NQENGINE_ARROW=1``
uses it for files of any size (the tests); by default it reads files of
:data:`MIN_BYTES` or more when pyarrow is installed.
"""

from __future__ import annotations

import bisect
import os
from typing import Any, Callable

__all__ = ["COLUMNS", "MIN_BYTES", "attendance_runs", "wanted"]

#: The columns of an attendance file this lane reads, in any order.
COLUMNS = frozenset({"type", "unit", "date", "session", "member", "category"})
#: Files smaller than this are left to the Python lane.  Importing pyarrow takes about 0.1 s and about 100 MB of
#: resident memory (its libraries, allocator and thread pool): on the 10% national data set (a 26 MB file,
#: 399,024 rows) the lane saved about 0.2 s of the child's time but no wall time, and took the command's peak RSS
#: from 94 to 230 MB.  From about 64 MB (a million rows) what it saves is worth it: 100% (258 MB), see
#: benchmarks/README.md.
MIN_BYTES = 64 << 20
_SCAN = 1 << 24  # bytes read at a time by the scan before parsing
#: Bytes pyarrow parses at a time.  Its streaming reader reads several blocks ahead: on the 258 MB file of the 100%
#: data set the lane peaked at 571 MB with 16 MB blocks, 363 with 4 and 218 with 1, in the same time (1.1 s).
_BLOCK = 1 << 20

#: One run of rows of a session: (session, unit, day, first line, rows, member ids joined by " ", counts per category).
Run = tuple[str, str, Any, int, int, str, dict[str, int]]


def wanted(fd: int, header: list[str]) -> bool:
    """Whether this lane should try the file open as ``fd`` with ``header`` (before pyarrow is imported)."""
    setting = os.environ.get("NQENGINE_ARROW", "")
    if setting == "0" or len(header) != len(COLUMNS) or set(header) != COLUMNS:
        return False
    try:
        size = os.fstat(fd).st_size
    except OSError:
        return False
    return setting == "1" or size >= MIN_BYTES


def _pyarrow() -> Any:
    try:
        import pyarrow  # optional (the `fast` extra): imported only for a large attendance file
        import pyarrow.compute  # noqa: F401 - as above
        import pyarrow.csv  # noqa: F401 - as above
    except Exception:  # not installed, or installed but broken (a missing shared library...): the Python lane reads the file
        return None
    return pyarrow


#: The bytes a file this lane takes may hold: printable ASCII but the quote, and the line feed.
_PLAIN = bytes(range(0x20, 0x7F)).replace(b'"', b"") + b"\n"


def _plain(fd: int) -> tuple[int, bool] | None:
    """(size, whether a space occurs) of a file of only :data:`_PLAIN` bytes; None for any other byte (a quote, a
    carriage return, a tab, a byte order mark, a non-ASCII letter...)."""
    pos, space = 0, False
    while True:
        block = os.pread(fd, _SCAN, pos)
        if not block:
            break
        if block.translate(None, _PLAIN):
            return None
        space = space or b" " in block
        pos += len(block)
    return pos, space


def attendance_runs(path: str, fd: int, header: list[str], first_line: int, day_of: Callable[[str], Any]) -> list[Run] | None:
    """The runs of rows of the attendance file ``path``, open as ``fd``, or None when this lane does not take it.

    ``first_line`` is the line of the first row (the lane takes files whose header
    is line 1); ``day_of`` reads a date cell (None if it is not a date).  A run is
    the rows of one (session, unit, date cell) that follow each other.  The file
    is opened again, so that ``fd``'s offset stays where the CSV reader has it; it
    must be the same file (device and inode).
    """
    if first_line != 2:
        return None
    pa = _pyarrow()
    if pa is None:
        return None
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed below, whichever way the lane ends
    except OSError:
        return None
    with raw:
        mine, theirs = os.fstat(raw.fileno()), os.fstat(fd)
        if (mine.st_dev, mine.st_ino) != (theirs.st_dev, theirs.st_ino):  # replaced since it was opened
            return None
        return _runs(pa, raw, header, first_line, day_of)


def _runs(pa: Any, raw: Any, header: list[str], first_line: int, day_of: Callable[[str], Any]) -> list[Run] | None:
    plain = _plain(raw.fileno())
    if plain is None:
        return None
    space = plain[1]
    pc, pcsv = pa.compute, pa.csv
    # [session, unit, date cell, first row, rows, ids joined, counts, ids in increasing order], growing as batches come
    runs: list[list[Any]] = []
    days: dict[str, Any] = {}
    done = 0  # rows of the batches before
    last_id = None  # the last member id of the batch before
    try:
        # a batch at a time (the whole table at once took 0.35 GB more at 100%)
        reader = pcsv.open_csv(
            raw,
            read_options=pcsv.ReadOptions(skip_rows=1, column_names=header, block_size=_BLOCK),
            # no quoting (the file holds no quote) and a blank line an error: each line is one row
            parse_options=pcsv.ParseOptions(quote_char=False, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.string() for h in header}, strings_can_be_null=False),
        )
        for batch in reader:
            n = batch.num_rows
            if n == 0:
                continue
            cols = {c: batch.column(header.index(c)) for c in ("type", "session", "unit", "date", "member", "category")}
            if not pc.all(pc.equal(cols.pop("type"), "attendance")).as_py():
                return None
            for name, col in cols.items():
                if pc.min(pc.binary_length(col)).as_py() == 0:  # an empty cell
                    return None
                if space and pc.any(pc.match_substring(col, " ") if name == "member" else pc.or_(pc.starts_with(col, " "), pc.ends_with(col, " "))).as_py():
                    return None
            for text in pc.unique(cols["date"]).to_pylist():
                if text not in days:
                    day = day_of(text)
                    if day is None:
                        return None
                    days[text] = day
            for i, run in enumerate(_batch_runs(pa, cols, n)):
                run[3] += done
                if i == 0 and runs and runs[-1][:3] == run[:3]:  # the run of the batch before goes on
                    before = runs[-1]
                    before[7] = before[7] and run[7] and last_id < run[5].split(" ", 1)[0]
                    before[4] += run[4]
                    before[5] = before[5] + " " + run[5]
                    for category, k in run[6].items():
                        before[6][category] = before[6].get(category, 0) + k
                else:
                    runs.append(run)
            last_id = cols["member"][n - 1].as_py()
            done += n
    except (pa.ArrowInvalid, pa.ArrowException, OSError):  # a row of another width, a blank line...: the Python lane says where
        return None
    if not done:
        return None
    for run in runs:  # a member twice in a run: where a run's ids do not increase, look at them as a set
        if not run[7]:
            ids = run[5].split(" ")
            if len(set(ids)) != len(ids):
                return None
    return [(r[0], r[1], days[r[2]], first_line + r[3], r[4], r[5], r[6]) for r in runs]


def _batch_runs(pa: Any, cols: dict[str, Any], n: int) -> list[list[Any]]:
    """The runs of one batch, as :func:`_runs` keeps them (first row counted from the batch's)."""
    pc = pa.compute
    session, unit, date, member = cols["session"], cols["unit"], cols["date"], cols["member"]
    if n > 1:
        change = pc.or_(pc.or_(pc.not_equal(session[1:], session[:-1]), pc.not_equal(unit[1:], unit[:-1])), pc.not_equal(date[1:], date[:-1]))
        starts = [0, *(i + 1 for i in pc.indices_nonzero(change).to_pylist())]
        # the runs whose ids do not increase somewhere: _runs looks at their ids as a set
        unordered = pc.and_(pc.invert(pc.less(member[:-1], member[1:])), pc.invert(change))
        ordered = [True] * len(starts)
        if pc.any(unordered).as_py():
            for i in pc.indices_nonzero(unordered).to_pylist():
                ordered[bisect.bisect_right(starts, i) - 1] = False
        run_of = pa.concat_arrays([pa.array([0], pa.int32()), pc.cumulative_sum(pc.cast(change, pa.int32()))])
    else:
        starts, ordered = [0], [True]
        run_of = pa.array([0], pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([*starts, n], pa.int32()), member), " ").to_pylist()
    encoded = cols["category"].dictionary_encode()
    names = encoded.dictionary.to_pylist()
    tally = pa.table({"run": run_of, "category": encoded.indices}).group_by(["run", "category"], use_threads=False).aggregate([([], "count_all")])
    counts: list[dict[str, int]] = [{} for _ in starts]
    for r, c, k in zip(tally["run"].to_pylist(), tally["category"].to_pylist(), tally["count_all"].to_pylist()):
        counts[r][names[c]] = k
    firsts = pa.array(starts, pa.int64())
    sessions, units, dates = (pc.take(col, firsts).to_pylist() for col in (session, unit, date))
    ends = [*starts[1:], n]
    return [[s, u, d, start, end - start, j, c, o] for s, u, d, start, end, j, c, o in zip(sessions, units, dates, starts, ends, joined, counts, ordered)]
