"""Regenerate the small hostile-input corpus in this folder (``python make_corpus.py``).

The files are committed, so tests never depend on running this script; it documents how
each crafted byte sequence was made, which matters for files that no editor can show
(NUL bytes, UTF-16, invalid UTF-8, CR-only line endings). Large inputs (over the size
limit, 1 MB regular-expression attacks, 100k-deep nesting) are generated at test time
instead, to keep the corpus small.

Every Terraform file mentions ``provider`` so that the Terraform parser does not skip it
as uninteresting, and every JSON file mentions ``AssumeRole`` and ``Statement`` so that
it is sniffed as a trust policy: the hostile part must reach the parser to test it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A provider with a pasted key on line 3, column 3 (AL201) in every readable variant.
KEYED_TF = (
    'provider "aws" {\n'
    '  region     = "eu-west-1"\n'
    '  access_key = "AKIAQYLPMN5HHHFPZAM3"\n'
    "}\n"
)

CORPUS: dict[str, bytes] = {
    # Binary content behind text extensions (PNG header + NUL bytes).
    "binary.json": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR AssumeRole Statement \x00\xff\xfe",
    "binary.tf": b"\x7fELF\x02\x01\x01\x00\x00\x00provider\x00\x00",
    # One NUL in an otherwise normal file.
    "nul.tf": b'provider "aws" {\n  region = "eu-west-1"\x00\n}\n',
    # Encodings: UTF-8 BOM, UTF-16 LE/BE with BOM: all readable, AL201 at 3:3.
    "bom.tf": codecs.BOM_UTF8 + KEYED_TF.encode("utf-8"),
    "utf16le.tf": codecs.BOM_UTF16_LE + KEYED_TF.encode("utf-16-le"),
    "utf16be.tf": codecs.BOM_UTF16_BE + KEYED_TF.encode("utf-16-be"),
    # Invalid UTF-8: a lone 0xFF byte at line 2, column 15.
    "invalid-utf8.tf": b'provider "aws" {\n  region = "eu\xff-west-1"\n}\n',
    # Line endings: CRLF and old-Mac CR only: AL201 still at 3:3.
    "crlf.tf": KEYED_TF.replace("\n", "\r\n").encode(),
    "cr.tf": KEYED_TF.replace("\n", "\r").encode(),
    # Truncated files: cut in the middle of a string / of a value.
    "truncated.tf": b'provider "aws" {\n  region = "eu-we',
    "truncated.json": (
        b'{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",'
        b' "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::1'
    ),
    "truncated-config": b"[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/dev\n[prof",
    # Broken braces: an extra closing brace on line 4, a missing one in JSON.
    "extra-brace.tf": b'provider "aws" {\n  region = "eu-west-1"\n}\n}\n',
    "missing-brace.json": (
        b'{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        b'    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}\n'
        b"  ]\n}\n"
    ),
}


def main() -> None:
    """Write every corpus file beside this script."""
    for name, data in CORPUS.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
