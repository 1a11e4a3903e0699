"""Golden files for the graph formats and the Markdown report of samples/.

Regenerate with ``UPDATE_SNAPSHOTS=1 pytest tests/test_graph_formats.py`` and review the
diff: the outputs are sorted and use stable ids, so any change is a real change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assume_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "graph"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing snapshot {path}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    ("fmt", "name"), [("mermaid", "samples.mmd"), ("dot", "samples.dot"), ("json", "samples.json")]
)
def test_graph_format_golden(fmt: str, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        ["graph", "samples", "--no-config", "--repo-root", ".", "--format", fmt], capsys
    )
    assert code == 0
    _check(name, out)


def test_graph_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = _run(["graph", "samples", "--no-config", "--repo-root", ".", "-f", "json"], capsys)
    data = json.loads(out)
    assert sorted(data) == ["accounts", "edges", "nodes", "version"]
    assert data["version"] == 1
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert sorted(data["nodes"][0]) == [
        "account",
        "details",
        "findings",
        "id",
        "key",
        "kind",
        "label",
        "location",
    ]
    assert sorted(data["edges"][0]) == [
        "findings",
        "id",
        "kind",
        "labels",
        "location",
        "source",
        "target",
    ]


def test_graph_select_limits_marks(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = _run(
        ["graph", "samples", "--no-config", "--repo-root", ".", "-f", "json", "--select", "AL101"],
        capsys,
    )
    rules = {f["rule"] for e in json.loads(out)["edges"] for f in e["findings"]}
    assert rules == {"AL101"}


def test_markdown_report_golden(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["samples", "--no-config", "--repo-root", ".", "-f", "markdown", "-q"], capsys)
    assert code == 1
    assert out.count("```mermaid") == 1
    assert "AKIAQYLPMN5H" not in out
    _check("samples.md", out)


def test_markdown_cell_escapes_pipes_and_html() -> None:
    from assume_lint.formatters.markdown import cell

    assert cell("a|b <script>\nc") == "a\\|b &lt;script&gt; c"


def test_mermaid_escapes_syntax() -> None:
    from assume_lint.formatters.mermaid import escape

    assert escape('x"]; click A call evil()') == "x#quot;#93;; click A call evil()"
    assert escape("a|b#c<br>") == "a#124;b#35;c#lt;br#gt;"


def test_dot_quotes_hostile_names() -> None:
    from assume_lint.formatters.dot import quote

    assert quote('a"b\\c\nd') == '"a\\"b\\\\c d"'
