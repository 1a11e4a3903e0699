"""Derive the OIDC ``sub`` claims a GitHub Actions job's token can carry.

AWS trust policies for GitHub Actions pin ``token.actions.githubusercontent.com:sub``.
Whether a job can assume such a role depends on the subject GitHub puts into its token,
which follows from the job and the workflow's triggers (GitHub's default subject
template):

* a job with an ``environment``: ``repo:OWNER/REPO:environment:NAME``, whatever the
  trigger (the most common support issue: a trust that only admits
  ``...:ref:refs/heads/main`` never matches such a job);
* otherwise ``repo:OWNER/REPO:pull_request`` for ``pull_request`` runs, and
  ``repo:OWNER/REPO:ref:REF`` for everything else (``refs/heads/BRANCH`` for the branch
  filters of ``push``, ``refs/tags/TAG`` for its tag filters).

Rules are pure functions of the model, so this runs as a model pass between parsing and
the rules (:func:`derive_subjects`), from what the GitHub Actions parser recorded
(triggers, ``environment``, the ``push`` filters in ``WorkflowJob.push``): no workflow
is read twice. A derived subject may contain ``*``, meaning "any
text without ``:``", wherever the value is not known: the repository when neither
``[trusted] github-repository`` nor the git remote names it, an unfiltered branch, a
branch filter pattern. Such a subject still has a *shape* (``repo:*:environment:prod``)
that a trust pattern may or may not be able to match. A job whose subject cannot be
bounded at all (an ``environment`` given by an expression, a reusable workflow, a
workflow without triggers) gets no subjects: unknown means silent.

The repository name comes from config or from the ``origin`` remote in the git
configuration of the repository that contains the scan root (read as a file: no
``git`` process is started).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from assume_lint.files.fileio import read_regular
from assume_lint.model import SUBJECT_WILDCARD, Model, PushFilter, WorkflowJob

WILDCARD = SUBJECT_WILDCARD
_GITHUB_URL = re.compile(
    r"""^(?:
        (?:https?|git|ssh|git\+ssh)://(?:[^@/]+@)?(?:www\.)?github\.com(?::\d+)?/
      | (?:[^@/\s]+@)?github\.com:
    )
    (?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<repo>[A-Za-z0-9._-]+?)
    (?:\.git)?/?$""",
    re.VERBOSE,
)
_REMOTE_ORIGIN = re.compile(r'^\s*\[\s*remote\s+"origin"\s*\]\s*$')
_SECTION = re.compile(r"^\s*\[")
_URL = re.compile(r"^\s*url\s*=\s*(?P<url>\S+)\s*$", re.IGNORECASE)
_MAX_PARENTS = 64


# --------------------------------------------------------------------------- repository


def parse_github_remote(url: str) -> str | None:
    """``OWNER/REPO`` of a github.com remote URL (https, ssh, scp-like), else None."""
    match = _GITHUB_URL.match(url.strip())
    if match is None:
        return None
    return f"{match['owner']}/{match['repo']}"


def _git_dir(folder: Path) -> Path | None:
    """The git directory of ``folder`` (a ``.git`` folder, or the file of a worktree)."""
    dot_git = folder / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():
        text = _small_text(dot_git).strip()
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:") :].strip())
            return target if target.is_absolute() else (folder / target)
    return None


def _config_file(git_dir: Path) -> Path:
    """A worktree's git directory points at the shared one through ``commondir``."""
    common = git_dir / "commondir"
    if common.is_file():
        shared = Path(_small_text(common).strip())
        return (shared if shared.is_absolute() else git_dir / shared) / "config"
    return git_dir / "config"


def _small_text(path: Path) -> str:
    """A git metadata file's text (regular files only, never blocking, at most 1 MiB:
    a checkout may be hostile); OSError when it cannot be read."""
    return read_regular(path, 1 << 20).decode("utf-8", "replace")


def origin_url(config_text: str) -> str | None:
    """The ``url`` of ``[remote "origin"]`` in a git config file's text."""
    inside = False
    for line in config_text.splitlines():
        if _REMOTE_ORIGIN.match(line):
            inside = True
        elif _SECTION.match(line):
            inside = False
        elif inside and (match := _URL.match(line)):
            return match["url"]
    return None


def repository_from_git(start: Path) -> str | None:
    """``OWNER/REPO`` from the origin remote of the repository containing ``start``."""
    try:
        folder = start.resolve()
        for _ in range(_MAX_PARENTS):
            git_dir = _git_dir(folder)
            if git_dir is not None:
                url = origin_url(_small_text(_config_file(git_dir)))
                return parse_github_remote(url) if url else None
            if folder.parent == folder:
                return None
            folder = folder.parent
    except OSError:
        return None
    return None


def repository_name(configured: str | None, root: Path) -> str | None:
    """The configured ``[trusted] github-repository``, else the git remote's."""
    if configured and configured.strip():
        return configured.strip()
    return repository_from_git(root)


# --------------------------------------------------------------------------- subjects


def _ref_subjects(prefix: str, push: PushFilter) -> list[str]:
    refs: list[str] = []
    if push.branch_runs:
        branches = push.branches if push.branches is not None else (WILDCARD,)
        refs.extend(f"{prefix}:ref:refs/heads/{branch}" for branch in branches)
    if push.tag_runs:
        tags = push.tags if push.tags is not None else (WILDCARD,)
        refs.extend(f"{prefix}:ref:refs/tags/{tag}" for tag in tags)
    return refs


def job_subjects(
    job: WorkflowJob, repository: str | None, push: PushFilter | None = None
) -> tuple[str, ...]:
    """The ``sub`` claims the job's token can carry; () when they cannot be bounded."""
    triggers = {t.strip().lower() for t in job.triggers}
    if "workflow_call" in triggers:
        repository = None  # the caller's repository signs the token
    prefix = f"repo:{repository or WILDCARD}"
    if job.environment is not None:
        name = job.environment.value
        return (f"{prefix}:environment:{name}",) if name else ()
    if not triggers or "workflow_call" in triggers:
        return ()
    subjects: list[str] = []
    for trigger in sorted(triggers):
        if trigger == "pull_request":
            subjects.append(f"{prefix}:pull_request")
        elif trigger == "pull_request_target":
            subjects.extend((f"{prefix}:pull_request", f"{prefix}:ref:{WILDCARD}"))
        elif trigger == "push":
            subjects.extend(_ref_subjects(prefix, push or PushFilter()))
        else:
            subjects.append(f"{prefix}:ref:{WILDCARD}")
    return tuple(dict.fromkeys(subjects))


def derive_subjects(model: Model, repository: str | None) -> Model:
    """A copy of ``model`` whose workflow jobs carry their derived subjects.

    A push may come from the refs the parser recorded in ``WorkflowJob.push`` (any ref
    when it recorded none).
    """
    if not model.jobs:
        return model
    jobs = [
        dataclasses.replace(job, subjects=job_subjects(job, repository, job.push))
        for job in model.jobs
    ]
    return dataclasses.replace(model, jobs=jobs)
