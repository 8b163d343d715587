"""The decoder's own features, so adaptation statistics see exactly what the decoder scores.

The cepstra come from the decoder itself (its `mfclogdir` log of each utterance), because its
front end has state that is hard to re-create: spectral noise removal (`-remove_noise yes` in
the base model) adapts over time and, in pocketsphinx 5.1.1, carries over from the previous
utterance. What follows the cepstra is reproduced here, from src/feat/cmn.c and feat.c:

- batch CMN: subtract the mean over the utterance's frames whose c0 is not negative;
- `1s_c_d_dd`: [c, c[t+2] - c[t-2], (c[t+3] - c[t-1]) - (c[t+1] - c[t-3])], the first and
  last frames (after CMN) repeated 3 times at the edges;
- `-svspec 0-12/13-25/26-38`: those three 13-dimensional streams.

Checked against the decoder's logged senone scores (`senlogdir`, `compallsen`): re-scoring
these features with the model's Gaussians reproduces them to 0.8 units (0.08 nats) on average,
its integer log-add rounding; without CMN the error is 36 units.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxtune.errors import ModelError

FloatArray = npt.NDArray[np.float32]
DELTA_WINDOW = 2  # feat.c FEAT_DCEP_WIN
EDGE_FRAMES = DELTA_WINDOW + 1  # the 1s_c_d_dd window: 3 frames each side
SUPPORTED_FEATURES = "1s_c_d_dd"


class NoSpeechEnergyError(ValueError):
    """No frame has c0 >= 0, so the decoder's batch CMN divides by zero."""


@dataclass(frozen=True)
class FeatureSpec:
    """The front-end settings of a model (its feat.params) that adaptation depends on."""

    cepstra: int = 13  # -ceplen
    cmn: str = "batch"  # -cmn: batch or none (live CMN depends on earlier utterances)
    streams: int = 3  # -svspec: equal, contiguous slices of [c, d, dd] (1 without -svspec)
    sample_rate_hz: int = 16000  # -samprate

    @property
    def dimensions(self) -> int:
        return 3 * self.cepstra  # c, deltas, delta-deltas


def read_feature_spec(model_dir: Path) -> FeatureSpec:
    """Parse `feat.params`; refuse front ends whose features we cannot reproduce."""
    path = model_dir / "feat.params"
    try:
        words = path.read_text(encoding="utf-8").split()
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc
    params = dict(zip(words[0::2], words[1::2], strict=False))
    unsupported = {
        "-feat": params.get("-feat", SUPPORTED_FEATURES) != SUPPORTED_FEATURES,
        "-cmn": params.get("-cmn", "live") not in ("batch", "none"),
        "-agc": params.get("-agc", "none") != "none",
        "-varnorm": params.get("-varnorm", "no") != "no",
        "-lda": "-lda" in params,
    }
    bad = [f"{k} {params.get(k, '(default)')}" for k, v in unsupported.items() if v]
    if bad:
        raise ModelError(f"{path}: adaptation does not support {', '.join(bad)}")
    ceplen = int(params.get("-ceplen", "13"))
    streams = _stream_count(params.get("-svspec"), 3 * ceplen)
    if streams is None:
        raise ModelError(f"{path}: unsupported -svspec {params['-svspec']}")
    return FeatureSpec(ceplen, params["-cmn"], streams, int(params.get("-samprate", "16000")))


def _stream_count(svspec: str | None, dimensions: int) -> int | None:
    """Number of streams if `svspec` cuts [0, dimensions) into equal consecutive ranges."""
    if svspec is None:
        return 1
    ranges = [part.split("-") for part in svspec.split("/")]
    width = dimensions // len(ranges)
    expected = [[str(i * width), str((i + 1) * width - 1)] for i in range(len(ranges))]
    return len(ranges) if ranges == expected and width * len(ranges) == dimensions else None


def read_cepstra_log(path: Path, cepstra: int) -> FloatArray:
    """An `mfclogdir` file: big-endian i32 count of floats, then big-endian f32 cepstra."""
    data = path.read_bytes()
    (count,) = struct.unpack_from(">i", data, 0)
    if count % cepstra or len(data) != 4 + 4 * count:
        raise ValueError(f"{path} is not a cepstra log of width {cepstra}")
    return np.frombuffer(data, ">f4", count, 4).astype(np.float32).reshape(-1, cepstra)


def batch_cmn(cepstra: FloatArray) -> FloatArray:
    """Subtract the mean of the frames with c0 >= 0 (cmn.c skips 'zero energy' frames)."""
    voiced = cepstra[cepstra[:, 0] >= 0]
    if len(voiced) == 0:
        raise NoSpeechEnergyError("no frame has non-negative energy (c0)")
    normalized: FloatArray = (cepstra - voiced.mean(axis=0, dtype=np.float32)).astype(np.float32)
    return normalized


def dynamic_features(cepstra: FloatArray) -> FloatArray:
    """`1s_c_d_dd`: cepstra, deltas and delta-deltas, edges padded by repetition."""
    padded = np.concatenate(
        [np.repeat(cepstra[:1], EDGE_FRAMES, 0), cepstra, np.repeat(cepstra[-1:], EDGE_FRAMES, 0)]
    )
    t = np.arange(len(cepstra)) + EDGE_FRAMES
    w = DELTA_WINDOW
    delta = padded[t + w] - padded[t - w]
    delta2 = (padded[t + w + 1] - padded[t - w + 1]) - (padded[t + w - 1] - padded[t - w - 1])
    return np.concatenate([cepstra, delta, delta2], axis=1).astype(np.float32)


def decoder_features(cepstra: FloatArray, spec: FeatureSpec) -> FloatArray:
    """The (frames, 3 * cepstra) features the decoder computes from its logged cepstra."""
    normalized = batch_cmn(cepstra) if spec.cmn == "batch" else cepstra
    return dynamic_features(normalized)
