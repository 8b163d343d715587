"""The Whisper recognizer: CTranslate2 through faster-whisper's model, tokenizer and VAD.

faster-whisper's `transcribe()` pads every window to 30 s and gives one hypothesis; voxtune
calls the same CTranslate2 model directly to get what Azure's results carry and a fine-tuned
model needs: N-best hypotheses (`num_hypotheses`), word timings and probabilities from the
cross-attention alignment (`find_alignment`), and, for models trained on cropped windows,
an encoder window cropped to the phrase (features.py). The base models keep the 30 s window
they were trained on (cropped, an untrained model answers nonsense: WER 2.5 measured).

Audio up to the model's phrase limit (`whole_up_to_s`: 30 s for a base model, the window
it was trained on; for a fine-tuned model twice its longest training utterance, trainer.py) is
one phrase; longer audio is cut at pauses by faster-whisper's Silero VAD and the pieces
joined up to the limit. Each phrase is decoded with the text of the phrases before it as
Whisper's previous-text context (faster-whisper's `condition_on_previous_text`): a piece cut
out alone loses the words around it ("ask not" -> "as not"). Lexical text is voxtune's
normalization of Whisper's text; Whisper's own text is each alternative's written (display)
form.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from voxtune.audio.types import Audio
from voxtune.engine.bundle import ModelBundle
from voxtune.engine.recognizer import RecognitionOptions
from voxtune.engine.segment import SpeechSpan, has_sound, join_short_phrases
from voxtune.engine.types import Alternative, Phrase, RecognitionResult, Word
from voxtune.engine.whisper.features import (
    SAMPLE_RATE_HZ,
    WINDOW_FRAMES,
    log_mel,
    pad_frames,
)
from voxtune.errors import EngineError, ModelError
from voxtune.text.normalize import normalize_lexical
from voxtune.units import TICKS_PER_SECOND, Hertz, Ticks


@dataclass(frozen=True)
class WhisperDecoding:
    """How a Whisper model decodes; stored in a bundle's `decoder_options`."""

    beam_size: int = 5
    cropped_window: bool = False  # True for models fine-tuned on cropped windows
    compute_type: str = "int8"  # CTranslate2 on CPU; "float16" is used on a GPU
    language: str = "en"
    prompt_text: str = ""  # decoding context: the domain's words (from plain/structured text)
    max_tokens: int = 224  # per phrase (half of the decoder's 448 positions)
    # Audio up to this long is one phrase; longer audio is cut at pauses into phrases up to it
    whole_up_to_s: float = 30.0

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> WhisperDecoding:
        known = {k: v for k, v in options.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def language_of(locale: str) -> str:
    return locale.split("-")[0].lower() or "en"


def _ticks(samples: int) -> Ticks:
    return samples * TICKS_PER_SECOND // SAMPLE_RATE_HZ


class WhisperRecognizer:
    """Recognizer protocol over a CTranslate2 Whisper model directory."""

    def __init__(self, bundle: ModelBundle, options: RecognitionOptions | None = None) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        self.bundle = bundle
        self.name = bundle.name
        self.locale = bundle.locale
        self.decoding = decoding = WhisperDecoding.from_options(
            {"language": language_of(bundle.locale), **bundle.decoder_options}
        )
        model_dir = bundle.model_dir
        self.options = options if options is not None else RecognitionOptions()
        device, compute_type = _device(decoding.compute_type)
        try:
            self._model = WhisperModel(
                str(model_dir),
                device=device,
                compute_type=compute_type,
                cpu_threads=0,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"Whisper model {self.name!r} does not load: {exc}") from exc
        multilingual = self._model.model.is_multilingual
        language = decoding.language if multilingual else "en"
        self.tokenizer = Tokenizer(
            self._model.hf_tokenizer, multilingual, task="transcribe", language=language
        )
        self._context = self._encode_context(decoding.prompt_text)
        self._suppress = _suppressed_tokens(self.tokenizer)

    @property
    def sample_rate_hz(self) -> Hertz:
        return SAMPLE_RATE_HZ

    def _encode_context(self, text: str) -> list[int]:
        text = " ".join(text.split())
        return list(self.tokenizer.encode(" " + text)) if text else []

    def prompt(self, previous: Sequence[Phrase] = ()) -> list[int]:
        """The decoder's start: the domain context and the text of the phrases before, most
        recent last (cut to fit half the decoder's positions), then the task tokens."""
        context = [*self._context]
        for phrase in previous:
            context += self._encode_context(phrase.display or phrase.lexical)
        head = (
            # the prompt and the transcript share the decoder's 448 positions
            [
                self.tokenizer.sot_prev,
                *context[-(DECODER_POSITIONS - self.decoding.max_tokens - 8) :],
            ]
            if context
            else []
        )
        return [*head, *self.tokenizer.sot_sequence, self.tokenizer.no_timestamps]

    def recognize(self, audio: Audio) -> RecognitionResult:
        samples = _at_16k(audio)
        duration = _ticks(len(samples))
        phrases: list[Phrase] = []
        for span in self.phrase_spans(samples):
            phrases += self.decode_through(samples, span, phrases)
        return RecognitionResult(duration, tuple(phrases), source=audio.name)

    def decode_through(
        self,
        samples: npt.NDArray[np.float32],
        span: SpeechSpan,
        previous: Sequence[Phrase] = (),
        origin: int = 0,
    ) -> list[Phrase]:
        """The phrases of `span` (in samples from the start of the audio) of `samples`, which
        start at sample `origin` of the audio (a stream keeps only its recent audio).

        A fine-tuned model may end its transcript at a pause with speech still to come
        (trained on short utterances; AN4 model on JFK: "and so my fellow americans" and
        nothing more); when its last word ends over a second before the span does and the
        VAD hears speech after it, the rest is decoded too, with what came before as context,
        as Whisper's own long-form decoding seeks on."""
        phrases: list[Phrase] = []
        start, end = span.start_sample, span.end_sample
        for _ in range(MAX_CONTINUATIONS + 1):
            phrase = self.decode_span(
                samples[start - origin : end - origin], start, [*previous, *phrases]
            )
            if phrase is None:
                break
            phrases.append(phrase)
            if not self.decoding.cropped_window or not phrase.words:
                break
            last_end = phrase.words[-1].offset_ticks + phrase.words[-1].duration_ticks
            resume = max(start + 1, last_end * SAMPLE_RATE_HZ // TICKS_PER_SECOND)
            if end - resume < CONTINUE_AFTER_S * SAMPLE_RATE_HZ:
                break
            heard = _speech_start(samples[resume - origin : end - origin])
            if heard is None:
                break
            start = resume + heard
        return phrases

    def phrase_spans(self, samples: npt.NDArray[np.float32]) -> list[SpeechSpan]:
        longest = min(self.decoding.whole_up_to_s, self.options.max_phrase_s, 30.0)
        if len(samples) <= longest * SAMPLE_RATE_HZ:
            return [SpeechSpan(0, len(samples))] if has_sound(samples, SAMPLE_RATE_HZ) else []
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        vad = VadOptions(
            min_silence_duration_ms=int(self.options.min_pause_s * 1000),
            max_speech_duration_s=longest - 1.0,
            speech_pad_ms=200,
        )
        spans = [SpeechSpan(c["start"], c["end"]) for c in get_speech_timestamps(samples, vad)]
        return join_short_phrases(
            spans,
            SAMPLE_RATE_HZ,
            min_phrase_s=min(self.options.min_phrase_s, longest),
            max_phrase_s=longest,
        )

    def stream(self) -> Any:
        from voxtune.engine.whisper.streaming import WhisperStream

        return WhisperStream(self)

    def decode_span(
        self,
        samples: npt.NDArray[np.float32],
        offset_sample: int,
        previous: Sequence[Phrase] = (),
    ) -> Phrase | None:
        """One phrase (at most 30 s of 16 kHz audio) after the `previous` phrases of the same
        audio; None when nothing was said."""
        if len(samples) == 0:
            return None
        features = log_mel(samples, self._model.feature_extractor.mel_filters.shape[0])
        frames = features.shape[1]
        if not self.decoding.cropped_window:
            features = pad_frames(features, WINDOW_FRAMES)
        try:
            hypotheses, encoder_output = self._generate(features, self.prompt(previous[-3:]))
            best_tokens = [t for t in hypotheses[0][0] if t < self.tokenizer.eot]
            alignment = (
                self._model.find_alignment(self.tokenizer, [best_tokens], encoder_output, frames)[0]
                if self.options.word_timestamps and best_tokens
                else []
            )
        except (RuntimeError, ValueError, IndexError) as exc:
            raise EngineError(f"Whisper failed to decode a phrase: {exc}") from exc
        offset = _ticks(offset_sample)
        words = _timed_words(alignment, offset, self.locale)
        alternatives: list[tuple[str, float, str]] = []  # lexical, score, Whisper's text
        for tokens, score in hypotheses:
            text = self.tokenizer.decode([t for t in tokens if t < self.tokenizer.eot])
            lexical = normalize_lexical(text, self.locale)
            if lexical and lexical not in {known for known, _, _ in alternatives}:
                alternatives.append((lexical, score, " ".join(text.split())))
        if not alternatives:
            return None
        confidences = _confidences([s for _, s, _ in alternatives])
        best_words = (
            tuple(words)
            if " ".join(w.text for w in words) == alternatives[0][0]
            else _spread_words(alternatives[0][0], offset, _ticks(len(samples)))
        )
        chosen = [
            Alternative(lexical, round(conf, 4), best_words if i == 0 else (), written)
            for i, ((lexical, _, written), conf) in enumerate(
                zip(alternatives, confidences, strict=True)
            )
        ][: max(1, self.options.max_alternatives)]
        return Phrase(offset, _ticks(len(samples)), tuple(chosen))

    def _generate(
        self, features: npt.NDArray[np.float32], prompt: list[int]
    ) -> tuple[list[tuple[list[int], float]], Any]:
        import ctranslate2

        model = self._model.model
        storage = ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None]))
        encoder_output = model.encode(storage, to_cpu=False)
        count = max(1, min(self.options.max_alternatives, self.decoding.beam_size))
        result = model.generate(
            encoder_output,
            [prompt],
            beam_size=self.decoding.beam_size,
            num_hypotheses=count,
            return_scores=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            max_length=len(prompt) + self.decoding.max_tokens,  # counts the prompt too
        )[0]
        # scores are length-normalized log probabilities (length_penalty 1)
        return list(zip(result.sequences_ids, result.scores, strict=True)), encoder_output


DECODER_POSITIONS = 448  # Whisper's text context
MAX_CONTINUATIONS = 3  # rest-of-phrase decodes after an early end, per phrase
CONTINUE_AFTER_S = 1.0  # audio left after the last word that may still hold speech


def _speech_start(samples: npt.NDArray[np.float32]) -> int | None:
    """Where the Silero VAD first hears speech in `samples` (a little before), or None."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if len(samples) < SAMPLE_RATE_HZ // 2:
        return None
    chunks = get_speech_timestamps(samples, VadOptions(speech_pad_ms=200))
    return int(chunks[0]["start"]) if chunks else None


def _device(compute_type: str) -> tuple[str, str]:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        return "cuda", "float16"
    return "cpu", compute_type


def _suppressed_tokens(tokenizer: Any) -> list[int]:
    from faster_whisper.transcribe import get_suppressed_tokens

    suppressed: list[int] = get_suppressed_tokens(tokenizer, [-1])
    return suppressed


def _confidences(scores: list[float]) -> list[float]:
    """A hypothesis's confidence: its mean token probability (scores are mean log-probs)."""
    return [min(1.0, math.exp(score)) for score in scores]


def _timed_words(alignment: list[dict[str, Any]], offset: Ticks, locale: str) -> list[Word]:
    words = []
    for entry in alignment:
        start = offset + round(float(entry["start"]) * TICKS_PER_SECOND)
        end = offset + round(float(entry["end"]) * TICKS_PER_SECOND)
        for token in normalize_lexical(str(entry["word"]), locale).split():
            words.append(
                Word(token, start, max(end - start, 0), round(float(entry["probability"]), 4))
            )
    return words


def _spread_words(lexical: str, offset: Ticks, duration: Ticks) -> tuple[Word, ...]:
    """Words without an alignment (a number spelled out into several words): even shares."""
    tokens = lexical.split()
    share = duration // max(len(tokens), 1)
    return tuple(Word(t, offset + i * share, share, 0.0) for i, t in enumerate(tokens))


def _at_16k(audio: Audio) -> npt.NDArray[np.float32]:
    if audio.sample_rate_hz == SAMPLE_RATE_HZ:
        return audio.samples
    from voxtune.audio import resample

    return resample(audio, SAMPLE_RATE_HZ).samples
