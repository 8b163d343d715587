"""Short-audio recognition (`POST /speech/recognition/{mode}/cognitiveservices/v1`): up to
60 s of audio in the request body, one final result back, in Azure's simple or detailed shape
(SDK-PROTOCOL.md section 1). Decoding runs in the transcription process of the API
(`Transcriber`), like synchronous transcription, so the API keeps answering meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from voxtune.errors import InvalidInputError
from voxtune.realtime.query import model_location, output_options
from voxtune.service.context import Services
from voxtune.service.transcribe_now import Transcriber, loaded_model
from voxtune.text.profanity import ProfanityMode

MAX_SHORT_AUDIO_S = 60.0  # Azure: "no more than 60 seconds of audio"
# 60 s of the largest format we decode whole (48 kHz stereo 32-bit float) plus headers.
MAX_SHORT_AUDIO_BYTES = 24 * 1024 * 1024
RECOGNITION_MODES = ("interactive", "conversation", "dictation")
OutputFormat = Literal["simple", "detailed"]


@dataclass(frozen=True)
class ShortAudioRequest:
    """The query of a short-audio request, validated."""

    model_location: str  # what load_bundle takes: "whisper-base@de-DE" or a bundle directory
    output_format: OutputFormat
    profanity: ProfanityMode
    word_timings: bool


def parse_request(
    services: Services,
    *,
    language: str | None,
    cid: str | None,
    output_format: str | None,
    profanity: str | None,
    word_timings: bool,
) -> ShortAudioRequest:
    """400 for a missing language, unknown format or profanity value; 404 for an unknown cid."""
    location = model_location(services, language, cid)
    detailed, mode = output_options(output_format, profanity)
    return ShortAudioRequest(location, "detailed" if detailed else "simple", mode, word_timings)


def recognize_short(
    transcriber: Transcriber, request: ShortAudioRequest, audio: bytes
) -> dict[str, Any]:
    if not audio:
        raise InvalidInputError("the request has no audio")
    if len(audio) > MAX_SHORT_AUDIO_BYTES:
        raise InvalidInputError(
            f"the audio exceeds {MAX_SHORT_AUDIO_BYTES} bytes; short audio is at most "
            f"{MAX_SHORT_AUDIO_S:.0f} s (use batch transcription for longer audio)"
        )
    return transcriber.pool().submit(recognize_to_json, request, audio).result()


def recognize_to_json(request: ShortAudioRequest, audio: bytes) -> dict[str, Any]:
    """In the transcription process: decode, check the length, recognize, shape the answer."""
    from voxtune.audio import load_audio
    from voxtune.engine.azure_json import speech_phrase_json
    from voxtune.text.display import DisplayOptions

    model = loaded_model(request.model_location)
    recognizer = model.recognizer
    decoded = load_audio(audio, target_rate_hz=recognizer.sample_rate_hz, name="audio")
    if decoded.duration_s > MAX_SHORT_AUDIO_S:
        raise InvalidInputError(
            f"the audio lasts {decoded.duration_s:.1f} s; short audio is at most "
            f"{MAX_SHORT_AUDIO_S:.0f} s (use batch transcription for longer audio)"
        )
    result = recognizer.recognize(decoded)
    answer = speech_phrase_json(
        list(result.phrases),
        model.formatter,
        DisplayOptions(profanity=request.profanity),
        detailed=request.output_format == "detailed",
        word_timings=request.word_timings,
    )
    if answer["RecognitionStatus"] == "NoMatch":
        answer["Duration"] = result.duration_ticks  # what was listened to
    return answer
