"""The decoded-audio record every other module consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from voxtune.units import Hertz, Seconds


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1] at `sample_rate_hz`.

    `source_*` fields describe the input before downmix/resampling, for reports.
    """

    samples: npt.NDArray[np.float32]
    sample_rate_hz: Hertz
    source_channels: int = 1
    source_sample_rate_hz: Hertz = 0
    source_format: str = ""  # e.g. "WAV/PCM_16", "FLAC/PCM_24", "ffmpeg:mp4"
    name: str = field(default="", compare=False)

    @property
    def duration_s(self) -> Seconds:
        return len(self.samples) / self.sample_rate_hz

    @property
    def num_samples(self) -> int:
        return len(self.samples)

    def to_pcm16(self) -> bytes:
        """Little-endian 16-bit PCM, what the decoder consumes."""
        clipped = np.clip(self.samples, -1.0, 1.0)
        return (clipped * 32767.0).astype("<i2").tobytes()
