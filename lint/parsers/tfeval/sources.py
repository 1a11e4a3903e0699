"""Module folders: where a module call's source is, and reading a folder's files.

A local source (``./modules/iam-role``, ``../shared/iam``) is a folder relative to the
calling module's. A registry or git source is followed only where ``terraform init``
left ``.terraform/modules/modules.json`` in the root module: it maps each call (by its
key, ``iam`` or ``iam.child`` for a call inside a called module) to the downloaded
folder. Anything else (no ``modules.json``, an entry missing, a folder outside the
repository) is an unknown module: its outputs are unknown and it contributes nothing.

Every file read here is recorded in a :class:`Reads` with a digest of its content, so
the model cache can tell when a unit's model depends on files that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assume_lint.files.fileio import TooLarge, read_regular
from assume_lint.files.sources import DEFAULT_MAX_BYTES, SourceFile, read_source

MAX_FILES = 500  # .tf files read from one module folder
MAX_MANIFEST = 4 * 1024 * 1024
MODULE_SUFFIXES = (".tf", ".tf.json")


@dataclass
class Reads:
    """Files (and folder listings) read outside the unit: path -> content digest."""

    base: Path  # the unit's folder: paths are recorded relative to it
    digests: dict[str, str] = field(default_factory=dict)

    def record(self, path: Path) -> None:
        """Note that the model depends on ``path`` (a file, or a folder's listing)."""
        self.digests[os.path.relpath(path, self.base)] = digest_of(path)

    def missing(self, path: Path) -> None:
        self.digests[os.path.relpath(path, self.base)] = "missing"


def digest_of(path: Path) -> str:
    """A digest of a file's bytes or a folder's module files, "missing" when unreadable."""
    try:
        if path.is_dir():
            return hashlib.sha256(_listing(path).encode("utf-8", "surrogatepass")).hexdigest()
        return hashlib.sha256(read_regular(path, DEFAULT_MAX_BYTES)).hexdigest()
    except OSError:  # also a FIFO or device swapped in, or a file over the limit
        return "missing"


def fresh(digests: dict[str, str], base: Path) -> bool:
    """Whether every recorded dependency (relative to ``base``) is unchanged."""
    return all(digest_of(base / rel) == digest for rel, digest in digests.items())


def _listing(folder: Path) -> str:
    try:
        names = sorted(p.name for p in folder.iterdir()
                       if p.name.lower().endswith(MODULE_SUFFIXES) and p.is_file())
    except OSError:
        return ""
    return "\n".join(names)


def inside(path: Path, root: Path) -> bool:
    """``path`` (resolved) is ``root`` or below it."""
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def read_module_files(folder: Path, rel_of: Callable[[Path], str], reads: Reads
                      ) -> list[SourceFile]:
    """The ``.tf``/``.tf.json`` files of a module folder, named by ``rel_of``."""
    listing = _listing(folder)
    reads.record(folder)
    files: list[SourceFile] = []
    for name in listing.split("\n")[:MAX_FILES] if listing else []:
        path = folder / name
        rel = rel_of(path)
        loaded = read_source(path, rel)
        if isinstance(loaded, SourceFile):
            reads.record(path)
            files.append(loaded)
        else:
            reads.missing(path)
    return files


def load_manifest(root: Path, reads: Reads) -> dict[str, str]:
    """``.terraform/modules/modules.json`` of a root module: call key -> folder (as
    written, relative to the root module); empty when absent or unreadable."""
    path = root / ".terraform" / "modules" / "modules.json"
    try:
        data = read_regular(path, MAX_MANIFEST)
    except TooLarge:
        return {}
    except OSError:  # absent, unreadable, or not a regular file (never waited on)
        reads.missing(path)
        return {}
    reads.record(path)
    try:
        parsed = json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        return {}
    modules = parsed.get("Modules") if isinstance(parsed, dict) else None
    out: dict[str, str] = {}
    for entry in modules if isinstance(modules, list) else []:
        if not isinstance(entry, dict):
            continue
        key, folder = entry.get("Key"), entry.get("Dir")
        if isinstance(key, str) and key and isinstance(folder, str) and folder:
            out[key] = folder
    return out


def resolve(source: str, caller: Path, key: str, root: Path, repo: Path,
            manifest: dict[str, str]) -> Path | None:
    """The folder of the module call ``key`` (``a.b``) with ``source``, made by a
    module in ``caller``; None when it is unknown or outside the repository."""
    found: Path | None = None
    if key in manifest:
        found = root / manifest[key]
    elif source.startswith(("./", "../")) or source in (".", ".."):
        found = caller / source
    if found is None:
        return None
    try:
        resolved = found.resolve()
    except (OSError, RuntimeError):
        return None
    if not inside(resolved, repo) or not resolved.is_dir():
        return None
    return resolved
