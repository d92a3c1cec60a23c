"""SIGKILL during a stream of submissions: every acknowledged fact survives, no batch is half stored."""

from __future__ import annotations

import json
import threading
import time

from service_support import Server, make_token, request

from nqengine.store import open_store

SPEC = "tam-ky-xxi"
BATCH = 25


def test_sigkill_loses_no_acknowledged_fact_and_stores_no_half_batch(store_url, tmp_path):
    admin = make_token(store_url, "thanh-uy-tam-ky", "admin")
    srv = Server(store_url, cwd=str(tmp_path)).start()
    acked: set[str] = set()
    sent: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(c: int) -> None:
        b = 0
        while not stop.is_set() and b < 10_000:
            name = f"c{c}-b{b}"
            facts = [{"id": f"{name}-{i}", "type": "deliverable", "unit": "p-an-my", "date": "2020-09-20", "deliverable": "own_plan"}
                     for i in range(BATCH)]
            with lock:
                sent.append(name)
            try:
                status, _, _ = request("POST", f"{srv.url}/v1/specs/{SPEC}/facts", admin, {"facts": facts}, timeout=10)
            except OSError:  # the server died under us
                return
            if status in (200, 201):
                with lock:
                    acked.add(name)
            b += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(acked) >= 15

    store = open_store(store_url)
    ids = [r.fact.id for r in store.facts(SPEC)]
    store.close()
    by_batch: dict[str, int] = {}
    for fid in ids:
        name = fid.rsplit("-", 1)[0]
        by_batch[name] = by_batch.get(name, 0) + 1
    assert len(ids) == len(set(ids))
    assert acked <= set(by_batch)  # no acknowledged batch lost
    assert set(by_batch.values()) == {BATCH}  # each stored batch whole
    assert set(by_batch) <= set(sent)

    with Server(store_url, cwd=str(tmp_path)) as again:  # a cold start serves them all
        status, _, body = request("GET", f"{again.url}/v1/specs", admin)
        assert status == 200 and json.loads(body)[0]["watermark"] >= len(ids)
        status, _, body = request("GET", f"{again.url}/v1/specs/{SPEC}/evaluation?as_of=2020-11-20", admin)
        assert status == 200 and json.loads(body)["summary"]["own-plan"]["met"] >= 1
