"""Output formatters: text (gcc-style), JSON, SARIF 2.1.0, GitHub annotations, GitLab Code
Quality.

Each formatter is a module with one pure function, ``render(result, rules, *, color,
category, include_suppressed) -> str``. Modules are imported lazily so that the text path
(pre-commit, every commit) does not pay for the SARIF code. The CLI is the only code that
writes the rendered string anywhere, and formatters never decide exit codes.

The helpers below are shared by the formatters: they keep masking, fingerprints and
one-line escaping identical across formats, so a secret masked in one output cannot leak
through another.
"""

from __future__ import annotations

import hashlib
import importlib
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from assume_lint.files.secrets import mask_text
from assume_lint.model import Model
from assume_lint.model.findings import Finding
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult

FORMATTERS: dict[str, str] = {
    "text": "assume_lint.formatters.text",
    "json": "assume_lint.formatters.json_format",
    "sarif": "assume_lint.formatters.sarif",
    "github": "assume_lint.formatters.github",
    "gitlab": "assume_lint.formatters.gitlab",
}
# Report formats that also draw the model (the graph): their ``render`` takes a ``model``
# keyword. Kept apart from FORMATTERS, whose modules all share the plain signature.
NEEDS_MODEL: dict[str, str] = {
    "markdown": "assume_lint.formatters.markdown",
    "html": "assume_lint.formatters.html",
}

# Characters that would let a path or message break the one-finding-a-line contract, or
# reorder what a terminal shows (bidi controls, "Trojan Source").
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class _Renderer(Protocol):
    """The signature every formatter module's ``render`` has."""

    def __call__(
        self,
        result: RunResult,
        rules: Sequence[Rule],
        *,
        color: bool = False,
        category: str = "assume-lint",
        include_suppressed: bool = False,
    ) -> str: ...


def render(
    fmt: str,
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
    model: Model | None = None,
) -> str:
    """Render ``result`` in format ``fmt`` (a key of :data:`FORMATTERS`).

    ``model`` is passed only to the formatters of :data:`NEEDS_MODEL`, so the others keep
    their signature.

    Raises ValueError for an unknown format: the CLI restricts the choice with
    ``click.Choice(sorted(FORMATTERS))``, so this only fires on a programming error.
    """
    try:
        module_name = FORMATTERS.get(fmt) or NEEDS_MODEL[fmt]
    except KeyError:
        known = ", ".join(sorted({*FORMATTERS, *NEEDS_MODEL}))
        raise ValueError(f"unknown format {fmt!r} (expected one of: {known})") from None
    module = importlib.import_module(module_name)
    if fmt in NEEDS_MODEL:
        return str(
            module.render(
                result,
                rules,
                color=color,
                category=category,
                include_suppressed=include_suppressed,
                model=model,
            )
        )
    renderer: _Renderer = module.render
    return renderer(
        result,
        rules,
        color=color,
        category=category,
        include_suppressed=include_suppressed,
    )


def masked(text: str, result: RunResult) -> str:
    """``text`` with every secret-shaped run and every known secret of ``result`` masked."""
    return mask_text(text, result.secrets)


def one_line(text: str) -> str:
    """Escape control, line-separator and bidi characters so ``text`` stays on one line.

    Used for paths and messages in the text format: a file named ``a\\nb.tf`` must not
    forge a second finding line that an editor or CI annotator would trust.
    """
    if text.isprintable() and not any(c in _BIDI_CONTROLS for c in text):
        return text
    out: list[str] = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def fingerprint(finding: Finding) -> str:
    """The finding's stable fingerprint, or a sha256 of its logical identity when unset.

    The engine normally fills ``Finding.fingerprint``; the fallback hashes rule id, path,
    logical key and message (never the line) so baselines and SARIF ``partialFingerprints``
    survive edits elsewhere in the file.
    """
    if finding.fingerprint:
        return finding.fingerprint
    parts = (finding.rule_id, finding.location.path, finding.key, finding.message)
    data = "\x00".join(parts).encode("utf-8", errors="surrogateescape")
    return hashlib.sha256(data).hexdigest()


def reported(result: RunResult, include_suppressed: bool) -> list[tuple[Finding, bool]]:
    """Findings to emit, sorted by location, each with whether it was suppressed."""
    items = [(finding, False) for finding in result.findings]
    if include_suppressed:
        items.extend((finding, True) for finding in result.suppressed)
    return sorted(items, key=lambda item: (*sort_key(item[0]), item[1]))


def sort_key(finding: Finding) -> tuple[str, int, int, str, str, str]:
    """File order, then rule id. Not ``Finding``'s own ordering: its Location compares
    ``end_line`` values, which may be None on one side and an int on the other."""
    loc = finding.location
    return (loc.path, loc.line, loc.column, finding.rule_id, finding.message, finding.key)


__all__ = [
    "FORMATTERS",
    "NEEDS_MODEL",
    "fingerprint",
    "masked",
    "one_line",
    "render",
    "reported",
    "sort_key",
]
