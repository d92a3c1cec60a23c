"""All errors at once: reference checks that still run when part of a spec is broken.

Loading a spec checks structure, then references (clauses, events,
documents, audience categories, vocabularies), then the kinds' lint rules.
Stopping after the first stage with problems made an author fix a file in
rounds, each revealing a new batch.  Here the later stages run on what could
be read: obligations that could not be built are left out (the others keep
their position in the file, so paths still name the right item), and a
top-level field that is itself malformed silences only the references to it
(with ``clauses`` unreadable, "unknown clause" would be noise).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

import attrs

from nqengine.errors import Problem
from nqengine.schema import INVALID
from nqengine.yamlsource import Node

__all__ = ["invalid_top_fields", "without_noise", "kept_obligations", "reindexed", "dropped_ids", "not_about"]

#: Reference problems that depend on a top-level field being readable.
_DEPENDS_ON = {
    "clauses": ("unknown_clause",),
    "events": ("unknown_event",),
    "documents": ("unknown_document", "duplicate_id"),
    "document": ("unknown_document",),
    "audience_categories": ("unknown_audience_category", "unknown_term"),
    "materials": ("unknown_material",),
    "calendar": ("unknown_calendar",),
    "vocabularies": ("unknown_term",),
}


def invalid_top_fields(root: Node, schema: Any) -> set[str]:
    """Top-level keys whose value does not validate, and required ones that are missing."""

    bad = set()
    if root.kind != "map":
        return bad
    for key, f in schema.fields.items():
        node = root.get(key)
        if node is None:
            if f.required:  # missing (perhaps misspelt): what refers to it cannot be judged
                bad.add(key)
            continue
        if f.validator.validate(node, key, []) is INVALID:
            bad.add(key)
    return bad


def without_noise(problems: Iterable[Problem], invalid: set[str]) -> list[Problem]:
    """``problems`` less those that follow only from an unreadable top-level field."""
    silenced = {code for key in invalid for code in _DEPENDS_ON.get(key, ())}
    return [p for p in problems if p.code not in silenced]


def kept_obligations(root: Node, kept: Sequence[int]) -> Node:
    """A copy of ``root`` whose ``obligations`` holds only the items at ``kept`` (nodes shared, positions kept)."""
    seq = root.get("obligations")
    items = [seq.value[i] for i in kept] if seq is not None and seq.kind == "seq" else []
    out = Node("map", [], "map", root.file, root.line, root.column)
    for k, v in root.value:
        if str(k.value) == "obligations" and seq is not None:
            v = Node("seq", items, "seq", seq.file, seq.line, seq.column)
        out.value.append((k, v))
    return out


_INDEX = re.compile(r"^obligations\[(\d+)\]")


def dropped_ids(root: Node, kept: Sequence[int]) -> set[str]:
    """Ids written on the obligations that could not be built: a reference to one is not "unknown"."""
    seq = root.get("obligations")
    out = set()
    for i, node in enumerate(seq.value if seq is not None and seq.kind == "seq" else []):
        idn = node.get("id") if i not in kept and node.kind == "map" else None
        if idn is not None and idn.kind == "scalar":
            out.add(str(idn.value))
    return out


def not_about(problems: Iterable[Problem], ids: set[str]) -> list[Problem]:
    """``problems`` less the references to obligations in ``ids`` (left out, and already reported)."""
    return [p for p in problems if not (p.code in ("unknown_obligation", "unknown_reference") and p.params.get("ref") in ids)]


def reindexed(problems: Iterable[Problem], kept: Sequence[int]) -> list[Problem]:
    """Problems found on :func:`kept_obligations` with paths naming the obligations' places in the file."""
    out = []
    for p in problems:
        m = _INDEX.match(p.path)
        if m and int(m.group(1)) < len(kept):
            p = attrs.evolve(p, path=f"obligations[{kept[int(m.group(1))]}]" + p.path[m.end():])
        out.append(p)
    return out
