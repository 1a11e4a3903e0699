"""The located JSON parser: exact values, locations, duplicate keys and error positions."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assume_lint.files.sources import decode
from assume_lint.model.findings import Location
from assume_lint.parsers.jsonloc import JsonError, line_locator, parse_json
from assume_lint.parsers.located import Node

REL = "p.json"


def L(line: int, col: int, end_line: int, end_col: int) -> Location:  # noqa: N802
    return Location(REL, line, col, end_line, end_col)


def _error(text: str) -> tuple[str, int, int]:
    with pytest.raises(JsonError) as info:
        parse_json(text, REL)
    return info.value.message, info.value.line, info.value.column


# --------------------------------------------------------------------------- values


def test_object_locations_of_values_and_keys() -> None:
    text = '{\n  "a": 1,\n  "bb": [true, null],\n  "c": {"d": "x"}\n}'
    root = parse_json(text, REL)
    assert root.location == L(1, 1, 5, 2)
    assert root.key_location is None
    a = root.get("a")
    assert a is not None and a.value == 1 and a.source == "1"
    assert a.location == L(2, 8, 2, 9)
    assert a.key_location == L(2, 3, 2, 6)
    bb = root.get("bb")
    assert bb is not None and bb.location == L(3, 9, 3, 21)
    assert [e.location for e in bb.elements()] == [L(3, 10, 3, 14), L(3, 16, 3, 20)]
    assert [e.key_location for e in bb.elements()] == [None, None]
    c = root.get("c")
    assert c is not None and c.location == L(4, 8, 4, 18)
    d = c.get("d")
    assert d is not None and d.location == L(4, 14, 4, 17) and d.key_location == L(4, 9, 4, 12)
    assert root.plain() == {"a": 1, "bb": [True, None], "c": {"d": "x"}}


@pytest.mark.parametrize(
    "text",
    [
        '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"',
        '"\\u00e9\\u4e2d\\ud83d\\ude00 \u00e9 \U0001f600"',
        '"\\ud800"',  # a lone surrogate: Python's json keeps it, so do we
        "[[[], [[]]], {}, [{}]]",
        '{"": ""}',
        "[0, -0, 12, -3.5, 1e3, 1E-2, 2.5e+10, 123456789012]",
        "  \n true \n",
        "null",
    ],
)
def test_values_agree_with_the_standard_library(text: str) -> None:
    assert parse_json(text, REL).plain() == json.loads(text)


def test_escaped_string_span_covers_the_raw_text() -> None:
    text = '["a\\u00e9\\"", "é"]'
    first, second = parse_json(text, REL).elements()
    assert first.value == 'aé"'
    assert first.location == L(1, 2, 1, 13)
    assert second.location == L(1, 15, 1, 18)  # columns count characters, not bytes


def test_numbers_keep_their_text_and_type() -> None:
    root = parse_json("[3600, 1.50, 1e2, -0]", REL)
    values = [(e.value, type(e.value), e.source) for e in root.elements()]
    assert values == [
        (3600, int, "3600"),
        (1.5, float, "1.50"),
        (100.0, float, "1e2"),
        (0, int, "-0"),
    ]


def test_huge_integer_does_not_raise() -> None:
    node = parse_json("9" * 5000, REL)
    assert node.value == float("inf") or isinstance(node.value, float)
    assert node.source == "9" * 5000


def test_duplicate_keys_last_wins_and_are_recorded() -> None:
    text = '{"Effect": "Deny",\n "Action": "x",\n "Effect": "Allow", "Effect": "Deny"}'
    root = parse_json(text, REL)
    assert root.duplicate_keys == ("Effect",)
    effect = root.get("Effect")
    assert effect is not None and effect.value == "Deny"
    assert effect.key_location == L(3, 21, 3, 29)
    assert list(root.value) == ["Action", "Effect"]  # the survivor sits where it was last written


def test_no_duplicates_means_empty_tuple() -> None:
    assert parse_json('{"a": {"a": 1}}', REL).duplicate_keys == ()


def test_crlf_text_normalised_by_sources_keeps_lines() -> None:
    text = decode(b'{\r\n  "a":\r\n    "b"\r\n}\r\n')
    assert isinstance(text, str)
    node = parse_json(text, REL).get("a")
    assert node is not None and node.location == L(3, 5, 3, 8)


def test_leading_bom_is_ignored_and_columns_kept() -> None:
    node = parse_json('\ufeff{"a": 1}', REL).get("a")
    assert node is not None and node.location == L(1, 8, 1, 9)


# --------------------------------------------------------------------------- embedding


def test_line_offset_and_column_map_shift_locations() -> None:
    text = '{\n  "a": "b"\n}'
    root = parse_json(text, "main.tf", line_offset=10, column_map={1: 20, 2: 4})
    assert root.location == Location("main.tf", 11, 21, 13, 2)
    a = root.get("a")
    assert a is not None
    assert a.location == Location("main.tf", 12, 12, 12, 15)
    assert a.key_location == Location("main.tf", 12, 7, 12, 10)


def test_errors_are_shifted_too() -> None:
    with pytest.raises(JsonError) as info:
        parse_json('{\n  "a": 1,\n}', "main.tf", line_offset=4, column_map={2: 2})
    assert (info.value.line, info.value.column) == (6, 11)


def test_unknown_marker_makes_strings_unknown() -> None:
    text = '{"AWS": "arn:aws:iam::\ue000HOLE0\ue001:root", "x": "plain"}'
    root = parse_json(text, REL, unknown_marker="\ue000HOLE")
    aws = root.get("AWS")
    assert aws is not None
    expected_source = "arn:aws:iam::\ue000HOLE0\ue001:root"
    assert (aws.value, aws.known, aws.source) == (None, False, expected_source)
    assert aws.location == L(1, 9, 1, 36)
    plain = root.get("x")
    assert plain is not None and plain.known and plain.value == "plain"


def test_custom_locator_replaces_line_mapping() -> None:
    root = parse_json("[1, 22]", REL, locate=lambda offset: (7, 100 + offset))
    assert [e.location for e in root.elements()] == [L(7, 101, 7, 102), L(7, 104, 7, 106)]


def test_line_locator_maps_offsets() -> None:
    locate = line_locator("ab\ncd\n", line_offset=1, column_map={2: 3})
    assert [locate(i) for i in (0, 2, 3, 4, 6)] == [(2, 1), (2, 3), (3, 4), (3, 5), (4, 1)]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("", "empty document, expected a JSON value", 1, 1),
        ("  \n  ", "empty document, expected a JSON value", 2, 3),
        ('{\n  "a": 1,\n}', "trailing comma before '}'", 2, 9),
        ("[1,\n 2,\n]", "trailing comma before ']'", 2, 3),
        ('{"a": 1\n "b": 2}', "expected ',' or '}' after object member", 2, 2),
        ("[1 2]", "expected ',' or ']' after array element", 1, 4),
        ('{"a" 1}', "expected ':' after object key", 1, 6),
        ("{a: 1}", "expected a string key", 1, 2),
        ("{'a': 1}", "expected a string key", 1, 2),
        ('{"a": tru}', "invalid literal 'tru' (expected true, false or null)", 1, 7),
        ("[True]", "invalid literal 'True' (expected true, false or null)", 1, 2),
        ("[NaN]", "invalid literal 'NaN' (expected true, false or null)", 1, 2),
        ("[AKIAIOSFODNN7EXAMPLE]", "invalid literal (expected true, false or null)", 1, 2),
        ("[01]", "invalid number", 1, 2),
        ("[1.]", "invalid number", 1, 2),
        ("[-]", "invalid number", 1, 2),
        ("[.5]", "unexpected character '.', expected a value", 1, 2),
        ("[1e]", "invalid number", 1, 2),
        ('{"a":\n  "x', "unterminated string", 2, 3),
        ('["a\nb"]', "control character (e.g. a raw newline) inside a string", 1, 4),
        ('["\\x"]', "invalid escape in string", 1, 3),
        ('["\\u12G4"]', "invalid \\u escape in string (expected 4 hex digits)", 1, 3),
        ("[1] 2", "unexpected data after the JSON value", 1, 5),
        ("{} {}", "unexpected data after the JSON value", 1, 4),
        ("{", "unexpected end of input, expected a string key", 1, 2),
        ('{"a":', "unexpected end of input, expected a value", 1, 6),
        ('{"a": 1', "unexpected end of input, expected ',' or '}' after object member", 1, 8),
        ("[1,\n", "unexpected end of input, expected a value", 2, 1),
        ('{"a": [1}', "expected ',' or ']' after array element", 1, 9),
        ("/* c */ {}", "unexpected character '/', expected a value", 1, 1),
    ],
)
def test_malformed_json_reports_exact_position(
    text: str, message: str, line: int, column: int
) -> None:
    assert _error(text) == (message, line, column)


def test_error_str_names_the_position() -> None:
    with pytest.raises(JsonError) as info:
        parse_json("[1,]", REL)
    assert str(info.value) == "trailing comma before ']' (line 1, column 3)"


def test_deep_unclosed_nesting_is_an_error_not_a_recursion_error() -> None:
    assert _error("[" * 200_000) == ("unexpected end of input, expected a value", 1, 200_001)


def test_deep_closed_nesting_parses_iteratively() -> None:
    depth = 100_000
    root = parse_json("[" * depth + '"x"' + "]" * depth, REL)
    node: Node = root
    for _ in range(depth):
        (node,) = node.value
    assert node.value == "x"
    assert node.location == L(1, depth + 1, 1, depth + 4)


def test_deep_object_nesting() -> None:
    depth = 50_000
    root = parse_json('{"a":' * depth + "1" + "}" * depth, REL)
    node: Node | None = root
    for _ in range(depth):
        assert node is not None
        node = node.get("a")
    assert node is not None and node.value == 1


# --------------------------------------------------------------------------- properties

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(_JSON_VALUES, st.sampled_from([None, 1, 2]))
def test_round_trip_agrees_with_the_standard_library(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=indent is None)
    assert parse_json(text, REL).plain() == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]:,"\\ \n0123456789.-+eEtrufalsn', max_size=40))
def test_accepts_exactly_what_strict_json_accepts(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(JsonError) as info:
            parse_json(text, REL)
        assert info.value.line >= 1 and info.value.column >= 1
    else:
        assert parse_json(text, REL).plain() == expected


def test_string_positions_count_a_surrogate_pair_as_one_character() -> None:
    import json

    from assume_lint.parsers.jsonloc import raw_positions, string_locator

    text = 'x = "a\\ud83d\\ude00b\\n\\u00e9c"\n'
    start = text.index('"')
    decoded = json.loads(text[start:].strip())
    assert decoded == "a\U0001F600b\n\u00e9c"
    positions = raw_positions(text, start + 1)
    assert positions is not None and len(positions) == len(decoded) + 1
    locate = string_locator(text, start, decoded)
    assert [locate(i) for i in range(len(decoded) + 1)] == [
        (1, 6), (1, 7), (1, 19), (1, 20), (1, 22), (1, 28), (1, 29)]
    assert raw_positions('"\\x"', 1) is None  # not a JSON escape: no mapping
