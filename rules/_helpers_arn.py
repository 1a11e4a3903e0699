"""Principal-identifier checks for AL109 (invalid-trust-policy).

On top of :mod:`assume_lint.model.arn` (is it an ARN at all, whose account) this module checks
what IAM checks for a trust-policy principal: a 12-digit account (or ``aws`` for managed
resources), a known IAM resource type, and that an identifier is not a unique ID
(``AROA...``), which is what IAM shows when the role or user a policy named has been
deleted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assume_lint.model.arn import is_account_id, is_wellformed_arn

UNIQUE_ID = re.compile(r"^(AROA|AIDA|AGPA|ANPA|ANVA|AIPA|ASCA)[A-Z0-9]{12,}$")
_IAM_RESOURCES = (
    "root",
    "user/",
    "role/",
    "group/",
    "oidc-provider/",
    "saml-provider/",
    "federated-user/",
)
_STS_RESOURCES = ("assumed-role/", "federated-user/")


def is_unique_id(value: str) -> bool:
    """``AROAEXAMPLEID1234567`` and friends: IAM's unique identifiers."""
    return UNIQUE_ID.match(value.strip()) is not None


@lru_cache(maxsize=1024)
def arn_problem(value: str) -> str | None:
    """Why ``value`` (a principal written as an ARN) is malformed, or None when fine."""
    text = value.strip()
    parts = text.split(":", 5)
    if len(parts) == 6 and parts[2] in ("iam", "sts") and not is_account_id(parts[4]):
        # six parts: the ARN's shape is right, its account field is not (a placeholder?)
        return f"has the account {parts[4]!r}; it must be a 12-digit account id"
    if not is_wellformed_arn(text):
        return (
            "is not a valid ARN (expected arn:<partition>:<service>:<region>:<account>:<resource>)"
        )
    parts = text.split(":", 5)
    service, region, account, resource = parts[2], parts[3], parts[4], parts[5]
    if service not in ("iam", "sts"):
        return f"names a {service!r} resource; a trust policy principal must be an IAM or STS ARN"
    if region:
        return f"has a region ({region}); IAM and STS principal ARNs have none"
    if not is_account_id(account):
        return f"has the account {account!r}; it must be a 12-digit account id"
    if "*" in resource or "?" in resource:
        return 'has a wildcard; IAM accepts wildcards only as the whole principal ("*")'
    allowed = _IAM_RESOURCES if service == "iam" else _STS_RESOURCES
    if not resource.startswith(allowed):
        return f"has the resource {resource!r}, which is not a principal type"
    return None


def aws_principal_problem(value: str) -> str | None:
    """Why an ``AWS`` principal identifier is not usable, or None when fine."""
    text = value.strip()
    if text == "*" or is_account_id(text):
        return None
    if is_unique_id(text):
        return (
            "is a unique ID, not an ARN: IAM shows this when the role or user the policy "
            "named was deleted, and nobody can use the trust any more; name the principal "
            "by ARN again"
        )
    if text.lower().startswith("arn:"):
        return arn_problem(text)
    return 'is neither an ARN, a 12-digit account id nor "*"'
