"""Recognition results in the shape of Azure batch transcription result files.

Only fields voxtune really computes are written: lexical text, timings, confidences, N-best.
(ITN/display forms join when display formatting lands; they are not faked from lexical.)
"""

from __future__ import annotations

from typing import Any

from voxtune.engine.types import Alternative, Phrase, RecognitionResult, Word
from voxtune.units import TICKS_PER_SECOND


def _duration_iso(ticks: int) -> str:
    """ISO 8601 duration, as Azure writes `offset`/`duration` next to the tick counts."""
    seconds = ticks / TICKS_PER_SECOND
    return f"PT{seconds:.2f}S"


def word_json(word: Word) -> dict[str, Any]:
    return {
        "word": word.text,
        "offset": _duration_iso(word.offset_ticks),
        "duration": _duration_iso(word.duration_ticks),
        "offsetInTicks": word.offset_ticks,
        "durationInTicks": word.duration_ticks,
        "confidence": round(word.confidence, 4),
    }


def alternative_json(alternative: Alternative) -> dict[str, Any]:
    return {
        "confidence": round(alternative.confidence, 4),
        "lexical": alternative.lexical,
        "words": [word_json(w) for w in alternative.words],
    }


def phrase_json(phrase: Phrase, channel: int = 0) -> dict[str, Any]:
    return {
        "recognitionStatus": "Success",
        "channel": channel,
        "offset": _duration_iso(phrase.offset_ticks),
        "duration": _duration_iso(phrase.duration_ticks),
        "offsetInTicks": phrase.offset_ticks,
        "durationInTicks": phrase.duration_ticks,
        "nBest": [alternative_json(a) for a in phrase.alternatives],
    }


def result_json(result: RecognitionResult, source: str = "") -> dict[str, Any]:
    """One file's result: `combinedRecognizedPhrases` + `recognizedPhrases`, as Azure."""
    return {
        "source": source or result.source,
        "duration": _duration_iso(result.duration_ticks),
        "durationInTicks": result.duration_ticks,
        "combinedRecognizedPhrases": [{"channel": 0, "lexical": result.lexical}],
        "recognizedPhrases": [phrase_json(p) for p in result.phrases],
    }
