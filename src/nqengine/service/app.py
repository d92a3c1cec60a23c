"""The HTTP service (ASGI, Starlette): facts in, evaluations out, every answer logged.

Routes are listed in :data:`nqengine.service.openapi.ROUTES` and described in
``docs/service.md``.  Every ``/v1`` route needs a bearer token
(``Authorization: Bearer ...``): ``read`` sees its unit's subtree, ``submit``
also records facts about it, ``admin`` sees and manages everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from nqengine.dates import InvalidDate, parse_date
from nqengine.errors import InputError, Problem
from nqengine.i18n import MESSAGES, message
from nqengine.service.evaluations import Evaluations
from nqengine.service.openapi import docs_page, openapi_document
from nqengine.store import SCOPES, BatchTooLarge, Conflict, Store, Token, parse_batch
from nqengine.store.answers import (
    decision_json,
    evaluation_answer,
    in_subtree,
    verdict_answer,
)
from nqengine.store.batch import MAX_DEPTH, MAX_FACTS
from nqengine.store.core import fact_view

__all__ = ["create_app", "Limits", "SERVICE_MESSAGES"]

SERVICE_MESSAGES: dict[str, tuple[str, str]] = {
    "unauthorized": (
        "thiếu mã truy cập hoặc mã không hợp lệ (gửi 'Authorization: Bearer ...')",
        "missing or invalid token (send 'Authorization: Bearer ...')",
    ),
    "forbidden_scope": (
        "mã truy cập có quyền '{scope}', thao tác này cần quyền '{needed}'",
        "the token's scope is '{scope}'; this needs '{needed}'",
    ),
    "forbidden_unit": (
        "đơn vị '{unit}' không thuộc phạm vi của '{root}' ngày {date}",
        "unit '{unit}' is not within '{root}' on {date}",
    ),
    "unknown_spec": ("không có kế hoạch '{spec}'", "no spec '{spec}'"),
    "unknown_verdict": (
        "không có kết luận cho nghĩa vụ '{obligation}' và đơn vị '{unit}'",
        "no verdict for obligation '{obligation}' and unit '{unit}'",
    ),
    "unknown_fact": ("không có dữ kiện '{id}'", "no fact '{id}'"),
    "unknown_token": ("không có mã truy cập '{id}'", "no token '{id}'"),
    "bad_as_of": ("as_of: {detail}", "as_of: {detail}"),
    "bad_parameter": ("tham số '{name}' không hợp lệ: {detail}", "parameter '{name}' is invalid: {detail}"),
    "too_large": (
        "nội dung quá lớn: {size} byte, tối đa {limit} byte",
        "request too large: {size} bytes, at most {limit}",
    ),
    "too_many_facts": (
        "quá nhiều dữ kiện trong một lần gửi: {count}, tối đa {limit}",
        "too many facts in one batch: {count}, at most {limit}",
    ),
    "fact_conflict": (
        "dữ kiện đã được ghi với mã này nhưng nội dung khác; hãy gửi dữ kiện đính chính (supersedes) với mã mới",
        "a fact is already stored under this id with other content; send a correction (supersedes) under a new id",
    ),
    "invalid_input": ("dữ liệu không hợp lệ", "the input is invalid"),
}
MESSAGES.update(SERVICE_MESSAGES)


class Limits:
    """Request limits: body bytes, facts per batch, JSON nesting depth."""

    def __init__(self, max_body: int = 16 * 1024 * 1024, max_facts: int = MAX_FACTS, max_depth: int = MAX_DEPTH):
        self.max_body, self.max_facts, self.max_depth = max_body, max_facts, max_depth


class _Fail(Exception):
    def __init__(self, status: int, code: str, headers: dict | None = None, extra: dict | None = None, **params: Any):
        self.status, self.code, self.params, self.headers, self.extra = status, code, params, headers, extra or {}


def _problem_json(p: Problem) -> dict:
    return {
        "file": p.file, "line": p.line, "column": p.column, "path": p.path, "code": p.code,
        "message": message(p.code, "vi", **p.params), "message_en": message(p.code, "en", **p.params),
    }


def _error(status: int, code: str, params: dict | None = None, headers: dict | None = None, **extra: Any) -> JSONResponse:
    params = params or {}
    body = {"error": code, "message": message(code, "vi", **params), "message_en": message(code, "en", **params), **extra}
    return JSONResponse(body, status_code=status, headers=headers)


def _json(data: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), status, headers, "application/json")


def create_app(store: Store, *, limits: Limits | None = None) -> Starlette:
    """The ASGI application serving the specs added to ``store`` (see :meth:`Store.add_spec`)."""

    limits = limits or Limits()
    evaluations = Evaluations(store)

    def auth(request: Request, needed: str) -> Token:
        header = request.headers.get("authorization", "")
        scheme, _, secret = header.partition(" ")
        tok = store.authenticate(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
        if tok is None:
            raise _Fail(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
        if SCOPES.index(tok.scope) < SCOPES.index(needed):
            raise _Fail(403, "forbidden_scope", scope=tok.scope, needed=needed)
        return tok

    def spec_of(request: Request) -> str:
        spec_id = request.path_params["spec"]
        if spec_id not in store.specs:
            raise _Fail(404, "unknown_spec", spec=spec_id)
        return spec_id

    def as_of_of(request: Request) -> dt.date:
        text = request.query_params.get("as_of")
        if not text:
            return dt.date.today()
        try:
            return parse_date(text)
        except InvalidDate as exc:
            raise _Fail(422, "bad_as_of", detail=str(exc)) from None

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang", "vi")
        if lang not in ("vi", "en"):
            raise _Fail(422, "bad_parameter", name="lang", detail="vi | en")
        return lang

    def scope_unit(tok: Token) -> str | None:
        return None if tok.scope == "admin" else tok.unit

    def require_unit(tok: Token, registry: Any, unit: str, day: dt.date) -> None:
        root = scope_unit(tok)
        if root is not None and not in_subtree(registry, root, unit, day):
            raise _Fail(403, "forbidden_unit", unit=unit, root=root, date=day.strftime("%d/%m/%Y"))

    async def body_of(request: Request) -> bytes:
        size = request.headers.get("content-length")
        if size and size.isdigit() and int(size) > limits.max_body:
            raise _Fail(413, "too_large", size=int(size), limit=limits.max_body)
        chunks, total = [], 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limits.max_body:
                raise _Fail(413, "too_large", size=total, limit=limits.max_body)
            chunks.append(chunk)
        return b"".join(chunks)

    def endpoint(fn: Callable[..., Any]) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            try:
                return await fn(request)
            except _Fail as f:
                return _error(f.status, f.code, f.params, f.headers, **f.extra)
            except BatchTooLarge as exc:
                return _error(413, "too_many_facts", {"count": exc.count, "limit": exc.limit})
            except InputError as exc:
                return _error(422, "invalid_input", problems=[_problem_json(p) for p in exc.problems])
            except Conflict as exc:
                return _error(409, "fact_conflict", conflicts=[{"id": a["id"], "stored": a, "submitted": b} for a, b in exc.pairs])

        run.__name__ = fn.__name__
        return run

    # -- routes ----------------------------------------------------------------
    async def healthz(request: Request) -> Response:
        return _json({"status": "ok", "specs": sorted(store.specs)})

    async def openapi(request: Request) -> Response:
        return _json(openapi_document())

    async def docs(request: Request) -> Response:
        return HTMLResponse(docs_page())

    @endpoint
    async def specs(request: Request) -> Response:
        auth(request, "read")

        def work() -> list:
            return [
                {
                    "id": e.spec.id, "title": e.spec.title, "hash": e.hash,
                    "registry_version": store.registry_version(e.spec.id), "watermark": store.watermark(e.spec.id),
                    "obligations": [{"id": o.id, "title": o.title, "kind": o.kind, "clause": o.clause} for o in e.spec.obligations],
                }
                for e in store.specs.values()
            ]

        return _json(await run_in_threadpool(work))

    @endpoint
    async def submit(request: Request) -> Response:
        tok = auth(request, "submit")
        spec_id = spec_of(request)
        body = await body_of(request)
        ctype = request.headers.get("content-type")

        def work() -> Response:
            batch = parse_batch(body, ctype, source=request.query_params.get("source") or "request", pm=store.pm,
                                max_facts=limits.max_facts, max_depth=limits.max_depth)
            _, registry = store.registry(spec_id)
            for s in batch:
                require_unit(tok, registry, s.fact.unit, s.fact.date)
            targets = store.stored(spec_id, [s.supersedes for s in batch if s.supersedes])
            for t in targets.values():
                require_unit(tok, registry, t.fact.unit, t.fact.date)
            res = store.submit(spec_id, batch, tok.id, hashlib.sha256(body).hexdigest())
            return _json(
                {"submission": res.submission, "stored": res.stored, "unchanged": res.unchanged, "watermark": res.watermark},
                201 if res.stored else 200,
            )

        return await run_in_threadpool(work)

    @endpoint
    async def fact_history(request: Request) -> Response:
        tok = auth(request, "read")
        spec_id = spec_of(request)
        fid = request.path_params["fact"]

        def work() -> Response:
            hist = store.history(spec_id, fid)
            if not hist:
                raise _Fail(404, "unknown_fact", id=fid)
            _, registry = store.registry(spec_id)
            first = hist[0].fact
            require_unit(tok, registry, first.unit, first.date)
            return _json({"id": fid, "versions": [
                {"seq": h.seq, "submission": h.submission, **fact_view(h.fact, h.supersedes)} for h in hist]})

        return await run_in_threadpool(work)

    def answer(kind: str, request: Request, tok: Token, spec_id: str, as_of: dt.date, req: dict,
               make: Callable[[Any, dict], bytes | None]) -> Response:
        entry = evaluations.current(spec_id, as_of)
        with entry.lock:
            key = tuple(sorted(req.items()))
            body = entry.answers.get(key)
            if body is None:
                body = make(entry.inc.evaluation, entry.texts)
                if body is None:
                    raise _Fail(404, "unknown_verdict", obligation=req.get("obligation"), unit=req.get("unit"))
                entry.answers[key] = body
            mark, version = entry.watermark, entry.registry_version
        did = store.record_decision(kind, spec_id, token=tok, as_of=as_of, request=req, answer=body,
                                    watermark=mark, registry_version=version)
        headers = {"X-Decision-Id": str(did), "X-Watermark": str(mark), "X-Registry-Version": str(version)}
        return Response(body, 200, headers, "application/json")

    @endpoint
    async def evaluation(request: Request) -> Response:
        tok = auth(request, "read")
        spec_id = spec_of(request)
        as_of, lang = as_of_of(request), lang_of(request)
        scope = scope_unit(tok)
        req = {"route": "evaluation", "lang": lang, "scope": scope}

        def work() -> Response:
            if scope is not None:
                _, registry = store.registry(spec_id)
                if registry.unit(scope) is None:
                    raise _Fail(403, "forbidden_unit", unit=scope, root=scope, date=as_of.strftime("%d/%m/%Y"))
            return answer("evaluation", request, tok, spec_id, as_of, req, lambda ev, texts: evaluation_answer(ev, lang, scope, texts))

        return await run_in_threadpool(work)

    @endpoint
    async def verdict(request: Request) -> Response:
        tok = auth(request, "read")
        spec_id = spec_of(request)
        as_of, lang = as_of_of(request), lang_of(request)
        ob, unit = request.path_params["obligation"], request.path_params["unit"]

        def work() -> Response:
            _, registry = store.registry(spec_id)
            require_unit(tok, registry, unit, as_of)
            u = registry.unit(unit)
            req = {"route": "verdict", "lang": lang, "obligation": ob, "unit": u.id if u else unit}
            return answer("verdict", request, tok, spec_id, as_of, req, lambda ev, texts: verdict_answer(ev, ob, req["unit"], lang))

        return await run_in_threadpool(work)

    @endpoint
    async def put_registry(request: Request) -> Response:
        tok = auth(request, "admin")
        spec_id = spec_of(request)
        body = await body_of(request)
        ct = (request.headers.get("content-type") or "application/yaml").split(";")[0].strip().lower()
        fmt = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}.get(ct, "yaml")
        text = body.decode("utf-8", errors="replace")
        version = await run_in_threadpool(lambda: store.put_registry(spec_id, text, fmt, name=f"registry.{fmt}", by=tok.id))
        return _json({"spec": spec_id, "version": version}, 201)

    @endpoint
    async def registry_versions(request: Request) -> Response:
        auth(request, "admin")
        spec_id = spec_of(request)
        return _json({"spec": spec_id, "versions": await run_in_threadpool(store.registry_versions, spec_id)})

    @endpoint
    async def create_token(request: Request) -> Response:
        auth(request, "admin")
        body = await body_of(request)
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise _Fail(422, "bad_parameter", name="body", detail=str(exc)) from None
        if not isinstance(data, dict):
            raise _Fail(422, "bad_parameter", name="body", detail="a JSON object")
        unit, scope, note = data.get("unit"), data.get("scope"), data.get("note")
        if not isinstance(unit, str) or not unit:
            raise _Fail(422, "bad_parameter", name="unit", detail="a unit id")
        if scope not in SCOPES:
            raise _Fail(422, "bad_parameter", name="scope", detail=" | ".join(SCOPES))
        if note is not None and not isinstance(note, str):
            raise _Fail(422, "bad_parameter", name="note", detail="text")
        t, secret = await run_in_threadpool(store.create_token, unit, scope, note)
        return _json({"id": t.id, "unit": t.unit, "scope": t.scope, "token": secret}, 201)

    @endpoint
    async def list_tokens(request: Request) -> Response:
        auth(request, "admin")
        rows = await run_in_threadpool(store.tokens)
        return _json({"tokens": [{"id": t.id, "unit": t.unit, "scope": t.scope, "created_at": t.created_at,
                                  "revoked_at": t.revoked_at, "note": t.note} for t in rows]})

    @endpoint
    async def revoke_token(request: Request) -> Response:
        auth(request, "admin")
        tid = request.path_params["token"]
        if not await run_in_threadpool(store.revoke_token, tid):
            raise _Fail(404, "unknown_token", id=tid)
        return _json({"id": tid, "revoked": True})

    @endpoint
    async def decisions(request: Request) -> Response:
        auth(request, "admin")
        text = request.query_params.get("limit", "50")
        if not text.isdigit() or not 1 <= int(text) <= 1000:
            raise _Fail(422, "bad_parameter", name="limit", detail="1..1000")
        rows = await run_in_threadpool(store.decisions, int(text))
        return _json({"decisions": [decision_json(d) for d in rows]})

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/v1/specs", specs, methods=["GET"]),
        Route("/v1/specs/{spec}/facts", submit, methods=["POST"]),
        Route("/v1/specs/{spec}/facts/{fact}", fact_history, methods=["GET"]),
        Route("/v1/specs/{spec}/evaluation", evaluation, methods=["GET"]),
        Route("/v1/specs/{spec}/verdicts/{obligation}/{unit}", verdict, methods=["GET"]),
        Route("/v1/specs/{spec}/registry", put_registry, methods=["PUT"]),
        Route("/v1/specs/{spec}/registry", registry_versions, methods=["GET"]),
        Route("/v1/tokens", create_token, methods=["POST"]),
        Route("/v1/tokens", list_tokens, methods=["GET"]),
        Route("/v1/tokens/{token}", revoke_token, methods=["DELETE"]),
        Route("/v1/decisions", decisions, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.store = store
    app.state.evaluations = evaluations
    return app
