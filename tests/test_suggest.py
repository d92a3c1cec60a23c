"""``Suggester`` finds the "did you mean" hint that a pass over every choice found, in a few binary searches.

``nqengine check`` asks for a hint for every unknown reference; against a national
registry (10^5 ids) each hint used to look at every id.  The reference below is the
former implementation, kept here to compare with: the same hint for any word and
any choices, around and above the size where only the likely choices are compared.
"""

from __future__ import annotations

import difflib
import heapq
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from nqengine.schema import _SUGGEST_POOL, Suggester, nfc, suggest


def _reference(word: str, choices: list[str]) -> str | None:
    folded: dict[str, str] = {}
    for c in choices:
        folded.setdefault(nfc(c).casefold(), c)
    w = nfc(word).casefold()
    pool = list(folded)
    if len(pool) > _SUGGEST_POOL:
        near = [c for c in pool if abs(len(c) - len(w)) <= 2] or pool
        pool = heapq.nlargest(_SUGGEST_POOL, near, key=lambda c: len(os.path.commonprefix((c, w))))
    found = difflib.get_close_matches(w, pool, n=1, cutoff=0.6)
    return folded[found[0]] if found else None


_ID = st.text(alphabet="abkt-0123456789ĐđÉé", min_size=0, max_size=9)


@settings(max_examples=150, deadline=None)
@given(
    prefixes=st.lists(st.sampled_from(["bt-t", "bt2-t", "pbt-t", "khach-t", "t", "B", "đ", ""]), min_size=1, max_size=4),
    n=st.integers(1, 2 * _SUGGEST_POOL + 50),
    words=st.lists(_ID, min_size=1, max_size=8),
    shuffle=st.randoms(use_true_random=False),
    keep_sorted=st.booleans(),
)
def test_the_hint_is_the_one_a_pass_over_every_choice_gives(prefixes, n, words, shuffle, keep_sorted):
    choices = [f"{prefixes[i % len(prefixes)]}{i % 97:02d}-x{i:03d}" for i in range(n)]
    choices += ["BT-T01-X001", "bt-t01-x001"]  # two that fold alike: the first given is the one suggested
    if keep_sorted:
        choices.sort()
    else:
        shuffle.shuffle(choices)
    suggester = Suggester(choices)
    for w in [*words, *(c[:-1] for c in choices[:3]), *(c + "9" for c in choices[-3:]), "bt-t01-x00", "khach-t04-x012-002"]:
        assert suggester(w) == _reference(w, choices) == suggest(w, choices), w


def test_many_ids_of_one_length_sharing_long_prefixes():
    ids = sorted(f"bt2-t{p:02d}-x{c:03d}-{k:03d}" for p in range(5) for c in range(40) for k in range(5))
    suggester = Suggester(ids)
    for w in ["bt2-t03-x017-002", "bt2-t03-x017-00", "bt2-t9-x017-002", "khach-t03-x017-002", "BT2-T01-X001-001", "x", ""]:
        assert suggester(w) == _reference(w, ids), w
    assert suggester("bt2-t03-x017-00") == "bt2-t03-x017-004"  # equally close: difflib gives the greatest


def test_a_registrys_unknown_parents_get_the_former_hints_from_one_index(tmp_path, monkeypatch):
    import json

    import nqengine
    from nqengine.errors import RegistryError
    from nqengine.schema import Suggester

    ids = [f"bt2-t{p:02d}-x{c:03d}" for p in range(8) for c in range(60)]  # 480 units: above the pool
    rows = [{"id": "root", "name": "Trung ương", "kind": "city_committee"}]
    rows += [{"id": u, "name": f"Chi bộ {u}", "kind": "subordinate_cell", "parent": "root"} for u in ids]
    wrong = ["bt2-t03-x01", "bt2-t3-x017", "khach-t03-x017", "BT2-T07-X059"]
    rows += [{"id": f"lost-{i}", "name": f"Chi bộ lạc {i}", "kind": "subordinate_cell", "parent": w} for i, w in enumerate(wrong)]
    path = tmp_path / "registry.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    built = []
    real = Suggester._prepare
    monkeypatch.setattr(Suggester, "_prepare", lambda self: built.append(1) or real(self))
    try:
        nqengine.load_registry(path)
    except RegistryError as exc:
        problems = exc.problems
    else:  # pragma: no cover - the registry is wrong on purpose
        raise AssertionError("no problem reported")
    known = ["root", *ids, *(f"lost-{i}" for i in range(len(wrong)))]
    assert [(p.params["ref"], str(p.params["hint"])) for p in problems] == [(w, _reference(w, known) or "") for w in wrong]
    assert [p.line for p in problems] == [482, 483, 484, 485]
    assert built == [1]  # one index for the four hints
