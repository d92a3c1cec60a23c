"""Helpers for the service's tests: a real ``nqengine serve`` on loopback, a throwaway PostgreSQL.

PostgreSQL: ``NQENGINE_TEST_PG`` names a database to use; otherwise a cluster
is made in a temporary folder with the ``initdb`` found under
``/usr/lib/postgresql/*/bin`` (as the ``postgres`` user when run as root) and
stopped at the end.  Without PostgreSQL its tests are skipped, unless
``NQENGINE_REQUIRE_PG=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = ROOT / "specs" / "tam-ky-xxi"
NQENGINE = [sys.executable, "-m", "nqengine.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nq(*args: str, cwd: str | os.PathLike | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run the ``nqengine`` command line in a subprocess."""
    r = subprocess.run([*NQENGINE, *args], cwd=cwd, capture_output=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError(f"nqengine {' '.join(args)} exited {r.returncode}: {r.stderr.decode()}")
    return r


def make_token(store: str, unit: str, scope: str) -> str:
    return nq("token", "create", "--store", store, "--unit", unit, "--scope", scope).stdout.decode().strip().splitlines()[-1]


class Server:
    """``nqengine serve`` in a subprocess on a loopback port; :meth:`kill` sends SIGKILL."""

    def __init__(self, store: str, specs: list[str | os.PathLike] = (TAM_KY,), cwd: str | None = None, extra: list[str] = ()):
        self.store, self.specs, self.cwd, self.extra = store, [str(s) for s in specs], cwd, list(extra)
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [*NQENGINE, "serve", *self.specs, "--store", self.store, "--port", str(self.port), *self.extra],
            cwd=self.cwd, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"nqengine serve exited {self.proc.returncode}: {self.log.read().decode()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nqengine serve did not answer within 60 s")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def request(method: str, url: str, token: str | None = None, body: bytes | dict | None = None,
            content_type: str = "application/json", timeout: float = 60) -> tuple[int, Any, bytes]:
    """``(status, headers, body)`` of one HTTP request (standard library only)."""
    data = json.dumps(body, ensure_ascii=False).encode() if isinstance(body, dict) else body
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def tam_ky_facts() -> list[dict]:
    """The Tam Kỳ facts as JSON objects (dates ISO), in file order."""
    import yaml

    with open(TAM_KY / "facts.yaml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)["facts"]
    return json.loads(json.dumps(raw, default=str, ensure_ascii=False))


# -- PostgreSQL ------------------------------------------------------------------

class PostgresCluster:
    """A throwaway PostgreSQL cluster on a loopback port (trust authentication, a temporary folder)."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = shutil.which("initdb") or (found[-1] if found else None)
        if initdb is None:
            raise FileNotFoundError("initdb not found (apt-get install postgresql)")
        self.bin = os.path.dirname(initdb)
        self.dir = tempfile.mkdtemp(prefix="nqengine-pg-")
        self.port = free_port()
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200", "start")
        self.dbs = 0

    def _run(self, prog: str, *args: str) -> None:
        cmd = [os.path.join(self.bin, prog), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def database(self) -> str:
        """A new empty database's URL."""
        import psycopg

        self.dbs += 1
        name = f"nq{self.dbs}"
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def fresh_pg_database(base_url: str, n: int) -> str:
    """A new empty database next to ``base_url`` (a URL given in NQENGINE_TEST_PG)."""
    import psycopg

    name = f"nqtest_{os.getpid()}_{n}"
    with psycopg.connect(base_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}"
