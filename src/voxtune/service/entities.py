"""Rules shared by every entity: look-up, listing with filter and paging, common updates,
references to other entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from voxtune.errors import InvalidInputError, NotFoundError
from voxtune.service.context import Services
from voxtune.service.filtering import parse_filter
from voxtune.service.schemas import CommonUpdate, Reference
from voxtune.service.views import Links, entity_json, parse_reference, supported_locales
from voxtune.store import records
from voxtune.store.records import Entity

MAX_PAGE = 100  # Azure's largest `top`
_NAMES = {
    "projects": "project",
    "datasets": "dataset",
    "models": "model",
    "evaluations": "evaluation",
    "endpoints": "endpoint",
    "transcriptions": "transcription",
    "webhooks": "web hook",
}


@dataclass(frozen=True)
class Page:
    values: list[dict[str, Any]]
    next_link: str | None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"values": self.values}
        if self.next_link:
            body["@nextLink"] = self.next_link
        return body


def get(services: Services, table: str, entity_id: str) -> Entity:
    with services.database.begin() as connection:
        entity = records.get_entity(connection, table, entity_id.lower())
    if entity is None:
        raise NotFoundError(f"no {_NAMES[table]} with id {entity_id}")
    return entity


def job_progress(services: Services, entity_id: str) -> float | None:
    """Progress 0..1 of the entity's running job, if one runs (what the client's wait shows)."""
    running = [j for j in services.queue.for_entity(entity_id) if j.status == "Running"]
    return running[-1].progress if running else None


def check_locale(locale: str) -> str:
    """`locale` as the base models spell it; InvalidLocale if none serves it."""
    supported = supported_locales()
    for known in supported:
        if known.lower() == locale.strip().lower():
            return known
    raise InvalidInputError(
        f"locale {locale!r} is not supported; supported: {', '.join(supported)}",
        inner_code="InvalidLocale",
    )


def referenced_id(reference: Reference, tables: tuple[str, ...], what: str) -> tuple[str, str]:
    """(table, id) named by a reference's self URL, which must point at one of `tables`."""
    parsed = parse_reference(reference.self_)
    if parsed is None or parsed[0] not in tables:
        raise InvalidInputError(f"{reference.self_!r} is not a {what} URL")
    return parsed


def project_id(services: Services, reference: Reference | None) -> str | None:
    if reference is None:
        return None
    _, entity_id = referenced_id(reference, ("projects",), "project")
    try:
        return get(services, "projects", entity_id).id
    except NotFoundError as error:
        raise InvalidInputError(str(error), inner_code="InvalidProject") from error


def save(services: Services, entity: Entity) -> Entity:
    with services.database.begin() as connection:
        records.save_entity(connection, entity)
    return entity


def insert(services: Services, entity: Entity) -> Entity:
    with services.database.begin() as connection:
        records.insert_entity(connection, entity)
    return entity


def apply_common_update(services: Services, entity: Entity, body: CommonUpdate) -> Entity:
    changes: dict[str, Any] = {}
    if body.displayName is not None:
        changes["display_name"] = body.displayName
    if body.description is not None:
        changes["description"] = body.description
    if body.customProperties is not None:
        changes["custom_properties"] = body.customProperties
    if body.project is not None:
        changes["project_id"] = project_id(services, body.project)
    return entity.with_changes(**changes)


def list_page(
    services: Services,
    table: str,
    links: Links,
    request_path: str,
    *,
    skip: int | None,
    top: int | None,
    filter_text: str | None,
    **equals: str | None,
) -> Page:
    skip = 0 if skip is None else skip
    top = MAX_PAGE if top is None else top
    if skip < 0 or not 1 <= top <= MAX_PAGE:
        raise InvalidInputError(
            f"skip must be >= 0 and top within 1..{MAX_PAGE}", inner_code="UnsupportedPagination"
        )
    predicate = parse_filter(filter_text)
    with services.database.begin() as connection:
        rows = records.list_entities(connection, table, **equals)
    rendered = [body for body in (entity_json(e, links) for e in rows) if predicate(body)]
    return page_of(rendered, links, request_path, skip, top, filter_text)


def page_of(
    items: list[dict[str, Any]],
    links: Links,
    request_path: str,
    skip: int,
    top: int,
    filter_text: str | None = None,
) -> Page:
    next_link = None
    if skip + top < len(items):
        next_link = (
            f"{links.base_url}{request_path}?api-version={links.api_version}"
            f"&skip={skip + top}&top={top}"
        )
        if filter_text:
            next_link += f"&filter={quote(filter_text)}"
    return Page(items[skip : skip + top], next_link)
