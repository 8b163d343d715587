"""What the pages inside a project share: its rows of a table, one row by id, its pages.

Every page of a project looks entities up through here, so an id of another project's
dataset, model, test or endpoint is "not found" on every page alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from voxtune.errors import NotFoundError
from voxtune.portal.catalog import model_label
from voxtune.portal.projects import project_view
from voxtune.portal.status import status_label
from voxtune.portal.web import render
from voxtune.service import entities
from voxtune.service.context import Services
from voxtune.service.views import iso
from voxtune.store import records
from voxtune.store.records import Entity


def project_entities(
    services: Services, table: str, project_id: str, **equals: str | None
) -> list[Entity]:
    """The project's rows of `table` (restricted by `equals`), oldest first."""
    with services.database.begin() as connection:
        return records.list_entities(connection, table, project_id=project_id, **equals)


def project_member(services: Services, table: str, project_id: str, entity_id: str) -> Entity:
    """An entity of this project; NotFoundError for one of another project or of none."""
    entity = entities.get(services, table, entity_id)
    if entity.project_id != project_id.lower():
        raise NotFoundError(f"this project has no {table[:-1]} with id {entity_id}")
    return entity


def project_page(
    request: Request,
    template: str,
    project: dict[str, Any],
    section: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page inside the project's menu (project.html), `section` marked in it."""
    return render(request, template, status_code, project=project, section=section, **context)


def list_page(
    request: Request,
    services: Services,
    project_id: str,
    section: str,
    table: str,
    view: Callable[[Entity], object],
    title: str,
) -> Response:
    """A project's list page ("Manage data", "Train model", ...): its rows of `table`, newest
    first, each as `view` shows it, as `items` of the template `<section>/list.html`."""
    project = project_view(request, services, project_id)
    rows = reversed(project_entities(services, table, project["id"]))
    return project_page(
        request,
        f"{section}/list.html",
        project,
        section,
        title=title,
        items=[view(entity) for entity in rows],
    )


@dataclass(frozen=True)
class ModelUseRow:
    """A row of a list of what uses a model (endpoints, batch transcriptions)."""

    id: str
    name: str
    status: str
    status_label: str
    model: str  # the model's name, base or custom
    created: str  # ISO 8601, as the API writes it

    @classmethod
    def of(cls, services: Services, entity: Entity) -> ModelUseRow:
        return cls(
            id=entity.id,
            name=entity.display_name,
            status=entity.status,
            status_label=status_label(entity.status),
            model=model_label(services, str(entity.refs["model_id"])),
            created=iso(entity.created_at),
        )
