"""``nqengine check`` on registry and facts files, alone or with a spec, and their cross-references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nqengine.cli import main
from nqengine.inputs.crosscheck import classify

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = ROOT / "specs" / "tam-ky-xxi"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the Tam Kỳ folder; tests edit it, and run from its parent so paths read short."""
    dest = tmp_path / "tk"
    shutil.copytree(TAM_KY, dest)
    monkeypatch.chdir(tmp_path)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_registry_alone_is_checked(folder, capsys):
    assert main(["check", "tk/registry.yaml"]) == 0
    assert capsys.readouterr().out == "tk/registry.yaml: hợp lệ (36 đơn vị, 24 người)\n"


def test_facts_alone_are_checked(folder, capsys):
    assert main(["check", "tk/facts.yaml", "--lang", "en"]) == 0
    assert capsys.readouterr().out == "tk/facts.yaml: ok (44 facts)\n"


def test_a_role_typo_in_a_registry_is_refused(folder, capsys):
    edit(folder / "registry.yaml", "role: secretary", "role: secretery")
    assert main(["check", "tk/registry.yaml", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "'role': 'secretery' is not in the roles vocabulary" in err and "did you mean 'secretary'?" in err
    assert err.startswith("tk/registry.yaml:")


def test_a_channel_typo_is_caught_against_the_registry(folder, capsys):
    edit(folder / "plan.yaml", "channel: {to: ban-thuong-vu, clause: III.1}", "channel: {to: ban-thuong-vuu, clause: III.1}")
    assert main(["check", "tk", "--lang", "en"]) == 2
    err = capsys.readouterr().err.splitlines()
    line = next(i for i, t in enumerate((folder / "plan.yaml").read_text(encoding="utf-8").splitlines(), 1) if "ban-thuong-vuu" in t)
    assert err[0] == f"tk/plan.yaml:{line}:19: unit 'ban-thuong-vuu' is not in the registry — did you mean 'ban-thuong-vu'? (obligations[6].channel.to)"


def test_a_registry_headcount_under_an_undeclared_category(folder, capsys):
    edit(folder / "registry.yaml", "dang_vien:", "dang_vein:")
    assert main(["check", "tk/plan.yaml", "tk/registry.yaml", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "audience category 'dang_vein' is not declared by the plan, so it is never counted — did you mean 'dang_vien'?" in err


def test_an_attendance_typo_in_facts(folder, capsys):
    edit(folder / "facts.yaml", "dang_vien:", "dang_vein:")
    assert main(["check", "tk", "--lang", "en"]) == 2
    assert "audience category 'dang_vein' is not declared by the plan" in capsys.readouterr().err


def test_facts_of_unknown_units_are_warnings_not_errors(folder, capsys):
    assert main(["check", "tk", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["tk/plan.yaml: ok (14 obligations)", "tk/registry.yaml: ok (36 units, 24 people)", "tk/facts.yaml: ok (44 facts)"]
    assert "warning: the fact's unit 'p-an-my-cu' is not in the registry: the fact will not be used — did you mean 'p-an-my'? (x-unknown-unit.unit)" in err


def test_classify(tmp_path):
    (tmp_path / "r.jsonl").write_text('{"record": "unit", "id": "a", "name": "A", "kind": "party_committee"}\n', encoding="utf-8")
    (tmp_path / "f.jsonl").write_text('{"id": "s", "type": "session", "unit": "a", "date": "2020-10-01"}\n', encoding="utf-8")
    (tmp_path / "f.csv").write_text("id,type,unit,date\ns,session,a,2020-10-01\n", encoding="utf-8")
    (tmp_path / "r.csv").write_text("record,id,name,kind\nunit,a,A,party_committee\n", encoding="utf-8")
    got = {p: classify(str(tmp_path / p)) for p in ("r.jsonl", "f.jsonl", "f.csv", "r.csv")}
    assert got == {"r.jsonl": "registry", "f.jsonl": "facts", "f.csv": "facts", "r.csv": "registry"}
    assert classify(str(TAM_KY / "registry.yaml")) == "registry"
    assert classify(str(TAM_KY / "facts.yaml")) == "facts"
    assert classify(str(TAM_KY / "plan.yaml")) == "spec"
    assert classify(str(TAM_KY)) == "folder"


def test_names_as_typed_are_warnings_naming_the_match(folder, capsys):
    # issue 11, item 3: `check` reads names as the evaluation does
    edit(folder / "facts.yaml", "presenter: Lê Văn Cường", "presenter: le van  CUONG")
    assert main(["check", "tk", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "warning: 'le van  CUONG' is read as Lê Văn Cường (lv-cuong), ignoring case, diacritics and spacing; better give the id" in err
    assert "person 'le van  CUONG' is not in the registry" not in err


def test_an_ambiguous_name_is_an_error_naming_the_candidates(folder, capsys):
    edit(folder / "registry.yaml", "people:", "people:\n  - {id: lv-cuong-2, name: Lê Văn Cương}")
    edit(folder / "facts.yaml", "presenter: Lê Văn Cường", "presenter: le van cuong")
    assert main(["check", "tk", "--lang", "vi"]) == 2
    err = capsys.readouterr().err
    assert "tên 'le van cuong' có thể là nhiều mục: Lê Văn Cường (lv-cuong), Lê Văn Cương (lv-cuong-2); hãy ghi mã" in err


def test_a_sector_typo_in_the_registry_is_refused_by_check_and_by_evaluate(folder, capsys):
    edit(folder / "registry.yaml", "sector: ward", "sector: wrad")
    assert main(["check", "tk", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "'sector': 'wrad' is not in the sectors vocabulary (declare a new word under 'vocabularies.sectors') — did you mean 'ward'?" in err
    assert main(["check", "tk/registry.yaml", "--lang", "en"]) == 2  # alone: against the installed vocabularies
    assert "did you mean 'ward'?" in capsys.readouterr().err
    assert main(["evaluate", "tk", "--as-of", "20/11/2020", "--lang", "en"]) == 2
    (line,) = [l for l in capsys.readouterr().err.splitlines() if "wrad" in l]
    assert line.startswith("tk/registry.yaml:") and "did you mean 'ward'?" in line
