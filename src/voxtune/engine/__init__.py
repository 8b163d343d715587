"""The recognition engine: recognize audio in one go, as a stream, or many files in parallel.

from voxtune.engine import open_recognizer
recognizer = open_recognizer()  # en-US's default base model (whisper-base); "base": sphinx
result = recognizer.recognize(audio)
"""

from __future__ import annotations

from pathlib import Path

from voxtune.engine.bundle import ModelBundle, load_bundle
from voxtune.engine.parallel import ItemOutcome, recognize_files, recognize_items
from voxtune.engine.recognizer import RecognitionOptions, RecognitionStream, Recognizer
from voxtune.engine.registry import (
    BASE_MODELS,
    BaseModel,
    available_base_models,
    base_model,
    default_base_location,
    default_base_model,
    open_recognizer_for,
)
from voxtune.engine.sphinx.recognizer import PocketsphinxRecognizer
from voxtune.engine.sphinx.streaming import PocketsphinxStream
from voxtune.engine.types import (
    Alternative,
    FinalPhrase,
    PartialHypothesis,
    Phrase,
    RecognitionResult,
    StreamEvent,
    Word,
)


def open_recognizer(
    model: str | Path | ModelBundle | None = None, options: RecognitionOptions | None = None
) -> Recognizer:
    """A recognizer for a bundle, a bundle directory, or a base model's name ("base",
    "whisper-base", "whisper-base@de-DE", ...; None: en-US's default base model; ModelError
    if it won't load). The bundle's engine decides which."""
    if model is None:
        model = default_base_location()
    bundle = model if isinstance(model, ModelBundle) else load_bundle(model)
    return open_recognizer_for(bundle, options)


__all__ = [
    "BASE_MODELS",
    "Alternative",
    "BaseModel",
    "FinalPhrase",
    "ItemOutcome",
    "ModelBundle",
    "PartialHypothesis",
    "Phrase",
    "PocketsphinxRecognizer",
    "PocketsphinxStream",
    "RecognitionOptions",
    "RecognitionResult",
    "RecognitionStream",
    "Recognizer",
    "StreamEvent",
    "Word",
    "available_base_models",
    "base_model",
    "default_base_model",
    "load_bundle",
    "open_recognizer",
    "recognize_files",
    "recognize_items",
]
