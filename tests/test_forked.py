"""The facts read in a forked process while the registry is read (``nqengine.inputs.forked``).

Each case runs in a fresh interpreter (no other thread alive, as in the
console script), with ``os.fork`` counted, so a test knows the fork happened:
- the facts, their order, their sources and the values they share are those
  of ``load_facts``; the CLI's JSON is byte for byte the same;
- a fact file with errors gives the same located error (sent back by the
  child, not read again), and the registry's error stops the child (no
  process left behind);
- small files, ``NQENGINE_FORK=0`` and a running thread read in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import MINI_PLAN

from nqengine.inputs import forked
from nqengine.model import Fact, Source

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="the fork is used on Linux and other POSIX systems but macOS")

PLAN = MINI_PLAN  # study sessions for the cells' party members, by 31/10/2020

CELLS = 600
MEMBERS = 40


def write_inputs(folder: Path, bad_fact_row: bool = False, bad_registry_row: bool = False) -> dict[str, str]:
    """A registry of ``CELLS`` cells; a session for each; ``MEMBERS`` attendance rows each (about 1.5 MB)."""
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    reg = ["id,name,kind,parent,audience.dang_vien", "dang-uy,Đảng ủy xã,party_committee,,"]
    reg += [f"c{i},Chi bộ số {i},grassroots_cell,dang-uy,{MEMBERS}" for i in range(CELLS)]
    if bad_registry_row:
        reg.append("c-bad,Chi bộ hỏng,no_such_kind,dang-uy,3")
    (folder / "registry.csv").write_text("\n".join(reg) + "\n", encoding="utf-8")
    facts = ["id,type,unit,date,presenter,attendance.dang_vien,content"]
    facts += [f"s{i},session,c{i},{1 + i % 28:02d}/10/2020,,,core_content" for i in range(CELLS)]
    if bad_fact_row:
        facts.insert(100, "s-bad,session,c1,31/02/2020,,,core_content")
    (folder / "facts.csv").write_text("\n".join(facts) + "\n", encoding="utf-8")
    rows = ["type,unit,date,session,member,category"]
    rows += [f"attendance,c{i},{1 + i % 28:02d}/10/2020,s{i},m{i:05d}-{k:03d},dang_vien" for i in range(CELLS) for k in range(MEMBERS - (i % 5))]
    (folder / "attendance.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {"plan": str(folder / "plan.yaml"), "registry": str(folder / "registry.csv"),
            "facts": [str(folder / "facts.csv"), str(folder / "attendance.csv")]}


#: Run before each script below: ``children_left()`` says whether a child process was left behind (not reaped).
PRELUDE = r"""
import os

def children_left():
    try:
        os.waitpid(-1, os.WNOHANG)
        return True
    except ChildProcessError:
        return False
"""


def run_python(script: str, files: dict, env: dict | None = None) -> dict:
    """``script`` (after :data:`PRELUDE`) in a fresh interpreter, given ``files`` as JSON; what it prints, as JSON."""
    done = subprocess.run([sys.executable, "-c", PRELUDE + script, json.dumps(files)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Bad file descriptor" not in done.stderr
    return json.loads(done.stdout)


SCRIPT = r"""
import json, os, sys
forks = []
real_fork = os.fork
def counted():
    forks.append(1)
    return real_fork()
os.fork = counted
from nqengine.errors import NQEngineError
from nqengine.inputs import forked
from nqengine.inputs.forked import load_registry_and_facts
parent_loads = []
real_load = forked.load_facts
def load_here(*a, **k):  # counted in this process only: the child's calls stay in the child
    parent_loads.append(1)
    return real_load(*a, **k)
forked.load_facts = load_here
from nqengine.inputs.load import load_facts, load_registry
args = json.loads(sys.argv[1])
out = {}
try:
    registry, facts = load_registry_and_facts(args["registry"], args["facts"])
    out["forked"] = {"units": sorted(registry.units), "facts": [[f.id, f.type, f.unit, f.date.isoformat(), repr(sorted(f.data.items())), str(f.source)] for f in facts]}
    out["shared"] = len({id(f.data["content"]) for f in facts})
except NQEngineError as exc:
    out["forked_error"] = [type(exc).__name__, str(exc)]
out["forks"] = len(forks)
out["parent_loads"] = len(parent_loads)
out["children_left"] = children_left()
try:
    registry, facts = load_registry(args["registry"]), load_facts(args["facts"])
    out["serial"] = {"units": sorted(registry.units), "facts": [[f.id, f.type, f.unit, f.date.isoformat(), repr(sorted(f.data.items())), str(f.source)] for f in facts]}
    out["serial_shared"] = len({id(f.data["content"]) for f in facts})
except NQEngineError as exc:
    out["serial_error"] = [type(exc).__name__, str(exc)]
print(json.dumps(out, ensure_ascii=False))
"""


def run_script(files: dict, env: dict | None = None) -> dict:
    return run_python(SCRIPT, files, env)


def test_the_facts_read_in_a_forked_process_are_those_read_here(tmp_path):
    files = write_inputs(tmp_path)
    assert sum(os.path.getsize(f) for f in files["facts"]) >= forked.MIN_BYTES
    got = run_script(files)
    assert got["forks"] == 1 and not got["children_left"] and got["parent_loads"] == 0  # the child's facts were used
    assert got["forked"] == got["serial"]
    facts = got["forked"]["facts"]
    assert len(facts) == CELLS and facts[7][:4] == ["s7", "session", "c7", "2020-10-08"]
    assert "('attendance', {'dang_vien': 38})" in facts[7][4] and facts[7][5].endswith("facts.csv:9:1")
    assert got["shared"] == got["serial_shared"] == 1  # one content list for all, as the loader shares it


def test_a_fact_file_with_errors_gives_the_same_located_error(tmp_path):
    files = write_inputs(tmp_path, bad_fact_row=True)
    got = run_script(files)
    assert got["forks"] == 1 and not got["children_left"] and got["parent_loads"] == 0  # sent by the child, not read again
    assert got["forked_error"] == got["serial_error"]
    kind, text = got["forked_error"]
    assert kind == "FactsError" and text.startswith(f"{files['facts'][0]}:101:4: ") and "31/02/2020" in text


def test_a_registry_with_errors_stops_the_child_and_raises_as_before(tmp_path):
    files = write_inputs(tmp_path, bad_registry_row=True)
    got = run_script(files)
    assert got["forks"] == 1 and not got["children_left"] and got["parent_loads"] == 0
    assert got["forked_error"] == got["serial_error"]
    kind, text = got["forked_error"]
    assert kind == "RegistryError" and text.startswith(f"{files['registry']}:{CELLS + 3}:") and "no_such_kind" in text


ASIDE = r"""
import json, os, sys
from nqengine.inputs.forked import FactsReadAside
args = json.loads(sys.argv[1])
out = {}
try:
    with FactsReadAside(args["facts"]) as aside:
        out["child"] = aside.pid is not None
        raise ValueError("the plan has a mistake")
except ValueError as exc:
    out["raised"] = str(exc)
out["pid_after"] = aside.pid
out["children_left"] = children_left()
print(json.dumps(out))
"""


def test_an_error_in_the_block_stops_the_child(tmp_path):
    """The plan is read while the child reads the facts: a mistake in the plan ends the command as before."""
    files = write_inputs(tmp_path)
    assert run_python(ASIDE, files) == {"child": True, "raised": "the plan has a mistake", "pid_after": None, "children_left": False}


INTERRUPTED = r"""
import json, os, sys
from nqengine.inputs import forked
real_fdopen = os.fdopen
class Interrupted:
    def __init__(self, fd, mode):
        self.fh = real_fdopen(fd, mode)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.fh.close()
    def read(self, *size):
        raise KeyboardInterrupt
forked.os = type(sys)("os_for_the_test")
forked.os.__dict__.update(os.__dict__)
forked.os.fdopen = Interrupted
args = json.loads(sys.argv[1])
out = {}
try:
    with forked.FactsReadAside(args["facts"]) as aside:
        out["child"] = aside.pid is not None
        aside.result()
except KeyboardInterrupt:
    out["interrupted"] = True
out["pid_after"] = aside.pid
out["children_left"] = children_left()
print(json.dumps(out))
"""


def test_ctrl_c_while_the_facts_come_back_stops_the_child_and_closes_the_pipe_once(tmp_path):
    files = write_inputs(tmp_path)
    assert run_python(INTERRUPTED, files) == {"child": True, "interrupted": True, "pid_after": None, "children_left": False}  # a second close of the pipe would end it with EBADF


WAITING = r"""
import json, os, sys, time
from nqengine.inputs import forked
real_load = forked.load_facts
def slow_load(*a, **k):  # runs in the child (forked after this is set): a second before the facts come
    time.sleep(1.0)
    return real_load(*a, **k)
forked.load_facts = slow_load
args = json.loads(sys.argv[1])
with forked.FactsReadAside(args["facts"]) as aside:
    before = aside.waiting()
    facts = aside.result()
    after = aside.waiting()
alone = forked.FactsReadAside(args["facts"][:1])
with alone:
    small = alone.waiting()
print(json.dumps({"before": before, "after": after, "facts": len(facts), "small": small}))
"""


def test_waiting_says_whether_the_facts_are_still_to_come(tmp_path):
    files = write_inputs(tmp_path)
    assert run_python(WAITING, files) == {"before": True, "after": False, "facts": CELLS, "small": False}


def test_index_names_builds_the_name_indexes_and_changes_no_answer():
    import helpers

    registry, fresh = helpers.registry(), helpers.registry()
    assert registry._folded == {} and registry._units_by_name._value is None
    registry.index_names()
    assert set(registry._folded) == {"units", "people"} and registry._units_by_name._value is not None
    assert registry._people_by_name._value is not None
    for ref in ("Đảng bộ phường Một", "dang bo phuong mot", "w1", "Nowhere"):
        assert registry.unit(ref) == fresh.unit(ref)
        assert (registry.unit_as_typed(ref) if registry.unit(ref) is None else None) == (fresh.unit_as_typed(ref) if fresh.unit(ref) is None else None)
    assert registry.person("Nguyễn Văn Bí Thư") == fresh.person("Nguyễn Văn Bí Thư") is not None
    assert registry.person_as_typed("nguyen van bi thu") == fresh.person_as_typed("nguyen van bi thu") is not None


def test_the_cli_reports_a_broken_plan_as_without_the_fork(tmp_path):
    files = write_inputs(tmp_path)
    Path(files["plan"]).write_text(PLAN.replace("kind: study_session", "kind: study_sesion"), encoding="utf-8")
    results = []
    for env in ({}, {"NQENGINE_FORK": "0"}):
        done = subprocess.run(
            [sys.executable, "-m", "nqengine.cli", "evaluate", files["plan"], "--registry", files["registry"],
             "--facts", files["facts"][0], "--facts", files["facts"][1], "--as-of", "31/10/2020", "--lang", "en"],
            capture_output=True, text=True, timeout=120, env={**os.environ, **env}, cwd=ROOT,
        )
        results.append((done.returncode, done.stdout, done.stderr))
    assert results[0] == results[1]
    code, out, err = results[0]
    assert code == 2 and out == "" and "study_sesion" in err and err.startswith(files["plan"] + ":")


def test_small_files_or_the_environment_variable_read_here(tmp_path):
    files = write_inputs(tmp_path)
    assert run_script(files, {"NQENGINE_FORK": "0"})["forks"] == 0
    small = dict(files, facts=[files["facts"][0]])  # the sessions alone: 20 KB
    got = run_script(small)
    assert got["forks"] == 0 and got["forked"] == got["serial"]
    one = dict(files, facts=files["facts"][1])  # one path, not a list (as load_facts takes it): the attendance rows alone
    got = run_script(one)
    assert got["forks"] == 1 and got["forked_error"] == got["serial_error"] and got["forked_error"][0] == "FactsError"


def test_no_fork_beside_another_thread(tmp_path, monkeypatch):
    files = write_inputs(tmp_path)
    assert forked._worth_forking(files["facts"]) is (threading.active_count() == 1)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert forked._worth_forking(files["facts"]) is False
    finally:
        stop.set()
        t.join()
    monkeypatch.setenv("NQENGINE_FORK", "0")
    assert forked._worth_forking(files["facts"]) is False


def test_the_cli_writes_the_same_json_with_and_without_the_fork(tmp_path):
    files = write_inputs(tmp_path)
    outs = []
    for env in ({}, {"NQENGINE_FORK": "0"}):
        out = tmp_path / f"out{len(outs)}.json"
        done = subprocess.run(
            [sys.executable, "-m", "nqengine.cli", "evaluate", files["plan"], "--registry", files["registry"],
             "--facts", files["facts"][0], "--facts", files["facts"][1], "--as-of", "31/10/2020", "--format", "json", "-o", str(out)],
            capture_output=True, text=True, timeout=120, env={**os.environ, **env}, cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    doc = json.loads(outs[0])
    assert sum(doc["summary"]["study"].values()) == CELLS and doc["summary"]["study"]["met"] > 0 and doc["unmatched_facts"] == []


class Noted(Fact):
    """A fact of a class of its own (as a plugin might make): sent as the object it is."""


def test_facts_that_are_not_plain_records_are_sent_as_objects():
    plain = Fact("a", "session", "c1", forked_date(), {"content": ["x"]}, Source("f.csv", 2, 1))
    odd = Noted("b", "session", "c1", forked_date(), {}, None)
    back = forked._received(forked._OK + forked._encode([plain, odd]))
    assert back == [plain, odd] and type(back[1]) is Noted and back[0].source == Source("f.csv", 2, 1)
    rows = forked._received(forked._OK + forked._encode([plain, Fact("c", "report", "c2", forked_date())]))
    assert rows == [plain, Fact("c", "report", "c2", forked_date())] and rows[1].source is None
    assert forked._received(forked._FAILED) is None and forked._received(b"") is None


def test_located_problems_come_back_as_they_were_raised():
    import pickle

    from nqengine.errors import FactsError, Problem, RegistryError

    problems = [Problem("f.csv", 3, 4, "date", "bad_date", {"value": "31/02/2020"}), Problem("f.csv", 2, 1, "", "file_missing")]
    for cls in (FactsError, RegistryError):
        back = pickle.loads(pickle.dumps(cls(problems)))
        assert type(back) is cls and back.problems == cls(problems).problems and str(back) == str(cls(problems))
    with pytest.raises(FactsError) as raised:
        forked._received(forked._ERROR + pickle.dumps(FactsError(problems)))
    assert raised.value.problems == FactsError(problems).problems
    assert forked._received(forked._ERROR + b"not a pickle") is None  # read here instead, and raised from here


def forked_date():
    import datetime as dt

    return dt.date(2020, 10, 5)


def test_the_cli_reports_a_broken_fact_file_as_without_the_fork(tmp_path):
    files = write_inputs(tmp_path, bad_fact_row=True)
    results = []
    for env in ({}, {"NQENGINE_FORK": "0"}):
        done = subprocess.run(
            [sys.executable, "-m", "nqengine.cli", "evaluate", files["plan"], "--registry", files["registry"],
             "--facts", files["facts"][0], "--facts", files["facts"][1], "--as-of", "31/10/2020"],
            capture_output=True, text=True, timeout=120, env={**os.environ, **env}, cwd=ROOT,
        )
        results.append((done.returncode, done.stdout, done.stderr))
    assert results[0] == results[1]
    code, out, err = results[0]
    assert code == 2 and out == "" and err.startswith(f"{files['facts'][0]}:101:4: ") and "31/02/2020" in err


def test_the_facts_come_back_in_batches_sharing_their_values(monkeypatch):
    """Sent a batch at a time (the command rebuilds one while the child pickles the next); values stay shared across batches."""
    monkeypatch.setattr(forked, "CHUNK", 7)
    content, units, day = ["core_content"], ["c0", "c1", "c2"], forked_date()  # as the loader shares them (nqengine.inputs.bulk.share)
    facts = [Fact(f"s{i}", "session", units[i % 3], day, {"content": content, "presenter": None}, Source("f.csv", i + 2, 1))
             for i in range(40)]
    payload = forked._encode(facts)
    back = forked._received(forked._OK + payload)
    assert back == facts
    assert back[0].data["content"] is back[39].data["content"]  # one list, sent once, in the first batch
    assert back[1].unit is back[37].unit and back[0].date is back[39].date
    assert forked._received(forked._OK + payload[: len(payload) // 2]) is None  # cut short (the child killed): read here
    assert forked._received(forked._OK + payload[:-1]) is None  # the end mark missing
