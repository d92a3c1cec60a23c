"""``nqengine draft``: from a plan's text to a draft spec, deterministically.

No language model: the genre is regular (the layout of Hướng dẫn 36-HD/VPTW,
the numbering I./1./1.1./a./-, the labelled paragraphs, the date phrases), so the
drafter reads it with rules, and every line of the draft points back at the text.

>>> import nqengine.draft as d
>>> draft = d.draft_file("specs/tam-ky-xxi/source/ke-hoach-tam-ky-2020.txt")
>>> draft.clauses["II.1.1.b"]
'Thời gian: 01 buổi, hoàn thành trước ngày 31/10/2020.'

:func:`draft_file` / :func:`draft_paragraphs` build a :class:`Draft`;
:meth:`Draft.write` writes ``plan.yaml`` and the traceability ``README.md``;
:func:`check_spec` compares an existing spec with its source text.  A plugin
teaches the drafter its own words with the ``nqengine_draft_vocabulary`` hook.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # at run time imported on first use (below)
    from nqengine.draft.check import CheckProblem, check_spec, find_source
    from nqengine.draft.drafting import Draft, draft_file, draft_paragraphs, draft_text
    from nqengine.draft.trace import dates_of

__all__ = ["CheckProblem", "Draft", "check_spec", "dates_of", "draft_file", "draft_paragraphs", "draft_text", "find_source"]

#: Where each name lives: the command line builds its ``draft`` subcommand from
#: :mod:`nqengine.draft.cli` without loading the drafter (PEP 562).
_LAZY = {
    **dict.fromkeys(("CheckProblem", "check_spec", "find_source"), "nqengine.draft.check"),
    **dict.fromkeys(("Draft", "draft_file", "draft_paragraphs", "draft_text"), "nqengine.draft.drafting"),
    "dates_of": "nqengine.draft.trace",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
