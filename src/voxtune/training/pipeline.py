"""train(base, inputs, out_dir) -> TrainedModel: datasets + base model -> a complete ModelBundle.

The base model's engine trains: pocketsphinx (sphinx.py, then engine/sphinx/trainer.py:
language model, lexicon, acoustic adaptation) or Whisper (neural.py, then
engine/whisper/trainer.py: fine-tuning). Each reads the datasets (inputs.py), writes its model
files, the formatting rules and the training report into a temporary sibling of `out_dir`,
and answers its manifest fields. The manifest (with the hash of every file) is written last
and only then is the directory renamed into place: a failed or killed training leaves no half
bundle behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxtune.engine.bundle import ENGINE_WHISPER, ModelBundle, load_bundle, write_manifest
from voxtune.engine.whisper.trainer import WhisperTrainingReport
from voxtune.errors import ConflictError
from voxtune.training.inputs import TrainingInputs
from voxtune.training.neural import train_neural_model
from voxtune.training.options import Progress, TrainingOptions
from voxtune.training.outputs import FORMATTING_DIR, REPORT_FILE
from voxtune.training.report import TrainingReport
from voxtune.training.sphinx import train_sphinx_model

# An engine's training: (base, inputs, work dir, options, progress) -> (its manifest fields,
# the report it wrote into the work dir)
EngineTraining = Callable[
    [ModelBundle, TrainingInputs, Path, TrainingOptions, Progress],
    tuple[dict[str, Any], TrainingReport | WhisperTrainingReport],
]


@dataclass(frozen=True)
class TrainedModel:
    bundle: ModelBundle
    report: TrainingReport | WhisperTrainingReport


def train(
    base: str | Path | ModelBundle,
    inputs: TrainingInputs,
    out_dir: Path,
    options: TrainingOptions | None = None,
    on_progress: Progress | None = None,
) -> TrainedModel:
    options = options or TrainingOptions()
    progress = on_progress or (lambda stage, fraction: None)
    base_bundle = base if isinstance(base, ModelBundle) else load_bundle(base)
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ConflictError(f"{out_dir} exists and is not empty: choose a new output folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    work.chmod(0o755)  # mkdtemp makes it private; a bundle is shared with servers/workers
    try:
        training = _engine_training(base_bundle.engine)
        fields, report = training(base_bundle, inputs, work, options, progress)
        write_manifest(work, _manifest(base_bundle, fields, report, options, out_dir))
        if out_dir.exists():
            out_dir.rmdir()
        work.rename(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress("done", 1.0)
    return TrainedModel(load_bundle(out_dir), report)


def _engine_training(engine: str) -> EngineTraining:
    """The training of the base model's engine."""
    return train_neural_model if engine == ENGINE_WHISPER else train_sphinx_model


def _manifest(
    base: ModelBundle, fields: dict[str, Any], report: TrainingReport | WhisperTrainingReport,
    options: TrainingOptions, out_dir: Path,
) -> dict[str, Any]:
    return {
        "name": options.name or out_dir.name,
        "locale": options.locale,
        "engine": base.engine,
        "base": base.name,
        **fields,
        "formatting_rules": FORMATTING_DIR if report.formatting_files else None,
        "decoder_options": report.decoder_options,
        "training_report": REPORT_FILE,
        "datasets": report.dataset_hashes,
    }


__all__ = ["TrainedModel", "TrainingOptions", "train"]
