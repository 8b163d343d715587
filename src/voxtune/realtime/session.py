"""One Speech SDK WebSocket connection: turns, their audio and the replies the SDKs expect
(SDK-PROTOCOL.md section 2). Transport-free: the API adapter hands in decoded messages and a
`send` coroutine for text frames; recognition runs in the connection's StreamWorker.

A turn is the client's X-RequestId. Its first message (speech.context or audio) opens it with
`turn.start`; the first audio payload may start with a RIFF header announcing the format. Single
shot ("interactive") ends the turn after the first phrase; continuous recognition keeps one turn
for the whole stream and answers the empty audio frame with `speech.endDetected`, the last
phrase (or EndOfDictation) and `turn.end`. Every turn sends a phrase before `turn.end`.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from voxtune.errors import InvalidInputError
from voxtune.realtime.query import PROFANITY, output_options
from voxtune.realtime.stream_worker import StreamWorker, TurnSettings
from voxtune.realtime.usp import StreamFormat, UspMessage, split_wav_header, text_message
from voxtune.text.profanity import ProfanityMode

Send = Callable[[str], Awaitable[None]]
CONTINUOUS_MODES = ("conversation", "dictation")


@dataclass(frozen=True)
class ConnectionSettings:
    """From the URL: what applies unless a message says otherwise."""

    mode: str  # interactive | conversation | dictation (the path's)
    detailed: bool
    word_timings: bool
    profanity: ProfanityMode


@dataclass
class Turn:
    request_id: str
    number: int  # tags the worker's replies for this turn
    continuous: bool
    settings: TurnSettings
    audio_started: bool = False
    speech_started: bool = False
    end_detected: bool = False
    finishing: bool = False  # the client sent its empty audio frame
    phrases: int = 0
    done: bool = False
    waiting: list[str] = field(default_factory=list)  # for the worker's "ended"


class SpeechSession:
    def __init__(self, settings: ConnectionSettings, worker: StreamWorker, send: Send) -> None:
        self._settings = settings
        self._worker = worker
        self._send = send
        self._context: dict[str, dict[str, Any]] = {}  # request id -> speech.context
        self._config: dict[str, Any] = {}
        self._turn: Turn | None = None
        self._turns = 0
        self._ended: deque[str] = deque(maxlen=64)  # late audio of these turns is ignored
        self._broken: str | None = None  # why the worker cannot recognize, once it says so

    async def on_message(self, message: UspMessage) -> None:
        path = message.path
        if path == "speech.config":
            self._config = message.json()
        elif path == "speech.context":
            self._context[message.request_id] = message.json()
            await self._open(message.request_id)
        elif path == "audio":
            await self._audio(message)
        # telemetry and anything unknown: ignored, as the service does

    async def on_reply(self, reply: tuple[Any, ...]) -> None:
        kind, number = reply[0], (reply[1] if len(reply) > 1 else None)
        turn = self._turn
        if kind == "error" and number is None:  # the worker is gone or never started
            self._broken = str(reply[2])
            if turn is not None and not turn.done:
                await self._fail(turn)
            return
        if turn is None or turn.done or number != turn.number:
            return  # "ready", or left over from a turn that is over
        if kind == "hypothesis":
            if turn.end_detected:
                return
            await self._start_detected(turn, reply[2]["Offset"])
            await self._reply(turn, "speech.hypothesis", reply[2])
        elif kind == "phrase":
            await self._phrase(turn, reply[2])
        elif kind == "ended":
            await self._end_of_audio(turn, reply[2])
        elif kind == "error":
            await self._fail(turn)

    async def _open(self, request_id: str) -> Turn | None:
        if self._turn is not None and self._turn.request_id == request_id:
            return self._turn
        if request_id in self._ended or not request_id:
            return None  # audio for a turn that is over (the SDK may send one more frame)
        if self._turn is not None and not self._turn.done:
            self._worker.send("drop")  # the client moved on without ending the turn
        context = self._context.pop(request_id, {})
        self._context.clear()  # contexts of turns that never started
        self._turns += 1
        turn = Turn(request_id, self._turns, self._mode(context) in CONTINUOUS_MODES,
                    self._turn_settings(context, StreamFormat()))
        self._turn = turn
        await self._reply(turn, "turn.start", {"context": {"serviceTag": secrets.token_hex(16)}})
        if self._broken is not None:
            await self._fail(turn)
        return turn

    async def _audio(self, message: UspMessage) -> None:
        turn = await self._open(message.request_id)
        if turn is None or turn.done or turn.finishing or turn.end_detected:
            return  # audio after the end of speech is discarded
        payload = message.body
        if not turn.audio_started:
            turn.audio_started = True
            try:
                stream_format, payload = split_wav_header(payload)
            except InvalidInputError:
                await self._fail(turn)
                return
            turn.settings = replace(turn.settings, stream_format=stream_format)
            self._worker.send("turn", turn.settings, turn.number)
        if payload:
            await self._worker.send_audio(payload)
        if not message.body:  # an empty audio message ends the turn's audio
            turn.finishing = True
            self._worker.send("end")

    async def _phrase(self, turn: Turn, body: dict[str, Any]) -> None:
        await self._start_detected(turn, body.get("Offset", 0))
        if turn.finishing or not turn.continuous:
            await self._end_detected(turn, body.get("Offset", 0) + body.get("Duration", 0))
        turn.phrases += 1
        await self._reply(turn, "speech.phrase", body)
        if not turn.continuous:
            self._worker.send("drop")
            await self._finish(turn)

    async def _end_of_audio(self, turn: Turn, offset: int) -> None:
        await self._end_detected(turn, offset)
        if turn.continuous and turn.phrases:
            await self._reply(turn, "speech.phrase", {"RecognitionStatus": "EndOfDictation",
                                                      "Offset": offset, "Duration": 0})
        elif not turn.phrases:
            await self._reply(turn, "speech.phrase", {"RecognitionStatus": "NoMatch",
                                                      "Offset": 0, "Duration": offset})
        await self._finish(turn)

    async def _start_detected(self, turn: Turn, offset: int) -> None:
        if not turn.speech_started:
            turn.speech_started = True
            await self._reply(turn, "speech.startDetected", {"Offset": offset})

    async def _end_detected(self, turn: Turn, offset: int) -> None:
        if not turn.end_detected:
            turn.end_detected = True
            await self._reply(turn, "speech.endDetected", {"Offset": offset})

    async def _fail(self, turn: Turn) -> None:
        """The turn cannot be recognized: still a phrase, then turn.end, so no SDK waits."""
        await self._reply(turn, "speech.phrase", {"RecognitionStatus": "Error",
                                                  "Offset": 0, "Duration": 0})
        await self._finish(turn)

    async def _finish(self, turn: Turn) -> None:
        turn.done = True
        self._ended.append(turn.request_id)
        await self._reply(turn, "turn.end", {})

    async def _reply(self, turn: Turn, path: str, body: dict[str, Any]) -> None:
        await self._send(text_message(path, turn.request_id, body))

    def _mode(self, context: dict[str, Any]) -> str:
        """speech.context, then speech.config, then the URL path (SDK-PROTOCOL.md)."""
        detection = context.get("phraseDetection")
        mode = detection.get("mode") if isinstance(detection, dict) else None
        if not isinstance(mode, str):
            recognition = self._config.get("recognition")
            mode = recognition if isinstance(recognition, str) else self._settings.mode
        return mode.lower()

    def _turn_settings(self, context: dict[str, Any], fmt: StreamFormat) -> TurnSettings:
        output = context.get("phraseOutput")
        output = output if isinstance(output, dict) else {}
        detailed = self._settings.detailed
        if isinstance(output.get("format"), str):
            detailed = output["format"].lower() == "detailed"
        detail = output.get("detailed")
        options = detail.get("options") if detailed and isinstance(detail, dict) else None
        word_timings = self._settings.word_timings or (
            isinstance(options, list) and "WordTimings" in options
        )
        profanity = self._settings.profanity
        for source in (context, output):
            value = source.get("profanity")
            if isinstance(value, str) and value.lower() in PROFANITY:
                profanity = PROFANITY[value.lower()]
        return TurnSettings(fmt, detailed, word_timings, profanity)


def connection_settings(
    mode: str, output_format: str | None, word_timings: str | None, profanity: str | None
) -> ConnectionSettings:
    detailed, chosen = output_options(output_format, profanity)
    return ConnectionSettings(mode, detailed, (word_timings or "").lower() == "true", chosen)
