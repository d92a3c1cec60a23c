"""The strict YAML reader: positions, scalar typing, and what it refuses."""

from __future__ import annotations

import math
import unicodedata

import pytest
import yaml

from nqengine.errors import RegistryError, SpecError
from nqengine.yamlsource import (
    MAX_DEPTH,
    Node,
    compose_file,
    compose_text,
    join_path,
    scalar_value,
    to_python,
)


def root(text: str) -> Node:
    return compose_text(text, "t.yaml")


def value(text: str) -> Node:
    """The node under key ``v`` of a one-line document ``v: TEXT``."""
    node = root(f"v: {text}\n").get("v")
    assert node is not None
    return node


def problems(text: str, error=SpecError) -> list[str]:
    with pytest.raises(error) as info:
        compose_text(text, "t.yaml", error)
    return info.value.render("en").splitlines()


# --- positions --------------------------------------------------------------------------


def test_positions_are_one_based():
    r = root("a: 1\nb:\n  - x\n  - {c: y}\n")
    assert (r.line, r.column) == (1, 1)
    a = r.get("a")
    assert (a.line, a.column) == (1, 4)
    b = r.get("b")
    assert (b.kind, b.line, b.column) == ("seq", 3, 3)
    assert [(n.line, n.column) for n in b.value] == [(3, 5), (4, 5)]
    c = b.value[1].get("c")
    assert (c.value, c.line, c.column) == ("y", 4, 9)


def test_keys_keep_their_positions_too():
    r = root("first: 1\nsecond: 2\n")
    assert [(k.value, k.line, k.column) for k, _ in r.items()] == [("first", 1, 1), ("second", 2, 1)]


def test_columns_count_characters_not_bytes():
    r = root("tên: Đảng ủy phường\nđối_tượng: [cán bộ, đảng viên]\n")
    assert (r.get("tên").line, r.get("tên").column) == (1, 6)
    items = r.get("đối_tượng").value
    assert [(n.value, n.column) for n in items] == [("cán bộ", 13), ("đảng viên", 21)]


def test_crlf_line_endings_keep_lines_right():
    r = root("a: 1\r\nb: 2\r\n")
    assert (r.get("b").line, r.get("b").column) == (2, 4)


def test_block_scalars_start_at_their_indicator():
    r = root("a: >-\n  dòng một\n  dòng hai\nb: 1\n")
    assert r.get("a").value == "dòng một dòng hai"
    assert (r.get("a").line, r.get("b").line) == (1, 4)


def test_node_get_and_problem():
    r = root("a: 1\n")
    assert r.get("zzz") is None
    assert r.get("a").get("x") is None  # a scalar has no keys
    p = r.get("a").problem("missing_key", "a", key="x")
    assert (p.file, p.line, p.column, p.path) == ("t.yaml", 1, 4, "a")


# --- scalar typing ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["'5'", '"true"', "'2020-10-31'", "'null'", '"yes"', "'1.5'", "''"])
def test_quoted_scalars_stay_strings(text):
    node = value(text)
    assert node.tag == "str"
    assert scalar_value(node) == text[1:-1]


def test_explicit_str_tag_is_a_string():
    node = value("!!str 5")
    assert (node.tag, scalar_value(node)) == ("str", "5")


@pytest.mark.parametrize(
    "text, result",
    [("yes", True), ("Yes", True), ("no", False), ("NO", False), ("on", True), ("off", False), ("true", True), ("False", False)],
)
def test_yes_no_on_off_are_booleans(text, result):
    """YAML 1.1 as PyYAML reads it: text fields refuse these with a "put it in quotes" hint."""
    node = value(text)
    assert node.tag == "bool"
    assert scalar_value(node) is result


@pytest.mark.parametrize("text", ["y", "n", "Y", "N", "có", "không"])
def test_y_and_n_are_text(text):
    node = value(text)
    assert (node.tag, scalar_value(node)) == ("str", text)


@pytest.mark.parametrize("text", ["2020-10-31", "2020-10-31 10:00:00", "2020-10-31T10:00:00Z"])
def test_timestamps_stay_text(text):
    node = value(text)
    assert node.tag == "timestamp"
    assert scalar_value(node) == text
    assert to_python(root(f"v: {text}\n")) == {"v": text}


def test_day_first_dates_are_plain_text():
    node = value("31/10/2020")
    assert (node.tag, scalar_value(node)) == ("str", "31/10/2020")


@pytest.mark.parametrize(
    "text, result",
    [("5", 5), ("-3", -3), ("+7", 7), ("1_000", 1000), ("0x1F", 31), ("0b101", 5), ("010", 10), ("08", 8), ("09", 9), ("01", 1), ("0", 0)],
)
def test_integers_with_leading_zeros_are_decimal(text, result):
    """'01 buổi' in a plan is one session: no octal surprises."""
    node = value(text)
    assert node.tag == "int"
    assert scalar_value(node) == result


@pytest.mark.parametrize("text", ["1:30", "190:20:30.15"])
def test_base_60_numbers_are_text(text):
    node = value(text)
    assert (node.tag, scalar_value(node)) == ("str", text)


def test_floats_and_special_floats():
    assert scalar_value(value("1.5")) == 1.5
    assert scalar_value(value(".5")) == 0.5
    assert math.isnan(scalar_value(value(".nan")))
    assert scalar_value(value(".inf")) == math.inf
    assert scalar_value(value("-.Inf")) == -math.inf


@pytest.mark.parametrize("text", ["", "~", "null", "Null"])
def test_nulls(text):
    node = value(text)
    assert node.tag == "null" and scalar_value(node) is None


@pytest.mark.parametrize("text", ["=", "<<"])
def test_odd_core_schema_words_are_plain_text(text):
    """PyYAML tags '=' as 'value' and '<<' as 'merge'; as values they are just text."""
    node = value(f"'{text}'") if text == "<<" else value(text)
    assert node.tag == "str" and scalar_value(node) == text


def test_to_python_builds_plain_data():
    assert to_python(root("a: [1, x, yes, ~]\nb: {c: 2020-10-31, d: '5'}\n")) == {
        "a": [1, "x", True, None],
        "b": {"c": "2020-10-31", "d": "5"},
    }


def test_text_is_kept_as_written_nfd_included():
    """The reader does not normalise: validators do (``Str`` gives NFC)."""
    nfd = unicodedata.normalize("NFD", "Đảng viên")
    assert value(nfd).value == nfd


# --- byte-order mark and encodings -------------------------------------------------------


def test_bom_is_accepted_in_text():
    r = compose_text("\ufeffa: 1\nb: 2\n", "t.yaml")
    assert [k.value for k, _ in r.items()] == ["a", "b"]
    assert (r.get("a").line, r.get("a").column) == (1, 4)


def test_bom_is_accepted_in_a_file(tmp_path):
    f = tmp_path / "bom.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + "tên: Thành ủy\n".encode("utf-8"))
    r = compose_file(f)
    assert r.get("tên").value == "Thành ủy"
    assert r.get("tên").file == str(f)


def test_non_utf8_file_is_located(tmp_path):
    f = tmp_path / "cp1258.yaml"
    f.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(SpecError) as info:
        compose_file(f)
    assert info.value.render("en") == f"{f}:2:7: the file is not UTF-8: byte 0xE9 cannot be read; save the file as UTF-8"
    assert info.value.render("vi") == f"{f}:2:7: tệp không phải UTF-8: không đọc được byte 0xE9; hãy lưu tệp ở dạng UTF-8"


def test_non_utf8_column_counts_characters_before_the_bad_byte(tmp_path):
    f = tmp_path / "mixed.yaml"
    f.write_bytes("tên: Đảng ".encode("utf-8") + b"\x97\n")
    with pytest.raises(SpecError) as info:
        compose_file(f)
    assert info.value.problems[0].line == 1 and info.value.problems[0].column == 11


def test_utf16_file_says_so(tmp_path):
    f = tmp_path / "u16.yaml"
    f.write_bytes("a: 1\n".encode("utf-16"))
    with pytest.raises(SpecError) as info:
        compose_file(f)
    assert info.value.render("en") == f"{f}:1:1: the file is saved as UTF-16; save it as UTF-8"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SpecError) as info:
        compose_file(tmp_path / "none.yaml")
    assert info.value.render("en") == f"{tmp_path / 'none.yaml'}:1:1: file not found"
    with pytest.raises(SpecError) as info:
        compose_file(tmp_path)
    assert info.value.render("en") == f"{tmp_path}:1:1: this is a folder, not a file"


def test_the_error_class_is_the_callers():
    with pytest.raises(RegistryError):
        compose_text("a: [\n", "r.yaml", RegistryError)


# --- what is refused ----------------------------------------------------------------------


def test_duplicate_keys_name_both_places():
    assert problems("a: 1\nb:\n  c: 1\n  c: 2\n") == [
        "t.yaml:4:3: duplicate key 'c' (first at line 3, column 3) (b.c)",
    ]


def test_duplicate_keys_are_compared_after_nfc():
    nfc, nfd = "Đảng", unicodedata.normalize("NFD", "Đảng")
    assert nfc != nfd
    assert problems(f"{nfc}: 1\n{nfd}: 2\n") == ["t.yaml:2:1: duplicate key 'Đảng' (first at line 1, column 1) (Đảng)"]


def test_duplicate_keys_in_flow_mappings():
    assert problems("a: {x: 1, x: 2}\n") == ["t.yaml:1:11: duplicate key 'x' (first at line 1, column 5) (a.x)"]


def test_anchors_and_aliases_are_refused_not_expanded():
    laughs = "a: &a [lol, lol]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    assert problems(laughs) == [
        "t.yaml:1:4: YAML anchors and aliases are not allowed ('&a'): write the value out (a)",
        "t.yaml:2:4: YAML anchors and aliases are not allowed ('&b'): write the value out (b)",
        "t.yaml:2:8: YAML anchors and aliases are not allowed ('*a'): write the value out (b[0])",
        "t.yaml:2:12: YAML anchors and aliases are not allowed ('*a'): write the value out (b[1])",
        "t.yaml:3:5: YAML anchors and aliases are not allowed ('*b'): write the value out (c[0])",
        "t.yaml:3:9: YAML anchors and aliases are not allowed ('*b'): write the value out (c[1])",
    ]


def test_merge_keys_are_refused():
    assert problems("a:\n  <<: {x: 1}\n  y: 2\n") == ["t.yaml:2:3: the YAML merge key '<<' is not allowed: write the keys out (a)"]


@pytest.mark.parametrize(
    "tag", ["!!python/object/apply:os.system", "!!python/name:os.system", "!!binary", "!!set", "!!omap", "!custom"]
)
def test_tags_outside_the_core_schema_are_refused(tag):
    assert problems(f"a: {tag} x\n") == [
        f"t.yaml:1:4: YAML tag '{tag}' is not allowed: use only plain values (text, numbers, dates, true/false), lists and mappings (a)"
    ]


def test_python_object_tag_never_runs():
    assert problems("a: !!python/object/apply:os.system ['echo pwned']\n")[0].startswith(
        "t.yaml:1:4: YAML tag '!!python/object/apply:os.system' is not allowed"
    )


def test_core_tags_must_fit_their_value():
    assert value("!!int 5").tag == "int"
    assert problems("a: !!int cinq\n") == ["t.yaml:1:4: 'cinq' is not a valid value for tag '!!int' (a)"]


def test_keys_must_be_plain_text():
    assert problems("? [a, b]\n: 1\n") == ["t.yaml:1:3: a key must be plain text, not a list"]
    assert problems("x:\n  {a: 1}: 2\n") == ["t.yaml:2:3: a key must be plain text, not a mapping (x)"]


def test_nesting_is_bounded():
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    out = problems(deep)
    assert len(out) == 1 and "nested more than 100 levels deep" in out[0]


def test_control_characters_are_located():
    assert problems("a: x\nb: y\x07z\n") == [
        "t.yaml:2:5: the file holds the control character U+0007, which YAML does not allow; delete it"
    ]


def test_tab_indentation_is_explained():
    assert problems("a:\n\tb: 1\n") == ["t.yaml:2:1: YAML does not allow a tab here; indent with spaces"]


def test_syntax_errors_are_located_on_one_line():
    out = problems("a: [1, 2\nb: 3\n")
    assert len(out) == 1 and out[0].startswith("t.yaml:2:2: YAML syntax error: ")
    if hasattr(yaml, "CSafeLoader"):
        assert out[0] == "t.yaml:2:2: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at line 1, column 4)"


def test_unquoted_colon_in_a_value_gets_a_hint():
    out = problems("title: Thời gian: 01 buổi\n")
    assert out[0].startswith("t.yaml:1:17: YAML syntax error: mapping values are not allowed")
    assert out[0].endswith("a value holding ': ' must be put in quotes")


def test_syntax_errors_in_vietnamese():
    with pytest.raises(SpecError) as info:
        compose_text("a: [1, 2\nb: 3\n", "t.yaml")
    assert info.value.render("vi") == "t.yaml:2:2: lỗi cú pháp YAML: thiếu ',' hoặc ']' (từ dòng 1, cột 4)"


def test_several_documents_are_refused():
    assert problems("a: 1\n---\nb: 2\n") == ["t.yaml:2:1: the file must hold a single YAML document (remove the second '---')"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "\ufeff"])
def test_empty_documents(text):
    assert problems(text) == ["t.yaml:1:1: the file is empty"]


def test_every_problem_is_reported_not_just_the_first():
    out = problems("a: 1\na: 2\nb: &x 1\nc: !!binary x\n")
    assert [line.split(": ", 1)[1].split(" ")[0] for line in out] == ["duplicate", "YAML", "YAML"]
    assert len(out) == 3


def test_global_pyyaml_loaders_are_untouched():
    compose_text("a: 1\n", "t.yaml")
    assert yaml.safe_load("a: 010\nb: yes\n") == {"a": 8, "b": True}


# --- paths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, key, joined",
    [
        ("", "a", "a"),
        ("a", "b", "a.b"),
        ("a", 3, "a[3]"),
        ("clauses", "II.1.1.b", 'clauses["II.1.1.b"]'),
        ("m", 'say "hi"', 'm["say \\"hi\\""]'),
        ("m", "", 'm[""]'),
        ("m", "tài liệu", "m.tài liệu"),
    ],
)
def test_join_path(path, key, joined):
    assert join_path(path, key) == joined


# --- trees are shared between reads of the same text --------------------------------------


def _shape(node: Node) -> tuple:
    """Everything a node holds, recursively: two trees with equal shapes are the same tree as read."""
    if node.kind == "map":
        inner: object = tuple((_shape(k), _shape(v)) for k, v in node.value)
    elif node.kind == "seq":
        inner = tuple(_shape(v) for v in node.value)
    else:
        inner = node.value
    return (node.kind, node.tag, node.file, node.line, node.column, inner)


def test_a_text_read_again_gives_the_same_tree():
    text = "a: 1\nb: [x, y]\n"
    first = compose_text(text, "same.yaml")
    assert compose_text(text, "same.yaml") is first
    # another file name is another tree (positions name the file)
    other = compose_text(text, "other.yaml")
    assert other is not first and other.file == "other.yaml"
    # a changed text is read afresh
    assert to_python(compose_text("a: 2\nb: [x, y]\n", "same.yaml")) == {"a": 2, "b": ["x", "y"]}


def test_a_text_with_problems_is_reported_every_time():
    first = problems("a: 1\na: 2\n")
    assert len(first) == 1 and first[0].startswith("t.yaml:2:1: ")
    assert problems("a: 1\na: 2\n") == first


@pytest.mark.parametrize("folder", ["tam-ky-xxi", "an-my-xxi", "gia-lai-xiv", "gia-lai-ctr-01"])
def test_loading_and_evaluating_leave_the_shared_trees_as_read(folder, capsys):
    """Composition (``extends``, ``override``, ``unset``), validation and evaluation build new nodes and
    never change the trees they were given, which later reads of the same files share."""
    from pathlib import Path

    from nqengine.cli import main

    specs = Path(__file__).resolve().parent.parent / "specs"
    files = sorted(specs.glob("*/*.yaml"))
    before = {f: _shape(compose_file(f)) for f in files}
    assert main(["evaluate", str(specs / folder), "--as-of", "31/12/2026", "--format", "json"]) == 0
    assert capsys.readouterr().out.startswith("{")
    for f in files:
        tree = compose_file(f)
        assert _shape(tree) == before[f], f


def test_the_trees_kept_are_bounded_by_their_texts():
    from nqengine import yamlsource

    big = "a: " + "x" * (yamlsource._CACHED_TEXT_MAX + 1) + "\n"
    assert compose_text(big, "big.yaml") is not compose_text(big, "big.yaml")  # too large to keep
    texts = [f"n: {i}\n" + "# " + "y" * 60_000 + "\n" for i in range(40)]  # 40 x 60 KB: more than the total kept
    trees = [compose_text(t, "many.yaml") for t in texts]
    assert yamlsource._CACHED_CHARS[0] <= yamlsource._CACHED_CHARS_MAX
    assert yamlsource._CACHED_CHARS[0] == sum(len(t) for t, _ in yamlsource._CACHE)
    assert compose_text(texts[-1], "many.yaml") is trees[-1]  # the newest kept
    assert compose_text(texts[0], "many.yaml") is not trees[0]  # the oldest dropped
