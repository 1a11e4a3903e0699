"""Finding the files to lint: folders walked, explicit files taken as given.

Walking skips tool folders (``.git``, ``.terraform``, ``.terragrunt-cache``,
``node_modules``, CDK asset folders) and what git ignores, never follows a symlink out of
the scanned root, and survives symlink loops and unreadable folders (reported, not
raised). ``.aws`` and ``.github`` are walked: they hold profiles and workflows.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".terraform", ".terragrunt-cache", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Candidate:
    """A file to consider. ``explicit`` is True when the user named it on the command line."""

    path: Path
    rel: str
    explicit: bool


@dataclass
class WalkResult:
    """Files found, plus problems met on the way (unreadable folders, missing paths)."""

    files: list[Candidate] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (rel path, message)
    missing: list[str] = field(default_factory=list)  # command-line paths that do not exist
    # (rel path, why) of what the walk left out, when asked to record it (--list-files);
    # a skipped folder ends with "/" and stands for everything under it.
    skipped: list[tuple[str, str]] | None = None


def find_repo_root(start: Path) -> Path:
    """git's top-level folder for ``start``, else the folder of ``start`` itself."""
    probe = start if start.is_dir() else start.parent
    return git_root(start) or probe.resolve()


def git_root(start: Path) -> Path | None:
    """git's top-level folder for ``start``, or None outside any repository.

    The nearest folder holding ``.git`` (a folder, or the file of a worktree or
    submodule) is the answer git would give, found without starting git (a few ms of a
    pre-commit run); git is asked only when ``GIT_DIR`` or ``GIT_WORK_TREE`` changes
    the rules.
    """
    probe = start if start.is_dir() else start.parent
    if not {"GIT_DIR", "GIT_WORK_TREE"} & os.environ.keys():
        folder = probe.resolve()
        for candidate in (folder, *folder.parents):
            if (candidate / ".git").exists():
                return candidate
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(probe), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.strip()).resolve()
    return None


def relative(path: Path, root: Path) -> str:
    """POSIX path of ``path`` (links resolved) relative to ``root`` (``..`` segments
    when outside it)."""
    return _posix_relative(path.resolve(), root)


def _posix_relative(absolute: Path, root: Path) -> str:
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute, root)).as_posix()


def _git_ignored(root: Path, folder: Path) -> set[str] | None:
    """Paths under ``folder`` that git ignores, relative to ``root``; None outside git."""
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                str(folder),
                "ls-files",
                "-z",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--directory",
                "--full-name",
            ],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    entries = out.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {entry.rstrip("/") for entry in entries if entry}


def _excluded(rel: str, patterns: Iterable[str]) -> bool:
    return _exclusion(rel, patterns) is not None


def _exclusion(rel: str, patterns: Iterable[str]) -> str | None:
    """The first ``exclude`` pattern that matches ``rel``."""
    for pattern in patterns:
        if path_matches(rel, pattern):
            return pattern
    return None


def path_matches(rel: str, pattern: str) -> bool:
    """The path glob of ``exclude`` and ``[[ignores]] path``: ``fnmatch`` on the
    repo-relative POSIX path (``*`` also crosses ``/``), and a pattern that matches a
    folder also covers everything below it."""
    return fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(
        rel, pattern.rstrip("/") + "/*"
    )


def _skip(result: WalkResult, rel: str, why: str) -> None:
    if result.skipped is not None:
        result.skipped.append((rel, why))


def _skip_dir(name: str, parent_name: str) -> bool:
    if name in SKIP_DIRS:
        return True
    return parent_name == "cdk.out" and name.startswith("asset.")


def walk(
    paths: Iterable[Path],
    root: Path,
    exclude: Iterable[str] = (),
    use_gitignore: bool = True,
    record_skipped: bool = False,
) -> WalkResult:
    """Collect candidate files under ``paths`` (files or folders).

    ``exclude`` applies to files named on the command line too (pre-commit names every
    changed file: an excluded one must stay excluded). ``record_skipped`` fills
    ``WalkResult.skipped`` with what was left out and why.
    """
    result = WalkResult(skipped=[] if record_skipped else None)
    patterns = tuple(exclude)
    seen: set[str] = set()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            result.missing.append(str(given))
            continue
        if given.is_file():
            rel = relative(given, root)
            pattern = _exclusion(rel, patterns)
            if pattern is not None:
                _skip(result, rel, f"excluded by {pattern!r}")
            elif rel not in seen:
                seen.add(rel)
                result.files.append(Candidate(given, rel, explicit=True))
            continue
        if not given.is_dir():
            result.problems.append((str(given), "not a regular file or folder"))
            continue
        ignored = _git_ignored(root, given) if use_gitignore else None
        _walk_dir(given, root, patterns, ignored or set(), seen, result)
    return result


def _walk_dir(
    top: Path,
    root: Path,
    patterns: tuple[str, ...],
    ignored: set[str],
    seen: set[str],
    result: WalkResult,
) -> None:
    top_real = top.resolve()
    visited: set[str] = set()
    stack: list[Path] = [top]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in visited:
            continue  # a symlink loop, or the same folder reached twice
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except PermissionError:
            result.problems.append((relative(folder, root), "permission denied"))
            continue
        except OSError as exc:
            result.problems.append((relative(folder, root), exc.strerror or "cannot read folder"))
            continue
        subdirs: list[Path] = []
        # The folder is resolved once; an entry that is not a link resolves to the
        # folder's real path plus its name (resolving each file was a tenth of a run).
        base = relative(folder, root)
        prefix = "" if base == "." else base + "/"
        for entry in entries:
            path = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                if is_link and not inside(path, top_real):
                    _skip(result, prefix + entry.name, "a link out of the scanned folder")
                    continue  # never follow a link out of the scanned root
                if entry.is_dir():
                    rel = relative(path, root) if is_link else prefix + entry.name
                    if _skip_dir(entry.name, folder.name):
                        _skip(result, rel + "/", "a tool's folder")
                        continue
                    if rel in ignored:
                        _skip(result, rel + "/", "ignored by git")
                        continue
                    pattern = _exclusion(rel, patterns)
                    if pattern is not None:
                        _skip(result, rel + "/", f"excluded by {pattern!r}")
                        continue
                    subdirs.append(path)
                elif entry.is_file():
                    rel = prefix + entry.name if not is_link else _link_rel(path, root)
                    if rel in seen:
                        continue
                    if rel in ignored:
                        _skip(result, rel, "ignored by git")
                        continue
                    pattern = _exclusion(rel, patterns)
                    if pattern is not None:
                        _skip(result, rel, f"excluded by {pattern!r}")
                        continue
                    seen.add(rel)
                    result.files.append(Candidate(path, rel, explicit=False))
            except OSError:
                _skip(result, prefix + entry.name, "a broken link or gone while walking")
                continue  # broken link or a racing delete: nothing to lint
        stack.extend(reversed(subdirs))


def inside(path: Path, top_real: Path) -> bool:
    """Does ``path``, links resolved, lie under ``top_real`` (an already resolved folder)?
    The one rule for walks and for the siblings of a named file: never read outside."""
    try:
        Path(os.path.realpath(path)).relative_to(top_real)
    except ValueError:
        return False
    return True


def _link_rel(path: Path, root: Path) -> str:
    # A symlinked file is reported under the link's own path, not its target's.
    return _posix_relative(path.absolute(), root)
