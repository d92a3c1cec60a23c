"""``nqengine schema``: JSON Schemas every shipped spec, registry and facts file validates against."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

from nqengine.cli import main  # noqa: E402
from nqengine.editor_schema import json_schema  # noqa: E402
from nqengine.yamlsource import compose_file, to_python  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = sorted({p.parent for p in ROOT.glob("specs/*/plan.yaml")} | {ROOT / "docs" / "vi" / "vi-du"})
FILES = [(f, which) for f in FOLDERS for which, name in (("spec", "plan.yaml"), ("registry", "registry.yaml"), ("facts", "facts.yaml")) if (f / name).exists()]


def _plain(value):
    """YAML as a language server sees it: dates are text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _load(path: Path):
    return _plain(to_python(compose_file(str(path))))


@pytest.fixture(scope="module")
def schemas():
    return {which: json_schema(which) for which in ("spec", "registry", "facts")}


@pytest.mark.parametrize("folder, which", FILES, ids=[f"{f.name}-{w}" for f, w in FILES])
def test_every_shipped_file_validates(folder, which, schemas):
    name = {"spec": "plan.yaml", "registry": "registry.yaml", "facts": "facts.yaml"}[which]
    jsonschema.Draft202012Validator.check_schema(schemas[which])
    errors = sorted(jsonschema.Draft202012Validator(schemas[which]).iter_errors(_load(folder / name)), key=str)
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]


def test_typos_are_flagged(schemas):
    data = _load(ROOT / "specs" / "tam-ky-xxi" / "plan.yaml")
    data["obligations"][0]["deadlne"] = data["obligations"][0].pop("deadline")
    data["obligations"][0]["sessions"] = "two"
    messages = [e.message for e in jsonschema.Draft202012Validator(schemas["spec"]).iter_errors(data)]
    assert any("'deadlne' was unexpected" in m for m in messages)
    assert any("'two' is not of type 'integer'" in m for m in messages)


def test_plugin_keys_are_in_the_schema(schemas):
    study = next(b["then"] for b in schemas["spec"]["properties"]["obligations"]["items"]["allOf"] if b["if"]["properties"]["kind"]["const"] == "study_session")
    assert {"after_superior", "only_if", "modes"} <= set(study["properties"])  # nqengine-ordering, installed for the tests
    assert "party_attendance" in schemas["spec"]["properties"]["obligations"]["items"]["properties"]["kind"]["enum"]


def test_cli_writes_the_schema(tmp_path, capsys):
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["$id"] == "nqengine-spec.schema.json"
    assert main(["schema", "registry"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == "nqengine-registry.schema.json"
