"""``override`` can remove what it inherits; a plugin's keys need the plugin listed under ``plugins:``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nqengine.errors import SpecError
from nqengine.spec import load_spec, load_spec_text

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = (ROOT / "specs" / "tam-ky-xxi" / "plan.yaml").as_posix()

# The child plan extends a copy of the Tam Kỳ plan beside it: a spec reads only inside its own folder.
HEAD = """\
nqengine: 1
extends: base.yaml
id: child
title: Kế hoạch cấp dưới (thử)
document: {id: kh-child, title: Kế hoạch cấp dưới, issued: 10/09/2020}
"""


def load(tmp_path: Path, text: str):
    shutil.copy(TAM_KY, tmp_path / "base.yaml")
    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load_spec(path)


def test_an_empty_value_removes_an_inherited_key(tmp_path):
    base = load_spec(TAM_KY).obligation("report-results")
    assert base.params["channel"]["via"] == "ban-tuyen-giao"
    spec = load(tmp_path, "override:\n  report-results:\n    channel: {via: ~}\n")
    channel = spec.obligation("report-results").params["channel"]
    assert channel.get("via") is None and channel["to"] == "ban-thuong-vu"


def test_unset_removes_an_exception_and_a_key(tmp_path):
    base = load_spec(TAM_KY).obligation("report-results")
    assert len(base.exceptions) == 1
    spec = load(tmp_path, "override:\n  report-results:\n    unset: ['exceptions[0]', channel.via]\n")
    ob = spec.obligation("report-results")
    assert ob.exceptions == () and ob.params["channel"].get("via") is None
    assert ob.params["channel"]["to"] == "ban-thuong-vu"


def test_unset_names_a_list_item_by_a_dotted_index(tmp_path):
    spec = load(tmp_path, "override:\n  report-results:\n    unset: [exceptions.0]\n")
    assert spec.obligation("report-results").exceptions == ()
    assert len(load_spec(TAM_KY).obligation("report-results").exceptions) == 1  # the base plan is untouched


def test_unset_of_something_not_inherited_is_located(tmp_path):
    with pytest.raises(SpecError) as info:
        load(tmp_path, "override:\n  report-results:\n    unset: [exceptions.3, channel.vai]\n")
    assert [p.render("en").split(": ", 1)[1] for p in info.value.problems] == [
        "'unset': the inherited obligation has no 'exceptions.3' to remove (override.report-results.unset[0])",
        "'unset': the inherited obligation has no 'channel.vai' to remove (override.report-results.unset[1])",
    ]


def test_events_with_no_date_still_merge_as_empty(tmp_path):
    # outside 'override' an empty value keeps its meaning: an event dated per unit
    spec = load(tmp_path, "events: {unit_congress: ~}\n")
    assert "unit_congress" in spec.events and spec.events["unit_congress"] is None


PLUGIN_PLAN = """\
nqengine: 1
id: p
title: Kế hoạch thử
document: {id: kh, title: Kế hoạch thử, issued: 01/09/2020}
PLUGINS
clauses: {c1: Điều một.}
obligations:
  - id: study
    kind: study_session
    title: Học tập
    clause: c1
    applies_to: {kinds: party_committee}
    deadline: {date: 31/10/2020, inclusive: false}
    audience: {categories: [dang_vien]}
    modes: {allowed: [in_person]}
"""


def test_a_plugin_key_without_the_plugin_listed_is_refused():
    with pytest.raises(SpecError) as info:
        load_spec_text(PLUGIN_PLAN.replace("PLUGINS\n", ""), "p.yaml")
    assert [p.render("en") for p in info.value.problems] == [
        "p.yaml:14:5: the key 'modes' belongs to the plugin 'nqengine-ordering': "
        "add 'nqengine-ordering' to the plan's 'plugins:' (obligations[0].modes)"
    ]


@pytest.mark.parametrize("listed", ["nqengine-ordering", "nqengine_ordering"])
def test_a_plugin_key_with_the_plugin_listed_loads(listed):
    spec = load_spec_text(PLUGIN_PLAN.replace("PLUGINS", f"plugins: [{listed}]"), "p.yaml")
    assert spec.obligation("study").params["modes"]["allowed"] == ["in_person"]
