"""Base and custom model routes (base ones first: `/models/base` is not a model id)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from voxtune.api.common import add_entity_routes
from voxtune.api.deps import LinksDep, ServicesDep, Skip, Top
from voxtune.service import entities, models
from voxtune.service.manifests import base_manifest, custom_manifest
from voxtune.service.schemas import ModelUpdate
from voxtune.service.views import base_model_entries, base_model_json

router = APIRouter(prefix="/speechtotext")


@router.get("/models/base", operation_id="Models_ListBaseModels")
def list_base_models(
    request: Request,
    services: ServicesDep,
    links: LinksDep,
    skip: Skip = None,
    top: Top = None,
    filter: str | None = None,
) -> JSONResponse:
    from voxtune.service.filtering import parse_filter

    predicate = parse_filter(filter)
    bodies = [base_model_json(links, model_id) for model_id in base_model_entries()]
    items = [body for body in bodies if predicate(body)]
    return JSONResponse(
        entities.page_of(items, links, request.url.path, skip or 0, top or 100).to_json()
    )


@router.get("/models/base/{id}", operation_id="Models_GetBaseModel")
def get_base_model(id: str, links: LinksDep) -> JSONResponse:
    return JSONResponse(base_model_json(links, models.get_base_model(id)))


@router.get("/models/base/{id}/manifest", operation_id="Models_GetBaseModelManifest")
def get_base_model_manifest(id: str, links: LinksDep) -> JSONResponse:
    return JSONResponse(base_manifest(models.get_base_model(id), links))


@router.get("/models/{id}/manifest", operation_id="Models_GetCustomModelManifest")
def get_model_manifest(id: str, services: ServicesDep, links: LinksDep) -> JSONResponse:
    return JSONResponse(custom_manifest(services, id, links))


add_entity_routes(router, "models", "Models", ModelUpdate, models.update_model, models.delete_model)
