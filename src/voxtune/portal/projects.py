""" "Fine-tuning": the projects (Azure's fine-tuning projects) and the "+ Fine-tune" wizard."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from voxtune.errors import VoxtuneError
from voxtune.portal.web import (
    PREFIX,
    FormDep,
    ServicesDep,
    SessionDep,
    form_text,
    links_of,
    problem_of,
    redirect,
    render,
)
from voxtune.service import entities, projects
from voxtune.service.context import Services
from voxtune.service.schemas import ProjectCreate
from voxtune.service.views import Links, entity_json, supported_locales
from voxtune.store import records
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)


def _project_json(entity: Entity, links: Links) -> dict[str, Any]:
    return {"id": entity.id, **entity_json(entity, links)}


def project_view(request: Request, services: Services, project_id: str) -> dict[str, Any]:
    """The project as the REST API renders it, plus its id (for every page of a project)."""
    return _project_json(entities.get(services, "projects", project_id), links_of(request))


@router.get("/")
def project_list(request: Request, _session: SessionDep, services: ServicesDep) -> Response:
    with services.database.begin() as connection:
        rows = records.list_entities(connection, "projects")
    links = links_of(request)
    items = [_project_json(e, links) for e in reversed(rows)]
    return render(
        request, "projects/list.html", title="Fine-tuning", nav="projects", projects=items
    )


@router.get("/projects/new")
def new_project_page(request: Request, _session: SessionDep) -> Response:
    return _wizard(request, {}, "")


def _wizard(request: Request, values: dict[str, str], error: str, status: int = 200) -> Response:
    return render(
        request,
        "projects/new.html",
        status,
        title="Fine-tune",
        nav="projects",
        locales=supported_locales(),
        values=values,
        error=error,
    )


@router.post("/projects/new")
def create_project(request: Request, form: FormDep, services: ServicesDep) -> Response:
    values = {k: form_text(form, k) for k in ("name", "description", "locale")}
    if not values["name"]:
        return _wizard(request, values, "Give the project a name.", 400)
    try:
        body = ProjectCreate(
            displayName=values["name"],
            description=values["description"] or None,
            locale=values["locale"] or "en-US",
        )
        entity = projects.create_project(services, body)
    except (VoxtuneError, ValidationError) as error:
        return _wizard(request, values, problem_of(error), 400)
    return redirect(f"{PREFIX}/projects/{entity.id}")


@router.get("/projects/{project_id}")
def project_home(project_id: str, _session: SessionDep, services: ServicesDep) -> Response:
    entities.get(services, "projects", project_id)  # NotFoundError -> a page in words
    return redirect(f"{PREFIX}/projects/{project_id}/data")
