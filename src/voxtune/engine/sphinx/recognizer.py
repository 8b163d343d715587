"""The pocketsphinx recognizer: one loaded decoder, reused for every call.

Loading a decoder takes ~0.3 s and ~128 MB, so a recognizer builds it once. A decoder decodes
one utterance at a time: calls are serialized by a lock, and a stream's unfinished utterance is
only a cache that another caller may end (the stream replays its buffered phrase audio when it
gets the decoder back, see streaming.py). For real concurrency use one recognizer per worker.

Every phrase is decoded as a whole utterance after resetting the front end (`reinit_feat`):
pocketsphinx otherwise carries noise and cepstral-mean estimates from one utterance into the
next, and the same audio would get a different transcript depending on what came before it
(measured: "yes" alone, "yep" after another AN4 clip). With the reset, results depend only on
the audio, so batch, parallel and streaming recognition agree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from voxtune.audio.types import Audio
from voxtune.engine.bundle import ModelBundle
from voxtune.engine.recognizer import RecognitionOptions
from voxtune.engine.segment import SpeechSpan, has_sound, join_short_phrases, split_phrases
from voxtune.engine.sphinx.decoder import Pcm16, ticks_of
from voxtune.engine.sphinx.hypotheses import (
    build_alternatives,
    make_phrase,
    nbest_scores,
    nbest_word_confidences,
    phrase_words,
)
from voxtune.engine.sphinx.streaming import PocketsphinxStream
from voxtune.engine.types import Alternative, Phrase, RecognitionResult
from voxtune.errors import EngineError, ModelError
from voxtune.units import Hertz


def build_decoder(bundle: ModelBundle) -> Any:
    """A pocketsphinx Decoder for the bundle; ModelError when its files do not load."""
    import pocketsphinx

    settings: dict[str, Any] = {
        "hmm": str(bundle.acoustic_model_dir),
        "dict": str(bundle.dictionary_path),
        "lm": str(bundle.language_model_path),
        "loglevel": "ERROR",  # pocketsphinx logs every utterance to stderr otherwise
    }
    settings.update(bundle.decoder_options)
    try:
        return pocketsphinx.Decoder(**settings)
    except (RuntimeError, ValueError, KeyError, OSError) as exc:
        raise ModelError(f"model {bundle.name!r} does not load into pocketsphinx: {exc}") from exc


def to_pcm16(samples: npt.NDArray[np.float32]) -> Pcm16:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


class PocketsphinxRecognizer:
    """Recognizer protocol over a pocketsphinx decoder built from a ModelBundle."""

    def __init__(self, bundle: ModelBundle, options: RecognitionOptions | None = None) -> None:
        self.bundle = bundle
        self.options = options if options is not None else RecognitionOptions()
        self._decoder = build_decoder(bundle)
        config = self._decoder.config
        self._rate = int(config["samprate"])
        self._frame_rate = int(config["frate"])
        # N-best scores carry the LM at the bestpath weight (see hypotheses.py).
        self._lm_weight = float(config["bestpathlw"] or config["lw"])
        # Without the bestpath search pocketsphinx computes no word posteriors (seg().prob is
        # 1.0): word confidences then come from the N-best list.
        self._word_posteriors = bool(config["bestpath"])
        self._lock = threading.RLock()
        self._owner: object | None = None  # holder of the decoder's open utterance, if any

    @property
    def sample_rate_hz(self) -> Hertz:
        return self._rate

    def recognize(self, audio: Audio) -> RecognitionResult:
        """Short audio as one phrase; longer audio cut at pauses into phrases of at least
        `min_phrase_s` where pauses allow, each decoded on its own."""
        samples = self._at_model_rate(audio)
        duration = ticks_of(len(samples), self._rate)
        spans = split_phrases(
            samples,
            self._rate,
            min_pause_s=self.options.min_pause_s,
            max_phrase_s=self.options.max_phrase_s,
        )
        # Short audio is decoded whole, so no edge of a word is lost to the splitter. Only
        # digital silence is skipped: a clip trimmed to its word (FSDD digits) has no pause
        # to measure a noise floor on, so the splitter finds "no speech" in a quiet one, and
        # the decoder itself returns nothing for steady noise (measured on white noise).
        short = len(samples) <= self.options.segment_above_s * self._rate
        if short and (spans or has_sound(samples, self._rate)):
            spans = [SpeechSpan(0, len(samples))]
        spans = join_short_phrases(
            spans,
            self._rate,
            min_phrase_s=self.options.min_phrase_s,
            max_phrase_s=self.options.max_phrase_s,
        )
        pcm = to_pcm16(samples)
        phrases = []
        for span in spans:
            phrase = self.decode_span(pcm[span.start_sample : span.end_sample], span.start_sample)
            if phrase is not None:
                phrases.append(phrase)
        return RecognitionResult(duration, tuple(phrases), source=audio.name)

    def stream(self) -> PocketsphinxStream:
        return PocketsphinxStream(self)

    def decode_span(self, pcm: Pcm16, offset_sample: int) -> Phrase | None:
        """Decode one phrase's samples as a whole utterance; None when nothing was recognized."""
        if len(pcm) == 0:
            return None
        with self._lock:
            decoder = self.claim(self)
            try:
                decoder.reinit_feat()
                decoder.start_utt()
                decoder.process_raw(pcm.tobytes(), False, True)
                decoder.end_utt()
                phrase = self._read_phrase(decoder, offset_sample, len(pcm))
            except (RuntimeError, ValueError, IndexError) as exc:
                self._owner = object()  # unknown state: make the next claim end the utterance
                raise EngineError(f"pocketsphinx failed to decode a phrase: {exc}") from exc
            self._owner = None
            return phrase

    def claim(self, owner: object) -> Any:
        """The decoder for `owner`; another owner's open utterance is ended first.

        The caller holds `lock`. `owner` is then taken to hold the decoder's open utterance.
        """
        if self._owner is not None and self._owner is not owner:
            self._end_open_utterance()
        self._owner = owner
        return self._decoder

    def close(self, owner: object) -> None:
        """End `owner`'s open utterance, if it still has one (the caller holds `lock`)."""
        if self._owner is owner:
            self._end_open_utterance()

    def owns(self, owner: object) -> bool:
        return self._owner is owner

    def _end_open_utterance(self) -> None:
        self._owner = None
        # RuntimeError: no utterance was open after all. Its result is never needed.
        with contextlib.suppress(RuntimeError):
            self._decoder.end_utt()

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def _read_phrase(self, decoder: Any, offset_sample: int, length: int) -> Phrase | None:
        offset = ticks_of(offset_sample, self._rate)
        hypothesis = decoder.hyp()
        if hypothesis is None:
            return None
        words = phrase_words(decoder.seg(), offset, self._frame_rate)
        if not words:
            return None
        scores = nbest_scores(decoder.nbest(), self._lm_weight)
        if not self._word_posteriors and scores:
            confidences = nbest_word_confidences(words, scores)
            words = [
                dataclasses.replace(word, confidence=confidence)
                for word, confidence in zip(words, confidences, strict=True)
            ]
        alternatives = build_alternatives(words, scores, max(1, self.options.max_alternatives))
        phrase = make_phrase(alternatives, offset, ticks_of(length, self._rate))
        if not self.options.word_timestamps:
            untimed = tuple(Alternative(a.lexical, a.confidence) for a in alternatives)
            phrase = Phrase(phrase.offset_ticks, phrase.duration_ticks, untimed)
        return phrase

    def _at_model_rate(self, audio: Audio) -> npt.NDArray[np.float32]:
        if audio.sample_rate_hz == self._rate:
            return audio.samples
        from voxtune.audio import resample

        return resample(audio, self._rate).samples


if TYPE_CHECKING:
    from voxtune.engine.recognizer import RecognitionStream, Recognizer

    def _conforms(recognizer: PocketsphinxRecognizer) -> Recognizer:
        return recognizer  # mypy proves the class satisfies the Recognizer protocol

    def _stream_conforms(stream: PocketsphinxStream) -> RecognitionStream:
        return stream
