"""Opening files the way a linter of untrusted trees must: never block, never follow a
link out of bounds, never overwrite through one.

Every byte the linter reads from disk (inputs, their siblings, the config, the baseline,
cache entries, excerpts read back for the HTML report) comes through
:func:`read_regular`, and every report or baseline it writes goes through
:func:`write_file`. One place decides, so the rules cannot drift apart:

* Reading opens with ``O_NONBLOCK`` (a FIFO planted where a file was, or swapped in
  during the run, cannot hang the run), checks the *opened* file with ``fstat`` (only
  regular files are read: no device, FIFO or socket, whatever ``stat`` said a moment
  earlier), and reads at most ``limit`` bytes (a link to ``/dev/zero`` or a file that
  grows while it is read cannot exhaust memory). ``follow=False`` adds ``O_NOFOLLOW``.
* Writing never follows or replaces a symbolic link (a pull request that commits a
  link where CI writes its report must not overwrite a file outside the checkout); a
  regular file is replaced atomically (temporary file + rename) with the permissions
  a shell redirection would give; anything else (``/dev/null``, ``/dev/stdout``, a FIFO)
  is written in place, never replaced by a regular file.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from pathlib import Path

_CHUNK = 1 << 20


class NotRegularFile(OSError):
    """The path exists but is not a regular file (a FIFO, a device, a folder, a socket)."""


class TooLarge(OSError):
    """The file is larger than the caller's limit."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size} bytes, larger than the {limit}-byte limit")
        self.size = size
        self.limit = limit


class LinkRefused(OSError):
    """An output path is a symbolic link: it is never written through."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(
    path: Path | str, limit: int, *, follow: bool = True, head: bool = False
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises :class:`NotRegularFile` for anything but a regular file, :class:`TooLarge`
    when the file holds more than ``limit`` bytes (checked on the open file, and again
    while reading, so a file that grows is caught too), and OSError for the rest (with
    ``follow=False``, a symbolic link is ``ELOOP``). ``head=True`` returns the first
    ``limit`` bytes of a larger file instead of raising TooLarge.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, f"{_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit and not head:
            raise TooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        want = limit if head else limit + 1
        while total < want:
            chunk = os.read(fd, min(_CHUNK, want - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLarge(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _system_link(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``: links that the system owns,
    pointing at a file the user already opened. Writing through them creates and
    replaces nothing."""
    parent = os.path.realpath(path.parent)
    return parent == "/dev" or parent.startswith(("/dev/", "/proc/"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_file(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` safely.

    * a symbolic link is refused (:class:`LinkRefused`), unless it is one of the
      system's own (``/dev/stdout``): then its target is written in place;
    * a regular file, or a new one, is written to a temporary file in the same folder
      and renamed over ``path`` (readers never see half a report), with the mode of the
      file it replaces, else ``0666`` less the umask (``0644`` under umask 022);
    * anything else (``/dev/null``, a FIFO, a terminal) is opened and written in place.
    """
    data = text.encode("utf-8", "surrogateescape")
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        if not _system_link(path):
            raise LinkRefused(
                errno.ELOOP,
                "is a symbolic link; refusing to write through it (remove the link or "
                "choose another output path)",
            )
        _write_in_place(path, data, follow=True)
        return
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(path, data, follow=False)
        return
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    folder = path.parent if str(path.parent) else Path(".")
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
        os.replace(tmp, path)  # replaces a link swapped in meanwhile, never its target
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_in_place(path: Path, data: bytes, *, follow: bool) -> None:
    """Write to an existing non-regular file (or a system link) without creating or
    truncating anything: ``O_APPEND`` keeps a ``>>`` redirection behind ``/dev/stdout``
    intact, and is what a FIFO or a device needs anyway."""
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_escape_surrogates(text: str) -> str:
    """A JSON text (from ``json.dumps(..., ensure_ascii=False)``) with lone surrogates,
    the undecodable bytes of a file name, written as ``\\udcff`` escapes: valid JSON in
    UTF-8 that reads back to the same name (written raw they made the file invalid
    UTF-8, and a baseline holding such a path could not be read again)."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


__all__ = [
    "LinkRefused",
    "NotRegularFile",
    "TooLarge",
    "json_escape_surrogates",
    "read_regular",
    "write_file",
]
