"""``--format html``: a self-contained dashboard for a propaganda board.

One file, no network: the data, the script and the styles are inlined.  It
shows the roll-up as a tree by level (children built only when a branch is
opened, a few hundred at a time, so tens of thousands of units stay usable),
progress bars per obligation, a timeline per obligation (units done per day
against the deadline), a table filterable by status, level and unit, and
each verdict's explanation (checks, evidence, clause quoted) one click away.
Vietnamese by default, ``--lang en``; prints on A4.

Explanations are embedded for every verdict when there are at most
:data:`EXPLAIN_ALL` verdicts; above that, for those that are not ``met`` or
``not_applicable`` (the ones a reader opens), so the file stays small.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from importlib import resources
from typing import Any

from nqengine.gcpause import gc_paused
from nqengine.i18n import message, status_label
from nqengine.model import STATUSES
from nqengine.render.common import vn_date

__all__ = ["HtmlFormat", "render_html", "dashboard_data", "EXPLAIN_ALL"]

EXPLAIN_ALL = 20_000

#: Status colours on screen: stronger than the spreadsheet's cell fills, told apart on a projector.
DASH_COLOURS = {
    "not_applicable": "#d0d7de",
    "pending": "#9ecae1",
    "due_soon": "#f2c94c",
    "met": "#2e9e5b",
    "met_late": "#8bc34a",
    "overdue": "#e5534b",
    "violated": "#a4262c",
    "indeterminate": "#9a7fd1",
}

_UI = {
    "title": ("Bảng theo dõi thực hiện kế hoạch", "Plan follow-up dashboard"),
    "as_of": ("Tính đến ngày", "As of"),
    "overview": ("Tổng quan theo nghĩa vụ", "Overview by obligation"),
    "tree": ("Kết quả theo cấp", "Results by level"),
    "timeline": ("Tiến độ theo ngày", "Progress by day"),
    "table": ("Danh sách kết luận", "Verdicts"),
    "obligation": ("Nghĩa vụ", "Obligation"),
    "unit": ("Đơn vị", "Unit"),
    "status": ("Tình trạng", "Status"),
    "level": ("Cấp", "Level"),
    "due": ("Hạn chót", "Last day"),
    "done_on": ("Hoàn thành", "Done on"),
    "all": ("Tất cả", "All"),
    "done": ("Đã thực hiện", "Done"),
    "members": ("Đảng viên dự", "Members attended"),
    "members_short": ("ĐV dự", "members"),
    "non_members": ("Ngoài Đảng dự", "Non-members attended"),
    "more": ("Xem thêm", "Show more"),
    "shown": ("Đang hiện {shown}/{total}", "Showing {shown} of {total}"),
    "checks": ("Các bước kiểm tra", "Checks"),
    "evidence": ("Căn cứ (dữ kiện)", "Evidence"),
    "clause": ("Điều khoản", "Clause"),
    "interpretation": ("Diễn giải", "Interpretation"),
    "no_explanation": ("Giải thích chi tiết: nqengine explain", "Full explanation: nqengine explain"),
    "per_day": ("đơn vị hoàn thành trong ngày", "units done that day"),
    "search": ("Tìm đơn vị…", "Find a unit…"),
    "close": ("Đóng", "Close"),
    "overdue": ("quá hạn", "overdue"),
    "violated": ("không đạt", "violated"),
    "nothing": ("Không có", "None"),
    "top": ("cấp cao nhất", "top"),
}


def _ui(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in _UI.items()}


def dashboard_data(ev: Any, lang: str = "vi") -> dict:
    """The data the page shows, as embedded in it (compact lists rather than the JSON contract's objects)."""
    spec = ev.spec
    tree = ev.rollup()
    ob_ids = [ob.id for ob in spec.obligations]
    ob_index = {o: i for i, o in enumerate(ob_ids)}
    st_index = {s: i for i, s in enumerate(STATUSES)}
    units = {}
    roll = {}
    for u in tree.walk():
        units[u.unit] = [u.name, u.kind, u.parent if u.parent in tree.units else None, u.depth, list(u.children)]
        per = {}
        for oid, r in u.obligations.items():
            a = r.attendance
            per[ob_index[oid]] = [[r.counts[s] for s in STATUSES],
                                  [a.members_attended, a.members, a.non_members_attended, a.non_members] if a else None]
        roll[u.unit] = per
    explain_all = len(ev.verdicts) <= EXPLAIN_ALL
    verdicts, expl, clauses = [], {}, {}
    dues: dict[str, Counter] = {}
    with gc_paused():
        for i, v in enumerate(ev.verdicts):
            verdicts.append([ob_index[v.obligation], v.unit, st_index[v.status],
                             v.due.isoformat() if v.due else None, v.fulfilled_on.isoformat() if v.fulfilled_on else None])
            if v.due:
                dues.setdefault(v.obligation, Counter())[v.due.isoformat()] += 1
            if explain_all or v.status not in ("met", "not_applicable"):
                checks = []
                for f in v.findings:
                    checks.append([f.check, f.outcome, message(f.code, lang, **f.params), f.clause])
                    if f.clause:
                        clauses.setdefault(f.clause, None)
                clauses.setdefault(v.clause, None)
                expl[i] = {"c": checks, "e": [_evidence(e, ev.facts) for e in v.evidence], "k": v.clause, "n": v.interpretation}
    for cid in clauses:
        c = spec.clauses.get(cid)
        clauses[cid] = c.text if c else ""
    unit_names = {uid: units[uid][0] for uid in units}
    for v in ev.verdicts:  # a verdict's unit is always in the roll-up; keep the lookup total anyway
        if v.unit not in unit_names:
            u = ev.registry.units.get(v.unit)
            unit_names[v.unit] = u.name if u else v.unit
    return {
        "lang": lang,
        "title": spec.title,
        "as_of": ev.as_of.isoformat(),
        "as_of_vn": vn_date(ev.as_of),
        "statuses": list(STATUSES),
        "labels": [status_label(s, lang) for s in STATUSES],
        "colours": [DASH_COLOURS[s] for s in STATUSES],
        "obligations": [
            {"id": ob.id, "title": ob.title, "clause": ob.clause,
             "due": dues[ob.id].most_common(1)[0][0] if ob.id in dues else None}
            for ob in spec.obligations
        ],
        "roots": list(tree.roots),
        "units": units,
        "names": unit_names,
        "roll": roll,
        "verdicts": verdicts,
        "explain": expl,
        "clauses": clauses,
        "ui": _ui(lang),
    }


def _asset(name: str) -> str:
    return resources.files("nqengine.render").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


def _evidence(fid: str, facts: Any) -> str:
    """A fact cited as evidence, as a reader wants it: its id, type and date (dd/mm/yyyy), and where it was recorded."""
    f = facts.get(fid) if facts else None
    if f is None:
        return fid
    day = vn_date(f.date)
    where = f" ({os.path.basename(f.source.file)}:{f.source.line})" if f.source is not None else ""
    return f"{fid}: {f.type} {day}{where}"


def render_html(ev: Any, lang: str = "vi") -> str:
    """The dashboard: one HTML file with everything inlined."""
    data = json.dumps(dashboard_data(ev, lang), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")  # cannot close the script element early
    title = f"{_ui(lang)['title']} — {ev.spec.title}".replace("&", "&amp;").replace("<", "&lt;")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"en" if lang == "en" else "vi"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{title}</title>\n<style>\n{_asset('dashboard.css')}</style>\n</head>\n<body>\n"
        f'<script type="application/json" id="nq-data">{data}</script>\n'
        f"{_asset('dashboard.html')}\n<script>\n{_asset('dashboard.js')}</script>\n</body>\n</html>\n"
    )


class HtmlFormat:
    name = "html"

    def render(self, evaluation: Any, lang: str = "vi") -> str:
        return render_html(evaluation, lang)
