"""Defensive zip reading for uploaded datasets: nothing is extracted, nothing is trusted.

- Entries with absolute paths, drive letters, `..` components (after treating `\\` as a
  separator), NUL bytes, symlinks or encryption are never read: they become rejected entries.
- The archive as a whole is refused (DatasetError) when it is not a zip, is corrupt, has more
  files or more declared bytes than `ZipLimits` allows, or an entry's compression ratio marks
  it as a zip bomb.
- Reads stream in chunks and stop as soon as an entry yields more bytes than its header
  declared or than its ratio allows, so a lying header cannot make us allocate much.
- Layout: Azure wants files at the zip root. Zipping a folder (the common mistake) puts
  everything under one top-level folder; voxtune accepts that leniently, strips the folder and
  says so in the notes. Files in deeper or several folders are rejected entries. macOS/Windows
  metadata (`__MACOSX/`, `.DS_Store`, `Thumbs.db`) are rejected entries with that reason.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from voxtune.data.report import ReportEntry
from voxtune.errors import DatasetError

MiB = 1024 * 1024
GiB = 1024 * MiB
_METADATA_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, zlib.error)


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int = 2 * GiB  # Azure: a dataset zip holds up to 2 GB of audio
    max_files: int = 10_000  # Azure: up to 10,000 files per dataset
    max_compression_ratio: float = 200.0  # deflated speech/text stays < 10; bombs reach 1000+
    ratio_min_bytes: int = 1 * MiB  # small entries (silence, text) may compress well: harmless
    chunk_bytes: int = 1 * MiB  # streaming read granularity


@dataclass(frozen=True)
class ZipMember:
    name: str  # path relative to the dataset root ("/"-separated, top-level folder stripped)
    archive_name: str  # the name as stored in the zip
    size_bytes: int  # declared by the header; verified while reading
    compressed_bytes: int
    info: zipfile.ZipInfo = field(repr=False, compare=False)


class SafeZip:
    """An open dataset zip: the readable `members` plus the entries rejected on sight."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        limits: ZipLimits,
        what: str,
        members: tuple[ZipMember, ...],
        rejected: tuple[ReportEntry, ...],
        notes: tuple[str, ...],
    ) -> None:
        self._archive = archive
        self._limits = limits
        self.what = what
        self.members = members
        self.rejected = rejected
        self.notes = notes

    def read(self, member: ZipMember) -> bytes:
        """The entry's bytes, stopping early if it yields more than its header promised."""
        limits = self._limits
        ratio_cap = limits.max_compression_ratio * max(member.compressed_bytes, 1)
        chunks: list[bytes] = []
        total = 0
        try:
            with self._archive.open(member.info) as stream:
                while chunk := stream.read(limits.chunk_bytes):
                    total += len(chunk)
                    if total > member.size_bytes:
                        raise DatasetError(f"{self.what}: {member.name} is larger than declared")
                    if total > limits.ratio_min_bytes and total > ratio_cap:
                        raise DatasetError(f"{self.what}: {member.name} looks like a zip bomb")
                    chunks.append(chunk)
        except (*_ZIP_ERRORS, NotImplementedError, RuntimeError) as error:
            raise DatasetError(f"{self.what}: cannot read {member.name}: {error}") from error
        return b"".join(chunks)

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_zip(source: str | Path | bytes, limits: ZipLimits | None = None) -> SafeZip:
    """Open a dataset zip from a path or its bytes; DatasetError if it cannot be used at all."""
    limits = limits or ZipLimits()
    what = "the uploaded zip" if isinstance(source, bytes) else Path(source).name
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except _ZIP_ERRORS as error:
        raise DatasetError(f"{what} is not a readable zip archive: {error}") from error
    try:
        files = [info for info in archive.infolist() if not info.is_dir()]
        _check_limits(files, limits, what)
        members, rejected, notes = _classify(files)
    except DatasetError:
        archive.close()
        raise
    return SafeZip(archive, limits, what, members, rejected, notes)


def read_entries(
    source: str | Path | bytes, limits: ZipLimits, archive_names: Iterable[str]
) -> Iterator[bytes]:
    """The bytes of the named entries (as stored in the zip), in order, one at a time."""
    with open_zip(source, limits) as archive:
        by_name = {member.archive_name: member for member in archive.members}
        for name in archive_names:
            if name not in by_name:
                raise DatasetError(f"{archive.what}: no readable entry {name!r}")
            yield archive.read(by_name[name])


def _check_limits(files: list[zipfile.ZipInfo], limits: ZipLimits, what: str) -> None:
    if not files:
        raise DatasetError(f"{what} contains no files")
    if len(files) > limits.max_files:
        raise DatasetError(f"{what} has {len(files)} files; the limit is {limits.max_files}")
    total = sum(info.file_size for info in files)
    if total > limits.max_total_bytes:
        raise DatasetError(
            f"{what} declares {total} uncompressed bytes; the limit is {limits.max_total_bytes}"
        )
    for info in files:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_min_bytes and ratio > limits.max_compression_ratio:
            raise DatasetError(
                f"{what}: entry {info.filename!r} expands {ratio:.0f}x "
                f"(limit {limits.max_compression_ratio:.0f}x): refusing a likely zip bomb"
            )


def _classify(
    files: list[zipfile.ZipInfo],
) -> tuple[tuple[ZipMember, ...], tuple[ReportEntry, ...], tuple[str, ...]]:
    rejected: list[ReportEntry] = []
    candidates: list[tuple[list[str], zipfile.ZipInfo]] = []
    seen: set[str] = set()
    for info in files:
        reason = _unsafe_reason(info)
        parts = [p for p in info.filename.replace("\\", "/").split("/") if p not in ("", ".")]
        if reason is None and not parts:
            reason = "empty entry name"
        if reason is None and (parts[0] == "__MACOSX" or parts[-1] in _METADATA_NAMES):
            reason = "operating system metadata, not data"
        if reason is None and "/".join(parts) in seen:
            reason = "duplicate entry name in the zip"
        if reason is not None:
            rejected.append(ReportEntry(info.filename, "rejected", reason))
            continue
        seen.add("/".join(parts))
        candidates.append((parts, info))
    notes: list[str] = []
    tops = {parts[0] for parts, _ in candidates}
    if len(tops) == 1 and all(len(parts) > 1 for parts, _ in candidates):
        top = tops.pop()
        notes.append(f"files are inside the folder '{top}/'; Azure expects them at the zip root")
        candidates = [(parts[1:], info) for parts, info in candidates]
    members: list[ZipMember] = []
    for parts, info in candidates:
        if len(parts) > 1:
            reason = "inside a subfolder; files must be at the root of the zip"
            rejected.append(ReportEntry(info.filename, "rejected", reason))
            continue
        members.append(ZipMember(parts[0], info.filename, info.file_size, info.compress_size, info))
    return tuple(members), tuple(rejected), tuple(notes)


def _unsafe_reason(info: zipfile.ZipInfo) -> str | None:
    """Why an entry must never be read or extracted, or None when its name is safe."""
    name = info.filename
    normalized = name.replace("\\", "/")
    if "\x00" in name:
        return "NUL byte in the entry name"
    if normalized.startswith("/"):
        return "absolute path (would write outside the dataset)"
    if _DRIVE.match(normalized):
        return "drive letter in path (would write outside the dataset)"
    if ".." in normalized.split("/"):
        return "'..' in path (zip slip: would write outside the dataset)"
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted entry"
    return None
