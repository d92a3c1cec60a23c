"""When nqengine may do part of a command's work in a forked child process, and how it stops one.

Two places use the machine's second core this way: reading large fact files
while the plan and the registry are read (:mod:`nqengine.inputs.forked`) and
writing the back of a large JSON document while the front is written
(:mod:`nqengine.render.aside`).  Both give the same result as without the
fork, and both fall back to doing the work in this process when the child
cannot.  They share the conditions under which a fork is safe:

- ``os.fork`` exists, and the system is not macOS (where a forked child may
  not use many system libraries);
- no other thread is running: a child forked beside other threads may find
  their locks held for ever (the service, an embedding program with a
  thread pool, never forks);
- ``NQENGINE_FORK=0`` is not set in the environment (the switch that turns
  both off, for a system that counts its processes or a debugger).
"""

from __future__ import annotations

import os
import signal
import sys
import threading

__all__ = ["fork_allowed", "stop_child"]


def fork_allowed() -> bool:
    """Whether a child may be forked now (see the module's conditions)."""
    if not hasattr(os, "fork") or sys.platform == "darwin" or os.environ.get("NQENGINE_FORK", "1") == "0":
        return False
    return threading.active_count() <= 1


def stop_child(pid: int) -> None:
    """The child ``pid`` killed and reaped (its work is not wanted any more)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # pragma: no cover - already gone
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # pragma: no cover - reaped already
        pass
