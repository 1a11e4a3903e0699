"""The HCL parser's LALR tables, built at development time and shipped in the package.

lark needs about two seconds to build python-hcl2's LALR parser from its grammar. We
used to keep the built parser in a pickle in the user cache folder; any process able to
write that folder (a poisoned CI cache, a shared runner image) then ran code in every
later lint, even with ``--no-cache``. Now nothing about the parser is written at run
time and nothing is unpickled:

* ``python -m assume_lint.parsers.hcl_tables --write`` serialises the built parser
  (lark's own ``memo_serialize``: plain dicts, lists, strings and numbers) to
  :data:`TABLES` in the package's ``data`` folder, gzipped JSON;
* at run time the parser is rebuilt from that data with lark's ``_load_from_dict``, the
  loader behind its own cache (a few tens of milliseconds, where building takes two
  seconds), so the first run after a fresh install is as fast as every later one;
* the data is keyed by the grammar text and the lark version (:func:`grammar_key`).
  When they differ from the installed ones (pip resolved another lark or python-hcl2
  within pyproject's ranges), the data is ignored and the parser is built in memory, in
  this process only: slower, never wrong. ``tests/test_hcl_tables.py`` fails when the
  shipped data is stale for the pinned versions (regenerate with ``--write``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

TABLES = "hcl2-parser.json.gz"
_FORMAT = "1"
# JSON objects have string keys; lark's tables have integer keys (parser states, the
# memo). Such a dict is written as {_INT_KEYS: [[key, value], ...]}.
_INT_KEYS = "\u0000int-keys"


def _grammar_path() -> Path:
    import hcl2.parser

    return Path(hcl2.parser.__file__).parent / "hcl2.lark"


def grammar_key() -> str:
    """What the shipped data must match: our format, lark's version, the grammar text."""
    import lark

    digest = hashlib.sha256()
    for part in (_FORMAT, str(lark.__version__), _grammar_path().read_text("utf-8")):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _options() -> dict[str, Any]:
    """The run-time options of hcl2's parser that are not part of the tables."""
    from hcl2.postlexer import PostLexer

    return {"postlex": PostLexer(), "propagate_positions": True}


def build() -> Any:
    """Build the parser from the grammar, exactly as ``hcl2.parser.parser()`` does, in
    memory (``cache=False``: lark writes and reads no cache file either)."""
    import hcl2.parser
    from lark import Lark

    return Lark.open(
        "hcl2.lark",
        parser="lalr",
        cache=False,
        rel_to=hcl2.parser.__file__,
        **_options(),
    )


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value):
            return {_INT_KEYS: [[k, _encode(v)] for k, v in value.items()]}
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in lark's serialised parser")


def _decode_object(pairs: dict[str, Any]) -> Any:
    if _INT_KEYS in pairs and len(pairs) == 1:
        return {k: v for k, v in pairs[_INT_KEYS]}
    return pairs


def serialize(parser: Any) -> bytes:
    """The gzipped JSON of ``parser`` (sorted keys, no gzip timestamp; lark numbers its
    states in an order that varies between builds, so two builds may differ in bytes
    while parsing alike: ``tests/test_hcl_tables.py`` compares behaviour)."""
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _options()}
    document = {"key": grammar_key(), "data": _encode(data), "memo": _encode(memo)}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return gzip.compress(text.encode("ascii"), compresslevel=9, mtime=0)


def load_shipped() -> Any | None:
    """The parser from the package's tables; None when they are missing, damaged or
    made for another grammar or lark version."""
    from lark import Lark

    try:
        blob = resources.files("assume_lint").joinpath("data", TABLES).read_bytes()
        document = json.loads(gzip.decompress(blob), object_hook=_decode_object)
        if document.get("key") != grammar_key():
            return None
        data, memo = document["data"], document["memo"]
        return Lark._load_from_dict(data, memo, **_options())  # type: ignore[no-untyped-call]
    except Exception:  # noqa: BLE001 - any damage means: build instead
        return None


def load() -> Any:
    """The HCL parser: from the shipped tables, else built in memory."""
    parser = load_shipped()
    return parser if parser is not None else build()


def main(argv: list[str] | None = None) -> int:
    """``--write``: regenerate the shipped tables; ``--check``: exit 1 when stale."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(__file__).resolve().parents[1] / "data" / TABLES
    if args == ["--write"]:
        target.write_bytes(serialize(build()))
        print(f"wrote {target}")
        return 0
    if args == ["--check"]:
        fresh = load_shipped() is not None
        print(f"{target}: {'up to date' if fresh else 'stale: run with --write'}")
        return 0 if fresh else 1
    print("usage: python -m assume_lint.parsers.hcl_tables --write | --check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
