"""load_audio / probe_audio / resample on real speech, in every format we claim to read."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf
import soxr

from voxtune.audio import Audio, AudioInfo, load_audio, probe_audio, resample
from voxtune.errors import AudioError

SPEECH_WAV = "sense_and_sensibility_01_austen_64kb-0870.wav"  # 7.1 s, 16 kHz mono PCM_16
SPEECH_RATE_HZ = 16_000
Signal = npt.NDArray[np.float32]

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe not on PATH (CI installs them with apt)",
)


@pytest.fixture(scope="module")
def speech(smoke_dir: Path) -> Signal:
    samples, rate = sf.read(smoke_dir / SPEECH_WAV, dtype="float32")
    assert rate == SPEECH_RATE_HZ
    return np.asarray(samples, dtype=np.float32)


def aligned_correlation(decoded: Signal, reference: Signal, max_lag: int = 4000) -> float:
    """Pearson correlation at the best lag within ±max_lag (lossy codecs may shift the signal)."""
    size = 1 << int(np.ceil(np.log2(len(decoded) + len(reference))))
    spectrum = np.fft.rfft(decoded, size) * np.conj(np.fft.rfft(reference, size))
    cross = np.fft.irfft(spectrum, size)  # cross[k] = sum decoded[i + k] * reference[i]
    lags = np.r_[0 : max_lag + 1, -max_lag:0]
    lag = int(lags[np.argmax(cross[lags])])
    a, b = (decoded[lag:], reference) if lag >= 0 else (decoded, reference[-lag:])
    n = min(len(a), len(b))
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


@dataclass(frozen=True)
class Variant:
    id: str
    format: str
    subtype: str
    rate_hz: int
    channels: int
    min_correlation: float  # against the 16 kHz original after decoding back to 16 kHz
    duration_tolerance_s: float
    endian: str = "FILE"

    @property
    def source_format(self) -> str:
        return f"{self.format}/{self.subtype}"


LOSSLESS = 0.99  # quantization (8-bit, A-law) and two resamplings still leave > 0.99
LOSSY = 0.95  # measured 0.99+ for Vorbis, Opus, MP3 and AAC on this clip
VARIANTS = [
    Variant("wav-pcm-u8", "WAV", "PCM_U8", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-pcm-16", "WAV", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-pcm-24", "WAV", "PCM_24", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-pcm-32", "WAV", "PCM_32", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-float", "WAV", "FLOAT", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-alaw", "WAV", "ALAW", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-ulaw", "WAV", "ULAW", 16_000, 1, LOSSLESS, 1e-3),
    Variant("wav-8k", "WAV", "PCM_16", 8_000, 1, 0.98, 1e-3),  # loses 4-8 kHz
    Variant("wav-big-endian", "WAV", "PCM_16", 16_000, 1, LOSSLESS, 1e-3, "BIG"),
    Variant("wavex-stereo-22k", "WAVEX", "PCM_16", 22_050, 2, LOSSLESS, 1e-3),
    Variant("rf64", "RF64", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("aiff", "AIFF", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("w64", "W64", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("au", "AU", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("caf", "CAF", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("nist-sphere", "NIST", "PCM_16", 16_000, 1, LOSSLESS, 1e-3),
    Variant("flac-stereo-44k", "FLAC", "PCM_16", 44_100, 2, LOSSLESS, 1e-3),
    Variant("flac-24", "FLAC", "PCM_24", 16_000, 1, LOSSLESS, 1e-3),
    Variant("ogg-vorbis", "OGG", "VORBIS", 16_000, 1, LOSSY, 0.05),
    Variant("ogg-opus-48k", "OGG", "OPUS", 48_000, 1, LOSSY, 0.05),
    Variant("mp3", "MP3", "MPEG_LAYER_III", 16_000, 1, LOSSY, 0.05),
    Variant("mp3-stereo-44k", "MP3", "MPEG_LAYER_III", 44_100, 2, LOSSY, 0.05),
]


def write_variant(speech: Signal, variant: Variant, path: Path) -> None:
    signal = speech
    if variant.rate_hz != SPEECH_RATE_HZ:
        signal = soxr.resample(speech, SPEECH_RATE_HZ, variant.rate_hz, "HQ")
    if variant.channels == 2:
        signal = np.stack([signal, 0.5 * signal], axis=1)  # mean is 0.75 x speech
    sf.write(
        path,
        signal,
        variant.rate_hz,
        format=variant.format,
        subtype=variant.subtype,
        endian=variant.endian,
    )


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_generated_variant_decodes_to_the_speech(
    variant: Variant, speech: Signal, tmp_path: Path
) -> None:
    path = tmp_path / f"speech.{variant.id}"
    write_variant(speech, variant, path)

    audio = load_audio(path)

    assert audio.sample_rate_hz == SPEECH_RATE_HZ
    assert audio.samples.dtype == np.float32
    assert audio.source_format == variant.source_format
    assert (audio.source_channels, audio.source_sample_rate_hz) == (
        variant.channels,
        variant.rate_hz,
    )
    assert audio.duration_s == pytest.approx(len(speech) / SPEECH_RATE_HZ, abs=0.05)
    assert abs(audio.duration_s - 7.1) <= variant.duration_tolerance_s
    assert float(np.abs(audio.samples).max()) <= 1.0
    assert aligned_correlation(audio.samples, speech) > variant.min_correlation

    info = probe_audio(path)
    assert (info.format, info.subtype) == (variant.format, variant.subtype)
    assert (info.channels, info.sample_rate_hz) == (variant.channels, variant.rate_hz)
    assert info.duration_s == pytest.approx(7.1, abs=variant.duration_tolerance_s)


@pytest.mark.parametrize(
    "variant", [v for v in VARIANTS if v.id in ("mp3", "flac-24")], ids=lambda v: v.id
)
def test_id3_tag_in_front_is_skipped(variant: Variant, speech: Signal, tmp_path: Path) -> None:
    path = tmp_path / "tagged"
    write_variant(speech, variant, path)
    frame = b"TIT2" + struct.pack(">I", 6) + b"\x00\x00" + b"\x00title"
    tag = b"ID3\x03\x00\x00" + bytes([0, 0, 0, len(frame)]) + frame
    path.write_bytes(tag + path.read_bytes())

    audio = load_audio(path)

    assert audio.source_format == variant.source_format
    assert aligned_correlation(audio.samples, speech) > variant.min_correlation


def test_jfk_stereo_44k_flac_becomes_mono_16k(smoke_dir: Path) -> None:
    audio = load_audio(smoke_dir / "jfk.flac")

    assert audio.samples.ndim == 1
    assert audio.sample_rate_hz == 16_000
    assert audio.duration_s == pytest.approx(11.0, abs=0.01)
    assert audio.num_samples == 176_000
    assert (audio.source_channels, audio.source_sample_rate_hz) == (2, 44_100)
    assert audio.source_format == "FLAC/PCM_24"
    assert audio.name == "jfk.flac"
    assert 0.01 < float(np.sqrt(np.mean(audio.samples**2))) < 0.5  # speech, not silence


def test_downmix_is_the_mean_of_the_channels(smoke_dir: Path) -> None:
    stereo, _ = sf.read(smoke_dir / "jfk.flac", dtype="float32")

    audio = load_audio(smoke_dir / "jfk.flac", target_rate_hz=None)

    assert audio.sample_rate_hz == 44_100
    np.testing.assert_allclose(audio.samples, stereo.mean(axis=1), atol=1e-6)


def test_opposite_channels_cancel_to_silence(speech: Signal, tmp_path: Path) -> None:
    path = tmp_path / "cancel.wav"
    sf.write(path, np.stack([speech, -speech], axis=1), SPEECH_RATE_HZ, subtype="FLOAT")

    audio = load_audio(path)

    assert audio.num_samples == len(speech)
    assert float(np.abs(audio.samples).max()) < 1e-6


def test_smoke_wav_at_its_own_rate_is_bit_exact(smoke_dir: Path, speech: Signal) -> None:
    audio = load_audio(smoke_dir / SPEECH_WAV)

    assert audio.source_format == "WAV/PCM_16"
    np.testing.assert_array_equal(audio.samples, speech)


def test_fsdd_8k_wav_from_zip_bytes_is_resampled_to_16k(fsdd_zip: Path) -> None:
    with zipfile.ZipFile(fsdd_zip) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".wav"))
        data = archive.read(member)
    original, rate = sf.read(io.BytesIO(data), dtype="float32")
    assert rate == 8_000

    audio = load_audio(data, name=member)

    assert audio.name == member
    assert (audio.sample_rate_hz, audio.source_sample_rate_hz) == (16_000, 8_000)
    assert audio.num_samples == pytest.approx(2 * len(original), abs=1)
    back = resample(audio, 8_000)
    assert aligned_correlation(back.samples, original, max_lag=10) > 0.99


def test_an4_dev_wavs_decode(an4_dev_zip: Path) -> None:
    with zipfile.ZipFile(an4_dev_zip) as archive:
        members = sorted(n for n in archive.namelist() if n.endswith(".wav"))[:10]
        for member in members:
            audio = load_audio(archive.read(member), name=member)
            info = probe_audio(archive.read(member))
            assert audio.sample_rate_hz == info.sample_rate_hz == 16_000
            assert audio.num_samples == info.num_frames > 8_000


def test_real_wav_named_mp3_decodes(smoke_dir: Path, tmp_path: Path, speech: Signal) -> None:
    disguised = tmp_path / "really-a-wav.mp3"
    shutil.copy(smoke_dir / SPEECH_WAV, disguised)

    audio = load_audio(disguised)

    assert audio.source_format == "WAV/PCM_16"
    np.testing.assert_array_equal(audio.samples, speech)


def test_bytes_and_path_decode_the_same(smoke_dir: Path) -> None:
    path = smoke_dir / "jfk.flac"
    from_path = load_audio(path)
    from_bytes = load_audio(path.read_bytes())

    np.testing.assert_array_equal(from_path.samples, from_bytes.samples)
    assert from_bytes.name == ""
    assert probe_audio(path) == probe_audio(path.read_bytes())


def test_all_silence_is_valid_audio(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(8_000, dtype=np.float32), 8_000, subtype="PCM_16")

    audio = load_audio(path)

    assert audio.num_samples == 16_000
    assert not audio.samples.any()


def test_float_wav_beyond_full_scale_is_clipped(speech: Signal, tmp_path: Path) -> None:
    path = tmp_path / "loud.wav"
    sf.write(path, speech * 5.0, SPEECH_RATE_HZ, subtype="FLOAT")

    audio = load_audio(path, target_rate_hz=8_000)

    assert float(audio.samples.max()) == 1.0
    assert float(audio.samples.min()) == -1.0


def _pcm16_wav(samples: Signal, rate_hz: int, data_size: int, riff_size: int) -> bytes:
    pcm = (samples * 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, rate_hz, 2 * rate_hz, 2, 16)
    header = b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
    return (
        header
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data_size)
        + pcm
    )


@pytest.mark.parametrize("unknown_size", [0, 0xFFFFFFFF], ids=["size-0", "size-max"])
def test_streamed_wav_with_unknown_length_is_read_to_the_end(
    speech: Signal, unknown_size: int
) -> None:
    data = _pcm16_wav(speech, SPEECH_RATE_HZ, unknown_size, unknown_size)

    audio = load_audio(data)

    assert audio.num_samples == len(speech)
    assert aligned_correlation(audio.samples, speech, max_lag=0) > 0.999
    assert probe_audio(data).num_frames == len(speech)


def test_wav_with_odd_sized_chunks_before_data(speech: Signal) -> None:
    plain = _pcm16_wav(speech, SPEECH_RATE_HZ, 2 * len(speech), 36 + 2 * len(speech))
    # An odd-sized LIST chunk is followed by one pad byte; the walker must skip both.
    extra = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"
    data = plain[:36] + extra + plain[36:]

    audio = load_audio(data)

    assert audio.num_samples == len(speech)


def test_probe_reads_the_header(smoke_dir: Path) -> None:
    info = probe_audio(smoke_dir / "jfk.flac")

    assert info == AudioInfo(
        format="FLAC",
        subtype="PCM_24",
        channels=2,
        sample_rate_hz=44_100,
        duration_s=11.0,
        num_frames=485_100,
    )
    assert info.source_format == "FLAC/PCM_24"


def test_resample_changes_rate_and_keeps_source_fields(smoke_dir: Path) -> None:
    audio = load_audio(smoke_dir / "jfk.flac")

    down = resample(audio, 8_000)

    assert (down.sample_rate_hz, down.num_samples) == (8_000, 88_000)
    assert down.duration_s == pytest.approx(audio.duration_s)
    assert (down.source_format, down.source_sample_rate_hz, down.name) == (
        audio.source_format,
        44_100,
        "jfk.flac",
    )
    assert down.samples.dtype == np.float32
    assert resample(audio, 16_000) is audio
    up = resample(down, 16_000)
    assert aligned_correlation(up.samples, audio.samples, max_lag=10) > 0.95


def test_resample_of_empty_audio_is_empty() -> None:
    empty = Audio(samples=np.zeros(0, dtype=np.float32), sample_rate_hz=16_000)

    assert resample(empty, 8_000).num_samples == 0


@pytest.mark.parametrize("rate", [0, -16_000, 10, 10_000_000])
def test_resample_rejects_impossible_rates(smoke_dir: Path, rate: int) -> None:
    audio = load_audio(smoke_dir / SPEECH_WAV)

    with pytest.raises(AudioError, match="sample rate must be"):
        resample(audio, rate)


def _ffmpeg_encode(source: Path, target: Path, *codec_args: str) -> None:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source)]
    subprocess.run([*command, *codec_args, str(target)], check=True)


@needs_ffmpeg
@pytest.mark.parametrize(
    ("suffix", "codec_args", "source_format"),
    [
        (".m4a", ("-c:a", "aac"), "ffmpeg:mp4/aac"),
        (".webm", ("-c:a", "libopus"), "ffmpeg:matroska/opus"),
        (".ogg", ("-c:a", "flac"), "ffmpeg:ogg/flac"),  # Ogg FLAC: libsndfile cannot
        (".wma", ("-c:a", "wmav2"), "ffmpeg:asf/wmav2"),
    ],
    ids=["m4a-aac", "webm-opus", "ogg-flac", "wma"],
)
def test_ffmpeg_containers_decode(
    smoke_dir: Path,
    tmp_path: Path,
    speech: Signal,
    suffix: str,
    codec_args: tuple[str, ...],
    source_format: str,
) -> None:
    encoded = tmp_path / f"speech{suffix}"
    _ffmpeg_encode(smoke_dir / SPEECH_WAV, encoded, *codec_args)

    audio = load_audio(encoded)
    from_bytes = load_audio(encoded.read_bytes())

    assert audio.source_format == source_format
    assert audio.sample_rate_hz == 16_000
    assert audio.duration_s == pytest.approx(7.1, abs=0.1)
    assert aligned_correlation(audio.samples, speech) > LOSSY
    np.testing.assert_array_equal(audio.samples, from_bytes.samples)
    assert probe_audio(encoded).duration_s == pytest.approx(7.1, abs=0.1)


@needs_ffmpeg
def test_ffmpeg_stereo_44k_mp4_downmixes_and_resamples(smoke_dir: Path, tmp_path: Path) -> None:
    encoded = tmp_path / "jfk.mp4"
    _ffmpeg_encode(smoke_dir / "jfk.flac", encoded, "-c:a", "aac", "-b:a", "192k")
    reference = load_audio(smoke_dir / "jfk.flac")

    audio = load_audio(encoded)

    assert (audio.source_channels, audio.source_sample_rate_hz) == (2, 44_100)
    assert audio.duration_s == pytest.approx(11.0, abs=0.1)
    assert aligned_correlation(audio.samples, reference.samples) > LOSSY


def _streamed_flac(flac: bytes) -> bytes:
    """The FLAC with STREAMINFO's 36-bit total-samples field zeroed (length unknown)."""
    data = bytearray(flac)
    fields = int.from_bytes(data[18:26], "big") & ~((1 << 36) - 1)
    data[18:26] = fields.to_bytes(8, "big")
    return bytes(data)


@needs_ffmpeg
def test_flac_without_declared_length_goes_through_ffmpeg(smoke_dir: Path) -> None:
    streamed = _streamed_flac((smoke_dir / "jfk.flac").read_bytes())

    audio = load_audio(streamed)

    assert audio.source_format == "ffmpeg:FLAC/flac"
    assert audio.num_samples == 176_000


def test_flac_without_declared_length_needs_ffmpeg(
    smoke_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no ffmpeg anywhere
    streamed = _streamed_flac((smoke_dir / "jfk.flac").read_bytes())

    with pytest.raises(AudioError, match="install ffmpeg"):
        load_audio(streamed)
