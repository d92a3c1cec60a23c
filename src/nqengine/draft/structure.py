"""A plan's layout: header, title, preamble, numbered clauses, closing, recipients, signature.

Party documents follow Hướng dẫn 36-HD/VPTW: the issuing body and "Số ..-KH/.."
at the left, "ĐẢNG CỘNG SẢN VIỆT NAM" and "Place, ngày .. tháng .. năm .." at the
right, the document type ("KẾ HOẠCH") and its title, the body numbered I., 1.,
1.1., a. with dashed bullets, then "Nơi nhận:" and the signature.  This module
turns located paragraphs into clauses keyed by that numbering:

- a numbered item with its own sentence is a clause (``III.5``); its bullets are
  ``III.5.1``, ``III.5.2``;
- an item that is only a title ("1. Mục đích", "a. Đối tượng") is a heading: one
  bullet under it is the clause itself, several are numbered ``.1``, ``.2``;
- an item that ends with a colon ("a. Đối tượng:", "Nơi nhận:") reads on into its
  bullets: label and bullets are one clause;
- unnumbered paragraphs before the first number are the ``preamble``, those after
  the last item the ``closing``; "Nơi nhận" is ``recipients``.

Every paragraph is placed (clause, heading or metadata) or listed as unplaced.
"""

from __future__ import annotations

import datetime
import re
from typing import Iterable

import attrs

from nqengine.dates import InvalidDate, parse_date
from nqengine.draft.reader import Paragraph

__all__ = ["Clause", "Heading", "Layout", "Metadata", "parse_layout"]

# Roman numbers up to XCIX; C, D and M are left out, since "C." is as likely a lettered part.
_ROMAN = re.compile(r"^(?P<n>(?=[IVXL])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\s*[.\-–/)]\s+(?P<rest>.*)$")
_MULTI = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?P<rest>\S.*)$")
_ARABIC = re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?P<n>[a-zđ])[.)]\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-–—•+*]\s*(?P<rest>\S.*)$")
_NATIONAL_HEADINGS = ("ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC")
_DOC_TYPES = ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "HƯỚNG DẪN", "CHỈ THỊ", "THÔNG BÁO", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "KẾT LUẬN")
_NUMBER = re.compile(r"^Số\s*:?\s*(?P<n>\d+[-–]?[A-ZĐ]*/[\wĐđ/.-]+)", re.I)
_PLACE_DATE = re.compile(r"^(?P<place>[^,\d]{2,60}),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I)
_SIGNATURE = re.compile(r"^(?:T/M|TM\.?|K/T|KT\.?|Q\.)\s|^(?:PHÓ\s+)?BÍ THƯ$|^(?:PHÓ\s+)?TRƯỞNG BAN$|^\(?(?:Đã ký|đã ký)\)?$")
_ISSUER = re.compile(r"(?P<who>Ban (?:Thường vụ|Chấp hành|Tuyên giáo(?: và Dân vận)?)\s+(?:[\wĐđ]+\s+){0,1}?(?:ủy|Ủy)(?:\s+[A-ZĐ][\wđ]*){0,3})(?:\s+\([^)]*\))?\s+(?:xây dựng|ban hành|triển khai)\s+(?:[KCH]|kế hoạch|chương trình|hướng dẫn)")


@attrs.define
class Clause:
    id: str
    text: str
    paragraphs: list[int]  # indexes of the paragraphs it quotes
    headings: list[str]  # texts of the headings above it, outermost first
    label: str = ""  # "Thời gian", when the clause starts with a label and a colon
    part: str = "body"  # preamble, body, closing, recipients


@attrs.define
class Heading:
    id: str
    text: str
    paragraph: int


@attrs.define
class Metadata:
    doc_type: str = ""
    title: str = ""
    issuer: str = ""
    number: str = ""
    place: str = ""
    issued: datetime.date | None = None
    signer: str = ""
    signer_authority: str = ""
    paragraphs: dict[str, list[int]] = attrs.Factory(dict)  # field -> paragraphs it came from


@attrs.define
class Layout:
    paragraphs: list[Paragraph]
    metadata: Metadata
    clauses: list[Clause]
    headings: list[Heading]
    placed: dict[int, str]  # paragraph index -> "clause II.1", "heading II", "metadata title"

    def clause(self, cid: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == cid), None)

    @property
    def unplaced(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.index not in self.placed]


@attrs.define
class _Item:
    id: str
    text: str
    paragraph: int
    depth: int
    headings: list[str]
    parts: list[tuple[bool, str, int]] = attrs.Factory(list)  # (is a bullet, words, paragraph), in order
    has_children: bool = False


def _label(text: str, labels: Iterable[str]) -> str:
    """The label a clause starts with ("Thời gian" of "Thời gian: 01 buổi"), if known."""
    head, colon, _ = text.partition(":")
    if not colon or len(head.split()) > 12:
        return ""
    folded = head.casefold().strip()
    for label in sorted(labels, key=len, reverse=True):
        if folded == label or folded.startswith(label + " "):
            return head.strip()
    return ""


def _is_title(text: str) -> bool:
    return not text or text[-1] not in ".;:!?…"


def _metadata(paras: list[Paragraph], meta: Metadata, placed: dict[int, str]) -> int:
    """Read the header; return the index of the first paragraph after the title."""
    type_at = None
    for p in paras[:25]:
        upper = p.text.upper() == p.text
        if p.text.strip(" *") in _DOC_TYPES or (upper and p.text in _DOC_TYPES):
            type_at = p.index
            meta.doc_type = p.text
            placed[p.index] = "metadata doc_type"
            meta.paragraphs["doc_type"] = [p.index]
            break
    header = paras[: type_at if type_at is not None else 0]
    for k, p in enumerate(header):
        if re.fullmatch(r"Số\s*:?", p.text) and k + 1 < len(header) and _NUMBER.match(f"Số {header[k + 1].text}"):
            # "Số:" and "258/KH-UBND" on two lines (a table cell copied from a web page)
            placed[p.index] = "metadata number"
            continue
        if m := _NUMBER.match(p.text) or (placed.get(p.index - 1) == "metadata number" and _NUMBER.match(f"Số {p.text}")):
            meta.number = m["n"].replace("–", "-")
            placed[p.index] = "metadata number"
            meta.paragraphs["number"] = [i for i in (p.index - 1, p.index) if placed.get(i) == "metadata number"] or [p.index]
        elif m := _PLACE_DATE.match(p.text):
            try:
                meta.issued = parse_date(f"{int(m['d']):02d}/{int(m['m']):02d}/{m['y']}")
            except InvalidDate:
                continue
            meta.place = m["place"].strip()
            placed[p.index] = "metadata issued"
            meta.paragraphs["issued"] = [p.index]
        elif (len(p.text) >= 8 and any(p.text.upper() in h for h in _NATIONAL_HEADINGS)) or set(p.text) <= set("*-–—_|. "):
            # the national heading, also when a web page splits it over two lines
            placed[p.index] = "metadata heading"
        elif p.text.upper() == p.text and not meta.issuer:
            # The issuing body: the last capitalised line before "Số" (the superior is above it).
            placed[p.index] = "metadata issuer"
    issuers = [p for p in header if placed.get(p.index) == "metadata issuer"]
    if issuers:
        # "ỦY BAN NHÂN DÂN / TỈNH NGHỆ AN": a last line that names a place completes the line above.
        last = issuers[-2:] if len(issuers) > 1 and re.match(r"^(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG)\b", issuers[-1].text) else issuers[-1:]
        meta.issuer = " ".join(p.text for p in last)
        meta.paragraphs["issuer"] = [p.index for p in last]
    start = type_at + 1 if type_at is not None else 0
    title: list[Paragraph] = []
    for p in paras[start:]:
        if set(p.text) <= set("*-–—_|. "):
            placed[p.index] = "metadata heading"
            if title:
                start = p.index + 1
                break
            continue
        # A title has no final punctuation; the preamble that follows it ends in "." or ":".
        if not _is_title(p.text) or len(p.text.split()) > 90 or _ROMAN.match(p.text) or _ARABIC.match(p.text):
            start = p.index
            break
        title.append(p)
        start = p.index + 1
    if title:
        meta.title = " ".join(p.text for p in title)
        meta.paragraphs["title"] = [p.index for p in title]
        for p in title:
            placed[p.index] = "metadata title"
    return start


def parse_layout(paras: list[Paragraph], labels: Iterable[str] = ()) -> Layout:
    """Split located paragraphs into metadata, headings and clauses."""
    labels = list(labels)
    meta = Metadata()
    placed: dict[int, str] = {}
    start = _metadata(paras, meta, placed)

    # The tail: "Nơi nhận" with its bullets, and the signature block.
    tail = len(paras)
    recipients: list[Paragraph] = []
    for p in paras[start:]:
        if p.text.casefold().startswith("nơi nhận"):
            tail = min(tail, p.index)
            recipients.append(p)
            for q in paras[p.index + 1 :]:
                if _BULLET.match(q.text):
                    recipients.append(q)
                else:
                    break
            break
    signature: list[Paragraph] = []
    for p in paras[start:]:
        if _SIGNATURE.match(p.text) and p.index > start:
            tail = min(tail, p.index)
            signature = [q for q in paras[p.index :] if q not in recipients]
            break
    for i, p in enumerate(signature):
        if _SIGNATURE.match(p.text) or p.text.upper() == p.text:
            meta.signer_authority = " ".join(x for x in (meta.signer_authority, p.text) if x)
            placed[p.index] = "metadata signer"
        elif len(p.text.split()) <= 6 and not meta.signer:
            meta.signer = p.text
            placed[p.index] = "metadata signer"
    if meta.signer or meta.signer_authority:
        meta.paragraphs["signer"] = [p.index for p in signature if p.index in placed]

    body = [p for p in paras[start:tail] if p not in recipients]
    clauses: list[Clause] = []
    headings: list[Heading] = []
    preamble: list[Paragraph] = []
    items: list[_Item] = []
    roman, numbers, letter = "", [], ""
    stack: list[tuple[int, str]] = []  # (depth, heading text) of the items above the current one
    by_id: dict[str, _Item] = {}
    for p in body:
        m = None
        depth = 0
        if m := _ROMAN.match(p.text):
            roman, numbers, letter, depth = m["n"], [], "", 1
        elif m := _MULTI.match(p.text):
            numbers, letter = m["n"].split("."), ""
            depth = 1 + len(numbers)
        elif m := _ARABIC.match(p.text):
            numbers, letter, depth = [m["n"]], "", 2
        elif (m := _LETTER.match(p.text)) and (numbers or roman):
            letter = m["n"]
            depth = 2 + len(numbers)
        else:
            m = None
        if m is not None:
            cid = ".".join(x for x in [roman, *numbers, letter] if x)
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parts = cid.split(".")
            for k in range(1, len(parts)):  # the items this one is numbered under have children
                if (above := by_id.get(".".join(parts[:k]))) is not None:
                    above.has_children = True
            items.append(_Item(cid, m["rest"].strip(), p.index, depth, [h for _, h in stack]))
            stack.append((depth, m["rest"].strip()))
            by_id[cid] = items[-1]
            continue
        if not items:
            preamble.append(p)
        elif b := _BULLET.match(p.text):
            items[-1].parts.append((True, b["rest"], p.index))
        else:
            items[-1].parts.append((False, p.text, p.index))

    # Unnumbered paragraphs after the last item's last bullet are the closing ...
    closing: list[tuple[str, int]] = []
    if items:
        last = items[-1]
        cut = max((i + 1 for i, (bullet, _, _) in enumerate(last.parts) if bullet), default=0)
        # ... except the first, when the last item is a bare title that it completes.
        if cut == 0 and _is_title(last.text) and not last.text.endswith(":") and last.parts:
            cut = 1
        closing = [(t, i) for _, t, i in last.parts[cut:]]
        last.parts = last.parts[:cut]
    if preamble:
        words = " ".join(b["rest"] if (b := _BULLET.match(p.text)) else p.text for p in preamble)  # a dash is layout
        clauses.append(Clause("preamble", words, [p.index for p in preamble], [], part="preamble"))

    for it in items:
        intro, title = it.text.endswith(":"), _is_title(it.text)
        produced: list[Clause] = []
        if not it.parts and it.has_children and (title or intro):
            headings.append(Heading(it.id, it.text, it.paragraph))
            placed[it.paragraph] = f"heading {it.id}"
        elif intro or not it.parts:
            # "a. Đối tượng:" reads on into what follows it: one clause.
            text = " ".join([it.text, *(t for _, t, _ in it.parts)])
            produced.append(Clause(it.id, text, [it.paragraph, *(i for _, _, i in it.parts)], it.headings))
        else:
            # Each bullet starts a clause; a plain paragraph continues the one before it.
            groups: list[tuple[list[str], list[int]]] = [] if title else [([it.text], [it.paragraph])]
            for bullet, t, i in it.parts:
                if bullet or not groups:
                    groups.append(([t], [i]))
                else:
                    groups[-1][0].append(t)
                    groups[-1][1].append(i)
            under = [*it.headings, it.text]
            if title:
                headings.append(Heading(it.id, it.text, it.paragraph))
                placed[it.paragraph] = f"heading {it.id}"
                if len(groups) == 1:
                    produced.append(Clause(it.id, " ".join(groups[0][0]), groups[0][1], under))
                else:
                    produced += [Clause(f"{it.id}.{k}", " ".join(t), i, under) for k, (t, i) in enumerate(groups, 1)]
            else:
                produced.append(Clause(it.id, " ".join(groups[0][0]), groups[0][1], it.headings))
                produced += [Clause(f"{it.id}.{k}", " ".join(t), i, under) for k, (t, i) in enumerate(groups[1:], 1)]
        clauses.extend(produced)
    if closing:
        clauses.append(Clause("closing", " ".join(t for t, _ in closing), [i for _, i in closing], [], part="closing"))
    if recipients:
        clauses.append(Clause("recipients", " ".join(r.text if n == 0 else _BULLET.match(r.text)["rest"] for n, r in enumerate(recipients)),
                              [r.index for r in recipients], [], part="recipients"))
    if not meta.issuer and preamble:
        if m := _ISSUER.search(" ".join(p.text for p in preamble)):
            meta.issuer = m["who"]
            meta.paragraphs["issuer"] = [p.index for p in preamble]
    folded_labels = {x.casefold() for x in labels}
    seen: dict[str, int] = {}
    for c in clauses:
        # A number used twice (a list restarted, a typo in the text) must not hide a clause.
        seen[c.id] = seen.get(c.id, 0) + 1
        if seen[c.id] > 1:
            c.id = f"{c.id}~{seen[c.id]}"
    for c in clauses:
        c.label = _label(c.text, labels)
        if not c.label and c.headings and c.headings[-1].casefold().rstrip(":") in folded_labels:
            c.label = c.headings[-1]  # "a. Đối tượng" above a single bullet
        for i in c.paragraphs:
            placed.setdefault(i, f"clause {c.id}")
    return Layout(paras, meta, clauses, headings, placed)
