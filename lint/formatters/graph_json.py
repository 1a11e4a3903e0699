"""The who-assumes-what graph as JSON (shape documented in docs/graph.md)."""

from __future__ import annotations

import json

from assume_lint.files.fileio import json_escape_surrogates
from assume_lint.report.graph import Graph


def render_graph(graph: Graph) -> str:
    """Pretty, key-stable JSON: sorted input gives byte-identical output."""
    return json_escape_surrogates(json.dumps(graph.to_dict(), indent=2, ensure_ascii=False)) + "\n"


__all__ = ["render_graph"]
