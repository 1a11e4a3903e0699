"""Baseline files: exact format, round trips, multiset matching, stale entries, errors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from assume_lint.engine.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    load_baseline,
    render_baseline,
    write_baseline,
)
from assume_lint.model.findings import Finding, Location, Severity


def fp(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def finding(rule_id: str, path: str, line: int, key: str, message: str = "msg") -> Finding:
    """A finding whose fingerprint, like the engine's, does not depend on the line."""
    return Finding(Location(path, line, 3), rule_id, "some-rule", Severity.HIGH, message,
                   key, fingerprint=fp(rule_id, path, key, "snippet"))


FINDINGS = [
    finding("AL201", "z/main.tf", 7, "provider \"aws\"/access_key", "Hardcoded AKIA****MPLE"),
    finding("AL101", "iam/role.json", 4, "iam/role.json/#0", "Role trusts * — fix it"),
    finding("AL102", "iam/role.json", 12, "iam/role.json/Vendor"),
]


def test_exact_file_format(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, FINDINGS)
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "version": 1,\n  "tool": "assume-lint",\n  "findings": [\n')
    data = json.loads(text)
    assert list(data) == ["version", "tool", "findings"]
    assert data["findings"] == [
        {"fingerprint": FINDINGS[1].fingerprint, "rule_id": "AL101", "path": "iam/role.json",
         "key": "iam/role.json/#0", "message": "Role trusts * — fix it"},
        {"fingerprint": FINDINGS[2].fingerprint, "rule_id": "AL102", "path": "iam/role.json",
         "key": "iam/role.json/Vendor", "message": "msg"},
        {"fingerprint": FINDINGS[0].fingerprint, "rule_id": "AL201", "path": "z/main.tf",
         "key": "provider \"aws\"/access_key", "message": "Hardcoded AKIA****MPLE"},
    ]
    assert "line" not in text and "time" not in text
    assert text == render_baseline(FINDINGS)
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_round_trip_is_byte_identical(tmp_path: Path) -> None:
    first = tmp_path / "a.json"
    write_baseline(first, FINDINGS)
    baseline = load_baseline(first)
    assert baseline.entries == tuple(sorted(BaselineEntry.of(f) for f in FINDINGS))
    new, baselined, stale = baseline.split(list(reversed(FINDINGS)))
    assert (new, stale) == ([], [])
    again = tmp_path / "b.json"
    write_baseline(again, baselined)  # rewriting from a run that changed nothing
    assert again.read_bytes() == first.read_bytes()
    write_baseline(first, baselined)  # overwriting in place
    assert first.read_bytes() == again.read_bytes()


def test_order_of_findings_does_not_matter() -> None:
    assert render_baseline(FINDINGS) == render_baseline(reversed(FINDINGS))


def test_line_shift_keeps_finding_baselined(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, FINDINGS)
    moved = replace(FINDINGS[2], location=Location("iam/role.json", 62, 3))  # 50 lines later
    new, baselined, stale = load_baseline(target).split([FINDINGS[0], FINDINGS[1], moved])
    assert new == [] and stale == []
    assert [(f.rule_id, f.location.line, f.suppressed) for f in baselined] == [
        ("AL201", 7, "baseline"), ("AL101", 4, "baseline"), ("AL102", 62, "baseline")]


def test_fixed_finding_leaves_a_stale_entry_and_new_ones_are_new(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, FINDINGS)
    added = finding("AL105", "iam/ci.json", 2, "iam/ci.json/#0")
    new, baselined, stale = load_baseline(target).split([FINDINGS[0], added, FINDINGS[2]])
    assert new == [added] and new[0].suppressed is None
    assert [f.rule_id for f in baselined] == ["AL201", "AL102"]
    assert stale == [BaselineEntry.of(FINDINGS[1])]


def test_multiset_two_identical_findings_need_two_entries() -> None:
    twin = finding("AL101", "iam/role.json", 40, "iam/role.json/#0", "Role trusts * — fix it")
    assert twin.fingerprint == FINDINGS[1].fingerprint
    one_entry = Baseline(entries=(BaselineEntry.of(FINDINGS[1]),))
    new, baselined, stale = one_entry.split([FINDINGS[1], twin])
    assert [f.location.line for f in baselined] == [4]
    assert [f.location.line for f in new] == [40]
    assert stale == []
    two_entries = Baseline(entries=(BaselineEntry.of(FINDINGS[1]),) * 2)
    new, baselined, stale = two_entries.split([FINDINGS[1]])
    assert (len(new), len(baselined), stale) == (0, 1, [BaselineEntry.of(FINDINGS[1])])
    text = render_baseline([FINDINGS[1], twin])
    assert len(json.loads(text)["findings"]) == 2


def test_finding_without_fingerprint_is_never_baselined() -> None:
    bare = replace(FINDINGS[0], fingerprint="")
    new, baselined, _ = Baseline(entries=(BaselineEntry.of(FINDINGS[0]),)).split([bare])
    assert new == [bare] and baselined == []


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "not valid JSON"),
    (b"{\n  \"version\": 1,\n  oops\n}", ":3:3: baseline is not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"[]", "must be a JSON object"),
    (b'{"version": 1, "tool": "other", "findings": []}', "not an assume-lint baseline"),
    (b'{"version": 2, "tool": "assume-lint", "findings": []}', "unsupported baseline version 2"),
    (b'{"version": 1, "tool": "assume-lint"}', '"findings" must be a list'),
    (b'{"version": 1, "tool": "assume-lint", "findings": [1]}', "findings[0] must be an object"),
    (b'{"version": 1, "tool": "assume-lint", "findings": [{"fingerprint": "a", "rule_id": '
     b'"AL101", "path": "p", "key": "k"}]}', "findings[0].message must be a string"),
    (b'{"version": 1, "tool": "assume-lint", "findings": [{"fingerprint": "", "rule_id": '
     b'"AL101", "path": "p", "key": "k", "message": "m"}]}', "findings[0].fingerprint is empty"),
    (b"[" * 100_000 + b"]" * 100_000, "must be a JSON object|nested too deeply"),
])
def test_invalid_baselines_raise_baseline_error(tmp_path: Path, content: bytes,
                                                fragment: str) -> None:
    target = tmp_path / "bad.json"
    target.write_bytes(content)
    with pytest.raises(BaselineError) as info:
        load_baseline(target)
    message = str(info.value)
    assert message.startswith(str(target))
    assert any(part in message for part in fragment.split("|")), message


def test_missing_and_unwritable_paths(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot read baseline"):
        load_baseline(tmp_path / "missing.json")
    with pytest.raises(BaselineError, match="cannot read baseline"):
        load_baseline(tmp_path)  # a folder
    with pytest.raises(BaselineError, match="cannot write baseline"):
        write_baseline(tmp_path / "no" / "such" / "folder.json", FINDINGS)
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(BaselineError, match="cannot write baseline"):
        write_baseline(tmp_path / "dir.json", FINDINGS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.json"]


def test_unknown_extra_fields_are_tolerated(tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    entry = BaselineEntry.of(FINDINGS[0]).as_json() | {"note": "added by hand"}
    target.write_text(json.dumps({"version": 1, "tool": "assume-lint", "findings": [entry],
                                  "comment": "x"}), encoding="utf-8")
    assert load_baseline(target).entries == (BaselineEntry.of(FINDINGS[0]),)
