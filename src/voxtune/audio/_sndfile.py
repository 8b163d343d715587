"""Decoding with libsndfile (via soundfile): WAV, FLAC, Ogg Vorbis/Opus, MP3, AIFF and friends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import soundfile as sf

from voxtune.audio._mixdown import MonoStream
from voxtune.audio._sniff import Container
from voxtune.audio._source import AudioSource, HeaderPatch, PatchedReader
from voxtune.audio.info import AudioInfo
from voxtune.audio.types import Audio
from voxtune.errors import AudioError
from voxtune.units import Hertz

BLOCK_FRAMES = 1 << 16  # ~1.5 s at 44.1 kHz: small in memory, few calls into libsndfile
# libsndfile reports SF_COUNT_MAX (2**63 - 1) frames for a stream that does not declare its
# length (a FLAC written to a pipe); soundfile then fails to seek past the last block.
UNKNOWN_FRAMES = 1 << 62
# Without a Xing/LAME header mpg123 estimates an MP3's length from its size; that estimate
# can exceed what decodes by up to a frame plus the decoder delay (1152 + 529 samples).
MP3_LENGTH_SLACK_FRAMES = 2 * 1152


class UnknownLengthError(Exception):
    """The stream declares no length; the caller hands it to ffmpeg, which counts as it goes."""


@contextmanager
def _opened(src: AudioSource, container: Container, patch: HeaderPatch | None) -> Iterator[Any]:
    with src.open() as raw:
        f = PatchedReader(raw, patch) if patch is not None else raw
        try:
            snd = sf.SoundFile(f)
        except (sf.SoundFileError, RuntimeError) as exc:
            raise AudioError(f"cannot open {container.label} audio: {_reason(exc)}") from exc
        with snd:
            try:
                yield snd
            except (sf.SoundFileError, RuntimeError) as exc:
                raise AudioError(
                    f"{container.label} audio is corrupt or truncated: {_reason(exc)}"
                ) from exc


def probe(src: AudioSource, container: Container, patch: HeaderPatch | None) -> AudioInfo:
    with _opened(src, container, patch) as snd:
        frames = _declared_frames(snd)
        rate: Hertz = snd.samplerate
        if str(snd.format) == "FLAC":
            # FLAC states no byte length, so only decoding finds a cut file; decoding FLAC is
            # hundreds of times faster than real time, cheap enough for a validator.
            _require_frames(snd, frames)
        return AudioInfo(
            format=str(snd.format),
            subtype=str(snd.subtype),
            channels=int(snd.channels),
            sample_rate_hz=rate,
            duration_s=frames / rate,
            num_frames=frames,
        )


def _require_frames(snd: sf.SoundFile, declared: int) -> None:
    decoded = 0
    while block := len(snd.read(BLOCK_FRAMES, dtype="int16", always_2d=True)):
        decoded += block
    if decoded < declared:
        raise AudioError(
            f"truncated {snd.format}: header says {declared} frames, only {decoded} could be "
            "decoded"
        )


def decode(
    src: AudioSource,
    container: Container,
    patch: HeaderPatch | None,
    target_rate_hz: Hertz | None,
) -> Audio:
    with _opened(src, container, patch) as snd:
        declared = _declared_frames(snd)
        rate: Hertz = snd.samplerate
        out_rate = target_rate_hz or rate
        mix = MonoStream(rate, out_rate)
        while True:
            block = snd.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
            if len(block) == 0:
                break
            mix.push(block)
        # MPEG audio also comes inside WAV (format tag 0x55), with the same estimate.
        slack = MP3_LENGTH_SLACK_FRAMES if str(snd.subtype).startswith("MPEG") else 0
        if mix.frames_in + slack < declared:
            raise AudioError(
                f"truncated {snd.format}: header says {declared} frames, "
                f"only {mix.frames_in} could be decoded"
            )
        return Audio(
            samples=mix.finish(),
            sample_rate_hz=out_rate,
            source_channels=int(snd.channels),
            source_sample_rate_hz=rate,
            source_format=f"{snd.format}/{snd.subtype}",
            name=src.name,
        )


def _declared_frames(snd: Any) -> int:
    frames = int(snd.frames)
    if frames >= UNKNOWN_FRAMES:
        raise UnknownLengthError(f"a {snd.format} stream that does not declare its length")
    if frames <= 0:
        raise AudioError("contains no samples")
    return frames


def _reason(exc: Exception) -> str:
    # LibsndfileError's str() names the Python file object; its error_string is the reason.
    reason = str(getattr(exc, "error_string", exc)).strip().rstrip(".")
    return reason.removeprefix("Error : ")
