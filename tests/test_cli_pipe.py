"""Output cut short (``nqengine … | head``) ends quietly: exit 0, nothing on stderr.

The reader end of the pipe is closed before the command starts, so every
write fails with EPIPE: deterministic, unlike a real ``head`` that may read
everything before it closes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = str(ROOT / "specs" / "tam-ky-xxi")


def _run_closed(args: list[str]) -> subprocess.CompletedProcess:
    r, w = os.pipe()
    os.close(r)
    try:
        return subprocess.run(
            [sys.executable, "-c", "import sys; from nqengine.cli import main; sys.exit(main())", *args], stdout=w, stderr=subprocess.PIPE,
            cwd=ROOT, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
    finally:
        os.close(w)


@pytest.mark.parametrize(
    "args",
    [
        ["plugins"],
        ["evaluate", SPEC, "--as-of", "20/11/2020"],
        ["evaluate", SPEC, "--as-of", "20/11/2020", "--format", "json"],
        ["explain", SPEC, "--as-of", "20/11/2020", "--unit", "p-hoa-huong", "--obligation", "study-party-committee"],
    ],
    ids=["plugins", "evaluate-table", "evaluate-json", "explain"],
)
def test_closed_pipe_ends_quietly(args):
    done = _run_closed(args)
    assert done.stderr.decode("utf-8") == ""
    assert done.returncode == 0


def test_closed_pipe_ends_quietly_when_two_processes_write_the_json():
    """The JSON written by two processes (the threshold at one verdict): the pipe refused, no child left behind."""
    r, w = os.pipe()
    os.close(r)
    script = (
        "import os, sys\n"
        "from nqengine.render import formats\n"
        "formats.ASIDE_MIN_VERDICTS = 1\n"
        "from nqengine.cli import main\n"
        "code = main()\n"
        "try:\n"
        "    os.waitpid(-1, os.WNOHANG)\n"
        "    sys.stderr.write('a child is left\\n')\n"
        "except ChildProcessError:\n"
        "    pass\n"
        "sys.exit(code)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", script, "evaluate", SPEC, "--as-of", "20/11/2020", "--format", "json"], stdout=w,
                              stderr=subprocess.PIPE, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    finally:
        os.close(w)
    assert done.stderr.decode("utf-8") == ""
    assert done.returncode == 0
