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
the rules (:func:`derive_subjects`). A derived subject may contain ``*``, meaning "any
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
from collections.abc import Mapping, Sequence
from pathlib import Path

from assume_lint.fileio import read_regular
from assume_lint.model import Model, WorkflowJob
from assume_lint.parsers.located import Node
from assume_lint.parsers.yamlloc import YamlError, load
from assume_lint.sources import SourceFile

WILDCARD = "*"
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
_SIMPLE_FILTER = re.compile(r"^[^?+\[\]!:]+$")
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


# --------------------------------------------------------------------------- push filters


@dataclasses.dataclass(frozen=True)
class PushFilter:
    """The refs a workflow's ``push`` trigger runs for (None: any ref of that kind)."""

    branches: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    branch_runs: bool = True
    tag_runs: bool = True


def _patterns(node: Node | None) -> tuple[str, ...] | None:
    """Filter patterns as subject fragments; None when any ref may match."""
    if node is None:
        return None
    out: list[str] = []
    for element in node.elements():
        text = element.text()
        if text is None:
            return None
        if text.startswith("!"):
            continue  # a negation only removes refs: ignoring it over-approximates
        if not _SIMPLE_FILTER.match(text):
            return None  # ?, +, [..]: not worth translating, any ref may match
        out.append(re.sub(r"\*+", WILDCARD, text))
    return tuple(out) if out else None


def push_filter(workflow: Node) -> PushFilter:
    """What ``on.push`` runs for. GitHub: with only branch (tag) filters, a push of a tag
    (branch) does not run the workflow; ``*-ignore`` filters leave the ref unknown."""
    on = workflow.get("on") if workflow.is_map else None
    push = on.get("push") if on is not None and on.is_map else None
    if push is None or not push.is_map:
        return PushFilter()
    has_branch = push.get("branches") is not None or push.get("branches-ignore") is not None
    has_tag = push.get("tags") is not None or push.get("tags-ignore") is not None
    if not has_branch and not has_tag:
        return PushFilter()
    return PushFilter(
        branches=_patterns(push.get("branches")),
        tags=_patterns(push.get("tags")),
        branch_runs=has_branch,
        tag_runs=has_tag,
    )


def workflow_filters(
    sources: Mapping[str, SourceFile], paths: Sequence[str]
) -> dict[str, PushFilter]:
    """The push filter of each workflow file in ``paths`` that ``sources`` holds."""
    out: dict[str, PushFilter] = {}
    for rel in paths:
        source = sources.get(rel)
        if source is None:
            continue
        try:
            out[rel] = push_filter(load(source.text, rel, schema="core"))
        except (YamlError, RecursionError):
            continue
    return out


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


def derive_subjects(
    model: Model, repository: str | None, sources: Mapping[str, SourceFile] | None = None
) -> Model:
    """A copy of ``model`` whose workflow jobs carry their derived subjects.

    ``sources`` (rel -> file) lets the pass read the ``push`` branch and tag filters of
    the workflows; without it a push may come from any ref.
    """
    if not model.jobs:
        return model
    paths = sorted({job.workflow for job in model.jobs})
    filters = workflow_filters(sources or {}, paths)
    jobs = [
        dataclasses.replace(job, subjects=job_subjects(job, repository, filters.get(job.workflow)))
        for job in model.jobs
    ]
    return dataclasses.replace(model, jobs=jobs)
