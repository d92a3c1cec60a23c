"""Reports people read: spreadsheets, a dashboard, and the draft báo cáo.

One module per format — :mod:`~nqengine.render.csv`, :mod:`~nqengine.render.xlsx`,
:mod:`~nqengine.render.html`, :mod:`~nqengine.render.docx`,
:mod:`~nqengine.render.markdown` — with the report's content in
:mod:`~nqengine.render.report`.  :mod:`nqengine.render.builtin` registers them
through the same hooks a third-party plugin uses.
"""
