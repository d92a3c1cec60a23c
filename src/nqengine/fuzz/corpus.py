"""The seed corpus: the repository's real specs, registries and facts, in every input format.

:func:`build_corpus` copies ``specs/`` into a working folder (so
``an-my-xxi`` still extends ``../tam-ky-xxi``) and writes each registry and
fact file again as JSON Lines and CSV with :mod:`nqengine.bulk.write`, so a
mutation can land in any of the formats the command line reads.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import attrs

from nqengine import api
from nqengine.inputs import load_facts
from nqengine.inputs.bulk.write import write_facts, write_registry
from nqengine.plugins import get_plugin_manager

__all__ = ["Corpus", "build_corpus", "SPECS", "find_specs_folder"]

#: Spec folders of the repository the fuzzer mutates, with an evaluation date each.
SPECS = {"tam-ky-xxi": "20/11/2020", "an-my-xxi": "20/11/2020", "plugin-demo": "20/11/2020"}
FORMATS = ("yaml", "jsonl", "csv")


@attrs.frozen
class Corpus:
    """The working copy: ``root/specs/<name>/`` with ``plan.yaml`` and the inputs in each format."""

    root: Path
    files: dict[tuple[str, str], bytes]  # (spec, relative file) -> original content

    def folder(self, spec: str) -> Path:
        return self.root / "specs" / spec

    def restore(self, spec: str, name: str) -> None:
        (self.folder(spec) / name).write_bytes(self.files[(spec, name)])


def find_specs_folder() -> Path:
    """``specs/`` of the source checkout (the fuzzer runs from a repository, not a wheel)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "specs" / "tam-ky-xxi" / "plan.yaml").is_file():
            return parent / "specs"
    raise FileNotFoundError("specs/ of the nqengine repository not found; run the fuzzer from a source checkout")


def build_corpus(workdir: str | os.PathLike[str], specs: Path | None = None) -> Corpus:
    """Copy the specs into ``workdir`` and add JSON Lines and CSV copies of each registry and fact file."""
    src = specs or find_specs_folder()
    root = Path(workdir)
    dst = root / "specs"
    if dst.exists():
        shutil.rmtree(dst)
    for name in SPECS:
        shutil.copytree(src / name, dst / name, ignore=shutil.ignore_patterns("*.md"))
    pm = get_plugin_manager()
    files: dict[tuple[str, str], bytes] = {}
    for name in SPECS:
        folder = dst / name
        registry = api.load_registry(folder / "registry.yaml")
        facts = load_facts(folder / "facts.yaml", pm=pm)
        for ext in ("jsonl", "csv"):
            write_registry(registry, folder / f"registry.{ext}")
            write_facts(facts, folder / f"facts.{ext}")
        for f in sorted(folder.iterdir()):
            if f.is_file():  # a spec's source/ folder (the plan's text) is not an input to mutate
                files[(name, f.name)] = f.read_bytes()
    return Corpus(root, files)
