"""The store itself: specs, registry versions, facts, tokens and decisions in one database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
import threading
from typing import Any, Iterable, Sequence

import attrs

from nqengine.api import evaluate as api_evaluate
from nqengine.errors import FactsError, NQEngineError, Problem, RegistryError
from nqengine.inputs.attendance import AttendanceTally, fold_attendance
from nqengine.inputs.bulk import load_registry_bulk
from nqengine.inputs.registry import load_registry_text as from_yaml
from nqengine.model import Fact, Registry, Source, Spec
from nqengine.plugins import get_plugin_manager
from nqengine.spec import load_spec
from nqengine.spec.dump import dump_spec
from nqengine.store.answers import answer_for
from nqengine.store.batch import Submitted
from nqengine.store.db import Database

__all__ = ["open_store", "Store", "SubmitResult", "Conflict", "Decision", "Token", "StoredFact", "SCOPES", "fact_view"]

#: Token scopes, weakest first: each includes the rights of those before it.
SCOPES = ("read", "submit", "admin")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def _enc(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"cannot store a {type(value).__name__}")


def _dec(obj: dict) -> Any:
    if len(obj) == 1 and "$date" in obj:
        return dt.date.fromisoformat(obj["$date"])
    return obj


_DECODER = json.JSONDecoder(object_hook=_dec)  # one decoder: json.loads(..., object_hook=) builds one per call


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_enc)


def content_hash(s: Submitted) -> str:
    """The hash of what a fact says (not where it was written): equal facts, equal hashes."""
    f = s.fact
    body = _dumps({"type": f.type, "unit": f.unit, "date": f.date.isoformat(), "data": dict(f.data), "supersedes": s.supersedes})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def fact_view(f: Fact, supersedes: str | None = None) -> dict:
    """A fact as plain JSON, with the fields of ``facts.yaml``."""
    data = json.loads(_dumps(dict(f.data)), object_hook=lambda o: o["$date"] if set(o) == {"$date"} else o)
    out = {"id": f.id, "type": f.type, "unit": f.unit, "date": f.date.isoformat(), **data}
    if "starts_on" in data:  # an event over several days (see nqengine.inputs.facts.spanned): its first day, and its last
        out["date"], out["until"] = data["starts_on"], out["date"]
        del out["starts_on"]
    if supersedes:
        out["supersedes"] = supersedes
    return out


def _source(text: str | None) -> Source | None:
    if not text:
        return None
    file, line, col = text.rsplit(":", 2)
    return Source(file, int(line), int(col))


@attrs.frozen
class StoredFact:
    """A fact as stored: its number in commit order, the submission that brought it, what it corrects."""

    seq: int
    fact: Fact
    supersedes: str | None
    submission: int
    content_hash: str


@attrs.frozen
class SubmitResult:
    """What a submission did: the decision that records it, the facts stored and those already there."""

    submission: int
    stored: list[str]
    unchanged: list[str]
    watermark: int


class Conflict(NQEngineError, ValueError):
    """Facts submitted again under an id already stored with other content (HTTP 409); nothing was stored."""

    def __init__(self, pairs: list[tuple[dict, dict]]):
        self.pairs = pairs
        super().__init__("; ".join(f"fact '{a['id']}' is already stored with other content" for a, _ in pairs))


@attrs.frozen
class Token:
    """A bearer token's identity and rights (the secret itself is never stored, only its hash)."""

    id: str
    unit: str
    scope: str
    created_at: str
    revoked_at: str | None = None
    note: str | None = None


@attrs.frozen
class Decision:
    """One entry of the decision log: an evaluation or verdict served, or a submission received."""

    id: int
    kind: str
    at: str
    token_id: str | None
    unit: str | None
    spec_id: str
    spec_hash: str | None
    registry_version: int | None
    watermark: int | None
    as_of: str | None
    request: dict
    content_hash: str


@attrs.frozen
class SpecEntry:
    spec: Spec
    hash: str
    path: str


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Any], n: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def open_store(url: str | os.PathLike[str] | None = None, pm: Any = None) -> "Store":
    """Open (and create or migrate) the store at ``url``: ``sqlite:///FILE``, a file path, or ``postgresql://...``.

    Without ``url`` the store is ``nqengine.db`` in the working directory.
    """
    return Store(url, pm=pm)


class Store:
    """Facts, registries, tokens and decisions of the specs served, in SQLite or PostgreSQL.

    Safe to share between threads (each thread uses its own connection) and
    between processes on the same database.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, pm: Any = None):
        self.pm = pm if pm is not None else get_plugin_manager()
        self.db = Database(url)
        self.specs: dict[str, SpecEntry] = {}
        self._registries: dict[tuple[str, int], Registry] = {}
        self._lock = threading.RLock()
        self._writers: dict[str, threading.Lock] = {}

    def close(self) -> None:
        self.db.close()

    def _writer(self, spec_id: str) -> threading.Lock:
        """Writers of one spec in this process queue here, in turn, rather than poll the database's lock."""
        with self._lock:
            lock = self._writers.get(spec_id)
            if lock is None:
                lock = self._writers[spec_id] = threading.Lock()
        return lock

    # -- specs and registries ---------------------------------------------
    def add_spec(self, folder: str | os.PathLike[str]) -> SpecEntry:
        """Serve the spec of ``folder`` (its ``plan.yaml``); its registry becomes version 1 if there is none yet."""

        folder = os.fspath(folder)
        plan = os.path.join(folder, "plan.yaml") if os.path.isdir(folder) else folder
        base = os.path.dirname(plan) or "."
        spec = load_spec(plan, pm=self.pm)
        dump = dump_spec(spec)
        h = hashlib.sha256(dump.encode("utf-8")).hexdigest()
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO nq_specs (spec_hash, spec_id, path, dump, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (h, spec.id, plan, dump, _now()),
            )
        for name, fmt in (("registry.yaml", "yaml"), ("registry.jsonl", "jsonl"), ("registry.csv", "csv")):
            path = os.path.join(base, name)
            if os.path.exists(path):
                if self.registry_version(spec.id) == 0:
                    with open(path, encoding="utf-8") as fh:
                        text = fh.read()
                    self._put_registry(spec.id, text, fmt, path, None, only_if_none=True)
                break
        entry = self.specs[spec.id] = SpecEntry(spec, h, plan)
        return entry

    def spec_entry(self, spec_id: str) -> SpecEntry | None:
        return self.specs.get(spec_id)

    def registry_version(self, spec_id: str) -> int:
        rows = self.db.query("SELECT MAX(version) FROM nq_registries WHERE spec_id = ?", (spec_id,))
        return int(rows[0][0] or 0)

    def registry(self, spec_id: str, version: int | None = None) -> tuple[int, Registry]:
        """``(version, registry)``: the latest version, or the one asked for."""
        if version is None:
            version = self.registry_version(spec_id)
        key = (spec_id, version)
        reg = self._registries.get(key)
        if reg is not None:
            return version, reg
        with self._lock:  # several requests arriving at once load a registry once
            reg = self._registries.get(key)
            if reg is not None:
                return version, reg
            rows = self.db.query("SELECT format, name, text FROM nq_registries WHERE spec_id = ? AND version = ?", key)
            if not rows:
                raise LookupError(f"spec {spec_id!r} has no registry version {version}")
            fmt, name, text = rows[0]
            reg = self._registries[key] = load_registry_text(text, fmt, name)
        return version, reg

    def registry_versions(self, spec_id: str) -> list[dict]:
        rows = self.db.query(
            "SELECT version, format, name, content_hash, created_at, created_by FROM nq_registries WHERE spec_id = ? ORDER BY version",
            (spec_id,),
        )
        keys = ("version", "format", "name", "content_hash", "created_at", "created_by")
        return [dict(zip(keys, r)) for r in rows]

    def put_registry(self, spec_id: str, text: str, fmt: str = "yaml", *, name: str = "registry", by: str | None = None) -> int:
        """Store a new registry version (checked first: :class:`~nqengine.errors.RegistryError` if malformed)."""
        load_registry_text(text, fmt, name)
        return self._put_registry(spec_id, text, fmt, name, by)

    def _put_registry(self, spec_id: str, text: str, fmt: str, name: str, by: str | None, only_if_none: bool = False) -> int:
        h = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self.db.transaction(lock=f"registry:{spec_id}") as cur:
            last = cur.execute("SELECT MAX(version) FROM nq_registries WHERE spec_id = ?", (spec_id,)).fetchone()[0] or 0
            if only_if_none and last:
                return int(last)
            cur.execute(
                "INSERT INTO nq_registries (spec_id, version, format, name, text, content_hash, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (spec_id, last + 1, fmt, name, text, h, _now(), by),
            )
        return int(last) + 1

    # -- facts -------------------------------------------------------------
    def watermark(self, spec_id: str) -> int:
        """The highest fact number stored for ``spec_id`` (0 when none)."""
        rows = self.db.query("SELECT MAX(seq) FROM nq_facts WHERE spec_id = ?", (spec_id,))
        return int(rows[0][0] or 0)

    def _row(self, r: tuple) -> StoredFact:
        seq, fid, type_, unit, date, data, sup, h, source, submission = r
        fact = Fact(fid, type_, unit, dt.date.fromisoformat(date), _DECODER.decode(data), _source(source))
        return StoredFact(int(seq), fact, sup, int(submission), h)

    _COLS = "seq, fact_id, type, unit, date, data, supersedes, content_hash, source, submission"

    def facts(self, spec_id: str, after: int = 0, upto: int | None = None) -> list[StoredFact]:
        """Stored facts numbered after ``after`` (and up to ``upto``), in commit order, corrections included."""
        sql = f"SELECT {self._COLS} FROM nq_facts WHERE spec_id = ? AND seq > ?"
        params: list[Any] = [spec_id, after]
        if upto is not None:
            sql += " AND seq <= ?"
            params.append(upto)
        return [self._row(r) for r in self.db.query(sql + " ORDER BY seq", params)]

    def history(self, spec_id: str, fact_id: str) -> list[StoredFact]:
        """A fact and every correction of it, oldest first."""
        out, todo, seen = [], [fact_id], set()
        while todo:
            fid = todo.pop()
            if fid in seen:
                continue
            seen.add(fid)
            rows = self.db.query(f"SELECT {self._COLS} FROM nq_facts WHERE spec_id = ? AND (fact_id = ? OR supersedes = ?)", (spec_id, fid, fid))
            for r in rows:
                sf = self._row(r)
                if sf.fact.id not in seen:
                    todo.append(sf.fact.id)
                if sf.fact.id == fid:
                    out.append(sf)
        return sorted(out, key=lambda s: s.seq)

    def stored(self, spec_id: str, ids: Iterable[str], cur: Any = None) -> dict[str, StoredFact]:
        """Stored facts by id (those of ``ids`` that exist)."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, StoredFact] = {}
        for part in _chunks(ids):
            q = f"SELECT {self._COLS} FROM nq_facts WHERE spec_id = ? AND fact_id IN ({', '.join('?' * len(part))})"
            rows = cur.execute(q, (spec_id, *part)).fetchall() if cur is not None else self.db.query(q, (spec_id, *part))
            for r in rows:
                sf = self._row(r)
                out[sf.fact.id] = sf
        return out

    def effective_facts(self, spec_id: str, upto: int | None = None) -> list[Fact]:
        """The facts an evaluation uses: corrections applied, attendance rows folded, in commit order.

        The same as ``effective(self.facts(spec_id, 0, upto))``, read faster:
        attendance rows (most of the rows at scale) go straight to the
        tally, without becoming facts first.
        """
        cond, params = "spec_id = ?", [spec_id]
        if upto is not None:
            cond += " AND seq <= ?"
            params.append(upto)
        rows = [self._row(r) for r in self.db.query(
            f"SELECT {self._COLS} FROM nq_facts WHERE {cond} AND type <> 'attendance' ORDER BY seq", params)]
        successor = {r.supersedes: r.fact.id for r in rows if r.supersedes}
        rest = [r.fact for r in rows if r.fact.id not in successor]
        tally = AttendanceTally()
        problems: list[Problem] = []
        days: dict[str, dt.date] = {}
        loads = json.loads  # attendance rows hold text only: the C decoder, no hook
        for unit, date, data, source in self.db.query(
            f"SELECT unit, date, data, source FROM nq_facts WHERE {cond} AND type = 'attendance' ORDER BY seq", params
        ):
            d = loads(data)
            session = d["session"]
            if session in successor:
                seen: set[str] = set()
                while session in successor and session not in seen:
                    seen.add(session)
                    session = successor[session]
            day = days.get(date)
            if day is None:
                day = days[date] = dt.date.fromisoformat(date)
            file, line = source.rsplit(":", 2)[:2] if source else ("<store>", "1")
            p = tally.add(d["member"], unit, session, d["category"], day, file, int(line))
            if p is not None:
                problems.append(p)
        folded, more = tally.fold(rest)
        problems.extend(more)
        if problems:
            raise FactsError(problems)
        return folded

    def folded_sessions(self, spec_id: str, sessions: Iterable[str], upto: int | None = None) -> dict[str, Fact]:
        """The named sessions as an evaluation sees them: their attendance rows (up to ``upto``) folded in."""
        ids = sorted(s for s in sessions if isinstance(s, str))
        rows: dict[int, StoredFact] = {}
        for part in _chunks(ids, 300):
            marks = ", ".join("?" * len(part))
            for column in ("fact_id", "ref"):  # one indexed lookup each (an OR would scan the table)
                q = f"SELECT {self._COLS} FROM nq_facts WHERE spec_id = ? AND {column} IN ({marks})"
                params: list[Any] = [spec_id, *part]
                if upto is not None:
                    q += " AND seq <= ?"
                    params.append(upto)
                for r in self.db.query(q, params):
                    sf = self._row(r)
                    rows[sf.seq] = sf
        wanted = set(ids)
        return {f.id: f for f in effective([rows[k] for k in sorted(rows)]) if f.id in wanted}

    def submit(self, spec_id: str, batch: Sequence[Submitted], token_id: str | None = None, body_hash: str | None = None) -> SubmitResult:
        """Store a checked batch in one transaction: all of it, or (on any problem) none of it.

        Facts already stored with the same content are left as they are;
        one stored with other content raises :class:`Conflict`; a correction
        naming no stored fact, or an attendance row that cannot be folded,
        raises :class:`~nqengine.errors.FactsError`.
        """
        hashes = {s.fact.id: content_hash(s) for s in batch}
        if body_hash is None:
            body_hash = hashlib.sha256(_dumps(sorted(hashes.items())).encode("utf-8")).hexdigest()
        with self._writer(spec_id), self.db.transaction(lock=f"facts:{spec_id}") as cur:
            known = self.stored(spec_id, [s.fact.id for s in batch], cur)
            conflicts = [
                (fact_view(known[s.fact.id].fact, known[s.fact.id].supersedes), fact_view(s.fact, s.supersedes))
                for s in batch
                if s.fact.id in known and known[s.fact.id].content_hash != hashes[s.fact.id]
            ]
            if conflicts:
                raise Conflict(conflicts)
            new = [s for s in batch if s.fact.id not in known]
            self._check_corrections(spec_id, new, cur)
            if any(s.fact.type == "attendance" or s.supersedes for s in new):
                self._check_folding(spec_id, new, cur)
            sub = cur.execute(
                "INSERT INTO nq_decisions (kind, at, token_id, unit, spec_id, spec_hash, registry_version, watermark, as_of, request, content_hash)"
                " VALUES ('submission', ?, ?, NULL, ?, ?, NULL, NULL, NULL, ?, ?) RETURNING id",
                (_now(), token_id, spec_id, self.specs[spec_id].hash if spec_id in self.specs else None,
                 _dumps({"facts": len(batch), "new": len(new)}), body_hash),
            ).fetchone()[0]
            cur.executemany(
                "INSERT INTO nq_facts (spec_id, fact_id, type, unit, date, data, supersedes, content_hash, ref, source, submission)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (spec_id, s.fact.id, s.fact.type, s.fact.unit, s.fact.date.isoformat(), _dumps(dict(s.fact.data)), s.supersedes,
                     hashes[s.fact.id], s.fact.data.get("session") if s.fact.type == "attendance" else None,
                     str(s.fact.source) if s.fact.source else None, sub)
                    for s in new
                ],
            )
            mark = cur.execute("SELECT MAX(seq) FROM nq_facts WHERE spec_id = ?", (spec_id,)).fetchone()[0] or 0
            cur.execute("UPDATE nq_decisions SET watermark = ? WHERE id = ?", (mark, sub))
        return SubmitResult(int(sub), [s.fact.id for s in new], [s.fact.id for s in batch if s.fact.id in known], int(mark))

    def _check_corrections(self, spec_id: str, new: Sequence[Submitted], cur: Any) -> None:
        targets = [s.supersedes for s in new if s.supersedes]
        if not targets:
            return
        problems: list[Problem] = []
        in_batch = {s.fact.id for s in new}
        found = self.stored(spec_id, targets, cur)
        by: dict[str, str] = {}
        for part in _chunks(targets):
            rows = cur.execute(
                f"SELECT supersedes, fact_id FROM nq_facts WHERE spec_id = ? AND supersedes IN ({', '.join('?' * len(part))})", (spec_id, *part)
            ).fetchall()
            by.update({a: b for a, b in rows})
        for i, s in enumerate(new):
            t = s.supersedes
            if not t:
                continue
            src = s.fact.source or Source("request", 1, 1)
            if t not in found and t not in in_batch:
                problems.append(Problem(src.file, src.line, src.column, "supersedes", "batch_supersedes_unknown", {"id": t}))
            elif t in by:
                problems.append(Problem(src.file, src.line, src.column, "supersedes", "batch_supersedes_twice", {"id": t, "by": by[t]}))
            else:
                by[t] = s.fact.id
        if problems:
            raise FactsError(problems)

    def _check_folding(self, spec_id: str, new: Sequence[Submitted], cur: Any) -> None:
        """Fold the sessions the batch touches, as stored plus the batch: the store never holds what cannot be evaluated."""
        ids: set[str] = set()
        for s in new:
            ids.add(s.fact.id)
            if s.supersedes:
                ids.add(s.supersedes)
            if s.fact.type == "attendance" and isinstance(s.fact.data.get("session"), str):
                ids.add(s.fact.data["session"])
        rows: dict[int, StoredFact] = {}
        todo = set(ids)
        for _ in range(50):  # a correction chain is short; bound the walk anyway
            if not todo:
                break
            part = sorted(todo)
            todo = set()
            for chunk in _chunks(part, 300):
                marks = ", ".join("?" * len(chunk))
                found = []
                for column in ("fact_id", "ref", "supersedes"):  # one indexed lookup each (an OR would scan the table)
                    q = f"SELECT {self._COLS} FROM nq_facts WHERE spec_id = ? AND {column} IN ({marks})"
                    found.extend(cur.execute(q, (spec_id, *chunk)).fetchall())
                for r in found:
                    sf = self._row(r)
                    if sf.seq in rows:
                        continue
                    rows[sf.seq] = sf
                    for x in (sf.fact.id, sf.supersedes):
                        if x and x not in ids:
                            ids.add(x)
                            todo.add(x)
        top = max(rows, default=0)
        pending = [StoredFact(top + 1 + i, s.fact, s.supersedes, 0, "") for i, s in enumerate(new)]
        effective([rows[k] for k in sorted(rows)] + pending)  # raises FactsError with each row located

    def evaluate(self, spec_id: str, as_of: dt.date | str, *, upto: int | None = None, registry_version: int | None = None) -> Any:
        """A full evaluation of the stored facts (up to fact number ``upto``) on the given registry version."""
        _, reg = self.registry(spec_id, registry_version)
        return api_evaluate(self.specs[spec_id].spec, reg, self.effective_facts(spec_id, upto), as_of, pm=self.pm)

    # -- tokens ------------------------------------------------------------
    def create_token(self, unit: str, scope: str, note: str | None = None) -> tuple[Token, str]:
        """A new token for ``unit`` with ``scope``: ``(token, secret)``; only the secret's hash is kept."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
        tid = "tok_" + secrets.token_hex(6)
        secret = f"nqe_{secrets.token_urlsafe(32)}"
        tok = Token(tid, unit, scope, _now(), None, note)
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO nq_tokens (id, hash, unit, scope, created_at, note) VALUES (?, ?, ?, ?, ?, ?)",
                (tid, _hash_secret(secret), unit, scope, tok.created_at, note),
            )
        return tok, secret

    def authenticate(self, secret: str) -> Token | None:
        """The live token whose secret this is, or None."""
        rows = self.db.query("SELECT id, unit, scope, created_at, revoked_at, note FROM nq_tokens WHERE hash = ?", (_hash_secret(secret),))
        if not rows or rows[0][4]:
            return None
        return Token(*rows[0])

    def tokens(self) -> list[Token]:
        return [Token(*r) for r in self.db.query("SELECT id, unit, scope, created_at, revoked_at, note FROM nq_tokens ORDER BY created_at")]

    def revoke_token(self, token_id: str) -> bool:
        with self.db.transaction() as cur:
            n = cur.execute("UPDATE nq_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (_now(), token_id)).cur.rowcount
        return bool(n)

    # -- decisions -----------------------------------------------------------
    def record_decision(
        self, kind: str, spec_id: str, *, token: Token | None, as_of: dt.date, request: dict, answer: bytes,
        watermark: int, registry_version: int,
    ) -> int:
        """Log an answer served: what was asked, by whom, on which inputs, and the hash of the answer."""
        with self.db.transaction() as cur:
            return int(
                cur.execute(
                    "INSERT INTO nq_decisions (kind, at, token_id, unit, spec_id, spec_hash, registry_version, watermark, as_of, request, content_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (kind, _now(), token.id if token else None, token.unit if token else None, spec_id, self.specs[spec_id].hash,
                     registry_version, watermark, as_of.isoformat(), _dumps(request), hashlib.sha256(answer).hexdigest()),
                ).fetchone()[0]
            )

    _DCOLS = "id, kind, at, token_id, unit, spec_id, spec_hash, registry_version, watermark, as_of, request, content_hash"

    def _decision(self, r: tuple) -> Decision:
        r = list(r)
        r[10] = json.loads(r[10])
        return Decision(*r)

    def decisions(self, limit: int = 50, spec_id: str | None = None, kind: str | None = None) -> list[Decision]:
        """The latest decisions, newest first."""
        sql, params = f"SELECT {self._DCOLS} FROM nq_decisions WHERE 1 = 1", []
        if spec_id:
            sql += " AND spec_id = ?"
            params.append(spec_id)
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return [self._decision(r) for r in self.db.query(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))]

    def decision(self, decision_id: int) -> Decision | None:
        rows = self.db.query(f"SELECT {self._DCOLS} FROM nq_decisions WHERE id = ?", (decision_id,))
        return self._decision(rows[0]) if rows else None

    def replay(self, decision_id: int, spec_path: str | None = None) -> tuple[bytes, bool]:
        """Reproduce a served answer: ``(answer, same)``, ``same`` telling whether its hash is the one logged.

        The spec is read again from the folder it was served from (or
        ``spec_path``) and must hash as it did; the registry version and the
        facts up to the decision's watermark come from the store.
        """

        d = self.decision(decision_id)
        if d is None:
            raise LookupError(f"no decision {decision_id}")
        if d.kind == "submission":
            raise ValueError(f"decision {decision_id} is a submission; only evaluations and verdicts are replayed")
        rows = self.db.query("SELECT path, dump FROM nq_specs WHERE spec_hash = ?", (d.spec_hash,))
        path = spec_path or (rows[0][0] if rows else None)
        if path is None:
            raise LookupError(f"spec {d.spec_hash} is not recorded")
        spec = load_spec(path, pm=self.pm)
        if hashlib.sha256(dump_spec(spec).encode("utf-8")).hexdigest() != d.spec_hash:
            raise ValueError(f"the spec at {path} has changed since decision {decision_id} (hash {d.spec_hash[:12]})")
        self.specs.setdefault(spec.id, SpecEntry(spec, d.spec_hash, path))
        _, reg = self.registry(d.spec_id, d.registry_version)
        ev = api_evaluate(spec, reg, self.effective_facts(d.spec_id, d.watermark), d.as_of, pm=self.pm)
        body = answer_for(ev, d.request, reg)
        return body, hashlib.sha256(body).hexdigest() == d.content_hash


def effective(rows: Sequence[StoredFact]) -> list[Fact]:
    """Facts in force among ``rows`` (in commit order): corrected ones dropped, attendance folded.

    Attendance rows naming a corrected session count for the session that
    corrects it (followed to the last correction).
    """

    successor = {r.supersedes: r.fact.id for r in rows if r.supersedes}
    out: list[Fact] = []
    for r in rows:
        f = r.fact
        if f.id in successor:
            continue
        if f.type == "attendance":
            s = f.data.get("session")
            if s in successor:
                seen = set()
                while s in successor and s not in seen:
                    seen.add(s)
                    s = successor[s]
                f = attrs.evolve(f, data={**f.data, "session": s})
        out.append(f)
    return fold_attendance(out)


def load_registry_text(text: str, fmt: str, name: str) -> Registry:
    """A registry from text in ``yaml``, ``jsonl`` or ``csv`` (problems located in ``name``)."""

    if fmt == "yaml":
        return from_yaml(text, name)

    with tempfile.TemporaryDirectory(prefix="nqengine-registry-") as tmp:
        path = os.path.join(tmp, "registry." + fmt)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        try:
            return load_registry_bulk(path)
        except RegistryError as exc:
            raise RegistryError([attrs.evolve(p, file=name) for p in exc.problems]) from None
