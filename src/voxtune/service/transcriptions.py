"""Batch transcriptions: files from contentUrls or a dataset, recognized by a job."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voxtune.errors import InvalidInputError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.evaluations import acoustic_dataset
from voxtune.service.fetch import FetchPolicy, check_url, url_file_name
from voxtune.service.files import delete_owner_files, list_owner_files
from voxtune.service.models import resolve_model
from voxtune.service.schemas import TranscriptionCreate, TranscriptionUpdate
from voxtune.service.views import default_base_model_id
from voxtune.store import records
from voxtune.store.records import Entity, FileRecord

TRANSCRIBE_JOB = "transcription.run"
BLOB_PREFIX = "transcriptions"
MAX_UPLOADED_FILES = 1000  # as many as contentUrls may name
TRANSCRIBABLE_KINDS = ("Acoustic", "AudioFiles")  # the dataset kinds audio is taken from
RESULT_FILE_KIND = "Transcription"  # the job's result file per input, listed under /files
REPORT_FILE_KIND = "TranscriptionReport"  # the job's report: each input's outcome


def input_key(transcription_id: str, index: int) -> str:
    """Where a transcription's index-th input file is kept (fetched or uploaded)."""
    return f"{BLOB_PREFIX}/{transcription_id}/input/{index}"


def submit_transcription(services: Services, body: TranscriptionCreate) -> Entity:
    entities.check_locale(body.locale)
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
        dataset_id = acoustic_dataset(services, dataset_id, TRANSCRIBABLE_KINDS).id
    entity = _new_transcription(
        services, body, {"contentUrls": body.contentUrls or []}, dataset_id
    )
    return _queued(services, entity)


@dataclass(frozen=True)
class UploadedAudio:
    name: str  # the file's name as uploaded: its result file is named after it
    chunks: Iterable[bytes]


def submit_uploaded_files(
    services: Services, body: TranscriptionCreate, files: Sequence[UploadedAudio]
) -> Entity:
    """Batch transcription of audio files sent with the request (the portal's upload): they
    are stored as the transcription's inputs, then its job is queued as for contentUrls."""
    if body.contentUrls or body.dataset or body.contentContainerUrl:
        raise InvalidInputError(
            "uploaded files are transcribed on their own: give no contentUrls, dataset or "
            "contentContainerUrl with them",
            inner_code="OnlyOneOfUrlsOrContainerOrDataset",
        )
    if not files or len(files) > MAX_UPLOADED_FILES:
        raise InvalidInputError(
            f"give 1 to {MAX_UPLOADED_FILES} audio files, not {len(files)}",
            inner_code="InvalidParameter",
        )
    entity = _new_transcription(
        services, body, {"contentUrls": [], "uploads": _unique_names(files)}, None
    )
    limit = services.settings.content_url_max_bytes  # what one fetched file may hold
    try:
        for index, upload in enumerate(files):
            if services.blobs.put_stream(input_key(entity.id, index), upload.chunks) > limit:
                raise InvalidInputError(
                    f"{upload.name} exceeds {limit} bytes", inner_code="InvalidPayload"
                )
    except BaseException:
        services.blobs.delete_prefix(f"{BLOB_PREFIX}/{entity.id}")
        raise
    return _queued(services, entity)


def _unique_names(files: Sequence[UploadedAudio]) -> list[str]:
    """Each upload's base name, numbered where two share one: result files are named after
    them, and a second file of the same name would replace the first's result."""
    names: list[str] = []
    for index, upload in enumerate(files):
        name = url_file_name("/" + upload.name.replace("\\", "/"), f"audio_{index}")
        names.append(f"{index}_{name}" if name in names else name)
    return names


def _new_transcription(
    services: Services, body: TranscriptionCreate, attrs: dict[str, object], dataset_id: str | None
) -> Entity:
    locale = entities.check_locale(body.locale)
    model_id = resolve_model(services, body.model) if body.model else default_base_model_id(locale)
    return Entity(
        table="transcriptions",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=locale,
        project_id=entities.project_id(services, body.project),
        custom_properties=body.customProperties or {},
        properties=body.properties.model_dump(exclude_none=True),
        attrs=attrs,
        refs={"model_id": model_id, "dataset_id": dataset_id},
    )


def _queued(services: Services, entity: Entity) -> Entity:
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


@dataclass(frozen=True)
class FileOutcome:
    """One input of a transcription, as the job's report and result file tell it."""

    source: str  # the input's name: an uploaded file's, a URL, a dataset's file
    status: str  # "Succeeded" or "Failed"
    error: str  # why it failed ("" when it succeeded)
    display: str  # its recognized text, display form ("" when it failed)
    result: FileRecord | None  # its result file


def transcription_outcomes(
    services: Services, transcription_id: str, limit: int
) -> tuple[list[FileOutcome], FileRecord | None]:
    """The first `limit` inputs' outcomes and the report file, from the files the job wrote;
    ([], None) until it wrote its report."""
    files = list_owner_files(services, transcription_id)
    report = next((f for f in files if f.kind == REPORT_FILE_KIND), None)
    if report is None:
        return [], None
    results: dict[str, tuple[FileRecord, str]] = {}  # source -> (result file, display text)
    for record in files:
        if record.kind == RESULT_FILE_KIND and len(results) < limit:
            body = json.loads(services.blobs.read_bytes(record.blob_key))
            display = " ".join(p["display"] for p in body.get("combinedRecognizedPhrases", []))
            results[str(body.get("source", ""))] = (record, display)
    outcomes = []
    for detail in json.loads(services.blobs.read_bytes(report.blob_key))["details"][:limit]:
        found = results.get(detail["source"])
        outcomes.append(
            FileOutcome(
                detail["source"],
                detail["status"],
                detail.get("errorMessage", ""),
                found[1] if found else "",
                found[0] if found else None,
            )
        )
    return outcomes, report
