"""Global MLLR of the means: one affine transform per feature stream (Leggetter & Woodland).

For diagonal covariances each output dimension i has its own least-squares problem:
row w_i of W = [b A] solves G_i w_i = z_i with

    G_i = sum_k n_k / s2_ki  xi_k xi_k^T,   z_i = sum_k sum_x_ki / s2_ki  xi_k,   xi_k = [1, mu_k]

over every Gaussian k of the stream (all codebooks share the transform), using the same
statistics as MAP. Adapted means are A mu + b. A small ridge pulls W toward the identity so
that dimensions with little data stay put.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
RIDGE = 1e-3  # relative to the mean diagonal of G_i: enough to keep rank-poor G_i invertible


@dataclass(frozen=True)
class MllrTransform:
    """`matrices[stream]` is (dim, dim + 1): column 0 the offset b, the rest A."""

    matrices: F64

    def apply(self, means: F64) -> F64:
        """Transform means[codebook, stream, density, dim]."""
        offsets = self.matrices[:, :, 0]  # [stream, dim]
        linear = self.matrices[:, :, 1:]  # [stream, dim, dim]
        transformed: F64 = np.einsum("sij,csdj->csdi", linear, means)
        return transformed + offsets[None, :, None, :]


def estimate_mllr(means: F64, variances: F64, counts: F64, sums: F64) -> MllrTransform:
    """Per-stream transforms from occupancies `counts[c, s, k]` and sums `sums[c, s, k, d]`."""
    n_feat, dim = means.shape[1], means.shape[3]
    matrices = np.zeros((n_feat, dim, dim + 1))
    for stream in range(n_feat):
        mu = means[:, stream].reshape(-1, dim)
        inverse_var = 1.0 / variances[:, stream].reshape(-1, dim)
        n = counts[:, stream].reshape(-1)
        extended = np.hstack([np.ones((len(mu), 1)), mu])  # xi_k
        sx = sums[:, stream].reshape(-1, dim)
        for i in range(dim):
            weight = n * inverse_var[:, i]
            gram = (extended * weight[:, None]).T @ extended
            target = extended.T @ (sx[:, i] * inverse_var[:, i])
            identity_row = np.zeros(dim + 1)
            identity_row[i + 1] = 1.0
            ridge = RIDGE * max(float(np.trace(gram)) / (dim + 1), 1e-12)
            matrices[stream, i] = np.linalg.solve(
                gram + ridge * np.eye(dim + 1), target + ridge * identity_row
            )
    return MllrTransform(matrices)
