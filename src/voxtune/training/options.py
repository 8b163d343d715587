"""How to train: the options of every engine's training, and the progress callback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voxtune.engine.sphinx.adapt import AdaptOptions
from voxtune.engine.whisper.finetune import FineTuneOptions

Progress = Callable[[str, float], None]  # (stage, fraction of the whole training 0..1)


@dataclass(frozen=True)
class TrainingOptions:
    weight_percent: int | None = None  # Azure customModelWeightPercent 1..100; None: tuned
    lm_order: int = 3  # n-gram order of the domain LM
    acoustic_adaptation: bool = True  # adapt to the Acoustic datasets' audio when given
    adapt: AdaptOptions = field(default_factory=AdaptOptions)
    # drop pronunciation variants the training audio never used (lexicon/usage.py)
    prune_pronunciations: bool = True
    locale: str = "en-US"
    name: str = ""  # model name recorded in the manifest (default: the output folder name)
    # pocketsphinx settings the model is served with; None: CUSTOM_DECODER_OPTIONS (measured,
    # engine/sphinx/decoder_options.py)
    decoder_options: Mapping[str, Any] | None = None
    # Whisper base models: the fine-tuning recipe (None: the measured defaults), and where a
    # killed training's checkpoints are kept for the next attempt (None: inside the work dir)
    fine_tune: FineTuneOptions | None = None
    checkpoint_dir: Path | None = None
