"""What a file holds, read from its header: the cheap answer dataset validators need."""

from __future__ import annotations

from dataclasses import dataclass

from voxtune.units import Hertz, Seconds


@dataclass(frozen=True)
class AudioInfo:
    """The stream as stored, before downmix and resampling."""

    format: str  # container detected from content: "WAV", "FLAC", "OGG", "MP3", "ffmpeg:mp4"
    subtype: str  # sample encoding or codec: "PCM_16", "VORBIS", "aac"
    channels: int
    sample_rate_hz: Hertz
    duration_s: Seconds
    num_frames: int  # samples per channel; estimated from the duration for ffmpeg containers

    @property
    def source_format(self) -> str:
        """The `Audio.source_format` string for this stream, e.g. "FLAC/PCM_24"."""
        return f"{self.format}/{self.subtype}"
