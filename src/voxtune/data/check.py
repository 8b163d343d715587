"""One entry point for every dataset kind: parse a file, return the typed result or its report."""

from __future__ import annotations

from pathlib import Path

from voxtune.data.acoustic import AcousticDataset, parse_acoustic
from voxtune.data.audio_files import AudioFilesDataset, parse_audio_files
from voxtune.data.formatting import (
    MAX_FORMATTING_BYTES,
    OutputFormattingDataset,
    parse_output_formatting,
)
from voxtune.data.kind import DatasetKind
from voxtune.data.language import MAX_LANGUAGE_BYTES, LanguageDataset, parse_language
from voxtune.data.markdown import MAX_MARKDOWN_BYTES, LanguageMarkdown, parse_language_markdown
from voxtune.data.pronunciation import (
    MAX_PRONUNCIATION_BYTES,
    PronunciationDataset,
    parse_pronunciation,
)
from voxtune.data.report import DatasetReport
from voxtune.data.safezip import ZipLimits
from voxtune.errors import DatasetError

ParsedDataset = (
    AcousticDataset
    | AudioFilesDataset
    | LanguageDataset
    | LanguageMarkdown
    | PronunciationDataset
    | OutputFormattingDataset
)

_MAX_TEXT_BYTES = {
    DatasetKind.LANGUAGE: MAX_LANGUAGE_BYTES,
    DatasetKind.LANGUAGE_MARKDOWN: MAX_MARKDOWN_BYTES,
    DatasetKind.PRONUNCIATION: MAX_PRONUNCIATION_BYTES,
    DatasetKind.OUTPUT_FORMATTING: MAX_FORMATTING_BYTES,
}


def parse_dataset(
    path: Path, kind: DatasetKind, locale: str = "en-US", limits: ZipLimits | None = None
) -> ParsedDataset:
    """Parse the file at `path` as `kind`. Per-item problems are in `.report`; a file that
    cannot be used at all raises DatasetError / TextEncodingError."""
    if kind is DatasetKind.ACOUSTIC:
        return parse_acoustic(path, locale, limits)
    if kind is DatasetKind.AUDIO_FILES:
        return parse_audio_files(path, limits)
    data = _read_file(path, _MAX_TEXT_BYTES[kind])
    if kind is DatasetKind.LANGUAGE:
        return parse_language(data, path.name, locale)
    if kind is DatasetKind.LANGUAGE_MARKDOWN:
        return parse_language_markdown(data, path.name, locale)
    if kind is DatasetKind.PRONUNCIATION:
        return parse_pronunciation(data, path.name)
    return parse_output_formatting(data, path.name)


def check_dataset(
    path: Path, kind: DatasetKind, locale: str = "en-US", limits: ZipLimits | None = None
) -> DatasetReport:
    """The report of `path` parsed as `kind` (see `parse_dataset` for what raises)."""
    return parse_dataset(path, kind, locale, limits).report


def _read_file(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing before reading when it is over the kind's size limit."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DatasetError(f"{path.name} is {size} bytes; the limit is {max_bytes}")
        return path.read_bytes()
    except OSError as error:
        raise DatasetError(f"cannot read {path.name}: {error.strerror or error}") from error
