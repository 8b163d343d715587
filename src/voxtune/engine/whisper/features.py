"""Whisper's log-mel front end, one function for training and decoding alike.

The encoder window is cropped to the audio: a clip of N frames is encoded as N frames (rounded
up to even, the encoder's stride-2 convolution), never padded to 30 s. Training and decoding
must see windows made the same way (a model trained on cropped windows decodes them well, an
untrained one does not), so both call `log_mel` here.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

SAMPLE_RATE_HZ = 16000
HOP_SAMPLES = 160  # 10 ms per mel frame
WINDOW_FRAMES = 3000  # 30 s: the encoder's full window (1500 positions after stride 2)
WINDOW_SAMPLES = WINDOW_FRAMES * HOP_SAMPLES  # 480000 samples in a 30-second window

Mel = npt.NDArray[np.float32]


@lru_cache(maxsize=4)
def _extractor(n_mels: int) -> object:
    from faster_whisper.feature_extractor import FeatureExtractor

    return FeatureExtractor(feature_size=n_mels)


def log_mel(samples: npt.NDArray[np.float32], n_mels: int = 80) -> Mel:
    """(n_mels, frames) features of 16 kHz audio, at most one 30 s window, an even frame count."""
    extractor = _extractor(n_mels)
    features: Mel = extractor(samples[:WINDOW_SAMPLES]).astype(np.float32)  # type: ignore[operator]
    frames = min(features.shape[1] + features.shape[1] % 2, WINDOW_FRAMES)
    if frames > features.shape[1]:
        features = np.pad(features, ((0, 0), (0, frames - features.shape[1])), mode="edge")
    return np.ascontiguousarray(features[:, :frames])


def pad_frames(features: Mel, frames: int) -> Mel:
    """Pad to `frames` with the clip's own floor (what Whisper's log-mel gives digital silence)."""
    if features.shape[1] >= frames:
        return features[:, :frames]
    return np.pad(
        features, ((0, 0), (0, frames - features.shape[1])), constant_values=float(features.min())
    )
