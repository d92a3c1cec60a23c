"""Issue 16: the JSON is byte-identical whatever the order of the registry's and the facts' rows.

Verdicts come in the spec's obligation order, then by unit id; unmatched facts
by fact id.  Each example is shuffled 30 times.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import attrs
import pytest

import nqengine
from nqengine.inputs.bulk.write import write_facts, write_registry

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = ["tam-ky-xxi", "an-my-xxi", "plugin-demo"]


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request):
    spec, registry, facts = nqengine.load_folder(REPO / "specs" / request.param)
    return request.param, spec, registry, facts


def _shuffled(mapping, rng):
    items = list(mapping.items())
    rng.shuffle(items)
    return dict(items)


def test_shuffled_inputs_give_the_same_bytes(example):
    name, spec, registry, facts = example
    reference = nqengine.to_json(nqengine.evaluate(spec, registry, facts, "20/11/2020"))
    text = json.dumps(reference, ensure_ascii=False)
    rng = random.Random(16)
    for _ in range(30):
        shuffled_registry = attrs.evolve(registry, units=_shuffled(registry.units, rng), people=_shuffled(registry.people, rng))
        shuffled_facts = list(facts)
        rng.shuffle(shuffled_facts)
        got = nqengine.to_json(nqengine.evaluate(spec, shuffled_registry, shuffled_facts, "20/11/2020"))
        assert json.dumps(got, ensure_ascii=False) == text


def test_canonical_order_is_spec_order_then_unit_id(example):
    name, spec, registry, facts = example
    ev = nqengine.evaluate(spec, registry, facts, "20/11/2020")
    position = {ob.id: i for i, ob in enumerate(spec.obligations)}
    keys = [(position[v.obligation], v.unit) for v in ev.verdicts]
    assert keys == sorted(keys)
    assert [u.fact for u in ev.unmatched_facts] == sorted(u.fact for u in ev.unmatched_facts)
    # spec order, not the order deadlines are computed in
    assert [v.obligation for v in ev.verdicts][0] == spec.obligations[0].id


def test_shuffled_rows_in_files_give_the_same_verdicts(example, tmp_path):
    """Rows shuffled in JSON Lines files: only the facts' own locations (file:line) may differ."""
    name, spec, registry, facts = example
    rng = random.Random(1616)
    write_registry(registry, tmp_path / "registry.jsonl")
    write_facts(facts, tmp_path / "facts.jsonl")
    base = None
    for i in range(30):
        for f in ("registry.jsonl", "facts.jsonl"):
            lines = (tmp_path / f).read_text(encoding="utf-8").splitlines(keepends=True)
            rng.shuffle(lines)
            (tmp_path / f).write_text("".join(lines), encoding="utf-8")
        reg = nqengine.load_registry(tmp_path / "registry.jsonl")
        fs = nqengine.load_facts(tmp_path / "facts.jsonl")
        doc = nqengine.to_json(nqengine.evaluate(spec, reg, fs, "20/11/2020"))
        for u in doc["unmatched_facts"]:
            u.pop("source")
        text = json.dumps(doc, ensure_ascii=False)
        if base is None:
            base = text
        assert text == base, i


def test_the_hash_seed_does_not_change_the_output(tmp_path):
    """Two processes with different PYTHONHASHSEED write the same bytes (sets and dicts never leak into the order)."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "nqengine.cli", "evaluate", "specs/an-my-xxi", "--as-of", "20/11/2020", "--format", "json", "-o", str(out)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b'"verdicts"' in outputs[0]
