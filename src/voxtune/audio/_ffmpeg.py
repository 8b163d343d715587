"""Decoding with the ffmpeg command-line tool, for containers libsndfile cannot read (mp4, webm...).

ffprobe reads the stream's layout, then ffmpeg decodes to raw float32 at the native rate and
channel count; downmix and resampling happen in Python, exactly as for every other format.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voxtune.audio._mixdown import MonoStream
from voxtune.audio._sniff import Container
from voxtune.audio.info import AudioInfo
from voxtune.audio.types import Audio
from voxtune.errors import AudioError
from voxtune.units import Hertz, Seconds

FFMPEG_TIMEOUT_S = 600.0  # hours of compressed audio decode in well under a minute per hour
FFPROBE_TIMEOUT_S = 60.0  # ffprobe reads headers only
STDERR_TAIL_CHARS = 800  # enough for ffmpeg's last few error lines
READ_FRAMES = 1 << 16  # frames per read from ffmpeg's stdout
BYTES_PER_SAMPLE = 4  # f32le


@dataclass(frozen=True)
class _Stream:
    codec: str
    channels: int
    sample_rate_hz: Hertz
    duration_s: Seconds  # 0.0 when the container does not say


def require_ffmpeg(what: str) -> tuple[str, str]:
    """Paths of ffmpeg and ffprobe, or the AudioError that says to install them."""
    ffmpeg, ffprobe = shutil.which("ffmpeg"), shutil.which("ffprobe")
    if ffmpeg is None or ffprobe is None:
        raise AudioError(
            f"unsupported: {what} can only be decoded with ffmpeg, which is not installed; "
            "install ffmpeg to decode this container"
        )
    return ffmpeg, ffprobe


def probe(path: Path, container: Container) -> AudioInfo:
    _, ffprobe = require_ffmpeg(f"{container.label} audio")
    stream = _probe_stream(ffprobe, path, container)
    frames = round(stream.duration_s * stream.sample_rate_hz)
    if frames == 0:
        # No duration in the container (some raw streams): count by decoding.
        frames = decode(path, container, None).num_samples
    return AudioInfo(
        format=f"ffmpeg:{container.label}",
        subtype=stream.codec,
        channels=stream.channels,
        sample_rate_hz=stream.sample_rate_hz,
        duration_s=frames / stream.sample_rate_hz,
        num_frames=frames,
    )


def decode(path: Path, container: Container, target_rate_hz: Hertz | None) -> Audio:
    ffmpeg, ffprobe = require_ffmpeg(f"{container.label} audio")
    stream = _probe_stream(ffprobe, path, container)
    out_rate = target_rate_hz or stream.sample_rate_hz
    mix = MonoStream(stream.sample_rate_hz, out_rate)
    # Force the layout ffprobe reported, so the raw bytes are read with the right shape.
    command = [
        *_input_args(ffmpeg, container, path, "-nostdin", "-xerror"),
        *("-map", "0:a:0", "-ac", str(stream.channels), "-ar", str(stream.sample_rate_hz)),
        *("-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"),
    ]
    returncode, stderr = _run_streaming(command, stream.channels, mix)
    what = f"this {container.label} file"
    if returncode != 0:
        raise AudioError(f"ffmpeg could not decode {what}: {_tail(stderr, path)}")
    if stderr.strip():
        # -loglevel error: anything on stderr is a decoding error, e.g. "File ended prematurely".
        raise AudioError(
            f"ffmpeg reported errors decoding {what} (corrupt or truncated?): {_tail(stderr, path)}"
        )
    return Audio(
        samples=mix.finish(),
        sample_rate_hz=out_rate,
        source_channels=stream.channels,
        source_sample_rate_hz=stream.sample_rate_hz,
        source_format=f"ffmpeg:{container.label}/{stream.codec}",
    )


def _input_args(tool: str, container: Container, path: Path, *extra: str) -> list[str]:
    # -f: never let ffmpeg guess the format; file: and the whitelist stop it from treating the
    # name as a URL or protocol, or following references out of the file.
    return [
        *(tool, "-hide_banner", "-loglevel", "error", *extra),
        *("-protocol_whitelist", "file", "-f", container.ffmpeg_demuxer, "-i", f"file:{path}"),
    ]


def _probe_stream(ffprobe: str, path: Path, container: Container) -> _Stream:
    command = [
        *_input_args(ffprobe, container, path),
        *("-select_streams", "a:0", "-of", "json"),
        *("-show_entries", "stream=codec_name,sample_rate,channels,duration:format=duration"),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFPROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f"ffprobe took longer than {FFPROBE_TIMEOUT_S:.0f} s") from exc
    except OSError as exc:
        raise AudioError(f"cannot run ffprobe: {exc}") from exc
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise AudioError(
            f"ffmpeg could not read this {container.label} file: {_tail(stderr, path)}"
        )
    try:
        report: Any = json.loads(done.stdout)
        streams = report.get("streams") or []
        if not streams:
            raise AudioError(f"the {container.label} file contains no audio stream")
        first = streams[0]
        duration = _seconds(first.get("duration")) or _seconds(report["format"].get("duration"))
        stream = _Stream(
            str(first.get("codec_name", "unknown")),
            int(first.get("channels", 0)),
            int(first.get("sample_rate", 0)),
            duration,
        )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise AudioError(f"ffprobe gave an unreadable report for this file: {exc}") from exc
    if stream.channels <= 0:
        raise AudioError(f"the {container.label} audio stream has no channels")
    return stream


def _seconds(value: object) -> Seconds:
    try:
        return max(float(str(value)), 0.0)
    except ValueError:
        return 0.0  # "N/A" or absent


def _run_streaming(command: list[str], channels: int, mix: MonoStream) -> tuple[int, str]:
    """Run ffmpeg, feeding its stdout to `mix` as it arrives; return (exit code, stderr)."""
    frame_bytes = BYTES_PER_SAMPLE * channels
    timed_out = threading.Event()
    # stderr goes to a file, not a pipe: a full stderr pipe would stall ffmpeg while we read stdout.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as exc:
            raise AudioError(f"cannot run ffmpeg: {exc}") from exc
        with proc:

            def stop() -> None:
                timed_out.set()
                proc.kill()

            timer = threading.Timer(FFMPEG_TIMEOUT_S, stop)
            timer.start()
            try:
                assert proc.stdout is not None  # stdout=PIPE above
                while chunk := proc.stdout.read(READ_FRAMES * frame_bytes):
                    usable = len(chunk) - len(chunk) % frame_bytes
                    block = np.frombuffer(chunk[:usable], dtype="<f4").reshape(-1, channels)
                    mix.push(block)
            except BaseException:
                proc.kill()
                raise
            finally:
                timer.cancel()
            returncode = proc.wait()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if timed_out.is_set():
        raise AudioError(f"ffmpeg took longer than {FFMPEG_TIMEOUT_S:.0f} s to decode the file")
    return returncode, stderr


def _tail(stderr: str, path: Path) -> str:
    # Drop what means nothing to the user: our temp/server path and ffmpeg's object addresses.
    text = stderr.replace(f"file:{path}", "<input>").replace(str(path), "<input>")
    text = re.sub(r" @ 0x[0-9a-f]+\]", "]", text)
    text = " | ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return ("..." + text[-STDERR_TAIL_CHARS:]) if len(text) > STDERR_TAIL_CHARS else text
