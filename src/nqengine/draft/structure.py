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

_ROMAN = re.compile(r"^(?P<n>(?:X{0,3})(?:IX|IV|V?I{1,3}|V|X))\s*[.\-–/)]\s+(?P<rest>.*)$")
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
    bullets: list[tuple[str, int]] = attrs.Factory(list)
    more: list[tuple[str, int]] = attrs.Factory(list)  # unnumbered paragraphs that follow
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
    for p in header:
        if m := _NUMBER.match(p.text):
            meta.number = m["n"].replace("–", "-")
            placed[p.index] = "metadata number"
            meta.paragraphs["number"] = [p.index]
        elif m := _PLACE_DATE.match(p.text):
            try:
                meta.issued = parse_date(f"{int(m['d']):02d}/{int(m['m']):02d}/{m['y']}")
            except InvalidDate:
                continue
            meta.place = m["place"].strip()
            placed[p.index] = "metadata issued"
            meta.paragraphs["issued"] = [p.index]
        elif p.text.upper() in _NATIONAL_HEADINGS or set(p.text) <= set("*-–—_ "):
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
        if set(p.text) <= set("*-–—_ "):
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
            for it in items:
                if cid.startswith(it.id + "."):
                    it.has_children = True
            items.append(_Item(cid, m["rest"].strip(), p.index, depth, [h for _, h in stack]))
            stack.append((depth, m["rest"].strip()))
            continue
        if not items:
            preamble.append(p)
        elif b := _BULLET.match(p.text):
            items[-1].bullets.append((b["rest"], p.index))
        else:
            items[-1].more.append((p.text, p.index))

    # Trailing unnumbered paragraphs of the last item are the closing.
    closing: list[tuple[str, int]] = []
    if items:
        closing, items[-1].more = items[-1].more, []
        # ... unless the last item is a bare title that they complete.
        if _is_title(items[-1].text) and not items[-1].bullets and closing:
            items[-1].more, closing = closing[:1], closing[1:]
    if preamble:
        clauses.append(Clause("preamble", " ".join(p.text for p in preamble), [p.index for p in preamble], [], part="preamble"))

    for it in items:
        intro, title = it.text.endswith(":"), _is_title(it.text)
        if title and not intro and not it.bullets and it.more and not it.has_children:
            # "I. MỤC ĐÍCH" followed by plain paragraphs: they are its clauses, like bullets.
            it.bullets, it.more = it.more, []
        produced: list[Clause] = []
        if not it.bullets:
            if it.has_children and (title or intro):
                headings.append(Heading(it.id, it.text, it.paragraph))
                placed[it.paragraph] = f"heading {it.id}"
            else:
                produced.append(Clause(it.id, it.text, [it.paragraph], it.headings))
        elif intro:
            text = " ".join([it.text, *(b for b, _ in it.bullets)])
            produced.append(Clause(it.id, text, [it.paragraph, *(i for _, i in it.bullets)], it.headings))
        else:
            if title:
                headings.append(Heading(it.id, it.text, it.paragraph))
                placed[it.paragraph] = f"heading {it.id}"
                under = [*it.headings, it.text]
            else:
                produced.append(Clause(it.id, it.text, [it.paragraph], it.headings))
                under = [*it.headings, it.text]
            if title and len(it.bullets) == 1:
                b, i = it.bullets[0]
                produced.append(Clause(it.id, b, [i], under))
            else:
                for k, (b, i) in enumerate(it.bullets, 1):
                    produced.append(Clause(f"{it.id}.{k}", b, [i], under))
        if produced and it.more:
            last = produced[-1]
            last.text = " ".join([last.text, *(t for t, _ in it.more)])
            last.paragraphs += [i for _, i in it.more]
        elif it.more:
            for t, i in it.more:
                produced.append(Clause(f"{it.id}.{len(produced) + 1}", t, [i], [*it.headings, it.text]))
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
    for c in clauses:
        c.label = _label(c.text, labels)
        if not c.label and c.headings and c.headings[-1].casefold().rstrip(":") in folded_labels:
            c.label = c.headings[-1]  # "a. Đối tượng" above a single bullet
        for i in c.paragraphs:
            placed.setdefault(i, f"clause {c.id}")
    return Layout(paras, meta, clauses, headings, placed)
