"""The command line's own words in Vietnamese (the default) and English (``--lang en``).

The parser in :mod:`nqengine.cli` is written with English help texts;
:func:`localise` replaces each with its Vietnamese text when the language is
Vietnamese, and adds the exit statuses to every ``--help``.  A help text with
no Vietnamese here stays English (``tests/test_cli_lang.py`` checks there is none).
"""

from __future__ import annotations

import argparse
import re
import sys
import types
from typing import Sequence

__all__ = ["localise", "lang_of", "EXIT_CODES", "VI"]

VI: dict[str, str] = {
    'address to bind (default 127.0.0.1, loopback only)': 'địa chỉ lắng nghe (mặc định 127.0.0.1, chỉ trong máy)',
    "also read files under DIR (default: only the spec's folder, and the working directory when the spec is inside it); see docs/security.md": 'cho phép đọc thêm tệp trong THƯ_MỤC (mặc định: chỉ thư mục của kế hoạch, và thư mục làm việc khi kế hoạch nằm trong đó); xem docs/security.md',
    "columns the table must fit (default: the terminal's; no limit, full names, for a file or a pipe)": 'số cột bảng phải vừa (mặc định: theo cửa sổ dòng lệnh; ghi ra tệp hoặc ống dẫn thì không giới hạn, tên đầy đủ)',
    'compare this spec with its source text (PLAN, or the file in SPEC/source/)': 'đối chiếu kế hoạch (spec) này với văn bản gốc (PLAN, hoặc tệp trong SPEC/source/)',
    'docx (default) or md': 'docx (mặc định) hoặc md',
    'entries, newest first (default 50)': 'số mục, mới nhất trước (mặc định 50)',
    'folder to write plan.yaml and README.md into (default: draft-NAME)': 'thư mục ghi plan.yaml và README.md (mặc định: draft-TÊN)',
    "for recurring obligations, only this period: 'quý II/2026', '6 tháng đầu năm 2026', 'năm 2026', '2026-Q2' (default: the periods due by --as-of and the next one)": "với nghĩa vụ định kỳ, chỉ kỳ này: 'quý II/2026', '6 tháng đầu năm 2026', 'năm 2026', '2026-Q2' (mặc định: các kỳ đến hạn tính đến --as-of và kỳ kế tiếp)",
    'largest request body (default 16 MiB)': 'dung lượng tối đa của một yêu cầu (mặc định 16 MiB)',
    'most facts in one batch (default 50000)': 'số dữ kiện tối đa trong một lần gửi (mặc định 50000)',
    "only this spec's entries": 'chỉ các mục của kế hoạch này',
    'overwrite a plan.yaml already in the folder': 'ghi đè plan.yaml đã có trong thư mục',
    'port (default 8080; 0 picks a free one)': 'cổng (mặc định 8080; 0 để tự chọn cổng trống)',
    'read, submit or admin (create)': 'read (xem), submit (gửi) hoặc admin (quản trị) (create)',
    'refuse an input file larger than this (default 8192)': 'từ chối tệp đầu vào lớn hơn mức này, tính bằng MB (mặc định 8192)',
    'spec folders (plan.yaml, registry.yaml)': 'các thư mục kế hoạch (plan.yaml, registry.yaml)',
    'sqlite:///FILE, a file path, or postgresql://... (default: nqengine.db in the working directory)': 'sqlite:///TỆP, một đường dẫn tệp, hoặc postgresql://... (mặc định: nqengine.db trong thư mục làm việc)',
    "table (default), json, csv, xlsx, html, docx or md (the draft report), or a plugin's format": 'table (mặc định), json, csv, xlsx, html, docx hoặc md (dự thảo báo cáo), hoặc định dạng của một plugin',
    "the plan's text: .txt (UTF-8), .docx or .pdf": 'văn bản Kế hoạch: .txt (UTF-8), .docx hoặc .pdf',
    'the spec folder, if it moved since it was served': 'thư mục kế hoạch, nếu đã chuyển chỗ từ khi phục vụ',
    "the unit reporting, id or name (default: the unit at the top of the registry's tree with the most verdicts below it)": 'đơn vị báo cáo, mã hoặc tên (mặc định: đơn vị cấp trên cùng có nhiều kết luận nhất bên dưới)',
    'the unit whose subtree the token covers (create)': 'đơn vị mà mã truy cập bao quát cả cấp dưới (create)',
    'token id (revoke)': 'mã số của mã truy cập (revoke)',
    'who the token is for (create)': 'mã truy cập cấp cho ai (create)',
    'write the answer to this file instead of standard output': 'ghi câu trả lời vào tệp này thay vì ra màn hình',
    'write to this file (required for docx on a terminal)': 'ghi vào tệp này (bắt buộc với docx khi xuất ra màn hình)',
    "Evaluate Party plans written as spec files.": "Đánh giá việc thực hiện các kế hoạch của Đảng viết thành tệp kế hoạch (spec).",
    "validate spec, registry and facts files, and what they refer to in each other":
        "kiểm tra tệp kế hoạch, danh sách tổ chức và dữ kiện, và các tham chiếu giữa chúng",
    "a spec file, a registry or facts file (YAML, JSON Lines, CSV), or a folder holding plan.yaml, "
    "registry.yaml, facts.yaml; files given together are checked against each other":
        "tệp kế hoạch, tệp danh sách tổ chức hoặc dữ kiện (YAML, JSON Lines, CSV), hoặc thư mục chứa plan.yaml, "
        "registry.yaml, facts.yaml; các tệp đưa cùng nhau được kiểm tra chéo",
    "evaluate a spec as of a date": "đánh giá kế hoạch tại một ngày",
    "table (default) or json, or a plugin's format": "table (mặc định) hoặc json, hoặc định dạng của một plugin",
    "write to this file instead of standard output": "ghi ra tệp này thay vì ra màn hình",
    "explain one verdict: checks, evidence, clauses": "giải thích một kết luận: các bước kiểm tra, dữ kiện, điều khoản",
    "unit id or name": "mã hoặc tên đơn vị (tên có thể gõ không dấu)",
    "obligation id": "mã nghĩa vụ",
    "list plugins with their versions, hooks and what they add": "liệt kê các plugin: phiên bản, hook và những gì chúng bổ sung",
    "run the worked examples of spec files: expected against actual statuses":
        "chạy các ví dụ mẫu của kế hoạch: so tình trạng mong đợi với thực tế",
    "spec files, or folders holding plan.yaml": "tệp kế hoạch, hoặc thư mục chứa plan.yaml",
    "check engine invariants and the spec's declared properties on generated registries and facts":
        "kiểm tra các bất biến của bộ máy và các tính chất kế hoạch khai báo, trên danh sách tổ chức và dữ kiện sinh ngẫu nhiên",
    "seed of the run; the same seed reproduces it (default: random, printed)":
        "hạt giống ngẫu nhiên; cùng hạt giống cho cùng kết quả (mặc định: ngẫu nhiên, được in ra)",
    "generated cases per check (default 50)": "số trường hợp sinh cho mỗi phép kiểm tra (mặc định 50)",
    "run only this check (repeatable)": "chỉ chạy phép kiểm tra này (có thể lặp lại)",
    "load a plugin (module or path to .py); 'no:NAME' blocks one": "nạp một plugin (tên mô-đun hoặc đường dẫn .py); 'no:TÊN' để chặn",
    "language of messages (default vi)": "ngôn ngữ thông báo: vi (mặc định) hoặc en",
    "spec file, or a folder holding plan.yaml, registry.yaml, facts.yaml": "tệp kế hoạch, hoặc thư mục chứa plan.yaml, registry.yaml, facts.yaml",
    "registry file (default: registry.yaml beside the spec)": "tệp danh sách tổ chức (mặc định: registry.yaml cạnh kế hoạch)",
    "facts file, YAML, JSON Lines or CSV (default: facts.yaml beside the spec); repeat it to read several "
    "files as one (attendance rows in one, their sessions in another)":
        "tệp dữ kiện YAML, JSON Lines hoặc CSV (mặc định: facts.yaml cạnh kế hoạch); lặp lại để đọc nhiều tệp như một",
    "evaluation date, dd/mm/yyyy or yyyy-mm-dd": "ngày đánh giá, dd/mm/yyyy hoặc yyyy-mm-dd",
    "exit 1 when any verdict has one of these statuses (comma-separated), for scheduled jobs":
        "thoát với mã 1 khi có kết luận mang một trong các tình trạng này (cách nhau bằng dấu phẩy), cho các tác vụ chạy định kỳ",
    "write the JSON Schema of the spec, registry or facts format, with the installed plugins' keys, for editors":
        "ghi JSON Schema của định dạng kế hoạch, danh sách tổ chức hoặc dữ kiện (gồm các khóa của plugin đã cài), cho trình soạn thảo",
    "which format (default spec)": "định dạng nào (mặc định spec)",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "show program's version number and exit": "hiện phiên bản rồi thoát",
}

#: Exit statuses, as ``--help`` lists them: (code, Vietnamese, English).
EXIT_CODES = (
    (0, "thành công", "success"),
    (1, "'test' hoặc 'prove' có trường hợp sai; 'evaluate --fail-on' gặp tình trạng đã nêu",
     "'test' or 'prove' found a failure; 'evaluate --fail-on' met one of its statuses"),
    (2, "tệp đầu vào sai (mỗi lỗi in dạng tệp:dòng:cột: thông báo) hoặc lệnh dùng sai",
     "an input file is malformed (each problem as file:line:column: message), or a usage error"),
    (3, "thiếu plugin hoặc plugin gặp lỗi", "a plugin is missing or failed"),
)


def lang_of(argv: Sequence[str]) -> str:
    """The ``--lang`` asked for in ``argv``, read before parsing (so that ``--help`` follows it)."""
    args = list(argv)
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "vi"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1] == "en" else "vi"
    return "vi"


def _epilog(lang: str) -> str:
    head = "Exit statuses:" if lang == "en" else "Mã thoát:"
    return head + "\n" + "\n".join(f"  {code}  {en if lang == 'en' else vi}" for code, vi, en in EXIT_CODES)


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out.extend(_parsers(sub))
    return out


#: argparse's own messages (Python 3.10–3.13), as patterns, with their Vietnamese.
_ARGPARSE_VI = (
    (re.compile(r"^the following arguments are required: (.*)$"), r"thiếu tham số bắt buộc: \1"),
    (re.compile(r"^unrecognized arguments: (.*)$"), r"tham số không nhận ra: \1"),
    (re.compile(r"^one of the arguments (.*) is required$"), r"cần một trong các tham số \1"),
    (re.compile(r"^ambiguous option: (.*) could match (.*)$"), r"tùy chọn không rõ: \1 có thể là \2"),
    (re.compile(r"^argument (.*?): invalid choice: (.*) \(choose from (.*)\)$"), r"tham số \1: lựa chọn không hợp lệ: \2 (chọn một trong: \3)"),
    (re.compile(r"^argument (.*?): expected one argument$"), r"tham số \1: cần một giá trị"),
    (re.compile(r"^argument (.*?): expected at least one argument$"), r"tham số \1: cần ít nhất một giá trị"),
    (re.compile(r"^argument (.*?): invalid (\w+) value: (.*)$"), r"tham số \1: giá trị \3 không hợp lệ (\2)"),
    (re.compile(r"^argument (.*?): not allowed with argument (.*)$"), r"tham số \1: không dùng cùng tham số \2"),
    (re.compile(r"^argument (.*?): (.*)$"), r"tham số \1: \2"),
)


def _vi_message(message: str) -> str:
    """argparse's message in Vietnamese (unchanged when it is not one of argparse's own)."""
    for pattern, vi in _ARGPARSE_VI:
        if pattern.match(message):
            return pattern.sub(vi, message)
    return message


class _ViFormatter(argparse.RawDescriptionHelpFormatter):
    """Help laid out as argparse does, the usage line headed in Vietnamese."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        return super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)


def _error_vi(self: argparse.ArgumentParser, message: str) -> None:
    """argparse's ``error``, in Vietnamese: the usage, then the message; exit status 2."""
    self.print_usage(sys.stderr)
    self.exit(2, f"{self.prog}: lỗi: {_vi_message(message)}\n")


def localise(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Translate ``parser``'s help texts to ``lang`` and list the exit statuses in every ``--help``.

    In Vietnamese, argparse's own words are translated too: the usage line and the
    messages of a wrong command line ("thiếu tham số bắt buộc: --as-of").
    """
    for p in _parsers(parser):
        p.formatter_class = _ViFormatter if lang == "vi" else argparse.RawDescriptionHelpFormatter
        if lang == "vi":
            p.error = types.MethodType(_error_vi, p)  # type: ignore[method-assign]
        p.epilog = _epilog(lang)
        if lang == "vi":
            if p.description in VI:
                p.description = VI[p.description]
            for action in p._actions:
                if action.help in VI:
                    action.help = VI[action.help]
                if isinstance(action, argparse._SubParsersAction):
                    for choice in action._choices_actions:
                        choice.help = VI.get(choice.help, choice.help)
    if lang == "vi":
        for p in _parsers(parser):
            for group in p._action_groups:
                group.title = {"positional arguments": "tham số", "options": "tùy chọn", "optional arguments": "tùy chọn"}.get(group.title, group.title)
    return parser
