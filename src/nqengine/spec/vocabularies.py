"""Declared vocabularies: the words a spec, a registry and facts may use for roles,
qualifications, audience categories, sectors and deliverables.

A typo in one of these words (``roles: [secretery]``) used to pass ``check``
and surface later as a wrong verdict: no presenter ever holds the role
"secretery", so every unit is told it failed.  Each word now comes from a
vocabulary, checked when the spec loads, with "did you mean".

A vocabulary is the union of

- the built-in words (:data:`BUILTIN`, registered by this module through the
  ``nqengine_vocabularies`` hook, like any plugin's),
- the words installed plugins add through the same hook,
- the words a spec declares under ``vocabularies:`` (and, for audience
  categories, under ``audience_categories:``, which then *is* the vocabulary
  of that plan: rates and coverage are counted over those categories only).

Each word maps to its labels ``(vietnamese, english)``.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from nqengine.errors import PluginError
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, MapOf, Record, Str, hint_for
from nqengine.yamlsource import node_at, to_python

__all__ = ["VOCABULARIES", "BUILTIN", "vocabularies_for", "spec_vocabulary", "check_spec_terms", "VOCABULARIES_FIELD", "TERM_PATHS"]

#: The vocabularies, with where a spec declares extra words.
VOCABULARIES = ("roles", "qualifications", "audience_categories", "sectors", "deliverables")

#: Built-in words and their labels (Vietnamese, English).
BUILTIN: dict[str, dict[str, tuple[str, str]]] = {
    "roles": {
        "secretary": ("Bí thư", "Secretary"),
        "deputy_secretary": ("Phó Bí thư", "Deputy Secretary"),
        "standing_deputy_secretary": ("Phó Bí thư Thường trực", "Standing Deputy Secretary"),
        "standing_committee_member": ("Ủy viên Ban Thường vụ", "Standing Committee member"),
        "committee_member": ("Cấp ủy viên", "Committee member"),
        "head": ("Trưởng ban / Trưởng phòng / Giám đốc", "Head"),
        "deputy_head": ("Phó Trưởng ban / Phó Trưởng phòng / Phó Giám đốc", "Deputy head"),
        "chair": ("Chủ tịch", "Chair"),
        "vice_chair": ("Phó Chủ tịch", "Vice chair"),
    },
    "qualifications": {
        "reporter": ("Báo cáo viên", "Reporter"),
    },
    "audience_categories": {
        "dang_vien": ("Đảng viên", "Party members"),
        "can_bo": ("Cán bộ", "Cadres"),
        "cong_chuc": ("Công chức", "Civil servants"),
        "vien_chuc": ("Viên chức", "Public employees"),
        "nguoi_lao_dong": ("Người lao động", "Workers"),
        "khong_chuyen_trach": ("Người hoạt động không chuyên trách", "Non-specialised workers"),
        "can_bo_thon": ("Cán bộ thôn, khối phố", "Village and residential-group cadres"),
        "luc_luong_vu_trang": ("Lực lượng vũ trang", "Armed forces"),
        "nhan_dan": ("Nhân dân", "The people"),
    },
    "sectors": {
        "commune": ("Xã", "Commune"),
        "ward": ("Phường", "Ward"),
        "agency": ("Cơ quan", "Agency"),
        "public_unit": ("Đơn vị sự nghiệp", "Public unit"),
        "enterprise": ("Doanh nghiệp", "Enterprise"),
        "armed_forces": ("Lực lượng vũ trang", "Armed forces"),
    },
    "deliverables": {
        "own_plan": ("Kế hoạch của đơn vị", "The unit's own plan"),
        "dedicated_column": ("Chuyên trang, chuyên mục", "Dedicated column"),
        "portal_posting": ("Đăng tải trên cổng thông tin điện tử", "Posting on the e-portal"),
        "radio_guidance": ("Hướng dẫn đài truyền thanh cơ sở", "Guidance to grassroots radio"),
        "summary_report": ("Báo cáo tổng hợp", "Summary report"),
    },
}

_LABELS = Record({"vi": Field(Str(), required=True, doc="Vietnamese label"), "en": Field(Str(), required=True, doc="English label")})

#: The ``vocabularies:`` key of a spec: extra words, with their labels.
VOCABULARIES_FIELD = Field(
    Record({name: Field(MapOf(Str(), _LABELS), default=dict, doc=f"extra {name.replace('_', ' ')}") for name in VOCABULARIES},
           doc="words this plan adds to the built-in vocabularies"),
    default=dict,
    doc="words this plan adds to the vocabularies of roles, qualifications, audience categories, sectors and deliverables",
)

#: Where words of a vocabulary appear in an obligation's parameters (any kind):
#: a path of keys, ``*`` for each item of a list.
TERM_PATHS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("presenter", "roles", "*"), "roles"),
    (("presenter", "qualifications", "*", "kind"), "qualifications"),
    (("deliverables", "*"), "deliverables"),
    (("audience", "categories", "*"), "audience_categories"),  # checked here only when the spec declares none
    (("applies_to", "sectors", "*"), "sectors"),
    (("exceptions", "*", "when", "sectors", "*"), "sectors"),
)


@hookimpl
def nqengine_vocabularies() -> Mapping[str, Mapping[str, tuple[str, str]]]:
    return BUILTIN


def vocabularies_for(pm: Any) -> dict[str, dict[str, tuple[str, str]]]:
    """Every vocabulary the registered plugins declare (built-ins included), word → labels."""
    out: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in VOCABULARIES}
    cached = getattr(pm, "_nqengine_vocabularies", None)
    if cached is not None:
        return cached
    for impl in pm.hook.nqengine_vocabularies.get_hookimpls():
        got = impl.function() or {}
        for name, words in got.items():
            if name not in out:
                raise PluginError(plugin=impl.plugin_name, hook="nqengine_vocabularies", code="plugin_bad_item",
                                  params={"item": repr(name), "detail": f"not a vocabulary; known: {', '.join(VOCABULARIES)}"})
            for word, labels in dict(words).items():
                pair = tuple(labels) if isinstance(labels, (tuple, list)) else (str(labels), str(labels))
                out[name][str(word)] = (str(pair[0]), str(pair[-1]))
    try:
        pm._nqengine_vocabularies = out  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - a manager that refuses attributes
        pass
    return out


def spec_vocabulary(spec: Any, pm: Any, name: str) -> dict[str, tuple[str, str]]:
    """The words of vocabulary ``name`` a spec may use: installed ones plus the spec's own.

    For ``audience_categories``, a spec that declares ``audience_categories:``
    uses exactly those.
    """
    if name == "audience_categories" and getattr(spec, "audience_categories", None):
        return {k: (v.get("vi", k), v.get("en", k)) for k, v in spec.audience_categories.items()}
    words = dict(vocabularies_for(pm)[name])
    words.update(declared_words(getattr(spec, "raw", None)).get(name, {}))
    return words


def declared_words(root: Any) -> dict[str, dict[str, tuple[str, str]]]:
    """The words a spec's ``vocabularies:`` declares (its node tree already validated)."""

    node = root.get("vocabularies") if root is not None and getattr(root, "kind", None) == "map" else None
    value = to_python(node) if node is not None else None
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for name, words in (value or {}).items() if isinstance(value, dict) else ():
        if isinstance(words, dict):
            out[str(name)] = {str(k): (str(v.get("vi", k)), str(v.get("en", k))) if isinstance(v, dict) else (str(k), str(k)) for k, v in words.items()}
    return out


def _walk(node: Any, keys: tuple[str, ...], path: str) -> Iterator[tuple[Any, str]]:
    """(node, path) of every scalar at ``keys`` under ``node``."""
    if node is None:
        return
    if not keys:
        if node.kind == "scalar" and node.tag not in ("null",):
            yield node, path
        return
    head, rest = keys[0], keys[1:]
    if head == "*":
        if node.kind == "seq":
            for i, item in enumerate(node.value):
                yield from _walk(item, rest, f"{path}[{i}]")
        elif node.kind == "scalar":  # a single value where a list is allowed
            yield from _walk(node, rest, path)
        return
    if node.kind == "map":
        yield from _walk(node.get(head), rest, f"{path}.{head}")


def check_spec_terms(spec: Any, root: Any, pm: Any) -> list:
    """A problem for each word of an obligation (or of its exceptions) that no vocabulary declares."""

    problems = []
    cache: dict[str, list[str]] = {}
    for i, _ in enumerate(spec.obligations):
        base = f"obligations[{i}]"
        ob_node = node_at(root, base)
        if ob_node is None or ob_node.kind != "map":
            continue
        places = [(ob_node, base)]
        exc = ob_node.get("exceptions")
        for j, e in enumerate(exc.value if exc is not None and exc.kind == "seq" else []):
            s = e.get("set") if e.kind == "map" else None
            if s is not None:
                places.append((s, f"{base}.exceptions[{j}].set"))
        for node, path in places:
            for keys, vocab in TERM_PATHS:
                if vocab == "audience_categories" and spec.audience_categories:
                    continue  # declared categories are checked with the other references
                if vocab not in cache:
                    cache[vocab] = sorted(spec_vocabulary(spec, pm, vocab))
                for leaf, lpath in _walk(node, keys, path):
                    word = str(leaf.value)
                    if word not in cache[vocab]:
                        problems.append(leaf.problem("unknown_term", lpath, ref=word, vocabulary=vocab, field=keys[-2] if keys[-1] == "*" else keys[-1], **hint_for(word, cache[vocab])))
    return problems
