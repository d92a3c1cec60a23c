"""``nqengine prove`` passes on every plan shipped in ``specs/``, plugin plans included.

A small budget (a few examples per check, fixed seed) keeps this within the
suite's time; ``nqengine prove SPEC`` with the default budget hunts further.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nqengine.cli import main
from nqengine.testing.prove import cli_prove

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(p.parent.name for p in (ROOT / "specs").glob("*/plan.yaml"))


def test_every_shipped_spec_is_found():
    assert {"tam-ky-xxi", "an-my-xxi", "plugin-demo"} <= set(SPECS)


@pytest.mark.parametrize("name", SPECS)
def test_prove_passes(name, capsys):
    status = main(["prove", str(ROOT / "specs" / name), "--max-examples", "8", "--seed", "11", "--lang", "en"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert ", 0 failed" in out


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_only():
    tty, pipe, out = _Tty(), io.StringIO(), io.StringIO()
    spec = str(ROOT / "specs" / "tam-ky-xxi")
    assert cli_prove([spec], None, seed=1, max_examples=2, only=["deterministic", "fact_order"], lang="en", out=out, err=tty) == 0
    shown = tty.getvalue()  # the progress bar of nqengine.render.progress (tqdm), on the terminal only
    assert "/2" in shown and ("prove" in shown or "kiểm chứng" in shown)
    assert cli_prove([spec], None, seed=1, max_examples=2, only=["deterministic"], lang="en", out=out, err=pipe) == 0
    assert pipe.getvalue() == ""
