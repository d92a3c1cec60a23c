"""The draft báo cáo kết quả: its figures computed from an evaluation, its layout left to a template.

:func:`build_report` turns an evaluation into a :class:`Report`: the heading
elements of a Party document (Hướng dẫn 36-HD/VPTW, 2018: issuing body, number
and symbol, place and date, document type and summary line) and a body of
numbered sections made of blocks — paragraphs, bullets, tables and
placeholders.  Every figure comes from the roll-up and the verdicts; what a
person must write (the situation in words, shortcomings, proposals, the
recipients, the signer) is a :class:`Block` of kind ``placeholder``, never
invented.

A template lays the report out: ``render(report) -> bytes | str``.  The
built-in ones are :class:`nqengine.render.docx.DocxTemplate` and
:class:`nqengine.render.markdown.MarkdownTemplate`; a plugin replaces them
through the ``nqengine_report_template`` hook (see ``docs/plugins.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from nqengine.errors import NQEngineError
from nqengine.plugins import get_plugin_manager
from nqengine.render.common import vn_date

__all__ = ["Block", "Section", "Report", "build_report", "report_template", "render_report"]

NOT_YET = ("pending", "due_soon", "overdue", "indeterminate")

# Symbols of the issuing body in a document number ("Số 12-BC/TU"), by the registry's unit kind.
_SYMBOLS = {"city_committee": "TU", "provincial_committee": "TU", "district_committee": "HU", "party_committee": "ĐU",
            "grassroots_cell": "CB", "standing_committee": "TU"}
# Prefixes of a committee's name that precede its place ("Thành ủy Tam Kỳ" -> "Tam Kỳ").
_PLACE_PREFIXES = ("Ban Thường vụ Thành ủy ", "Thành ủy ", "Tỉnh ủy ", "Huyện ủy ", "Quận ủy ", "Thị ủy ",
                   "Đảng bộ phường ", "Đảng bộ xã ", "Đảng bộ thị trấn ", "Đảng bộ thành phố ", "Đảng bộ tỉnh ", "Đảng ủy phường ", "Đảng ủy xã ")

_T = {
    "party": ("ĐẢNG CỘNG SẢN VIỆT NAM", "COMMUNIST PARTY OF VIETNAM"),
    "type": ("BÁO CÁO", "REPORT"),
    "number": ("Số {n}-BC/{s}", "No. {n}-BC/{s}"),
    "date": ("{place}, ngày {d:02d} tháng {m:02d} năm {y}", "{place}, {d:02d}/{m:02d}/{y}"),
    "sum_plan": ("Kết quả {rest}", "Results of the {rest}"),
    "sec1": ("TÌNH HÌNH TRIỂN KHAI THỰC HIỆN", "HOW THE PLAN WAS CARRIED OUT"),
    "sec2": ("KẾT QUẢ THỰC HIỆN", "RESULTS"),
    "sec3": ("HẠN CHẾ, NGUYÊN NHÂN", "SHORTCOMINGS AND CAUSES"),
    "sec4": ("ĐỀ XUẤT, KIẾN NGHỊ", "PROPOSALS"),
    "intro": ("Thực hiện {doc}{issuer}, tính đến ngày {as_of}, kết quả thực hiện tại {unit} và các đơn vị trực thuộc như sau "
              "(số liệu tổng hợp từ dữ kiện đã ghi nhận):",
              "Under the {doc}{issuer}, as of {as_of}, the results at {unit} and the units under it are as follows "
              "(figures summed from the recorded facts):"),
    "ph_situation": ("[Cán bộ soạn thảo viết: tình hình quán triệt, chỉ đạo, triển khai kế hoạch ở các cấp.]",
                     "[To be written by the drafter: how the plan was relayed, directed and carried out at each level.]"),
    "ph_shortcomings": ("[Cán bộ soạn thảo viết: hạn chế, khuyết điểm và nguyên nhân.]",
                        "[To be written by the drafter: shortcomings and their causes.]"),
    "ph_proposals": ("[Cán bộ soạn thảo viết: đề xuất, kiến nghị.]", "[To be written by the drafter: proposals.]"),
    "ob_line": ("{title} (điều khoản {clause}): {applicable} đơn vị phải thực hiện; {met} hoàn thành đúng hạn, {late} hoàn thành "
                "trễ hạn, {violated} không đạt yêu cầu, {not_yet} chưa hoàn thành; tỷ lệ hoàn thành {share}.",
                "{title} (clause {clause}): {applicable} units had to act; {met} on time, {late} late, {violated} not conforming, "
                "{not_yet} not yet done; {share} done."),
    "attendance": ("Đảng viên tham gia học tập: {ma}/{m} ({mr}); người ngoài Đảng: {na}/{n} ({nr}).",
                   "Party members who attended: {ma}/{m} ({mr}); non-members: {na}/{n} ({nr})."),
    "by_level": ("Kết quả theo đơn vị trực thuộc:", "Results by subordinate unit:"),
    "late": ("Đơn vị hoàn thành trễ hạn", "Units done late"),
    "violated": ("Đơn vị không đạt yêu cầu", "Units not conforming"),
    "overdue": ("Đơn vị quá hạn, chưa thực hiện", "Units overdue"),
    "due_soon": ("Đơn vị sắp đến hạn", "Units due soon"),
    "reports": ("Báo cáo của các đơn vị ({title}): đã nhận {got}/{applicable}.", "Reports of the units ({title}): {got} of {applicable} received."),
    "missing": ("Chưa nhận báo cáo của", "No report yet from"),
    "none": ("không có", "none"),
    "col_unit": ("Đơn vị", "Unit"),
    "col_done": ("Hoàn thành / phải thực hiện", "Done / applicable"),
    "col_share": ("Tỷ lệ", "Share"),
    "col_members": ("Đảng viên dự", "Members attended"),
    "recipients": ("Nơi nhận:", "Recipients:"),
    "ph_recipients": ("- [như trên];\n- [ ... ];\n- Lưu Văn phòng [ ... ].", "- [as above];\n- [ ... ];\n- Archived: Office [ ... ]."),
    "sign_for": ("T/M {body}", "ON BEHALF OF {body}"),
    "ph_sign": ("[CHỨC VỤ]\n\n\n[Họ và tên]", "[TITLE]\n\n\n[Full name]"),
    "ph_number": ("   ", "   "),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    vi, en = _T[key]
    return (en if lang == "en" else vi).format(**kw)


@attrs.frozen
class Block:
    """A piece of a section: ``kind`` is ``paragraph``, ``bullet``, ``table`` (``rows``, first row the header) or ``placeholder``."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@attrs.frozen
class Section:
    """A numbered section of the body (I., II. ...), with its blocks."""

    number: str
    title: str
    blocks: tuple[Block, ...]


@attrs.frozen
class Report:
    """The draft report's content; a template decides how it looks."""

    lang: str
    party: str
    superior: str | None
    issuer: str
    number: str
    place_date: str
    doc_type: str
    summary: str
    sections: tuple[Section, ...]
    recipients_title: str
    recipients: str
    sign_for: str
    signer: str
    unit: str
    as_of: dt.date


def _pct(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.1f}%".replace(".", ",")


def _place(name: str) -> str | None:
    for p in _PLACE_PREFIXES:
        if name.startswith(p):
            return name[len(p):]
    return None


#: At most this many units are named in one list; the rest are counted (the spreadsheet names them all).
NAMED = 30


def _named(ids: Any, names: dict, lang: str) -> str:
    ids = list(ids)
    text = ", ".join(names.get(i, i) for i in ids[:NAMED])
    if len(ids) > NAMED:
        more = len(ids) - NAMED
        text += f" và {more} đơn vị khác" if lang != "en" else f" and {more} more"
    return text + "."


def build_report(ev: Any, unit: str | None = None, lang: str = "vi") -> Report:
    """The draft report of ``unit`` (id or name; default: the unit at the top of the roll-up with the most verdicts below it)."""
    tree = ev.rollup()
    if unit is None:
        if not tree.roots:
            raise NQEngineError("no verdict to report on")
        unit = max(tree.roots, key=lambda r: sum(o.total for o in tree[r].obligations.values()))  # the widest tree
    top = ev.rollup(unit)
    reg = ev.registry
    u = reg.units[top.unit]
    parent = reg.units.get(u.parent) if u.parent else None
    names = {uid: x.name for uid, x in reg.units.items()}
    place = _place(u.name) or (_place(parent.name) if parent else None) or ("[place]" if lang == "en" else "[địa danh]")
    spec = ev.spec
    doc = spec.document
    rest = spec.title[len("Kế hoạch "):] if spec.title.startswith("Kế hoạch ") else spec.title
    rest = rest[:1].lower() + rest[1:] if lang != "en" else rest

    sec1 = [
        Block("paragraph", _t("intro", lang, doc=doc.title, issuer=f" ({doc.issuer})" if doc.issuer else "",
                               as_of=vn_date(ev.as_of), unit=u.name)),
        Block("placeholder", _t("ph_situation", lang)),
    ]
    sec2: list[Block] = []
    kinds = {ob.id: ob.kind for ob in spec.obligations}
    titles = {ob.id: ob.title for ob in spec.obligations}
    clauses = {ob.id: ob.clause for ob in spec.obligations}
    late_by_ob: dict[str, list[str]] = {}
    for v in ev.verdicts:
        if v.status == "met_late":
            late_by_ob.setdefault(v.obligation, []).append(v.unit)
    inside = {x.unit for x in tree.walk(top.unit)}
    for oid, r in top.obligations.items():
        if r.applicable == 0:
            continue
        c = r.counts
        sec2.append(Block("bullet", _t("ob_line", lang, title=titles[oid], clause=clauses[oid], applicable=r.applicable,
                                       met=c["met"], late=c["met_late"], violated=c["violated"],
                                       not_yet=sum(c[s] for s in NOT_YET), share=_pct(r.done, r.applicable))))
        a = r.attendance
        if a is not None:
            sec2.append(Block("paragraph", _t("attendance", lang, ma=a.members_attended, m=a.members, mr=_pct(a.members_attended, a.members),
                                              na=a.non_members_attended, n=a.non_members, nr=_pct(a.non_members_attended, a.non_members))))
        kids = [tree[k] for k in top.children if oid in tree[k].obligations and tree[k].obligations[oid].applicable]
        if len(kids) > 1:
            rows = [(_t("col_unit", lang), _t("col_done", lang), _t("col_share", lang), *((_t("col_members", lang),) if a else ()))]
            for k in kids:
                kr = k.obligations[oid]
                ka = kr.attendance
                rows.append((k.name, f"{kr.done}/{kr.applicable}", _pct(kr.done, kr.applicable),
                             *((f"{ka.members_attended}/{ka.members} ({_pct(ka.members_attended, ka.members)})",) if a and ka else (("—",) if a else ()))))
            sec2.append(Block("paragraph", _t("by_level", lang)))
            sec2.append(Block("table", rows=tuple(rows)))
        late = [x for x in late_by_ob.get(oid, ()) if x in inside]
        for key, ids in (("late", late), ("violated", r.violated), ("overdue", r.overdue), ("due_soon", r.due_soon)):
            if ids:
                sec2.append(Block("paragraph", f"{_t(key, lang)} ({len(ids)}): " + _named(ids, names, lang)))
        if kinds[oid] == "report":
            sec2.append(Block("paragraph", _t("reports", lang, title=titles[oid], got=r.done, applicable=r.applicable)))
            missing = [v.unit for v in ev.verdicts if v.obligation == oid and v.unit in inside and v.status in NOT_YET + ("violated",)]
            if missing:
                sec2.append(Block("paragraph", f"{_t('missing', lang)} ({len(missing)}): " + _named(missing, names, lang)))
    superior = parent.name.upper() if parent else None
    body = u.name.upper()
    if u.kind in ("city_committee", "provincial_committee", "district_committee"):
        sign_body = "BAN THƯỜNG VỤ" if lang != "en" else "THE STANDING COMMITTEE"
    else:
        sign_body = ("ĐẢNG ỦY" if u.kind == "party_committee" else "CHI BỘ" if u.kind == "grassroots_cell" else body) if lang != "en" else body
    return Report(
        lang=lang,
        party=_t("party", lang),
        superior=superior,
        issuer=body,
        number=_t("number", lang, n=_t("ph_number", lang), s=_SYMBOLS.get(u.kind, "…")),
        place_date=_t("date", lang, place=place, d=ev.as_of.day, m=ev.as_of.month, y=ev.as_of.year),
        doc_type=_t("type", lang),
        summary=_t("sum_plan", lang, rest=rest),
        sections=(
            Section("I", _t("sec1", lang), tuple(sec1)),
            Section("II", _t("sec2", lang), tuple(sec2)),
            Section("III", _t("sec3", lang), (Block("placeholder", _t("ph_shortcomings", lang)),)),
            Section("IV", _t("sec4", lang), (Block("placeholder", _t("ph_proposals", lang)),)),
        ),
        recipients_title=_t("recipients", lang),
        recipients=_t("ph_recipients", lang),
        sign_for=_t("sign_for", lang, body=sign_body),
        signer=_t("ph_sign", lang),
        unit=u.id,
        as_of=ev.as_of,
    )


def report_template(fmt: str, pm: Any = None) -> Any:
    """The template for ``fmt`` ("docx", "md"): a plugin's through ``nqengine_report_template``, else the built-in one."""

    if pm is None:
        pm = get_plugin_manager()
    got = pm.hook.nqengine_report_template(format=fmt)
    if got is None:
        raise NQEngineError(f"no report template for format {fmt!r}")
    return got


def render_report(ev: Any, fmt: str, unit: str | None = None, lang: str = "vi", pm: Any = None) -> bytes | str:
    """The draft report of ``unit`` laid out by the template for ``fmt``."""
    if pm is None and ev.catalogue is not None:
        pm = ev.catalogue.pm
    return report_template(fmt, pm).render(build_report(ev, unit, lang))

