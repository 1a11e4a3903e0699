"""Cut a Terraform file down to the top-level blocks that matter, before lark sees it.

Parsing with lark is almost all of a cold run's time, and most blocks of a real module
(resources other than IAM roles, users, policies and OIDC providers, data sources other
than policy documents, templates and remote state, module calls to registries) cannot
hold anything assume-lint checks. ``output`` blocks matter only when a caller uses the
module: :func:`keep_only` cuts a file down to them, parsed only then. A cheap
regex scanner finds the top-level blocks; the irrelevant ones are replaced by empty
lines, so every line and column of what is kept stays exactly where it was. When the
scanner is unsure (unbalanced braces, an unterminated string or heredoc), the text is
returned unchanged and lark reports the problem as usual.

The cost of this speed: a syntax error inside a skipped block is not reported, as it
holds nothing this linter checks (``terraform validate`` reports it).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_KEEP_TYPES = frozenset({"terraform", "provider", "locals", "variable"})
_KEEP_LABELS = {
    "resource": frozenset(
        {"aws_iam_role", "aws_iam_user", "aws_iam_policy", "aws_iam_openid_connect_provider"}
    ),
    "data": frozenset(
        {
            "aws_iam_policy_document",
            "terraform_remote_state",
            "template_file",
            "aws_iam_openid_connect_provider",
        }
    ),
}
# A file naming none of these holds nothing the Terraform evaluator reads: not parsed.
RELEVANT_WORDS = re.compile(
    r"\b(provider|terraform|aws_iam_role|aws_iam_user|aws_iam_policy|aws_iam_policy_document"
    r"|aws_iam_openid_connect_provider|terraform_remote_state|template_file|locals|variable)\b"
    r"|^[ \t]*module\b",
    re.MULTILINE,
)
# Where a token that changes the brace depth or hides braces starts: a string, a
# comment, a heredoc, a brace. String and block-comment bodies are matched from their
# start only (below), never searched for: a regex that tried each unterminated opener
# in turn would be quadratic on a crafted file ('/* /* /* ...').
_TOKEN = re.compile(r'"|#[^\n]*|//[^\n]*|/\*|<<-?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*\n|[{}]')
_STRING_REST = re.compile(r'(?:[^"\\\n]|\\[^\n])*"')
_HEADER = re.compile(r'[ \t]*([A-Za-z_][A-Za-z0-9_-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')


# A module call whose source is a local folder (the evaluator follows it).
_LOCAL_SOURCE = re.compile(r'^[ \t]*source[ \t]*=[ \t]*"\.\.?/', re.MULTILINE)


def _relevant(header: str, block: str) -> bool:
    match = _HEADER.match(header)
    if match is None:
        return True
    kind = match.group(1)
    if kind in _KEEP_TYPES:
        return True
    if kind == "module":
        return _LOCAL_SOURCE.search(block) is not None
    labels = [a or b for a, b in _LABEL.findall(match.group(2))]
    keep = _KEEP_LABELS.get(kind)
    return keep is not None and bool(labels) and labels[0] in keep


def _of_kind(kinds: frozenset[str]) -> Callable[[str, str], bool]:
    def keep(header: str, _block: str) -> bool:
        match = _HEADER.match(header)
        return match is None or match.group(1) in kinds

    return keep


def _blocks(text: str) -> list[tuple[int, int, str]] | None:
    """(start, end, header) of each top-level ``{...}`` block; None when unsure."""
    blocks: list[tuple[int, int, str]] = []
    depth, start, pos = 0, 0, 0
    while True:
        match = _TOKEN.search(text, pos)
        if match is None:
            break
        token = match.group(0)
        pos = match.end()
        if token == '"':
            rest = _STRING_REST.match(text, pos)
            if rest is None:
                return None  # unterminated on its line
            pos = rest.end()
        elif token == "/*":
            close = text.find("*/", pos)
            if close < 0:
                return None
            pos = close + 2
        elif match.group(1):  # a heredoc: jump past its closing marker line
            end = re.compile(rf"^[ \t]*{re.escape(match.group(1))}[ \t]*$", re.MULTILINE)
            closing = end.search(text, pos)
            if closing is None:
                return None
            pos = closing.end()
        elif token == "{":
            if depth == 0:
                start = text.rfind("\n", 0, match.start()) + 1
                blocks.append((start, -1, text[start : match.start()]))
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                begin, _, header = blocks[-1]
                blocks[-1] = (begin, pos, header)
    return None if depth else blocks


def top_level_spans(text: str) -> list[tuple[int, int]] | None:
    """(first line, last line) of each top-level ``{...}`` block, 1-based; None when
    unsure (unbalanced braces, an unterminated string or heredoc)."""
    blocks = _blocks(text)
    if blocks is None:
        return None
    spans, line, offset = [], 1, 0
    for start, end, _header in blocks:
        line += text.count("\n", offset, start)
        last = line + text.count("\n", start, end - 1)
        spans.append((line, last))
        line, offset = last, end - 1
    return spans


def keep_relevant(text: str) -> str:
    """``text`` with irrelevant top-level blocks blanked (lines preserved)."""
    return _keep(text, _relevant)


def keep_only(text: str, kinds: frozenset[str]) -> str:
    """``text`` with every top-level block but those of ``kinds`` blanked (lines
    preserved): what a module's caller needs later (its ``output`` blocks, its
    registry ``module`` calls) is parsed only then."""
    return _keep(text, _of_kind(kinds))


def _keep(text: str, relevant: Callable[[str, str], bool]) -> str:
    blocks = _blocks(text)
    if not blocks:
        return text
    parts: list[str] = []
    last = 0
    for start, end, header in blocks:
        line_end = text.find("\n", end)
        tail = text[end : line_end if line_end != -1 else len(text)]
        if relevant(header, text[start:end]) or tail.strip() or "=" in header:
            continue
        parts.append(text[last:start])
        parts.append("\n" * text.count("\n", start, end))
        last = end
    parts.append(text[last:])
    return "".join(parts)


# --- the token budget ------------------------------------------------------------------

# lark's LALR parser costs 15-50 us per token in pure Python: one crafted expression of a
# million tokens would hold a run for a minute. A top-level block of more tokens than
# this (about 250 KB of dense HCL, a second of parsing) is not parsed but reported;
# real blocks, even large generated policies, stay far below it.
MAX_BLOCK_TOKENS = 50_000
# Texts shorter than this cannot reach the budget (a token is at least one character
# plus separators): they are not counted at all, so normal files pay nothing.
_COUNT_FROM = MAX_BLOCK_TOKENS
# A line comment is one token to lark; block comments and heredocs are over-counted
# (word by word), which errs on the safe side and keeps the pattern linear.
_TOKENISH = re.compile(r'"[^"\n]*"|#[^\n]*|//[^\n]*|\w+|\S')


def _tokens(text: str) -> int:
    """An estimate of lark's token count (a quoted string counts as one)."""
    return _TOKENISH.subn("", text)[1]


def over_budget(text: str, limit: int = MAX_BLOCK_TOKENS) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with every top-level block of more than ``limit`` tokens blanked.

    Returns the new text and, for each blanked block, (line of its header, its token
    estimate). When the blocks cannot be found (unbalanced braces), the whole text is
    one block: a text over the limit comes back empty, reported at line 1.
    """
    if len(text) <= min(_COUNT_FROM, limit):
        return text, []
    blocks = _blocks(text)
    if not blocks:
        count = _tokens(text)
        if count <= limit:
            return text, []
        return "\n" * text.count("\n"), [(1, count)]
    parts: list[str] = []
    over: list[tuple[int, int]] = []
    outside: list[str] = []
    last = 0
    for start, end, _header in blocks:
        outside.append(text[last:start])
        count = _tokens(text[start:end]) if end - start > limit else 0
        parts.append(text[last:start])
        if count > limit:
            parts.append("\n" * text.count("\n", start, end))
            over.append((text.count("\n", 0, start) + 1, count))
        else:
            parts.append(text[start:end])
        last = end
    outside.append(text[last:])
    rest = "".join(outside)
    count = _tokens(rest) if len(rest) > limit else 0
    if count > limit:  # a huge expression outside any block: nothing can be kept apart
        return "\n" * text.count("\n"), [(1, count)]
    if not over:
        return text, []
    parts.append(text[last:])
    return "".join(parts), over
