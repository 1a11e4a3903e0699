"""Cut a Terraform file down to the top-level blocks that matter, before lark sees it.

Parsing with lark is almost all of a cold run's time, and most blocks of a real module
(``module``, ``output``, resources other than ``aws_iam_role``, data sources other than
policy documents and remote state) cannot hold anything assume-lint checks. A cheap
regex scanner finds the top-level blocks; the irrelevant ones are replaced by empty
lines, so every line and column of what is kept stays exactly where it was. When the
scanner is unsure (unbalanced braces, an unterminated string or heredoc), the text is
returned unchanged and lark reports the problem as usual.

The cost of this speed: a syntax error inside a skipped block is not reported, as it
holds nothing this linter checks (``terraform validate`` reports it).
"""

from __future__ import annotations

import re

_KEEP_TYPES = frozenset({"terraform", "provider", "locals", "variable"})
_KEEP_LABELS = {
    "resource": frozenset({"aws_iam_role"}),
    "data": frozenset({"aws_iam_policy_document", "terraform_remote_state"}),
}
# Tokens that change the brace depth or hide braces: strings, comments, heredoc starts.
_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|#[^\n]*|//[^\n]*|/\*.*?\*/"
    r"|<<-?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*\n"
    r"|[{}]",
    re.DOTALL,
)
_HEADER = re.compile(r'[ \t]*([A-Za-z_][A-Za-z0-9_-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')


def _relevant(header: str) -> bool:
    match = _HEADER.match(header)
    if match is None:
        return True
    kind = match.group(1)
    if kind in _KEEP_TYPES:
        return True
    labels = [a or b for a, b in _LABEL.findall(match.group(2))]
    keep = _KEEP_LABELS.get(kind)
    return keep is not None and bool(labels) and labels[0] in keep


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
        if match.group(1):  # a heredoc: jump past its closing marker line
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
        elif token.startswith('"') and "\n" in token:
            return None
    return None if depth else blocks


def keep_relevant(text: str) -> str:
    """``text`` with irrelevant top-level blocks blanked (lines preserved)."""
    blocks = _blocks(text)
    if not blocks:
        return text
    parts: list[str] = []
    last = 0
    for start, end, header in blocks:
        line_end = text.find("\n", end)
        tail = text[end : line_end if line_end != -1 else len(text)]
        if _relevant(header) or tail.strip() or "=" in header:
            continue
        parts.append(text[last:start])
        parts.append("\n" * text.count("\n", start, end))
        last = end
    parts.append(text[last:])
    return "".join(parts)
