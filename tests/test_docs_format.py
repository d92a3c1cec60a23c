"""The reference docs against the code: no field goes undocumented.

- ``docs/spec-format.md`` names, in backticks, every field of every schema: the
  spec's top level, clauses, the common obligation fields (selector, deadline,
  deadline reference), exceptions, each built-in obligation kind's fields, the
  registry's units and people, the facts' common fields and each built-in fact
  type's fields; and every fixed value a field accepts (unit kinds, sectors...),
  every kind and fact type name, every status and finding outcome.
- ``docs/json-contract.md`` documents every key of the JSON of the Tam Kỳ
  evaluation, in the table of its object, and the JSON keeps the types and
  nullability that the tables promise.

Kinds and fact types are enumerated through the plugin manager, as the engine
does; those of installed third-party plugins, and the fields such plugins add to
built-in kinds (``nqengine_obligation_fields``), are theirs to document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import nqengine
from nqengine.inputs.facts import COMMON_FACT_FIELDS
from nqengine.inputs.registry import REGISTRY_SCHEMA
from nqengine.model import OUTCOMES, STATUSES
from nqengine.plugins import DEFAULT_PLUGINS, catalogue_for
from nqengine.schema import Choice, Field, ListOf, MapOf, Record, Validator
from nqengine.spec import load as spec_module

ROOT = Path(__file__).resolve().parent.parent
SPEC_FORMAT = ROOT / "docs" / "spec-format.md"
JSON_CONTRACT = ROOT / "docs" / "json-contract.md"
FOLDER = ROOT / "specs" / "tam-ky-xxi"

# The keys of one item of an obligation's `exceptions`.  The loader builds this
# schema inside `_SpecBuilder._exception`; read it from `nqengine.spec.EXCEPTION`
# once it is a module constant.
EXCEPTION_KEYS = ("when", "clause", "document", "effective", "set")


def _ticked(path: Path) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", path.read_text(encoding="utf-8")))


def _walk(validator: Validator, names: set[str], values: set[str]) -> None:
    """Collect field names and fixed choices of a schema, recursively."""
    if isinstance(validator, Record):
        for key, f in validator.fields.items():
            names.add(key)
            _walk(f.validator, names, values)
    elif isinstance(validator, ListOf):
        _walk(validator.item, names, values)
    elif isinstance(validator, MapOf):
        _walk(validator.value, names, values)
    elif isinstance(validator, Choice):
        values.update(validator.choices)


def _schema_words(*schemas: Validator | dict[str, Field]) -> tuple[set[str], set[str]]:
    names: set[str] = set()
    values: set[str] = set()
    for s in schemas:
        _walk(Record(s) if isinstance(s, dict) else s, names, values)
    return names, values


def _catalogue() -> Any:
    return catalogue_for(nqengine.get_plugin_manager())


def _builtin(section: str, hook: str) -> dict[str, Any]:
    """The built-in entries of a catalogue section: those registered by a default plugin."""
    cat = _catalogue()
    return {n: obj for n, obj in getattr(cat, section).items() if cat.provider.get((hook, n)) in DEFAULT_PLUGINS}


def _group(name: str) -> list[tuple[str, tuple[Any, ...], tuple[str, ...]]]:
    """(label, schemas, extra words) of one group of schemas to check."""
    if name == "kinds":
        kinds = _builtin("kinds", "nqengine_register_obligation_kinds")
        added_by = getattr(_catalogue(), "field_provider", {})  # fields plugins add to any kind

        def own(kind_name: str, fields: Any) -> dict[str, Field]:
            return {k: f for k, f in fields.items() if added_by.get((kind_name, k), DEFAULT_PLUGINS[0]) in DEFAULT_PLUGINS}

        return [(f"kind {n}", (own(n, k.fields),), (n,)) for n, k in kinds.items()]
    if name == "fact types":
        types = _builtin("fact_types", "nqengine_register_fact_types")
        return [(f"fact type {n}", (dict(t.fields),), (n,)) for n, t in types.items()]
    if name == "exception":
        exception = getattr(spec_module, "EXCEPTION", None)
        return [(name, (exception,) if exception is not None else (), EXCEPTION_KEYS)]
    return [
        {
            "spec top level": (name, (spec_module.spec_schema(), spec_module.CLAUSE), ()),
            "common obligation fields": (name, (spec_module.COMMON_FIELDS,), ()),
            "deadline": (name, (spec_module.DEADLINE, spec_module.REF), ()),
            "selector": (name, (spec_module.SELECTOR,), ()),
            "registry": (name, (REGISTRY_SCHEMA,), ()),
            "common fact fields": (name, (COMMON_FACT_FIELDS,), ("facts",)),
        }[name]
    ]


GROUPS = (
    "spec top level", "common obligation fields", "deadline", "selector", "exception",
    "kinds", "registry", "common fact fields", "fact types",
)


# --- docs/spec-format.md ------------------------------------------------------------


@pytest.mark.parametrize("group", GROUPS)
def test_spec_format_documents_every_field(group: str):
    documented = _ticked(SPEC_FORMAT)
    missing: dict[str, list[str]] = {}
    for label, schemas, extra in _group(group):
        names, values = _schema_words(*schemas)
        gap = sorted((names | values | set(extra)) - documented)
        if gap:
            missing[label] = gap
    assert not missing, f"not documented (in backticks) in {SPEC_FORMAT.name}: {missing}"


def test_spec_format_documents_builtin_kinds_and_fact_types():
    kinds = _builtin("kinds", "nqengine_register_obligation_kinds")
    types = _builtin("fact_types", "nqengine_register_fact_types")
    assert {"study_session", "dissemination", "report", "deliverable", "duty"} <= set(kinds)
    headings = SPEC_FORMAT.read_text(encoding="utf-8")
    for name in kinds:
        assert re.search(rf"^### `{re.escape(name)}`", headings, re.M), f"no '### `{name}`' section"
    for name in types:
        assert re.search(rf"^### `{re.escape(name)}`$", headings, re.M), f"no '### `{name}`' section"


def test_spec_format_documents_every_status_and_outcome():
    missing = sorted((set(STATUSES) | set(OUTCOMES)) - _ticked(SPEC_FORMAT))
    assert not missing, f"statuses or outcomes not documented in {SPEC_FORMAT.name}: {missing}"


# --- docs/json-contract.md ----------------------------------------------------------

_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "clause": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _contract_tables() -> dict[str, dict[str, tuple[str, str]]]:
    """Field tables of the contract by label: {label: {field: (type, null?)}}.

    A table belongs to the last ``##`` heading or `` `name`: `` line above it;
    only tables whose header starts with "field" are field tables.
    """
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    label, current = "", None
    for line in JSON_CONTRACT.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            label, current = line[3:].strip(), None
        elif re.fullmatch(r"`[\w.]+`:", line.strip()):
            label, current = line.strip()[1:-2], None
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if current is None:
                if cells[0] == "field":
                    current = tables.setdefault(label, {})
                else:
                    current = {}  # another kind of table: ignored
                continue
            m = re.fullmatch(r"`(\w+)`", cells[0])
            if m and len(cells) >= 3:
                current[m.group(1)] = (cells[1], cells[2])
        else:
            current = None if not line.strip() else current
    return tables


@pytest.fixture(scope="module")
def tam_ky_json() -> dict:
    spec, registry, facts = nqengine.load_folder(FOLDER)
    return nqengine.to_json(nqengine.evaluate(spec, registry, facts, "20/11/2020"))


def _objects(doc: dict) -> dict[str, list[dict]]:
    verdicts = doc["verdicts"]
    findings = [f for v in verdicts for f in v["findings"]]
    clauses = [v["clause"] for v in verdicts] + [f["clause"] for f in findings if f["clause"] is not None]
    return {
        "Top level": [doc],
        "spec": [doc["spec"]],
        "spec.document": [doc["spec"]["document"]],
        "Verdict": verdicts,
        "Clause object": clauses,
        "Finding": findings,
        "Unmatched fact": doc["unmatched_facts"],
        "Roll-up": [doc["rollup"]],
        "rollup.units": doc["rollup"]["units"],
        "rollup.obligations": [o for u in doc["rollup"]["units"] for o in u["obligations"]],
    }


def test_tam_ky_json_exercises_every_object(tam_ky_json):
    for label, objs in _objects(tam_ky_json).items():
        assert objs, f"the Tam Kỳ evaluation has no {label} object to check"


@pytest.mark.parametrize(
    "label", ["Top level", "spec", "spec.document", "Verdict", "Clause object", "Finding", "Unmatched fact",
              "Roll-up", "rollup.units", "rollup.obligations"]
)
def test_json_contract_documents_every_key(label, tam_ky_json):
    table = _contract_tables().get(label)
    assert table, f"{JSON_CONTRACT.name} has no field table for {label!r}"
    objs = _objects(tam_ky_json)[label]
    keys = set().union(*(o.keys() for o in objs))
    undocumented = sorted(keys - set(table))
    assert not undocumented, f"{label} keys missing from the {label!r} table of {JSON_CONTRACT.name}: {undocumented}"
    absent = sorted(set(table) - keys)
    assert not absent, f"{JSON_CONTRACT.name} documents {label} fields the JSON does not have: {absent}"


@pytest.mark.parametrize(
    "label", ["Top level", "spec", "spec.document", "Verdict", "Clause object", "Finding", "Unmatched fact",
              "Roll-up", "rollup.units", "rollup.obligations"]
)
def test_json_values_keep_documented_types(label, tam_ky_json):
    table = _contract_tables()[label]
    for obj in _objects(tam_ky_json)[label]:
        for key, (type_text, null_text) in table.items():
            value = obj[key]
            if value is None:
                assert null_text == "yes", f"{label}.{key} is null, but the contract says it is never null"
                continue
            kind = type_text.split()[0]
            assert _TYPE_CHECKS[kind](value), f"{label}.{key} = {value!r} is not {type_text!r}"
            if "ISO date" in type_text:
                assert _ISO.match(value), f"{label}.{key} = {value!r} is not an ISO date"


def test_json_contract_documents_summary_and_constants(tam_ky_json):
    ticked = _ticked(JSON_CONTRACT)
    assert {"nqengine.evaluation"} <= {t.strip('"') for t in ticked}
    assert tam_ky_json["format"] == "nqengine.evaluation" and tam_ky_json["version"] == 2
    missing = sorted((set(STATUSES) | set(OUTCOMES)) - ticked)
    assert not missing, f"statuses or outcomes not documented in {JSON_CONTRACT.name}: {missing}"
    spec = nqengine.load_spec(FOLDER)
    assert list(tam_ky_json["summary"]) == [ob.id for ob in spec.obligations]
    for counts in tam_ky_json["summary"].values():
        assert list(counts) == list(STATUSES) and all(isinstance(n, int) for n in counts.values())


def test_json_contract_example_is_valid_json():
    import json

    text = JSON_CONTRACT.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    assert blocks, "no JSON example"
    example = json.loads(blocks[-1])
    assert example["format"] == "nqengine.evaluation" and example["version"] == 2


def _stable(value: Any) -> Any:
    """``value`` without the human texts, which the contract leaves free to change."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in ("message", "status_label")}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def test_json_contract_example_is_real(tam_ky_json):
    """The example is the Tam Kỳ evaluation, abridged, not a made-up document."""
    import json

    text = JSON_CONTRACT.read_text(encoding="utf-8")
    example = json.loads(re.findall(r"```json\n(.*?)```", text, re.S)[-1])
    real = {(v["obligation"], v["unit"]): v for v in tam_ky_json["verdicts"]}
    for key in ("format", "version", "spec", "as_of"):
        assert example[key] == tam_ky_json[key], key
    for v in example["verdicts"]:
        assert _stable(v) == _stable(real[(v["obligation"], v["unit"])]), (v["obligation"], v["unit"])
    for obligation, counts in example["summary"].items():
        assert counts == tam_ky_json["summary"][obligation], obligation
    by_fact = {u["fact"]: u for u in tam_ky_json["unmatched_facts"]}
    for u in example["unmatched_facts"]:
        got = by_fact[u["fact"]]
        assert u["reason"] == got["reason"]
        assert got["source"].replace("\\", "/").endswith(u["source"]), u["fact"]
