"""What every report format shares: dates for people, words in both languages, verdict rows.

Dates for people are dd/mm/yyyy; labels are Vietnamese first with English
available, as in :mod:`nqengine.i18n`.  :func:`verdict_rows` gives one flat
row per verdict (the CSV's columns, the spreadsheet's per-obligation sheets).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Mapping

from nqengine.i18n import message, status_label

__all__ = ["vn_date", "word", "WORDS", "COLUMNS", "verdict_rows", "attendance_of", "STATUS_COLOURS"]


def vn_date(d: dt.date | None) -> str:
    """dd/mm/yyyy, or "" for no date."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else ""


#: Words of the reports: key -> (Vietnamese, English).
WORDS: dict[str, tuple[str, str]] = {
    "obligation": ("Nghĩa vụ", "Obligation"),
    "unit": ("Đơn vị", "Unit"),
    "unit_id": ("Mã đơn vị", "Unit id"),
    "kind": ("Loại đơn vị", "Unit kind"),
    "parent": ("Cấp trên", "Superior"),
    "level": ("Cấp", "Level"),
    "status": ("Tình trạng", "Status"),
    "due": ("Hạn chót", "Last day"),
    "fulfilled_on": ("Ngày hoàn thành", "Done on"),
    "interpretation": ("Diễn giải thời hạn", "Deadline interpretation"),
    "clause": ("Điều khoản", "Clause"),
    "explanation": ("Giải thích", "Explanation"),
    "evidence": ("Dữ kiện", "Evidence"),
    "members_attended": ("Đảng viên dự", "Members attended"),
    "members": ("Tổng số đảng viên", "Members"),
    "members_rate": ("Tỷ lệ đảng viên dự", "Members' rate"),
    "non_members_attended": ("Ngoài Đảng dự", "Non-members attended"),
    "non_members": ("Tổng số ngoài Đảng", "Non-members"),
    "non_members_rate": ("Tỷ lệ ngoài Đảng dự", "Non-members' rate"),
    "applicable": ("Phải thực hiện", "Applicable"),
    "done": ("Đã thực hiện", "Done"),
    "share_done": ("Tỷ lệ hoàn thành", "Share done"),
    "summary": ("Tổng hợp", "Summary"),
    "as_of": ("tính đến ngày", "as of"),
    "due_soon_list": ("Sắp đến hạn", "Due soon"),
    "overdue_list": ("Quá hạn", "Overdue"),
    "violated_list": ("Không đạt yêu cầu", "Violated"),
    "unmatched": ("Dữ kiện không dùng", "Unmatched facts"),
}


def word(key: str, lang: str) -> str:
    vi, en = WORDS[key]
    return en if lang == "en" else vi


#: Fill colours of the statuses (spreadsheet cells, dashboard badges): green done, amber late or soon, red missed.
STATUS_COLOURS: Mapping[str, str] = {
    "not_applicable": "E7E6E6",
    "pending": "DDEBF7",
    "due_soon": "FFEB9C",
    "met": "C6EFCE",
    "met_late": "E2EFDA",
    "overdue": "FFC7CE",
    "violated": "F4B084",
    "indeterminate": "D9D2E9",
}

#: The CSV's columns, in order (stable; documented in docs/reports.md).
COLUMNS = (
    "obligation", "obligation_title", "unit", "unit_name", "unit_kind", "parent", "status", "status_label",
    "due", "fulfilled_on", "interpretation", "clause", "members_attended", "members", "non_members_attended",
    "non_members", "explanation", "evidence",
)


def attendance_of(v: Any) -> tuple[int, int, int, int] | None:
    """(members attended, members, non-members attended, non-members) of a verdict's audience check, or None."""
    for f in v.findings:
        if f.check == "audience":
            pm, nm = f.details.get("party_members"), f.details.get("non_members")
            if isinstance(pm, Mapping) and isinstance(nm, Mapping):
                return pm["attended"], pm["headcount"], nm["attended"], nm["headcount"]
    return None


def explanation(v: Any, lang: str) -> str:
    """The checks that did not pass, in words (all of them when every check passed)."""
    shown = [f for f in v.findings if f.outcome not in ("pass", "info")] or [f for f in v.findings if f.check == "timing"]
    return "; ".join(message(f.code, lang, **f.params) for f in shown)


def verdict_rows(ev: Any, lang: str = "vi") -> Iterator[dict[str, Any]]:
    """One row per verdict, keyed by :data:`COLUMNS`; dates left as dates, counts as ints (None when absent)."""
    titles = {ob.id: ob.title for ob in ev.spec.obligations}
    units = ev.registry.units
    for v in ev.verdicts:
        u = units.get(v.unit)
        att = attendance_of(v)
        yield {
            "obligation": v.obligation,
            "obligation_title": titles.get(v.obligation, ""),
            "unit": v.unit,
            "unit_name": u.name if u else "",
            "unit_kind": u.kind if u else "",
            "parent": (u.parent or "") if u else "",
            "status": v.status,
            "status_label": status_label(v.status, lang),
            "due": v.due,
            "fulfilled_on": v.fulfilled_on,
            "interpretation": v.interpretation or "",
            "clause": v.clause,
            "members_attended": att[0] if att else None,
            "members": att[1] if att else None,
            "non_members_attended": att[2] if att else None,
            "non_members": att[3] if att else None,
            "explanation": explanation(v, lang),
            "evidence": "|".join(v.evidence),
        }
