"""Every command and code block of the documentation runs, and shows what it says it shows.

Conventions (for whoever writes docs):

Files
    ``README.md``, ``docs/**/*.md`` and ``specs/*/README.md`` are found by glob, so
    a new page is covered without touching this file.  Files a page uses are shipped
    in the repository (for example ``docs/examples/``), never assumed.

Where blocks run
    From a scratch folder that mirrors the repository root (a symbolic link for each
    entry), so ``specs/tam-ky-xxi`` resolves as in a clone and files a block writes
    (``-o evaluation.json``) land in the scratch folder.  ``nqengine`` and ``python``
    are those of the interpreter running the tests.

``sh``, ``bash``, ``shell`` blocks
    Each line is a command (a trailing ``\\`` joins lines; blank lines and ``#``
    comments are skipped), run with bash; it must exit 0, or the status a trailing
    comment ``# exit N`` states.  ``python -m pip install ...`` is not run (the
    suite's environment has everything installed); in ``pip install ... && rest``
    only ``rest`` runs.

``text`` and ``console`` blocks that start with ``$ ``
    A transcript: ``$ COMMAND`` then the output it must print (standard output and
    error together, trailing spaces ignored).  A line ``...`` stands for any number
    of lines; a line ending in ``...`` matches any line that begins with what comes
    before the dots.  ``# exit N`` on the command line states its exit status.
    ``text`` blocks without a ``$`` are prose and not run.

``python`` blocks
    Run in order, one namespace per page, as a reader following the page would: a
    later block may use what an earlier one defined.  A block must not raise.

``yaml``, ``json``, ``toml``, ``csv`` blocks
    Data: each must parse.

Skipping a block
    Put ``<!-- docs: skip REASON -->`` on the line just before the fence, for example
    ``<!-- docs: skip needs a running server -->``.  The reason is required.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


ROOT = Path(__file__).resolve().parent.parent
#: Pages whose blocks another test runs, against what they need: docs/service.md's
#: curl examples talk to a running server, which tests/test_service_docs.py starts.
RUN_ELSEWHERE = (ROOT / "docs" / "service.md",)
PAGES = sorted({*ROOT.glob("README.md"), *ROOT.glob("docs/**/*.md"), *ROOT.glob("specs/*/README.md")} - set(RUN_ELSEWHERE))
FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.S | re.M)
SKIP = re.compile(r"<!--\s*docs:\s*skip\b(?P<reason>[^>]*?)-->\s*$")
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
SHELL = {"sh", "bash", "shell"}
DATA = {"yaml", "json", "toml", "csv"}


class Block:
    def __init__(self, page: Path, line: int, lang: str, body: str, skip: str | None):
        self.page, self.line, self.lang, self.body, self.skip = page, line, lang, body, skip

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT).as_posix()}:{self.line}"

    def runs(self) -> bool:
        if self.lang in SHELL or self.lang == "python" or self.lang in DATA:
            return True
        return self.lang in ("text", "console", "") and self.body.startswith("$ ")


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        body = re.sub(rf"^{m.group('indent')}", "", m.group("body"), flags=re.M) if m.group("indent") else m.group("body")
        out.append(Block(page, line, m.group("lang"), body, skip.group("reason").strip() if skip else None))
    return out


ALL = [b for page in PAGES for b in blocks(page) if b.runs()]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A folder that looks like the repository root, where blocks may write files."""
    where = tmp_path_factory.mktemp("docs")
    for entry in ROOT.iterdir():
        if entry.name in COPIED:
            shutil.copytree(entry, where / entry.name)
        elif entry.name != ".git":
            (where / entry.name).symlink_to(entry)
    return where


# Copied, not linked: a spec reads only inside its own folder (docs/security.md), and a
# linked folder's real path lies outside the scratch folder the commands run in.
COPIED = ("specs", "docs")


def _env() -> dict:
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("NQENGINE_PLUGINS", None)
    return env


def _commands(body: str) -> list[str]:
    """The commands of a shell block: continuation lines joined, comments and blanks dropped."""
    out, current = [], ""
    for raw in body.splitlines():
        line = raw.rstrip()
        if current:
            current += " " + line.strip()
        elif line.strip() and not line.lstrip().startswith("#"):
            current = line.strip()
        if current and current.endswith("\\"):
            current = current[:-1].rstrip()
            continue
        if current:
            out.append(current)
            current = ""
    return out


def _without_install(command: str) -> str | None:
    """The command with a leading ``pip install`` left out (None: nothing else to run)."""
    parts = [p.strip() for p in command.split("&&")]
    rest = [p for p in parts if not re.match(r"^(python3? -m )?pip install\b", p)]
    return " && ".join(rest) if rest else None


def run(command: str, cwd: Path) -> tuple[int, str, int]:
    """(exit status, output, status expected) of ``command``."""
    m = EXIT.search(command)
    want = int(m.group(1)) if m else 0
    command = command[: m.start()] if m else re.sub(r"\s+#.*$", "", command)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    return done.returncode, done.stdout.decode("utf-8", "replace"), want


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` lines fit ``expected``, where ``...`` is any lines and ``text...`` a prefix."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    line = actual[0]
    ok = line.startswith(head[:-3].rstrip()) if head.endswith("...") else line == head
    return ok and matches(rest, actual[1:])


def transcript(body: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            out.append((line[2:].strip(), []))
        elif out:
            out[-1][1].append(line.rstrip())
    for _, lines in out:
        while lines and not lines[-1]:
            lines.pop()
    return out


_NAMESPACES: dict[Path, dict] = {}


@pytest.mark.parametrize("block", ALL, ids=[b.id for b in ALL])
def test_block(block: Block, scratch: Path, monkeypatch):
    if block.skip is not None:
        assert block.skip, f"{block.id}: a skipped block must say why: <!-- docs: skip REASON -->"
        pytest.skip(block.skip)
    monkeypatch.chdir(scratch)
    if block.lang in SHELL:
        for command in _commands(block.body):
            command = _without_install(command)
            if command is None:
                continue
            status, output, want = run(command, scratch)
            assert status == want, f"{block.id}: `{command}` exited {status}, expected {want}:\n{output}"
    elif block.lang == "python":
        namespace = _NAMESPACES.setdefault(block.page, {"__name__": f"docs_{block.page.stem}"})
        exec(compile(block.body, block.id, "exec"), namespace)
    elif block.lang == "yaml":
        yaml.safe_load(block.body)
    elif block.lang == "json":
        text = block.body.strip()
        if "\n{" in text and not text.startswith("["):  # JSON Lines
            for line in text.splitlines():
                if line.strip():
                    json.loads(line)
        else:
            json.loads(text)
    elif block.lang == "toml":
        import tomllib

        tomllib.loads(block.body)
    elif block.lang == "csv":
        rows = list(csv.reader(io.StringIO(block.body)))
        assert rows and all(len(r) == len(rows[0]) for r in rows), f"{block.id}: every row has as many cells as the header"
    else:
        for command, expected in transcript(block.body):
            status, output, want = run(command, scratch)
            actual = [line.rstrip() for line in output.rstrip("\n").splitlines()]
            assert status == want, f"{block.id}: `{command}` exited {status}, expected {want}:\n{output}"
            assert matches(expected, actual), f"{block.id}: `{command}` printed:\n{output}\nexpected:\n" + "\n".join(expected)


def test_pages_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in PAGES}
    assert {"README.md", "docs/spec-format.md", "docs/testing.md", "specs/tam-ky-xxi/README.md"} <= names


@pytest.mark.parametrize(
    "expected, actual, ok",
    [
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "..."], ["a"], True),
        (["a b..."], ["a b c"], True),
        (["a", "d"], ["a", "b", "d"], False),
        (["a"], ["a", "b"], False),
    ],
)
def test_matching_rules(expected, actual, ok):
    assert matches(expected, actual) is ok


def test_commands_join_continuations_and_drop_comments():
    assert _commands("# c\nnqengine a \\\n    --b c\n\nnqengine d  # exit 3\n") == ["nqengine a --b c", "nqengine d  # exit 3"]
    assert _without_install('python -m pip install ".[test]" && python -m pytest -q') == "python -m pytest -q"
    assert _without_install("python -m pip install ./plugins/x") is None
