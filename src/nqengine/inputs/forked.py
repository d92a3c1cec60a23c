"""The registry and the facts read at the same time: the facts in a forked process.

A national evaluation spends about as long reading the registry as reading
the facts (at 10% of the country: 0.36 s and 0.52 s of CPU), and neither needs
the other.  :func:`load_registry_and_facts` reads the facts in a child process
(``os.fork``) while this one reads the registry, and takes the facts back
through a pipe: the machine's second core does half the loading, and the
command the user waits for ends sooner (``benchmarks/README.md``, "Fifth
session").  The CPU time spent is a little higher (the facts are sent as
plain tuples and rebuilt, about 0.07 s for 17,200 facts).

It changes nothing else: the same facts, in the same order, with the same
values shared between them, and the same errors.  Whenever the child cannot
give its facts (a fact file with errors, a value that cannot be sent, the
child killed), this process reads the facts itself, the usual way, so every
problem is reported exactly as without the fork.  A registry with errors
stops the child and raises as before.

The fork is used only where it is safe and pays: on Linux and other POSIX
systems but macOS, with no other thread running, for JSON Lines or CSV fact
files of :data:`MIN_BYTES` or more.  ``NQENGINE_FORK=0`` in the environment
turns it off.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Any, Sequence

from nqengine.gcpause import gc_paused
from nqengine.inputs.load import BULK_SUFFIXES, load_facts, load_registry
from nqengine.model import Fact, Registry, Source

__all__ = ["load_registry_and_facts", "MIN_BYTES"]

#: Bulk fact files smaller than this in all are read here, after the registry: forking would cost more than it saves.
MIN_BYTES = 1 << 20

_OK, _FAILED = b"1", b"0"


def load_registry_and_facts(
    registry_path: str | os.PathLike[str], facts_paths: Sequence[str | os.PathLike[str]], pm: Any = None
) -> tuple[Registry, list[Fact]]:
    """``(load_registry(registry_path), load_facts(facts_paths, pm))``, the facts read in a forked process when that pays."""
    if not _worth_forking(facts_paths):
        return load_registry(registry_path), load_facts(facts_paths, pm=pm)
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or processes left for a child: read one after the other
        os.close(read)
        os.close(write)
        return load_registry(registry_path), load_facts(facts_paths, pm=pm)
    if pid == 0:  # pragma: no cover - the child (its work is checked by what the parent receives)
        _child(read, write, facts_paths, pm)
    os.close(write)
    try:
        registry = load_registry(registry_path)
    except BaseException:
        _stop(pid, read)
        raise
    with os.fdopen(read, "rb") as fh:
        payload = fh.read()
    os.waitpid(pid, 0)
    facts = _received(payload)
    if facts is None:  # the child could not give them: read here, so any error is raised as without the fork
        facts = load_facts(facts_paths, pm=pm)
    return registry, facts


def _worth_forking(facts_paths: Sequence[str | os.PathLike[str]]) -> bool:
    if not hasattr(os, "fork") or sys.platform == "darwin" or os.environ.get("NQENGINE_FORK", "1") == "0":
        return False
    if threading.active_count() > 1:  # a child forked beside other threads may find their locks held
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


def _child(read: int, write: int, facts_paths: Sequence[Any], pm: Any) -> None:  # pragma: no cover - runs in the child
    """Read the facts and send them; never returns (``os._exit``: no buffers of the parent flushed twice, no exit handlers)."""
    try:
        os.close(read)
        try:
            payload = _OK + _encode(load_facts(facts_paths, pm=pm))
        except BaseException:  # the parent reads the facts again and raises what is wrong, located
            payload = _FAILED
        with os.fdopen(write, "wb") as fh:
            fh.write(payload)
    finally:
        os._exit(0)


def _encode(facts: list[Fact]) -> bytes:
    """The facts as plain tuples (pickled several times faster than the attrs records); values shared stay shared."""
    rows: list[tuple] = []
    for f in facts:
        src = f.source
        if f.__class__ is not Fact or (src is not None and src.__class__ is not Source):
            return pickle.dumps(("objects", facts), protocol=pickle.HIGHEST_PROTOCOL)
        rows.append((f.id, f.type, f.unit, f.date, f.data) if src is None else (f.id, f.type, f.unit, f.date, f.data, src.file, src.line, src.column))
    return pickle.dumps(("rows", rows), protocol=pickle.HIGHEST_PROTOCOL)


def _received(payload: bytes) -> list[Fact] | None:
    if payload[:1] != _OK:
        return None
    with gc_paused():  # tens of thousands of acyclic records: see nqengine.gcpause
        try:
            how, items = pickle.loads(memoryview(payload)[1:])
        except Exception:  # pragma: no cover - a payload cut short: read the facts here
            return None
        if how == "objects":
            return items
        return [
            Fact(r[0], r[1], r[2], r[3], r[4], None) if len(r) == 5 else Fact(r[0], r[1], r[2], r[3], r[4], Source(r[5], r[6], r[7]))
            for r in items
        ]


def _stop(pid: int, read: int) -> None:
    """The registry failed: the facts are not needed."""
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # pragma: no cover - already gone
        pass
    os.waitpid(pid, 0)
    os.close(read)
