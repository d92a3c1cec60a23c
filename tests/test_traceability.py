"""The Tam Kỳ spec against its source text and its clause → rule table.

``specs/tam-ky-xxi/README.md`` holds the traceability table: one row per part of
the source plan, with the spec's clause id(s) in the second column and the
obligations and fields that encode it in the third.  These tests keep the spec,
the table and the source in step:

- every clause and every obligation of the spec appears in the table, each
  obligation in a row of its own clause;
- every clause is used by an obligation, or marked "document metadata";
- every clause text is a faithful quote of the source: after Unicode NFC and
  whitespace normalisation, each fragment between "..." elisions appears in the
  source, in order.  The source's layout (Markdown ``**bold**``, "- " list
  markers at the start of a line) is not part of its words and is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest
import yaml

import nqengine

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"
README = FOLDER / "README.md"
SOURCE = FOLDER / "source" / "ke-hoach-tam-ky-2020.txt"
TABLE_HEADING = "## Clause → rule table"
METADATA = "document metadata"

# Clause texts known to differ from the source, with the fix to make in plan.yaml.
# Strict: once plan.yaml is fixed the test passes, XPASS fails, and the entry must go.
KNOWN_MISQUOTES: dict[str, str] = {}

# Ids for parametrizing, read without the engine so that collection never fails.
_PLAN = yaml.safe_load((FOLDER / "plan.yaml").read_text(encoding="utf-8"))
CLAUSE_IDS = list(_PLAN["clauses"])
OBLIGATION_IDS = [ob["id"] for ob in _PLAN["obligations"]]


# --- helpers ------------------------------------------------------------------------


def _words(text: str) -> str:
    """NFC, with every run of whitespace made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _source_words(text: str) -> str:
    """The source's words without its layout: bold markers and list bullets go."""
    text = unicodedata.normalize("NFC", text).replace("**", "")
    text = re.sub(r"(?m)^[ \t]*[-–•][ \t]+", "", text)
    return _words(text)


def _fragments(quote: str) -> list[str]:
    return [f.strip() for f in re.split(r"\.\.\.|…", _words(quote)) if f.strip()]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def _table_rows() -> list[list[str]]:
    """The rows of the clause → rule table (header and separator left out)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(TABLE_HEADING)), None)
    assert start is not None, f"{README.name} has no '{TABLE_HEADING}' section"
    rows: list[list[str]] = []
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            in_table = True
            rows.append(_cells(line))
        elif in_table:
            break
    assert len(rows) > 2, "the clause → rule table is empty"
    body = rows[2:]  # header, separator
    for row in body:
        assert len(row) >= 3, f"row with fewer than 3 columns: {row}"
    return body


def _ticked(cell: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", cell))


def _clause_refs(value: Any) -> Iterator[str]:
    """Every clause id a value refers to: ``clause`` keys of nested mappings."""
    if isinstance(value, Mapping):
        if isinstance(value.get("clause"), str):
            yield value["clause"]
        for v in value.values():
            yield from _clause_refs(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _clause_refs(v)


def _obligation_clauses(ob: Any) -> Iterator[str]:
    yield ob.clause
    if ob.deadline is not None and ob.deadline.clause:
        yield ob.deadline.clause
    yield from _clause_refs(dict(ob.params))
    for exc in ob.exceptions:
        if exc.clause:
            yield exc.clause
        yield from _obligation_clauses(exc.obligation)


@pytest.fixture(scope="module")
def spec() -> Any:
    return nqengine.load_spec(FOLDER)


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return _table_rows()


def _column(rows: list[list[str]], i: int) -> set[str]:
    return set().union(*(_ticked(r[i]) for r in rows))


# --- the table ----------------------------------------------------------------------


def test_every_clause_of_the_spec_is_in_the_table(spec, rows):
    missing = sorted(set(spec.clauses) - _column(rows, 1))
    assert not missing, f"clauses of plan.yaml missing from the table in {README.name}: {missing}"


def test_every_clause_in_the_table_is_declared_in_the_spec(spec, rows):
    unknown = sorted(_column(rows, 1) - set(spec.clauses))
    assert not unknown, f"the table names clauses that plan.yaml does not declare: {unknown}"


def test_every_obligation_is_in_the_table(spec, rows):
    missing = sorted(ob.id for ob in spec.obligations if ob.id not in _column(rows, 2))
    assert not missing, f"obligations of plan.yaml missing from the table in {README.name}: {missing}"


@pytest.mark.parametrize("obligation", OBLIGATION_IDS)
def test_obligation_is_listed_in_a_row_of_its_own_clause(obligation, spec, rows):
    ob = spec.obligation(obligation)
    found = [r for r in rows if ob.clause in _ticked(r[1]) and ob.id in _ticked(r[2])]
    assert found, f"no row of the table has clause `{ob.clause}` with obligation `{ob.id}` in 'Encoded by'"


def test_every_clause_is_used_or_listed_as_metadata(spec, rows):
    used = {cid for ob in spec.obligations for cid in _obligation_clauses(ob)}
    unexplained = [
        cid
        for cid in spec.clauses
        if cid not in used
        and not any(cid in _ticked(r[1]) and METADATA in r[2].lower() for r in rows)
    ]
    assert not unexplained, (
        f"clauses used by no obligation and not marked '{METADATA}' in {README.name}: {unexplained}"
    )


# --- the quotes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def source_words() -> str:
    if not SOURCE.is_file():
        pytest.fail(f"source text not found at {SOURCE}")
    return _source_words(SOURCE.read_text(encoding="utf-8"))


def _quote_params() -> list[Any]:
    out = []
    for cid in CLAUSE_IDS:
        reason = KNOWN_MISQUOTES.get(cid)
        marks = [pytest.mark.xfail(strict=True, reason=f"plan.yaml misquotes {cid}: {reason}")] if reason else []
        out.append(pytest.param(cid, marks=marks, id=cid))
    return out


@pytest.mark.parametrize("clause", _quote_params())
def test_clause_text_quotes_the_source(clause, spec, source_words):
    text = spec.clauses[clause].text
    fragments = _fragments(text)
    assert fragments, f"clause {clause} has no text"
    pos = 0
    for frag in fragments:
        found = source_words.find(frag, pos)
        if found < 0:
            # Say where the quote leaves the source, to make the fix obvious.
            n = len(frag)
            while n and source_words.find(frag[:n], pos) < 0:
                n -= 1
            pytest.fail(
                f"clause {clause} is not a faithful quote: the fragment\n  {frag!r}\n"
                f"matches the source up to {frag[:n][-50:]!r}, then has {frag[n:n + 50]!r}"
            )
        pos = found + len(frag)


def test_known_misquotes_name_declared_clauses():
    assert set(KNOWN_MISQUOTES) <= set(CLAUSE_IDS)


def test_normalisation_ignores_layout_only():
    src = "b. Thời gian: 01 buổi, hoàn thành trước ngày **31/10/2020**.\n\n- Toàn thể cán bộ - xã hội"
    words = _source_words(src)
    assert "hoàn thành trước ngày 31/10/2020." in words
    assert "Toàn thể cán bộ - xã hội" in words  # an inline dash is a word, not a bullet
    decomposed = unicodedata.normalize("NFD", "Thời gian")
    assert _fragments(f"{decomposed} ... 01 buổi") == ["Thời gian", "01 buổi"]
