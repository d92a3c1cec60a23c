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
    # Control characters, surrogates and non-characters are not words (and YAML cannot hold them).
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs") or c in "\t\n" if c not in "\ufffe\uffff")
    text = _MARKUP.sub("", text)
    text = re.sub(r"^\s*#{1,6}\s+", "", text)
    return " ".join(text.split())


def split_text(text: str) -> list[Paragraph]:
    """Paragraphs of a plain text: each non-empty line is one, unless the lines are hard-wrapped.

    A text copied from a PDF or a web page often breaks its sentences into lines;
    when many lines go on in lower case from the line above, they are rejoined
    (see :func:`reflow`).
    """
    cleaned = [clean(raw) for raw in text.splitlines()]
    if _hard_wrapped(cleaned):
        return reflow([(w, f"line {n}") for n, w in enumerate(cleaned, 1)])
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


# A line that starts a new paragraph: numbering, a bullet, or a label of the genre.
_STARTS = re.compile(r"^(?:[IVX]+[.\-–)]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][.)]\s|[-–—•+*]\s|Nơi nhận|T/M|TM\.|K/T|KT\.|Số\b)")
_ENDS = (".", ":", "!", "?")  # not ";": a wrapped sentence often breaks after one
_SHORT_TITLE = re.compile(r"^(?:[IVX]+[.\-–)]|\d+(?:\.\d+)*[.)]|[a-zđ][.)])\s+(?:\S+\s*){1,6}$")


def _alone(words: str) -> bool:
    """A line that is a paragraph by itself: capitals (KẾ HOẠCH, the header) or only marks (-----, *, |)."""
    return words.isupper() or not any(c.isalnum() for c in words)


def reflow(lines: list[tuple[str, str]]) -> list[Paragraph]:
    """Rejoin hard-wrapped lines (a PDF's, or text copied from one) into paragraphs.

    ``lines`` are (words, where) with "" for a blank line.  A line continues the
    previous one unless a blank line separates them, it starts a new item (a
    number, a bullet, "Nơi nhận", "T/M", "Số"), the previous one ended a sentence,
    or either stands alone; capital lines continue a capital line ending with a
    comma ("I. QUAN ĐIỂM," / "MỤC TIÊU, YÊU CẦU").
    """
    out: list[Paragraph] = []
    current, where = "", ""
    for words, at in lines:
        if current and words:
            caps_go_on = current.isupper() and words.isupper() and current.endswith(",")
            # "2. Mục tiêu" is a title: what follows starts a paragraph of its own.
            prose_goes_on = (not _STARTS.match(words) and not current.endswith(_ENDS)
                             and not _alone(current) and not _alone(words) and not _SHORT_TITLE.match(current))
            if caps_go_on or prose_goes_on:
                current = f"{current} {words}"
                continue
        if current:
            out.append(Paragraph(len(out), current, where))
        current, where = words, at
    if current:
        out.append(Paragraph(len(out), current, where))
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """Whether a text's lines are layout: many lines go on, in lower case, from the line above."""
    follow = [b for a, b in zip(lines, lines[1:]) if a and b]
    lower = [b for b in follow if b[:1].islower() and not _STARTS.match(b)]  # "a. ..." is an item, not a wrap
    return len(lower) >= 3 and len(lower) * 6 >= len(follow)


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
    lines = [(clean(raw), f"page {p}, line {n}") for p, page in enumerate(pages, 1) for n, raw in enumerate(page.splitlines(), 1)]
    return reflow([(w, at) for w, at in lines if w])  # a PDF's blank lines are layout too


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
