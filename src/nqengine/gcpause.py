"""Pausing Python's cyclic garbage collector around bulk work.

Loading a national registry or evaluating a national plan creates millions
of small objects and no reference cycles.  The cyclic collector would still
walk every live object again and again as they accumulate (a third of the
evaluation time at national scale); reference counting frees everything
these phases discard, so the collector can rest until they return.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore it after (if it was enabled)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
