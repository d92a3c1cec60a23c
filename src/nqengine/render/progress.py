"""Progress of long runs on stderr, when stderr is a terminal (tqdm), and nothing otherwise.

``progress_bar(stream, label)`` is a context manager giving a callable
``bar(step, total)`` for :func:`nqengine.evaluate` and :func:`nqengine.prove.prove`
(``progress=bar``): each call advances the bar by one step (an obligation, a
check) and names it.  Without a terminal, or without tqdm (the ``progress``
extra), the callable does nothing, so piped and logged output stays clean.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

__all__ = ["progress_bar", "wanted"]


def wanted(stream: Any) -> bool:
    """Whether to draw progress on ``stream``: a terminal, and tqdm installed."""
    isatty = getattr(stream, "isatty", None)
    if not (callable(isatty) and isatty()):
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


class _Bar:
    def __init__(self, stream: Any, label: str):
        self.stream, self.label, self.bar = stream, label, None

    def __call__(self, step: str, total: int) -> None:
        if self.bar is None:
            from tqdm import tqdm  # tqdm is optional (the `progress` extra)

            self.bar = tqdm(total=total, desc=self.label, file=self.stream, leave=False, dynamic_ncols=True)
        self.bar.set_postfix_str(str(step), refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextlib.contextmanager
def progress_bar(stream: Any, label: str) -> Iterator[Any]:
    """A ``progress(step, total)`` callable drawing on ``stream`` if it is a terminal, else None."""
    if not wanted(stream):
        yield None
        return
    bar = _Bar(stream, label)
    try:
        yield bar
    finally:
        bar.close()
