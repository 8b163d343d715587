"""Synchronous transcription (`transcriptions:transcribe`): one audio file in, the
TranscribeResult out. Decoding runs in a process of its own (decoding holds the GIL), so the
API keeps answering while a file is transcribed; the process is kept for the next request.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from voxtune.engine.azure_json import combined_forms
from voxtune.errors import InvalidInputError
from voxtune.service import entities
from voxtune.service.context import Services
from voxtune.service.fetch import FetchPolicy, stream_url
from voxtune.service.models import bundle_location, resolve_model
from voxtune.service.schemas import Reference, TranscribeDefinition
from voxtune.service.views import default_base_model_id
from voxtune.text.display import DisplayFormatter, DisplayOptions
from voxtune.text.profanity import ProfanityMode

if TYPE_CHECKING:
    from voxtune.engine import Recognizer

MAX_AUDIO_BYTES = 250 * 1024 * 1024  # Azure: the file must be smaller than 250 MB
TICKS_PER_MS = 10_000  # 100-ns ticks in a millisecond


CACHED_MODELS = 2  # models kept loaded in the transcription process (~150 MB each)


@dataclass(frozen=True)
class LoadedModel:
    recognizer: Recognizer
    formatter: DisplayFormatter


_loaded: OrderedDict[str, LoadedModel] = OrderedDict()  # the transcription process's


def loaded_model(location: str) -> LoadedModel:
    """In the transcription process: a model's recognizer and display formatter, loaded once
    (loading takes ~0.3 s, a quarter of recognizing a 5 s clip). A model's bundle never
    changes once published, and a deleted model is refused before its location gets here."""
    from voxtune.engine import open_recognizer
    from voxtune.engine.formatting import bundle_formatter

    model = _loaded.pop(location, None)
    if model is None:
        recognizer = open_recognizer(location)
        model = LoadedModel(recognizer, bundle_formatter(recognizer.bundle))
    _loaded[location] = model
    while len(_loaded) > CACHED_MODELS:
        _loaded.popitem(last=False)
    return model


class Transcriber:
    """A lazily started one-process pool, shut down with the app."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None


def parse_definition(text: str | None) -> TranscribeDefinition:
    try:
        return TranscribeDefinition.model_validate_json(text or "{}")
    except ValidationError as error:
        raise InvalidInputError(
            f"definition is not a TranscribeDefinition: {error.errors()[0]['msg']}",
            inner_code="InvalidRequestBodyFormat",
        ) from error


MAX_CHANNELS = 2  # Azure: "Only up to two channels are supported"


def check_unsupported_options(definition: TranscribeDefinition) -> None:
    """Refuse what would otherwise be silently ignored and give a different result than the
    caller asked for. Accepted but without effect (the engine has no support yet): phraseList
    biasing, a hint that does not change the form of the answer."""
    if definition.diarization is not None and definition.diarization.get("enabled"):
        raise InvalidInputError("diarization is not supported", inner_code="InvalidParameter")
    if definition.enhancedMode is not None and definition.enhancedMode.enabled:
        raise InvalidInputError("enhanced mode is not supported", inner_code="InvalidParameter")
    channels = definition.channels or []
    if len(channels) > MAX_CHANNELS or len(set(channels)) != len(channels) or any(
        channel < 0 for channel in channels
    ):
        raise InvalidInputError(
            f"channels must be up to {MAX_CHANNELS} distinct 0-based indices, got {channels}",
            inner_code="InvalidChannels",
        )
    if channels and channels != [0]:
        # Channels are mixed down before recognition; separate results per channel would be
        # a different answer than the one asked for.
        raise InvalidInputError(
            "transcribing channels separately is not supported; omit channels to transcribe "
            "them mixed together",
            inner_code="BadChannelConfiguration",
        )


def transcribe(
    services: Services, transcriber: Transcriber, definition_text: str | None, audio: bytes | None
) -> dict[str, Any]:
    definition = parse_definition(definition_text)
    locales = [entities.check_locale(locale) for locale in definition.locales or ["en-US"]]
    model_id = default_base_model_id(locales[0])
    for locale, url in (definition.models or {}).items():
        if entities.check_locale(locale) in locales:
            model_id = resolve_model(services, Reference.model_validate({"self": url}))
    check_unsupported_options(definition)
    if audio is None:
        if not definition.audioUrl:
            raise InvalidInputError("give the audio file or definition.audioUrl")
        policy = FetchPolicy(
            allow_private=services.settings.allow_private_content_urls,
            max_bytes=MAX_AUDIO_BYTES,
            timeout_s=services.settings.content_url_timeout_s,
        )
        audio = b"".join(stream_url(definition.audioUrl, policy))
    if len(audio) > MAX_AUDIO_BYTES:
        raise InvalidInputError(f"the audio exceeds {MAX_AUDIO_BYTES} bytes")
    location = bundle_location(services, model_id)
    profanity = definition.profanityFilterMode or "Masked"
    return (
        transcriber.pool()
        .submit(recognize_to_json, location, audio, locales[0], profanity)
        .result()
    )


def recognize_to_json(
    location: str, audio: bytes, locale: str, profanity: ProfanityMode = "Masked"
) -> dict[str, Any]:
    """In the pool's process: decode and recognize; the TranscribeResult JSON, whose texts
    are display text (as Azure's)."""
    from voxtune.audio import load_audio

    model = loaded_model(location)
    recognizer, formatter = model.recognizer, model.formatter
    options = DisplayOptions(profanity=profanity)
    result = recognizer.recognize(
        load_audio(audio, target_rate_hz=recognizer.sample_rate_hz, name="audio")
    )
    phrases = [
        {
            "offsetMilliseconds": phrase.offset_ticks // TICKS_PER_MS,
            "durationMilliseconds": phrase.duration_ticks // TICKS_PER_MS,
            "text": formatter.display(phrase.lexical, options, phrase.display),
            "words": [
                {
                    "text": word.text,
                    "offsetMilliseconds": word.offset_ticks // TICKS_PER_MS,
                    "durationMilliseconds": word.duration_ticks // TICKS_PER_MS,
                }
                for word in phrase.words
            ],
            "locale": locale,
            "confidence": round(phrase.confidence, 4),
        }
        for phrase in result.phrases
        if phrase.lexical
    ]
    return {
        "durationMilliseconds": result.duration_ticks // TICKS_PER_MS,
        "combinedPhrases": [{"text": combined_forms(result.phrases, formatter, options).display}],
        "phrases": phrases,
    }
