"""Acoustic datasets: a zip of audio files plus one transcript file (`name<TAB>transcript`).

Every audio file and every transcript line ends up in the report: accepted, or rejected with
the reason (no transcript line, transcript line for a missing file, duplicate name, empty
transcript, unreadable audio). Names match exactly (case-sensitive, like Azure); a near miss
gets a hint. Files longer than 40 s are accepted but marked `text_only`: Azure trains only on
their transcript, while tests may use files up to 2 h.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from voxtune.audio.types import Audio
from voxtune.data.audio_check import (
    MAX_TRAINING_AUDIO_S,
    NOT_AUDIO,
    CheckedAudio,
    check_audio_member,
    is_text_file,
)
from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport, ReportBuilder
from voxtune.data.safezip import SafeZip, ZipLimits, ZipMember, open_zip, read_entries
from voxtune.data.textio import decode_text, suspicious_text_note, text_lines
from voxtune.errors import AudioError, DatasetError
from voxtune.text import normalize_lexical
from voxtune.units import Hertz, Seconds

TRANSCRIPT_NAME = "trans.txt"  # Azure's conventional name; otherwise the single .txt/.tsv
TRANSCRIPT_SUFFIXES = (".txt", ".tsv")


@dataclass(frozen=True)
class Utterance:
    name: str  # the audio file name, as the transcript line gives it (its id in the dataset)
    transcript: str  # as written, surrounding whitespace removed
    normalized: str  # lexical form used for training and scoring
    member: str  # the entry name inside the zip (differs from `name` under a top folder)
    duration_s: Seconds
    sample_rate_hz: Hertz
    channels: int
    text_only: bool  # longer than 40 s: training uses only the transcript (Azure's rule)


@dataclass(frozen=True)
class AcousticDataset:
    utterances: tuple[Utterance, ...]
    report: DatasetReport
    locale: str
    source: Path | bytes = field(repr=False)  # the zip, to read audio again (never extracted)
    limits: ZipLimits = field(default_factory=ZipLimits, repr=False)


@dataclass(frozen=True)
class _TranscriptLine:
    text: str
    line: int


def parse_acoustic(
    source: str | Path | bytes, locale: str = "en-US", limits: ZipLimits | None = None
) -> AcousticDataset:
    """Parse and validate an Acoustic zip; DatasetError only if it cannot be used at all."""
    limits = limits or ZipLimits()
    report = ReportBuilder(DatasetKind.ACOUSTIC)
    with open_zip(source, limits) as archive:
        report.add_rejected(archive.rejected)
        report.notes.extend(archive.notes)
        transcript_member = _find_transcript(archive)
        lines, empty = _read_transcripts(archive, transcript_member, report)
        audio = [m for m in archive.members if m is not transcript_member]
        utterances = [
            utterance
            for member in audio
            if (utterance := _check_utterance(archive, member, lines, empty, report, locale))
        ]
    _reject_orphan_lines(lines, audio, report)
    stored = source if isinstance(source, bytes) else Path(source)
    return AcousticDataset(tuple(utterances), report.build(), locale, stored, limits)


def iter_audio(dataset: AcousticDataset) -> Iterator[tuple[Utterance, bytes]]:
    """Each accepted utterance with its audio file's bytes, read from the zip on demand."""
    members = (utterance.member for utterance in dataset.utterances)
    audio = read_entries(dataset.source, dataset.limits, members)
    yield from zip(dataset.utterances, audio, strict=True)


def iter_training_audio(
    datasets: Iterable[AcousticDataset], sample_rate_hz: int = 16000
) -> Iterator[tuple[Utterance, Audio]]:
    """Each utterance training can learn from, decoded: files over 40 s (Azure's rule: text
    only), empty transcripts and audio that does not decode (in the report) are skipped."""
    from voxtune.audio import load_audio

    for dataset in datasets:
        for utterance, data in iter_audio(dataset):
            if utterance.text_only or not utterance.normalized:
                continue
            try:
                audio = load_audio(data, target_rate_hz=sample_rate_hz, name=utterance.name)
            except AudioError:
                continue
            yield utterance, audio


def _find_transcript(archive: SafeZip) -> ZipMember:
    named = [m for m in archive.members if m.name.lower() == TRANSCRIPT_NAME]
    if named:
        return named[0]
    texts = [m for m in archive.members if m.name.lower().endswith(TRANSCRIPT_SUFFIXES)]
    if len(texts) == 1:
        return texts[0]
    if not texts:
        raise DatasetError(
            f"{archive.what}: no transcript file ({TRANSCRIPT_NAME}, or a single .txt/.tsv) "
            "at the zip root; upload audio without transcripts as AudioFiles"
        )
    names = ", ".join(m.name for m in texts)
    raise DatasetError(f"{archive.what}: several transcript files ({names}); name one trans.txt")


def _read_transcripts(
    archive: SafeZip, member: ZipMember, report: ReportBuilder
) -> tuple[dict[str, _TranscriptLine], dict[str, int]]:
    """Transcript lines by file name, and names whose transcript is empty (-> line number)."""
    decoded = decode_text(archive.read(member), member.name)
    if decoded.lenient_note:
        report.note(f"{member.name}: {decoded.lenient_note}")
    lines: dict[str, _TranscriptLine] = {}
    empty: dict[str, int] = {}
    for number, raw in enumerate(text_lines(decoded.text), start=1):
        if not raw.strip():
            report.skip()
            continue
        name, tab, text = raw.partition("\t")
        name, text = name.strip(), text.strip()
        if not tab or not name:
            reason = "expected 'file name<TAB>transcript'"
            report.reject(member.name, reason if not tab else "no file name", number)
        elif name in lines or name in empty:
            first = lines[name].line if name in lines else empty[name]
            report.reject(name, f"duplicate name; line {first} already names it", number)
        elif not text:
            empty[name] = number
        else:
            lines[name] = _TranscriptLine(text, number)
    return lines, empty


def _check_utterance(
    archive: SafeZip,
    member: ZipMember,
    lines: dict[str, _TranscriptLine],
    empty: dict[str, int],
    report: ReportBuilder,
    locale: str,
) -> Utterance | None:
    if is_text_file(member.name) and member.name not in lines:
        report.reject(member.name, NOT_AUDIO)
        return None
    if member.name in empty:
        report.reject(member.name, "empty transcript", empty[member.name])
        return None
    entry = lines.get(member.name)
    if entry is None:
        report.reject(member.name, "no transcript line" + _near_miss(member.name, lines))
        return None
    checked = check_audio_member(archive, member)
    if isinstance(checked, str):
        report.reject(member.name, checked, entry.line)
        return None
    normalized = normalize_lexical(entry.text, locale)
    if not normalized.strip():
        report.reject(member.name, "transcript has no words after normalization", entry.line)
        return None
    return _accept(checked, entry, normalized, report)


def _accept(
    checked: CheckedAudio, entry: _TranscriptLine, normalized: str, report: ReportBuilder
) -> Utterance:
    info = checked.info
    text_only = info.duration_s > MAX_TRAINING_AUDIO_S
    notes = [*checked.notes, suspicious_text_note(entry.text)]
    if text_only:
        notes.append(
            f"text only for training: {info.duration_s:.1f} s > {MAX_TRAINING_AUDIO_S:.0f} s "
            "(testing uses the audio)"
        )
    report.accept(checked.member.name, "; ".join(n for n in notes if n), entry.line)
    report.audio_duration_s += info.duration_s
    return Utterance(
        name=checked.member.name,
        transcript=entry.text,
        normalized=normalized,
        member=checked.member.archive_name,
        duration_s=info.duration_s,
        sample_rate_hz=info.sample_rate_hz,
        channels=info.channels,
        text_only=text_only,
    )


def _reject_orphan_lines(
    lines: dict[str, _TranscriptLine], audio: list[ZipMember], report: ReportBuilder
) -> None:
    present = {member.name for member in audio}
    for name, entry in lines.items():
        if name not in present:
            hint = _near_miss(name, present)
            report.reject(
                name, "transcript line for a file missing from the zip" + hint, entry.line
            )


def _near_miss(name: str, candidates: set[str] | dict[str, _TranscriptLine]) -> str:
    """A hint when the names differ only in case (Azure matches names exactly)."""
    folded = name.casefold()
    for candidate in candidates:
        if candidate.casefold() == folded:
            return f" (names are case-sensitive: did you mean '{candidate}'?)"
    return ""
