"""Adaptation features must be the decoder's: re-score them and compare with its senone log."""

from __future__ import annotations

import io
import math
import struct
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf

from voxtune.engine.bundle import base_bundle
from voxtune.engine.sphinx.adapt.features import (
    FeatureSpec,
    NoSpeechEnergyError,
    batch_cmn,
    decoder_features,
    dynamic_features,
    read_cepstra_log,
    read_feature_spec,
)
from voxtune.engine.sphinx.adapt.model import AcousticModel, load_acoustic_model
from voxtune.errors import ModelError

BASE = base_bundle().acoustic_model_dir
LOG_BASE = math.log(1.0001)
SCORE_UNIT = 1024 * LOG_BASE  # senone scores are in 2**10 steps of log base 1.0001


def _read_senone_log(path: Path, n_senones: int) -> npt.NDArray[np.int16]:
    data = path.read_bytes()
    offset = data.index(b"endhdr\n") + 7 + 4
    frames = []
    while offset < len(data):
        (active,) = struct.unpack_from("<h", data, offset)
        assert active == n_senones  # compallsen: every senone every frame
        frames.append(np.frombuffer(data, "<i2", active, offset + 2))
        offset += 2 + 2 * active
    return np.array(frames)


def _decoder_scores(model: AcousticModel, features: npt.NDArray[np.float32]
                    ) -> npt.NDArray[np.float64]:
    """ptm_mgau.c in floating point: top-4 Gaussians per codebook, clamped, weighted."""
    variances = np.maximum(model.variances.values.astype(np.float64), 1e-4)
    means = model.means.values.astype(np.float64)
    det = np.trunc(np.log(1 / np.sqrt(2 * np.pi * variances)) / LOG_BASE).sum(-1)
    half_precision = np.trunc(1 / (2 * variances) / LOG_BASE)  # integers, as in ms_gauden.c
    codebook = model.definition.senone_codebook
    senones = np.arange(len(codebook))
    total = np.zeros((len(features), len(codebook)))
    for stream in range(3):
        x = features[:, None, None, 13 * stream : 13 * stream + 13].astype(np.float64)
        dist = det[None, :, stream] - ((x - means[None, :, stream]) ** 2
                                       * half_precision[None, :, stream]).sum(-1)
        top = np.argsort(-dist, axis=-1)[..., :4]  # [frame, codebook, 4]
        score = np.floor(np.take_along_axis(dist, top, -1) / 1024)
        cost = np.minimum(score[..., 0].max(1)[:, None, None] - score, 96)
        weights = model.mixture_weights.quantized[stream][top[:, codebook], senones[None, :, None]]
        mixture = np.exp(-(weights + cost[:, codebook]) * SCORE_UNIT).sum(-1)
        total -= np.log(mixture) / SCORE_UNIT
    relative: npt.NDArray[np.float64] = total - total.min(axis=1, keepdims=True)
    return relative


@pytest.fixture(scope="module")
def decoder_logs(an4_train_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pocketsphinx

    logs = tmp_path_factory.mktemp("decoder-logs")
    with zipfile.ZipFile(an4_train_zip) as archive:
        audio, _ = sf.read(io.BytesIO(archive.read("an90-fbbh-b.wav")), dtype="int16")
    decoder = pocketsphinx.Decoder(lm=None, bestpath=False, compallsen=True, loglevel="ERROR",
                                   mfclogdir=str(logs), senlogdir=str(logs))
    decoder.set_align_text("no")
    decoder.start_utt()
    decoder.process_raw(audio.tobytes(), full_utt=True)
    decoder.end_utt()
    return logs


def test_rescoring_our_features_reproduces_the_decoder(decoder_logs: Path) -> None:
    model = load_acoustic_model(BASE)
    cepstra = read_cepstra_log(next(decoder_logs.glob("*.mfc")), 13)
    logged = _read_senone_log(next(decoder_logs.glob("*.sen")), model.definition.n_senones)
    assert len(logged) == len(cepstra)
    likely = logged < 60  # far-off senones are clamped by the decoder's 8-bit arithmetic
    ours = np.abs(_decoder_scores(model, decoder_features(cepstra, model.features)) - logged)
    assert ours[likely].mean() < 1.5  # integer log-add rounding: about 0.8 units
    without_cmn = np.abs(_decoder_scores(model, dynamic_features(cepstra)) - logged)
    assert without_cmn[likely].mean() > 10


def test_batch_cmn_skips_frames_with_negative_energy() -> None:
    cepstra = np.array([[2.0, 1.0], [4.0, 3.0], [-5.0, 100.0]], dtype=np.float32)
    np.testing.assert_allclose(batch_cmn(cepstra), [[-1, -1], [1, 1], [-8, 98]])
    with pytest.raises(NoSpeechEnergyError):
        batch_cmn(np.full((4, 2), -1.0, dtype=np.float32))


def test_deltas_of_a_ramp_and_of_the_padded_edges() -> None:
    ramp = np.arange(20, dtype=np.float32)[:, None] * np.ones((1, 13), dtype=np.float32)
    features = dynamic_features(ramp)
    assert features.shape == (20, 39)
    assert np.all(features[3:-3, 13:26] == 4)  # c[t+2] - c[t-2]
    assert np.all(features[3:-3, 26:] == 0)
    assert np.all(features[0, 13:26] == 2)  # c[2] - c[0]: frame -2 repeats frame 0


def test_feature_spec_of_the_base_model() -> None:
    assert read_feature_spec(BASE) == FeatureSpec(13, "batch", 3, 16000)


def test_live_cmn_is_refused(tmp_path: Path) -> None:
    (tmp_path / "feat.params").write_text("-feat 1s_c_d_dd\n-cmn live\n")
    with pytest.raises(ModelError, match="-cmn live"):
        read_feature_spec(tmp_path)
