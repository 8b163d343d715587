"""Model copy between two voxtune servers: authorizecopy (target), copy and its operation
(source), and the target's import route, authenticated by the copy authorization itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from voxtune.api.deps import LinksDep, ServicesDep
from voxtune.service import copying
from voxtune.service.schemas import CopyAuthorization, CopyAuthorizationRequest
from voxtune.service.views import entity_json

router = APIRouter(prefix="/speechtotext")
import_router = APIRouter()


@router.post("/models:authorizecopy", operation_id="Models_AuthorizeCopy")
def authorize_copy(
    body: CopyAuthorizationRequest, services: ServicesDep, links: LinksDep
) -> JSONResponse:
    return JSONResponse(copying.authorize_copy(services, body, links))


@router.post("/models/{id}:copy", status_code=202, operation_id="Models_Copy")
def copy_model(
    id: str, body: CopyAuthorization, services: ServicesDep, links: LinksDep
) -> JSONResponse:
    operation = copying.start_copy(services, id, body, links)
    headers = {"Operation-Location": operation["self"], "Retry-After": str(copying.RETRY_AFTER_S)}
    return JSONResponse(operation, status_code=202, headers=headers)


@router.get("/operations/models/copy/{id}", operation_id="Operations_GetModelCopy")
def get_copy_operation(id: str, services: ServicesDep, links: LinksDep) -> JSONResponse:
    operation = copying.operation_json(services, id, links)
    headers = {} if copying.is_terminal(operation) else {"Retry-After": str(copying.RETRY_AFTER_S)}
    return JSONResponse(operation, headers=headers)


@import_router.post(
    copying.IMPORT_PATH + "/{authorization_id}", status_code=201, operation_id="Voxtune_ImportCopy"
)
def import_copy(
    request: Request,
    authorization_id: str,
    model: Annotated[str, Form(max_length=100_000)],
    bundle: Annotated[UploadFile, File()],
    services: ServicesDep,
) -> JSONResponse:
    from voxtune.service.views import Links

    links = Links(str(request.base_url).rstrip("/"), secret=services.secret)
    entity = copying.import_copy(services, authorization_id, model, bundle.file)
    return JSONResponse(entity_json(entity, links), status_code=201)
