"""The draft report as a Word document (python-docx), laid out as Party documents are.

Hướng dẫn 36-HD/VPTW (2018) places the elements of a Party document: "ĐẢNG
CỘNG SẢN VIỆT NAM" at the top right with a rule under it, the issuing body at
the top left (its superior above it, a "*" under it) and the number and
symbol below; the place and date in italics under the heading; the document
type and summary line centred; the body in numbered sections; the signer at
the right and "Nơi nhận" at the left.  A4, Times New Roman 14, margins within
the guide's ranges.  Text a person must write is highlighted in yellow.
"""

from __future__ import annotations

import io
from typing import Any

from nqengine.errors import NQEngineError
from nqengine.render.report import Report

__all__ = ["DocxTemplate", "report_docx"]

FONT = "Times New Roman"


def _docx() -> Any:
    try:
        import docx  # python-docx is optional (the `reports` extra): imported when a .docx is written
    except ImportError:  # pragma: no cover - the extra is part of the test install

        raise NQEngineError("--format docx needs python-docx: python -m pip install 'nqengine[reports]'") from None
    return docx


def _run(par: Any, text: str, *, size: float = 14, bold: bool = False, italic: bool = False, underline: bool = False,
         highlight: bool = False) -> Any:
    from docx.enum.text import (
        WD_COLOR_INDEX,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )
    from docx.shared import (
        Pt,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )

    r = par.add_run(text)
    r.font.name, r.font.size, r.bold, r.italic, r.underline = FONT, Pt(size), bold, italic, underline
    if highlight:
        r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return r


def _par(cell_or_doc: Any, align: str = "left", *, indent: bool = False, space_after: float = 0) -> Any:
    from docx.enum.text import (
        WD_ALIGN_PARAGRAPH,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )
    from docx.shared import (  # python-docx is optional (the `reports` extra): imported when a .docx is written
        Cm,
        Pt,
    )

    p = cell_or_doc.add_paragraph()
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    return p


def _no_borders(table: Any) -> None:
    from docx.oxml import (
        OxmlElement,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )
    from docx.oxml.ns import (
        qn,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _rule_under(par: Any) -> None:
    """A bottom border on the paragraph: the rule under the heading."""
    from docx.oxml import (
        OxmlElement,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )
    from docx.oxml.ns import (
        qn,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )

    p_pr = par._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    p_pr.append(bdr)


def _first(cell: Any) -> Any:
    p = cell.paragraphs[0]
    return p


def report_docx(r: Report) -> bytes:
    docx = _docx()
    from docx.enum.text import (
        WD_ALIGN_PARAGRAPH,  # python-docx is optional (the `reports` extra): imported when a .docx is written
    )
    from docx.shared import (  # python-docx is optional (the `reports` extra): imported when a .docx is written
        Cm,
        Pt,
    )

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    style = d.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    d.core_properties.title = f"{r.doc_type} {r.summary}"
    d.core_properties.author = r.issuer

    # Heading: issuing body (left) and the Party's name, place and date (right).
    head = d.add_table(rows=1, cols=2)
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    p = _first(left)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if r.superior:
        _run(p, r.superior)
        p = _par(left, "center")
    _run(p, r.issuer, bold=True)
    _run(_par(left, "center"), "*")
    _run(_par(left, "center"), r.number)
    p = _first(right)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, r.party, size=15, bold=True)
    _rule_under(p)
    _run(_par(right, "center"), "")
    _run(_par(right, "center"), r.place_date, italic=True)

    # Document type and summary line, centred.
    p = _par(d, "center")
    p.paragraph_format.space_before = Pt(18)
    _run(p, r.doc_type, size=16, bold=True)
    _run(_par(d, "center", space_after=12), r.summary, bold=True)
    _run(_par(d, "center", space_after=12), "-----")

    for s in r.sections:
        p = _par(d, "justify", indent=True, space_after=6)
        _run(p, f"{s.number}. {s.title}", bold=True)
        for b in s.blocks:
            if b.kind == "table":
                t = d.add_table(rows=0, cols=len(b.rows[0]))
                t.style = "Table Grid"
                t.autofit = False
                rest = len(b.rows[0]) - 1
                others = [2.8, 2.2, 4.2][:rest] if rest == 3 else [3.2] * rest
                widths = [Cm(16.5 - sum(others))] + [Cm(w) for w in others]  # the unit's name gets the room
                for col, w in zip(t.columns, widths):
                    col.width = w
                for i, row in enumerate(b.rows):
                    cells = t.add_row().cells
                    for c, text, w in zip(cells, row, widths):
                        c.width = w
                        _run(_first(c), text, size=12, bold=i == 0)
                _par(d, space_after=6)
                continue
            p = _par(d, "justify", indent=True, space_after=6)
            if b.kind == "bullet":
                _run(p, "- " + b.text)
            elif b.kind == "placeholder":
                _run(p, b.text, italic=True, highlight=True)
            else:
                _run(p, b.text)

    # Recipients (left) and the signature block (right), left for a person to complete.
    foot = d.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    p = _first(left)
    _run(p, r.recipients_title, size=12, bold=True, italic=True, underline=True)
    for line in r.recipients.splitlines():
        _run(_par(left), line, size=12, highlight="[" in line)
    p = _first(right)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, r.sign_for, bold=True)
    for line in r.signer.splitlines():
        _run(_par(right, "center"), line, bold=bool(line), highlight=bool(line))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


class DocxTemplate:
    """The built-in Word layout of the draft report (Hướng dẫn 36-HD/VPTW)."""

    format = "docx"

    def render(self, report: Report) -> bytes:
        return report_docx(report)
