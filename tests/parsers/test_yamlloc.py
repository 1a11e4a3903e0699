"""The located YAML loader: exact locations, schemas, tags, errors and hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assume_lint.model.findings import Location
from assume_lint.parsers import yamlloc
from assume_lint.parsers.located import Node
from assume_lint.parsers.yamlloc import YamlError, cfn_long_form, load


def _span(line: int, col: int, end_line: int, end_col: int) -> Location:
    return Location("f.yml", line, col, end_line, end_col)


def _error(text: str, **kwargs: object) -> YamlError:
    with pytest.raises(YamlError) as info:
        load(text, "f.yml", **kwargs)  # type: ignore[arg-type]
    return info.value


# --------------------------------------------------------------------------- locations


def test_scalar_and_key_locations_are_exact() -> None:
    root = load("a: 1\nbb:\n  c: 'x y'\n", "f.yml")
    a = root.get("a")
    assert a is not None
    assert a.value == 1
    assert a.location == _span(1, 4, 1, 5)
    assert a.key_location == _span(1, 1, 1, 2)
    bb = root.get("bb")
    assert bb is not None and bb.key_location == _span(2, 1, 2, 3)
    c = bb.get("c")
    assert c is not None
    assert c.value == "x y"
    assert c.location == _span(3, 6, 3, 11)  # the quoted token, quotes included
    assert c.key_location == _span(3, 3, 3, 4)


def test_columns_count_characters_not_bytes() -> None:
    root = load("é: ü\nk: v\n", "f.yml")
    k = root.get("k")
    assert root.get("é") is not None and root.get("é").location == _span(1, 4, 1, 5)  # type: ignore[union-attr]
    assert k is not None and k.location == _span(2, 4, 2, 5)


def test_sequence_elements_and_container_spans() -> None:
    root = load("items:\n  - a\n  - [b, c]\n", "f.yml")
    items = root.get("items")
    assert items is not None and items.is_list
    first, second = items.value
    assert first.location == _span(2, 5, 2, 6)
    assert second.location == _span(3, 5, 3, 11)
    assert [e.location.column for e in second.value] == [6, 9]
    assert items.location.line == 2


def test_empty_document_is_a_null_node() -> None:
    assert load("", "f.yml") == Node(None, Location("f.yml", 1, 1))
    assert load("# only a comment\n", "f.yml").value is None


def test_duplicate_keys_later_wins_and_recorded() -> None:
    root = load("a: 1\nb: 2\na: 3\n", "f.yml")
    assert root.plain() == {"a": 3, "b": 2}
    assert root.duplicate_keys == ("a",)
    assert root.get("a").location.line == 3  # type: ignore[union-attr]


# --------------------------------------------------------------------------- schemas


def test_yaml11_schema_reads_yes_and_on_values_as_booleans() -> None:
    root = load("x: yes\ny: on\nz: 012\nn: ~\nf: 1.5\n", "f.yml")
    assert root.plain() == {"x": True, "y": True, "z": 10, "n": None, "f": 1.5}


def test_core_schema_keeps_yes_and_on_as_strings() -> None:
    text = "x: yes\ny: on\nz: 0x1F\nt: True\nn: null\nq: '1'\nf: 2.5\n"
    root = load(text, "f.yml", schema="core")
    expected = {"x": "yes", "y": "on", "z": 31, "t": True, "n": None, "q": "1", "f": 2.5}
    assert root.plain() == expected


@pytest.mark.parametrize("schema", ["yaml11", "core"])
def test_keys_are_kept_as_written_on_is_not_true(schema: str) -> None:
    root = load("on:\n  push: {}\ntrue: 1\n1: 2\n", "f.yml", schema=schema)
    assert list(root.value) == ["on", "true", "1"]
    on = root.get("on")
    assert on is not None and on.key_location == _span(1, 1, 1, 3)


def test_explicit_standard_tags() -> None:
    root = load("a: !!str 3\nb: !!int '7'\n", "f.yml")
    assert root.plain() == {"a": "3", "b": 7}
    assert _error("a: !!int abc\n").line == 1


# --------------------------------------------------------------------------- custom tags


def test_unknown_tags_become_unknown_nodes_with_source() -> None:
    root = load("a: !Ref Bucket\nb: !Sub\n  - '${X}'\n  - {X: 1}\nc: !GetAtt R.Arn\n", "f.yml")
    a = root.get("a")
    assert a is not None
    assert (a.known, a.value, a.source) == (False, None, "!Ref Bucket")
    assert a.location == _span(1, 4, 1, 15)
    assert a.key_location == _span(1, 1, 1, 2)
    b = root.get("b")
    assert b is not None and not b.known and b.value is None
    assert b.source == "!Sub\n  - '${X}'\n  - {X: 1}"
    assert b.text() is None


def test_cfn_long_form_handler_evaluates_intrinsics() -> None:
    text = "a: !Ref Bucket\nb: !GetAtt Role.Arn\nc: !Sub ['x-${A}', {A: 1}]\nd: !If [C, 1, 2]\n"
    root = load(text, "f.yml", tag_handler=cfn_long_form)
    assert root.plain() == {
        "a": {"Ref": "Bucket"},
        "b": {"Fn::GetAtt": ["Role", "Arn"]},
        "c": {"Fn::Sub": ["x-${A}", {"A": 1}]},
        "d": {"Fn::If": ["C", 1, 2]},
    }
    ref = root.get("a").get("Ref")  # type: ignore[union-attr]
    assert ref is not None and ref.location == _span(1, 4, 1, 15)


def test_custom_tag_handler_is_called_with_the_tag() -> None:
    seen: list[str] = []

    def handler(tag: str, node: Node) -> Node:
        seen.append(tag)
        return node

    root = load("a: !Foo 1\nb: !Bar [x]\n", "f.yml", tag_handler=handler)
    assert seen == ["!Foo", "!Bar"]
    assert root.plain() == {"a": 1, "b": ["x"]}


# --------------------------------------------------------------------------- anchors


def test_aliases_share_the_anchored_value() -> None:
    root = load("base: &b {x: 1}\nother: *b\n", "f.yml")
    assert root.plain() == {"base": {"x": 1}, "other": {"x": 1}}
    other = root.get("other")
    assert other is not None and other.key_location == _span(2, 1, 2, 6)


def test_recursive_alias_is_an_error_not_a_cycle() -> None:
    err = _error("x: &a [*a]\n")
    assert (err.message, err.line, err.column) == ("recursive alias *a", 1, 8)


def test_undefined_alias() -> None:
    err = _error("x: *nope\n")
    assert (err.line, err.column) == (1, 4)
    assert "undefined alias" in err.message


def test_alias_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in "bcdefg":
        prev = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 10) + "]")
    err = _error("\n".join(lines) + "\n")
    assert "too many nodes" in err.message


@pytest.mark.parametrize("depth", [yamlloc.MAX_FLOW_DEPTH + 1, 1001, 200_000])
def test_deep_flow_nesting_is_refused_fast_without_crashing(depth: int) -> None:
    """Refused in our words on line 1, whichever guard fires first.

    200,000 levels segfault libyaml's composer and make its scanner quadratic. Since
    PyYAML 6.0.4, libyaml's own limit (1000) can fire first, because its scanner looks
    ahead on a long flow line; its column is then libyaml's, so only the message and the
    line are the contract here.
    """
    err = _error("[" * depth + "]" * depth)
    assert (err.message, err.line) == (yamlloc.TOO_DEEP, 1)
    assert 1 <= err.column <= depth


def test_flow_nesting_up_to_the_limit_is_fine() -> None:
    depth = yamlloc.MAX_FLOW_DEPTH
    node = load("[" * depth + "]" * depth, "f.yml")
    for _ in range(depth - 1):
        node = node.value[0]
    assert node.value == []


def test_deep_block_nesting_is_refused_at_the_limit() -> None:
    text = "".join(" " * i + "a:\n" for i in range(yamlloc.MAX_DEPTH + 5)) + " " * 2000 + "b\n"
    err = _error(text)
    assert (err.message, err.line) == (yamlloc.TOO_DEEP, yamlloc.MAX_DEPTH + 1)
    fine = "".join(" " * i + "a:\n" for i in range(50)) + " " * 50 + "b\n"
    assert load(fine, "f.yml").get("a") is not None


# --------------------------------------------------------------------------- errors


def test_tab_indentation_error_location_and_hint() -> None:
    err = _error("a:\n\tb: 1\n")
    assert (err.line, err.column) == (2, 1)
    assert "tab" in err.message


def test_unclosed_quote_points_at_the_opening_quote() -> None:
    err = _error('a: "abc\nb: 1\n')
    assert (err.line, err.column) == (1, 4)
    assert "quoted scalar" in err.message


def test_bad_indentation() -> None:
    err = _error("a:\n  b: 1\n c: 2\n")
    assert (err.line, err.column) == (3, 2)


def test_unclosed_flow_sequence() -> None:
    err = _error("a: [1, 2\nb: 3\n")
    assert err.line == 2


def test_second_document_is_an_error() -> None:
    err = _error("a: 1\n---\nb: 2\n")
    assert (err.message, err.line, err.column) == ("expected a single document in the stream", 2, 1)


def test_complex_key_is_an_error() -> None:
    err = _error("? [a, b]\n: 1\n")
    assert (err.line, err.column) == (1, 3)


def test_pure_python_loader_gives_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    text = "a: !Ref X\nb:\n  - 1\n  - 'two'\n"
    fast = load(text, "f.yml")
    monkeypatch.setattr(yamlloc, "_loader", lambda: yaml.SafeLoader)
    assert load(text, "f.yml") == fast
    with pytest.raises(YamlError) as info:
        load("a:\n\tb: 1\n", "f.yml")
    assert (info.value.line, info.value.column) == (2, 1)


def test_empty_explicit_int_is_a_yaml_error_not_an_index_error() -> None:
    err = _error("!!int \n")
    assert (err.line, err.column) == (1, 1)


_PIECES = list("abjos:-[]{}!&*|>'\"#\n \t,?%@`$=") + [
    "jobs:", "  ", "- ", "!Ref ", "&a ", "*a", "!!int ", "!!bool ", "!!float ", "? ", "---\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=50).map("".join))
def test_arbitrary_text_gives_a_tree_or_a_yaml_error(text: str) -> None:
    for handler in (None, cfn_long_form):
        try:
            node = load(text, "f.yml", tag_handler=handler)
        except YamlError as err:
            assert err.line >= 1 and err.column >= 1
        else:
            assert isinstance(node, Node)
