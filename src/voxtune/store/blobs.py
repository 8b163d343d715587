"""BlobStore: where file contents live (uploads, reports, results, model bundles).

Keys are relative POSIX paths ("datasets/<id>/content.zip"). A key that would escape the root
(absolute, `..`, backslashes, NUL) is refused, and every write is atomic: a temporary file in
the same directory, fsynced, then renamed over the target.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from voxtune.errors import InvalidInputError

COPY_CHUNK_BYTES = 1024 * 1024


class BlobStore(Protocol):
    def put_bytes(self, key: str, data: bytes) -> int: ...

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> int: ...

    def open(self, key: str) -> BinaryIO: ...

    def read_bytes(self, key: str) -> bytes: ...

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def delete_prefix(self, prefix: str) -> None: ...

    def local_path(self, key: str) -> Path:
        """A local file holding the blob (the file itself for the local store)."""
        ...


class LocalBlobStore:
    """Blobs as files under one root directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        pure = PurePosixPath(key)
        bad = (
            not key
            or "\\" in key
            or "\x00" in key
            or pure.is_absolute()
            or any(part in ("..", "") for part in key.split("/"))
        )
        if bad:
            raise InvalidInputError(f"invalid blob key {key!r}")
        target = (self.root / pure).resolve()
        if not target.is_relative_to(self.root):
            raise InvalidInputError(f"blob key {key!r} escapes the store")
        return target

    def put_bytes(self, key: str, data: bytes) -> int:
        return self.put_stream(key, [data])

    def put_stream(self, key: str, chunks: Iterable[bytes]) -> int:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        size = 0
        try:
            with os.fdopen(fd, "wb") as temp:
                for chunk in chunks:
                    temp.write(chunk)
                    size += len(chunk)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return size

    def put_file(self, key: str, source: Path) -> int:
        with source.open("rb") as handle:
            return self.put_stream(key, iter(lambda: handle.read(COPY_CHUNK_BYTES), b""))

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete_prefix(self, prefix: str) -> None:
        target = self.path(prefix.rstrip("/"))
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        elif target.exists():
            target.unlink()

    def local_path(self, key: str) -> Path:
        return self.path(key)

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        with self.open(key) as handle:
            yield from iter(lambda: handle.read(COPY_CHUNK_BYTES), b"")
