"""Recognition results in the shape of Azure batch transcription result files.

Every text comes in Azure's four forms (lexical, itn, maskedITN, display) from the model's
display formatter; the display form follows the request's profanity and punctuation modes.
"""

from __future__ import annotations

from typing import Any

from voxtune.engine.types import Alternative, Phrase, RecognitionResult, Word
from voxtune.text.display import DisplayFormatter, DisplayForms, DisplayOptions
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


def _forms_json(forms: DisplayForms) -> dict[str, str]:
    return {
        "lexical": forms.lexical,
        "itn": forms.itn,
        "maskedITN": forms.masked_itn,
        "display": forms.display,
    }


def alternative_json(
    alternative: Alternative, formatter: DisplayFormatter, options: DisplayOptions
) -> dict[str, Any]:
    return {
        "confidence": round(alternative.confidence, 4),
        **_forms_json(formatter.forms(alternative.lexical, options)),
        "words": [word_json(w) for w in alternative.words],
    }


def phrase_json(
    phrase: Phrase, formatter: DisplayFormatter, options: DisplayOptions, channel: int = 0
) -> dict[str, Any]:
    return {
        "recognitionStatus": "Success",
        "channel": channel,
        "offset": _duration_iso(phrase.offset_ticks),
        "duration": _duration_iso(phrase.duration_ticks),
        "offsetInTicks": phrase.offset_ticks,
        "durationInTicks": phrase.duration_ticks,
        "nBest": [alternative_json(a, formatter, options) for a in phrase.alternatives],
    }


def combined_forms(
    result: RecognitionResult, formatter: DisplayFormatter, options: DisplayOptions
) -> DisplayForms:
    """The whole input's forms: each phrase formatted on its own (a phrase is a sentence for
    punctuation), then joined."""
    forms = [formatter.forms(p.lexical, options) for p in result.phrases if p.lexical]
    return DisplayForms(
        " ".join(f.lexical for f in forms),
        " ".join(f.itn for f in forms),
        " ".join(f.masked_itn for f in forms),
        " ".join(f.display for f in forms),
    )


def result_json(
    result: RecognitionResult,
    source: str = "",
    *,
    formatter: DisplayFormatter,
    options: DisplayOptions | None = None,
) -> dict[str, Any]:
    """One file's result: `combinedRecognizedPhrases` + `recognizedPhrases`, as Azure."""
    options = options or DisplayOptions()
    combined = combined_forms(result, formatter, options)
    return {
        "source": source or result.source,
        "duration": _duration_iso(result.duration_ticks),
        "durationInTicks": result.duration_ticks,
        "combinedRecognizedPhrases": [{"channel": 0, **_forms_json(combined)}],
        "recognizedPhrases": [phrase_json(p, formatter, options) for p in result.phrases],
    }
