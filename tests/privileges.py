"""Dropping root for the tests that replay a permission attack.

CI runs as root, which reads unreadable files and ignores process limits, so a test
about permissions proves nothing there unless its CLI runs without root's
capabilities: in a user namespace mapped to uid 1000 (``unshare --user
--map-user=1000``: the tree stays owned by "us", but the capabilities are gone), or,
where user namespaces are unavailable, as ``nobody`` with ``setpriv`` (the tree must
then be reachable by others: :func:`open_to_others`). A test skips, saying why, only
when neither can be used.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest


@functools.cache
def _unprivileged_prefix() -> tuple[str, ...] | None:
    if os.geteuid() != 0:
        return ()
    namespace = ("unshare", "--user", "--map-user=1000", "--map-group=1000")
    if shutil.which("unshare"):
        probe = subprocess.run([*namespace, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return namespace
    if shutil.which("setpriv"):
        return ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    return None


def unprivileged() -> tuple[str, ...]:
    """A command prefix that drops root (empty when not root), or skip."""
    prefix = _unprivileged_prefix()
    if prefix is None:
        pytest.skip("running as root without user namespaces (unshare) or setpriv: "
                    "cannot drop root's capabilities to replay a permission attack")
    return prefix


def open_to_others(prefix: tuple[str, ...], folder: Path) -> None:
    """Make ``folder`` reachable by ``nobody`` when ``prefix`` runs as ``nobody``."""
    if prefix and prefix[0] == "setpriv":
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
