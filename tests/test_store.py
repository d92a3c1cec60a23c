"""nqengine.store on SQLite and PostgreSQL: batches, idempotence, corrections, attendance, tokens, replay."""

from __future__ import annotations

import json
import threading

import pytest
from service_support import TAM_KY, tam_ky_facts

import nqengine
from nqengine.errors import FactsError
from nqengine.render.formats import render_json
from nqengine.store import Conflict, open_store, parse_batch
from nqengine.store.batch import BatchTooLarge


def _batch(*facts: dict):
    return parse_batch(json.dumps({"facts": list(facts)}, ensure_ascii=False))


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    s.add_spec(TAM_KY)
    yield s
    s.close()


def _no_sources(text: str) -> dict:
    data = json.loads(text)
    for u in data["unmatched_facts"]:
        u.pop("source")
    return data


def test_tam_ky_facts_stored_evaluate_as_the_files(store):
    result = store.submit("tam-ky-xxi", parse_batch(json.dumps({"facts": tam_ky_facts()})))
    assert len(result.stored) == 44 and result.unchanged == [] and result.watermark >= 44
    spec, registry, facts = nqengine.load_folder(TAM_KY)
    expected = render_json(nqengine.evaluate(spec, registry, facts, "20/11/2020"))
    got = render_json(store.evaluate("tam-ky-xxi", "20/11/2020"))
    assert _no_sources(got) == _no_sources(expected)
    assert json.loads(got)["unmatched_facts"][0]["source"].startswith("request:1:")


SPECS = TAM_KY.parent


@pytest.mark.parametrize("name, dates", [
    ("gia-lai-ctr-01", ["20/10/2026", "15/07/2026", "31/12/2030"]),  # facts naming the quarter they report on
    ("gia-lai-xiv", ["09/03/2026", "10/03/2026", "20/04/2026"]),  # a session held over two days
])
def test_facts_naming_a_period_or_a_last_day_stored_evaluate_as_the_files(store_url, name, dates):
    import yaml

    folder = SPECS / name
    with open(folder / "facts.yaml", encoding="utf-8") as fh:
        raw = json.loads(json.dumps(yaml.safe_load(fh)["facts"], default=str, ensure_ascii=False))
    assert any("period" in f or "until" in f for f in raw)
    s = open_store(store_url)
    try:
        s.add_spec(folder)
        s.submit(name, parse_batch(json.dumps({"facts": raw}, ensure_ascii=False)))
        spec, registry, facts = nqengine.load_folder(folder)
        for as_of in dates:
            expected = render_json(nqengine.evaluate(spec, registry, facts, as_of))
            assert _no_sources(render_json(s.evaluate(name, as_of))) == _no_sources(expected), as_of
    finally:
        s.close()


def test_a_stored_event_over_several_days_shows_as_it_was_written(store):
    event = {"id": "e1", "type": "event", "unit": "p-an-my", "name": "Hội nghị", "date": "2020-10-05", "until": "2020-10-06"}
    [sub] = _batch(event)
    assert (str(sub.fact.date), str(sub.fact.data["starts_on"])) == ("2020-10-06", "2020-10-05")
    store.submit("tam-ky-xxi", [sub])
    [stored] = store.effective_facts("tam-ky-xxi")
    assert stored == sub.fact
    from nqengine.store.core import fact_view

    assert fact_view(stored) == {"id": "e1", "type": "event", "unit": "p-an-my", "name": "Hội nghị", "date": "2020-10-05", "until": "2020-10-06"}
    with pytest.raises(FactsError) as exc:
        _batch(dict(event, until="2020-10-04"))
    assert [(p.code, p.path) for p in exc.value.problems] == [("until_before_date", "facts[0].until")]


def test_same_id_same_content_changes_nothing_other_content_conflicts(store):
    fact = {"id": "f1", "type": "deliverable", "unit": "p-an-my", "date": "2020-09-20", "deliverable": "own_plan"}
    first = store.submit("tam-ky-xxi", _batch(fact))
    again = store.submit("tam-ky-xxi", _batch(dict(fact, date="20/09/2020")))  # same date written otherwise
    assert first.stored == ["f1"] and again.stored == [] and again.unchanged == ["f1"]
    assert again.watermark == first.watermark
    with pytest.raises(Conflict) as exc:
        store.submit("tam-ky-xxi", _batch(dict(fact, date="2020-09-21"), dict(fact, id="f2")))
    (stored, submitted), = exc.value.pairs
    assert stored["date"] == "2020-09-20" and submitted["date"] == "2020-09-21"
    assert store.stored("tam-ky-xxi", ["f2"]) == {}  # nothing of the batch kept
    assert store.watermark("tam-ky-xxi") == first.watermark


def test_a_correction_supersedes_and_history_stays(store):
    plan = {"id": "p1", "type": "deliverable", "unit": "p-an-my", "date": "2020-09-20", "deliverable": "own_plan"}
    store.submit("tam-ky-xxi", _batch(plan))
    store.submit("tam-ky-xxi", _batch(dict(plan, id="p1b", date="2020-09-25", supersedes="p1")))
    assert [f.id for f in store.effective_facts("tam-ky-xxi")] == ["p1b"]
    hist = store.history("tam-ky-xxi", "p1")
    assert [(h.fact.id, h.supersedes) for h in hist] == [("p1", None), ("p1b", "p1")]
    with pytest.raises(FactsError) as exc:  # the same fact corrected twice
        store.submit("tam-ky-xxi", _batch(dict(plan, id="p1c", supersedes="p1")))
    assert [p.code for p in exc.value.problems] == ["batch_supersedes_twice"]
    with pytest.raises(FactsError) as exc:
        store.submit("tam-ky-xxi", _batch(dict(plan, id="p1d", supersedes="nope")))
    assert [p.code for p in exc.value.problems] == ["batch_supersedes_unknown"]


def test_attendance_rows_fold_across_batches(store):
    session = {"id": "s1", "type": "session", "unit": "p-an-my", "date": "2020-10-05", "presenter": "nv-an",
               "content": ["core_content", "action_programme"], "materials": ["van-kien-xxi"]}
    store.submit("tam-ky-xxi", _batch(session))
    rows = [{"type": "attendance", "unit": "p-an-my", "date": "2020-10-05", "session": "s1", "member": f"dv{i}", "category": "dang_vien"}
            for i in range(3)]
    store.submit("tam-ky-xxi", _batch(*rows[:2]))
    store.submit("tam-ky-xxi", _batch(*rows[1:]))  # dv1 again: same id, unchanged
    (s,) = store.effective_facts("tam-ky-xxi")
    assert s.data["attendance"] == {"dang_vien": 3}
    with pytest.raises(FactsError) as exc:  # a row for a session that does not exist: nothing stored
        store.submit("tam-ky-xxi", _batch(dict(rows[0], session="nope", member="dv9")))
    assert [p.code for p in exc.value.problems] == ["attendance_unknown_session"]


def test_bad_batches_are_located():
    with pytest.raises(FactsError) as exc:
        parse_batch('{"facts": [{"type": "report", "unit": "p-an-my", "date": "31/02/2020"}]}')
    assert {(p.path, p.code) for p in exc.value.problems} >= {("facts[0].date", "invalid_date")}
    with pytest.raises(FactsError) as exc:
        parse_batch('{"facts": [')
    assert exc.value.problems[0].code == "batch_json"
    with pytest.raises(FactsError) as exc:
        parse_batch('{"facts": [{"a": [[[[[[[[[1]]]]]]]]]}]}')
    assert exc.value.problems[0].code == "batch_too_deep"
    with pytest.raises(BatchTooLarge):
        parse_batch(json.dumps({"facts": [{}] * 11}), max_facts=10)
    with pytest.raises(FactsError) as exc:
        parse_batch("id,type,unit,date\nx,report,p-an-my,2020-13-01\n", "text/csv", source="upload.csv")
    p = exc.value.problems[0]
    assert (p.file, p.line, p.code) == ("upload.csv", 2, "invalid_date")


def test_csv_upload_reads_rows():
    got = parse_batch("id,type,unit,date,deliverable\nd1,deliverable,p-an-my,20/09/2020,own_plan\n", "text/csv")
    assert [(s.fact.id, s.fact.data["deliverable"]) for s in got] == [("d1", "own_plan")]


def test_tokens_are_stored_as_hashes(store):
    tok, secret = store.create_token("p-an-my", "submit")
    assert store.authenticate(secret) == tok
    assert store.authenticate(secret + "x") is None
    rows = store.db.query("SELECT hash FROM nq_tokens")
    assert secret not in {r[0] for r in rows}
    assert store.revoke_token(tok.id) and store.authenticate(secret) is None


def test_registry_versions_are_kept(store):
    text = (TAM_KY / "registry.yaml").read_text(encoding="utf-8")
    assert store.put_registry("tam-ky-xxi", text.replace("Đảng bộ phường An Mỹ", "Đảng bộ phường An Mỹ mới"), by="t") == 2
    assert [v["version"] for v in store.registry_versions("tam-ky-xxi")] == [1, 2]
    assert store.registry("tam-ky-xxi")[1].units["p-an-my"].name.endswith("mới")
    assert store.registry("tam-ky-xxi", 1)[1].units["p-an-my"].name == "Đảng bộ phường An Mỹ"


def test_reopening_keeps_everything(store_url):
    s = open_store(store_url)
    s.add_spec(TAM_KY)
    s.submit("tam-ky-xxi", _batch({"id": "d", "type": "deliverable", "unit": "p-an-my", "date": "2020-09-20", "deliverable": "own_plan"}))
    s.close()
    again = open_store(store_url)
    again.add_spec(TAM_KY)
    assert [f.id for f in again.effective_facts("tam-ky-xxi")] == ["d"]
    assert again.registry_version("tam-ky-xxi") == 1  # the folder's registry is not added twice
    assert again.db.migrate() == again.db.migrate()
    again.close()


def test_concurrent_submitters_lose_nothing(store_url):
    """Eight threads, each its own connection, submitting overlapping batches."""
    s = open_store(store_url)
    s.add_spec(TAM_KY)
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        try:
            for b in range(10):
                facts = [{"id": f"w{w}-b{b}-{i}", "type": "deliverable", "unit": "p-an-my", "date": "2020-09-20", "deliverable": "own_plan"}
                         for i in range(5)]
                facts.append({"id": f"shared-{b}", "type": "deliverable", "unit": "p-an-son", "date": "2020-09-21", "deliverable": "own_plan"})
                s.submit("tam-ky-xxi", _batch(*facts))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    rows = s.facts("tam-ky-xxi")
    ids = [r.fact.id for r in rows]
    assert len(ids) == len(set(ids)) == 8 * 10 * 5 + 10
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    s.close()


def test_effective_facts_reads_as_effective_of_every_row(store):
    from nqengine.store.core import effective

    session = {"id": "s1", "type": "session", "unit": "p-an-my", "date": "2020-10-05", "presenter": "nv-an"}
    row = {"type": "attendance", "unit": "p-an-my", "date": "2020-10-05", "session": "s1", "category": "dang_vien"}
    store.submit("tam-ky-xxi", _batch(session, dict(row, member="a"), dict(row, member="b", category="cong_chuc")))
    store.submit("tam-ky-xxi", _batch(dict(session, id="s2", presenter="tt-binh", supersedes="s1"), dict(row, member="c")))
    store.submit("tam-ky-xxi", _batch({"id": "r", "type": "report", "unit": "p-an-son", "date": "2020-10-09"}))
    fast = store.effective_facts("tam-ky-xxi")
    assert fast == effective(store.facts("tam-ky-xxi"))
    assert [(f.id, f.data.get("attendance")) for f in fast] == [("s2", {"dang_vien": 2, "cong_chuc": 1}), ("r", None)]
    upto = store.facts("tam-ky-xxi")[2].seq  # the first batch only: before the correction
    assert [(f.id, f.data.get("attendance")) for f in store.effective_facts("tam-ky-xxi", upto)] == [("s1", {"dang_vien": 1, "cong_chuc": 1})]
