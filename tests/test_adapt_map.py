"""MAP, MLLR and the statistics they are computed from."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.engine.bundle import base_bundle
from voxtune.engine.sphinx.adapt.map import map_means, map_mixture_weights, map_variances
from voxtune.engine.sphinx.adapt.mllr import estimate_mllr
from voxtune.engine.sphinx.adapt.model import AcousticModel, load_acoustic_model
from voxtune.engine.sphinx.adapt.stats import Accumulator, Statistics


@pytest.fixture(scope="module")
def model() -> AcousticModel:
    return load_acoustic_model(base_bundle().acoustic_model_dir)


def test_zero_statistics_leave_every_parameter_unchanged(model: AcousticModel) -> None:
    stats = Statistics.zeros(model)
    sendump, senones = map_mixture_weights(model.mixture_weights, stats.mixture_counts, 50.0)
    assert senones == 0 and np.array_equal(sendump.quantized, model.mixture_weights.quantized)
    means = model.means.values.astype(float)
    adapted, moved = map_means(means, stats.counts, stats.sums, 5.0)
    assert moved == 0 and np.array_equal(adapted, means)
    variances = model.variances.values.astype(float)
    new_var, moved = map_variances(variances, means, means, stats.counts, stats.sums,
                                   stats.squares, 5.0, 1e-4)
    assert moved == 0 and np.array_equal(new_var, variances)


def test_mean_update_moves_by_n_over_tau_plus_n() -> None:
    prior = np.zeros((1, 1, 2, 3))
    counts = np.array([[[10.0, 0.0]]])
    sums = np.zeros((1, 1, 2, 3))
    sums[0, 0, 0] = 10 * np.array([1.0, 2.0, 3.0])  # ML mean (1, 2, 3) from 10 frames
    adapted, moved = map_means(prior, counts, sums, tau=5.0)
    np.testing.assert_allclose(adapted[0, 0, 0], np.array([1.0, 2.0, 3.0]) * 10 / 15)
    assert moved == 1 and np.all(adapted[0, 0, 1] == 0)
    ml, _ = map_means(prior, counts, sums, tau=0.0)
    np.testing.assert_allclose(ml[0, 0, 0], [1.0, 2.0, 3.0])


def test_mixture_weights_follow_abundant_data(model: AcousticModel) -> None:
    counts = np.zeros_like(model.weights())
    counts[7, :, 3] = 1e6  # senone 7 saw only Gaussian 3, a million times
    sendump, senones = map_mixture_weights(model.mixture_weights, counts, 50.0)
    weights = sendump.weights()
    assert senones == 1 and weights[7, :, 3].min() > 0.99
    assert np.array_equal(np.delete(sendump.quantized, 7, axis=2),
                          np.delete(model.mixture_weights.quantized, 7, axis=2))


def test_mllr_recovers_a_known_transform() -> None:
    rng = np.random.default_rng(1)
    means = rng.normal(size=(4, 2, 32, 3))
    variances = rng.uniform(0.5, 2.0, size=means.shape)
    linear = np.eye(3) + rng.normal(scale=0.1, size=(2, 3, 3))
    offset = rng.normal(size=(2, 3))
    counts = rng.uniform(50, 100, size=means.shape[:3])
    target = np.einsum("sij,csdj->csdi", linear, means) + offset[None, :, None, :]
    transform = estimate_mllr(means, variances, counts, target * counts[..., None])
    np.testing.assert_allclose(transform.apply(means), target, atol=1e-2)


def test_posteriors_share_each_frame_once_per_stream(model: AcousticModel) -> None:
    rng = np.random.default_rng(2)
    features = rng.normal(scale=3.0, size=(40, 39)).astype(np.float32)
    senones = np.repeat(np.array([100, 2000, 5000]), [10, 20, 10])
    for topn in (None, 4):
        stats = Accumulator(model, topn).accumulate(features, senones)
        assert stats.frames == 40 and np.isfinite(stats.log_likelihood)
        np.testing.assert_allclose(stats.mixture_counts.sum(axis=2)[[100, 2000, 5000]],
                                   [[10] * 3, [20] * 3, [10] * 3])
        np.testing.assert_allclose(stats.counts.sum(axis=(0, 2)), [40, 40, 40])
    top4 = Accumulator(model, 4).accumulate(features, senones)
    assert np.count_nonzero(top4.mixture_counts[100, 0]) <= 4 * 10
