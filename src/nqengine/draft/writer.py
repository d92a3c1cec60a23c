"""Writing a draft: ``plan.yaml`` with comments, and the traceability README beside it.

The YAML is written by hand rather than by ``yaml.dump`` so that a person can
read it: one obligation field a line, each followed by the clause it came from,
mappings that hold a ``TODO`` in block style so the decision stands out, long
quotes folded.  What is written is read back and compared with the plan before
it is returned, so the comments and the folding can never change a value.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from typing import Any, Mapping

import yaml

# libyaml's loader when present: the draft is read back whole, and each plain scalar once.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader

__all__ = ["dump_plan"]

# Words that start with a letter and hold no YAML punctuation read back as themselves,
# except YAML 1.1's booleans and null: no need to parse them to know.
_WORDS_ONLY = re.compile(r"[^\W\d_][\w .()/&'+-]*")
_WORDS_ONLY_BLOCK = re.compile(r"[^\W\d_][\w .,;()/&'+“”-]*")  # commas are plain outside flow
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


@functools.lru_cache(maxsize=4096)
def _plain_ok(s: str, flow: bool) -> bool:
    if (_WORDS_ONLY if flow else _WORDS_ONLY_BLOCK).fullmatch(s) and s == s.strip() and "  " not in s and s.lower() not in _RESERVED:
        return True
    if not s or s != s.strip() or "\n" in s or ": " in s or " #" in s or s.endswith(":"):
        return False
    if s[0] in "!&*|>'\"%@`#{[-?,]}" or (flow and not re.fullmatch(r"[\w .()/&'+-]+", s)):
        return False
    try:
        return _load(s) == s
    except yaml.YAMLError:
        return False


def _scalar(v: Any, flow: bool = False) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    return s if _plain_ok(s, flow) else json.dumps(s, ensure_ascii=False)


def _flow(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_scalar(k, True)}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v, True)


def _simple(v: Any) -> bool:
    if isinstance(v, Mapping):
        return "TODO" not in v and all(_simple(x) and not isinstance(x, Mapping) or (isinstance(x, Mapping) and _simple(x)) for x in v.values())
    if isinstance(v, (list, tuple)):
        return all(not isinstance(x, (Mapping, list, tuple)) or _simple(x) for x in v)
    return True


def _emit(key: str, value: Any, indent: int, out: list[str], comment: str = "", block: bool = False) -> None:
    pad = " " * indent
    tail = f"  # {comment}" if comment else ""
    if isinstance(value, str) and len(value) > 90 and value == " ".join(value.split()):
        out.append(f"{pad}{key}: >-{tail}")
        out.extend(pad + "  " + line for line in textwrap.wrap(value, 96, break_long_words=False, break_on_hyphens=False))
    elif not isinstance(value, (Mapping, list, tuple)):
        out.append(f"{pad}{key}: {_scalar(value)}{tail}")
    elif (not block or not value) and _simple(value) and len(_flow(value)) + indent + len(key) < 110:
        out.append(f"{pad}{key}: {_flow(value)}{tail}")
    elif isinstance(value, Mapping):
        out.append(f"{pad}{key}:{tail}")
        for k, v in value.items():
            _emit(_scalar(k), v, indent + 2, out)
    else:
        out.append(f"{pad}{key}:{tail}")
        for item in value:
            _item(item, indent + 2, out)


def _item(item: Any, indent: int, out: list[str], comments: Mapping[str, str] | None = None) -> None:
    if not isinstance(item, Mapping):
        out.append(" " * indent + "- " + _flow(item))
        return
    first = True
    for k, v in item.items():
        sub: list[str] = []
        _emit(_scalar(k), v, indent + 2, sub, (comments or {}).get(k, ""))
        if first:
            sub[0] = " " * indent + "- " + sub[0][indent + 2 :]
            first = False
        out.extend(sub)


def dump_plan(plan: Mapping[str, Any], comments: Mapping[str, Mapping[str, str]] | None = None, header: str = "") -> str:
    """The plan as YAML; ``comments[obligation id][field]`` is written after that field."""
    out: list[str] = [f"# {line}" if line else "#" for line in header.splitlines()]
    for key, value in plan.items():
        if key == "obligations" and not value:
            out += ["", "obligations: []"]
        elif key == "obligations":
            out.append("")
            out.append("obligations:")
            for ob in value:
                _item(ob, 2, out, (comments or {}).get(ob.get("id", ""), {}))
                out.append("")
        else:
            if key in ("clauses", "audience_categories", "materials", "document"):
                out.append("")
            _emit(_scalar(key), value, 0, out, block=key in ("clauses", "audience_categories", "materials", "document"))
    text = "\n".join(out).rstrip("\n") + "\n"
    back = _load(text)
    if back != json.loads(json.dumps(plan, default=str)):
        raise AssertionError("the written draft does not read back as the plan")  # pragma: no cover
    return text
