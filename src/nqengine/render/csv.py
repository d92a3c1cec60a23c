"""``--format csv``: one row per verdict, for spreadsheets.

UTF-8 with a byte-order mark, so that Excel opens Vietnamese correctly; dates
dd/mm/yyyy; the columns of :data:`nqengine.render.common.COLUMNS`, stable and
documented in ``docs/reports.md``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from nqengine.gcpause import gc_paused
from nqengine.render.common import COLUMNS, verdict_rows, vn_date

__all__ = ["CsvFormat", "render_csv"]

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
