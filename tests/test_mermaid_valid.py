"""The Mermaid of samples/ is valid for the official parser (npm ``mermaid`` under Node).

``mermaid.parse()`` needs a DOM: tests/tools/mermaid_parse.mjs gives it one with jsdom.
Both packages are prepared by ``.ci/run`` (``tests/tools/prepare-node-tools``), never
installed by a test: see ``tests/prepared.py``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from prepared import mermaid_modules

from assume_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "tools" / "mermaid_parse.mjs"


def _parse(modules: Path, text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "graph.mmd"
    source.write_text(text, encoding="utf-8")
    return subprocess.run(
        ["node", str(SCRIPT), str(modules), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_samples_mermaid_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    modules = mermaid_modules()
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["graph", "samples", "--no-config", "--repo-root", "."]) == 0
    text = capsys.readouterr().out
    done = _parse(modules, text, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "flowchart" in done.stdout


def test_parser_rejects_broken_mermaid(tmp_path: Path) -> None:
    """The check can fail: an unterminated edge label is refused."""
    modules = mermaid_modules()
    done = _parse(modules, 'flowchart LR\n  a -->|"x| b\n', tmp_path)
    assert done.returncode == 1
    assert "Parse error" in done.stderr


def test_hostile_labels_stay_valid(tmp_path: Path) -> None:
    from assume_lint.formatters.mermaid import render_graph
    from assume_lint.model import Model, Principal, Role, Statement
    from assume_lint.model.findings import Location
    from assume_lint.report.graph import build_graph

    loc = Location("x.json", 1, 1)
    hostile = 'evil"]; end; click a "javascript:x" |<b>#`{}[]'
    statement = Statement("Allow", (Principal("Service", hostile, loc),), (), (), loc)
    role = Role("x.json", loc, name=hostile, statements=(statement,))
    text = render_graph(build_graph(Model(roles=[role])))
    done = _parse(mermaid_modules(), text, tmp_path)
    assert done.returncode == 0, done.stderr + text
