"""One fact, one registry, three formats: YAML, JSON Lines and CSV give the same records, or the same mistakes.

A fact file may be written in any of the three formats (``docs/bulk-inputs.md``);
the bulk formats are read by their own, faster code (streamed rows, compiled
checks, the CSV lane), which must not drift from the YAML's rules.  Drift
found this way before: a fact whose ``until`` is before its ``date`` was
refused in YAML and loaded from CSV and JSON Lines.

Each case draws one fact as the texts a person would type (plain YAML
scalars: ``12`` is a number, ``10/10/2020`` text), writes it in the three
formats — YAML as typed, JSON with the values YAML reads them as, CSV one
cell per field (a list as ``a|b``, a mapping over dotted columns) — and
loads each file.  Either all three load, to equal facts (id, type, unit,
date and every field of ``data``), or none does, with the same problems
(code, field and parameters).  The same for a small registry: units (their
parents among each other or unknown, an id now and then given twice) and
people with roles (nested in YAML and JSON Lines, role rows in CSV).  And
per-member attendance rows, read five ways (one CSV file, an attendance-only
CSV file read in bulk, JSON Lines, YAML, YAML sessions with CSV rows): the
same counts, or the same problems.  That found one more difference: in CSV
and JSON Lines a member counted twice hid the rows filed under the wrong
date or unit, reported only once the duplicate was removed.  Last, a fact
sent to the service (JSON, JSON Lines or CSV batches) must be the fact a
file gives: found by reading the service's code first, it lost its
``period`` and its ``until``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nqengine
from nqengine.errors import FactsError
from nqengine.inputs.facts import COMMON_FACT_FIELDS, _types
from nqengine.schema import Any_, Choice, Date, DeadlineDate, ListOf, MapOf, Str
from nqengine.yamlsource import Node, resolve_plain, scalar_value

#: Each field's texts, as typed in a YAML file (plain scalars, no quotes): good ones and mistakes.
_TEXTS = {
    "id": ["s1", "s 2", "Phiên-3"],
    "type": ["session", "session", "report", "event", "dissemination", "deliverable", "attendance", "sesion"],
    "unit": ["u1", "Chi bộ Một", "12", "007", "yes", "null", "1e3", "0x1F", "2020-10-10"],
    "date": ["10/10/2020", "2020-10-10", "31/02/2020", "x", "1/1/1850"],
    "until": ["11/10/2020", "09/10/2020", "10/10/2020", "xx"],
    "presenter": ["p1", "Nguyễn Văn A", "7", "007", "true", "~", "1.50"],
    "sessions": ["1", "2", "0", "-1", "x", "1.5", "+2", "02", "1_000", "true"],
    "mode": ["in_person", "online", "truc_tiep"],
    "to": ["ban-thuong-vu", "ban-bi-thu"],
    "via": ["ban-tuyen-giao"],
    "name": ["Hội nghị", "12"],
    "period": ["quý II/2026", "2026-Q2", "quý V/2026"],
    "note": ["ghi chú", "note"],
    "deliverable": ["own_plan", "report"],
    "audiences": ["people", "x"],
    "member": ["m1", "12"],
    "session": ["s0", "s1"],
    "category": ["dang_vien", "x"],
}
_LISTS = {"content": ["core_content", "action_programme", "x"], "materials": ["van-kien-xxi", "12"], "forms": ["loa truyền thanh", "pano"]}
_MAPS = {"attendance": (["dang_vien", "can_bo", "khong_co"], ["12", "0", "-1", "x", "012", "1e2", "12.0"])}


@st.composite
def _facts(draw) -> dict:
    """A fact as {field: text | [texts] | {key: text}}; the fields drawn from every type's, so that some do not belong."""
    fact: dict = {"type": draw(st.sampled_from(_TEXTS["type"]))}
    for name in ("unit", "date"):
        if draw(st.integers(0, 9)):  # now and then a required field is missing
            fact[name] = draw(st.sampled_from(_TEXTS[name]))
    optional = sorted(set(_TEXTS) - {"type", "unit", "date"}) + sorted(_LISTS) + sorted(_MAPS)
    for name in draw(st.sets(st.sampled_from(optional), max_size=4)):
        if name in _LISTS:
            fact[name] = draw(st.lists(st.sampled_from(_LISTS[name]), min_size=1, max_size=3))
        elif name in _MAPS:
            keys, values = _MAPS[name]
            fact[name] = draw(st.dictionaries(st.sampled_from(keys), st.sampled_from(values), min_size=1, max_size=2))
        else:
            fact[name] = draw(st.sampled_from(_TEXTS[name]))
    return fact


def _typed(text: str):
    """The value YAML reads a plain scalar as."""
    return scalar_value(Node("scalar", text, resolve_plain(text), "", 1, 1))


def _faithful(text: str) -> bool:
    """Whether JSON can hold what YAML reads ``text`` as, spelt the same (``yes``, ``007``, ``~`` cannot be)."""
    got = _typed(text)
    if got is None:
        return text == "null"
    if isinstance(got, bool):
        return text in ("true", "false")
    return isinstance(got, str) or json.dumps(got) == text


def _texts(fact: dict):
    for v in fact.values():
        yield from (v if isinstance(v, list) else v.values() if isinstance(v, dict) else [v])


_AS_IS = (Str, Choice, Date, DeadlineDate)  # the validators that take a CSV cell as the text it is


def _as_json(value, validator=None):
    """A field's value in JSON: as YAML reads the text, or (``validator`` given) as a CSV cell is read, text for a text field."""
    if isinstance(value, list):
        item = validator.item if isinstance(validator, ListOf) else None
        return [_as_json(v, item) for v in value]
    if isinstance(value, dict):
        inner = validator.value if isinstance(validator, MapOf) else None
        return {k: _as_json(v, inner) for k, v in value.items()}
    if validator is not None and type(validator) in _AS_IS:
        return value
    got = _typed(value)
    return got if isinstance(got, (int, float, bool, str)) or got is None else value  # a date YAML reads: JSON writes the text


def _csv_like(fact: dict, pm) -> dict:
    fields = {**COMMON_FACT_FIELDS, **getattr(_types(pm).get(fact["type"]), "fields", {})}
    return {k: _as_json(v, fields[k].validator if k in fields else Any_()) for k, v in fact.items()}


def _yaml(fact: dict) -> str:
    lines = ["facts:"]
    first = True
    for k, v in fact.items():
        lead = "  - " if first else "    "
        first = False
        if isinstance(v, list):
            lines.append(f"{lead}{k}: [{', '.join(v)}]")
        elif isinstance(v, dict):
            lines.append(f"{lead}{k}:")
            lines.extend(f"      {kk}: {vv}" for kk, vv in v.items())
        else:
            lines.append(f"{lead}{k}: {v}")
    return "\n".join(lines) + "\n"


def _csv(fact: dict) -> str:
    cells: dict[str, str] = {}
    for k, v in fact.items():
        if isinstance(v, list):
            cells[k] = "|".join(v)
        elif isinstance(v, dict):
            cells.update({f"{k}.{kk}": vv for kk, vv in v.items()})
        else:
            cells[k] = v
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(cells))
    w.writerow(list(cells.values()))
    return buf.getvalue()


def _load(path: Path, pm, params: bool = True):
    try:
        facts = nqengine.load_facts(path, pm=pm)
    except FactsError as exc:
        return None, sorted((p.code, _field(p.path), repr(sorted((k, str(v)) for k, v in p.params.items())) if params else "")
                            for p in exc.problems)
    if not params:  # what the texts were read as may differ: only that the fact loaded
        return [f.id for f in facts], None
    return [(f.id, f.type, f.unit, f.date, f.data) for f in facts], None


def _field(path: str) -> str:
    """The field a problem names, without where the record is in its file (``facts[0].sessions`` -> ``sessions``)."""
    if path.startswith("facts["):
        path = path[path.index("]") + 1:].lstrip(".")
    return path


@pytest.fixture(scope="module")
def pm():
    return nqengine.get_plugin_manager(load_entrypoints=False)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact=_facts())
def test_one_fact_reads_the_same_in_yaml_json_lines_and_csv(fact, pm, tmp_path):
    fact = {"id": "s1", **fact}  # an id left out defaults to file:line, which differs between the files
    # YAML as typed, and JSON Lines holding what YAML reads: the same facts, or the same problems with the same
    # parameters -- unless a text is one JSON cannot spell as typed (``yes`` is true, ``007`` is 7): then the same
    # problems, or a fact from both
    faithful = all(_faithful(t) for t in _texts(fact))
    from_yaml = _load(_write(tmp_path, "f.yaml", _yaml(fact)), pm, faithful)
    typed = {k: _as_json(v) for k, v in fact.items()}
    assert _load(_write(tmp_path, "f.jsonl", json.dumps(typed, ensure_ascii=False) + "\n"), pm, faithful) == from_yaml, fact
    # CSV, whose text fields hold text (``null`` is the text null), and JSON Lines holding what its cells mean
    meant = _csv_like(fact, pm)
    from_csv = _load(_write(tmp_path, "f.csv", _csv(fact)), pm)
    assert _load(_write(tmp_path, "g.jsonl", json.dumps(meant, ensure_ascii=False) + "\n"), pm) == from_csv, fact
    if meant == typed and faithful:  # the cells mean what YAML reads: all three agree
        assert from_csv == _load(_write(tmp_path, "f.yaml", _yaml(fact)), pm), fact


# ---------------------------------------------------------------------------
# The registry: units, and people with their roles
# ---------------------------------------------------------------------------

_UNIT_TEXTS = {
    "name": ["Chi bộ Một", "Đảng bộ xã", "12"],
    "kind": ["grassroots_cell", "party_committee", "subordinate_cell", "cell", "provincial_committee"],
    "sector": ["ward", "commune", "agency"],
    "valid_from": ["01/01/2020", "2020-01-01", "31/02/2020"],
    "valid_to": ["31/12/2025", "01/01/2019", "x"],
    "level": ["cell", "grassroots", "province", "nope"],
}
_AUDIENCE = (["dang_vien", "cong_chuc"], ["12", "0", "-1", "x", "1.5"])
_ROLE_TEXTS = {"role": ["secretary", "deputy_secretary"], "valid_from": ["01/01/2020", "32/01/2020"]}
_QUALIFICATION_TEXTS = {"kind": ["reporter", "bao_cao_vien"], "body": ["t", "x9"], "term": ["XXI", "2020"], "valid_to": ["31/12/2025", "x"]}


@st.composite
def _registries(draw) -> tuple[list[dict], list[dict]]:
    """Units ``t`` (the root) and ``u1``.. (their parents among the earlier ones, or unknown), people with roles."""
    units: list[dict] = [{"id": "t", "name": "Tỉnh ủy", "kind": "provincial_committee"}]
    for i in range(1, draw(st.integers(1, 3)) + 1):
        unit: dict = {"id": draw(st.sampled_from([f"u{i}", f"u{i}", "t"]))}  # now and then an id given twice
        for name in ("name", "kind"):
            if draw(st.integers(0, 9)):
                unit[name] = draw(st.sampled_from(_UNIT_TEXTS[name]))
        unit["parent"] = draw(st.sampled_from(["t", "t", f"u{i - 1}" if i > 1 else "t", "x9", f"u{i}"]))
        for name in draw(st.sets(st.sampled_from(sorted(set(_UNIT_TEXTS) - {"name", "kind"}) + ["audience"]), max_size=3)):
            if name == "audience":
                keys, values = _AUDIENCE
                unit[name] = draw(st.dictionaries(st.sampled_from(keys), st.sampled_from(values), min_size=1, max_size=2))
            else:
                unit[name] = draw(st.sampled_from(_UNIT_TEXTS[name]))
        units.append(unit)
    people = []
    for j in range(draw(st.integers(0, 2))):
        roles = [{"unit": draw(st.sampled_from(["t", "u1", "x9"])), **{k: draw(st.sampled_from(v)) for k, v in _ROLE_TEXTS.items()}}
                 for _ in range(draw(st.integers(0, 2)))]
        quals = [{k: draw(st.sampled_from(v)) for k, v in _QUALIFICATION_TEXTS.items() if k == "kind" or draw(st.booleans())}
                 for _ in range(draw(st.integers(0, 1)))]
        people.append({"id": f"p{j}", "name": draw(st.sampled_from(["Nguyễn Văn A", "Trần Thị B"])), "roles": roles, "qualifications": quals})
    return units, people


def _registry_yaml(units: list[dict], people: list[dict]) -> str:
    lines = ["units:"]
    for u in units:
        lines.append("  - " + "\n    ".join(f"{k}: {{{', '.join(f'{kk}: {vv}' for kk, vv in v.items())}}}" if isinstance(v, dict) else f"{k}: {v}"
                                            for k, v in u.items()))
    if people:
        lines.append("people:")
        for p in people:
            lines.append(f"  - id: {p['id']}\n    name: {p['name']}")
            for key in ("roles", "qualifications"):
                if p[key]:
                    lines.append(f"    {key}:")
                    lines.extend("      - {" + ", ".join(f"{k}: {v}" for k, v in r.items()) + "}" for r in p[key])
    return "\n".join(lines) + "\n"


def _registry_csv(units: list[dict], people: list[dict]) -> str:
    rows = [{"record": "unit", **{(f"audience.{kk}" if k == "audience" else k): vv for k, v in u.items()
                                  for kk, vv in (v.items() if isinstance(v, dict) else [(None, v)])}} for u in units]
    for p in people:
        rows.append({"record": "person", "id": p["id"], "name": p["name"]})
        rows.extend({"record": "role", "person": p["id"], **r} for r in p["roles"])
        rows.extend({"record": "qualification", "person": p["id"], **q} for q in p["qualifications"])
    header = list(dict.fromkeys(k for row in rows for k in row))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([row.get(h, "") for h in header] for row in rows)
    return buf.getvalue()


def _registry_json(units: list[dict], people: list[dict], meant: bool) -> str:
    """JSON Lines: the values as YAML reads them, or (``meant``) as the CSV cells are read (text fields as text)."""
    from nqengine.inputs.registry import PERSON, QUALIFICATION, ROLE, UNIT  # noqa: F401

    def typed(rec: dict, schema) -> dict:
        return {k: _as_json(v, schema.fields[k].validator if meant and k in schema.fields else None) for k, v in rec.items()}

    lines = [typed(u, UNIT) for u in units]
    lines += [{"record": "person", "id": p["id"], "name": p["name"], "roles": [typed(r, ROLE) for r in p["roles"]],
               "qualifications": [typed(q, QUALIFICATION) for q in p["qualifications"]]} for p in people]
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)


def _load_registry(path: Path, params: bool = True):
    try:
        reg = nqengine.load_registry(path)
    except nqengine.RegistryError as exc:
        return None, sorted((p.code, _registry_field(p.path),
                             repr(sorted((k, str(v)) for k, v in p.params.items() if k != "first_line")) if params else "")  # lines differ
                            for p in exc.problems)
    if not params:
        return sorted(reg.units), None
    units = [(u.id, u.name, u.kind, u.sector, u.parent, u.valid_from, u.valid_to, dict(u.audience), u.level, u.succeeded_by)
             for u in reg.units.values()]
    people = [(p.id, p.name, tuple((r.unit, r.role, r.valid_from, r.valid_to) for r in p.roles),
               tuple((q.kind, q.body, q.term, q.valid_from, q.valid_to) for q in p.qualifications)) for p in reg.people.values()]
    return (sorted(units, key=repr), sorted(people, key=repr)), None


def _registry_field(path: str) -> str:
    """``units[2].kind`` -> ``kind``; ``people[0].roles[1].unit`` -> ``unit``."""
    return path.rsplit("].", 1)[-1] if "]." in path else ("" if path.endswith("]") else path)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registry=_registries())
def test_one_registry_reads_the_same_in_yaml_json_lines_and_csv(registry, tmp_path):
    units, people = registry
    texts = [t for u in units for t in _texts(u)] + [t for p in people for r in p["roles"] + p["qualifications"] for t in _texts(r)]
    faithful = all(_faithful(t) for t in texts)
    from_yaml = _load_registry(_write(tmp_path, "r.yaml", _registry_yaml(units, people)), faithful)
    assert _load_registry(_write(tmp_path, "r.jsonl", _registry_json(units, people, False)), faithful) == from_yaml, registry
    from_csv = _load_registry(_write(tmp_path, "r.csv", _registry_csv(units, people)))
    assert _load_registry(_write(tmp_path, "g.jsonl", _registry_json(units, people, True))) == from_csv, registry


# ---------------------------------------------------------------------------
# Attendance rows: four ways to read them, one tally
# ---------------------------------------------------------------------------

_ATT_HEADER = ["type", "unit", "date", "session", "member", "category"]


@st.composite
def _attendance(draw) -> tuple[list[dict], list[dict]]:
    """Sessions s0..s2 (s2 a report, s1 with counts of its own now and then), and attendance rows near them:
    the right unit and date mostly, now and then another unit or day, an unknown session, a member twice."""
    sessions = [{"id": "s0", "type": "session", "unit": "u1", "date": "10/10/2020"},
                {"id": "s1", "type": "session", "unit": "u2", "date": "11/10/2020"},
                {"id": "s2", "type": "report", "unit": "u1", "date": "10/10/2020", "to": "ban-thuong-vu"}]
    if draw(st.integers(0, 4)) == 0:
        sessions[1]["attendance"] = {"dang_vien": "3"}
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        s = draw(st.sampled_from(["s0", "s0", "s0", "s1", "s1", "s2", "s9"]))
        own = next((x for x in sessions if x["id"] == s), sessions[0])
        rows.append({
            "type": "attendance",
            "unit": own["unit"] if draw(st.integers(0, 7)) else draw(st.sampled_from(["u1", "u2", "u3"])),
            "date": own["date"] if draw(st.integers(0, 7)) else "12/10/2020",
            "session": s,
            "member": draw(st.sampled_from(["m1", "m2", "m3", "m4", "m5", "m6", "m7"])),
            "category": draw(st.sampled_from(["dang_vien", "dang_vien", "cong_chuc"])),
        })
    return sessions, rows


def _attendance_outcome(paths: list[Path], pm):
    try:
        facts = nqengine.load_facts(paths if len(paths) > 1 else paths[0], pm=pm)
    except FactsError as exc:
        # where each problem is differs between the files; what it says, and how many, do not
        return None, sorted((p.code, _field(p.path), repr(sorted((k, str(v)) for k, v in p.params.items()))) for p in exc.problems)
    return sorted((f.id, f.type, f.unit, f.date, repr(sorted(f.data.items()))) for f in facts), None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_attendance())
def test_attendance_rows_read_the_same_whichever_way_they_come(case, pm, tmp_path):
    sessions, rows = case
    header = ["id", "type", "unit", "date", "to", "attendance.dang_vien", "session", "member", "category"]

    def csv_text(records: list[dict], columns: list[str]) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in records:
            flat = {**{k: v for k, v in r.items() if k != "attendance"}, **{f"attendance.{k}": v for k, v in r.get("attendance", {}).items()}}
            w.writerow([flat.get(c, "") for c in columns])
        return buf.getvalue()

    def jsonl(records: list[dict]) -> str:
        return "".join(json.dumps({k: ({kk: int(vv) for kk, vv in v.items()} if k == "attendance" else v) for k, v in r.items()},
                                  ensure_ascii=False) + "\n" for r in records)

    yaml_text = _yaml_many(sessions + rows)
    ways = {
        "one CSV file (the row lane)": [_write(tmp_path, "mixed.csv", csv_text(sessions + rows, header))],
        "sessions and an attendance CSV (the bulk lane)": [_write(tmp_path, "s.csv", csv_text(sessions, header[:6])),
                                                            _write(tmp_path, "a.csv", csv_text(rows, _ATT_HEADER))],
        "JSON Lines": [_write(tmp_path, "all.jsonl", jsonl(sessions + rows))],
        "YAML": [_write(tmp_path, "all.yaml", yaml_text)],
        "YAML sessions, CSV rows": [_write(tmp_path, "s.yaml", _yaml_many(sessions)), _write(tmp_path, "rows.csv", csv_text(rows, _ATT_HEADER))],
    }
    got = {way: _attendance_outcome(paths, pm) for way, paths in ways.items()}
    first = got["YAML"]
    for way, outcome in got.items():
        assert outcome == first, (way, sessions, rows, got)


def _yaml_many(records: list[dict]) -> str:
    lines = ["facts:"]
    for r in records:
        lines.append("  - " + "\n    ".join(
            f"{k}: {{{', '.join(f'{kk}: {vv}' for kk, vv in v.items())}}}" if isinstance(v, dict) else f"{k}: {v}" for k, v in r.items()))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The service's batches: the same facts as the files
# ---------------------------------------------------------------------------


def _batch_outcome(text: str, content_type: str, pm):
    from nqengine.store.batch import parse_batch

    try:
        got = parse_batch(text, content_type, pm=pm)
    except FactsError as exc:
        return None, sorted((p.code, _field(p.path)) for p in exc.problems)
    return [(s.fact.id, s.fact.type, s.fact.unit, s.fact.date, s.fact.data) for s in got], None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact=_facts())
def test_a_fact_sent_to_the_service_is_the_fact_a_file_gives(fact, pm, tmp_path):
    if fact["type"] == "attendance":
        return  # the store keeps attendance rows as they come and folds them when it evaluates
    fact = {"id": "s1", **fact}
    meant = _csv_like(fact, pm)
    line = json.dumps(meant, ensure_ascii=False) + "\n"
    from_file = _load(_write(tmp_path, "f.jsonl", line), pm)
    codes = (from_file[0], sorted((c, f) for c, f, _ in from_file[1])) if from_file[1] else from_file
    assert _batch_outcome(line, "application/x-ndjson", pm) == codes, fact
    assert _batch_outcome(_csv(fact), "text/csv", pm) == _strip(_load(_write(tmp_path, "f.csv", _csv(fact)), pm)), fact
    assert _batch_outcome(json.dumps({"facts": [meant]}, ensure_ascii=False), "application/json", pm) == codes, fact


def _strip(outcome):
    return (outcome[0], sorted((c, f) for c, f, _ in outcome[1])) if outcome[1] else outcome
