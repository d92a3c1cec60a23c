"""Reading a plan's text: plain text, Word (.docx) or PDF, as located paragraphs.

A paragraph keeps where it came from (``line 12`` of a text file, ``paragraph
12`` of a Word document, ``page 2, line 5`` of a PDF) so the traceability table
can point back at it.  Markup is not part of the words: Markdown ``**bold**`` and
``__bold__``, leading ``#`` and non-breaking spaces go; text is NFC with every
run of whitespace one space.  python-docx and pypdf are optional (the ``draft``
extra); reading a .docx or .pdf without them is a located error, not a traceback.
"""

from __future__ import annotations

import os
import re
import unicodedata

import attrs

from nqengine.errors import InputError, Problem

__all__ = ["Paragraph", "clean", "read_paragraphs", "split_text"]


@attrs.frozen
class Paragraph:
    """One paragraph of the source: its words and where it is."""

    index: int  # 0-based, in reading order
    text: str  # cleaned: NFC, markup stripped, whitespace collapsed
    where: str  # "line 12", "paragraph 4", "page 2, line 5"
    line: int = 0  # line in a text file (0 when not a text file)


_MARKUP = re.compile(r"\*\*|__|(?<![\w/])\*(?=\S)|(?<=\S)\*(?![\w/])")


def clean(text: str) -> str:
    """A paragraph's words: NFC, markup stripped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    text = _MARKUP.sub("", text)
    text = re.sub(r"^\s*#{1,6}\s+", "", text)
    return " ".join(text.split())


def split_text(text: str) -> list[Paragraph]:
    """Paragraphs of a plain text: each non-empty line is one."""
    out: list[Paragraph] = []
    for n, raw in enumerate(text.splitlines(), 1):
        words = clean(raw)
        if words:
            out.append(Paragraph(len(out), words, f"line {n}", n))
    return out


def _problem(path: str, code: str, **params: str) -> InputError:
    # Codes are registered by nqengine.draft.vocabulary (nqengine_register_messages).
    return InputError([Problem(path, 1, 1, "", code, params)])


def _docx(path: str) -> list[Paragraph]:
    try:
        # python-docx and pypdf are optional (the `draft` extra): imported only for a .docx or .pdf plan
        import docx
        from docx.table import Table  # optional, as above
        from docx.text.paragraph import Paragraph as DocxParagraph  # optional, as above
    except ImportError:
        raise _problem(path, "draft_needs_extra", package="python-docx") from None
    try:
        document = docx.Document(path)
    except Exception as exc:  # a corrupt or non-Word file
        raise _problem(path, "draft_not_readable", what="Word (.docx)", error=type(exc).__name__) from None
    texts: list[str] = []
    # Body order, tables included: the header of a Party document is often a two-column table.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            texts.extend(DocxParagraph(child, document).text.splitlines())
        elif tag == "tbl":
            for row in Table(child, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    for p in cell.paragraphs:
                        texts.extend(p.text.splitlines())
    out: list[Paragraph] = []
    for n, raw in enumerate(texts, 1):
        words = clean(raw)
        if words:
            out.append(Paragraph(len(out), words, f"paragraph {n}"))
    return out


# A PDF line that starts a new paragraph: numbering, a bullet, or a label of the genre.
_STARTS = re.compile(r"^(?:[IVX]+[.\-–)]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][.)]\s|[-–—•+*]\s|Nơi nhận|T/M|TM\.|K/T|KT\.)")


def _pdf(path: str) -> list[Paragraph]:
    try:
        from pypdf import (
            PdfReader,  # optional (the `draft` extra): imported only for a .pdf plan
        )
    except ImportError:
        raise _problem(path, "draft_needs_extra", package="pypdf") from None
    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise _problem(path, "draft_not_readable", what="PDF", error=type(exc).__name__) from None
    # PDF lines are layout: rejoin a line to the previous one unless it starts a new
    # paragraph or the previous one ended a sentence.
    out: list[Paragraph] = []
    current, where = "", ""
    for p, page in enumerate(pages, 1):
        for n, raw in enumerate(page.splitlines(), 1):
            words = clean(raw)
            if not words:
                continue
            # Capitalised lines (KẾ HOẠCH, I. NỘI DUNG, the header) stand alone.
            if (current and not _STARTS.match(words) and not current.endswith((".", ":", ";", "!", "?"))
                    and not current.isupper() and not words.isupper()):
                current = f"{current} {words}"
                continue
            if current:
                out.append(Paragraph(len(out), current, where))
            current, where = words, f"page {p}, line {n}"
    if current:
        out.append(Paragraph(len(out), current, where))
    return out


def read_paragraphs(path: str | os.PathLike[str]) -> list[Paragraph]:
    """The paragraphs of a plan in a .txt (UTF-8), .docx or .pdf file."""
    name = os.fspath(path)
    ext = os.path.splitext(name)[1].lower()
    if ext == ".docx":
        return _docx(name)
    if ext == ".pdf":
        return _pdf(name)
    try:
        with open(name, encoding="utf-8-sig") as fh:
            return split_text(fh.read())
    except UnicodeDecodeError:
        raise _problem(name, "draft_not_readable", what="UTF-8 (.txt)", error="UnicodeDecodeError") from None
    except OSError as exc:
        raise _problem(name, "file_unreadable", detail=exc.strerror or str(exc)) from None
