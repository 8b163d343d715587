"""Streaming with Whisper: partials by re-decoding the growing phrase, a final at each pause.

Whisper has no incremental decoder; the usual way (whisper_streaming, faster-whisper's users)
is to decode the phrase heard so far again at a steady pace. A partial is only shown when it
extends what the last one said by the prefix both decodes agree on, so partials do not
flicker. Phrases are cut at pauses by the same `PhraseSegmenter` as the sphinx stream (at most
30 s, Whisper's window); the final is `decode_through` over the whole phrase, exactly as
`recognize()` decodes it, with the phrases before it as context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from voxtune.engine.segment import PhraseSegmenter, SpeechSpan
from voxtune.engine.types import FinalPhrase, PartialHypothesis, Phrase, StreamEvent
from voxtune.errors import EngineError
from voxtune.units import TICKS_PER_SECOND, Seconds

if TYPE_CHECKING:
    import numpy.typing as npt

    from voxtune.engine.whisper.recognizer import WhisperRecognizer

PARTIAL_EVERY_S: Seconds = 1.0  # decode the growing phrase after this much new audio
MAX_PHRASE_S: Seconds = 29.0  # below the 30 s window, so a phrase always fits one decode


def agreed_prefix(previous: str, current: str) -> str:
    """The words two successive decodes agree on, from the start."""
    agreed = []
    for a, b in zip(previous.split(), current.split(), strict=False):
        if a != b:
            break
        agreed.append(a)
    return " ".join(agreed)


class WhisperStream:
    """RecognitionStream over a WhisperRecognizer; feed 16-bit mono PCM at 16 kHz."""

    def __init__(self, recognizer: WhisperRecognizer) -> None:
        self._rec = recognizer
        self._rate = recognizer.sample_rate_hz
        self._segmenter = PhraseSegmenter(
            self._rate,
            min_pause_s=recognizer.options.min_pause_s,
            max_phrase_s=min(recognizer.options.max_phrase_s, MAX_PHRASE_S),
        )
        self._audio: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self._audio_start = 0
        self._received = 0
        self._odd_byte = b""
        self._decoded_at = 0  # samples received when the growing phrase was last decoded
        self._last_decode = ""
        self._shown = ""
        self._finals: list[Phrase] = []  # the context of the next phrase, as in recognize()
        self._finished = False

    def feed(self, pcm16: bytes) -> list[StreamEvent]:
        self._check_open()
        data = self._odd_byte + pcm16
        usable = len(data) // 2 * 2
        self._odd_byte = data[usable:]
        samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0
        if len(samples) == 0:
            return []
        self._audio = np.concatenate([self._audio, samples])
        self._received += len(samples)
        events: list[StreamEvent] = []
        for span in self._segmenter.push(samples):
            events.extend(self._final(span))
        events.extend(self._partial())
        self._trim()
        return events

    def finish(self) -> list[StreamEvent]:
        self._check_open()
        self._finished = True
        events: list[StreamEvent] = []
        for span in self._segmenter.flush():
            events.extend(self._final(span))
        self._audio = np.zeros(0, dtype=np.float32)
        return events

    def _final(self, span: SpeechSpan) -> list[StreamEvent]:
        self._last_decode = self._shown = ""
        self._check_held(span.start_sample)
        phrases = self._rec.decode_through(self._audio, span, self._finals, self._audio_start)
        self._finals = [*self._finals, *phrases][-3:]
        return [FinalPhrase(phrase) for phrase in phrases]

    def _partial(self) -> list[StreamEvent]:
        start = self._segmenter.phrase_start_sample()
        if (
            start is None
            or self._received - max(self._decoded_at, start) < PARTIAL_EVERY_S * self._rate
        ):
            return []
        self._decoded_at = self._received
        phrase = self._rec.decode_span(self._slice(start, self._received), start, self._finals)
        text = phrase.lexical if phrase is not None else ""
        # The first decode of a phrase is shown as it is; later ones keep what both agree on
        # and add the rest, unless they take back words already shown.
        stable = agreed_prefix(self._last_decode, text) if self._last_decode else text
        self._last_decode = text
        shown = text if stable.startswith(self._shown) or not self._shown else ""
        if not shown or shown == self._shown:
            return []
        self._shown = shown
        return [PartialHypothesis(self._ticks(start), self._ticks(self._received - start), shown)]

    def _slice(self, start: int, end: int) -> npt.NDArray[np.float32]:
        self._check_held(start)
        return self._audio[start - self._audio_start : end - self._audio_start]

    def _check_held(self, start: int) -> None:
        if start < self._audio_start:
            raise EngineError("stream lost audio it still needed (internal error)")

    def _trim(self) -> None:
        keep_from = min(self._segmenter.retain_from_sample(), self._received)
        if keep_from > self._audio_start:
            self._audio = self._audio[keep_from - self._audio_start :].copy()
            self._audio_start = keep_from

    def _ticks(self, samples: int) -> int:
        return samples * TICKS_PER_SECOND // self._rate

    def _check_open(self) -> None:
        if self._finished:
            raise EngineError("this recognition stream is finished; open a new one")
