"""`/speechtotext/...` routes: each parses its input, calls one service function, renders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from voxtune.api.common import add_entity_routes, add_file_routes, add_list_route
from voxtune.api.deps import Filter, LinksDep, ServicesDep, Skip, Top, created
from voxtune.data.kind import DatasetKind
from voxtune.service import (
    datasets,
    endpoints,
    entities,
    evaluations,
    models,
    projects,
    transcriptions,
    webhooks,
)
from voxtune.service.schemas import (
    CommitBlock,
    DatasetCreate,
    DatasetUpdate,
    EndpointCreate,
    EndpointUpdate,
    EvaluationCreate,
    EvaluationUpdate,
    ModelCreate,
    ProjectCreate,
    ProjectUpdate,
    Reference,
    TranscriptionCreate,
    TranscriptionUpdate,
    WebHookCreate,
    WebHookUpdate,
)
from voxtune.service.views import entity_json, supported_locales

router = APIRouter(prefix="/speechtotext")
UPLOAD_CHUNK_BYTES = 1024 * 1024


@router.get("/projects/locales", operation_id="Projects_ListSupportedLocales")
def project_locales(links: LinksDep) -> list[str]:
    return list(supported_locales())


@router.get("/datasets/locales", operation_id="Datasets_ListSupportedLocales")
def dataset_locales(links: LinksDep) -> dict[str, list[str]]:
    return {kind.value: list(supported_locales()) for kind in DatasetKind}


@router.get("/evaluations/locales", operation_id="Evaluations_ListSupportedLocales")
def evaluation_locales(links: LinksDep) -> list[str]:
    return list(supported_locales())


@router.get("/endpoints/locales", operation_id="Endpoints_ListSupportedLocales")
def endpoint_locales(links: LinksDep) -> list[str]:
    return list(supported_locales())


@router.get("/models/locales", operation_id="Models_ListSupportedLocales")
def model_locales(links: LinksDep) -> list[str]:
    return list(supported_locales())


@router.get("/transcriptions/locales", operation_id="Transcriptions_ListSupportedLocales")
def transcription_locales(links: LinksDep) -> dict[str, list[str]]:
    return {"Submit": list(supported_locales()), "Transcribe": list(supported_locales())}


# Projects
add_list_route(router, "projects", "Projects_List")


@router.post("/projects", status_code=201, operation_id="Projects_Create")
def create_project(body: ProjectCreate, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return created(entity_json(projects.create_project(services, body), links))


add_entity_routes(
    router,
    "projects",
    "Projects",
    ProjectUpdate,
    projects.update_project,
    projects.delete_project,
    with_files=False,
)

for _table, _operation in (
    ("evaluations", "Projects_ListEvaluations"),
    ("datasets", "Projects_ListDatasets"),
    ("endpoints", "Projects_ListEndpoints"),
    ("models", "Projects_ListModels"),
    ("transcriptions", "Projects_ListTranscriptions"),
):

    def _add(table: str, operation: str) -> None:
        @router.get(f"/projects/{{id}}/{table}", operation_id=operation)
        def list_members(
            request: Request,
            id: str,
            services: ServicesDep,
            links: LinksDep,
            skip: Skip = None,
            top: Top = None,
            filter: Filter = None,
        ) -> JSONResponse:
            project = entities.get(services, "projects", id)
            page = entities.list_page(
                services,
                table,
                links,
                request.url.path,
                skip=skip,
                top=top,
                filter_text=filter,
                project_id=project.id,
            )
            return JSONResponse(page.to_json())

    _add(_table, _operation)


# Datasets
add_list_route(router, "datasets", "Datasets_List")


@router.post("/datasets", status_code=201, operation_id="Datasets_Create")
def create_dataset(body: DatasetCreate, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return created(entity_json(datasets.create_dataset(services, body), links))


@router.post("/datasets:upload", status_code=201, operation_id="Datasets_Upload")
def upload_dataset(
    services: ServicesDep,
    links: LinksDep,
    displayName: Annotated[str, Form(min_length=1)],
    locale: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    data: Annotated[UploadFile, File()],
    description: Annotated[str | None, Form()] = None,
    project: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """The portal's and CLI's one-request upload; streamed from the spooled part to the blob
    store in chunks (never held in memory). A sync route: it runs in the thread pool."""
    body = DatasetCreate(
        displayName=displayName,
        locale=locale,
        kind=kind,
        description=description,
        project=Reference.model_validate({"self": project}) if project else None,
    )
    chunks = iter(lambda: data.file.read(UPLOAD_CHUNK_BYTES), b"")
    entity = datasets.upload_dataset(services, body, data.filename or "", chunks)
    return created(entity_json(entity, links))


@router.get("/datasets/{id}/blocks", operation_id="Datasets_GetBlocks")
def get_blocks(id: str, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return JSONResponse(datasets.list_blocks(services, id))


@router.put("/datasets/{id}/blocks", status_code=201, operation_id="Datasets_UploadBlock")
async def upload_block(
    request: Request,
    id: str,
    services: ServicesDep,
    links: LinksDep,
    blockid: Annotated[str, Query(min_length=1, max_length=100)],
) -> Response:
    datasets.check_block_size(services, int(request.headers.get("content-length") or 0))
    datasets.upload_block(services, id, blockid, await request.body())
    return Response(status_code=201)


@router.post("/datasets/{id}/blocks:commit", operation_id="Datasets_CommitBlocks")
def commit_blocks(
    id: str,
    block_list: Annotated[list[CommitBlock], Body()],
    services: ServicesDep,
    links: LinksDep,
) -> Response:
    datasets.commit_blocks(services, id, block_list)
    return Response(status_code=200)


add_entity_routes(
    router, "datasets", "Datasets", DatasetUpdate, datasets.update_dataset, datasets.delete_dataset
)


# Models
add_list_route(router, "models", "Models_ListCustomModels")


@router.post("/models", status_code=201, operation_id="Models_Create")
def create_model(body: ModelCreate, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return created(entity_json(models.create_model(services, body), links))


# Evaluations
add_list_route(router, "evaluations", "Evaluations_List")


@router.post("/evaluations", status_code=201, operation_id="Evaluations_Create")
def create_evaluation(
    body: EvaluationCreate, services: ServicesDep, links: LinksDep
) -> JSONResponse:
    return created(entity_json(evaluations.create_evaluation(services, body), links))


add_entity_routes(
    router,
    "evaluations",
    "Evaluations",
    EvaluationUpdate,
    evaluations.update_evaluation,
    evaluations.delete_evaluation,
)

# Endpoints
add_list_route(router, "endpoints", "Endpoints_List")


@router.post("/endpoints", status_code=201, operation_id="Endpoints_Create")
def create_endpoint(body: EndpointCreate, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return created(entity_json(endpoints.create_endpoint(services, body), links))


add_entity_routes(
    router,
    "endpoints",
    "Endpoints",
    EndpointUpdate,
    endpoints.update_endpoint,
    endpoints.delete_endpoint,
    with_files=False,
)

# Transcriptions
add_list_route(router, "transcriptions", "Transcriptions_List")


@router.post("/transcriptions:submit", status_code=201, operation_id="Transcriptions_Submit")
def submit_transcription(
    body: TranscriptionCreate, services: ServicesDep, links: LinksDep
) -> JSONResponse:
    return created(entity_json(transcriptions.submit_transcription(services, body), links))


add_entity_routes(
    router,
    "transcriptions",
    "Transcriptions",
    TranscriptionUpdate,
    transcriptions.update_transcription,
    transcriptions.delete_transcription,
)

# Web hooks
add_list_route(router, "webhooks", "WebHooks_List")


@router.post("/webhooks", status_code=201, operation_id="WebHooks_Create")
def create_webhook(body: WebHookCreate, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return created(entity_json(webhooks.create_webhook(services, body, links), links))


@router.post("/webhooks/{id}:ping", status_code=202, operation_id="WebHooks_Ping")
def ping_webhook(id: str, services: ServicesDep, links: LinksDep) -> Response:
    webhooks.ping(services, id)
    return Response(status_code=202)


@router.post("/webhooks/{id}:test", status_code=202, operation_id="WebHooks_Test")
def test_webhook(id: str, services: ServicesDep, links: LinksDep) -> Response:
    webhooks.test(services, id)
    return Response(status_code=202)


add_entity_routes(
    router,
    "webhooks",
    "WebHooks",
    WebHookUpdate,
    webhooks.update_webhook,
    webhooks.delete_webhook,
    with_files=False,
)
_ = add_file_routes
