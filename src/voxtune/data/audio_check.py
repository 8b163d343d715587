"""Checks shared by the audio dataset kinds (Acoustic, AudioFiles): one zip entry at a time."""

from __future__ import annotations

from dataclasses import dataclass

from voxtune.audio import AudioInfo, probe_audio
from voxtune.data.safezip import SafeZip, ZipMember
from voxtune.errors import AudioError, DatasetError
from voxtune.units import Hertz, Seconds

# Azure's rule for audio datasets; voxtune decodes anything and converts, but says so.
AZURE_SAMPLE_RATES_HZ: tuple[Hertz, ...] = (8_000, 16_000)
MAX_TRAINING_AUDIO_S: Seconds = 40.0  # longer files train on their transcript only
MAX_TESTING_AUDIO_S: Seconds = 2 * 60 * 60.0  # 2 h: Azure's limit for a test file
TEXT_SUFFIXES = (".txt", ".tsv", ".md", ".csv", ".json", ".xml", ".html")
NOT_AUDIO = "not an audio file (extra text file)"


@dataclass(frozen=True)
class CheckedAudio:
    member: ZipMember
    info: AudioInfo
    notes: tuple[str, ...]  # remarks for the report on an accepted file


def check_audio_member(archive: SafeZip, member: ZipMember) -> CheckedAudio | str:
    """Probe one zip entry: its AudioInfo and report notes, or the reason to reject it."""
    if is_text_file(member.name):
        return NOT_AUDIO
    try:
        info = probe_audio(archive.read(member), name=member.name)
    except (AudioError, DatasetError) as error:
        return f"unreadable audio: {error.message}"
    if info.num_frames <= 0 or info.duration_s <= 0:
        return "unreadable audio: no samples"
    if info.duration_s > MAX_TESTING_AUDIO_S:
        return f"too long: {info.duration_s:.1f} s (limit {MAX_TESTING_AUDIO_S:.0f} s)"
    note = azure_format_note(info)
    return CheckedAudio(member, info, (note,) if note else ())


def is_text_file(name: str) -> bool:
    """Text files in an audio zip are reported as such instead of failing to decode."""
    return name.lower().endswith(TEXT_SUFFIXES)


def azure_format_note(info: AudioInfo) -> str:
    """Empty when the file follows Azure's rule (WAV, PCM 16-bit, mono, 8 or 16 kHz)."""
    problems: list[str] = []
    if info.format.upper() != "WAV" or info.subtype.upper() != "PCM_16":
        problems.append(f"{info.format}/{info.subtype}")
    if info.channels != 1:
        problems.append(f"{info.channels} channels")
    if info.sample_rate_hz not in AZURE_SAMPLE_RATES_HZ:
        problems.append(f"{info.sample_rate_hz} Hz")
    if not problems:
        return ""
    return f"accepted leniently, not WAV PCM 16-bit mono 8/16 kHz: {', '.join(problems)}"
