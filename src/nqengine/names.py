"""Names as people type them: case, diacritics and spacing ignored, when that is unambiguous.

Spec authors and office staff often type without Vietnamese diacritics
("Chi bo Kho bac") or with other spacing and case.  :func:`fold` reduces a
name to a key that ignores those; :func:`match_name` finds the one name
among candidates with that key, or reports the candidates when several share
it.  Ids are always compared exactly: only names are folded.
"""

from __future__ import annotations

import unicodedata
from typing import Iterable, Mapping

__all__ = ["fold", "match_name", "Ambiguous", "NameIndex"]


def fold(name: str) -> str:
    """``"Chi bộ  Kho bạc"`` → ``"chibokhobac"``: NFD, marks dropped, đ → d, case and spaces ignored."""
    if name.isascii():  # NFD changes nothing, there are no marks and no đ
        return "".join(name.casefold().split())
    text = unicodedata.normalize("NFD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(text.casefold().split())


class Ambiguous(LookupError):
    """Several candidates share the folded name; ``candidates`` lists them (id, name)."""

    def __init__(self, candidates: list[tuple[str, str]]):
        self.candidates = candidates
        super().__init__(", ".join(f"{n} ({i})" for i, n in candidates))


def match_name(ref: str, names: Mapping[str, str] | Iterable[tuple[str, str]]) -> str | None:
    """The id whose name folds like ``ref``; None when none does; :class:`Ambiguous` when several do."""
    pairs = names.items() if isinstance(names, Mapping) else names
    key = fold(ref)
    found = [(i, n) for i, n in pairs if fold(n) == key]
    if len(found) > 1:
        raise Ambiguous(sorted(found))
    return found[0][0] if found else None


class NameIndex:
    """Names folded once for many look-ups: ``NameIndex(names).match(ref)`` is ``match_name(ref, names)``.

    An evaluation whose facts name units loosely folds the registry's names
    once, not once per fact (a national registry has 300,000 units).
    """

    def __init__(self, names: Mapping[str, str] | Iterable[tuple[str, str]]):
        pairs = names.items() if isinstance(names, Mapping) else names
        self._by_key: dict[str, list[tuple[str, str]]] = {}
        for i, n in pairs:
            self._by_key.setdefault(fold(n), []).append((i, n))

    def match(self, ref: str) -> str | None:
        """The id whose name folds like ``ref``; None when none does; :class:`Ambiguous` when several do."""
        found = self._by_key.get(fold(ref), ())
        if len(found) > 1:
            raise Ambiguous(sorted(found))
        return found[0][0] if found else None
