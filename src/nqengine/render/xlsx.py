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


def _fit(ws: Any, widths: list[int], last_row: int, first_row: int = 1) -> None:
    """Column widths, filters on the header row, and A4 landscape printing (every column on the page)."""
    from openpyxl.utils import get_column_letter  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, w + 2))
    ws.auto_filter.ref = f"A{first_row}:{get_column_letter(len(widths))}{max(last_row, first_row)}"
    ws.page_setup.paperSize = "9"  # A4 in the OOXML paper-size table
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{first_row}:{first_row}"


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
    """The :class:`openpyxl.Workbook` of the evaluation, in openpyxl's write-only mode (save it once).

    Rows are gathered first, so that column widths fit them, then streamed:
    openpyxl's ordinary worksheets cost several times more at national scale.
    """
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written
    from openpyxl.styles import Font, PatternFill  # openpyxl is optional (the `reports` extra): imported when a .xlsx is written

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    fills = {s: PatternFill("solid", fgColor=c) for s, c in STATUS_COLOURS.items()}
    wb = openpyxl.Workbook(write_only=True)
    used: set[str] = set()

    def styled(ws: Any, value: Any, *, font: Any = None, fill: Any = None, number_format: str | None = None) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if number_format is not None:
            cell.number_format = number_format
        return cell

    # The summary sheet: the roll-up tree, rows grouped by level.
    ws = wb.create_sheet(_sheet_title(word("summary", lang), used))
    names = [word(c, lang) if c not in STATUSES else status_label(c, lang) for c in SUMMARY_COLUMNS]
    widths = [len(n) for n in names]
    rows: list[tuple[int, list[Any], Any]] = []
    for u in ev.rollup().walk():
        for oid, r in u.obligations.items():
            a = r.attendance
            row = [u.depth, "  " * u.depth + u.name, u.unit, oid, r.applicable, r.done, r.share_done,
                   *(r.counts[s] for s in STATUSES),
                   *((a.members_attended, a.members, a.members_rate, a.non_members_attended, a.non_members, a.non_members_rate)
                     if a else (None,) * 6)]
            _measure(widths, row)
            rows.append((u.depth, row, r))
    _fit(ws, widths, len(rows) + 1)
    ws.freeze_panes = "A2"
    ws.sheet_properties.outlinePr.summaryBelow = False
    percent = {6, len(SUMMARY_COLUMNS) - 4, len(SUMMARY_COLUMNS) - 1}  # 0-based: share done, members' and non-members' rates
    flagged = {SUMMARY_COLUMNS.index(s): s for s in ("overdue", "violated")}
    ws.append([styled(ws, n, font=bold, fill=head_fill) for n in names])
    for i, (depth, row, r) in enumerate(rows, 2):
        ws.row_dimensions[i].outline_level = min(depth, 7)
        cells = []
        for c, v in enumerate(row):
            if c in percent:
                cells.append(styled(ws, v, number_format=PERCENT))
            elif c in flagged and v:
                cells.append(styled(ws, v, fill=fills[flagged[c]]))
            else:
                cells.append(v)
        ws.append(cells)
    # One sheet per obligation, in the spec's order: a row per unit.
    per: dict[str, list[list[Any]]] = {ob.id: [] for ob in ev.spec.obligations}
    statuses: dict[str, list[str]] = {ob.id: [] for ob in ev.spec.obligations}
    with gc_paused():
        for row in verdict_rows(ev, lang):
            per[row["obligation"]].append([row["unit"], row["unit_name"], row["parent"], row["status_label"], row["due"],
                                           row["fulfilled_on"], row["members_attended"], row["members"], row["non_members_attended"],
                                           row["non_members"], row["interpretation"], row["clause"], row["explanation"]])
            statuses[row["obligation"]].append(row["status"])
    names = [word(c, lang) for c in OBLIGATION_COLUMNS]
    status_idx = OBLIGATION_COLUMNS.index("status")
    date_idx = {OBLIGATION_COLUMNS.index("due"), OBLIGATION_COLUMNS.index("fulfilled_on")}
    for ob in ev.spec.obligations:
        s = wb.create_sheet(_sheet_title(ob.id, used))
        widths = [len(n) for n in names]
        for values in per[ob.id]:
            _measure(widths, values[:-1])
        widths[-1] = max(widths[-1], 40)
        _fit(s, widths, len(per[ob.id]) + 2, first_row=2)
        s.freeze_panes = "C3"
        s.append([styled(s, f"{ob.title} — {word('clause', lang)} {ob.clause} — {word('as_of', lang)} {vn_date(ev.as_of)}", font=bold)])
        s.append([styled(s, n, font=bold, fill=head_fill) for n in names])
        for values, status in zip(per[ob.id], statuses[ob.id]):
            cells: list[Any] = list(values)
            cells[status_idx] = styled(s, values[status_idx], fill=fills[status])
            for c in date_idx:
                cells[c] = styled(s, values[c], number_format=DATE_FORMAT)
            s.append(cells)
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
