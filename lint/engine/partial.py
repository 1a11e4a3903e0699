"""Partial runs: load the role definitions a given file's callers need, as context only.

pre-commit passes only the changed files. A workflow, provider or profile that assumes a
role defined elsewhere in the repository would then lose its cross-file checks (AL302 to
AL305), because the role's definition was never read. When files are named explicitly
and some caller names a role that the loaded model does not define, this pass walks the
scan root for files that may define those roles (a cheap text prefilter: the file names
a role type, ``aws_iam_role``, ``AssumeRolePolicyDocument`` or ``AWS::IAM::Role``, and
the name of a missing role) and adds their Terraform module siblings; the engine loads
them and rebuilds the model. The added files are context: they are not reported on (the
engine reports only given files) and their parse problems are dropped, because the user
did not ask about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from assume_lint.engine.config import Config
from assume_lint.files.fileio import read_regular
from assume_lint.files.walk import Candidate, walk
from assume_lint.model import Model
from assume_lint.model.arn import parse_role_arn
from assume_lint.model.roles import find_role
from assume_lint.parsers import detect_by_path

ROLE_MARKERS = ("aws_iam_role", "AssumeRolePolicyDocument", "AWS::IAM::Role")
_SUFFIXES = (".tf", ".tf.json", ".json", ".yaml", ".yml", ".template")


def missing_roles(model: Model) -> set[str]:
    """Names of the roles that callers name (by a resolved ARN) and the model lacks."""
    names: set[str] = set()
    for attempt in model.attempts:
        arn = parse_role_arn(attempt.role_arn.pattern) if attempt.role_arn else None
        if arn is None or attempt.role_arn is None:
            continue
        if find_role(model, attempt.role_arn.pattern) is None:
            names.add(arn.name)
    return names


def _may_define_role(candidate: Candidate, limit: int, names: set[str]) -> bool:
    """Path and text prefilter: a file of a role-defining format that names a role type
    and one of the missing roles' names.

    Requiring the name keeps a pre-commit run in a monorepo from parsing every role
    definition of the repository when a provider assumes a role of another account.
    The cost: a role whose name is only built by interpolation (``"${var.env}-ci"``) is
    not found by a partial run; a full run sees it.
    """
    if not candidate.rel.lower().endswith(_SUFFIXES) or detect_by_path(candidate.rel) is None:
        return False
    try:
        text = read_regular(candidate.path, limit).decode("utf-8", "replace")
    except OSError:  # too large, not a regular file (any more), unreadable
        return False
    return any(marker in text for marker in ROLE_MARKERS) and any(n in text for n in names)


def _module_files(candidate: Candidate, everything: Sequence[Candidate]) -> list[Candidate]:
    """A Terraform file's module siblings (locals and variables resolve the role's name)."""
    if detect_by_path(candidate.rel) != "terraform":
        return [candidate]
    folder = PurePosixPath(candidate.rel).parent
    return [
        other
        for other in everything
        if PurePosixPath(other.rel).parent == folder and detect_by_path(other.rel) == "terraform"
    ]


def role_candidates(
    given: Sequence[Candidate], model: Model, root: Path, config: Config, loaded: set[str]
) -> list[Candidate]:
    """Context files to load for a partial run (empty for folder runs or nothing missing)."""
    if not any(c.explicit for c in given):
        return []
    names = missing_roles(model)
    if not names:
        return []
    scope = config.search_root or root
    everything = [c for c in walk([scope], root, config.exclude).files if c.rel not in loaded]
    out: dict[str, Candidate] = {}
    for candidate in everything:
        if candidate.rel in out or not _may_define_role(candidate, config.max_file_size, names):
            continue
        for member in _module_files(candidate, everything):
            out.setdefault(member.rel, Candidate(member.path, member.rel, explicit=False))
    return [out[rel] for rel in sorted(out)]
