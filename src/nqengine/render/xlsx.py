"""``--format xlsx``: a workbook for Party offices (openpyxl).

A summary sheet with the roll-up tree by level (rows grouped by level, so a
reader folds and unfolds them), then a sheet per obligation with one row per
unit: frozen header, filters, widths that fit Vietnamese names, real dates
shown dd/mm/yyyy, statuses in words with their colour.  Opens in LibreOffice
and Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from nqengine.errors import NQEngineError
from nqengine.gcpause import gc_paused
from nqengine.i18n import status_label
from nqengine.model import STATUSES
from nqengine.render.common import STATUS_COLOURS, verdict_rows, vn_date, word

__all__ = ["XlsxFormat", "render_xlsx", "SUMMARY_COLUMNS", "OBLIGATION_COLUMNS"]

DATE_FORMAT = "DD/MM/YYYY"
PERCENT = "0.0%"
MAX_WIDTH = 60

#: Columns of the summary sheet (keys of :data:`nqengine.render.common.WORDS`, or statuses).
SUMMARY_COLUMNS = ("level", "unit", "unit_id", "obligation", "applicable", "done", "share_done", *STATUSES,
                   "members_attended", "members", "members_rate", "non_members_attended", "non_members", "non_members_rate")
#: Columns of each obligation's sheet.
OBLIGATION_COLUMNS = ("unit_id", "unit", "parent", "status", "due", "fulfilled_on", "members_attended", "members",
                      "non_members_attended", "non_members", "interpretation", "clause", "explanation")


def _openpyxl() -> Any:
    try:
        import openpyxl  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written
    except ImportError:  # pragma: no cover - the extra is part of the test install

        raise NQEngineError("--format xlsx needs openpyxl: python -m pip install 'nqengine[reports]'") from None
    return openpyxl


def _header(ws: Any, names: list[str], bold: Any, fill: Any) -> None:
    ws.append(names)
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    ws.freeze_panes = "A2"


def _fit(ws: Any, widths: list[int]) -> None:
    from openpyxl.utils import (
        get_column_letter,  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written
    )

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, w + 2))
    ws.auto_filter.ref = ws.dimensions
    # Printed: A4 landscape, every column on the page, as many pages down as it takes.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"


def _measure(widths: list[int], values: list[Any]) -> None:
    for i, v in enumerate(values):
        n = 10 if isinstance(v, dt.date) else len(str(v)) if v is not None else 0
        if n > widths[i]:
            widths[i] = n


def _sheet_title(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", text)[:31] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def build_workbook(ev: Any, lang: str = "vi") -> Any:
    """The :class:`openpyxl.Workbook` of the evaluation."""
    openpyxl = _openpyxl()
    from openpyxl.styles import (  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written
        Alignment,
        Font,
        PatternFill,
    )

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    fills = {s: PatternFill("solid", fgColor=c) for s, c in STATUS_COLOURS.items()}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _sheet_title(word("summary", lang), set())
    used = {ws.title.lower()}
    names = [word(c, lang) if c not in STATUSES else status_label(c, lang) for c in SUMMARY_COLUMNS]
    _header(ws, names, bold, head_fill)
    widths = [len(n) for n in names]
    tree = ev.rollup()
    status_col = {s: SUMMARY_COLUMNS.index(s) + 1 for s in STATUSES}
    for u in tree.walk():
        for oid, r in u.obligations.items():
            a = r.attendance
            row = [u.depth, "  " * u.depth + u.name, u.unit, oid, r.applicable, r.done, r.share_done,
                   *(r.counts[s] for s in STATUSES),
                   *((a.members_attended, a.members, a.members_rate, a.non_members_attended, a.non_members, a.non_members_rate)
                     if a else (None,) * 6)]
            ws.append(row)
            _measure(widths, row)
            n = ws.max_row
            ws.row_dimensions[n].outline_level = min(u.depth, 7)
            for col in (7, len(SUMMARY_COLUMNS) - 3, len(SUMMARY_COLUMNS)):
                ws.cell(n, col).number_format = PERCENT
            for s in ("overdue", "violated"):
                if r.counts[s]:
                    ws.cell(n, status_col[s]).fill = fills[s]
    _fit(ws, widths)
    ws.sheet_properties.outlinePr.summaryBelow = False
    # One sheet per obligation, in the spec's order.
    sheets: dict[str, tuple[Any, list[int]]] = {}
    date_cols = {OBLIGATION_COLUMNS.index("due") + 1, OBLIGATION_COLUMNS.index("fulfilled_on") + 1}
    status_idx = OBLIGATION_COLUMNS.index("status") + 1
    names = [word(c, lang) for c in OBLIGATION_COLUMNS]
    for ob in ev.spec.obligations:
        s = wb.create_sheet(_sheet_title(ob.id, used))
        s.append([f"{ob.title} — {word('clause', lang)} {ob.clause} — {word('as_of', lang)} {vn_date(ev.as_of)}"])
        s["A1"].font = bold
        s.append(names)
        for cell in s[2]:
            cell.font, cell.fill = bold, head_fill
        s.freeze_panes = "C3"
        sheets[ob.id] = (s, [len(n) for n in names])
    with gc_paused():
        for row in verdict_rows(ev, lang):
            s, widths = sheets[row["obligation"]]
            values = [row["unit"], row["unit_name"], row["parent"], row["status_label"], row["due"], row["fulfilled_on"],
                      row["members_attended"], row["members"], row["non_members_attended"], row["non_members"],
                      row["interpretation"], row["clause"], row["explanation"]]
            s.append(values)
            _measure(widths, values[:-1])
            n = s.max_row
            s.cell(n, status_idx).fill = fills[row["status"]]
            for c in date_cols:
                s.cell(n, c).number_format = DATE_FORMAT
            s.cell(n, len(values)).alignment = Alignment(wrap_text=False)
    from openpyxl.utils import (
        get_column_letter,  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written
    )

    for s, widths in sheets.values():
        widths[-1] = max(widths[-1], 40)
        _fit(s, widths)
        s.auto_filter.ref = f"A2:{get_column_letter(len(OBLIGATION_COLUMNS))}{max(s.max_row, 2)}"
    wb.properties.title = ev.spec.title
    wb.properties.creator = "nqengine"
    return wb


def render_xlsx(ev: Any, lang: str = "vi") -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buf = io.BytesIO()
    build_workbook(ev, lang).save(buf)
    return buf.getvalue()


class XlsxFormat:
    name = "xlsx"
    binary = True

    def render(self, evaluation: Any, lang: str = "vi") -> bytes:
        return render_xlsx(evaluation, lang)
