"""Audio input: decode any supported file to mono float32 `Audio`, probe headers, resample.

from voxtune.audio import Audio, AudioInfo, load_audio, probe_audio, resample
"""

from voxtune.audio._mixdown import resample
from voxtune.audio.decode import DEFAULT_MAX_BYTES, DEFAULT_RATE_HZ, load_audio, probe_audio
from voxtune.audio.info import AudioInfo
from voxtune.audio.types import Audio

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_RATE_HZ",
    "Audio",
    "AudioInfo",
    "load_audio",
    "probe_audio",
    "resample",
]
