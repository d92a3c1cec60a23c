"""A durable fact store: facts submitted over time, registry versions, tokens and a decision log.

``nqengine serve`` keeps its data here, and a system that embeds nqengine
without HTTP can use it directly::
    from nqengine.store import open_store, parse_batch

    store = open_store("sqlite:///nqengine.db")       # or "postgresql://user@host/db"
    store.add_spec("specs/tam-ky-xxi")               # the spec, and its registry as version 1
    batch = parse_batch(b'{"facts": [...]}', "application/json")
    result = store.submit("tam-ky-xxi", batch, token_id=None)
    facts = store.effective_facts("tam-ky-xxi")      # corrections applied, attendance folded
    ev = store.evaluate("tam-ky-xxi", "20/11/2020")   # a full evaluation of what is stored

Facts are never deleted: a correction is a new fact that ``supersedes`` an
older one, and the older one stays readable in :meth:`Store.history`.  Every
submission is one transaction (all of the batch or none of it), numbered
facts in commit order (``seq``), and a *watermark* — the highest ``seq`` a
reader has seen — names a fact set exactly, so any past answer can be
reproduced (:meth:`Store.replay`).
"""

from __future__ import annotations

from nqengine.store.batch import BatchTooLarge, Submitted, parse_batch
from nqengine.store.core import (
    SCOPES,
    Conflict,
    Decision,
    Store,
    SubmitResult,
    Token,
    open_store,
)

__all__ = [
    "open_store",
    "Store",
    "Submitted",
    "SubmitResult",
    "Conflict",
    "Decision",
    "Token",
    "SCOPES",
    "parse_batch",
    "BatchTooLarge",
]
