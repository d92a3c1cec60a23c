"""The ``nqengine draft`` subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from nqengine.plugins import catalogue_for

__all__ = ["add_parser", "cli_draft"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("draft", help="draft a spec folder from a plan's text (.txt, .docx, .pdf), or --check a spec against it")
    p.add_argument("plan", nargs="?", help="the plan's text: .txt (UTF-8), .docx or .pdf")
    p.add_argument("-o", "--output", metavar="FOLDER", help="folder to write plan.yaml and README.md into (default: draft-NAME)")
    p.add_argument("--force", action="store_true", help="overwrite a plan.yaml already in the folder")
    p.add_argument("--check", metavar="SPEC", help="compare this spec with its source text (PLAN, or the file in SPEC/source/)")
    return p


def cli_draft(args: argparse.Namespace, pm: Any) -> int:
    from nqengine.draft.check import check_spec  # the drafter loads for this command only: every command's parser is built here
    from nqengine.draft.drafting import draft_file  # (the same)

    catalogue_for(pm)  # registers the drafter's messages
    vi = args.lang == "vi"
    if args.check:
        try:
            problems = check_spec(args.check, args.plan, pm=pm)
        except FileNotFoundError as exc:
            sys.stderr.write(f"nqengine: {exc}\n")
            return 2
        for p in problems:
            sys.stdout.write(p.render(args.lang) + "\n")
        if problems:
            sys.stdout.write(f"{len(problems)} {'khác biệt giữa kế hoạch và văn bản' if vi else 'differences between the spec and the text'}\n")
            return 1
        sys.stdout.write(("kế hoạch khớp với văn bản" if vi else "the spec matches the text") + "\n")
        return 0
    if not args.plan:
        sys.stderr.write("nqengine draft: " + ("cần tệp văn bản (PLAN) hoặc --check SPEC" if vi else "give the plan's text (PLAN) or --check SPEC") + "\n")
        return 2
    draft = draft_file(args.plan, pm=pm)
    folder = args.output or f"draft-{draft.name}"
    if os.path.exists(os.path.join(folder, "plan.yaml")) and not args.force:
        sys.stderr.write(f"nqengine draft: {os.path.join(folder, 'plan.yaml')} " + ("đã có; dùng --force để ghi đè" if vi else "exists; use --force to overwrite") + "\n")
        return 2
    draft.write(folder)
    n = len(draft.todos)
    if vi:
        sys.stdout.write(f"{folder}: {len(draft.clauses)} điều khoản, {len(draft.skeletons)} nghĩa vụ nháp, {n} TODO, "
                         f"{len(draft.layout.unplaced)} đoạn chưa xếp (xem README.md)\n")
    else:
        sys.stdout.write(f"{folder}: {len(draft.clauses)} clauses, {len(draft.skeletons)} skeleton obligations, {n} TODOs, "
                         f"{len(draft.layout.unplaced)} unplaced paragraphs (see README.md)\n")
    return 0
