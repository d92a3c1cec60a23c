"""Throughput and latency of ``nqengine serve`` on loopback, with national data at a given scale.

    python benchmarks/generate.py --scale 10 --out /tmp/nq-scale-10
    python benchmarks/service.py --data /tmp/nq-scale-10 [--store postgresql://...]

Serves ``benchmarks/plan.yaml`` with the generated registry, then, over HTTP
with an admin token:

1. submits ``facts.csv`` as CSV uploads of ``--batch`` rows from ``--clients``
   concurrent clients, then ``attendance.csv`` (one row per member present) in
   uploads of ``--attendance-batch`` rows: facts per second, and each request's latency;
2. asks for the evaluation on the data's date: the first answer builds the
   served evaluation (the whole plan over everything stored), the next ones
   come from memory;
3. submits single facts one at a time, each followed by the verdict it changes
   and (every fifth) the whole evaluation: the incremental path;
4. restarts the server and times its cold start to the first evaluation.

Prints a Markdown table.  Facts with an id seen before in ``facts.csv`` (the
generator puts in one deliberately) are left out, as the service would refuse them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from service_support import Server, request  # noqa: E402


def _chunks(path: Path, size: int, seen: set[str] | None = None) -> list[bytes]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        idx = header.index("id") if "id" in header else None
        out, rows = [], []

        def flush() -> None:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
            out.append(buf.getvalue().encode("utf-8"))
            rows.clear()

        for row in reader:
            if idx is not None and seen is not None:
                if row[idx] in seen:
                    continue
                seen.add(row[idx])
            rows.append(row)
            if len(rows) == size:
                flush()
        if rows:
            flush()
    return out


def _ms(xs: list[float]) -> str:
    if not xs:
        return "–"
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
    return f"{statistics.median(xs) * 1000:.0f} / {p95 * 1000:.0f}"


def _upload(url: str, token: str, chunks: list[bytes], clients: int, srv: Server) -> tuple[float, list[float], int]:
    lat: list[float] = []
    lock = threading.Lock()
    todo = list(enumerate(chunks))
    errors: list[str] = []

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                _, body = todo.pop(0)
            t = time.perf_counter()
            status, _, got = request("POST", url, token, body, "text/csv", timeout=600)
            with lock:
                lat.append(time.perf_counter() - t)
                if status not in (200, 201):
                    errors.append(f"{status}: {got[:300]!r}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise SystemExit(f"{len(errors)} uploads refused, first: {errors[0]}\n{srv.output()[-3000:]}")
    return time.perf_counter() - t0, lat, len(chunks)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="a folder written by benchmarks/generate.py")
    p.add_argument("--store", help="store URL (default: a new SQLite file in a temporary folder)")
    p.add_argument("--batch", type=int, default=500, help="facts per upload (default 500)")
    p.add_argument("--attendance-batch", type=int, default=5000, help="attendance rows per upload (default 5000)")
    p.add_argument("--clients", type=int, default=4, help="concurrent submitting clients (default 4)")
    p.add_argument("--singles", type=int, default=40, help="single-fact submissions in step 3 (default 40)")
    a = p.parse_args()

    from nqengine.store import open_store

    data = Path(a.data)
    manifest = json.loads((data / "manifest.json").read_text())
    as_of = manifest["as_of"]
    tmp = Path(tempfile.mkdtemp(prefix="nqengine-bench-"))
    spec_dir = tmp / "spec"
    spec_dir.mkdir()
    shutil.copy(HERE / "plan.yaml", spec_dir / "plan.yaml")
    shutil.copy(data / "registry.jsonl", spec_dir / "registry.jsonl")
    store_url = a.store or f"sqlite:///{tmp / 'nqengine.db'}"
    store = open_store(store_url)
    spec_id = store.add_spec(spec_dir).spec.id
    _, admin = store.create_token("tw", "admin")
    store.close()
    rows: dict[str, str] = {}
    srv = None
    try:
        srv = Server(store_url, [spec_dir], cwd=str(tmp), extra=["--max-facts", str(max(a.batch, a.attendance_batch))]).start()
        url = f"{srv.url}/v1/specs/{spec_id}"
        seen: set[str] = set()
        facts = _chunks(data / "facts.csv", a.batch, seen)
        secs, lat, n = _upload(url + "/facts", admin, facts, a.clients, srv)
        rows[f"facts.csv: {len(seen):,} facts in {n} CSV uploads of {a.batch}, {a.clients} clients"] = (
            f"{len(seen) / secs:,.0f} facts/s; upload {_ms(lat)} ms")
        att = _chunks(data / "attendance.csv", a.attendance_batch)
        n_att = manifest["attendance_rows"]
        secs, lat, n = _upload(url + "/facts", admin, att, a.clients, srv)
        rows[f"attendance.csv: {n_att:,} rows in {n} uploads of {a.attendance_batch}, {a.clients} clients"] = (
            f"{n_att / secs:,.0f} rows/s; upload {_ms(lat)} ms")

        t = time.perf_counter()
        status, headers, body = request("GET", f"{url}/evaluation?as_of={as_of}", admin, timeout=600)
        assert status == 200, body[:300]
        first = time.perf_counter() - t
        verdicts = len(json.loads(body)["verdicts"])
        rows[f"first evaluation ({verdicts:,} verdicts, {len(body) / 1e6:.0f} MB of JSON): built from the store"] = f"{first:.1f} s"
        warm = []
        for _ in range(5):
            t = time.perf_counter()
            request("GET", f"{url}/evaluation?as_of={as_of}", admin, timeout=600)
            warm.append(time.perf_counter() - t)
        rows["evaluation again, nothing new (answer kept in memory)"] = f"{_ms(warm)} ms"

        units = sorted({r["unit"] for r in csv.DictReader(open(data / "facts.csv", encoding="utf-8")) if r["type"] == "report"})
        sub, ver, full = [], [], []
        for i in range(a.singles):
            unit = units[(i * 7919) % len(units)]
            fact = {"id": f"bench-report-{i}", "type": "report", "unit": unit, "date": as_of, "to": "ban-bi-thu", "via": "ban-tgdv-tw"}
            t = time.perf_counter()
            status, _, got = request("POST", url + "/facts", admin, {"facts": [fact]})
            assert status == 201, got[:300]
            sub.append(time.perf_counter() - t)
            t = time.perf_counter()
            status, _, got = request("GET", f"{url}/verdicts/report-results/{unit}?as_of={as_of}", admin)
            ver.append(time.perf_counter() - t)
            if i % 5 == 0:
                t = time.perf_counter()
                request("GET", f"{url}/evaluation?as_of={as_of}", admin, timeout=600)
                full.append(time.perf_counter() - t)
        rows[f"one fact submitted (JSON), {a.singles} in a row"] = f"{_ms(sub)} ms"
        rows["then its unit's verdict (incremental update + one verdict)"] = f"{_ms(ver)} ms"
        rows["then the whole evaluation (incremental update + JSON written)"] = f"{_ms(full)} ms"
        srv.stop()

        t = time.perf_counter()
        srv = Server(store_url, [spec_dir], cwd=str(tmp)).start()
        started = time.perf_counter() - t
        status, _, _ = request("GET", f"{srv.url}/v1/specs/{spec_id}/evaluation?as_of={as_of}", admin, timeout=600)
        cold = time.perf_counter() - t
        rows["cold start: process up / first evaluation answered"] = f"{started:.1f} s / {cold:.1f} s"
        srv.stop()
    finally:
        if srv is not None:
            srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    kind = "PostgreSQL" if store_url.startswith("postgres") else "SQLite"
    print(f"\nnqengine serve, scale {manifest['scale']:g} ({manifest['units']:,} units), store {kind}, loopback; "
          f"latencies median / p95\n")
    print("| step | result |\n|---|---|")
    for k, v in rows.items():
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
