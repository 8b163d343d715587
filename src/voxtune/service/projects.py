"""Projects: a grouping of datasets, models, evaluations, endpoints and transcriptions."""

from __future__ import annotations

import uuid

from voxtune.errors import ConflictError
from voxtune.service import entities
from voxtune.service.context import Services
from voxtune.service.schemas import ProjectCreate, ProjectUpdate
from voxtune.store import records
from voxtune.store.records import Entity

MEMBER_TABLES = ("datasets", "models", "evaluations", "endpoints", "transcriptions")


def create_project(services: Services, body: ProjectCreate) -> Entity:
    attrs = {"foundryProjectName": body.foundryProjectName} if body.foundryProjectName else {}
    entity = Entity(
        table="projects",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=entities.check_locale(body.locale),
        status="Succeeded",
        custom_properties=body.customProperties or {},
        attrs=attrs,
    )
    return entities.insert(services, entity)


def update_project(services: Services, project_id: str, body: ProjectUpdate) -> Entity:
    entity = entities.get(services, "projects", project_id)
    body.project = None  # a project does not belong to a project
    updated = entities.apply_common_update(services, entity, body)
    if body.foundryProjectName is not None:
        updated = updated.with_changes(
            attrs={**updated.attrs, "foundryProjectName": body.foundryProjectName}
        )
    return entities.save(services, updated)


def delete_project(services: Services, project_id: str) -> None:
    entity = entities.get(services, "projects", project_id)
    with services.database.begin() as connection:
        for table in MEMBER_TABLES:
            if records.list_entities(connection, table, project_id=entity.id):
                raise ConflictError(f"the project still holds {table}; delete them first")
        records.delete_entity(connection, "projects", entity.id)
