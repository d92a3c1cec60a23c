"""The traceability README of a draft: source paragraph → clause → obligations and fields."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from nqengine.dates import format_date
from nqengine.draft.phrases import find_dates

if TYPE_CHECKING:
    from nqengine.draft.drafting import Draft

__all__ = ["traceability", "dates_of"]


def _cell(text: str, limit: int = 70) -> str:
    text = text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"
    return text.replace("|", "\\|")


def traceability(draft: "Draft") -> str:
    layout = draft.layout
    uses: dict[str, list[str]] = {}
    for s in draft.skeletons:
        for field, clause in s.sources.items():
            uses.setdefault(clause, []).append(f"`{s.id}`.{field}")
    lines = [
        f"# Bản nháp: {draft.name} (draft)",
        "",
        f"Tạo bởi `nqengine draft` từ `{os.path.basename(draft.source)}`. Bảng dưới đây nối từng đoạn của",
        "văn bản với điều khoản và các trường của nghĩa vụ lấy từ nó; đoạn không xếp được được liệt kê",
        "riêng, để không phần nào của văn bản bị bỏ qua mà không ai biết.",
        "",
        f"Written by `nqengine draft` from `{os.path.basename(draft.source)}`: every paragraph of the text,",
        "the clause it became, and the obligation fields drafted from that clause; paragraphs the",
        "drafter could not place are listed below.",
        "",
        f"- {len(layout.paragraphs)} đoạn (paragraphs), {len(layout.clauses)} điều khoản (clauses), "
        f"{len(draft.skeletons)} nghĩa vụ nháp (skeleton obligations), {len(draft.todos)} TODO, "
        f"{len(layout.unplaced)} đoạn chưa xếp (unplaced).",
        "",
        "## Bảng truy vết (traceability table)",
        "",
        "| nguồn (source) | đoạn (paragraph) | xếp vào (placed as) | nghĩa vụ, trường (obligations, fields) |",
        "|---|---|---|---|",
    ]
    for p in layout.paragraphs:
        placed = layout.placed.get(p.index, "**chưa xếp (unplaced)**")
        kind, _, ident = placed.partition(" ")
        fields = ", ".join(uses.get(ident, [])) if kind == "clause" else ""
        shown = f"{kind} `{ident}`" if ident and kind in ("clause", "heading") else placed
        lines.append(f"| {p.where} | {_cell(p.text)} | {shown} | {fields} |")
    lines += ["", "## Đoạn chưa xếp được (unplaced paragraphs)", ""]
    lines += [f"- {p.where}: {p.text}" for p in layout.unplaced] or ["Không có (none)."]
    lines += ["", "## Việc cần quyết định (TODO)", "",
              "Mỗi dòng là một khóa `TODO` trong `plan.yaml`: sửa trường, xóa khóa, rồi chạy `nqengine check`.", ""]
    lines += [f"- `{where}` {field}: {words}" for where, field, words in draft.todos] or ["Không có (none)."]
    lines += ["", "## Ngày trong văn bản (dates in the text)", "",
              "| ngày (date) | cụm từ (phrase) | nguồn (source) | xếp vào (placed as) | năm suy ra (year inferred) |",
              "|---|---|---|---|---|"]
    for found, where, placed in dates_of(draft):
        lines.append(f"| {format_date(found.date)} | {_cell(found.phrase)} | {where} | {placed} | {'có (yes)' if found.inferred else ''} |")
    meta = layout.metadata
    lines += ["", "## Thông tin văn bản (document metadata)", ""]
    for label, value in (("loại (type)", meta.doc_type), ("trích yếu (title)", meta.title), ("cơ quan ban hành (issuer)", meta.issuer),
                         ("số, ký hiệu (number)", meta.number), ("địa danh (place)", meta.place),
                         ("ngày (date)", format_date(meta.issued) if meta.issued else ""),
                         ("người ký (signer)", " ".join(x for x in (meta.signer_authority, meta.signer) if x))):
        lines.append(f"- {label}: {value or '—'}")
    return "\n".join(lines) + "\n"


def dates_of(draft: "Draft") -> list[tuple[Any, str, str, str]]:
    """Every date of the text: (date, phrase, where, clause id or placement)."""
    year = draft.layout.metadata.issued.year if draft.layout.metadata.issued else None
    out = []
    for p in draft.layout.paragraphs:
        for f in find_dates(p.text, year):
            out.append((f, p.where, draft.layout.placed.get(p.index, "unplaced")))
    return out
