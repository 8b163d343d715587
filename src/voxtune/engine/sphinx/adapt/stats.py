"""Sufficient statistics for MAP and MLLR from state-aligned features.

Each aligned frame belongs to one senone; within the senone's codebook (PTM: the codebook of
its CI phone) the frame is shared among the Gaussians by their posterior
gamma_k = w_sk N(x; mu_k, sigma_k) / sum_j w_sj N(x; mu_j, sigma_j), per stream. From one pass:

    mixture_counts[senone, stream, k]  sum of gamma     (MAP of mixture weights)
    counts[codebook, stream, k]         sum of gamma     (MAP of means, MLLR)
    sums[codebook, stream, k]           sum of gamma x
    squares[codebook, stream, k]        sum of gamma x^2 (variances)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voxtune.engine.sphinx.adapt.model import AcousticModel

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Statistics:
    mixture_counts: F64  # [senone, stream, density]
    counts: F64  # [codebook, stream, density]
    sums: F64  # [codebook, stream, density, dim]
    squares: F64  # [codebook, stream, density, dim]
    frames: int = 0
    log_likelihood: float = 0.0  # natural log, summed over frames and streams

    @classmethod
    def zeros(cls, model: AcousticModel) -> Statistics:
        n_mgau, n_feat, n_density, dim = model.shape
        n_sen = model.definition.n_senones
        return cls(
            np.zeros((n_sen, n_feat, n_density)),
            np.zeros((n_mgau, n_feat, n_density)),
            np.zeros((n_mgau, n_feat, n_density, dim)),
            np.zeros((n_mgau, n_feat, n_density, dim)),
        )

    def __add__(self, other: Statistics) -> Statistics:
        return Statistics(
            self.mixture_counts + other.mixture_counts,
            self.counts + other.counts,
            self.sums + other.sums,
            self.squares + other.squares,
            self.frames + other.frames,
            self.log_likelihood + other.log_likelihood,
        )


class Accumulator:
    """Gaussian tables of one model, precomputed to score many frames against it."""

    def __init__(self, model: AcousticModel, posterior_topn: int | None = None) -> None:
        self._model = model
        # None: the full posterior over the codebook; N: only the N likeliest Gaussians of
        # each frame, as the decoder scores (its -topn).
        self._topn = posterior_topn
        variances = model.floored_variances()
        means = model.means.values.astype(np.float64)
        precision = 1.0 / variances
        self._constant = -0.5 * (
            np.log(2 * np.pi * variances).sum(-1) + (means * means * precision).sum(-1)
        )
        # log N(x) = constant + [x, x^2] @ projection: one contiguous (2 dim, density) matrix
        # per codebook and stream, so each block of frames takes a single product.
        projection = np.concatenate([means * precision, -0.5 * precision], axis=-1)
        self._projection = np.ascontiguousarray(np.swapaxes(projection, -1, -2))
        with np.errstate(divide="ignore"):
            self._log_weights = np.log(model.weights())
        self._codebook = model.definition.senone_codebook
        self._dim = model.shape[3]

    def accumulate(self, features: npt.NDArray[np.float32], senones: npt.NDArray[np.int64]
                   ) -> Statistics:
        """Statistics of `features[t]` aligned to `senones[t]` (same length)."""
        stats = Statistics.zeros(self._model)
        codebooks = self._codebook[senones]
        log_likelihood = 0.0
        for codebook in np.unique(codebooks):
            rows = np.flatnonzero(codebooks == codebook)
            rows = rows[np.argsort(senones[rows], kind="stable")]  # group frames by senone
            log_likelihood += self._add_codebook(stats, int(codebook), features[rows],
                                                 senones[rows])
        return Statistics(stats.mixture_counts, stats.counts, stats.sums, stats.squares,
                          len(senones), log_likelihood)

    def _add_codebook(self, stats: Statistics, codebook: int, features: npt.NDArray[np.float32],
                      senones: npt.NDArray[np.int64]) -> float:
        starts = np.flatnonzero(np.r_[True, senones[1:] != senones[:-1]])
        log_likelihood = 0.0
        for stream in range(stats.counts.shape[1]):
            x = features[:, stream * self._dim : (stream + 1) * self._dim].astype(np.float64)
            moments = np.hstack([x, x * x])
            gauss = self._constant[codebook, stream] + moments @ self._projection[codebook, stream]
            gamma, frame_log_likelihood = _posteriors(
                gauss, self._log_weights[senones, stream], self._topn
            )
            log_likelihood += float(frame_log_likelihood.sum())
            stats.mixture_counts[senones[starts], stream] += np.add.reduceat(gamma, starts, 0)
            stats.counts[codebook, stream] += gamma.sum(0)
            weighted = gamma.T @ moments
            stats.sums[codebook, stream] += weighted[:, : self._dim]
            stats.squares[codebook, stream] += weighted[:, self._dim :]
        return log_likelihood


def _posteriors(gauss: F64, log_weights: F64, topn: int | None) -> tuple[F64, F64]:
    """Posteriors of each row's Gaussians and the row's log-likelihood. With `topn`, only the
    N Gaussians of highest likelihood count, as in the decoder (before weighting)."""
    joint = gauss + log_weights
    if topn is not None and topn < gauss.shape[1]:
        kth = np.partition(gauss, -topn, axis=1)[:, -topn][:, None]
        joint = np.where(gauss >= kth, joint, -np.inf)
    peak = joint.max(axis=1, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    scaled = np.exp(joint - peak)
    total = scaled.sum(axis=1, keepdims=True)
    return scaled / np.maximum(total, 1e-300), (peak + np.log(np.maximum(total, 1e-300)))[:, 0]
