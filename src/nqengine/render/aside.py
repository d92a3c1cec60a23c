"""A long run of items and what follows them, written by two processes at once.

Writing a national evaluation as JSON is most of what the command does after
evaluating: at 10% of the country, about 1 s of CPU for the 23,000 verdicts
(their deferred findings built and serialised) and 0.3 s for the roll-up that
follows them; at 100%, ten times as much (``benchmarks/README.md``, "Sixth
session").  No part of the document needs another part's bytes, so
:class:`WrittenInTwo` has a forked child (``os.fork``) write the *tail* (the
roll-up and what follows the verdicts) into a temporary file while this
process writes the verdicts from the first; when the child is done with the
tail it asks where to start, is given a little less than half of the verdicts
still unwritten (the last ones, :data:`CHILD_SHARE`), and writes them into a second temporary file.  This process
writes the rest, then copies the child's two files after it (``os.sendfile``:
the kernel copies them).  Both finish at about the same time whatever the
plan: a plan with a large roll-up leaves the child fewer verdicts.

It changes nothing in what is written: the same bytes, in the same order.
When the child cannot write its part (an error while building a finding, no
space for the temporary files, the child killed), this process writes it
itself, the usual way, so an error is raised exactly as without the fork.
Leaving the block early (an error in this process's part, Ctrl-C) stops the
child.  The fork is used where it is safe (:func:`nqengine.forking.fork_allowed`;
``NQENGINE_FORK=0`` turns it off) and where the caller says it pays.
"""

from __future__ import annotations

import os
import select
import shutil
import tempfile
from typing import IO, Any, Callable

from nqengine.forking import fork_allowed, stop_child

__all__ = ["WrittenInTwo", "BLOCK"]

#: Items are written this many at a time between two looks at whether the child asks for its share.
BLOCK = 256
#: The child's share, in percent, of the items still unwritten when it asks.  Less than half: the child
#: writes about a fifth slower (each page of the parent's it touches is copied first), and this process
#: then copies the child's files (national data at 100%: an even split left this process waiting 0.2-0.5 s).
CHILD_SHARE = 45

#: ``items(write, start, stop)`` writes items ``start`` to ``stop`` (excluded) with ``write(bytes)``.
Items = Callable[[Callable[[bytes], None], int, int], None]
#: ``tail(write)`` writes what follows the items.
Tail = Callable[[Callable[[bytes], None]], None]


class WrittenInTwo:
    """``n`` items and then a tail, written to a binary file by this process and, when it pays, a forked child.

    ::

        with WrittenInTwo(n, items, tail, batch, head=head, fork=n >= 2_000) as two:
            two.write_to(out)   # the head, items 0..n-1, then the tail, after what is in out

    ``head(write)``, if given, writes what comes before the items (here).
    ``batch(file)`` gives the ``write`` function the writers use on a binary
    file (the writers batch their many small pieces), with a ``flush()``.
    """

    def __init__(
        self, n: int, items: Items, tail: Tail, batch: Callable[[IO[bytes]], Any], head: Tail | None = None, fork: bool = True
    ) -> None:
        self.n, self.items, self.tail, self.batch, self.head = n, items, tail, batch, head
        self.fork = fork
        self.pid: int | None = None
        self.files: tuple[IO[bytes], IO[bytes]] | None = None  # the child's tail, the child's items
        self.asks: int | None = None  # the child's "where do I start?" (read here)
        self.answer: int | None = None  # the reply (written here)

    def __enter__(self) -> "WrittenInTwo":
        if not self.fork or not fork_allowed():
            return self
        try:
            self.files = (tempfile.TemporaryFile(), tempfile.TemporaryFile())  # noqa: SIM115 - closed in __exit__
        except OSError:  # no temporary folder to write in: all is written here
            return self
        asks, ask = os.pipe()
        answered, answer = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or processes left for a child
            for fd in (asks, ask, answered, answer):
                os.close(fd)
            return self
        if pid == 0:  # pragma: no cover - the child (its work is checked by the bytes the parent copies)
            os.close(asks)
            os.close(answer)
            _child(self, ask, answered)
        os.close(ask)
        os.close(answered)
        self.pid, self.asks, self.answer = pid, asks, answer
        return self

    def write_to(self, out: IO[bytes]) -> None:
        """The head, items ``0`` to ``n - 1``, then the tail, written to ``out`` after what is there."""
        batch = self.batch(out)
        try:
            if self.head is not None:
                self.head(batch.write)
            start, stop = 0, self.n
            while start < stop:
                end = min(start + BLOCK, stop)
                self.items(batch.write, start, end)
                start = end
                if self.answer is not None and _asked(self.asks):  # the child is done with the tail: give it its share of the rest
                    stop = self._reply(start + (stop - start) * (100 - CHILD_SHARE) // 100 if stop - start >= 2 * BLOCK else stop)
            if self.pid is None:  # no child: the tail follows here
                self.tail(batch.write)
                return
        finally:
            batch.flush()
        if self.answer is not None:  # the child did not ask yet: it writes no items
            stop = self._reply(self.n)
        if self._child_done():
            tail, items = self.files  # type: ignore[misc]
            _copy(items, out)
            _copy(tail, out)
            return
        batch = self.batch(out)  # the child failed: its part written here (and its error raised here)
        try:
            self.items(batch.write, stop, self.n)
            self.tail(batch.write)
        finally:
            batch.flush()

    def _reply(self, split: int) -> int:
        """The child told to write items from ``split`` on; returns it."""
        answer, self.answer = self.answer, None
        try:
            os.write(answer, split.to_bytes(8, "little"))  # type: ignore[arg-type]
        except OSError:  # the child is gone: its part is written here
            pass
        os.close(answer)  # type: ignore[arg-type]
        return split

    def _child_done(self) -> bool:
        """Whether the child wrote its part (waited for, and its files ready to be read)."""
        pid = self.pid
        if pid is None:
            return False
        _, status = os.waitpid(pid, 0)
        self.pid = None  # reaped (interrupted before: __exit__ stops and reaps it)
        return os.waitstatus_to_exitcode(status) == 0

    def __exit__(self, *exc: Any) -> None:
        if self.pid is not None:  # left before the child's part was taken: it is not needed
            stop_child(self.pid)
            self.pid = None
        for fd in (self.asks, self.answer):
            if fd is not None:
                os.close(fd)
        self.asks = self.answer = None
        for f in self.files or ():
            f.close()
        self.files = None


def _asked(fd: int | None) -> bool:
    """Whether the child has asked (a byte waits in the pipe ``fd``, or the child closed it); reads it."""
    poll = select.poll()  # not select.select: it refuses descriptors past 1023
    poll.register(fd, select.POLLIN | select.POLLHUP)  # type: ignore[arg-type]
    if not poll.poll(0):
        return False
    os.read(fd, 1)  # type: ignore[arg-type]
    return True


def _child(two: WrittenInTwo, ask: int, answered: int) -> None:  # pragma: no cover - runs in the child
    """Write the tail, ask where the items start, write them; never returns (``os._exit``: no exit handlers run twice)."""
    code = 1
    try:
        tail_file, items_file = two.files  # type: ignore[misc]
        to = two.batch(tail_file)
        two.tail(to.write)
        to.flush()
        tail_file.flush()
        os.write(ask, b"?")
        got = b""
        while len(got) < 8:
            more = os.read(answered, 8 - len(got))
            if not more:  # the parent is gone or wrote everything itself
                raise EOFError
            got += more
        split = int.from_bytes(got, "little")
        to = two.batch(items_file)
        two.items(to.write, split, two.n)
        to.flush()
        items_file.flush()
        code = 0
    except BaseException:  # the parent writes the child's part itself and raises what is wrong
        pass
    finally:
        os._exit(code)


def _copy(file: IO[bytes], out: IO[bytes]) -> None:
    """``file``'s bytes appended to ``out``: by the kernel (``os.sendfile``) when ``out`` is a file or a pipe, else read and written."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    out.flush()
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):  # not a file of the system (io.BytesIO): copied through Python
        fd = None
    sendfile = getattr(os, "sendfile", None)
    if fd is not None and sendfile is not None:
        offset = 0
        try:
            while offset < size:
                sent = sendfile(fd, file.fileno(), offset, size - offset)
                if sent == 0:  # pragma: no cover - the file shrank
                    break
                offset += sent
        except OSError:
            if offset:  # part of it written: the rest cannot follow another way
                raise
        else:
            if out.seekable():  # the buffered file's idea of its position brought up to date with the system's
                out.seek(os.lseek(fd, 0, os.SEEK_CUR))
            return
    shutil.copyfileobj(file, out, 1 << 20)
