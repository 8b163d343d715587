"""`transcriptions:transcribe`: synchronous transcription of one audio file (multipart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from voxtune.api.deps import LinksDep, ServicesDep
from voxtune.service.transcribe_now import MAX_AUDIO_BYTES, Transcriber, transcribe

router = APIRouter(prefix="/speechtotext")


@router.post("/transcriptions:transcribe", operation_id="Transcriptions_Transcribe")
def transcribe_file(
    request: Request,
    services: ServicesDep,
    links: LinksDep,
    audio: Annotated[UploadFile | None, File()] = None,
    definition: Annotated[str | None, Form(max_length=100_000)] = None,
) -> JSONResponse:
    transcriber: Transcriber = request.app.state.transcriber
    data = audio.file.read(MAX_AUDIO_BYTES + 1) if audio is not None else None
    return JSONResponse(transcribe(services, transcriber, definition, data))
