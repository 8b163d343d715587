"""Every bad input gives an AudioError that says what is wrong; nothing lower-level escapes."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtune.audio import load_audio, probe_audio
from voxtune.errors import AudioError, InvalidInputError

SPEECH_WAV = "sense_and_sensibility_01_austen_64kb-0870.wav"
RANDOM = np.random.default_rng(20240601)


@pytest.fixture(scope="module")
def speech_wav(smoke_dir: Path) -> bytes:
    return (smoke_dir / SPEECH_WAV).read_bytes()


def encode(speech_wav: bytes, **kwargs: str) -> bytes:
    samples, rate = sf.read(io.BytesIO(speech_wav), dtype="float32")
    out = io.BytesIO()
    sf.write(out, samples, rate, **kwargs)
    return out.getvalue()


def cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


@dataclass(frozen=True)
class BadInput:
    id: str
    make: Callable[[bytes], bytes]  # from the real speech WAV's bytes
    message: str  # a regex the error message must match
    probe_detects: bool = True  # False: only decoding all samples can tell


BAD_INPUTS = [
    BadInput("empty", lambda _: b"", r"^empty file \(0 bytes\)$"),
    BadInput(
        "random-bytes",
        lambda _: RANDOM.bytes(4096),
        r"^not a recognized audio format \(first bytes ([0-9a-f]{2} ){15}[0-9a-f]{2}\)$",
    ),
    BadInput(
        "text",
        lambda _: b"hello, this is a transcript and not audio\n" * 20,
        r"not a recognized audio format: the file looks like text \('hello, this is",
    ),
    BadInput("html", lambda _: b"<!DOCTYPE html><html><body>404</body></html>", "looks like text"),
    BadInput(
        "truncated-wav",
        lambda wav: cut(wav, 0.5),
        r"^truncated WAV: header says 227200 bytes of data, file has 113578$",
    ),
    BadInput("wav-header-only", lambda wav: wav[:44], r"^contains no samples"),
    BadInput("wav-cut-in-header", lambda wav: wav[:20], r"^truncated WAV: .*before any data chunk"),
    BadInput("riff-cut-at-10-bytes", lambda wav: wav[:10], r"^truncated WAV: .*RIFF header"),
    BadInput(
        "truncated-flac",
        lambda wav: cut(encode(wav, format="FLAC"), 0.5),
        r"FLAC audio is corrupt or truncated|truncated FLAC",
    ),
    BadInput(
        "flac-magic-then-garbage",
        lambda _: b"fLaC" + RANDOM.bytes(2000),
        r"^cannot open FLAC audio: ",
    ),
    BadInput(
        "truncated-mp3",
        lambda wav: cut(encode(wav, format="MP3"), 0.5),
        r"^truncated MP3: header says 45216 bytes of audio, file has 22608$",
    ),
    BadInput(
        "truncated-ogg-vorbis",
        lambda wav: cut(encode(wav, format="OGG", subtype="VORBIS"), 0.5),
        r"^truncated Ogg: the last page needs \d+ bytes, the file has \d+$",
    ),
    BadInput(
        "truncated-ogg-opus",
        lambda wav: cut(encode(wav, format="OGG", subtype="OPUS"), 0.7),
        r"^truncated Ogg",
    ),
    BadInput(
        "id3-then-garbage",
        lambda _: b"ID3\x04\x00\x00\x00\x00\x00\x05hello" + b"\x00" * 100,
        r"^an ID3 tag followed by no recognizable audio",
    ),
    BadInput("ogg-without-samples", lambda _: encode_empty_ogg(), r"^contains no samples$"),
]


def encode_empty_ogg() -> bytes:
    out = io.BytesIO()  # (libsndfile writes an empty FLAC as 0 bytes, so Ogg it is)
    sf.write(out, np.zeros(0, dtype=np.float32), 16_000, format="OGG", subtype="VORBIS")
    return out.getvalue()


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.id)
def test_bad_bytes_raise_a_clear_audio_error(bad: BadInput, speech_wav: bytes) -> None:
    data = bad.make(speech_wav)

    with pytest.raises(AudioError, match=bad.message):
        load_audio(data)
    if bad.probe_detects:
        with pytest.raises(AudioError, match=bad.message):
            probe_audio(data)


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.id)
def test_errors_on_files_name_the_file(bad: BadInput, speech_wav: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"upload-{bad.id}.wav"
    path.write_bytes(bad.make(speech_wav))

    with pytest.raises(AudioError) as caught:
        load_audio(path)

    assert caught.value.message.startswith(f"upload-{bad.id}.wav: ")
    assert isinstance(caught.value, InvalidInputError)
    assert caught.value.http_status == 400


def test_random_bytes_named_wav_fail(tmp_path: Path) -> None:
    path = tmp_path / "speech.wav"
    path.write_bytes(RANDOM.bytes(50_000))

    with pytest.raises(AudioError, match=r"^speech\.wav: not a recognized audio format"):
        load_audio(path)


def test_zero_length_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.flac"
    path.touch()

    with pytest.raises(AudioError, match=r"^empty\.flac: empty file \(0 bytes\)$"):
        load_audio(path)
    with pytest.raises(AudioError, match="empty file"):
        probe_audio(path)


def test_text_file_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_text("Transcript: the quick brown fox.\n", encoding="utf-8")

    with pytest.raises(AudioError, match="looks like text"):
        load_audio(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"^missing\.wav: cannot read the file: No such file"):
        load_audio(tmp_path / "missing.wav")
    with pytest.raises(AudioError, match="not a regular file"):
        load_audio(tmp_path)


def test_larger_than_the_limit(speech_wav: bytes, tmp_path: Path) -> None:
    path = tmp_path / "big.wav"
    path.write_bytes(speech_wav)

    limit = len(speech_wav) - 1
    with pytest.raises(AudioError, match=r"file is larger than the limit \(227244 bytes"):
        load_audio(path, max_bytes=limit)
    with pytest.raises(AudioError, match="larger than the limit"):
        load_audio(speech_wav, max_bytes=limit)
    with pytest.raises(AudioError, match="larger than the limit"):
        probe_audio(path, max_bytes=limit)
    assert load_audio(path, max_bytes=len(speech_wav)).num_samples > 0


def test_nan_and_inf_samples_in_float_wav(speech_wav: bytes) -> None:
    samples, rate = sf.read(io.BytesIO(speech_wav), dtype="float32")
    for bad_value in (np.nan, np.inf, -np.inf):
        poisoned = samples.copy()
        poisoned[50_000] = bad_value
        out = io.BytesIO()
        sf.write(out, poisoned, rate, format="WAV", subtype="FLOAT")

        with pytest.raises(AudioError, match="contains NaN or infinite samples"):
            load_audio(out.getvalue(), name="poisoned.wav")


def test_empty_data_chunk_followed_by_another_chunk_has_no_samples(speech_wav: bytes) -> None:
    header_only = bytearray(speech_wav[:44])
    header_only[40:44] = struct.pack("<I", 0)
    data = bytes(header_only) + b"LIST" + struct.pack("<I", 4) + b"INFO"

    with pytest.raises(AudioError, match="contains no samples"):
        load_audio(data)


def test_chunk_running_past_the_end_is_truncation(speech_wav: bytes) -> None:
    # A LIST chunk claiming 1 MB where the data chunk should be.
    data = speech_wav[:36] + b"LIST" + struct.pack("<I", 1_000_000) + b"INFO"

    with pytest.raises(AudioError, match=r"truncated WAV: .*before any data chunk"):
        load_audio(data)


def test_endless_tiny_chunks_are_bounded() -> None:
    data = b"RIFF\x00\x00\x00\x00WAVE" + (b"junk" + b"\x00" * 4) * 5_000

    with pytest.raises(AudioError, match="no data chunk within the first 4096 chunks"):
        load_audio(data)


def test_unsupported_wav_encoding(speech_wav: bytes) -> None:
    data = bytearray(speech_wav)
    data[20:22] = struct.pack("<H", 0x0161)  # WMA inside WAV: libsndfile has no decoder

    with pytest.raises(AudioError, match=r"^cannot open WAV audio: "):
        load_audio(bytes(data))


@pytest.mark.parametrize("rate", [0, -1, 999, 10**7, 16_000.0, True])
def test_impossible_target_rate(speech_wav: bytes, rate: object) -> None:
    with pytest.raises(AudioError, match="target sample rate must be a whole number of Hz"):
        load_audio(speech_wav, target_rate_hz=rate)  # type: ignore[arg-type]


# A minimal mp4 prefix: sniffing routes it to ffmpeg before anything decodes it.
MP4_HEAD = b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00isomiso2" + b"\x00" * 64


def test_container_needs_ffmpeg_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no ffmpeg anywhere

    for call in (load_audio, probe_audio):
        with pytest.raises(AudioError) as caught:
            call(MP4_HEAD, name="voice.m4a")
        assert caught.value.message == (
            "voice.m4a: unsupported: mp4 audio can only be decoded with ffmpeg, which is not "
            "installed; install ffmpeg to decode this container"
        )


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not on PATH (CI installs it)")
def test_ffmpeg_failure_carries_its_stderr(smoke_dir: Path, tmp_path: Path) -> None:
    m4a = tmp_path / "speech.m4a"
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(smoke_dir / SPEECH_WAV)]
    subprocess.run([*command, "-c:a", "aac", str(m4a)], check=True)
    m4a.write_bytes(cut(m4a.read_bytes(), 0.6))  # the moov index sits at the end: now gone

    with pytest.raises(AudioError) as caught:
        load_audio(m4a)

    message = caught.value.message
    assert message.startswith("speech.m4a: ffmpeg could not read this mp4 file: ")
    assert "moov atom not found" in message
    assert str(tmp_path) not in message  # no server paths in user-facing messages
    with pytest.raises(AudioError, match="moov atom not found"):
        load_audio(m4a.read_bytes())


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not on PATH (CI installs it)")
def test_truncated_webm_is_an_error_not_shorter_audio(smoke_dir: Path, tmp_path: Path) -> None:
    webm = tmp_path / "speech.webm"
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(smoke_dir / SPEECH_WAV)]
    subprocess.run([*command, "-c:a", "libopus", str(webm)], check=True)

    with pytest.raises(AudioError, match=r"corrupt or truncated.*File ended prematurely"):
        load_audio(cut(webm.read_bytes(), 0.6))


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not on PATH (CI installs it)")
def test_ffmpeg_time_limit(
    smoke_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    m4a = tmp_path / "speech.m4a"
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(smoke_dir / SPEECH_WAV)]
    subprocess.run([*command, "-c:a", "aac", str(m4a)], check=True)
    monkeypatch.setattr("voxtune.audio._ffmpeg.FFMPEG_TIMEOUT_S", 0.0)

    with pytest.raises(AudioError, match=r"^speech\.m4a: ffmpeg took longer than 0 s"):
        load_audio(m4a)
