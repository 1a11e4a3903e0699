"""A content-hash cache of parsed models, so a second run skips the parsers.

One entry per parse unit, keyed by the tool version, the unit's kind and the path and
content of every file in it: any edit, rename or upgrade misses the cache. Entries live
in :func:`cache_dir` (under ``$XDG_CACHE_HOME/assume-lint`` or
``~/.cache/assume-lint``), are written atomically (temp file + rename, so concurrent
runs never see half an entry), and an entry that fails any check is a miss and is
rewritten. The cache is only an accelerator: every failure to read or write it is
silent, and ``--no-cache`` neither reads nor writes it.

The cache folder may be shared, restored from a CI cache or planted by someone else, so
an entry is treated as hostile until proven ours:

* it is **data, not code**: a model is stored as ``marshal`` of built-in values only
  (tuples, lists, strings, numbers; :func:`encode`), and rebuilt by constructing the
  model's own dataclasses from a fixed list (:func:`decode`) - nothing is unpickled,
  no class is looked up by a name the entry chose;
* it is **authenticated**: an HMAC-SHA256 over its name and bytes, keyed by a random
  per-user key (``key`` in the cache root, created ``0600``; a key file that is not a
  regular file of ours, private to us, disables the cache). An entry that fails
  verification is a miss, checked before anything is decoded;
* it is **opened safely**: without following links or blocking, only as a regular
  file, at most :data:`MAX_ENTRY_BYTES` (:func:`assume_lint.files.fileio.read_regular`);
* it holds **no secret in clear**: models carry the credentials found in the files, so
  the payload is encrypted with a keystream derived from the unit's own content (and
  the user key): whoever can decrypt it already holds the files.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import marshal
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assume_lint import __version__, model
from assume_lint.files.fileio import read_regular
from assume_lint.model import Model
from assume_lint.model.findings import Location
from assume_lint.parsers import Unit

_FORMAT = "2"
_MAGIC = b"ALC" + _FORMAT.encode() + b"\n"
_MAC_BYTES = 32
_KEY_BYTES = 32
MAX_ENTRY_BYTES = 64 * 1024 * 1024
# encode: a list is ["L", *items], a dict ["D", key, value, ...], a frozenset ["F",
# *items]; any other list is a dataclass, ["ClassName", *fields].
_LIST, _DICT, _FROZENSET = "L", "D", "F"


def cache_root() -> Path:
    """The assume-lint folder of the user cache: the one place every cache lives."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assume-lint"


def cache_dir() -> Path:
    """The folder holding cached models."""
    return cache_root() / f"models-{_FORMAT}"


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """Size and mtime of the parser and model code: a development checkout that edits a
    parser without bumping the version must not be served models the old code built."""
    package = Path(__file__).parents[1]  # assume_lint/
    parts = [__version__, _FORMAT]
    for path in sorted(package.glob("**/*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts)


@dataclass(frozen=True)
class UnitKey:
    """Where a unit's entry lives (``name``) and the key that encrypts it (``secret``)."""

    name: str
    secret: bytes
    base: str = ""  # the unit's folder: a model's Model.inputs are relative to it


def _bytes(text: str) -> bytes:
    """UTF-8, with undecodable file-name bytes (lone surrogates) kept as they were."""
    return text.encode("utf-8", "surrogateescape")


def unit_digest(unit: Unit) -> UnitKey:
    """Keys that change with the code, the tool version and any byte or path of the unit."""
    digest = hashlib.sha256(_bytes(code_stamp()) + b"\0" + _bytes(unit.kind) + b"\0")
    digest.update(_bytes(unit.key))
    for source in unit.files:
        digest.update(b"\0" + source.rel.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(source.text.encode("utf-8", "surrogatepass"))
    for rel in sorted(unit.context):
        digest.update(b"\0context\0" + rel.encode("utf-8", "surrogatepass"))
    for name, value in unit.parameters:
        digest.update(f"\0parameter\0{name}\0{value}".encode("utf-8", "surrogatepass"))
    for extra in _extra_inputs(unit):
        where = os.path.relpath(extra, unit.files[0].path.parent)  # checkout-independent
        digest.update(b"\0extra\0" + os.fsencode(where) + b"\0" + _content(extra))
    material = digest.digest()
    name = hashlib.sha256(b"name\0" + material).hexdigest()
    base = str(unit.files[0].path.parent) if unit.files else ""
    return UnitKey(name, hashlib.sha256(b"secret\0" + material).digest(), base)


def _extra_inputs(unit: Unit) -> list[Path]:
    """Files outside the unit its model depends on (a Terragrunt include's parent)."""
    if unit.kind != "terragrunt":
        return []
    from assume_lint.parsers import terragrunt  # lazily: it imports the HCL parser

    try:
        return terragrunt.extra_inputs(unit) if unit.files else []
    except (OSError, ValueError):
        return []


def _content(path: Path) -> bytes:
    """A file's bytes, or a marker that it is missing, unreadable or not a file."""
    from assume_lint.files.sources import DEFAULT_MAX_BYTES

    try:
        return b"present\0" + read_regular(path, DEFAULT_MAX_BYTES)
    except OSError:
        return b"missing"


def _inputs_fresh(model: Model, base: str) -> bool:
    """Whether the files outside the unit that ``model`` was built from are unchanged."""
    from assume_lint.parsers.tfeval.sources import fresh

    return bool(base) and fresh(model.inputs, Path(base))


def _xor(data: bytes, secret: bytes) -> bytes:
    stream = hashlib.shake_256(secret).digest(len(data))
    mixed = int.from_bytes(data, "little") ^ int.from_bytes(stream, "little")
    return mixed.to_bytes(len(data), "little")


# --------------------------------------------------------------------------- data

# The only classes an entry can produce: the model's dataclasses and Location, by name.
_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (*vars(model).values(), Location)
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ in (
        model.__name__, Location.__module__)
}
_SCALARS = (str, int, float, bool, type(None))


class _NotData(TypeError):
    """A model holds a value the cache cannot store as data: that model is not cached."""


_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls) if f.init) for cls in _CLASSES.values()
}


def _init_fields(cls: type[Any]) -> tuple[str, ...]:
    return _FIELDS[cls]


def encode(value: Any) -> Any:
    """``value`` as built-in data: a dataclass of :data:`_CLASSES` becomes
    ``[class name, *fields]``, a list ``["L", *items]``, a dict ``["D", key, value,
    ...]``, a frozenset ``["F", *items]``, a tuple stays a tuple. Raises
    :class:`_NotData` for anything else (that model is then not cached)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, tuple):
        return tuple(encode(v) for v in value)
    if isinstance(value, list):
        return [_LIST, *(encode(v) for v in value)]
    if isinstance(value, dict):
        return [_DICT, *(encode(part) for pair in value.items() for part in pair)]
    if isinstance(value, frozenset):
        return [_FROZENSET, *(encode(v) for v in sorted(value, key=repr))]
    cls = type(value)
    if _CLASSES.get(cls.__name__) is cls:
        return [cls.__name__, *(encode(getattr(value, f)) for f in _init_fields(cls))]
    raise _NotData(f"{cls.__name__} is not cache data")


def decode(data: Any) -> Any:
    """The value :func:`encode` made ``data`` from. Raises ValueError or TypeError when
    ``data`` is not such a value (a class name off the list, a wrong field count).

    Warm runs decode about a million values, so scalars (most of them) are passed
    through inline rather than by a call each."""
    kind = type(data)
    if kind in _SCALAR_TYPES:
        return data
    if kind is tuple:
        return tuple([v if type(v) in _SCALAR_TYPES else decode(v) for v in data])
    if kind is list and data:
        tag = data[0]
        values = [v if type(v) in _SCALAR_TYPES else decode(v) for v in data[1:]]
        if tag == _LIST:
            return values
        if tag == _DICT and len(values) % 2 == 0:
            return dict(zip(values[::2], values[1::2], strict=True))
        if tag == _FROZENSET:
            return frozenset(values)
        cls = _CLASSES.get(tag) if type(tag) is str else None
        if cls is not None and len(values) == len(_FIELDS[cls]):
            return cls(*values)
    raise ValueError("not cache data")


_SCALAR_TYPES = frozenset(_SCALARS)


# --------------------------------------------------------------------------- key


def _read_key(path: Path) -> bytes | None:
    """The user key, when ``path`` is a regular file of ours that nobody else may read
    or write; None otherwise (the cache is then disabled for the run)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.geteuid()
            or info.st_mode & 0o077
            or info.st_size != _KEY_BYTES
        ):
            return None
        data = os.read(fd, _KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == _KEY_BYTES else None


def user_key(root: Path) -> bytes | None:
    """The random per-user key in ``root/key``, created (0600, atomically: written to a
    temporary file, then linked into place) on first use."""
    path = root / "key"
    key = _read_key(path)
    if key is not None or path.exists() or path.is_symlink():
        return key
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".key-", dir=root)  # 0600
    except OSError:
        return None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(_KEY_BYTES))
        os.link(tmp, path)  # fails if another run made the key first: use theirs
    except OSError:
        pass
    finally:
        Path(tmp).unlink(missing_ok=True)
    return _read_key(path)


# --------------------------------------------------------------------------- cache


class ModelCache:
    """Get and put parsed models by unit; a disabled cache never hits.

    ``folder`` None disables the cache (``--no-cache``), and so does a user key that
    cannot be created or is not private (then nothing is read or written)."""

    def __init__(self, folder: Path | None, key: bytes | None = None) -> None:
        self.folder = folder
        self._key = key
        self._key_loaded = key is not None

    def _mac_key(self) -> bytes | None:
        if not self._key_loaded and self.folder is not None:
            self._key = user_key(self.folder.parent)
            self._key_loaded = True
        return self._key

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.entry"

    def _mac(self, mac_key: bytes, name: str, payload: bytes) -> bytes:
        return hmac.new(mac_key, name.encode("ascii") + b"\0" + payload, "sha256").digest()

    def _stream_key(self, mac_key: bytes, key: UnitKey) -> bytes:
        return hashlib.sha256(b"encrypt\0" + mac_key + key.secret).digest()

    def get(self, key: UnitKey) -> Model | None:
        """The cached model for ``key``, or None (missing, disabled, forged, unreadable)."""
        mac_key = self._mac_key() if self.folder is not None else None
        if mac_key is None:
            return None
        path = self._path(key.name)
        try:
            if stat.S_ISLNK(os.lstat(path.parent).st_mode):
                return None  # a planted link to another folder: not our entry
            blob = read_regular(path, MAX_ENTRY_BYTES, follow=False)
        except OSError:  # missing, a link, a FIFO or device, too large, unreadable
            return None
        head, mac, payload = blob[: len(_MAGIC)], blob[len(_MAGIC) : len(_MAGIC) + _MAC_BYTES], \
            blob[len(_MAGIC) + _MAC_BYTES :]
        if head != _MAGIC or not hmac.compare_digest(mac, self._mac(mac_key, key.name, payload)):
            return None
        try:
            data = marshal.loads(_xor(payload, self._stream_key(mac_key, key)))
            cached = decode(data)
        except (ValueError, TypeError, EOFError, RecursionError):
            return None
        if not isinstance(cached, Model):
            return None
        if cached.inputs and not _inputs_fresh(cached, key.base):
            return None  # a module or template it was built from changed
        return cached

    def put(self, key: UnitKey, found: Model) -> None:
        """Store ``found`` atomically; failures (read-only home, full disk, a model that
        is not plain data) are ignored."""
        mac_key = self._mac_key() if self.folder is not None else None
        if mac_key is None:
            return
        try:
            payload = _xor(marshal.dumps(encode(found)), self._stream_key(mac_key, key))
        except (_NotData, ValueError, RecursionError):
            return
        path = self._path(key.name)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if stat.S_ISLNK(os.lstat(path.parent).st_mode):
                return
            handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(_MAGIC + self._mac(mac_key, key.name, payload) + payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
