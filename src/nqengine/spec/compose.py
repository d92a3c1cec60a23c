"""Plan composition: a spec that ``extends`` another, with overrides and dated amendments.

A district plan usually repeats the city plan and changes a deadline or an
audience; a later directive moves a deadline for some units from a date.
Both are written as a new spec file::
    extends: ../tam-ky-xxi/plan.yaml     # path relative to this file
    remove: [portal-and-radio]           # obligations dropped, by id
    override:                            # partial changes, by id (mappings merge deeply)
      study-party-committee:
        deadline: {date: 25/10/2020, inclusive: true, clause: H.2}
      report-results:
        channel: {via: ~}                # an empty value removes the key
        unset: [exceptions.0]            # or name what to remove: keys, list items
    obligations: [...]                   # new obligations (or a whole replacement, same id)
    amendments:                          # dated changes for some units, by another document
      - document: cv-45
        obligation: report-results
        effective: 20/10/2020
        when: {units: [x-tam-ngoc]}
        clause: CV45.1
        set: {deadline: {...}}

Composition happens on the located node tree before validation, so every
error still points at the file and line where the value was written (base or
extending file).  ``clauses``, ``events``, ``materials``, ``audience_categories``
and ``documents`` merge by key; other top-level values of the extending spec
replace the base's.  ``properties`` and ``examples`` are not inherited: they are
claims about the plan that states them (its obligations, its unit kinds, its
registry), so an extending plan states its own.  Amendments become ``exceptions`` of the obligation with
their ``document`` and ``effective`` date, so a verdict resting on one cites
both the original clause and the amending document.
"""

from __future__ import annotations

import os

from nqengine.confine import check_input
from nqengine.errors import Problem, SpecError
from nqengine.i18n import Term
from nqengine.schema import hint_for
from nqengine.yamlsource import Node, compose_file, path_segments

__all__ = ["resolve_extends", "COMPOSITION_KEYS"]

COMPOSITION_KEYS = ("extends", "remove", "override", "amendments")
#: Top-level keys that belong to the file that states them and are not inherited.
OWN_KEYS = ("properties", "examples")
_MERGED_MAPS = ("clauses", "events", "materials", "audience_categories", "calendar_overrides")


def _key(name: str, like: Node) -> Node:
    return Node("scalar", name, "str", like.file, like.line, like.column)


def _set(mapping: Node, name: str, value: Node) -> None:
    for i, (k, _) in enumerate(mapping.value):
        if k.kind == "scalar" and k.value == name:
            mapping.value[i] = (k, value)
            return
    mapping.value.append((_key(name, value), value))


def _delete(mapping: Node, name: str) -> None:
    mapping.value = [(k, v) for k, v in mapping.value if not (k.kind == "scalar" and k.value == name)]


def _merge(base: Node, change: Node, patch: bool = False) -> Node:
    """Deep merge for mappings; anything else is replaced.

    With ``patch`` (an ``override``), an empty value (``~``) removes the key, as
    in a JSON merge patch (RFC 7386): ``channel: {via: ~}`` drops the channel.
    """
    if base.kind != "map" or change.kind != "map":
        return change
    out = Node("map", list(base.value), "map", base.file, base.line, base.column)
    for k, v in change.value:
        if patch and v.kind == "scalar" and v.tag == "null":
            _delete(out, str(k.value))
            continue
        current = out.get(str(k.value))
        _set(out, str(k.value), _merge(current, v, patch) if current is not None else v)
    return out


def _unset(ob: Node, change: Node, where: str, problems: list[Problem]) -> Node:
    """Apply an override's ``unset: [PATH, ...]``: remove keys (``channel.via``) or list items (``exceptions.0``).

    A list item is named by its index, from 0: ``exceptions.0`` (or, quoted
    for YAML, ``"exceptions[0]"``).

    Paths are read against the obligation as inherited, before the override's
    other changes; removing several items of one list removes the ones named.
    """
    items = change.value if change.kind == "seq" else [change]
    out = _copy(ob)
    doomed: list[tuple[Node, str | int]] = []
    for i, item in enumerate(items):
        text = str(item.value) if item.kind == "scalar" else ""
        segs = [int(x) if isinstance(x, str) and x.isdigit() else x for x in path_segments(text)] if text else []
        node: Node | None = out
        for seg in segs[:-1]:
            if node is None:
                break
            if isinstance(seg, int):
                node = node.value[seg] if node.kind == "seq" and seg < len(node.value) else None
            else:
                node = node.get(seg) if node.kind == "map" else None
        last = segs[-1] if segs else None
        found = node is not None and last is not None and (
            (isinstance(last, int) and node.kind == "seq" and last < len(node.value))
            or (isinstance(last, str) and node.kind == "map" and node.get(last) is not None)
        )
        if not found:
            problems.append(item.problem("unset_missing", f"{where}.unset[{i}]", ref=text))
            continue
        doomed.append((node, last))  # type: ignore[arg-type]
    for node, last in doomed:
        if isinstance(last, int):
            node.value[last] = None  # type: ignore[index]  # removed below, so indices stay valid meanwhile
        else:
            _delete(node, last)
    for node, last in doomed:
        if isinstance(last, int):
            node.value = [v for v in node.value if v is not None]
    return out


def _copy(node: Node) -> Node:
    """A deep copy of the containers of ``node`` (scalars shared), so edits do not reach the base plan's tree."""
    if node.kind == "map":
        return Node("map", [(k, _copy(v)) for k, v in node.value], node.tag, node.file, node.line, node.column)
    if node.kind == "seq":
        return Node("seq", [_copy(v) for v in node.value], node.tag, node.file, node.line, node.column)
    return node


def _ob_id(node: Node) -> str | None:
    idn = node.get("id") if node.kind == "map" else None
    return str(idn.value) if idn is not None and idn.kind == "scalar" else None


def resolve_extends(root: Node, filename: str, _seen: tuple[str, ...] = ()) -> Node:
    """The spec's node tree with ``extends``, ``remove``, ``override`` and ``amendments`` applied."""
    if root.kind != "map" or not any(root.get(k) is not None for k in COMPOSITION_KEYS):
        return root
    problems: list[Problem] = []
    ext = root.get("extends")
    if ext is None:
        base = Node("map", [], "map", root.file, root.line, root.column)
        base_obs: list[Node] = []
    else:
        if ext.kind != "scalar" or ext.tag != "str":
            raise SpecError([ext.problem("wrong_type", "extends", field="extends", expected=Term("str"), actual=Term(ext.tag if ext.kind == "scalar" else ext.kind))])
        path = os.path.normpath(os.path.join(os.path.dirname(filename), str(ext.value)))
        if os.path.isdir(path):
            path = os.path.join(path, "plan.yaml")
        if path in _seen or os.path.abspath(path) == os.path.abspath(filename):
            raise SpecError([ext.problem("extends_cycle", "extends", chain=" -> ".join((*_seen, filename, path)))])
        if "://" in str(ext.value) or not os.path.exists(path):
            raise SpecError([ext.problem("extends_missing", "extends", target=str(ext.value)[:200])])
        check_input(path, SpecError, line=ext.line, column=ext.column, at=ext.file)
        base_root = compose_file(path, SpecError)
        if base_root.kind != "map":
            raise SpecError([base_root.problem("root_not_map", "", actual=Term(base_root.kind if base_root.kind != "scalar" else base_root.tag))])
        base = _tag_base(resolve_extends(base_root, path, (*_seen, filename)))
        obs = base.get("obligations")
        base_obs = list(obs.value) if obs is not None and obs.kind == "seq" else []
    merged = Node("map", [(k, v) for k, v in base.value if str(k.value) not in OWN_KEYS], "map", base.file, base.line, base.column)
    for k, v in root.value:
        name = str(k.value)
        if name in COMPOSITION_KEYS or name == "obligations":
            continue
        current = merged.get(name)
        if name in _MERGED_MAPS and current is not None and current.kind == "map" and v.kind == "map":
            _set(merged, name, _merge(current, v))
        elif name == "documents" and current is not None and current.kind == "seq" and v.kind == "seq":
            _set(merged, name, Node("seq", list(current.value) + list(v.value), "seq", v.file, v.line, v.column))
        else:
            _set(merged, name, v)

    by_id = {i: n for n in base_obs if (i := _ob_id(n))}
    order = [i for i in by_id]
    ids = list(order)
    rm = root.get("remove")
    if rm is not None:
        for item in rm.value if rm.kind == "seq" else [rm]:
            name = str(item.value)
            if name in by_id:
                del by_id[name]
                order.remove(name)
            else:
                problems.append(item.problem("unknown_reference", "remove", field="remove", ref=name, **hint_for(name, ids)))
    ov = root.get("override")
    if ov is not None and ov.kind == "map":
        for k, change in ov.value:
            name = str(k.value)
            if name not in by_id:
                problems.append(k.problem("unknown_reference", f"override.{name}", field="override", ref=name, **hint_for(name, ids)))
                continue
            doc = root.get("document")
            doc_id = doc.get("id") if doc is not None and doc.kind == "map" else None
            if doc_id is not None and change.kind == "map" and change.get("document") is None:
                change = _merge(change, Node("map", [(_key("document", doc_id), doc_id)], "map", k.file, k.line, k.column))
            unset = change.get("unset") if change.kind == "map" else None
            if unset is not None:
                by_id[name] = _unset(by_id[name], unset, f"override.{name}", problems)
                change = Node("map", [(kk, vv) for kk, vv in change.value if str(kk.value) != "unset"], "map", change.file, change.line, change.column)
            by_id[name] = _merge(by_id[name], change, patch=True)
    new = root.get("obligations")
    if new is not None and new.kind == "seq":
        for n in new.value:
            name = _ob_id(n)
            if name is not None and name in by_id:
                by_id[name] = n  # a whole replacement
            elif name is not None:
                by_id[name] = n
                order.append(name)
            else:
                by_id[f"#{len(order)}"] = n
                order.append(f"#{len(order)}")
    am = root.get("amendments")
    if am is not None and am.kind == "seq":
        for j, a in enumerate(am.value):
            _amend(a, f"amendments[{j}]", by_id, ids, problems)
    if problems:
        raise SpecError(problems)
    obligations = [by_id[i] for i in order]
    anchor = new if new is not None else (root.get("override") or root)
    _set(merged, "obligations", Node("seq", obligations, "seq", anchor.file, anchor.line, anchor.column))
    return merged


def _tag_base(base: Node) -> Node:
    """Make the base plan's clauses cite the base document, and list that document.

    In the composed spec the top-level ``document`` is the extending plan's, so
    without this a clause of the city plan would be attributed to the district plan.
    """
    doc = base.get("document")
    doc_id = doc.get("id") if doc is not None and doc.kind == "map" else None
    if doc_id is None:
        return base
    out = Node("map", list(base.value), "map", base.file, base.line, base.column)
    clauses = base.get("clauses")
    if clauses is not None and clauses.kind == "map":
        tagged = []
        for k, v in clauses.value:
            if v.kind == "scalar":
                v = Node("map", [(_key("text", v), v), (_key("document", doc_id), doc_id)], "map", v.file, v.line, v.column)
            tagged.append((k, v))
        _set(out, "clauses", Node("map", tagged, "map", clauses.file, clauses.line, clauses.column))
    docs = base.get("documents")
    listed = list(docs.value) if docs is not None and docs.kind == "seq" else []
    _set(out, "documents", Node("seq", listed + [doc], "seq", doc.file, doc.line, doc.column))
    return out


def _amend(a: Node, path: str, by_id: dict[str, Node], ids: list[str], problems: list[Problem]) -> None:
    if a.kind != "map":
        problems.append(a.problem("wrong_type", path, field="amendments", expected=Term("map"), actual=Term(a.kind)))
        return
    allowed = ("document", "obligation", "effective", "when", "clause", "set")
    for k, _ in a.value:
        if str(k.value) not in allowed:
            problems.append(k.problem("unknown_key", path, key=str(k.value), **hint_for(str(k.value), list(allowed))))
    for req in ("document", "obligation", "when", "set"):
        if a.get(req) is None:
            problems.append(a.problem("missing_key", path, key=req))
    target = a.get("obligation")
    if target is None:
        return
    name = str(target.value)
    ob = by_id.get(name)
    if ob is None:
        problems.append(target.problem("unknown_reference", f"{path}.obligation", field="obligation", ref=name, **hint_for(name, list(by_id))))
        return
    exc = Node("map", [(k, v) for k, v in a.value if str(k.value) != "obligation"], "map", a.file, a.line, a.column)
    current = ob.get("exceptions")
    seq = Node("seq", (list(current.value) if current is not None and current.kind == "seq" else []) + [exc], "seq", a.file, a.line, a.column)
    copy = Node("map", list(ob.value), "map", ob.file, ob.line, ob.column)
    _set(copy, "exceptions", seq)
    by_id[name] = copy
