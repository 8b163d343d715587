"""An acoustic model directory in memory: the parameters adaptation reads and rewrites."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxtune.engine.sphinx.adapt import s3io
from voxtune.engine.sphinx.adapt.features import FeatureSpec, read_feature_spec
from voxtune.errors import ModelError

MEANS = "means"
VARIANCES = "variances"
SENDUMP = "sendump"
MDEF = "mdef"
DECODER_VARIANCE_FLOOR = 1e-4  # pocketsphinx -varfloor default, applied when it loads variances


@dataclass(frozen=True)
class AcousticModel:
    """A phonetically-tied-mixture model: one codebook per CI phone, weights per senone."""

    source_dir: Path  # the directory the other files (mdef, transition_matrices...) come from
    means: s3io.GaussianParams  # [codebook, stream, density, dim]
    variances: s3io.GaussianParams
    mixture_weights: s3io.Sendump  # [stream, density, senone], quantized
    definition: s3io.ModelDefinition
    features: FeatureSpec

    @property
    def shape(self) -> tuple[int, int, int, int]:
        n_mgau, n_feat, n_density, dim = self.means.values.shape
        return n_mgau, n_feat, n_density, dim

    def weights(self) -> npt.NDArray[np.float64]:
        """Mixture weights as probabilities, `[senone, stream, density]`."""
        return self.mixture_weights.weights()

    def floored_variances(self) -> npt.NDArray[np.float64]:
        return np.maximum(self.variances.values.astype(np.float64), DECODER_VARIANCE_FLOOR)

    def with_means(self, means: npt.NDArray[np.floating]) -> AcousticModel:
        return replace(self, means=self.means.with_values(means))

    def with_variances(self, variances: npt.NDArray[np.floating]) -> AcousticModel:
        return replace(self, variances=self.variances.with_values(variances))

    def with_sendump(self, sendump: s3io.Sendump) -> AcousticModel:
        return replace(self, mixture_weights=sendump)


def load_acoustic_model(model_dir: Path) -> AcousticModel:
    """Read a pocketsphinx PTM model directory; ModelError if it is not one we can adapt."""
    for name in (MDEF, MEANS, VARIANCES, SENDUMP, "feat.params", "transition_matrices"):
        if not (model_dir / name).is_file():
            raise ModelError(f"{model_dir} is not an adaptable acoustic model: no {name}")
    model = AcousticModel(
        source_dir=model_dir,
        means=s3io.read_gaussians(model_dir / MEANS),
        variances=s3io.read_gaussians(model_dir / VARIANCES),
        mixture_weights=s3io.read_sendump(model_dir / SENDUMP),
        definition=s3io.read_model_definition(model_dir / MDEF),
        features=read_feature_spec(model_dir),
    )
    _check_consistent(model)
    return model


def _check_consistent(model: AcousticModel) -> None:
    n_mgau, n_feat, n_density, dim = model.shape
    problems = []
    if model.variances.values.shape != model.means.values.shape:
        problems.append("means and variances differ in shape")
    if model.mixture_weights.quantized.shape != (n_feat, n_density, model.definition.n_senones):
        problems.append("the mixture weights do not match the codebooks and senones")
    if n_mgau != len(model.definition.ciphones):
        problems.append("it is not phonetically tied (one codebook per CI phone)")
    if (n_feat, n_feat * dim) != (model.features.streams, model.features.dimensions):
        problems.append("its streams do not match feat.params")
    if problems:
        raise ModelError(f"{model.source_dir}: cannot adapt: {'; '.join(problems)}")


def save_acoustic_model(model: AcousticModel, out_dir: Path) -> None:
    """A complete model directory: the source's files, with the parameters rewritten."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if out_dir.resolve() != model.source_dir.resolve():
        for path in sorted(model.source_dir.iterdir()):
            if path.is_file() and path.name not in (MEANS, VARIANCES, SENDUMP):
                shutil.copyfile(path, out_dir / path.name)
    s3io.write_gaussians(out_dir / MEANS, model.means)
    s3io.write_gaussians(out_dir / VARIANCES, model.variances)
    s3io.write_sendump(out_dir / SENDUMP, model.mixture_weights)
