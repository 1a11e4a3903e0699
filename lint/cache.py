"""A content-hash cache of parsed models, so a second run skips the HCL parser.

One entry per parse unit, keyed by the tool version, the unit's kind and the path and
content of every file in it: any edit, rename or upgrade misses the cache. Entries live
in the user cache folder (``$XDG_CACHE_HOME/assume-lint`` or ``~/.cache/assume-lint``),
are written atomically (temp file + rename, so concurrent runs never see half an entry)
and any entry that fails to load is treated as a miss and rewritten. The cache is only
an accelerator: every failure to read or write it is silent.

Models hold the credentials found in the files, so an entry is encrypted with a key
derived from the unit's own content (a SHAKE-256 keystream): whoever can decrypt it
already holds the files, and the cache folder (often saved by CI) is never a copy of the
secrets. The entry's file name is a different digest of the same content.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assume_lint import __version__
from assume_lint.model import Model
from assume_lint.parsers import Unit

_FORMAT = "1"


def cache_dir() -> Path:
    """The folder holding cached models."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assume-lint" / f"models-{_FORMAT}"


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """Size and mtime of the parser and model code: a development checkout that edits a
    parser without bumping the version must not be served models the old code built."""
    package = Path(__file__).parent
    parts = [__version__, _FORMAT]
    for path in sorted([*package.glob("*.py"), *package.glob("parsers/**/*.py")]):
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


def unit_digest(unit: Unit) -> UnitKey:
    """Keys that change with the code, the tool version and any byte or path of the unit."""
    digest = hashlib.sha256(f"{code_stamp()}\0{unit.kind}\0{unit.key}".encode())
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
    """A file's bytes, or a marker that it is missing or unreadable."""
    try:
        return b"present\0" + path.read_bytes()
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


class ModelCache:
    """Get and put parsed models by unit; a disabled cache never hits."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: UnitKey) -> Model | None:
        """The cached model for ``key``, or None (missing, disabled or unreadable)."""
        if self.folder is None:
            return None
        try:
            data = _xor(self._path(key.name).read_bytes(), key.secret)
            model = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a corrupt or foreign entry is just a miss
            return None
        if not isinstance(model, Model):
            return None
        if model.inputs and not _inputs_fresh(model, key.base):
            return None  # a module or template it was built from changed
        return model

    def put(self, key: UnitKey, model: Model) -> None:
        """Store ``model`` atomically; failures (read-only home, full disk) are ignored."""
        if self.folder is None:
            return
        path = self._path(key.name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(handle, "wb") as stream:
                    stream.write(_xor(data, key.secret))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
