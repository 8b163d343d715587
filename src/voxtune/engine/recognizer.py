"""The Recognizer protocol: what every engine behind voxtune must do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from voxtune.audio.types import Audio
from voxtune.engine.types import RecognitionResult, StreamEvent
from voxtune.units import Hertz, Seconds

if TYPE_CHECKING:
    from voxtune.engine.bundle import ModelBundle


@dataclass(frozen=True)
class RecognitionOptions:
    """How to recognize; defaults suit both short commands and long dictation."""

    max_alternatives: int = 5  # N-best hypotheses kept per phrase
    # Long audio is cut at pauses into phrases; a phrase is never longer than this, which
    # bounds decoder memory and gives streaming clients finals at a steady pace.
    max_phrase_s: Seconds = 30.0
    # Pauses shorter than this stay inside a phrase.
    min_pause_s: Seconds = 0.5
    # recognize() on long audio joins pause-separated pieces until a phrase lasts this long:
    # pocketsphinx decodes short phrases worse (AN4 train speakers, ~35 s each: 45.7% WER with
    # a phrase at every pause, 39.0% joined to >= 10 s, 38.2% undivided). Streams do not wait:
    # they finalize at every pause.
    min_phrase_s: Seconds = 10.0
    # Audio shorter than this is recognized as a single phrase without voice activity
    # detection: short commands must not lose a leading or trailing word to the VAD.
    segment_above_s: Seconds = 20.0
    word_timestamps: bool = True


class RecognitionStream(Protocol):
    """Incremental recognition: feed audio as it arrives, get partial and final results."""

    def feed(self, pcm16: bytes) -> list[StreamEvent]:
        """Mono 16-bit little-endian PCM at the recognizer's sample rate."""
        ...

    def finish(self) -> list[StreamEvent]:
        """End of audio: flush the last phrase as a final result."""
        ...


class Recognizer(Protocol):
    bundle: ModelBundle  # the model it decodes with

    @property
    def sample_rate_hz(self) -> Hertz: ...

    def recognize(self, audio: Audio) -> RecognitionResult:
        """Whole-input recognition; audio at any rate (it is resampled)."""
        ...

    def stream(self) -> RecognitionStream: ...
