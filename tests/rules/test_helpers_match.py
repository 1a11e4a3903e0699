"""Matching callers to in-tree roles, partly known caller ARNs included (issue 14: rules
that compare identities use the known parts and stay silent where unknown parts decide)."""

from __future__ import annotations

import pytest
from builders import attempt, cond, model, principal, role, statement

from assume_lint.model import Attr, Model, Role
from assume_lint.model.findings import Location
from assume_lint.model.registry import RuleContext
from assume_lint.model.roles import find_role
from assume_lint.rules import al302_caller_missing_external_id as al302
from assume_lint.rules import al305_duration_exceeds_role_max as al305

H = "\ue000"
DEPLOY_111 = "arn:aws:iam::111111111111:role/deploy"


def _role(name: str, arn: str | None = None, account: str | None = None) -> Role:
    trust = statement(principals=[principal("arn:aws:iam::222222222222:root", line=5)])
    return role(trust, address=f"aws_iam_role.{name}", name=name, arn=arn, account=account)


@pytest.mark.parametrize(
    ("caller", "roles", "found"),
    [
        # only the partition is unknown (${data.aws_partition.current.partition})
        (f"arn:{H}:iam::111111111111:role/deploy", [_role("deploy", DEPLOY_111)], "deploy"),
        (f"arn:{H}:iam::111111111111:role/Deploy", [_role("deploy")], "deploy"),
        # the known parts differ: certainly another role
        (f"arn:{H}:iam::111111111111:role/other", [_role("deploy", DEPLOY_111)], None),
        (f"arn:{H}:iam::222222222222:role/deploy", [_role("deploy", DEPLOY_111)], None),
        # an unknown account or role name decides which role it is: nothing matches
        (f"arn:aws:iam::{H}:role/deploy", [_role("deploy", DEPLOY_111)], None),
        (f"arn:aws:iam::{H}:role/deploy", [_role("deploy")], None),
        (f"arn:aws:iam::111111111111:role/{H}", [_role("deploy", DEPLOY_111)], None),
        (f"arn:aws:iam::111111111111:role/{H}-deploy", [_role("deploy", DEPLOY_111)], None),
        # two candidates: ambiguous, silent
        (
            f"arn:{H}:iam::111111111111:role/deploy",
            [_role("deploy", DEPLOY_111), _role("deploy", account="111111111111")],
            None,
        ),
    ],
)
def test_find_role_with_partly_known_arns(
    caller: str, roles: list[Role], found: str | None
) -> None:
    role_found = find_role(model(roles=roles), caller)
    assert (role_found.name if role_found else None) == found


def _caller(partial: str, **extra: object) -> Model:
    arn = Attr(None, Location("providers.tf", 7, 5), "", partial)
    defined = role(
        statement(
            principals=[principal("arn:aws:iam::222222222222:root", line=5, path="iam.tf")],
            conditions=[
                cond("StringEquals", "sts:ExternalId", "vendor-1234", line=8, path="iam.tf")
            ],
            path="iam.tf",
        ),
        address="aws_iam_role.deploy",
        name="deploy",
        path="iam.tf",
    )
    who = attempt("provider", "aws", "provider.aws", 6, "providers.tf", role_arn=arn, **extra)
    return model(roles=[defined], attempts=[who])


def test_partly_known_caller_is_checked_against_the_role_its_known_name_names() -> None:
    found = list(al302.check(_caller(f"arn:{H}:iam::111111111111:role/deploy"), RuleContext()))
    assert [(h.location.path, h.location.line) for h in found] == [("providers.tf", 7)]
    assert list(al302.check(_caller(f"arn:aws:iam::{H}:role/deploy"), RuleContext())) == []


def test_partly_known_caller_duration_against_the_role_maximum() -> None:
    duration = Attr("7200", Location("providers.tf", 9, 5))
    found = list(
        al305.check(
            _caller(f"arn:{H}:iam::111111111111:role/deploy", duration=duration), RuleContext()
        )
    )
    assert [(h.location.path, h.location.line) for h in found] == [("providers.tf", 9)]


@pytest.mark.parametrize(
    "caller",
    [
        f"arn:{H}:iam::111111111111:role/deploy",
        f"arn:{H}:iam::111111111111:role/team/DEPLOY",
        f"arn:{H}:iam::111111111111:role/other",
        f"arn:{H}:iam::222222222222:role/deploy",
        f"arn:aws-{H}:iam::111111111111:role/deploy",
        f"arn:aws-{H}:iam::111111111111:role/deploy-{H}",
        "arn:aws:iam::111111111111:role/deploy",
        "arn:aws-cn:iam::111111111111:role/deploy",
    ],
)
def test_role_lookup_and_al301_compare_partly_known_arns_one_way(caller: str) -> None:
    """The caller-to-role lookup (AL302-AL305) and AL301's comparison answer "could these
    name one role?" with one function (assume_lint.model.arn.could_be_same_role): a lookup
    finds the role exactly when AL301 would not call the two ARNs certainly different."""
    from assume_lint.model.arn import could_be_same_role, parse_role_arn, same_role

    found = find_role(model(roles=[_role("deploy", DEPLOY_111)]), caller)
    left, right = parse_role_arn(caller), parse_role_arn(DEPLOY_111)
    assert left is not None and right is not None
    assert (found is not None) == could_be_same_role(left, right)
    if H in caller:
        assert (found is not None) == (same_role(caller, DEPLOY_111) is None)
