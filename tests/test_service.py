"""``nqengine serve`` driven over loopback: the same evaluation as the CLI, who may do what, limits, the decision log."""

from __future__ import annotations

import json
import threading

import pytest
from service_support import TAM_KY, Server, make_token, nq, request, tam_ky_facts

SPEC = "tam-ky-xxi"
AS_OF = "2020-11-20"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server with the Tam Kỳ facts submitted over HTTP, and tokens of each scope."""
    d = tmp_path_factory.mktemp("serve")
    store = f"sqlite:///{d / 'nqengine.db'}"
    tokens = {
        "admin": make_token(store, "thanh-uy-tam-ky", "admin"),
        "submit": make_token(store, "p-an-my", "submit"),
        "read": make_token(store, "p-an-my", "read"),
    }
    with Server(store, cwd=str(d)) as srv:
        facts = tam_ky_facts()
        for i in range(0, len(facts), 10):  # a few batches, as offices would send them
            status, _, body = request("POST", f"{srv.url}/v1/specs/{SPEC}/facts", tokens["admin"], {"facts": facts[i : i + 10]})
            assert status == 201, body
        yield srv, store, tokens, d


def _no_sources(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    for u in data["unmatched_facts"]:
        u.pop("source")
    return data


def test_evaluation_over_http_equals_the_cli(served):
    srv, store, tokens, d = served
    cli = nq("evaluate", str(TAM_KY), "--as-of", "20/11/2020", "--format", "json").stdout
    for lang in ("vi", "en"):
        status, headers, body = request("GET", f"{srv.url}/v1/specs/{SPEC}/evaluation?as_of={AS_OF}&lang={lang}", tokens["admin"])
        assert status == 200 and headers["Content-Type"] == "application/json"
        expected = nq("evaluate", str(TAM_KY), "--as-of", "20/11/2020", "--format", "json", "--lang", lang).stdout if lang == "en" else cli
        assert _no_sources(json.loads(body)) == _no_sources(json.loads(expected))
    # only where a fact was written differs: the file's line, or the request's
    got = json.loads(body)["unmatched_facts"]
    assert [u["source"].split(":")[0] for u in got] == ["request"] * len(got)


def test_verdict_route_explains(served):
    srv, _, tokens, _ = served
    status, _, body = request("GET", f"{srv.url}/v1/specs/{SPEC}/verdicts/study-party-committee/p-hoa-huong?as_of={AS_OF}&lang=en", tokens["admin"])
    data = json.loads(body)
    assert status == 200 and data["verdict"]["status"] == "violated"
    assert "II.1.1.b" in data["explanation"]
    status, _, body = request("GET", f"{srv.url}/v1/specs/{SPEC}/verdicts/no-such-obligation/p-an-my?as_of={AS_OF}", tokens["admin"])
    assert status == 404 and json.loads(body)["error"] == "unknown_verdict"


def test_every_answer_is_logged_and_replays_byte_for_byte(served):
    srv, store, tokens, d = served
    status, headers, body = request("GET", f"{srv.url}/v1/specs/{SPEC}/evaluation?as_of={AS_OF}", tokens["read"])
    assert status == 200
    did = headers["X-Decision-Id"]
    replay = nq("replay", "--store", store, did, cwd=str(d))
    assert replay.stdout == body
    status, headers, vbody = request("GET", f"{srv.url}/v1/specs/{SPEC}/verdicts/own-plan/p-an-my?as_of={AS_OF}", tokens["submit"])
    assert status == 200 and nq("replay", "--store", store, headers["X-Decision-Id"], cwd=str(d)).stdout == vbody
    log = json.loads(nq("log", "--store", store, "--format", "json", "--limit", "500", cwd=str(d)).stdout)
    entry = next(e for e in log if str(e["id"]) == did)
    assert entry["kind"] == "evaluation" and entry["as_of"] == AS_OF and entry["registry_version"] == 1
    assert entry["watermark"] == int(headers["X-Watermark"]) and entry["request"]["scope"] == "p-an-my"
    assert sum(e["kind"] == "submission" for e in log) >= 5
    assert all(len(e["spec_hash"]) == 64 for e in log)


# -- authorisation matrix ---------------------------------------------------------

INSIDE, OUTSIDE = "p-an-my", "p-an-son"


def _fact(unit: str, n: list[int] = [0]) -> dict:
    n[0] += 1
    return {"facts": [{"id": f"m-{unit}-{n[0]}", "type": "deliverable", "unit": unit, "date": "2020-09-20", "deliverable": "own_plan"}]}


ROUTES = {
    # name: (method, path for a unit, body)
    "specs": lambda u: ("GET", "/v1/specs", None),
    "submit": lambda u: ("POST", f"/v1/specs/{SPEC}/facts", _fact(u)),
    "fact": lambda u: ("GET", f"/v1/specs/{SPEC}/facts/{'am-plan' if u == INSIDE else 'as-session'}", None),
    "evaluation": lambda u: ("GET", f"/v1/specs/{SPEC}/evaluation?as_of={AS_OF}", None),
    "verdict": lambda u: ("GET", f"/v1/specs/{SPEC}/verdicts/own-plan/{u}?as_of={AS_OF}", None),
    "registry-get": lambda u: ("GET", f"/v1/specs/{SPEC}/registry", None),
    "tokens-get": lambda u: ("GET", "/v1/tokens", None),
    "tokens-post": lambda u: ("POST", "/v1/tokens", {"unit": u, "scope": "read"}),
    "token-delete": lambda u: ("DELETE", "/v1/tokens/tok_000000000000", None),
    "decisions": lambda u: ("GET", "/v1/decisions?limit=5", None),
}

# expected status per (route, scope) for a unit inside / outside the token's subtree
EXPECTED = {
    "specs": {"read": (200, 200), "submit": (200, 200), "admin": (200, 200)},
    "submit": {"read": (403, 403), "submit": (201, 403), "admin": (201, 201)},
    "fact": {"read": (200, 403), "submit": (200, 403), "admin": (200, 200)},
    "evaluation": {"read": (200, 200), "submit": (200, 200), "admin": (200, 200)},
    "verdict": {"read": (200, 403), "submit": (200, 403), "admin": (200, 200)},
    "registry-get": {"read": (403, 403), "submit": (403, 403), "admin": (200, 200)},
    "tokens-get": {"read": (403, 403), "submit": (403, 403), "admin": (200, 200)},
    "tokens-post": {"read": (403, 403), "submit": (403, 403), "admin": (201, 201)},
    "token-delete": {"read": (403, 403), "submit": (403, 403), "admin": (404, 404)},
    "decisions": {"read": (403, 403), "submit": (403, 403), "admin": (200, 200)},
}


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("scope", ["read", "submit", "admin"])
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_authorisation_matrix(served, route, scope, where):
    srv, _, tokens, _ = served
    unit = INSIDE if where == "inside" else OUTSIDE
    method, path, body = ROUTES[route](unit)
    status, _, got = request(method, srv.url + path, tokens[scope], body)
    assert status == EXPECTED[route][scope][where == "outside"], got
    if status == 403 and route in ("submit", "fact", "verdict") and scope != "read" or (status == 403 and route == "verdict"):
        assert OUTSIDE in json.loads(got)["message"]  # names the unit
    if route == "evaluation":
        units = {v["unit"] for v in json.loads(got)["verdicts"]}
        assert (units == {INSIDE}) if scope != "admin" else (OUTSIDE in units and INSIDE in units)


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r != "specs") + ["specs"])
@pytest.mark.parametrize("token", [None, "nqe_wrong"])
def test_wrong_or_missing_token_is_401(served, route, token):
    srv = served[0]
    method, path, body = ROUTES[route](INSIDE)
    status, headers, got = request(method, srv.url + path, token, body)
    assert status == 401 and headers.get("WWW-Authenticate") == "Bearer"
    assert json.loads(got)["error"] == "unauthorized"


def test_read_token_sees_only_its_subtree_with_its_summary(served):
    srv, _, tokens, _ = served
    data = json.loads(request("GET", f"{srv.url}/v1/specs/{SPEC}/evaluation?as_of={AS_OF}", tokens["read"])[2])
    counted = sum(sum(s.values()) for s in data["summary"].values())
    assert counted == len(data["verdicts"]) > 0
    # of the three unmatched Tam Kỳ facts, only the one about An Mỹ
    assert [u["fact"] for u in data["unmatched_facts"]] == ["x-unused-type"]


# -- limits and bad input -------------------------------------------------------------

def test_limits_and_located_problems(tmp_path):
    store = f"sqlite:///{tmp_path / 'x.db'}"
    admin = make_token(store, "thanh-uy-tam-ky", "admin")
    with Server(store, cwd=str(tmp_path), extra=["--max-body", "2000", "--max-facts", "3"]) as srv:
        url = f"{srv.url}/v1/specs/{SPEC}/facts"
        status, _, body = request("POST", url, admin, b"x" * 2001)
        assert status == 413 and json.loads(body)["error"] == "too_large"
        status, _, body = request("POST", url, admin, {"facts": [{"id": str(i), "type": "x", "unit": "u", "date": "2020-01-01"} for i in range(4)]})
        assert status == 413 and json.loads(body)["error"] == "too_many_facts"
        status, _, body = request("POST", url, admin, {"facts": [{"id": "a", "type": "report", "unit": "p-an-my", "date": "2020-02-31"}]})
        problems = json.loads(body)["problems"]
        assert status == 422 and {(p["path"], p["code"]) for p in problems} >= {("facts[0].date", "invalid_date")}
        assert all(p["message"] and p["message_en"] and p["line"] >= 1 for p in problems)
        status, _, body = request("POST", url, admin, b'{"facts": [{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}}]}')
        assert status == 422 and json.loads(body)["problems"][0]["code"] == "batch_too_deep"
        status, _, body = request("POST", url, admin, b"id,type,unit,date\nr1,report,p-an-my,2020-13-01\n", "text/csv")
        assert status == 422 and json.loads(body)["problems"][0]["line"] == 2  # row 2 of the upload
        status, _, body = request("GET", f"{srv.url}/v1/specs/{SPEC}/evaluation?as_of=31/02/2020", admin)
        assert status == 422 and json.loads(body)["error"] == "bad_as_of"
        status, _, body = request("GET", f"{srv.url}/v1/specs/nope/evaluation", admin)
        assert status == 404
        status, _, body = request("GET", f"{srv.url}/openapi.json")
        assert status == 200 and json.loads(body)["openapi"].startswith("3.1")
        status, _, body = request("GET", f"{srv.url}/docs")
        assert status == 200 and b"/v1/specs/{spec}/facts" in body


def test_serve_says_so_loudly_when_not_on_loopback(tmp_path):
    from nqengine.service.commands import _is_loopback

    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.10")


# -- concurrency, on both databases ---------------------------------------------------

def test_eight_concurrent_submitters(store_url, tmp_path):
    """8 submitters over HTTP; on PostgreSQL split across two service instances sharing the database."""
    admin = make_token(store_url, "thanh-uy-tam-ky", "admin")
    servers = [Server(store_url, cwd=str(tmp_path)).start()]
    if store_url.startswith("postgresql"):
        servers.append(Server(store_url, cwd=str(tmp_path)).start())
    try:
        statuses: list[int] = []
        lock = threading.Lock()

        def worker(w: int) -> None:
            url = servers[w % len(servers)].url
            for b in range(6):
                facts = [{"id": f"w{w}-{b}-{i}", "type": "deliverable", "unit": "p-an-my", "date": "2020-09-20", "deliverable": "own_plan"}
                         for i in range(4)]
                facts.append({"id": f"shared-{b}", "type": "deliverable", "unit": "p-an-son", "date": "2020-09-21", "deliverable": "own_plan"})
                status, _, _ = request("POST", f"{url}/v1/specs/{SPEC}/facts", admin, {"facts": facts})
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert len(statuses) == 48 and set(statuses) <= {200, 201}
        from nqengine.store import open_store

        s = open_store(store_url)
        ids = [r.fact.id for r in s.facts(SPEC)]
        s.close()
        assert len(ids) == len(set(ids)) == 8 * 6 * 4 + 6
        # every instance serves the same evaluation of them all
        bodies = {request("GET", f"{srv.url}/v1/specs/{SPEC}/evaluation?as_of={AS_OF}", admin)[2] for srv in servers}
        assert len(bodies) == 1
        assert json.loads(bodies.pop())["summary"]["own-plan"]["met"] == 2
    finally:
        for srv in servers:
            srv.stop()


def test_replay_refuses_a_changed_spec_and_log_lists_entries(tmp_path):
    import shutil

    folder = tmp_path / "spec"
    shutil.copytree(TAM_KY, folder)
    store = f"sqlite:///{tmp_path / 'x.db'}"
    admin = make_token(store, "thanh-uy-tam-ky", "admin")
    with Server(store, [folder], cwd=str(tmp_path)) as srv:
        request("POST", f"{srv.url}/v1/specs/{SPEC}/facts", admin, {"facts": tam_ky_facts()[:5]})
        status, headers, body = request("GET", f"{srv.url}/v1/specs/{SPEC}/evaluation?as_of={AS_OF}", admin)
        assert status == 200
    did = headers["X-Decision-Id"]
    table = nq("log", "--store", store, cwd=str(tmp_path)).stdout.decode().splitlines()
    assert [line.split()[2] for line in table] == ["evaluation", "submission"]
    plan = folder / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("title: Kế hoạch học tập", "title: Kế hoạch học tập (sửa)", 1), encoding="utf-8")
    r = nq("replay", "--store", store, did, cwd=str(tmp_path), check=False)
    assert r.returncode == 2 and b"has changed" in r.stderr
    r = nq("replay", "--store", store, did, "--spec", str(TAM_KY), cwd=str(tmp_path), check=False)
    assert r.returncode == 0 and r.stdout == body
    r = nq("replay", "--store", store, "1", cwd=str(tmp_path), check=False)  # a submission
    assert r.returncode == 2 and b"submission" in r.stderr
