"""Findings on a very long line (minified JSON): the fingerprint comes from the finding's
own span, so an edit elsewhere on the line keeps it, and reports do not repeat the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assume_lint.cli import main
from assume_lint.engine.config import Config
from assume_lint.engine.pipeline import lint


def _roles(description: str) -> str:
    """``aws iam list-roles`` output on one line: two roles trusting any principal."""
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}]}
    roles = [{"RoleName": name, "AssumeRolePolicyDocument": trust, "Description": description}
             for name in ("first", "second")]
    return json.dumps({"Roles": roles}, separators=(",", ":"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _fingerprints(root: Path) -> list[tuple[str, int, int, str]]:
    result = lint([root], root, Config(), use_cache=False)
    return [(f.rule_id, f.location.line, f.location.column, f.fingerprint)
            for f in result.findings if f.rule_id == "AL101"]


def test_fingerprint_of_a_long_line_is_the_findings_span(tmp_path: Path) -> None:
    path = tmp_path / "roles.json"
    path.write_text(_roles("x" * 3000) + "\n")
    first, second = _fingerprints(tmp_path)
    assert first[1:3] != second[1:3] and first[3] != second[3]  # two places, two prints
    path.write_text(_roles("y" * 3000) + "\n")  # same length: the columns do not move
    assert _fingerprints(tmp_path) == [first, second]


def test_fingerprint_of_a_short_line_is_the_whole_line(tmp_path: Path) -> None:
    """Lines up to 1,000 characters keep the fingerprint they always had."""
    path = tmp_path / "roles.json"
    path.write_text(_roles("x" * 10) + "\n")
    before = _fingerprints(tmp_path)
    path.write_text(_roles("y" * 10) + "\n")
    assert [p[3] for p in _fingerprints(tmp_path)] != [p[3] for p in before]


def test_html_excerpt_of_a_long_line_is_a_window(tmp_path: Path) -> None:
    (tmp_path / "roles.json").write_text(_roles("x" * 200_000) + "\n")
    out = tmp_path / "report.html"
    main(["check", str(tmp_path), "--no-config", "-q", "--repo-root", str(tmp_path),
          "-f", "html", "-o", str(out)])
    html = out.read_text()
    assert html.count("AL101") >= 2
    assert "x" * 1000 not in html and len(html) < 100_000
