"""Layering: rules read only the model; nobody imports the folder names lint/rules."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RULE_IMPORTS = {
    "assume_lint.model",
    "assume_lint.findings",
    "assume_lint.registry",
    "assume_lint.conditions",
    "assume_lint.profiles",
    "assume_lint.secrets",
    "assume_lint.arn",  # partly known ARNs: a model-layer module (imports only the model)
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_rules_import_only_the_model_layer() -> None:
    for path in sorted((REPO / "rules").glob("*.py")):
        for name in _imports(path):
            if not name.startswith("assume_lint"):
                continue
            allowed = name in RULE_IMPORTS or name.startswith("assume_lint.rules._helpers")
            assert allowed, f"{path.name} imports {name}: rules may only read the model"


def test_nothing_imports_the_folder_names() -> None:
    for folder in ("lint", "rules", "tests", "bench"):
        for path in sorted((REPO / folder).rglob("*.py")):
            if "hostile" in path.parts or "fixtures" in path.parts:
                continue
            for name in _imports(path):
                top = name.split(".")[0]
                assert top not in ("lint", "rules"), f"{path} imports {name}"
