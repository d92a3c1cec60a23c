"""The registry and the facts read at the same time: the facts in a forked process.

A national evaluation spends about as long reading the plan and the registry
as reading the facts (at 10% of the country: 0.2 s for the full plan with its
holiday tables, 0.36 s for the registry, 0.52 s for the facts, of CPU), and
the facts need neither.  :class:`FactsReadAside` reads the facts in a child
process (``os.fork``) while this one reads the plan and the registry, and takes
the facts back through a pipe (:func:`load_registry_and_facts` for the registry
alone): the machine's second core does half the loading, and the
command the user waits for ends sooner (``benchmarks/README.md``, "Fifth
session").  The CPU time spent is a little higher (the facts are sent as
plain tuples and rebuilt, about 0.07 s for 17,200 facts); they are sent in
batches of :data:`CHUNK`, so that this process rebuilds one batch while the
child pickles the next (at 100% of the country, 0.3 s to pickle and 0.4 s to
rebuild 169,456 facts, which no longer follow each other).

It changes nothing else: the same facts, in the same order, with the same
values shared between them, and the same errors.  A fact file with located
problems has them sent back and raised here; whenever the child cannot give
its facts or its problems (a value that cannot be sent, another error, the
child killed), this process reads the facts itself, the usual way, so every
problem is reported exactly as without the fork, and in the same order: a
plan or a registry with errors stops the child and raises as before.

The fork is used only where it is safe and pays: on Linux and other POSIX
systems but macOS, with no other thread running, for JSON Lines or CSV fact
files of :data:`MIN_BYTES` or more.  ``NQENGINE_FORK=0`` in the environment
turns it off.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
from typing import Any, Sequence

from nqengine.errors import InputError
from nqengine.forking import fork_allowed, stop_child
from nqengine.gcpause import gc_paused
from nqengine.inputs.load import BULK_SUFFIXES, load_facts, load_registry
from nqengine.model import Fact, Registry, Source

__all__ = ["load_registry_and_facts", "FactsReadAside", "MIN_BYTES"]

#: Bulk fact files smaller than this in all are read here, after the registry: forking would cost more than it saves.
MIN_BYTES = 1 << 20

_OK, _FAILED, _ERROR = b"1", b"0", b"E"


def load_registry_and_facts(
    registry_path: str | os.PathLike[str], facts_paths: Sequence[str | os.PathLike[str]], pm: Any = None
) -> tuple[Registry, list[Fact]]:
    """``(load_registry(registry_path), load_facts(facts_paths, pm))``, the facts read in a forked process when that pays."""
    with FactsReadAside(facts_paths, pm) as aside:
        registry = load_registry(registry_path)
        return registry, aside.result()


class FactsReadAside:
    """The facts read in a forked child while the ``with`` block does other work (the plan, the registry).

    ::

        with FactsReadAside(facts_paths, pm) as aside:
            spec = load_spec(...)
            registry = load_registry(...)
            facts = aside.result()

    :meth:`result` is what ``load_facts(facts_paths, pm=pm)`` returns, or
    raises what it raises.  Leaving the block without it (an error in the
    plan or the registry) stops the child.  Where the fork does not pay or is
    not safe, :meth:`result` reads the facts then, in this process.
    """

    def __init__(self, facts_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], pm: Any = None, load: Any = None) -> None:
        self.facts_paths = [facts_paths] if isinstance(facts_paths, (str, os.PathLike)) else list(facts_paths)  # as load_facts takes them
        self.pm = pm
        #: what reads the facts, here and in the child: ``load(facts_paths, pm=pm)`` (default :func:`~nqengine.inputs.load.load_facts`)
        self.load = load if load is not None else load_facts
        self.pid: int | None = None
        self.read: int | None = None

    def __enter__(self) -> "FactsReadAside":
        if not _worth_forking(self.facts_paths):
            return self
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or processes left for a child: read them in this process
            os.close(read)
            os.close(write)
            return self
        if pid == 0:  # pragma: no cover - the child (its work is checked by what the parent receives)
            _child(read, write, self.facts_paths, self.pm, self.load)
        os.close(write)
        self.pid, self.read = pid, read
        return self

    def waiting(self) -> bool:
        """Whether :meth:`result` would wait for the child now (nothing has come back yet): time to do other work."""
        if self.pid is None or self.read is None:
            return False
        poll = select.poll()  # not select.select: it refuses descriptors past 1023
        poll.register(self.read, select.POLLIN)
        return not poll.poll(0)

    def result(self) -> list[Fact]:
        """The facts: the child's, or read here (and any error raised here, as without the fork)."""
        facts = None
        if self.pid is not None:
            read, self.read = self.read, None  # closed by the file object from here on, even if interrupted
            with os.fdopen(read, "rb") as fh:  # type: ignore[arg-type]
                try:
                    facts = _receive(fh)  # rebuilt as they come: while the child sends the next ones
                finally:
                    if facts is None:  # an error raised, or nothing usable: what the child still sends is not wanted
                        try:
                            os.kill(self.pid, signal.SIGKILL)  # type: ignore[arg-type]
                        except OSError:  # pragma: no cover - already reaped
                            pass
            os.waitpid(self.pid, 0)
            self.pid = None
        if facts is None:
            facts = self.load(self.facts_paths, pm=self.pm)
        return facts

    def __exit__(self, *exc: Any) -> None:
        if self.pid is not None:  # left before the result was taken (or while it was read): the facts are not needed
            _stop(self.pid, self.read)
            self.pid = self.read = None


def _worth_forking(facts_paths: Sequence[str | os.PathLike[str]]) -> bool:
    if not fork_allowed():  # POSIX but macOS, no other thread, NQENGINE_FORK not 0: see nqengine.forking
        return False
    size = 0
    for p in facts_paths:
        name = os.fspath(p)
        if name.endswith(BULK_SUFFIXES):
            try:
                size += os.stat(name).st_size
            except OSError:  # load_facts says what is wrong with it
                return False
    return size >= MIN_BYTES


def _child(read: int, write: int, facts_paths: Sequence[Any], pm: Any, load: Any) -> None:  # pragma: no cover - runs in the child
    """Read the facts and send them; never returns (``os._exit``: no buffers of the parent flushed twice, no exit handlers)."""
    try:
        os.close(read)
        with os.fdopen(write, "wb") as fh:
            try:
                facts = load(facts_paths, pm=pm)
            except InputError as exc:  # located problems: sent, so the parent raises them without reading the files again
                try:
                    payload = _ERROR + pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    payload = _FAILED
                fh.write(payload)
                return
            except BaseException:  # the parent reads the facts again and raises what is wrong
                fh.write(_FAILED)
                return
            fh.write(_OK)
            _send(fh, facts)
    finally:
        os._exit(0)


#: Facts per pickle sent: the parent rebuilds one batch while the child pickles the next.
CHUNK = 16_384


def _send(fh: Any, facts: list[Fact]) -> None:
    """The facts pickled to ``fh`` in batches, as plain tuples (pickled several times faster than the attrs records).

    One pickler for all the batches: a value shared by facts of different batches is sent once and stays shared.
    Facts of another class, or with another kind of source, are sent as the objects they are, in one batch.
    """
    pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
    if any(f.__class__ is not Fact or (f.source is not None and f.source.__class__ is not Source) for f in facts):
        pickler.dump(("objects", facts))
    else:
        for start in range(0, len(facts), CHUNK):
            rows = [
                (f.id, f.type, f.unit, f.date, f.data) if (src := f.source) is None else (f.id, f.type, f.unit, f.date, f.data, src.file, src.line, src.column)
                for f in facts[start:start + CHUNK]
            ]
            pickler.dump(("rows", rows))
            fh.flush()  # the parent rebuilds these while the next are pickled
    pickler.dump(("end", None))
    fh.flush()


def _encode(facts: list[Fact]) -> bytes:
    """What :func:`_send` writes, as bytes."""
    out = io.BytesIO()
    _send(out, facts)
    return out.getvalue()


def _receive(fh: Any) -> list[Fact] | None:
    """The child's facts read from ``fh``; raises the located error it sent; None when the facts must be read here."""
    tag = fh.read(1)
    if tag == _ERROR:
        try:
            exc = pickle.loads(fh.read())
        except Exception:  # a problem's value that does not come back as it was: read here, raise from here
            return None
        if isinstance(exc, InputError):
            raise exc
        return None  # pragma: no cover - only InputError is sent
    if tag != _OK:
        return None
    unpickler = pickle.Unpickler(fh)
    out: list[Fact] = []
    with gc_paused():  # tens of thousands of acyclic records: see nqengine.gcpause
        while True:
            try:
                how, items = unpickler.load()
            except Exception:  # a stream cut short (the child killed): read the facts here
                return None
            if how == "end":
                return out
            if how == "objects":
                out.extend(items)
                continue
            out.extend(
                Fact(r[0], r[1], r[2], r[3], r[4], None) if len(r) == 5 else Fact(r[0], r[1], r[2], r[3], r[4], Source(r[5], r[6], r[7]))
                for r in items
            )


def _received(payload: bytes) -> list[Fact] | None:
    """:func:`_receive` from bytes."""
    return _receive(io.BytesIO(payload))


def _stop(pid: int, read: int | None) -> None:
    """The child stopped and reaped, the pipe closed (``read`` None: its file object closes it): its facts are not needed."""
    stop_child(pid)
    if read is not None:
        os.close(read)
