"""Loading registries and facts from files: YAML, JSON Lines or CSV, by suffix.

The top of the inputs stage: it chooses the reader for each file
(:mod:`nqengine.inputs.registry` and :mod:`nqengine.inputs.facts` for YAML,
:mod:`nqengine.inputs.bulk` for JSON Lines and CSV) and folds per-member
``attendance`` rows into the sessions they name
(:mod:`nqengine.inputs.attendance`), whichever file holds the session.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

from nqengine.confine import check_input
from nqengine.errors import FactsError, Problem, RegistryError
from nqengine.inputs.attendance import fold_attendance
from nqengine.inputs.bulk import load_facts_bulk, load_registry_bulk
from nqengine.inputs.facts import read_facts
from nqengine.inputs.registry import registry_from_node
from nqengine.model import Fact, Registry
from nqengine.yamlsource import Node, compose_file, compose_text

__all__ = ["load_registry", "load_facts", "load_facts_text", "facts_from_node", "BULK_SUFFIXES"]

#: File suffixes read by the bulk readers (one record per line or row).
BULK_SUFFIXES = (".jsonl", ".csv")


def load_registry(path: str | os.PathLike[str]) -> Registry:
    """Load a registry from YAML (``.yaml``/``.yml``), JSON Lines or CSV (see :mod:`nqengine.inputs.bulk`)."""
    name = os.fspath(path)
    if os.path.isdir(name):
        name = os.path.join(name, "registry.yaml")
    if name.endswith(BULK_SUFFIXES):
        return load_registry_bulk(name)
    return registry_from_node(compose_file(name, RegistryError), name)


def load_facts(path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], pm: Any = None) -> list[Fact]:
    """Load facts from YAML, JSON Lines (``.jsonl``) or CSV (``.csv``), or from several such files.

    Several files are read as one: every problem in any of them is reported
    together, and per-member ``attendance`` rows are folded into the sessions
    they name, whichever file holds the session (sessions in a YAML file,
    a million attendance rows in a CSV file).  A folder means its ``facts.yaml``.
    """
    names = [os.fspath(p) for p in ([path] if isinstance(path, (str, os.PathLike)) else path)]
    names = [os.path.join(n, "facts.yaml") if os.path.isdir(n) else n for n in names]
    bulk = [n for n in names if n.endswith(BULK_SUFFIXES)]
    for n in names:
        if not n.endswith(BULK_SUFFIXES):  # a YAML tree takes ~40x its file: past a size, ask for JSON Lines
            check_input(n, FactsError, yaml_facts=True)
    facts: list[Fact] = []
    problems: list[Problem] = []
    for name in names:
        if name.endswith(BULK_SUFFIXES):
            continue
        try:
            facts.extend(read_facts(compose_file(name, FactsError), name, pm))
        except FactsError as exc:
            if len(names) == 1:
                raise
            problems.extend(exc.problems)
    if problems:
        raise FactsError(problems)
    if bulk:
        return load_facts_bulk(bulk, pm, prior=facts)
    return fold_attendance(facts)


def load_facts_text(text: str, filename: str = "<facts>", pm: Any = None) -> list[Fact]:
    """Load facts from YAML text."""
    return facts_from_node(compose_text(text, filename, FactsError), filename, pm)


def facts_from_node(root: Node, filename: str, pm: Any = None) -> list[Fact]:
    """The facts of a composed YAML document, per-member attendance folded into sessions."""
    return fold_attendance(read_facts(root, filename, pm))
