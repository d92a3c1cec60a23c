"""Every error nqengine raises on purpose.

All derive from :class:`NQEngineError`, and each also subclasses the closest
built-in, so callers may catch ``ValueError`` or ``LookupError`` as they would
for any library.  Input errors carry a list of :class:`Problem` objects, each
located as ``file:line:column`` with the field path, so a spec author can fix
every mistake in one pass.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import attrs

from nqengine.i18n import escape_invisible, message

__all__ = [
    "NQEngineError",
    "Problem",
    "InputError",
    "SpecError",
    "RegistryError",
    "FactsError",
    "PluginError",
    "MissingPluginError",
    "EvaluationError",
    "UnknownKeyError",
]


@attrs.frozen
class Problem:
    """One located mistake in an input file.

    ``code`` names the kind of mistake and ``params`` fill its message, so the
    same problem renders in Vietnamese or English (see :mod:`nqengine.i18n`).
    ``path`` is the dotted field path inside the document (``obligations[2].deadline``).
    """

    file: str
    line: int  # 1-based
    column: int  # 1-based
    path: str
    code: str
    params: dict = attrs.field(factory=dict, eq=False, hash=False)

    def render(self, lang: str = "vi") -> str:
        # One problem, one line: a multi-line value quoted in a message stays on it.
        text = " ".join(message(self.code, lang, **self.params).splitlines())
        # A key may hold a line break: the path stays on the problem's one line.
        path = escape_invisible(self.path).replace("\n", "\\n").replace("\r", "\\r")
        where = f" ({path})" if self.path else ""
        return f"{escape_invisible(self.file)}:{self.line}:{self.column}: {text}{where}"

    def to_json(self, lang: str = "en") -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "message": message(self.code, lang, **self.params),
        }


class NQEngineError(Exception):
    """Root of every error nqengine raises on purpose; catch this to catch them all."""


class InputError(NQEngineError, ValueError):
    """An input file (spec, registry or facts) is malformed.

    ``problems`` lists every located mistake found, sorted by file and position;
    ``str()`` renders them one per line in English, :meth:`render` in any language.
    """

    kind = "input"

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.file, p.line, p.column, p.code)
        )
        super().__init__(self.render("en"))

    def render(self, lang: str = "vi") -> str:
        return "\n".join(p.render(lang) for p in self.problems)

    def __reduce__(self) -> tuple:
        """Pickled as its problems (the default would call ``__init__`` with the message), e.g. by :mod:`nqengine.inputs.forked`."""
        return (type(self), (self.problems,))


class SpecError(InputError):
    """A plan spec file is malformed: located problems, never a traceback."""

    kind = "spec"


class RegistryError(InputError):
    """An organisation registry file is malformed."""

    kind = "registry"


class FactsError(InputError):
    """A facts file is malformed (a bad row, an impossible date, an unknown field)."""

    kind = "facts"


class PluginError(NQEngineError, RuntimeError):
    """A plugin failed: it did not load, failed validation, raised inside a hook, or returned something malformed.

    The message names the plugin, the hook and, during evaluation, the
    obligation and unit being evaluated; ``__cause__`` holds the original
    error.  ``code``/``params`` render the detail in either language
    (:meth:`render`); ``str()`` is English.  A ``PluginError`` raised
    ``from`` another one shows the inner (more precise) one, completed with
    the location the outer one knows.
    """

    def __init__(
        self,
        text: str | None = None,
        *,
        plugin: str | None = None,
        hook: str | None = None,
        obligation: str | None = None,
        unit: str | None = None,
        code: str | None = None,
        params: dict | None = None,
    ):
        self.plugin, self.hook, self.obligation, self.unit = plugin, hook, obligation, unit
        self.text, self.code, self.params = text, code, dict(params or {})
        super().__init__(self.render("en"))

    def at(self, *, obligation: str | None = None, unit: str | None = None) -> "PluginError":
        """Fill in the obligation and unit being evaluated, where not known yet; returns ``self``."""
        self.obligation = self.obligation or obligation
        self.unit = self.unit or unit
        self.args = (self.render("en"),)
        return self

    def _parts(self) -> tuple[str | None, str | None, str | None, str | None, "PluginError"]:
        chain = [self]
        while isinstance(chain[-1].__cause__, PluginError) and chain[-1].__cause__ not in chain:
            chain.append(chain[-1].__cause__)
        parts: list = [None, None, None, None]
        for err in chain:  # innermost first: it knows best
            for i, value in enumerate((err.plugin, err.hook, err.obligation, err.unit)):
                parts[i] = parts[i] or value
        return parts[0], parts[1], parts[2], parts[3], chain[-1]

    def render(self, lang: str = "vi") -> str:
        """The message in ``lang``: ``plugin 'P', hook H, obligation 'O', unit 'U': detail``."""
        plugin, hook, obligation, unit, source = self._parts()
        words = _PLUGIN_WORDS["en" if lang == "en" else "vi"]
        where = []
        if plugin:
            where.append(f"plugin {plugin!r}")
        if hook:
            where.append(f"hook {hook}")
        if obligation:
            where.append(f"{words[0]} {obligation!r}")
        if unit:
            where.append(f"{words[1]} {unit!r}")
        detail = message(source.code, lang, **source.params) if source.code else (source.text or "")
        prefix = ", ".join(where)
        return f"{prefix}: {detail}" if prefix else detail

    def __str__(self) -> str:
        return self.render("en")


_PLUGIN_WORDS = {"vi": ("nghĩa vụ", "đơn vị"), "en": ("obligation", "unit")}


class MissingPluginError(NQEngineError, LookupError):
    """A spec declares a plugin (or uses a kind) that is not installed or is blocked.

    ``plugin`` names the missing plugin; ``code``/``params`` render the message
    in either language (:meth:`render`); ``str()`` is English.
    """

    def __init__(self, text: str | None = None, *, plugin: str | None = None, code: str | None = None, params: dict | None = None):
        self.plugin, self.text, self.code, self.params = plugin, text, code, dict(params or {})
        super().__init__(self.render("en"))

    def render(self, lang: str = "vi") -> str:
        return message(self.code, lang, **self.params) if self.code else (self.text or "")

    def __str__(self) -> str:
        return self.render("en")


class EvaluationError(NQEngineError, RuntimeError):
    """Evaluation could not proceed (for example a cycle between relative deadlines)."""


class UnknownKeyError(NQEngineError, KeyError):
    """A lookup by id failed (an unknown unit or obligation asked for by a caller)."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want the sentence.
        return str(self.args[0]) if self.args else ""


def raise_if(problems: Sequence[Problem], cls: type[InputError]) -> None:
    """Raise ``cls(problems)`` when there is any problem."""
    if problems:
        raise cls(problems)
