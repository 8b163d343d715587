"""Routes every entity collection shares: list (paging, filter), get, update, delete, files.

(No `from __future__ import annotations` here: FastAPI must see the body model classes that
are passed in at route-definition time.)
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from voxtune.api.deps import Filter, LinksDep, ServicesDep, Skip, Top, no_content
from voxtune.service import entities, files
from voxtune.service.context import Services
from voxtune.service.schemas import CommonUpdate
from voxtune.service.views import entity_json, file_json
from voxtune.store.records import Entity

PROGRESS_HEADER = "X-Voxtune-Progress"  # a running job's progress 0..1 (voxtune extension)
Updater = Callable[[Services, str, Any], Entity]
Deleter = Callable[[Services, str], None]


def add_list_route(router: APIRouter, table: str, operation: str, path: str = "") -> None:
    @router.get(f"/{table}{path}", operation_id=operation)
    def list_entities(
        request: Request,
        services: ServicesDep,
        links: LinksDep,
        skip: Skip = None,
        top: Top = None,
        filter: Filter = None,
    ) -> JSONResponse:
        page = entities.list_page(
            services, table, links, request.url.path, skip=skip, top=top, filter_text=filter
        )
        return JSONResponse(page.to_json())


def add_entity_routes(
    router: APIRouter,
    table: str,
    prefix: str,
    update_model: type[CommonUpdate],
    update: Updater,
    delete: Deleter,
    *,
    with_files: bool = True,
) -> None:
    @router.get(f"/{table}/{{id}}", operation_id=f"{prefix}_Get")
    def get_entity(id: str, services: ServicesDep, links: LinksDep) -> JSONResponse:
        entity = entities.get(services, table, id)
        progress = entities.job_progress(services, entity.id)
        headers = {PROGRESS_HEADER: f"{progress:.3f}"} if progress is not None else None
        return JSONResponse(entity_json(entity, links), headers=headers)

    @router.patch(f"/{table}/{{id}}", operation_id=f"{prefix}_Update")
    def update_entity(
        id: str,
        body: update_model,  # type: ignore[valid-type]
        services: ServicesDep,
        links: LinksDep,
    ) -> JSONResponse:
        return JSONResponse(entity_json(update(services, id, body), links))

    @router.delete(f"/{table}/{{id}}", status_code=204, operation_id=f"{prefix}_Delete")
    def delete_entity(id: str, services: ServicesDep, links: LinksDep) -> Response:
        delete(services, id)
        return no_content()

    if with_files:
        add_file_routes(router, table, prefix)


def add_file_routes(router: APIRouter, table: str, prefix: str) -> None:
    @router.get(f"/{table}/{{id}}/files", operation_id=f"{prefix}_ListFiles")
    def list_files(
        request: Request,
        id: str,
        services: ServicesDep,
        links: LinksDep,
        skip: Skip = None,
        top: Top = None,
        sasValidityInSeconds: int | None = None,
    ) -> JSONResponse:
        owner = entities.get(services, table, id)
        rendered = [
            file_json(record, links, f"{table}/{owner.id}")
            for record in files.list_owner_files(services, owner.id)
        ]
        page = entities.page_of(rendered, links, request.url.path, skip or 0, top or 100)
        return JSONResponse(page.to_json())

    @router.get(f"/{table}/{{id}}/files/{{fileId}}", operation_id=f"{prefix}_GetFile")
    def get_file(id: str, fileId: str, services: ServicesDep, links: LinksDep) -> JSONResponse:
        owner = entities.get(services, table, id)
        record = files.get_owner_file(services, owner.id, fileId)
        return JSONResponse(file_json(record, links, f"{table}/{owner.id}"))
