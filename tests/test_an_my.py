"""The An Mỹ ward plan: a plan that extends the Tam Kỳ plan, with one amendment and both plugins.

Hand-worked expectations on 01/11/2020 and 20/11/2020 (the comments of
specs/an-my-xxi/facts.yaml say what each unit's facts are meant to show).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import nqengine
from nqengine.errors import MissingPluginError

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "an-my-xxi"

pytest.importorskip("nqengine_attendance", reason="install ./plugins/nqengine-attendance (the README's test command does)")
pytest.importorskip("nqengine_ordering", reason="install ./plugins/nqengine-ordering (the README's test command does)")

P, S, M, L, O, V = "pending", "due_soon", "met", "met_late", "overdue", "violated"

# (obligation, unit): (status on 01/11/2020, on 20/11/2020)
EXPECTED = {
    ("study-party-committee", "p-an-my"): (M, M),  # key cadres online on 15/10, allowed by AM.1
    ("disseminate-commune-ward", "p-an-my"): (P, M),
    ("own-plan", "p-an-my"): (M, M),
    ("study-residential-cell", "cb-kp-1"): (M, M),
    ("study-residential-cell", "cb-kp-2"): (V, V),  # before the ward's key cadres
    ("study-residential-cell", "cb-kp-3"): (P, M),  # amended deadline 15/11, held 10/11
    ("study-residential-cell", "cb-kp-4"): (V, V),  # online: not allowed for cells
    ("study-residential-cell", "cb-kp-5"): (P, O),  # amended, nothing held
    ("study-residential-cell", "cb-kp-6"): (M, M),
    ("attendance-residential-cell", "cb-kp-1"): (M, M),
    ("attendance-residential-cell", "cb-kp-2"): (M, M),  # the share is met; the order is the other obligation's
    ("attendance-residential-cell", "cb-kp-3"): (P, M),
    ("attendance-residential-cell", "cb-kp-4"): (V, V),
    ("attendance-residential-cell", "cb-kp-5"): (P, O),
    ("attendance-residential-cell", "cb-kp-6"): (S, M),  # 83%, make-up on 03/11 -> 93%
    ("reflections-residential-cell", "cb-kp-1"): (P, M),
    ("reflections-residential-cell", "cb-kp-2"): (P, O),
    ("reflections-residential-cell", "cb-kp-3"): (P, M),
    ("reflections-residential-cell", "cb-kp-4"): (P, M),
    ("reflections-residential-cell", "cb-kp-5"): (P, O),
    ("reflections-residential-cell", "cb-kp-6"): (P, M),
    ("report-to-ward", "cb-kp-1"): (M, M),  # due 27/10, sent 26/10
    ("report-to-ward", "cb-kp-2"): (P, P),  # no valid session: no due date
    ("report-to-ward", "cb-kp-3"): (P, M),  # due 13/11, sent 12/11
    ("report-to-ward", "cb-kp-4"): (P, P),
    ("report-to-ward", "cb-kp-5"): (P, P),
    ("report-to-ward", "cb-kp-6"): (L, L),  # due 29/10, sent 30/10
}
DATES = ("01/11/2020", "20/11/2020")


@pytest.fixture(scope="module")
def pm():
    return nqengine.get_plugin_manager()


@pytest.fixture(scope="module")
def loaded(pm):
    return nqengine.load_folder(FOLDER, pm=pm)


@pytest.fixture(scope="module")
def evaluations(loaded, pm):
    spec, registry, facts = loaded
    return {d: nqengine.evaluate(spec, registry, facts, d, pm=pm) for d in DATES}


@pytest.mark.parametrize("index,date", list(enumerate(DATES)))
@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_verdict(evaluations, key, index, date):
    v = evaluations[date].verdict(*key)
    assert v.status == EXPECTED[key][index], [(f.code, f.outcome) for f in v.findings]


@pytest.mark.parametrize("date", DATES)
def test_exactly_the_expected_verdicts(evaluations, date):
    assert sorted((v.obligation, v.unit) for v in evaluations[date].verdicts) == sorted(EXPECTED)


def test_composition(loaded):
    spec = loaded[0]
    ids = [ob.id for ob in spec.obligations]
    assert ids == [
        "study-party-committee", "disseminate-commune-ward", "own-plan",
        "study-residential-cell", "attendance-residential-cell", "reflections-residential-cell", "report-to-ward",
    ]
    # The city's clauses keep citing the city plan; the ward's cite the ward's.
    assert spec.clauses["II.1.1.b"].document == "kh-tam-ky-xxi"
    assert spec.clauses["AM.2"].document == "kh-an-my"
    assert set(spec.documents) == {"kh-an-my", "kh-tam-ky-xxi", "nq-01-dh", "cv-an-my-35"}
    ob = spec.obligation("study-party-committee")
    assert ob.deadline.date == dt.date(2020, 10, 20) and ob.deadline.inclusive is False
    assert ob.params["presenter"]["roles"] == ["secretary", "deputy_secretary"]  # kept from the city plan
    assert ob.params["audience"]["categories"] == ["can_bo_chu_chot"]  # overridden


def test_override_cites_original_clause_and_amending_document(evaluations):
    v = evaluations["20/11/2020"].verdict("study-party-committee", "p-an-my")
    assert v.clause == "II.1.1.b"
    assert v.amended_by == ("kh-an-my",)
    assert v.due == dt.date(2020, 10, 19)


def test_amendment_cites_its_document_and_clause(evaluations):
    ev = evaluations["20/11/2020"]
    v = ev.verdict("study-residential-cell", "cb-kp-3")
    assert (v.clause, v.amended_by, v.due, v.fulfilled_on) == ("AM.2", ("cv-an-my-35",), dt.date(2020, 11, 14), dt.date(2020, 11, 10))
    amendment = [f for f in v.findings if f.check == "amendment"]
    assert [(f.clause, f.params["document"], f.params["effective"]) for f in amendment] == [("CV35.1", "cv-an-my-35", dt.date(2020, 10, 27))]
    text = nqengine.explain(ev, "study-residential-cell", "cb-kp-3", lang="en")
    assert "Amended by: Công văn lùi thời hạn" in text and "CV35.1" in text and "hoàn thành trước ngày 15/11/2020" in text
    untouched = ev.verdict("study-residential-cell", "cb-kp-1")
    assert untouched.amended_by == () and untouched.due == dt.date(2020, 10, 30)


def test_amendment_not_in_force_before_its_date(loaded, pm):
    spec, registry, facts = loaded
    ev = nqengine.evaluate(spec, registry, facts, "26/10/2020", pm=pm)
    v = ev.verdict("study-residential-cell", "cb-kp-5")
    assert (v.status, v.due, v.amended_by) == ("due_soon", dt.date(2020, 10, 30), ())


def test_blocking_a_plugin_the_spec_needs_is_a_clear_error():
    pm = nqengine.get_plugin_manager(["no:nqengine-ordering"])
    with pytest.raises((MissingPluginError, nqengine.SpecError)) as info:
        spec, registry, facts = nqengine.load_folder(FOLDER, pm=pm)
        nqengine.evaluate(spec, registry, facts, "20/11/2020", pm=pm)
    assert "nqengine-ordering" in str(info.value)


def test_explain_cites_both_documents(evaluations):
    text = nqengine.explain(evaluations["20/11/2020"], "study-residential-cell", "cb-kp-3", lang="en")
    v = evaluations["20/11/2020"].verdict("study-residential-cell", "cb-kp-3")
    assert [f.clause for f in v.findings if f.check == "sessions"] == ["AM.2"]
    assert [f.clause for f in v.findings if f.check == "timing"] == ["CV35.1"]
    assert "Clause AM.2 — Kế hoạch học tập, quán triệt và tuyên truyền" in " ".join(text.split())
    city = nqengine.explain(evaluations["20/11/2020"], "study-party-committee", "p-an-my", lang="en")
    assert "Clause II.1.1.b — Kế hoạch nghiên cứu, học tập, quán triệt và tuyên truyền Nghị quyết Đại hội Đảng bộ Thành phố Tam Kỳ" in " ".join(city.split())
    assert "Amended by: Kế hoạch học tập" in " ".join(city.split())
