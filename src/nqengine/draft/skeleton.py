"""Skeleton obligations drafted from clauses, each field with the clause it came from.

A skeleton is a mapping ready to be written as one item of ``obligations:``.
What the text settles is filled in (the kind, a date, the number of sessions,
the audience categories, the presenter's roles); what it leaves to a person is
a ``TODO`` key in the mapping concerned, whose value quotes the words that
need a decision.  ``nqengine check`` rejects an unknown ``TODO`` key, so a draft
cannot be used before every decision is made.

Rules, in the order they are tried on each clause:

1. a group of labelled sibling clauses ("a. Đối tượng", "b. Thời gian: 01 buổi",
   "c. Báo cáo viên:") under a heading about study becomes one ``study_session``,
   its clause the "Thời gian" one;
2. "báo cáo ... về X (qua Y)" becomes a ``report`` with a channel;
3. "xây dựng kế hoạch" (and columns, portal postings, radio) a ``deliverable``;
4. "tuyên truyền" with a deadline a ``dissemination``;
5. any other clause of the body is recorded as a ``duty``.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

import attrs

from nqengine.draft.phrases import Deadline, find_deadline, sessions_in, spec_date
from nqengine.draft.recurrence import find_recurrence
from nqengine.draft.structure import Clause, Layout

__all__ = ["Skeleton", "draft_obligations"]

_STUDY_WORDS = ("học tập", "quán triệt", "hội nghị", "buổi")
_REPORT = re.compile(
    r"(?<!trực tiếp )báo cáo(?! viên)(?:(?P<what>[^.;()]*?)\s+(?:về|lên|gửi)\s+|\s+)"
    r"(?P<to>(?:Ban|Thường trực|Văn phòng|Thành ủy|Tỉnh ủy|Huyện ủy|Quận ủy|Thị ủy|Đảng ủy|UBND|Ủy ban)[^,;.()]*)"
    r"(?:\s*\(qua\s+(?P<via>[^)]+)\))?"
)
_CUT = re.compile(r"\s+(?:theo dõi|chỉ đạo|để|trước|chậm nhất|định kỳ|trong|sau|đúng)\b.*$")
_VAGUE_BEFORE = re.compile(r"(?:kịp thời|định kỳ|thường xuyên)\s+(?:tổng hợp\s+)?$")


@attrs.define
class Skeleton:
    """One drafted obligation: ``data`` is written as YAML; ``sources`` says which clause filled which field."""

    data: dict[str, Any]
    sources: dict[str, str]  # field -> clause id
    todos: list[tuple[str, str]]  # (field, words needing a decision)

    @property
    def id(self) -> str:
        return str(self.data["id"])


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def matches(text: str, entries: Mapping[str, Any]) -> list[tuple[str, Any, int]]:
    """Phrases of a vocabulary section found in a text: (phrase as written, value, position), in order.

    Longest phrases first, and a phrase is not matched inside a longer one already found.
    """
    folded = _fold(text)
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, Any, int]] = []
    for phrase in sorted(entries, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((" ".join(text.split())[m.start() : m.end()], entries[phrase], m.start()))
    return sorted(found, key=lambda f: f[2])


def _slug(cid: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", cid.lower()).strip("-")


def _title(text: str, limit: int = 90) -> str:
    text = re.sub(r"^[^:]{0,40}:\s*", "", text) if ":" in text[:42] else text
    text = text[:1].upper() + text[1:]
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"


def _subject(text: str) -> str:
    """The words before the first verb of a sentence: who the clause binds."""
    m = re.search(r"\s(?:chỉ đạo|tổ chức|xây dựng|có trách nhiệm|thực hiện|triển khai|báo cáo|phối hợp|trực tiếp|căn cứ|tuyên truyền|đều phải|nắm vững)\b", text)
    return text[: m.start()] if m else text


def _selector(words: str, vocab: Mapping[str, Mapping[str, Any]], clause: str) -> dict[str, Any]:
    """``applies_to`` for the units a phrase names, with a TODO where the vocabulary does not settle it."""
    # "trực thuộc X" names the superior (parents), not the units bound.
    found = matches(re.split(r"\btrực thuộc\b", words, maxsplit=1)[0], vocab["units"])
    selectors = [v for _, v, _ in found if isinstance(v, Mapping)]
    unit_ids = [v for _, v, _ in found if isinstance(v, str)]
    out: dict[str, Any] = {}
    todo = ""
    if unit_ids and not selectors:
        out["units"] = list(dict.fromkeys(unit_ids))
    elif selectors and all(s == selectors[0] for s in selectors) and not unit_ids:
        out.update(selectors[0])
    elif found:
        listed = "; ".join(f"“{w}” → {v}" for w, v, _ in found)
        todo = f"“{words.strip()}” gồm nhiều nhóm đơn vị ({listed}): tách thành nhiều nghĩa vụ hoặc chọn selector"
    else:
        todo = f"“{_title(words.strip(), 100)}”: những đơn vị nào trong danh sách tổ chức?"
    if m := re.search(r"trực thuộc\s+(?P<x>[A-ZĐ][\w\s]*?(?:ủy|Ủy)(?:\s+[A-ZĐ][\wđ]*)*)", words):
        parent = matches(m["x"], {k: v for k, v in vocab["units"].items() if isinstance(v, str)})
        if parent:
            out["parents"] = parent[0][1]
        else:
            todo = (todo + "; " if todo else "") + f"“trực thuộc {m['x']}”: mã đơn vị cấp trên (parents)"
    if todo:
        out["TODO"] = todo
    return out


def _deadline(d: Deadline, clause: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if d.date is not None:
        out["date"] = spec_date(d.date)
        out["inclusive"] = d.inclusive
    if d.text:
        out["text"] = d.text
    out["clause"] = clause
    if d.inferred_year is not None and d.date is not None:
        out["interpretation"] = f"Văn bản không ghi năm; lấy năm {d.inferred_year} theo ngày của văn bản."
    if d.todo:
        out["TODO"] = d.todo
    return out


def _unit_or_todo(words: str, vocab: Mapping[str, Mapping[str, Any]], what: str) -> tuple[str | None, str | None]:
    ids = {k: v for k, v in vocab["units"].items() if isinstance(v, str)}
    words = words.strip()
    if _fold(words) in ids:
        return ids[_fold(words)], None
    return None, f"{what} “{words}”: mã đơn vị trong danh sách tổ chức"


class _Drafter:
    def __init__(self, layout: Layout, vocab: Mapping[str, Mapping[str, Any]], doc_year: int | None):
        self.layout, self.vocab, self.doc_year = layout, vocab, doc_year
        self.labels = vocab["labels"]
        self.out: list[Skeleton] = []
        self.material_ids: list[tuple[str, str]] = []  # (material id, clause)
        self.categories: dict[str, dict[str, Any]] = {}
        self.materials: dict[str, str] = {}
        self.used: set[str] = set()

    def field_of(self, c: Clause) -> str | None:
        if not c.label:
            return None
        folded = _fold(c.label).rstrip(":")
        key = next((k for k in sorted(self.labels, key=len, reverse=True) if folded == k or folded.startswith(k + " ")), None)
        return self.labels[key] if key else None

    def new(self, kind: str, c: Clause, title: str, suffix: str = "") -> Skeleton:
        sid = f"{kind.replace('_', '-')}-{_slug(c.id)}{suffix}"
        sk = Skeleton({"id": sid, "kind": kind, "title": title, "clause": c.id}, {"kind": c.id}, [])
        self.out.append(sk)
        return sk

    def set(self, sk: Skeleton, name: str, value: Any, clause: str) -> None:
        sk.data[name] = value
        sk.sources[name] = clause
        if isinstance(value, Mapping) and "TODO" in value:
            sk.todos.append((name, value["TODO"]))

    # --- the rules ------------------------------------------------------------------

    def run(self) -> list[Skeleton]:
        clauses = [c for c in self.layout.clauses if c.part == "body"]
        for c in clauses:
            if self.field_of(c) == "materials":
                mid = f"tai-lieu-{len(self.materials) + 1}"
                self.materials[mid] = c.text.split(":", 1)[1].strip()
                self.material_ids.append((mid, c.id))
                self.used.add(c.id)
        groups: dict[str, list[Clause]] = {}
        for c in clauses:
            groups.setdefault(c.id.rsplit(".", 1)[0], []).append(c)
        for c in clauses:
            if self.field_of(c) == "deadline" and c.id not in self.used:
                self.study_or_timed(c, groups[c.id.rsplit(".", 1)[0]])
        for c in clauses:
            if c.id in self.used:
                continue
            made = self.report(c)
            made = self.deliverable(c, made) or made
            made = self.dissemination(c) or made
            if not made and not self.field_of(c):
                sk = self.new("duty", c, _title(c.text))
                self.set(sk, "applies_to", _selector(_subject(c.text), self.vocab, c.id), c.id)
        return self.out

    def study_or_timed(self, c: Clause, group: list[Clause]) -> None:
        siblings = [s for s in group if s is not c]
        headings = [h for h in c.headings if _fold(h).rstrip(":") not in self.labels]
        context = " ".join([*headings, c.text])
        study = any(w in _fold(context) for w in _STUDY_WORDS)
        kind = "study_session" if study else "duty"
        title = (headings[-1] if headings else _title(c.text))
        sk = self.new(kind, c, f"{title}: học tập, quán triệt" if study else title)
        self.used.add(c.id)
        units = next((h for h in reversed(headings) if matches(h, self.vocab["units"])), headings[-1] if headings else c.text)
        selector = _selector(units, self.vocab, c.id)
        if "parents" not in selector and not any("trực thuộc" in h for h in [units]):
            outer = next((h for h in headings if "trực thuộc" in h), None)
            if outer:
                extra = _selector(outer, self.vocab, c.id)
                if "parents" in extra:
                    selector["parents"] = extra["parents"]
                elif "TODO" in extra and "trực thuộc" in extra["TODO"]:
                    words = extra["TODO"].split("; ")[-1]
                    selector["TODO"] = (selector.get("TODO", "") + "; " if selector.get("TODO") else "") + words
        self.set(sk, "applies_to", selector, c.id)
        self.set(sk, "deadline", _deadline(find_deadline(c.text, self.doc_year, labelled=True), c.id), c.id)
        if not study:
            sk.data["TODO"] = f"“{_title(c.text)}”: loại nghĩa vụ (kind) nào?"
            sk.todos.append(("kind", sk.data["TODO"]))
            return
        n, todo = sessions_in(c.text)
        if n is not None:
            self.set(sk, "sessions", n, c.id)
        elif todo:
            self.set(sk, "sessions_todo", None, c.id)
            del sk.data["sessions_todo"]
            sk.data["TODO"] = todo
            sk.todos.append(("sessions", todo))
        for s in siblings:
            field = self.field_of(s)
            if field == "audience":
                self.audience(sk, s)
            elif field == "presenter":
                self.presenter(sk, s)
            else:
                continue
            self.used.add(s.id)
        if "audience" not in sk.data:
            self.set(sk, "audience", {"TODO": "văn bản không nêu đối tượng ở mục này: chọn categories"}, c.id)
        if self.material_ids:
            mids, mclause = [m for m, _ in self.material_ids], self.material_ids[0][1]
            self.set(sk, "materials", {"required": mids, "clause": mclause}, mclause)

    def audience(self, sk: Skeleton, s: Clause) -> None:
        found = matches(s.text, self.vocab["audience"])
        cats: list[str] = []
        for _, cat, _ in found:
            cid = cat["id"]
            self.categories.setdefault(cid, {k: v for k, v in cat.items() if k != "id"})
            if cid not in cats:
                cats.append(cid)
        value: dict[str, Any] = {"categories": cats, "coverage": 1.0, "clause": s.id} if cats else {"clause": s.id}
        if not cats:
            value["TODO"] = f"“{_title(s.text)}”: những loại đối tượng nào (categories)?"
        elif "đảng viên" not in _fold(s.text) and "dang_vien" not in cats:
            value["TODO"] = "văn bản không nhắc đảng viên: có cần thêm dang_vien?"
        self.set(sk, "audience", value, s.id)

    def presenter(self, sk: Skeleton, s: Clause) -> None:
        first, _, rest = s.text.partition(". ")
        roles = [r for _, r, _ in matches(first, self.vocab["roles"])]
        value: dict[str, Any] = {"roles": list(dict.fromkeys(roles))} if roles else {}
        if m := re.search(r"Báo cáo viên\s+(?P<body>[\wĐđ ]*?(?:ủy|Ủy|Trung ương)[\wĐđ ]*?)\s*(?:\(khóa\s+(?P<term>[IVXL]+)\))?(?=[\s,.;)]|$)", first):
            qual: dict[str, Any] = {"kind": "reporter"}
            body, todo = _unit_or_todo(m["body"], self.vocab, "cấp công nhận Báo cáo viên")
            if body:
                qual["body"] = body
            if m["term"]:
                qual["term"] = m["term"]
            if todo:
                qual["TODO"] = todo
                sk.todos.append(("presenter.qualifications", todo))
            value["qualifications"] = [qual]
        value["clause"] = s.id
        if not roles:
            value["TODO"] = f"“{_title(first)}”: những chức vụ nào được trình bày (roles)?"
        self.set(sk, "presenter", value, s.id)
        if rest.strip():
            todo = f"“{rest.strip()}”: ngoại lệ (exceptions) cho những đơn vị này?"
            sk.data["TODO"] = (sk.data["TODO"] + "; " + todo) if "TODO" in sk.data else todo
            sk.todos.append(("exceptions", todo))

    def report(self, c: Clause) -> bool:
        m = _REPORT.search(c.text)
        if not m:
            return False
        to_words = _CUT.sub("", m["to"]).strip()
        start = m.start()
        if v := _VAGUE_BEFORE.search(c.text[:start]):
            start = v.start()
        segment = c.text[start:]
        sk = self.new("report", c, _title(c.text[m.start():]) if len(c.text) > 120 else _title(c.text), "")
        self.set(sk, "applies_to", _selector(_subject(c.text), self.vocab, c.id), c.id)
        if rec := find_recurrence(c.text, c.id):  # "định kỳ hằng quý báo cáo ...": one report per period
            self.set(sk, "every", rec.every, c.id)
            self.set(sk, "deadline", rec.deadline, c.id)
        else:
            self.set(sk, "deadline", _deadline(find_deadline(segment, self.doc_year), c.id), c.id)
        channel: dict[str, Any] = {}
        to, todo = _unit_or_todo(to_words, self.vocab, "về")
        if to:
            channel["to"] = to
        todos = [todo] if todo else []
        if m["via"]:
            via, todo = _unit_or_todo(m["via"], self.vocab, "qua")
            if via:
                channel["via"] = via
            if todo:
                todos.append(todo)
        channel["clause"] = c.id
        if todos:
            channel["TODO"] = "; ".join(todos)
        self.set(sk, "channel", channel, c.id)
        self._report_start = start
        return True

    def deliverable(self, c: Clause, after_report: bool) -> bool:
        text = c.text[: self._report_start] if after_report else c.text
        found = matches(text, self.vocab["deliverables"])
        if not any(v == "own_plan" for _, v, _ in found):
            return False
        sk = self.new("deliverable", c, _title(c.text))
        self.set(sk, "applies_to", _selector(_subject(c.text), self.vocab, c.id), c.id)
        self.set(sk, "deadline", _deadline(find_deadline(text, self.doc_year), c.id), c.id)
        self.set(sk, "deliverables", list(dict.fromkeys(v for _, v, _ in found)), c.id)
        return True

    def dissemination(self, c: Clause) -> bool:
        if "tuyên truyền" not in _fold(c.text):
            return False
        d = find_deadline(c.text, self.doc_year)
        if d.date is None:
            return False
        sk = self.new("dissemination", c, _title(c.text))
        self.set(sk, "applies_to", _selector(_subject(c.text), self.vocab, c.id), c.id)
        self.set(sk, "deadline", _deadline(d, c.id), c.id)
        groups = list(dict.fromkeys(v for _, v, _ in matches(c.text, self.vocab["audience_groups"])))
        if groups:
            self.set(sk, "audiences", {"required": groups, "clause": c.id}, c.id)
        return True

    _report_start = 0


def draft_obligations(layout: Layout, vocab: Mapping[str, Mapping[str, Any]], doc_year: int | None) -> tuple[list[Skeleton], dict[str, dict[str, Any]], dict[str, str]]:
    """The skeletons of a plan's clauses, with the audience categories and materials they use."""
    d = _Drafter(layout, vocab, doc_year)
    return d.run(), d.categories, d.materials
