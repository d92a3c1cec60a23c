"""Confined inputs: which files a spec may make nqengine read, and how much of them.

A spec, its registry and its facts may come from someone you do not trust.
Whatever they say, nqengine reads only:

* files inside the allowed roots — the spec's own folder, the working
  directory when the spec lies inside it (so ``specs/an-my-xxi`` may extend
  ``specs/tam-ky-xxi``), and any folder given with ``--allow-root`` — after
  resolving symbolic links, so a link pointing out of a root is refused;
* files named on the command line (``--registry``, ``--facts``): the person
  running nqengine chose them;
* regular files only (no folder, FIFO, device such as ``/dev/zero``), and at
  most ``max_bytes`` of them (``--max-input-mb``).

A refused file is never opened, so no error can quote its content.
``docs/security.md`` describes the trust model.

The policy is held in a context variable: :func:`confined` sets it for a
block, :func:`check_input` is called by every reader before it opens a file.
Without a policy, files are still required to be regular and below
:data:`DEFAULT_MAX_BYTES`, but any folder is allowed (the Python API trusts its
caller; :func:`nqengine.load_folder` and the command line confine).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
from typing import Iterable, Iterator

import attrs

from nqengine.errors import InputError, Problem
from nqengine.i18n import MESSAGES

__all__ = ["Policy", "confined", "check_input", "default_roots", "current_policy", "DEFAULT_MAX_BYTES", "MAX_YAML_FACTS_BYTES"]

#: Default cap on one input file: generous (a national fact file in JSON Lines is a few GB).
DEFAULT_MAX_BYTES = 8 * 1024**3
#: YAML fact files above this are refused: a YAML tree takes ~40× its size in memory;
#: JSON Lines and CSV are read row by row.
MAX_YAML_FACTS_BYTES = 64 * 1024**2

MESSAGES.update(
    {
        "outside_root": (
            "không đọc tệp nằm ngoài thư mục được phép ({roots}); nếu tin tưởng tệp này, hãy thêm --allow-root THƯ_MỤC",
            "refusing to read a file outside the allowed folders ({roots}); if you trust it, add --allow-root DIR",
        ),
        "not_regular_file": (
            "chỉ đọc tệp thông thường, không đọc {what}",
            "only regular files are read, not {what}",
        ),
        "file_too_large": (
            "tệp lớn {size} MB, vượt giới hạn {limit} MB; hãy dùng --max-input-mb nếu tin tưởng tệp này",
            "the file is {size} MB, above the limit of {limit} MB; raise --max-input-mb if you trust it",
        ),
        "yaml_facts_too_large": (
            "tệp dữ kiện YAML lớn {size} MB, vượt {limit} MB: hãy lưu dữ kiện ở dạng JSON Lines (.jsonl) hoặc CSV, được đọc từng dòng",
            "the YAML facts file is {size} MB, above {limit} MB: write the facts as JSON Lines (.jsonl) or CSV, which are read row by row",
        ),
    }
)


@attrs.frozen
class Policy:
    """Allowed ``roots`` (resolved folders), ``files`` named by the person running nqengine, and the size cap."""

    roots: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES

    def allows(self, real: str) -> bool:
        if not self.roots and not self.files:
            return True
        if real in self.files:
            return True
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots)


_POLICY: contextvars.ContextVar[Policy | None] = contextvars.ContextVar("nqengine_confine", default=None)


def current_policy() -> Policy | None:
    return _POLICY.get()


def default_roots(spec_path: str | os.PathLike[str], extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The spec's folder, the working directory when the spec lies inside it, and ``extra``."""
    name = os.fspath(spec_path)
    folder = os.path.realpath(name if os.path.isdir(name) else (os.path.dirname(name) or "."))
    roots = [folder]
    cwd = os.path.realpath(os.getcwd())
    if cwd != os.path.dirname(cwd) and (folder == cwd or folder.startswith(cwd + os.sep)):
        roots.append(cwd)  # never the file system's root
    roots.extend(os.path.realpath(e) for e in extra)
    return tuple(dict.fromkeys(roots))


@contextlib.contextmanager
def confined(
    roots: Iterable[str] = (),
    files: Iterable[str] = (),
    max_bytes: int | None = None,
) -> Iterator[Policy]:
    """Within the block, readers accept only files under ``roots`` or among ``files``."""
    policy = Policy(
        tuple(os.path.realpath(r) for r in roots),
        tuple(os.path.realpath(f) for f in files),
        DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
    )
    token = _POLICY.set(policy)
    try:
        yield policy
    finally:
        _POLICY.reset(token)


def _what(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return "một thư mục", "a folder"
    if stat.S_ISFIFO(mode):
        return "một đường ống (FIFO)", "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một thiết bị", "a device"
    if stat.S_ISSOCK(mode):
        return "một socket", "a socket"
    return "tệp đặc biệt", "a special file"


class _Lang(str):
    def __new__(cls, vi: str, en: str) -> "_Lang":
        obj = super().__new__(cls, en)
        obj.vi = vi  # type: ignore[attr-defined]
        return obj

    def render(self, lang: str) -> str:
        return str(self) if lang == "en" else self.vi  # type: ignore[attr-defined]


def check_input(name: str, error: type[InputError], *, line: int = 1, column: int = 1, at: str | None = None, yaml_facts: bool = False) -> None:
    """Raise ``error`` unless ``name`` may be read under the current policy.

    The problem is placed at ``at:line:column`` (where the path was written,
    for ``extends``) or at the file itself.  A missing file is left to the
    reader, which reports it in its own words.
    """
    policy = _POLICY.get() or Policy()
    where = at or name
    try:
        st = os.stat(name)  # follows links: what would actually be read
    except OSError:
        return
    real = os.path.realpath(name)
    if not policy.allows(real):
        shown = ", ".join(policy.roots) or "-"
        raise error([Problem(where, line, column, "", "outside_root", {"roots": shown})])
    if not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            return  # the reader says "this is a folder" in its own words
        raise error([Problem(where, line, column, "", "not_regular_file", {"what": _Lang(*_what(st.st_mode))})])
    limit = policy.max_bytes
    if yaml_facts:
        limit = min(limit, MAX_YAML_FACTS_BYTES)
    if st.st_size > limit:
        code = "yaml_facts_too_large" if yaml_facts and limit == MAX_YAML_FACTS_BYTES else "file_too_large"
        raise error([Problem(where, line, column, "", code, {"size": _mb(st.st_size), "limit": _mb(limit)})])


def _mb(n: int) -> str:
    return f"{n / 1024**2:.2f}".rstrip("0").rstrip(".")
