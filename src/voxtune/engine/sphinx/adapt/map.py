"""Closed-form MAP updates (Gauvain & Lee) from one pass of statistics.

tau is the weight of the prior in frames: a parameter seen for n frames moves n / (tau + n) of
the way from its prior value to its maximum-likelihood estimate. Parameters with no data keep
their prior values exactly (bit for bit in the written files).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voxtune.engine.sphinx.adapt.s3io import Sendump, quantize

F64 = npt.NDArray[np.float64]


def map_mixture_weights(prior: Sendump, counts: F64, tau: float) -> tuple[Sendump, int]:
    """w = (tau w0 + c) / (tau + sum c) per senone and stream; returns (weights, senones moved).

    counts: [senone, stream, density] posterior occupancies (Statistics.mixture_counts).
    """
    weights = prior.weights()
    occupancy = counts.sum(axis=-1, keepdims=True)
    seen = occupancy[..., 0] > 0  # [senone, stream]
    with np.errstate(invalid="ignore", divide="ignore"):
        adapted = quantize(np.where(seen[..., None], (tau * weights + counts) / (tau + occupancy),
                                    weights))
    unchanged = np.transpose(prior.quantized, (2, 0, 1))  # [senone, stream, density]
    merged = np.where(seen[..., None], adapted, unchanged)
    result = Sendump(np.ascontiguousarray(np.transpose(merged, (1, 2, 0))), prior.strings)
    return result, int(seen.any(axis=1).sum())


def map_means(prior: F64, counts: F64, sums: F64, tau: float) -> tuple[F64, int]:
    """mu = (tau mu0 + sum gamma x) / (tau + sum gamma); returns (means, Gaussians moved)."""
    seen = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        adapted = (tau * prior + sums) / (tau + counts)[..., None]
    return np.where(seen[..., None], adapted, prior), int(seen.sum())


def map_variances(prior: F64, prior_means: F64, means: F64, counts: F64, sums: F64,
                  squares: F64, tau: float, floor: float) -> tuple[F64, int]:
    """The conjugate-prior variance update around the adapted means `means`:
    s2 = (tau (s0^2 + (mu0 - mu)^2) + sum gamma (x - mu)^2) / (tau + sum gamma)."""
    seen = counts > 0
    scatter = squares - 2 * means * sums + means * means * counts[..., None]
    prior_scatter = tau * (prior + (prior_means - means) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        adapted = np.maximum((prior_scatter + scatter) / (tau + counts)[..., None], floor)
    return np.where(seen[..., None], adapted, prior), int(seen.sum())
