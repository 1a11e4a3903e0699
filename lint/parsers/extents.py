"""Block extents, from the parsers: where each construct that starts on a line ends.

An ``assume-lint: ignore[...]`` comment alone on a line covers the next line of content,
and the whole block when that line opens one (:mod:`assume_lint.engine.suppress`). What a block
is, and where it ends, is the format's business: this module asks the format's own
parser instead of counting brackets and indentation a second way.

- **HCL** (``.tf``, ``.tfvars``, ``.hcl``): the syntax tree of :func:`.hcl.parse_tree`
  (the fast parser, lark where it declines). Every block, attribute and expression
  (object, tuple, call, heredoc...) spans from its first to its last line; a line's
  extent is the widest one starting on it. Top-level blocks blanked for being over the
  token budget keep the span :mod:`.hcl_blocks` found for them.
- **YAML**: the YAML parser's events (libyaml, as :mod:`.yamlloc` reads them). A mapping
  entry spans its key and value, a sequence entry its item, a flow collection its
  brackets; a block collection ends with its last value. A whole block collection is
  no entry: the line of a list's first item covers that item, not the list.
- **INI** (AWS ``config``/``credentials`` and any other file read with ``#``/``;``
  comments): the sections of :func:`.aws_config.read_sections`; a section runs from its
  header to its last property line.
- **env** files have no blocks.

Fallbacks, for a text the parser rejects (the file is reported as AL900 anyway; only
the rules that read text, AL201/AL202 and AL900 itself, can still find anything in it):

- HCL: no tree, so no extent but the constructs the parser's error report found
  unclosed (:func:`.hcl.unclosed_openers`: a block, bracket or heredoc never closed),
  which run to the end of the file, as the file is read without its closer.
- YAML: the entries read before the error keep their extents; those still open where
  the parser stopped (an unclosed flow collection, nesting past the depth guard) run
  to the last line of content.

Extents are computed only for a file that holds a directive covering a next line (rare),
never on the common path: a run whose files have no directive parses nothing again.
They are not recorded in the model by the run's own parse: that parse reads a Terraform
file cut down to the blocks that matter (:func:`.hcl_blocks.keep_relevant`) and is
served from the model cache on warm runs, and recording every construct of every file
would cost each cold run for the few files that hold a directive.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assume_lint.files.sources import SourceFile, line_starts


def block_extents(source: SourceFile, style: str) -> dict[int, int]:
    """1-based first line -> 1-based last line of the widest construct starting on it,
    for ``source`` read as ``style`` (``hcl``, ``yaml``, ``ini``, ``env``)."""
    if style == "hcl":
        return _hcl(source.text)
    if style == "yaml":
        return _yaml(source.text)
    if style == "ini":
        return _ini(source)
    return {}


def _widen(extents: dict[int, int], first: int, last: int) -> None:
    if last > extents.get(first, first):
        extents[first] = last


# --------------------------------------------------------------------------- HCL

# Trees that are no construct of their own: the file, a block's body (its block covers
# it), a call's argument list (each argument is one; the call covers them all) and
# python-hcl2's runs of newlines and comments (they trail a line's construct).
_NOT_CONSTRUCTS = frozenset(
    {"start", "body", "arguments", "new_line_or_comment", "new_line_and_or_comma"}
)


def _hcl(text: str) -> dict[int, int]:
    from assume_lint.parsers.hcl import parse_tree, unclosed_openers
    from assume_lint.parsers.hcl_blocks import over_budget, top_level_spans

    kept, over = over_budget(text)
    extents: dict[int, int] = {}
    if over:  # blocks too large to parse: the spans the budget check found for them
        for first, last in top_level_spans(text) or ():
            _widen(extents, first, last)
    try:
        tree = parse_tree(kept + "\n")
    except Exception:  # lark raises several unrelated exception classes; RecursionError
        last_line = text.count("\n") + 1
        for line, _column, _what in unclosed_openers(text):
            _widen(extents, line, last_line)
        return extents
    _tree_extents(tree, kept, extents)
    return extents


def _tree_extents(tree: Any, text: str, extents: dict[int, int]) -> None:
    """Each tree's first and last line: from its first and last token, or its
    brackets. Not its end position alone: python-hcl2's positions let some trees (a
    binary operation) run on over the newline, comments and indentation after them,
    and brackets are not tokens of the tree. Post-order and iterative: trees nest as
    deep as the text."""
    spans: dict[int, tuple[int, int]] = {}  # id(tree) -> (first line, last line)
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, visited = stack.pop()
        if not visited:
            stack.append((node, True))
            stack.extend((c, False) for c in node.children if hasattr(c, "children"))
            continue
        if node.data.startswith("new_line"):
            continue
        first, last = 0, 0
        for child in node.children:
            if hasattr(child, "children"):
                span = spans.pop(id(child), None)
            elif "NL" in child.type or "COMMENT" in child.type:
                continue
            else:
                span = (child.line, child.end_line)
                if child.end_column == 1 and span[1] > span[0]:  # a heredoc's last newline
                    span = (span[0], span[1] - 1)
            if span is not None:
                first = span[0] if not first else min(first, span[0])
                last = max(last, span[1])
        meta = node.meta
        end = getattr(meta, "end_pos", 0)
        if 0 < end <= len(text) and text[end - 1] in "}])":
            first = meta.line  # the opening bracket (or the header) is no token either
            last = max(last, meta.end_line)
        if not first:
            continue  # nothing written (an empty body)
        spans[id(node)] = (first, last)
        if node.data not in _NOT_CONSTRUCTS:
            _widen(extents, first, last)


# --------------------------------------------------------------------------- YAML


@dataclass
class _Open:
    """A collection whose events are streaming in."""

    mapping: bool
    flow: bool
    first: int  # its first line
    last: int  # the last line of what it holds so far
    key_line: int = 0  # a mapping's pending key: its first line (0: none pending)


@dataclass
class _YamlExtents:
    lines: Sequence[int]  # the offset where each line starts (sources.line_starts)
    extents: dict[int, int] = field(default_factory=dict)
    stack: list[_Open] = field(default_factory=list)

    def line_of(self, index: int) -> int:
        return bisect.bisect_right(self.lines, index)

    def done(self, first: int, last: int) -> None:
        """A node (scalar, alias or collection) spans ``first``-``last``: an entry of
        the collection holding it ends there or later."""
        if not self.stack:
            return  # a document's root is no entry
        holder = self.stack[-1]
        holder.last = max(holder.last, last)
        if not holder.mapping:
            _widen(self.extents, first, last)
        elif holder.key_line:
            _widen(self.extents, holder.key_line, last)
            holder.key_line = 0
        else:
            holder.key_line = first
            _widen(self.extents, first, last)

    def close(self, end: int | None) -> None:
        """Close the innermost collection at line ``end`` (None: a block collection
        ends with its last value)."""
        top = self.stack.pop()
        last = top.last if end is None else end
        if top.flow:  # its brackets make a flow collection a block of its own
            _widen(self.extents, top.first, last)
        self.done(top.first, last)



def _yaml(text: str) -> dict[int, int]:
    import yaml

    from assume_lint.parsers.yamlloc import MAX_DEPTH, MAX_FLOW_DEPTH, _loader

    state = _YamlExtents(line_starts(text))
    flows = 0
    event: Any
    try:
        for event in yaml.parse(text, Loader=_loader()):
            start, end = event.start_mark, event.end_mark
            if isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                written = len(text[start.index : end.index].rstrip())
                last = state.line_of(start.index + written - 1) if written else start.line + 1
                state.done(start.line + 1, last)
            elif isinstance(event, yaml.CollectionStartEvent):
                flow = bool(event.flow_style)
                flows += flow
                if len(state.stack) >= MAX_DEPTH or flows > MAX_FLOW_DEPTH:
                    break  # yamlloc refuses such nesting: what is open is closed below
                mapping = isinstance(event, yaml.MappingStartEvent)
                state.stack.append(_Open(mapping, flow, start.line + 1, start.line + 1))
            elif isinstance(event, yaml.CollectionEndEvent):
                flow = state.stack[-1].flow
                flows -= flow
                state.close(state.line_of(end.index - 1) if flow else None)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, IndexError):
        pass  # what was read keeps its extents; what is open is closed below
    if state.stack:
        last_content = _last_content_line(text)
        while state.stack:
            state.close(last_content)
    return state.extents


def _last_content_line(text: str) -> int:
    """The last line that is neither blank nor a ``#`` comment (1 when none)."""
    lines = text.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index + 1
    return 1


# --------------------------------------------------------------------------- INI


def _ini(source: SourceFile) -> dict[int, int]:
    from assume_lint.parsers.aws_config import read_sections

    extents: dict[int, int] = {}
    for section in read_sections(source)[0]:
        first = section.location.line
        _widen(extents, first, max((p.end_line for p in section.properties), default=first))
    return extents
