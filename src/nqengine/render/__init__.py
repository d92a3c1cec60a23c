"""Reports people read: spreadsheets, a dashboard, and the draft báo cáo.

One module per format — :mod:`~nqengine.render.csv`, :mod:`~nqengine.render.xlsx`,
:mod:`~nqengine.render.html`, :mod:`~nqengine.render.docx`,
:mod:`~nqengine.render.markdown` — with the report's content in
:mod:`~nqengine.render.report`.  :mod:`nqengine.render.builtin` registers them
through the same hooks a third-party plugin uses.

:mod:`nqengine.render.formats` holds the built-in ``table`` and ``json``
formats, the JSON contract (:func:`evaluation_to_json`, streamed by
:func:`write_evaluation_json`) and the text of ``explain``.
"""

from nqengine.render.formats import (
    evaluation_to_json,
    explain_text,
    render_json,
    render_table,
    write_evaluation_json,
)

__all__ = ["evaluation_to_json", "explain_text", "render_json", "render_table", "write_evaluation_json"]
