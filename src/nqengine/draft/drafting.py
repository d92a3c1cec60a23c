"""The drafting itself: a plan's paragraphs to a :class:`Draft` (clauses, skeleton obligations, TODOs); see :mod:`nqengine.draft`."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

import attrs

from nqengine.draft.reader import Paragraph, read_paragraphs, split_text
from nqengine.draft.skeleton import Skeleton, draft_obligations
from nqengine.draft.structure import Layout, parse_layout
from nqengine.draft.trace import traceability
from nqengine.draft.vocabulary import merged_vocabulary
from nqengine.draft.writer import dump_plan
from nqengine.plugins.manager import catalogue_for, get_plugin_manager

__all__ = ["Draft", "draft_file", "draft_paragraphs", "draft_text"]


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-") or "plan"


@attrs.define
class Draft:
    """A drafted spec: the layout read from the text and the skeleton obligations."""

    name: str
    source: str
    layout: Layout
    skeletons: list[Skeleton]
    categories: dict[str, dict[str, Any]]
    materials: dict[str, str]

    @property
    def clauses(self) -> dict[str, str]:
        return {c.id: c.text for c in self.layout.clauses}

    @property
    def todos(self) -> list[tuple[str, str, str]]:
        """(where, field, words needing a decision), in the order of the plan."""
        out = [("document", f, w) for f, w in self._document_todos()]
        out += [(s.id, f, w) for s in self.skeletons for f, w in s.todos]
        return out

    def _document_todos(self) -> list[tuple[str, str]]:
        if self.layout.metadata.issued is None:
            return [("issued", "văn bản không ghi ngày ban hành: ghi issued, hoặc effective (ngày bắt đầu áp dụng)")]
        return []

    def plan(self) -> dict[str, Any]:
        """The draft as the mapping ``plan.yaml`` holds."""
        meta = self.layout.metadata
        title = meta.title or self.name
        if meta.doc_type and not title.isupper():
            doc_title = f"{meta.doc_type.capitalize()} {title[:1].lower()}{title[1:]}"
        else:  # an all-capitals title keeps its case: lower-casing Vietnamese capitals is guesswork
            doc_title = f"{meta.doc_type} {title}" if meta.doc_type else title
        document: dict[str, Any] = {"id": _slug(meta.number) if meta.number else f"doc-{self.name}", "title": doc_title}
        if meta.issuer:
            document["issuer"] = meta.issuer
        if meta.number:
            document["number"] = meta.number
        if meta.issued:
            document["issued"] = meta.issued.strftime("%d/%m/%Y")
        for field, words in self._document_todos():
            document["TODO"] = words
        plan: dict[str, Any] = {"nqengine": 1, "id": self.name, "title": doc_title, "document": document}
        if self.categories:
            plan["audience_categories"] = self.categories
        if self.materials:
            plan["materials"] = self.materials
        plan["clauses"] = self.clauses
        # An obligation's own TODO goes last, where it is read after the fields it is about.
        plan["obligations"] = [{**{k: v for k, v in s.data.items() if k != "TODO"}, **({"TODO": s.data["TODO"]} if "TODO" in s.data else {})}
                               for s in self.skeletons]
        return plan

    def plan_yaml(self) -> str:
        header = (f"Bản nháp do `nqengine draft` tạo từ {os.path.basename(self.source)}: mọi điều khoản trích nguyên văn,\n"
                  "mỗi trường ghi điều khoản nguồn; sửa từng TODO rồi chạy `nqengine check`.\n"
                  f"Draft written by `nqengine draft` from {os.path.basename(self.source)}; README.md beside it traces it.")
        comments = {s.id: {f: f"← {c}" for f, c in s.sources.items()} for s in self.skeletons}
        return dump_plan(self.plan(), comments, header)

    def readme(self) -> str:
        return traceability(self)

    def write(self, folder: str | os.PathLike[str]) -> list[str]:
        """Write ``plan.yaml`` and ``README.md`` into ``folder`` (created); return the paths written."""
        folder = os.fspath(folder)
        os.makedirs(folder, exist_ok=True)
        written = []
        for name, text in (("plan.yaml", self.plan_yaml()), ("README.md", self.readme())):
            path = os.path.join(folder, name)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
            written.append(path)
        return written


def ready(pm: Any = None) -> Any:
    """A plugin manager (a new one when ``pm`` is None) whose catalogue is built.

    Building the catalogue registers the drafter's messages (``nqengine_register_messages``
    of ``nqengine.draft.vocabulary``), so that an unreadable file or a difference found
    by ``--check`` renders in words, also when the drafter is called from Python.
    """
    pm = get_plugin_manager() if pm is None else pm
    catalogue_for(pm)
    return pm


def draft_paragraphs(paragraphs: list[Paragraph], name: str = "plan", source: str = "<text>", pm: Any = None) -> Draft:
    """Draft a spec from located paragraphs (see :mod:`nqengine.draft.reader`)."""
    pm = ready(pm)
    vocab = merged_vocabulary(pm)
    layout = parse_layout(paragraphs, vocab["labels"])
    year = layout.metadata.issued.year if layout.metadata.issued else None
    skeletons, categories, materials = draft_obligations(layout, vocab, year)
    return Draft(name, source, layout, skeletons, categories, materials)


def draft_text(text: str, name: str = "plan", pm: Any = None) -> Draft:
    """Draft a spec from a plan's plain text (one paragraph a line)."""
    return draft_paragraphs(split_text(text), name, "<text>", pm)


def draft_file(path: str | os.PathLike[str], pm: Any = None) -> Draft:
    """Draft a spec from a .txt, .docx or .pdf file."""
    path = os.fspath(path)
    pm = ready(pm)  # before reading: an unreadable file is reported with the drafter's messages
    return draft_paragraphs(read_paragraphs(path), _slug(os.path.splitext(os.path.basename(path))[0]), path, pm)


