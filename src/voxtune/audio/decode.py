"""Turn any supported audio input into `Audio`: mono float32 in [-1, 1] at the rate asked for.

    load_audio / probe_audio
      1. open_source      exists, regular file, not empty, not over max_bytes
      2. sniff_container  the format from magic bytes (never the file name)
      3. integrity        WAV chunk sizes, last Ogg page, MP3 Xing size vs the bytes present
      4. decode           libsndfile for what it reads, else the ffmpeg command-line tool

Every failure is an AudioError whose message says what is wrong with the input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from voxtune.audio import _ffmpeg, _sndfile
from voxtune.audio._integrity import check_mpeg, check_ogg, check_riff
from voxtune.audio._mixdown import check_rate
from voxtune.audio._sniff import Container, sniff_container
from voxtune.audio._source import AudioSource, HeaderPatch, open_source, source_name
from voxtune.audio.info import AudioInfo
from voxtune.audio.types import Audio
from voxtune.errors import AudioError
from voxtune.units import Hertz

DEFAULT_RATE_HZ: Hertz = 16_000  # what the recognizer consumes
DEFAULT_MAX_BYTES = 2 * 1024**3  # 2 GiB, the largest single audio upload we accept


def load_audio(
    source: str | Path | bytes,
    *,
    target_rate_hz: Hertz | None = DEFAULT_RATE_HZ,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Audio:
    """Decode a file path or in-memory bytes; `target_rate_hz=None` keeps the native rate.

    Channels are averaged to mono; resampling is soxr "HQ". Silence is valid audio; empty,
    truncated, corrupt or unsupported input and NaN/inf samples raise AudioError.
    """
    display_name = source_name(source, name)
    with _errors_named(display_name):
        if target_rate_hz is not None:
            check_rate(target_rate_hz)
        src = open_source(source, name=display_name, max_bytes=max_bytes)
        container, patch = _identify(src)
        if container.decoder == "soundfile":
            try:
                audio = _sndfile.decode(src, container, patch, target_rate_hz)
            except _sndfile.UnknownLengthError as exc:
                audio = _decode_with_ffmpeg(src, container, target_rate_hz, str(exc))
        else:
            audio = _decode_with_ffmpeg(src, container, target_rate_hz, f"{container.label} audio")
    return dataclasses.replace(audio, name=display_name)


def probe_audio(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AudioInfo:
    """Format, channels, rate and duration from the header, without decoding the samples.

    Raises the same AudioError as load_audio for input that is empty, unrecognized or
    visibly truncated, so a validator can reject it cheaply. (For ffmpeg containers that do
    not state a duration the samples are counted by decoding.)
    """
    display_name = source_name(source, name)
    with _errors_named(display_name):
        src = open_source(source, name=display_name, max_bytes=max_bytes)
        container, patch = _identify(src)
        if container.decoder == "soundfile":
            try:
                return _sndfile.probe(src, container, patch)
            except _sndfile.UnknownLengthError as exc:
                what = str(exc)
        else:
            what = f"{container.label} audio"
        _ffmpeg.require_ffmpeg(what)
        with src.as_path() as path:
            return _ffmpeg.probe(path, container)


def _identify(src: AudioSource) -> tuple[Container, HeaderPatch | None]:
    with src.open() as f:
        container = sniff_container(f)
        if container.integrity == "riff":
            return container, check_riff(f, src.size_bytes)
        if container.integrity == "ogg":
            check_ogg(f, src.size_bytes)
        if container.integrity == "mpeg":
            check_mpeg(f, src.size_bytes)
    return container, None


def _decode_with_ffmpeg(
    src: AudioSource, container: Container, target_rate_hz: Hertz | None, what: str
) -> Audio:
    _ffmpeg.require_ffmpeg(what)  # before spilling in-memory bytes to a temp file
    with src.as_path() as path:
        return _ffmpeg.decode(path, container, target_rate_hz)


@contextmanager
def _errors_named(name: str) -> Iterator[None]:
    """Prefix every AudioError with the input's name; turn leaked low-level errors into one."""
    try:
        yield
    except AudioError as exc:
        if not name:
            raise
        raise AudioError(f"{name}: {exc.message}", inner_code=exc.inner_code) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        # Last line of defence: decoders and numpy raise these on inputs no check above foresaw.
        message = f"cannot decode audio: {exc}"
        raise AudioError(f"{name}: {message}" if name else message) from exc
