"""Where audio bytes come from: a file on disk or bytes in memory, size limits checked up front."""

from __future__ import annotations

import io
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from voxtune.errors import AudioError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


@dataclass(frozen=True)
class AudioSource:
    """An input that passed the cheap checks: a regular file (or bytes), not empty, not too big."""

    name: str  # for messages and Audio.name: the file name, or what the caller called the bytes
    size_bytes: int
    path: Path | None = None  # exactly one of path and data is set
    data: bytes | None = None

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None  # invariant of open_source, not a check on user data
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise AudioError(f"cannot read the file: {exc.strerror or exc}") from exc

    @contextmanager
    def as_path(self) -> Iterator[Path]:
        """A path to the bytes, for external tools; in-memory bytes go to a private temp file.

        A real file rather than a pipe, because containers like mp4 keep their index at the end
        and ffmpeg must seek to read them.
        """
        if self.path is not None:
            yield self.path.resolve()
            return
        assert self.data is not None
        with tempfile.TemporaryDirectory(prefix="voxtune-audio-") as tmp:
            path = Path(tmp) / "input"
            path.write_bytes(self.data)
            yield path


def source_name(source: str | Path | bytes, name: str | None) -> str:
    if name is not None:
        return name
    if isinstance(source, bytes | bytearray | memoryview):
        return ""
    # The file name only: full server paths do not belong in API error messages.
    return Path(source).name


def open_source(source: str | Path | bytes, *, name: str, max_bytes: int) -> AudioSource:
    """Check size and existence without reading the content."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        _check_size(len(data), max_bytes)
        return AudioSource(name=name, size_bytes=len(data), data=data)
    path = Path(source)
    try:
        st = path.stat()
    except OSError as exc:
        raise AudioError(f"cannot read the file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise AudioError("not a regular file (a directory, device or pipe)")
    _check_size(st.st_size, max_bytes)
    return AudioSource(name=name, size_bytes=st.st_size, path=path)


def _check_size(size_bytes: int, max_bytes: int) -> None:
    if size_bytes == 0:
        raise AudioError("empty file (0 bytes)")
    if size_bytes > max_bytes:
        raise AudioError(
            f"file is larger than the limit ({size_bytes} bytes, the limit is {max_bytes})"
        )


@dataclass(frozen=True)
class HeaderPatch:
    """Bytes shown in place of the original ones, so libsndfile reads a usable header."""

    offset: int
    data: bytes


class PatchedReader(io.RawIOBase):
    """A read-only view of a file with a few header bytes replaced, without copying the file."""

    def __init__(self, raw: BinaryIO, patch: HeaderPatch) -> None:
        super().__init__()
        self._raw = raw
        self._patch = patch

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET, /) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        start = self._raw.tell()
        data = self._raw.read(len(view))
        view[: len(data)] = data
        patch = self._patch
        lo = max(start, patch.offset)
        hi = min(start + len(data), patch.offset + len(patch.data))
        if lo < hi:
            view[lo - start : hi - start] = patch.data[lo - patch.offset : hi - patch.offset]
        return len(data)
