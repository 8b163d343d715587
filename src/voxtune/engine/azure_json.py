"""Recognition results in the shape of Azure batch transcription result files.

Every text comes in Azure's four forms (lexical, itn, maskedITN, display) from the model's
display formatter; the display form follows the request's profanity and punctuation modes.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        **_forms_json(formatter.forms(alternative.lexical, options, alternative.display)),
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
    phrases: Iterable[Phrase], formatter: DisplayFormatter, options: DisplayOptions
) -> DisplayForms:
    """Consecutive phrases' forms: each phrase formatted on its own (a phrase is a sentence
    for punctuation), then joined."""
    forms = [formatter.forms(p.lexical, options, p.display) for p in phrases if p.lexical]
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
    combined = combined_forms(result.phrases, formatter, options)
    return {
        "source": source or result.source,
        "duration": _duration_iso(result.duration_ticks),
        "durationInTicks": result.duration_ticks,
        "combinedRecognizedPhrases": [{"channel": 0, **_forms_json(combined)}],
        "recognizedPhrases": [phrase_json(p, formatter, options) for p in result.phrases],
    }


TICKS_PER_MS = 10_000


def speech_phrase_json(
    phrases: list[Phrase],
    formatter: DisplayFormatter,
    options: DisplayOptions,
    *,
    detailed: bool,
    word_timings: bool,
) -> dict[str, Any]:
    """A final real-time result (short-audio REST answer, Speech SDK `speech.phrase`) for
    consecutive phrases: Success with DisplayText (simple) or NBest (detailed), or NoMatch.
    The end is rounded up to a whole millisecond: the Speech SDK replays audio past it."""
    phrases = [phrase for phrase in phrases if phrase.lexical]
    if not phrases:
        return {"RecognitionStatus": "NoMatch", "Offset": 0, "Duration": 0}
    offset = phrases[0].offset_ticks
    end = phrases[-1].offset_ticks + phrases[-1].duration_ticks
    end = -(-end // TICKS_PER_MS) * TICKS_PER_MS
    status = {"RecognitionStatus": "Success", "Offset": offset, "Duration": end - offset}
    if not detailed:
        return {**status, "DisplayText": combined_forms(phrases, formatter, options).display}
    # One phrase: its N-best list. Several (audio with long pauses): one combined best.
    alternatives = (
        list(phrases[0].alternatives)
        if len(phrases) == 1
        else [
            Alternative(
                " ".join(p.lexical for p in phrases),
                min(p.confidence for p in phrases),
                tuple(w for p in phrases for w in p.words),
                " ".join(p.display for p in phrases) if all(p.display for p in phrases) else "",
            )
        ]
    )
    nbest = []
    for alternative in alternatives:
        forms = formatter.forms(alternative.lexical, options, alternative.display)
        entry: dict[str, Any] = {
            "Confidence": round(alternative.confidence, 4),
            "Lexical": forms.lexical,
            "ITN": forms.itn,
            "MaskedITN": forms.masked_itn,
            "Display": forms.display,
        }
        if word_timings and alternative.words:
            entry["Words"] = [
                {
                    "Word": word.text,
                    "Offset": word.offset_ticks,
                    "Duration": word.duration_ticks,
                    "Confidence": round(word.confidence, 4),
                }
                for word in alternative.words
            ]
        nbest.append(entry)
    return {**status, "NBest": nbest}
