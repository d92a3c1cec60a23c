"""The service's subcommands: ``serve``, ``token``, ``log`` and ``replay``.

:func:`add_subcommands` adds them to the ``nqengine`` parser and
:func:`run` runs one; the server's own dependencies (Starlette, uvicorn,
psycopg) are imported only when needed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
from typing import Any, Callable


__all__ = ["COMMANDS", "add_subcommands", "run"]

COMMANDS = ("serve", "token", "log", "replay")

_STORE_HELP = "sqlite:///FILE, a file path, or postgresql://... (default: nqengine.db in the working directory)"


def add_subcommands(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("serve", help="serve spec folders over HTTP with a durable fact store")
    p.add_argument("specs", nargs="+", metavar="SPEC_DIR", help="spec folders (plan.yaml, registry.yaml)")
    p.add_argument("--store", help=_STORE_HELP)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    p.add_argument("--max-body", type=int, default=16 * 1024 * 1024, metavar="BYTES", help="largest request body (default 16 MiB)")
    p.add_argument("--max-facts", type=int, default=50_000, metavar="N", help="most facts in one batch (default 50000)")
    add_common(p)
    p = sub.add_parser("token", help="create, list or revoke bearer tokens")
    p.add_argument("action", choices=("create", "list", "revoke"))
    p.add_argument("id", nargs="?", help="token id (revoke)")
    p.add_argument("--store", help=_STORE_HELP)
    p.add_argument("--unit", help="the unit whose subtree the token covers (create)")
    p.add_argument("--scope", choices=("read", "submit", "admin"), help="read, submit or admin (create)")
    p.add_argument("--note", help="who the token is for (create)")
    add_common(p)
    p = sub.add_parser("log", help="list the decision log: evaluations served and submissions received")
    p.add_argument("--store", help=_STORE_HELP)
    p.add_argument("--limit", type=int, default=50, help="entries, newest first (default 50)")
    p.add_argument("--spec", help="only this spec's entries")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_common(p)
    p = sub.add_parser("replay", help="reproduce a logged answer byte for byte (exit 1 if it differs)")
    p.add_argument("decision", type=int, metavar="DECISION_ID")
    p.add_argument("--store", help=_STORE_HELP)
    p.add_argument("--spec", help="the spec folder, if it moved since it was served")
    p.add_argument("-o", "--output", help="write the answer to this file instead of standard output")
    add_common(p)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str:
    """The loud warning printed when the service listens beyond this machine ("" on loopback)."""
    if _is_loopback(host):
        return ""
    bar = "!" * 72
    return (
        f"{bar}\nCẢNH BÁO / WARNING: nqengine serve lắng nghe trên {host}, không chỉ máy này.\n"
        f"It listens on {host}, reachable from other machines: put it behind TLS and a firewall.\n{bar}\n"
    )


def open_store(url: str, **kwargs: Any) -> Any:
    """:func:`nqengine.store.open_store`, imported when a service command runs (not by every command's parser)."""
    from nqengine.store import open_store as open_  # the store loads for the service's commands only: start-up of the others

    return open_(url, **kwargs)


def run(args: argparse.Namespace, pm: Any) -> int:
    if args.command == "serve":
        return _serve(args, pm)
    store = open_store(args.store, pm=pm)
    try:
        if args.command == "token":
            return _token(args, store)
        if args.command == "log":
            return _log(args, store)
        return _replay(args, store)
    finally:
        store.close()


def _serve(args: argparse.Namespace, pm: Any) -> int:
    # Starlette and uvicorn are optional (the `server` extra): imported only by `nqengine serve`
    import uvicorn

    from nqengine.service.app import (  # needs Starlette (optional), as above
        Limits,
        create_app,
    )

    store = open_store(args.store, pm=pm)
    for folder in args.specs:
        store.add_spec(folder)
    app = create_app(store, limits=Limits(max_body=args.max_body, max_facts=args.max_facts))
    sys.stderr.write(exposure_warning(args.host))
    where = store.db.url if store.db.dialect == "sqlite" else "postgresql"
    sys.stderr.write(f"nqengine serve: {', '.join(sorted(store.specs))} on http://{args.host}:{args.port} (store: {where})\n")
    sys.stderr.flush()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _token(args: argparse.Namespace, store: Any) -> int:
    out = sys.stdout
    if args.action == "create":
        if not args.unit or not args.scope:
            sys.stderr.write("nqengine token create: --unit and --scope are required\n")
            return 2
        tok, secret = store.create_token(args.unit, args.scope, args.note)
        out.write(f"# {tok.id}: scope {tok.scope}, unit {tok.unit} — shown once, keep it secret\n{secret}\n")
        return 0
    if args.action == "list":
        for t in store.tokens():
            state = f"revoked {t.revoked_at}" if t.revoked_at else "live"
            out.write(f"{t.id}  {t.scope:<6}  {t.unit}  {t.created_at}  {state}" + (f"  {t.note}" if t.note else "") + "\n")
        return 0
    if not args.id:
        sys.stderr.write("nqengine token revoke: give the token id\n")
        return 2
    if not store.revoke_token(args.id):
        sys.stderr.write(f"nqengine token revoke: no live token {args.id}\n")
        return 1
    out.write(f"{args.id} revoked\n")
    return 0


def _log(args: argparse.Namespace, store: Any) -> int:
    from nqengine.store.answers import decision_json  # as open_store: loaded by the service's commands only

    rows = store.decisions(args.limit, args.spec)
    if args.format == "json":
        sys.stdout.write(json.dumps([decision_json(d) for d in rows], ensure_ascii=False, indent=2) + "\n")
        return 0
    for d in rows:
        if d.kind == "submission":
            what = f"{d.request.get('new', '?')}/{d.request.get('facts', '?')} new facts, watermark {d.watermark}"
        else:
            what = f"as_of {d.as_of}, registry v{d.registry_version}, watermark {d.watermark}"
            if d.request.get("route") == "verdict":
                what += f", {d.request.get('obligation')}/{d.request.get('unit')}"
        sys.stdout.write(f"{d.id:>6}  {d.at[:19]}  {d.kind:<10}  {d.spec_id}  {d.token_id or '-'}  {what}  {d.content_hash[:12]}\n")
    return 0


def _replay(args: argparse.Namespace, store: Any) -> int:
    try:
        body, same = store.replay(args.decision, args.spec)
    except (LookupError, ValueError) as exc:
        sys.stderr.write(f"nqengine replay: {exc}\n")
        return 2
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(body)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    if not same:
        sys.stderr.write(f"nqengine replay: decision {args.decision}: the answer differs from the one logged\n")
        return 1
    return 0
