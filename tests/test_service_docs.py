"""docs/service.md runs as written: its ``sh`` blocks in order in one shell, then its Python blocks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "service.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_every_sh_block_runs_and_every_curl_answers():
    blocks = _blocks("sh")
    assert len(blocks) >= 12
    script = "set -euo pipefail\n" + "\n".join(blocks)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    try:
        r = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, timeout=300, env=env)
    finally:  # the server stops itself (timeout 600), but not later than this test
        pid = Path("/tmp/nqengine-demo/pid")
        if pid.exists():
            subprocess.run(["kill", pid.read_text().strip()], capture_output=True)
    out = r.stdout.decode()
    assert r.returncode == 0, out + r.stderr.decode()
    assert '"status": "ok"' in out
    assert "403\n" in out and '"invalid_date"' in out  # the refused batches
    assert '"supersedes": "am-plan"' in out  # the history shows the correction
    assert "reproduced byte for byte" in out
    for line in ('"stored": [\n    "am-plan",\n    "am-session"\n  ]', '"version": 2'):
        assert line in out


def test_python_block_runs():
    (block,) = _blocks("python")
    r = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode().splitlines()[-1] == "met"
