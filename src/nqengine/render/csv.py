"""``--format csv``: one row per verdict; ``--format csv-rollup``: one row per unit and obligation of the roll-up.

UTF-8 with a byte-order mark, so that Excel opens Vietnamese correctly; dates
dd/mm/yyyy; the columns of :data:`nqengine.render.common.COLUMNS` and
:data:`ROLLUP_COLUMNS`, stable and documented in ``docs/reports.md``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from nqengine.gcpause import gc_paused
from nqengine.model import STATUSES
from nqengine.render.common import COLUMNS, verdict_rows, vn_date

__all__ = ["CsvFormat", "CsvRollupFormat", "render_csv", "render_rollup_csv", "ROLLUP_COLUMNS"]

BOM = "\ufeff"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return vn_date(value)
    return value


def write_csv(ev: Any, out: Any, lang: str = "vi") -> None:
    out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    with gc_paused():  # explanations are built here: many small acyclic objects
        for row in verdict_rows(ev, lang):
            w.writerow([_cell(row[c]) for c in COLUMNS])


def render_csv(ev: Any, lang: str = "vi") -> str:
    """The CSV text, starting with the byte-order mark."""
    buf = io.StringIO(newline="")
    write_csv(ev, buf, lang)
    return buf.getvalue()


class CsvFormat:
    name = "csv"

    def render(self, evaluation: Any, lang: str = "vi") -> str:
        return render_csv(evaluation, lang)

    def write(self, evaluation: Any, out: Any, lang: str = "vi") -> None:
        write_csv(evaluation, out, lang)


#: Columns of ``--format csv-rollup``, in order: a unit's subtree per obligation, tree order.
ROLLUP_COLUMNS = (
    "unit", "unit_name", "unit_kind", "parent", "depth", "obligation", "total", "applicable", "done", "share_done",
    *STATUSES, "members_attended", "members", "non_members_attended", "non_members", "due_soon_units", "overdue_units", "violated_units",
)


def write_rollup_csv(ev: Any, out: Any, lang: str = "vi") -> None:
    out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(ROLLUP_COLUMNS)
    for u in ev.rollup().walk():
        for oid, r in u.obligations.items():
            a = r.attendance
            w.writerow([
                u.unit, u.name, u.kind, u.parent or "", u.depth, oid, r.total, r.applicable, r.done,
                "" if r.share_done is None else r.share_done, *(r.counts[s] for s in STATUSES),
                *((a.members_attended, a.members, a.non_members_attended, a.non_members) if a else ("", "", "", "")),
                "|".join(r.due_soon), "|".join(r.overdue), "|".join(r.violated),
            ])


def render_rollup_csv(ev: Any, lang: str = "vi") -> str:
    buf = io.StringIO(newline="")
    write_rollup_csv(ev, buf, lang)
    return buf.getvalue()


class CsvRollupFormat:
    name = "csv-rollup"

    def render(self, evaluation: Any, lang: str = "vi") -> str:
        return render_rollup_csv(evaluation, lang)

    def write(self, evaluation: Any, out: Any, lang: str = "vi") -> None:
        write_rollup_csv(evaluation, out, lang)
