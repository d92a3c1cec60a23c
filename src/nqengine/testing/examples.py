"""Worked examples carried by a spec, run by ``nqengine test`` and by pytest.

A spec may end with ``examples:``, each a small, complete case: a registry
(inline, in the ``registry.yaml`` format), facts (inline, as ``facts.yaml``
rows), an evaluation date, and the statuses expected::
    examples:
      - name: An Mỹ học đúng hạn
        as_of: 20/11/2020
        registry:
          units: [{id: p-an-my, name: Đảng bộ phường An Mỹ, kind: party_committee, sector: ward}]
          people: [...]
        facts:
          - {id: s1, type: session, unit: p-an-my, date: 05/10/2020, presenter: nv-an, ...}
        expect:
          - {obligation: study-party-committee, unit: p-an-my, status: met}

Examples are validated with the same schema validators as the files they
imitate, so every mistake is reported as ``file:line:column`` in the spec.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import Any

import attrs

from nqengine.errors import InputError, Problem, SpecError
from nqengine.evaluation.engine import evaluate
from nqengine.i18n import status_label
from nqengine.inputs.load import facts_from_node as build_facts
from nqengine.inputs.registry import registry_from_node as build_registry
from nqengine.model import STATUSES, Fact, Registry, Source, Spec, Verdict
from nqengine.render.formats import explain_text
from nqengine.schema import (
    INVALID,
    Any_,
    Choice,
    Date,
    Field,
    ListOf,
    Record,
    Str,
    hint_for,
)
from nqengine.spec import load_spec
from nqengine.spec.recurrence import PeriodPhrase
from nqengine.yamlsource import Node

__all__ = ["Example", "ExampleResult", "Expectation", "Mismatch", "load_examples", "render_result", "run_example", "run_examples"]

EXPECTATION = Record(
    {
        "obligation": Field(Str(), required=True, doc="obligation id"),
        "unit": Field(Str(), required=True, doc="unit id or name, in the example's registry"),
        "status": Field(Choice(STATUSES), required=True, doc="the status expected"),
        "period": Field(PeriodPhrase(), doc="for a recurring obligation, the period ('quý II/2026', '2026-Q2')"),
    }
)

EXAMPLE = Record(
    {
        "name": Field(Str(), required=True, doc="what the example shows"),
        "description": Field(Str(), doc="free text"),
        "as_of": Field(Date(), required=True, doc="evaluation date"),
        "registry": Field(Any_(), required=True, doc="the registry, as in registry.yaml"),
        "facts": Field(Any_(), default=list, doc="facts, as the rows of facts.yaml"),
        "expect": Field(ListOf(EXPECTATION, min_len=1), required=True, doc="expected statuses"),
    },
    doc="a worked example of the spec",
)


@attrs.frozen
class Expectation:
    obligation: str
    unit: str
    status: str
    source: Source | None = attrs.field(default=None, eq=False)
    period: str | None = None


@attrs.frozen
class Example:
    """One worked example: a registry, facts, a date, and the statuses expected."""

    name: str
    as_of: dt.date
    registry: Registry
    facts: tuple[Fact, ...]
    expect: tuple[Expectation, ...]
    description: str | None = None
    source: Source | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Mismatch:
    """An expectation the evaluation did not meet (``actual`` is None when there is no such verdict)."""

    expectation: Expectation
    actual: str | None
    verdict: Verdict | None


@attrs.frozen
class ExampleResult:
    example: Example
    evaluation: Any
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _at(problems: list[Problem], prefix: str) -> list[Problem]:
    return [attrs.evolve(p, path=f"{prefix}.{p.path}" if p.path else prefix) for p in problems]


def load_examples(spec: Spec, pm: Any = None) -> list[Example]:
    """The spec's examples, validated; raises :class:`SpecError` listing every problem."""

    root = spec.raw
    node = root.get("examples") if isinstance(root, Node) else None
    if node is None or (node.kind == "scalar" and node.tag == "null"):
        return []
    problems: list[Problem] = []
    items = ListOf(EXAMPLE).validate(node, "examples", problems)
    if items is INVALID:
        raise SpecError(problems)
    out: list[Example] = []
    names: dict[str, int] = {}
    obligations = [ob.id for ob in spec.obligations]
    for i, ex in enumerate(items):
        path = f"examples[{i}]"
        n0 = len(problems)
        if ex["name"] in names:
            problems.append(ex.loc("name").problem("duplicate_id", f"{path}.name", id=ex["name"], first_line=names[ex["name"]]))
        names.setdefault(ex["name"], ex.node.line)
        registry = None
        try:  # private builders: the same validation as registry.yaml and facts.yaml, located in the spec
            registry = build_registry(ex.loc("registry"), spec.source or "<spec>")
        except InputError as exc:
            problems.extend(_at(exc.problems, f"{path}.registry"))
        facts: list[Fact] = []
        fnode = ex.node.get("facts")
        if fnode is not None:
            key = Node("scalar", "facts", "str", fnode.file, fnode.line, fnode.column)
            try:
                facts = build_facts(Node("map", [(key, fnode)], "map", fnode.file, fnode.line, fnode.column), spec.source or "<spec>", pm)
            except InputError as exc:
                problems.extend(_at(exc.problems, path))
        expect = []
        for j, e in enumerate(ex["expect"]):
            epath = f"{path}.expect[{j}]"
            if e["obligation"] not in obligations:
                problems.append(e.loc("obligation").problem("unknown_obligation", f"{epath}.obligation", ref=e["obligation"], **hint_for(e["obligation"], obligations)))
            if registry is not None and registry.unit(e["unit"]) is None:
                problems.append(e.loc("unit").problem("unknown_reference", f"{epath}.unit", field="unit", ref=e["unit"], **hint_for(e["unit"], list(registry.units))))
            n = e.node
            expect.append(Expectation(e["obligation"], e["unit"], e["status"], Source(n.file, n.line, n.column), e.get("period")))
        if len(problems) > n0 or registry is None:
            continue
        n = ex.node
        out.append(Example(ex["name"], ex["as_of"], registry, tuple(facts), tuple(expect), ex.get("description"), Source(n.file, n.line, n.column)))
    if problems:
        raise SpecError(problems)
    return out


def run_example(spec: Spec, example: Example, pm: Any = None) -> ExampleResult:
    """Evaluate one example and compare each expected status with the verdict."""

    ev = evaluate(spec, example.registry, list(example.facts), example.as_of, pm=pm)
    index = {(v.obligation, v.unit, v.period): v for v in ev.verdicts}
    mismatches = []
    for e in example.expect:
        unit = example.registry.unit(e.unit)
        v = index.get((e.obligation, unit.id if unit else e.unit, e.period))
        if v is None or v.status != e.status:
            mismatches.append(Mismatch(e, v.status if v else None, v))
    return ExampleResult(example, ev, tuple(mismatches))


def run_examples(spec: Spec, pm: Any = None) -> list[ExampleResult]:
    return [run_example(spec, ex, pm) for ex in load_examples(spec, pm)]


def render_result(result: ExampleResult, lang: str = "vi", *, explain: bool = True) -> str:
    """Expected against actual for each failed expectation, with the verdict explained."""

    en = lang == "en"
    lines = []
    for m in result.mismatches:
        e = m.expectation
        got = status_label(m.actual, lang) + f" ({m.actual})" if m.actual else ("no verdict" if en else "không có kết luận")
        where = f"{e.source}: " if e.source else ""
        lines.append(f"{where}{e.obligation} / {e.unit}{' / ' + e.period if e.period else ''}: {'expected' if en else 'mong đợi'} {status_label(e.status, lang)} ({e.status}), {'got' if en else 'thực tế'} {got}")
        if explain and m.verdict is not None:
            text = explain_text(result.evaluation, e.obligation, m.verdict.unit, lang, period=e.period)
            lines.extend("    " + line for line in text.rstrip().splitlines())
    return "\n".join(lines)


def cli_test(paths: Sequence[str], pm: Any, lang: str = "vi", out: Any = None, err: Any = None) -> int:
    """``nqengine test``: 0 all examples pass, 1 some fail, 2 a spec or example is malformed."""


    out = out or sys.stdout
    err = err or sys.stderr
    en = lang == "en"
    malformed = failed = passed = 0
    for path in paths:
        name = os.path.join(path, "plan.yaml") if os.path.isdir(path) else path
        try:
            spec = load_spec(name, pm=pm)
            examples = load_examples(spec, pm)
        except InputError as exc:
            err.write(exc.render(lang) + "\n")
            malformed += 1
            continue
        if not examples:
            out.write(f"{name}: {'no examples' if en else 'không có ví dụ'}\n")
            continue
        out.write(f"{name}: {len(examples)} {'examples' if en else 'ví dụ'}\n")
        for ex in examples:
            result = run_example(spec, ex, pm)
            if result.passed:
                passed += 1
                out.write(f"  ✓ {ex.name}\n")
            else:
                failed += 1
                out.write(f"  ✗ {ex.name}\n")
                out.write("\n".join("      " + line for line in render_result(result, lang).splitlines()) + "\n")
    out.write(f"{passed} {'passed' if en else 'đạt'}, {failed} {'failed' if en else 'không đạt'}\n")
    if malformed:
        return 2
    return 1 if failed else 0
