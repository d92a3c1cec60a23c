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

__all__ = ["gc_paused", "freeze_for_process"]

#: Set by :func:`freeze_for_process`: what paused blocks create is frozen for good on the way out.
_FOR_PROCESS = False


def freeze_for_process() -> None:
    """For a process that ends when its work does (the ``nqengine`` console script): freeze what lives now.

    Everything alive is moved to the collector's permanent generation
    (``gc.freeze()``), which no collection walks, and from now on each
    :func:`gc_paused` block freezes the objects it created on the way out
    too.  What is frozen is still freed by reference counting when it is
    dropped; only a reference cycle among frozen objects is never collected,
    which a process about to end can afford.  A long-running program (the
    service, an embedding system) should not call this.
    """
    global _FOR_PROCESS
    _FOR_PROCESS = True
    gc.freeze()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore it after (if it was enabled).

    On the way out, the objects the block created are moved to the oldest
    generation (``gc.freeze()`` then ``gc.unfreeze()``, which splice the
    collector's lists without visiting the objects) rather than left young:
    otherwise the first allocation after the block would start a collection
    that walks every one of them (a second or more at national scale), only
    to find no garbage.  This also ages the objects the rest of the program
    created recently; a cycle among them is then found by the next full
    collection instead of a young one.  Skipped if the program itself uses
    ``gc.freeze()`` (unfreezing would release its frozen objects); after
    :func:`freeze_for_process` the objects are frozen for good instead.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if _FOR_PROCESS:
                gc.freeze()
            elif gc.get_freeze_count() == 0:
                new = gc.get_count()[0]  # objects the block added (the young generation was not collected during it)
                gc.freeze()
                gc.unfreeze()
                _collect_if_grown(new)
            gc.enable()


#: [objects kept after the last full collection gc_paused started (or by its first block), objects aged since].
_BASE: list[int] = []


def _collect_if_grown(new: int) -> None:
    """Python's own rule for full collections, for the objects :func:`gc_paused` aged.

    Objects moved to the oldest generation this way are not counted by the
    interpreter's trigger for a full collection (25% more long-lived objects
    than after the last one), so a program that evaluates again and again
    (the service, a loop over plans, the fuzzer) would keep every reference
    cycle its evaluations left: the fuzzer grew to 8.8 GB in 58,000 cases.
    The same rule, applied here: a full collection once the objects the
    blocks added since the last one exceed a quarter of those it kept (and
    100,000); the first block only sets that base, since what a program
    loads first is usually what it keeps.
    Counted in O(1) (``gc.get_count()``): measuring the whole heap at every
    block would cost a program of millions of objects more than the
    collections themselves.
    """
    if not _BASE:
        _BASE.extend((max(new, 0), 0))
        return
    _BASE[1] += max(new, 0)
    if _BASE[1] > _BASE[0] // 4 + 100_000:
        gc.collect()
        gc.freeze()  # how many objects are kept now: counted once per full collection
        _BASE[0], _BASE[1] = gc.get_freeze_count(), 0
        gc.unfreeze()
