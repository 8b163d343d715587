"""Endpoints: a deployed model reachable through the real-time URLs (`?cid=<endpoint id>`)."""

from __future__ import annotations

import uuid

from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.models import resolve_model
from voxtune.service.schemas import EndpointCreate, EndpointUpdate
from voxtune.store import records
from voxtune.store.records import Entity


def create_endpoint(services: Services, body: EndpointCreate) -> Entity:
    locale = entities.check_locale(body.locale)
    logging = bool(
        body.properties
        and (body.properties.loggingEnabled or body.properties.contentLoggingEnabled)
    )
    entity = Entity(
        table="endpoints",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=locale,
        status="Succeeded",
        project_id=entities.project_id(services, body.project),
        custom_properties=body.customProperties or {},
        attrs={"loggingEnabled": logging},
        refs={"model_id": resolve_model(services, body.model)},
    )
    entities.insert(services, entity)
    webhooks.notify(services, "endpointCreation", entity)
    webhooks.notify(services, "endpointCompletion", entity)
    return entity


def update_endpoint(services: Services, endpoint_id: str, body: EndpointUpdate) -> Entity:
    entity = entities.get(services, "endpoints", endpoint_id)
    updated = entities.apply_common_update(services, entity, body)
    if body.model is not None:
        updated = updated.with_changes(refs={"model_id": resolve_model(services, body.model)})
    if body.properties is not None and body.properties.contentLoggingEnabled is not None:
        updated = updated.with_changes(
            attrs={**updated.attrs, "loggingEnabled": body.properties.contentLoggingEnabled}
        )
    return entities.save(services, updated)


def delete_endpoint(services: Services, endpoint_id: str) -> None:
    entity = entities.get(services, "endpoints", endpoint_id)
    with services.database.begin() as connection:
        records.delete_entity(connection, "endpoints", entity.id)
    webhooks.notify(services, "endpointDeletion", entity)


def endpoint_model(services: Services, endpoint_id: str) -> str:
    """The model id an endpoint serves (for the real-time routes)."""
    return str(entities.get(services, "endpoints", endpoint_id).refs["model_id"])
