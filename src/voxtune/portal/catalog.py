""""View fine-tuned models": every project's models and deployments in one table.

Also the model choices the deploy and batch wizards offer: the base models the server serves
and the Succeeded custom models, each posted as its API path ("models/base/<id>",
"models/<id>") so the service resolves it as it resolves a REST body's model reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response

from voxtune.errors import InvalidInputError
from voxtune.portal.status import status_label
from voxtune.portal.web import PREFIX, ServicesDep, SessionDep, links_of, render
from voxtune.service.context import Services
from voxtune.service.schemas import Reference
from voxtune.service.views import base_model_entries, default_base_model_id
from voxtune.store import records
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)


@dataclass(frozen=True)
class ModelChoice:
    """A model a wizard offers."""

    value: str  # its API path ("models/base/<id>" or "models/<id>"): what the form posts
    label: str
    locale: str
    is_base: bool
    project_id: str | None = None


def base_model_choices(locale: str | None = None) -> list[ModelChoice]:
    """The installed base models (in `locale`, or in all), the locale's default first."""
    entries = [e for e in base_model_entries().values() if locale in (None, e.locale)]
    defaults = {default_base_model_id(e.locale) for e in entries}
    entries.sort(key=lambda e: e.id not in defaults)
    return [
        ModelChoice(f"models/base/{e.id}", base_model_label(e.id), e.locale, True) for e in entries
    ]


def custom_model_choices(services: Services, project_id: str | None = None) -> list[ModelChoice]:
    """Succeeded custom models (of one project, or of all), newest first."""
    equals = {} if project_id is None else {"project_id": project_id}
    with services.database.begin() as connection:
        rows = records.list_entities(connection, "models", status="Succeeded", **equals)
    return [
        ModelChoice(f"models/{m.id}", m.display_name, m.locale, False, m.project_id)
        for m in reversed(rows)
    ]


def model_reference(request: Request, value: str) -> Reference:
    """The model reference a wizard's posted choice names; the service checks the rest."""
    if not value.startswith("models/"):
        raise InvalidInputError("choose a model")
    return Reference.model_validate({"self": links_of(request).url(value)})


def base_model_label(model_id: str) -> str:
    from voxtune.engine import base_model

    entry = base_model_entries()[model_id]
    return f"{entry.locale} {base_model(entry.name).display_name}"


def model_label(services: Services, model_id: str, deleted: str | None = None) -> str:
    """A model's name as pages show it, whether base or custom, or `deleted` (by default
    "a deleted model (<id>)") for a custom model since deleted."""
    if model_id in base_model_entries():
        return base_model_label(model_id)
    with services.database.begin() as connection:
        model = records.get_entity(connection, "models", model_id.lower())
    if model is None:
        return deleted if deleted is not None else f"a deleted model ({model_id})"
    return model.display_name


def model_page(model: Entity) -> str | None:
    """The "Train model" page of a custom model, when it belongs to a project."""
    if model.project_id is None:
        return None
    return f"{PREFIX}/projects/{model.project_id}/models/{model.id}"


def endpoint_page(endpoint: Entity) -> str | None:
    if endpoint.project_id is None:
        return None
    return f"{PREFIX}/projects/{endpoint.project_id}/deployments/{endpoint.id}"


@dataclass
class CatalogRow:
    """One model of the table, with the endpoints deployed from it."""

    model_id: str
    name: str
    page: str | None
    base_name: str
    status: str
    status_label: str
    project_name: str
    project_page: str | None
    is_base: bool
    poll: str | None  # the status URL of a custom model (base models are always ready)
    endpoints: list[tuple[str, str | None]] = field(default_factory=list)  # (name, page)


def catalog_rows(services: Services) -> list[CatalogRow]:
    """Every custom model (newest first), then every base model an endpoint serves."""
    with services.database.begin() as connection:
        models = list(reversed(records.list_entities(connection, "models")))
        endpoints = records.list_entities(connection, "endpoints")
        projects = {p.id: p for p in records.list_entities(connection, "projects")}
    by_model: dict[str, list[Entity]] = {}
    for endpoint in endpoints:
        by_model.setdefault(str(endpoint.refs["model_id"]), []).append(endpoint)

    def project_of(entity: Entity) -> tuple[str, str | None]:
        project = projects.get(entity.project_id or "")
        if project is None:
            return "(no project)", None
        return project.display_name, f"{PREFIX}/projects/{project.id}"

    rows = []
    for model in models:
        project_name, project_page = project_of(model)
        base_id = str(model.refs.get("base_model_id") or "")
        rows.append(
            CatalogRow(
                model.id, model.display_name, model_page(model),
                model_label(services, base_id) if base_id else "",
                model.status, status_label(model.status), project_name, project_page,
                False, f"{PREFIX}/status/models/{model.id}",
                [(e.display_name, endpoint_page(e)) for e in by_model.get(model.id, [])],
            )
        )
    for model_id, served in by_model.items():
        if model_id not in base_model_entries():
            continue
        by_project: dict[str | None, list[Entity]] = {}
        for endpoint in served:
            by_project.setdefault(endpoint.project_id, []).append(endpoint)
        for group in by_project.values():  # a base model's row per project that deployed it
            project_name, project_page = project_of(group[0])
            rows.append(
                CatalogRow(
                    model_id, base_model_label(model_id), None, "", "Succeeded",
                    status_label("Succeeded"), project_name, project_page, True, None,
                    [(e.display_name, endpoint_page(e)) for e in group],
                )
            )
    return rows


@router.get("/models")
def catalog(request: Request, _session: SessionDep, services: ServicesDep) -> Response:
    return render(
        request,
        "catalog/list.html",
        title="View fine-tuned models",
        nav="models",
        rows=catalog_rows(services),
    )
