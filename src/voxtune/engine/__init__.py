"""The recognition engine: recognize audio in one go, as a stream, or many files in parallel.

from voxtune.engine import open_recognizer
recognizer = open_recognizer("base")
result = recognizer.recognize(audio)
"""

from __future__ import annotations

from pathlib import Path

from voxtune.engine.bundle import ModelBundle, load_bundle
from voxtune.engine.parallel import ItemOutcome, recognize_files, recognize_items
from voxtune.engine.pocketsphinx_engine import PocketsphinxRecognizer
from voxtune.engine.recognizer import RecognitionOptions, RecognitionStream, Recognizer
from voxtune.engine.streaming import PocketsphinxStream
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
    model: str | Path | ModelBundle = "base", options: RecognitionOptions | None = None
) -> PocketsphinxRecognizer:
    """A recognizer for a bundle, a bundle directory, or "base" (ModelError if it won't load)."""
    bundle = model if isinstance(model, ModelBundle) else load_bundle(model)
    return PocketsphinxRecognizer(bundle, options)


__all__ = [
    "Alternative",
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
    "load_bundle",
    "open_recognizer",
    "recognize_files",
    "recognize_items",
]
