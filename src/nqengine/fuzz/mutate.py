"""Mutations of real input files, drawn with Hypothesis.

A case picks a spec of the corpus, the formats of its registry and facts
(YAML, JSON Lines, CSV), one file to damage, and one to four edits to it:
a value replaced by a troublesome one (huge numbers, impossible dates,
invisible characters, deep nesting, paths out of the folder, YAML tags...),
bytes flipped, inserted or deleted, lines duplicated, dropped or swapped, the
file cut short.  Edits are applied to bytes, so a case can also break the
encoding.
"""

from __future__ import annotations

import re

import attrs
from hypothesis import strategies as st

from nqengine.fuzz.corpus import FORMATS, SPECS

__all__ = ["Case", "cases", "apply", "NASTY"]

#: Values that broke, or could break, a reader: each replaces a scalar somewhere.
NASTY: tuple[str, ...] = (
    "", "~", "null", "0", "-1", "-0", "1e999", "-1e999", "1" + "0" * 400, "9" * 5000, "-" + "9" * 40,
    ".nan", ".inf", "0.5", "1.0000001", "999999999", "1000000000", "0x1F", "1_000",
    "01/01/0001", "31/12/9999", "01/01/1899", "31/12/2200", "01/01/2201", "29/02/2021", "29/02/2020",
    "2020-13-01", "00/00/0000", "31/04/2020", "Q5/2021", "tháng 13/2020",
    "[" * 1000 + "]" * 1000, "[" * 500 + "]" * 500, '{"a":' * 300 + "1" + "}" * 300, "{" * 200, "[1, [2, [3]]]", "{a: 1}", "[]", "{}",
    "yes", "no", "on", "'quoted'", '"', "'", "- a", "a: b: c", "&anchor x", "*anchor", "<<",
    "!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", "!custom x",
    "\t", "\u200b", "\u202e", "\ufeff", "\u00a0", "party\u200b_committee", "p-an-my\u202e",
    "Ho\u0300a Hu\u031bo\u031bng", "x" * 3000,
    "/etc/passwd", "/dev/zero", "/dev/stdin", "/proc/self/environ", "../../../../etc/hosts",
    "../tam-ky-xxi/plan.yaml", "../tam-ky-xxi", ".", "plan.yaml", "facts.yaml", "https://example.org/p.yaml",
    "p-an-my", "study-party-committee", "ban-thuong-vu", "session", "report", "event", "attendance",
    "dang_vien", "in_person", "working_days", "nqengine-attendance", " nqengine-ordering ",
)
#: Raw bytes a file may be broken with.
NASTY_BYTES: tuple[bytes, ...] = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n", b"\t", b"\x1b[31m", b"\xc3", b"\xed\xa0\x80",
    b":", b"- ", b"{", b"}", b"[", b"]", b",", b'"', b"'", b"#", b"&", b"*", b"!", b"|", b">", b"%",
)

# A scalar after ': ' or '- ' in YAML, a JSON value after ':', or a CSV cell.
_SCALAR = re.compile(rb'(?<=: )[^\n,{}\[\]]+|(?<=- )[^\n:{}\[\]]+|(?<=":)\s*("[^"\n]*"|[^,}\n]+)|(?<=,)[^,\n]*')


@attrs.frozen
class Edit:
    op: str
    at: int = 0
    end: int = 0
    text: bytes = b""

    def describe(self) -> str:
        return f"{self.op}@{self.at}-{self.end}:{self.text[:40]!r}"


@attrs.frozen
class Case:
    """One fuzz case: the spec, the formats read, the file mutated and its edits."""

    spec: str
    registry_format: str
    facts_format: str
    target: str
    edits: tuple[Edit, ...]
    explicit_paths: bool

    @property
    def as_of(self) -> str:
        return SPECS[self.spec]

    def describe(self) -> str:
        return f"{self.spec}/{self.target} [{self.registry_format}/{self.facts_format}] " + "; ".join(e.describe() for e in self.edits)


def apply(data: bytes, edits: tuple[Edit, ...]) -> bytes:
    """The file's bytes after ``edits`` (positions are taken modulo the current length)."""
    for e in edits:
        n = len(data)
        at = e.at % (n + 1)
        end = min(n, at + max(0, e.end - e.at))
        if e.op == "replace_scalar":
            spans = [m.span() for m in _SCALAR.finditer(data)]
            if spans:
                a, b = spans[e.at % len(spans)]
                data = data[:a] + e.text + data[b:]
        elif e.op == "replace":
            data = data[:at] + e.text + data[end:]
        elif e.op == "insert":
            data = data[:at] + e.text + data[at:]
        elif e.op == "delete":
            data = data[:at] + data[end:]
        elif e.op == "truncate":
            data = data[:at]
        elif e.op in ("dup_line", "drop_line", "swap_lines"):
            lines = data.split(b"\n")
            i, j = e.at % len(lines), e.end % len(lines)
            if e.op == "dup_line":
                lines.insert(i, lines[i])
            elif e.op == "drop_line":
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
    return data


_positions = st.integers(min_value=0, max_value=10**6)
_text = st.one_of(
    st.sampled_from(NASTY).map(lambda s: s.encode("utf-8")),
    st.sampled_from(NASTY_BYTES),
    st.text(max_size=8).map(lambda s: s.encode("utf-8", "surrogatepass")),
)


@st.composite
def _edit(draw) -> Edit:
    op = draw(st.sampled_from(("replace_scalar", "replace_scalar", "replace_scalar", "replace", "insert", "delete", "truncate", "dup_line", "drop_line", "swap_lines")))
    at = draw(_positions)
    end = at + draw(st.integers(min_value=0, max_value=64))
    text = draw(_text) if op in ("replace_scalar", "replace", "insert") else b""
    return Edit(op, at, end, text)


@st.composite
def cases(draw) -> Case:
    """A strategy of :class:`Case`: any spec, any formats, one file, one to four edits."""
    spec = draw(st.sampled_from(sorted(SPECS)))
    reg = draw(st.sampled_from(FORMATS))
    facts = draw(st.sampled_from(FORMATS))
    target = draw(st.sampled_from(("plan.yaml", "plan.yaml", f"registry.{reg}", f"facts.{facts}", f"facts.{facts}")))
    edits = tuple(draw(st.lists(_edit(), min_size=1, max_size=4)))
    explicit = reg != "yaml" or facts != "yaml" or draw(st.booleans())
    return Case(spec, reg, facts, target, edits, explicit)
