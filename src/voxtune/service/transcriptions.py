"""Batch transcriptions: files from contentUrls or a dataset, recognized by a job."""

from __future__ import annotations

import uuid

from voxtune.errors import InvalidInputError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.evaluations import acoustic_dataset
from voxtune.service.fetch import FetchPolicy, check_url
from voxtune.service.files import delete_owner_files
from voxtune.service.models import resolve_model
from voxtune.service.schemas import TranscriptionCreate, TranscriptionUpdate
from voxtune.service.views import default_base_model_id
from voxtune.store import records
from voxtune.store.records import Entity

TRANSCRIBE_JOB = "transcription.run"
BLOB_PREFIX = "transcriptions"


def submit_transcription(services: Services, body: TranscriptionCreate) -> Entity:
    locale = entities.check_locale(body.locale)
    sources = [bool(body.contentUrls), bool(body.dataset), bool(body.contentContainerUrl)]
    if sum(sources) != 1:
        raise InvalidInputError(
            "give exactly one of contentUrls, dataset, contentContainerUrl",
            inner_code="OnlyOneOfUrlsOrContainerOrDataset",
        )
    if body.contentContainerUrl:
        raise InvalidInputError(
            "contentContainerUrl (a storage container) is not supported; "
            "use contentUrls or a dataset",
            inner_code="InvalidParameter",
        )
    for url in body.contentUrls or []:
        check_url(url, FetchPolicy(services.settings.allow_private_content_urls))
    dataset_id = None
    if body.dataset is not None:
        _, dataset_id = entities.referenced_id(body.dataset, ("datasets",), "dataset")
        dataset_id = acoustic_dataset(services, dataset_id, ("Acoustic", "AudioFiles")).id
    model_id = resolve_model(services, body.model) if body.model else default_base_model_id(locale)
    entity = Entity(
        table="transcriptions",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=locale,
        project_id=entities.project_id(services, body.project),
        custom_properties=body.customProperties or {},
        properties=body.properties.model_dump(exclude_none=True),
        attrs={"contentUrls": body.contentUrls or []},
        refs={"model_id": model_id, "dataset_id": dataset_id},
    )
    entities.insert(services, entity)
    services.queue.enqueue(TRANSCRIBE_JOB, entity.id)
    webhooks.notify(services, "transcriptionCreation", entity)
    return entity


def update_transcription(
    services: Services, transcription_id: str, body: TranscriptionUpdate
) -> Entity:
    entity = entities.get(services, "transcriptions", transcription_id)
    return entities.save(services, entities.apply_common_update(services, entity, body))


def delete_transcription(services: Services, transcription_id: str) -> None:
    entity = entities.get(services, "transcriptions", transcription_id)
    with services.database.begin() as connection:
        records.delete_entity(connection, "transcriptions", entity.id)
    delete_owner_files(services, entity.id, BLOB_PREFIX)
    webhooks.notify(services, "transcriptionDeletion", entity)
