"""Nobody imports the folder names lint/ or rules/ (they install as assume_lint).

The layers themselves (rules read only the model, parsers and rules are independent, no
cycles) are import-linter contracts in pyproject.toml, checked by ``lint-imports`` in
.ci/run.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_imports_the_folder_names() -> None:
    for folder in ("lint", "rules", "tests", "bench"):
        for path in sorted((REPO / folder).rglob("*.py")):
            if "hostile" in path.parts or "fixtures" in path.parts:
                continue
            if path.relative_to(REPO).parts[:2] == ("bench", "out"):
                continue  # bench/run.py's corpora and venvs (gitignored), not our code
            for name in _imports(path):
                top = name.split(".")[0]
                assert top not in ("lint", "rules"), f"{path} imports {name}"
