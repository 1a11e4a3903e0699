"""ARNs, literal or partly known, and how to compare them without guessing.

Real configurations rarely write a whole ARN: ``arn:aws:iam::${local.account_id}:role/deploy``
or CloudFormation's ``!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/...``
leave some parts unknown. Parsers keep such values with each unknown part replaced by
:data:`~assume_lint.model.HOLE` (see the model's docstring); this module splits them into
their parts and answers comparisons in three ways: certainly the same, certainly
different, or unknown. Rules report only the certain answers.

An unknown part is assumed not to span an ARN's ``:`` separators (an interpolation that
supplies ``123456789012:role/x`` at once leaves too few separators and is not parsed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assume_lint.model import HOLE

# Every AWS partition: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-eusc...
_LITERAL_PARTITION = re.compile(r"^aws(?:-[a-z]+)*$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_PARTITION = re.compile(r"^(?:aws(?:-[a-z]+)*|.*" + HOLE + r".*)$")
_ACCOUNT = re.compile(r"^(?:\d{12}|[\d" + HOLE + r"]*" + HOLE + r"[\d" + HOLE + r"]*)$")
_PATH = re.compile(r"^(?:[^/\s]+/)*$")
_ROLE_NAME = re.compile(r"^[\w+=,.@" + HOLE + r"-]+$")


@dataclass(frozen=True, slots=True)
class Arn:
    """The five parts after ``arn:``; each may hold :data:`HOLE` for an unknown part."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def known(self) -> bool:
        """True when every part is literal."""
        return not any(HOLE in part for part in self.parts)

    @property
    def parts(self) -> tuple[str, str, str, str, str]:
        return (self.partition, self.service, self.region, self.account, self.resource)


def parse_arn(text: str | None) -> Arn | None:
    """Split ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``; None when it is not one."""
    if not text or not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) != 6:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def is_wellformed_arn(text: str) -> bool:
    """``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`` with a resource and an account that
    is empty, 12 digits, ``*``, ``aws`` or ``cloudfront`` (the owners of managed
    resources): the shape policyuniverse's ARN parser accepts. Checked here rather than
    there because importing policyuniverse loads its whole action catalogue (about a
    second); tests/test_arn.py compares the two."""
    arn = parse_arn(text)
    if arn is None or not arn.resource or "\n" in arn.resource:
        return False
    return arn.account in ("", "*", "aws", "cloudfront") or is_account_id(arn.account)


def is_account_id(text: str) -> bool:
    """Twelve digits: an AWS account id."""
    return _ACCOUNT_ID.match(text) is not None


def parse_literal_arn(text: str | None) -> Arn | None:
    """An ARN of a real partition (``aws``, ``aws-cn``, ``aws-us-gov``...) split; None when
    ``text`` is not one (or its partition is unknown). Surrounding blanks are ignored."""
    arn = parse_arn(text.strip() if text else text)
    if arn is None or not _LITERAL_PARTITION.match(arn.partition):
        return None
    return arn


def parse_iam_arn(text: str | None) -> Arn | None:
    """``arn:PARTITION:iam::ACCOUNT:RESOURCE`` (a real partition, no region) split; the
    account and the resource as written."""
    arn = parse_literal_arn(text)
    if arn is None or arn.service != "iam" or arn.region:
        return None
    return arn


def iam_resource(text: str | None, kind: str) -> tuple[str, str] | None:
    """``(account, rest)`` of ``arn:PARTITION:iam::ACCOUNT:KIND/REST`` with a non-empty
    ``REST`` (``oidc-provider/HOST``, ``user/NAME``...), or of ``...:root`` for ``kind``
    ``root`` (``REST`` empty). The account as written: callers check what they need."""
    arn = parse_iam_arn(text)
    if arn is None:
        return None
    if kind == "root":
        return (arn.account, "") if arn.resource == "root" else None
    prefix = kind + "/"
    if not arn.resource.startswith(prefix) or len(arn.resource) == len(prefix):
        return None
    return arn.account, arn.resource[len(prefix) :]


def role_account(text: str | None) -> str | None:
    """The account of a literal ``arn:PARTITION:iam::ACCOUNT:role/...`` (12 digits)."""
    found = iam_resource(text, "role")
    return found[0] if found is not None and is_account_id(found[0]) else None


def account_of(text: str | None) -> str | None:
    """The 12-digit account of an ARN of any service, or of a bare account id; None for
    anything else (an S3 bucket ARN has no account)."""
    if text is None:
        return None
    if is_account_id(text):
        return text
    arn = parse_literal_arn(text)
    return arn.account if arn is not None and is_account_id(arn.account) else None


@dataclass(frozen=True, slots=True)
class RoleArn:
    """The parts of an IAM role ARN that identify a role (any may hold :data:`HOLE`)."""

    partition: str
    account: str
    path: str  # "/" or "/team/ci/", as IAM writes it
    name: str

    @property
    def known(self) -> bool:
        return not any(HOLE in part for part in (self.partition, self.account, self.path,
                                                 self.name))

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two ARNs the same role: role names are unique per account
        regardless of path and case, so the path and the case are left out."""
        return (self.partition, self.account, self.name.lower())


def parse_role_arn(text: str | None) -> RoleArn | None:
    """``arn:aws:iam::123456789012:role/path/name`` split, literal or partly known.

    None when the known parts already show it is not a role ARN (a malformed ARN is
    another rule's business) or when too little is known to tell.
    """
    arn = parse_arn(text.strip() if text else text)
    if arn is None or arn.service != "iam" or arn.region or not arn.resource.startswith("role/"):
        return None
    if not _PARTITION.match(arn.partition) or not _ACCOUNT.match(arn.account):
        return None
    head, slash, name = arn.resource[len("role/") :].rpartition("/")
    path = head + slash
    if not _PATH.match(path) or not _ROLE_NAME.match(name):
        return None
    return RoleArn(arn.partition, arn.account, "/" + path, name)


def literal_role_arn(text: str | None) -> RoleArn | None:
    """A role ARN whose every part is known (:func:`parse_role_arn` without holes); None
    for a partly known one or anything else."""
    arn = parse_role_arn(text)
    return arn if arn is not None and arn.known else None


def is_mfa_device_arn(text: str) -> bool:
    """``arn:PARTITION:iam::ACCOUNT:mfa/PATH/NAME``, literal (a virtual MFA device)."""
    found = iam_resource(text, "mfa")
    if found is None or not is_account_id(found[0]):
        return False
    head, slash, name = found[1].rpartition("/")
    return bool(_PATH.match(head + slash) and _ROLE_NAME.match(name)) and HOLE not in name


def fits(pattern: str, text: str) -> bool:
    """Whether some filling of ``pattern``'s holes gives ``text`` (a literal).

    Holes are like ``*`` in a glob; greedy leftmost matching of the known pieces is exact
    for such patterns and linear in practice (``str.find``), never backtracking.
    """
    pieces = pattern.split(HOLE)
    if len(pieces) == 1:
        return pattern == text
    first, last = pieces[0], pieces[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first):
        return False
    if not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def could_equal(a: str, b: str) -> bool:
    """Whether some filling of the holes of ``a`` and ``b`` makes them equal.

    Exact when at most one side has holes. When both do, only their known prefixes and
    suffixes are compared: an answer of True then means "cannot tell", never a guess
    that they differ.
    """
    if HOLE not in b:
        return fits(a, b)
    if HOLE not in a:
        return fits(b, a)
    a_pieces, b_pieces = a.split(HOLE), b.split(HOLE)
    a_head, b_head, a_tail, b_tail = a_pieces[0], b_pieces[0], a_pieces[-1], b_pieces[-1]
    heads = a_head.startswith(b_head) or b_head.startswith(a_head)
    tails = a_tail.endswith(b_tail) or b_tail.endswith(a_tail)
    return heads and tails


def could_be_same_role(left: RoleArn, right: RoleArn) -> bool:
    """Whether some filling of the unknown parts makes two role ARNs name one role
    (partition, account and case-insensitive name; the path never matters). False means
    the known parts already differ: certainly two roles. The one comparison of partly
    known role ARNs: AL301 (through :func:`same_role`) and the caller-to-role lookup of
    :mod:`assume_lint.model.roles` both use it."""
    pairs = zip(left.identity, right.identity, strict=True)
    return all(could_equal(x, y) for x, y in pairs)


def same_role(a: str | None, b: str | None) -> bool | None:
    """True when two role ARNs certainly name the same role, False when they certainly
    name different roles, None when an unknown part decides (or either is no role ARN)."""
    left, right = parse_role_arn(a), parse_role_arn(b)
    if left is None or right is None:
        return None
    if left.known and right.known:
        return left.identity == right.identity
    return None if could_be_same_role(left, right) else False
