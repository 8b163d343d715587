"""Real-time recognition paths of Azure Speech: `/speech/recognition/{mode}/cognitiveservices/v1`.

POST is the short-audio REST API (the audio is the request body, chunked uploads included).
The Speech SDK's WebSocket protocol shares these paths (GET with Upgrade).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from voxtune.api.auth import KEY_HEADER, check_credentials
from voxtune.api.deps import ServicesDep
from voxtune.errors import InvalidInputError, VoxtuneError
from voxtune.realtime.query import model_location
from voxtune.realtime.session import (
    ConnectionSettings,
    SpeechSession,
    connection_settings,
)
from voxtune.realtime.short_audio import (
    MAX_SHORT_AUDIO_BYTES,
    parse_request,
    recognize_short,
)
from voxtune.realtime.stream_worker import StreamWorker
from voxtune.realtime.usp import parse_binary, parse_text
from voxtune.service.context import Services
from voxtune.service.transcribe_now import Transcriber

log = logging.getLogger(__name__)
router = APIRouter(prefix="/speech/recognition")
Text = Annotated[str | None, Query(max_length=200)]


@router.post("/{mode}/cognitiveservices/v1", operation_id="SpeechRecognition_ShortAudio")
async def recognize(
    mode: Literal["interactive", "conversation", "dictation"],
    request: Request,
    services: ServicesDep,
    language: Text = None,
    cid: Text = None,
    output_format: Annotated[str | None, Query(alias="format", max_length=200)] = None,
    profanity: Text = None,
    word_timings: Annotated[bool, Query(alias="wordLevelTimestamps")] = False,
) -> JSONResponse:
    parsed = parse_request(
        services, language=language, cid=cid, output_format=output_format, profanity=profanity,
        word_timings=word_timings,
    )
    audio = bytearray()
    async for chunk in request.stream():  # chunked transfer encoding too
        audio += chunk
        if len(audio) > MAX_SHORT_AUDIO_BYTES:
            raise InvalidInputError(
                f"the audio exceeds {MAX_SHORT_AUDIO_BYTES} bytes; short audio is at most 60 s"
            )
    transcriber: Transcriber = request.app.state.transcriber
    return JSONResponse(await run_in_threadpool(recognize_short, transcriber, parsed, bytes(audio)))


# WebSocket close codes
NORMAL = 1000
INVALID_DATA = 1007
POLICY_VIOLATION = 1008  # refused before the handshake completes
INTERNAL_ERROR = 1011
TRY_AGAIN_LATER = 1013
IDLE_TIMEOUT_S = 180.0  # a connection that sends nothing this long gives its slot back


@router.websocket("/{mode}/cognitiveservices/v1")
async def speech_socket(websocket: WebSocket, mode: str) -> None:
    """The Speech SDK protocol. Credentials and options come from the headers or, as the
    JavaScript SDK sends them, from the query string."""
    services: Services = websocket.app.state.services
    query, headers = websocket.query_params, websocket.headers
    try:
        await run_in_threadpool(
            check_credentials, services,
            headers.get(KEY_HEADER) or query.get(KEY_HEADER),
            headers.get("Authorization") or query.get("Authorization") or "",
        )
        settings = connection_settings(
            mode.lower(), query.get("format"), query.get("wordLevelTimestamps"),
            query.get("profanity"),
        )
        location = await run_in_threadpool(
            model_location, services, query.get("language"), query.get("cid")
        )
    except VoxtuneError as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])
        return
    slots: asyncio.Semaphore = websocket.app.state.realtime_slots
    if slots.locked():  # accepted first, so the client sees the code, not a bare 403
        await websocket.accept()
        await websocket.close(code=TRY_AGAIN_LATER, reason="too many real-time connections")
        return
    async with slots:
        await _serve_socket(websocket, settings, location)


async def _serve_socket(
    websocket: WebSocket, settings: ConnectionSettings, model_location: str
) -> None:
    offered = websocket.headers.get("sec-websocket-protocol", "")
    usp = "USP" if "usp" in [p.strip().lower() for p in offered.split(",")] else None
    await websocket.accept(subprotocol=usp)
    try:
        worker = StreamWorker(model_location)
    except OSError as error:  # no process could be started
        log.error("real-time connection: cannot start a decoder process: %s", error)
        await websocket.close(code=INTERNAL_ERROR, reason="cannot start recognition")
        return
    lock = asyncio.Lock()

    async def send(frame: str) -> None:
        async with lock:
            await websocket.send_text(frame)

    session = SpeechSession(settings, worker, send)

    async def relay_replies() -> None:
        while True:
            await session.on_reply(await worker.replies.get())

    relay = asyncio.create_task(relay_replies())
    close_code, reason = NORMAL, ""
    try:
        while not relay.done():
            frame = await asyncio.wait_for(websocket.receive(), IDLE_TIMEOUT_S)
            if frame["type"] == "websocket.disconnect":
                return
            text, data = frame.get("text"), frame.get("bytes")
            message = parse_text(text) if text is not None else parse_binary(data or b"")
            await session.on_message(message)
        relay.result()  # the relay ended: raise what ended it
    except InvalidInputError as error:
        close_code, reason = INVALID_DATA, error.message
    except TimeoutError:
        close_code, reason = NORMAL, f"no message for {IDLE_TIMEOUT_S:.0f} s"
    except WebSocketDisconnect:
        return
    except Exception:  # a bug must cost this connection only, with a clear close
        log.exception("real-time connection failed")
        close_code, reason = INTERNAL_ERROR, "internal error"
    finally:
        relay.cancel()
        if relay.done() and not relay.cancelled():
            relay.exception()  # retrieved: it is reported by the close code above
        await worker.close()
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await websocket.close(code=close_code, reason=reason[:120])
