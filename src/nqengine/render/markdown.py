"""The draft report as Markdown, for quick reading (``nqengine report ... --format md``)."""

from __future__ import annotations

from nqengine.render.report import Report

__all__ = ["MarkdownTemplate", "report_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(r: Report) -> str:
    out = []
    left = [x for x in (r.superior, f"**{r.issuer}**", "\\*", r.number) if x]
    out.append(f"**{r.party}**  ")
    out.append(f"*{r.place_date}*")
    out.append("")
    out.extend(line + "  " for line in left)
    out.append("")
    out.append(f"# {r.doc_type}")
    out.append("")
    out.append(f"**{r.summary}**")
    out.append("")
    for sec in r.sections:
        out.append(f"## {sec.number}. {sec.title}")
        out.append("")
        for b in sec.blocks:
            if b.kind == "bullet":
                out.append(f"- {b.text}")
            elif b.kind == "placeholder":
                out.append(f"> *{b.text}*")
                out.append("")
            elif b.kind == "table":
                head, *rows = b.rows
                out.append("")
                out.append("| " + " | ".join(_cell(c) for c in head) + " |")
                out.append("|" + "---|" * len(head))
                out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
                out.append("")
            else:
                out.append("")
                out.append(b.text)
                out.append("")
        out.append("")
    out.append(f"**{r.sign_for}**  ")
    out.extend(line + "  " for line in r.signer.splitlines())
    out.append("")
    out.append(f"*{r.recipients_title}*  ")
    out.extend(line + "  " for line in r.recipients.splitlines())
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"


class MarkdownTemplate:
    """The built-in Markdown layout of the draft report."""

    format = "md"

    def render(self, report: Report) -> str:
        return report_markdown(report)


