"""Builders for dataset tests (no tests here): small WAV files and zips made in memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import soundfile as sf


def wav_bytes(
    seconds: float = 0.5,
    rate_hz: int = 16_000,
    channels: int = 1,
    fmt: str = "WAV",
    subtype: str = "PCM_16",
) -> bytes:
    """A quiet tone, so the encoder has something real to store."""
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    tone = (0.1 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    samples = np.repeat(tone[:, None], channels, axis=1) if channels > 1 else tone
    buffer = io.BytesIO()
    sf.write(buffer, samples, rate_hz, format=fmt, subtype=subtype)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_zip(path: Path, entries: dict[str, bytes]) -> Path:
    path.write_bytes(zip_bytes(entries))
    return path


def acoustic_zip(path: Path, transcript: str, audio: dict[str, bytes]) -> Path:
    """An Acoustic dataset zip: the audio files plus trans.txt (UTF-8 with BOM, like Azure's)."""
    return write_zip(path, {**audio, "trans.txt": b"\xef\xbb\xbf" + transcript.encode()})
