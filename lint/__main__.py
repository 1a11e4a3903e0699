"""``python -m assume_lint`` runs the command-line interface."""

from __future__ import annotations

from assume_lint.cli import console

console()
