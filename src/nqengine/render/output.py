"""Writing a format's output where the command line was asked to: a file, or standard output.

Text formats may stream (``write``); binary formats (``binary = True``:
xlsx, docx) return bytes and need ``-o FILE`` or a standard output that is not
a terminal.  A format's ``render`` receives the options it accepts among
``width`` (the reader's columns: ``--width N``, else the terminal's; None for
a file or a pipe, so names are written in full) and ``unit``.
"""

from __future__ import annotations

import inspect
import shutil
from typing import Any

from nqengine.errors import NQEngineError

__all__ = ["reader_width", "render_options", "write_output"]


def reader_width(width: int | None, to_file: bool, stream: Any) -> int | None:
    """Columns the output must fit: ``--width``, else the terminal's, else None (a file: no limit)."""
    if width is not None:
        return width
    if to_file:
        return None
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        return shutil.get_terminal_size((80, 24)).columns  # honours COLUMNS
    return None


def render_options(fn: Any, **options: Any) -> dict[str, Any]:
    """The ``options`` that ``fn`` names (None included: ``width=None`` means no limit); with ``**kwargs``, those set."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return {k: v for k, v in options.items() if v is not None}
    return {k: v for k, v in options.items() if k in params}


def write_output(fmt: Any, ev: Any, lang: str, output: str | None, stdout: Any, *, width: int | None = None,
                 unit: str | None = None) -> None:
    """Render ``ev`` with ``fmt`` to the file ``output``, or to ``stdout``."""

    binary = bool(getattr(fmt, "binary", False))
    options = {"width": reader_width(width, output is not None, stdout), "unit": unit}
    if binary:
        if output is None and getattr(stdout, "isatty", lambda: False)():
            raise NQEngineError(f"--format {fmt.name} writes a binary file: give -o FILE")
        data = fmt.render(ev, lang, **render_options(fmt.render, **options))
        if output is not None:
            with open(output, "wb") as fh:
                fh.write(data)
        else:
            stdout.flush()
            getattr(stdout, "buffer", stdout).write(data)
        return
    opts = render_options(fmt.render, **options)
    write = getattr(fmt, "write", None)  # a format that can stream (json, csv) writes as it goes
    if write is not None and not opts:
        if output is not None:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                write(ev, fh, lang)
        else:
            write(ev, stdout, lang)
        return
    text = fmt.render(ev, lang, **opts)
    if output is not None:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        stdout.write(text)
