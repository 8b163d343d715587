"""AudioFiles datasets: a zip of audio only (inspection tests, no reference transcripts)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from voxtune.data.audio_check import check_audio_member
from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport, ReportBuilder
from voxtune.data.safezip import ZipLimits, open_zip, read_entries
from voxtune.units import Hertz, Seconds


@dataclass(frozen=True)
class AudioFile:
    name: str  # file name relative to the dataset root (its id in the dataset)
    member: str  # the entry name inside the zip
    duration_s: Seconds
    sample_rate_hz: Hertz
    channels: int


@dataclass(frozen=True)
class AudioFilesDataset:
    files: tuple[AudioFile, ...]
    report: DatasetReport
    source: Path | bytes = field(repr=False)  # the zip, to read audio again (never extracted)
    limits: ZipLimits = field(default_factory=ZipLimits, repr=False)


def parse_audio_files(
    source: str | Path | bytes, limits: ZipLimits | None = None
) -> AudioFilesDataset:
    """Parse and validate an AudioFiles zip; DatasetError only if it cannot be used at all."""
    limits = limits or ZipLimits()
    report = ReportBuilder(DatasetKind.AUDIO_FILES)
    files: list[AudioFile] = []
    with open_zip(source, limits) as archive:
        report.add_rejected(archive.rejected)
        report.notes.extend(archive.notes)
        for member in archive.members:
            checked = check_audio_member(archive, member)
            if isinstance(checked, str):
                report.reject(member.name, checked)
                continue
            info = checked.info
            report.accept(member.name, "; ".join(checked.notes))
            report.audio_duration_s += info.duration_s
            files.append(
                AudioFile(
                    member.name,
                    member.archive_name,
                    info.duration_s,
                    info.sample_rate_hz,
                    info.channels,
                )
            )
    stored = source if isinstance(source, bytes) else Path(source)
    return AudioFilesDataset(tuple(files), report.build(), stored, limits)


def iter_audio_files(dataset: AudioFilesDataset) -> Iterator[tuple[AudioFile, bytes]]:
    """Each accepted file with its bytes, read from the zip on demand."""
    audio = read_entries(dataset.source, dataset.limits, (f.member for f in dataset.files))
    yield from zip(dataset.files, audio, strict=True)
