"""The command line in Vietnamese by default and English with --lang en; --fail-on; exit codes in --help."""

from __future__ import annotations

from pathlib import Path

import pytest

from nqengine.cli import build_parser, main
from nqengine.cli_text import VI, _parsers

ROOT = Path(__file__).resolve().parent.parent
TAM_KY = str(ROOT / "specs" / "tam-ky-xxi")
EXAMPLE = str(ROOT / "docs" / "vi" / "vi-du")


def test_every_help_text_has_its_vietnamese():
    missing = sorted({a.help for p in _parsers(build_parser()) for a in p._actions if a.help and a.help not in VI and a.help != "==SUPPRESS=="})
    assert missing == []


@pytest.mark.parametrize("lang, words", [("vi", ["Mã thoát:", "đánh giá kế hoạch tại một ngày", "tùy chọn"]), ("en", ["Exit statuses:", "evaluate a spec as of a date"])])
def test_help_follows_lang_and_lists_exit_codes(lang, words, capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help", "--lang", lang])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for w in words:
        assert w in out
    assert "  3  " in out and "  2  " in out


def test_subcommand_help_lists_exit_codes_in_english(capsys):
    with pytest.raises(SystemExit):
        main(["evaluate", "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert "--fail-on STATUS[,STATUS]" in out and "Exit statuses:\n  0  success" in out


def test_unknown_format_with_did_you_mean(capsys):
    assert main(["evaluate", TAM_KY, "--as-of", "20/11/2020", "--format", "jsn"]) == 2
    assert capsys.readouterr().err == "nqengine: --format: không có định dạng 'jsn' — có phải ý bạn là 'json'?\n"
    assert main(["evaluate", TAM_KY, "--as-of", "20/11/2020", "--format", "jsn", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "nqengine: --format: unknown format 'jsn' — did you mean 'json'?\n"


def test_fail_on(capsys):
    assert main(["evaluate", TAM_KY, "--as-of", "20/11/2020", "--fail-on", "violated,overdue"]) == 1
    assert main(["evaluate", EXAMPLE, "--as-of", "20/11/2020", "--fail-on", "violated"]) == 0
    assert main(["evaluate", EXAMPLE, "--as-of", "20/11/2020", "--fail-on", "met_late"]) == 1
    capsys.readouterr()
    assert main(["evaluate", TAM_KY, "--as-of", "20/11/2020", "--fail-on", "violatd", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "nqengine: --fail-on: unknown status 'violatd' — did you mean 'violated'?\n"


def test_explain_unknown_obligation_and_unit(capsys):
    assert main(["explain", EXAMPLE, "--as-of", "20/11/2020", "--unit", "cb-thue", "--obligation", "chi-bo-hoc", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "nqengine: --obligation: the plan has no obligation 'chi-bo-hoc' — did you mean 'chi-bo-hoc-tap'?\n"
    assert main(["explain", EXAMPLE, "--as-of", "20/11/2020", "--unit", "cb-thu", "--obligation", "chi-bo-hoc-tap"]) == 2
    assert capsys.readouterr().err == "nqengine: --unit: danh sách tổ chức không có đơn vị 'cb-thu' — có phải ý bạn là 'cb-thue'?\n"
    assert main(["explain", EXAMPLE, "--as-of", "20/11/2020", "--unit", "thanh-uy", "--obligation", "chi-bo-hoc-tap", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "nqengine: obligation 'chi-bo-hoc-tap' does not apply to Thành ủy Tam Kỳ (thanh-uy): no verdict\n"


def test_a_unit_named_without_diacritics(capsys):
    assert main(["explain", EXAMPLE, "--as-of", "20/11/2020", "--unit", "chi bo  KHO BAC nha nuoc", "--obligation", "chi-bo-hoc-tap"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Đơn vị: Chi bộ Kho bạc Nhà nước (cb-kho-bac)\n")
    assert err == "lưu ý: 'chi bo  KHO BAC nha nuoc' được hiểu là Chi bộ Kho bạc Nhà nước (cb-kho-bac)\n"


def test_plugins_listing_follows_lang(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "  loại nghĩa vụ: study_session" in out
    assert main(["plugins", "--lang", "en"]) == 0
    assert "  kinds: study_session" in capsys.readouterr().out


@pytest.mark.parametrize(
    "code, params, text",
    [
        ("timing_open", {"days": 1, "due": "x"}, "1 day left until the last day (x)"),
        ("timing_open", {"days": 21, "due": "x"}, "21 days left until the last day (x)"),
        ("timing_overdue", {"days": 11, "due": "x"}, "11 days past the last day (x)"),
        ("presenter_ok_all", {"count": 1}, "qualified presenter at 1 session"),
        ("presenter_ok_all", {"count": 4}, "qualified presenter at 4 sessions"),
    ],
)
def test_english_plurals(code, params, text):
    from nqengine.i18n import message

    assert message(code, "en", **params) == text


@pytest.mark.parametrize("lang, usage, words", [
    ("vi", "cách dùng: nqengine evaluate", "nqengine evaluate: lỗi: thiếu tham số bắt buộc: --as-of"),
    ("en", "usage: nqengine evaluate", "nqengine evaluate: error: the following arguments are required: --as-of"),
])
def test_a_wrong_command_line_is_told_in_the_chosen_language(lang, usage, words, capsys):
    with pytest.raises(SystemExit) as info:
        main(["evaluate", "specs/tam-ky-xxi", "--lang", lang])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and words in err


def test_argparse_messages_in_vietnamese():
    from nqengine.cli_text import _vi_message

    assert _vi_message("unrecognized arguments: --bogus") == "tham số không nhận ra: --bogus"
    assert _vi_message("argument --as-of: expected one argument") == "tham số --as-of: cần một giá trị"
    assert _vi_message("argument --lang: invalid choice: 'fr' (choose from 'vi', 'en')") == "tham số --lang: lựa chọn không hợp lệ: 'fr' (chọn một trong: 'vi', 'en')"
    assert _vi_message("argument --seed: invalid int value: 'x'") == "tham số --seed: giá trị 'x' không hợp lệ (int)"
    assert _vi_message("something of our own") == "something of our own"
