"""Typed recognition results, shaped after Azure's (offsets and durations in 100-ns ticks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from voxtune.units import Ticks


@dataclass(frozen=True)
class Word:
    """One recognized word; `text` is lexical (lowercase, no punctuation, no `(2)` variants)."""

    text: str
    offset_ticks: Ticks  # from the start of the audio, not of the phrase
    duration_ticks: Ticks
    confidence: float  # posterior probability 0..1


@dataclass(frozen=True)
class Alternative:
    """One N-best hypothesis of a phrase."""

    lexical: str
    confidence: float
    words: tuple[Word, ...] = ()
    # The engine's own written form (Whisper's casing, punctuation and digits); "" when an
    # engine outputs lexical words only and display formatting writes them (sphinx)
    display: str = ""


@dataclass(frozen=True)
class Phrase:
    """A stretch of speech between pauses, recognized on its own.

    `alternatives[0]` is the best hypothesis; it is what `lexical`, `confidence` and `words` echo.
    """

    offset_ticks: Ticks
    duration_ticks: Ticks
    alternatives: tuple[Alternative, ...]

    @property
    def best(self) -> Alternative:
        return self.alternatives[0]

    @property
    def lexical(self) -> str:
        return self.best.lexical

    @property
    def confidence(self) -> float:
        return self.best.confidence

    @property
    def words(self) -> tuple[Word, ...]:
        return self.best.words

    @property
    def display(self) -> str:
        return self.best.display


@dataclass(frozen=True)
class RecognitionResult:
    """The result for one audio input: its phrases in time order."""

    duration_ticks: Ticks
    phrases: tuple[Phrase, ...] = ()
    source: str = field(default="", compare=False)

    @property
    def lexical(self) -> str:
        return " ".join(p.lexical for p in self.phrases if p.lexical)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for p in self.phrases for w in p.words)


@dataclass(frozen=True)
class PartialHypothesis:
    """A streaming interim result: may still change."""

    offset_ticks: Ticks
    duration_ticks: Ticks
    lexical: str


@dataclass(frozen=True)
class FinalPhrase:
    """A streaming final result: a phrase that will not change any more."""

    phrase: Phrase


StreamEvent = PartialHypothesis | FinalPhrase
