"""The steps every job runner takes: its entity Running at the start (None when it was deleted
meanwhile) and Succeeded or Failed at the end, each with its web hook event, and the policy
for fetching a contentUrl. Used by runners.py and transcribe_job.py."""

from __future__ import annotations

from typing import Any

from voxtune.errors import NotFoundError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.fetch import FetchPolicy
from voxtune.store.records import Entity

_EVENT_PREFIX = {
    "datasets": "dataset",
    "models": "model",
    "evaluations": "evaluation",
    "transcriptions": "transcription",
}


def fetch_policy(services: Services) -> FetchPolicy:
    settings = services.settings
    return FetchPolicy(
        allow_private=settings.allow_private_content_urls,
        max_bytes=settings.content_url_max_bytes,
        timeout_s=settings.content_url_timeout_s,
        max_redirects=settings.content_url_max_redirects,
    )


def start(services: Services, table: str, entity_id: str) -> Entity | None:
    """The job's entity, now Running; None when it was deleted meanwhile."""
    try:
        entity = entities.get(services, table, entity_id)
    except NotFoundError:
        return None
    entity = entities.save(services, entity.with_changes(status="Running"))
    webhooks.notify(services, f"{_EVENT_PREFIX[table]}Processing", entity)
    return entity


def finish(services: Services, entity: Entity, status: str, properties: dict[str, Any]) -> None:
    entity = entities.save(services, entity.with_changes(status=status, properties=properties))
    webhooks.notify(services, f"{_EVENT_PREFIX[entity.table]}Completion", entity)
