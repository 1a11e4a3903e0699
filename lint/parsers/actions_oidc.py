"""Which GitHub Actions steps request an OIDC token (and so need ``id-token: write``).

``id-token: write`` is not only for AWS: PyPI trusted publishing, artifact attestations,
sigstore signing, GitHub Pages deployments, Google Cloud, Azure, Vault and others
exchange the same token. A step is sorted into one of three answers:

- it certainly requests a token (:data:`CONSUMERS`, under the inputs that select OIDC:
  ``pypa/gh-action-pypi-publish`` without a ``password``, ``google-github-actions/auth``
  with a ``workload_identity_provider``...);
- it certainly does not (:data:`NO_TOKEN_ACTIONS`, a few very common actions whose
  source never asks for one, and ``run:`` scripts that mention nothing OIDC-like);
- unknown: any other action (a remote or local composite action, a container action),
  and scripts that mention publishing, signing, attestations or the token request
  variables. Unknown is never reported as "uses no OIDC".

``aws-actions/configure-aws-credentials`` is read by the workflow parser itself (it
becomes an :class:`~assume_lint.model.AssumeAttempt`); here it only counts as known.
Names are compared lower-cased and without the ``@ref``, as GitHub resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# Inputs of the step (lower-cased names -> text, "" when present but not a scalar).
Inputs = Mapping[str, str]


def _always(inputs: Inputs) -> bool:
    return True


def _without(*names: str) -> Callable[[Inputs], bool]:
    """OIDC unless one of ``names`` supplies another credential."""
    return lambda inputs: not any(inputs.get(name) for name in names)


def _with(name: str) -> Callable[[Inputs], bool]:
    """OIDC only when ``name`` is given (the action's OIDC mode)."""
    return lambda inputs: bool(inputs.get(name))


def _equals(name: str, value: str) -> Callable[[Inputs], bool]:
    return lambda inputs: (inputs.get(name) or "").strip().lower() == value


def _azure(inputs: Inputs) -> bool:
    """azure/login: OIDC with ``client-id`` and no ``creds`` (a secret) or managed identity."""
    if inputs.get("creds") or (inputs.get("auth-type") or "").strip().upper() == "IDENTITY":
        return False
    return bool(inputs.get("client-id"))


def _vault(inputs: Inputs) -> bool:
    """hashicorp/vault-action: ``method: jwt`` signs in with GitHub's token unless a
    private key to sign a JWT of its own is given."""
    return _equals("method", "jwt")(inputs) and not inputs.get("jwtprivatekey")


# action (lower case, no @ref) -> "does this step request an OIDC token, given its inputs"
CONSUMERS: dict[str, Callable[[Inputs], bool]] = {
    "pypa/gh-action-pypi-publish": _without("password"),
    "actions/attest-build-provenance": _always,
    "actions/attest-sbom": _always,
    "actions/attest": _always,
    "actions/deploy-pages": _always,
    "sigstore/gh-action-sigstore-python": _without("identity-token"),
    "google-github-actions/auth": _with("workload_identity_provider"),
    "azure/login": _azure,
    "hashicorp/vault-action": _vault,
    "rust-lang/crates-io-auth-action": _always,
    "pulumi/auth-actions": _always,
    "octo-sts/action": _always,
    "codecov/codecov-action": _equals("use_oidc", "true"),
    "jfrog/setup-jfrog-cli": _with("oidc-provider-name"),
}

# Common actions whose source never requests an OIDC token.
NO_TOKEN_ACTIONS = frozenset(
    {
        "actions/checkout",
        "actions/setup-node",
        "actions/setup-python",
        "actions/setup-go",
        "actions/setup-java",
        "actions/setup-dotnet",
        "actions/cache",
        "actions/cache/restore",
        "actions/cache/save",
        "actions/upload-artifact",
        "actions/download-artifact",
        "actions/upload-pages-artifact",
        "actions/configure-pages",
        "actions/labeler",
        "actions/stale",
        "actions/dependency-review-action",
        "github/codeql-action/init",
        "github/codeql-action/analyze",
        "github/codeql-action/autobuild",
        "github/codeql-action/upload-sarif",
        "docker/setup-buildx-action",
        "docker/setup-qemu-action",
        "docker/login-action",
        "docker/metadata-action",
        "docker/build-push-action",
        "hashicorp/setup-terraform",
        "aws-actions/amazon-ecr-login",
        "aws-actions/configure-aws-credentials",
    }
)

# Script text that may request a token: the request variables, the JavaScript call,
# publishing (npm, PyPI, crates.io publish through trusted publishing when they can),
# signing and attestations.
_SCRIPT_MARKERS = re.compile(
    r"ACTIONS_ID_TOKEN|getIDToken|id-token|oidc|web-identity|federated|provenance"
    r"|cosign|sigstore|gitsign|attest|publish",
    re.IGNORECASE,
)


def action_name(uses: str) -> str:
    """``Owner/Repo/path@v1`` -> ``owner/repo/path`` (GitHub's names are case-insensitive)."""
    name, _, _ = uses.partition("@")
    return name.strip().lower()


def step_requests_token(uses: str, inputs: Inputs) -> bool | None:
    """True when a ``uses:`` step certainly requests an OIDC token, False when it
    certainly does not, None when nobody can tell from here."""
    if uses.startswith(("./", "docker://")):
        return None  # a local or container action: its code is not read here
    name = action_name(uses)
    consumer = CONSUMERS.get(name)
    if consumer is not None:
        return consumer(inputs)
    if name in NO_TOKEN_ACTIONS:
        return False
    if name == "actions/github-script":
        script = inputs.get("script")
        return None if script is None or "getidtoken" in script.lower() else False
    return None


def script_may_request_token(script: str) -> bool:
    """A ``run:`` script that mentions anything OIDC-like (unknown, never "none")."""
    return _SCRIPT_MARKERS.search(script) is not None
