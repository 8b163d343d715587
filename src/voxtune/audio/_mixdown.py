"""Downmix to mono and resample block by block, so no file sits in memory at full width."""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
import soxr

from voxtune.audio.types import Audio
from voxtune.errors import AudioError
from voxtune.units import Hertz

MIN_RATE_HZ = 1_000  # below any real speech recording (telephony is 8 kHz)
MAX_RATE_HZ = 384_000  # the highest rate studio converters produce
RESAMPLE_QUALITY = "HQ"  # soxr's 20-bit, -144 dB quality: transparent for speech

Samples = npt.NDArray[np.float32]


def check_rate(rate_hz: object, what: str = "target sample rate") -> None:
    if (
        not isinstance(rate_hz, int)
        or isinstance(rate_hz, bool)
        or not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ
    ):
        raise AudioError(
            f"{what} must be a whole number of Hz from {MIN_RATE_HZ} to {MAX_RATE_HZ}, "
            f"got {rate_hz!r}"
        )


class MonoStream:
    """Collects decoded (frames, channels) blocks as mono float32 in [-1, 1] at the output rate."""

    def __init__(self, in_rate_hz: Hertz, out_rate_hz: Hertz) -> None:
        check_rate(in_rate_hz, "the file's sample rate")
        self._resampler = (
            None
            if in_rate_hz == out_rate_hz
            else soxr.ResampleStream(in_rate_hz, out_rate_hz, 1, "float32", RESAMPLE_QUALITY)
        )
        self._parts: list[Samples] = []
        self.frames_in = 0

    def push(self, block: npt.NDArray[np.float32]) -> None:
        # Checked before averaging: NaN/inf would silently poison the mix and the resampler.
        if not np.isfinite(block).all():
            raise AudioError("contains NaN or infinite samples")
        self.frames_in += len(block)
        if block.shape[1] == 1:
            mono = block[:, 0]
        else:
            # float64 accumulator: a sum of large float32 values cannot overflow.
            mono = block.mean(axis=1, dtype=np.float64).astype(np.float32)
        self._append(mono, last=False)

    def finish(self) -> Samples:
        self._append(np.zeros(0, dtype=np.float32), last=True)
        if self.frames_in == 0:
            raise AudioError("contains no samples")
        return np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.float32)

    def _append(self, mono: Samples, *, last: bool) -> None:
        if self._resampler is not None:
            mono = np.asarray(self._resampler.resample_chunk(mono, last=last), dtype=np.float32)
        if len(mono):
            # Float sources may exceed full scale, and resampling overshoots near it.
            self._parts.append(np.clip(mono, -1.0, 1.0))


def resample(audio: Audio, rate_hz: Hertz) -> Audio:
    """The same audio at `rate_hz` (soxr HQ), clipped to [-1, 1]; `source_*` fields are kept."""
    check_rate(rate_hz)
    if rate_hz == audio.sample_rate_hz:
        return audio
    if audio.num_samples == 0:
        samples = np.zeros(0, dtype=np.float32)
    else:
        resampled = soxr.resample(audio.samples, audio.sample_rate_hz, rate_hz, RESAMPLE_QUALITY)
        samples = np.clip(np.asarray(resampled, dtype=np.float32), -1.0, 1.0)
    return dataclasses.replace(audio, samples=samples, sample_rate_hz=rate_hz)
