"""The report formats as a built-in plugin: registered through the same hooks a third party uses.

``--format csv``, ``csv-rollup``, ``xlsx``, ``html``, and the draft report as ``docx`` and
``md`` (also given by ``nqengine report``).  The report's templates are
``trylast`` implementations of ``nqengine_report_template``, so a plugin that
returns its own template for ``docx`` or ``md`` replaces them.
"""

from __future__ import annotations

from typing import Any

from nqengine.plugins.hookspecs import hookimpl
from nqengine.render.csv import CsvFormat, CsvRollupFormat
from nqengine.render.html import HtmlFormat
from nqengine.render.xlsx import XlsxFormat

__all__ = ["ReportFormat"]


class ReportFormat:
    """The draft report as an output format: ``render(evaluation, lang, unit=None)``, laid out by the hook's template."""

    def __init__(self, name: str, binary: bool):
        self.name, self.binary = name, binary

    def render(self, evaluation: Any, lang: str = "vi", unit: str | None = None) -> Any:
        from nqengine.render.report import (
            render_report,  # the report's modules load when a report is asked for: start-up time
        )

        return render_report(evaluation, self.name, unit, lang)


@hookimpl
def nqengine_register_output_formats():
    return [CsvFormat(), CsvRollupFormat(), XlsxFormat(), HtmlFormat(), ReportFormat("docx", True), ReportFormat("md", False)]


@hookimpl(trylast=True)
def nqengine_report_template(format):
    if format == "docx":
        from nqengine.render.docx import (
            DocxTemplate,  # loaded when a report is asked for: start-up time
        )

        return DocxTemplate()
    if format == "md":
        from nqengine.render.markdown import (
            MarkdownTemplate,  # loaded when a report is asked for: start-up time
        )

        return MarkdownTemplate()
    return None
