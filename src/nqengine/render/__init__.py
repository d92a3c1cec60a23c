"""The render stage: an evaluation to what people and programs read.

:mod:`nqengine.render.formats` holds the built-in output formats (``table``
and ``json``, registered through ``nqengine_register_output_formats`` like
any plugin's), the JSON contract (:func:`evaluation_to_json`, streamed by
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
