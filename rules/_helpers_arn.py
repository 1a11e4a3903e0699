"""ARN and principal-identifier checks for AL109 (invalid-trust-policy).

policyuniverse's ARN parser is the reference for "is this an ARN at all"; it is imported
lazily (about 70 ms) and only when a principal actually looks like an ARN, so runs
without trust policies never pay for it. On top of it this module checks what IAM checks
for a trust-policy principal: a 12-digit account (or ``aws`` for managed resources), a
known IAM resource type, and that an identifier is not a unique ID (``AROA...``), which is
what IAM shows when the role or user a policy named has been deleted.
"""

from __future__ import annotations

import re
from functools import lru_cache

UNIQUE_ID = re.compile(r"^(AROA|AIDA|AGPA|ANPA|ANVA|AIPA|ASCA)[A-Z0-9]{12,}$")
_ACCOUNT = re.compile(r"^\d{12}$")
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
# The everyday well-formed principal ARN: accepted without importing policyuniverse
# (~200 ms with its data), which is only consulted for the unusual ones.
_PLAIN_PRINCIPAL_ARN = re.compile(
    r"^arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z])?:iam::\d{12}:"
    r"(?:root|(?:user|role|group|oidc-provider|saml-provider|federated-user)/[\w+=,.@/-]+)$"
    r"|^arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z])?:sts::\d{12}:"
    r"(?:assumed-role|federated-user)/[\w+=,.@/-]+$"
)


def is_unique_id(value: str) -> bool:
    """``AROAEXAMPLEID1234567`` and friends: IAM's unique identifiers."""
    return UNIQUE_ID.match(value.strip()) is not None


@lru_cache(maxsize=1024)
def arn_problem(value: str) -> str | None:
    """Why ``value`` (a principal written as an ARN) is malformed, or None when fine."""
    text = value.strip()
    if _PLAIN_PRINCIPAL_ARN.match(text):
        return None
    from policyuniverse.arn import ARN  # lazily: ~200 ms of imports and data

    parsed = ARN(text)
    if parsed.error:
        return (
            "is not a valid ARN (expected arn:<partition>:<service>:<region>:<account>:<resource>)"
        )
    parts = text.split(":", 5)
    service, region, account, resource = parts[2], parts[3], parts[4], parts[5]
    if service not in ("iam", "sts"):
        return f"names a {service!r} resource; a trust policy principal must be an IAM or STS ARN"
    if region:
        return f"has a region ({region}); IAM and STS principal ARNs have none"
    if not _ACCOUNT.match(account):
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
    if text == "*" or _ACCOUNT.match(text):
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
