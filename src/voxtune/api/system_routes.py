"""Routes outside /speechtotext: health, token issuing, signed file downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse

from voxtune.api.deps import ServicesDep
from voxtune.service.files import open_signed_file
from voxtune.service.security import issue_token, resource_id

router = APIRouter()


@router.get("/health", operation_id="Health")
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/voxtune/resource", operation_id="Voxtune_GetResource")
def get_resource(services: ServicesDep) -> JSONResponse:
    """This server's resource id: what a target's models:authorizecopy names as the source
    (Azure shows it in the portal; a voxtune server has only this). Needs a key."""
    return JSONResponse({"resourceId": resource_id(services.secret)})


@router.post("/sts/v1.0/issueToken", operation_id="IssueToken")
@router.post("/sts/v1.0/issuetoken", include_in_schema=False)
def issue(services: ServicesDep) -> PlainTextResponse:
    return PlainTextResponse(issue_token(services.secret, services.settings.token_ttl_s))


@router.get("/files/{file_id}/{name}", operation_id="Files_Download")
def download(
    file_id: str,
    name: str,
    services: ServicesDep,
    expires: Annotated[int, Query(ge=0, le=2**62)],
    signature: Annotated[str, Query(max_length=200)],
) -> FileResponse:
    record, path = open_signed_file(services, file_id, name, expires, signature)
    media = "application/json" if record.name.endswith(".json") else "application/octet-stream"
    return FileResponse(path, media_type=media, filename=name)
