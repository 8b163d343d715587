"""Datasets: create (from a contentUrl, by block upload, or by one multipart upload), process
(a job: fetch, parse, report), update, delete (refused while a model or evaluation uses it)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport
from voxtune.errors import ConflictError, InvalidInputError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.fetch import FetchPolicy, check_url, url_file_name
from voxtune.service.files import delete_owner_files, list_owner_files
from voxtune.service.schemas import CommitBlock, CommonUpdate, DatasetCreate
from voxtune.store import records
from voxtune.store.records import BlockRecord, Entity

IMPORT_JOB = "dataset.import"
BLOB_PREFIX = "datasets"
REPORT_FILE_KIND = "DatasetReport"  # the file the import job writes, listed under /files
MAX_BLOCK_ID_BYTES = 64  # Azure: a block id is at most 64 bytes before Base64
_DEFAULT_NAMES = {
    DatasetKind.ACOUSTIC: "data.zip",
    DatasetKind.AUDIO_FILES: "data.zip",
    DatasetKind.LANGUAGE: "data.txt",
    DatasetKind.PRONUNCIATION: "data.txt",
    DatasetKind.LANGUAGE_MARKDOWN: "data.md",
    DatasetKind.OUTPUT_FORMATTING: "data.md",
}


def _kind(name: str) -> DatasetKind:
    try:
        return DatasetKind.parse(name)
    except ValueError as error:
        raise InvalidInputError(str(error)) from error


def content_key(entity: Entity) -> str:
    return f"{BLOB_PREFIX}/{entity.id}/content/{entity.attrs['fileName']}"


def new_dataset(services: Services, body: DatasetCreate, file_name: str | None = None) -> Entity:
    kind = _kind(body.kind)
    locale = entities.check_locale(body.locale)
    attrs: dict[str, Any] = {}
    if body.contentUrl:
        attrs["contentUrl"] = body.contentUrl
        attrs["fileName"] = url_file_name(body.contentUrl, _DEFAULT_NAMES[kind])
    elif file_name is None:
        attrs["upload"] = "blocks"
        attrs["fileName"] = _DEFAULT_NAMES[kind]
    else:
        attrs["fileName"] = url_file_name(f"/{file_name}", _DEFAULT_NAMES[kind])
    return Entity(
        table="datasets",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=locale,
        project_id=entities.project_id(services, body.project),
        custom_properties=body.customProperties or {},
        attrs=attrs,
        refs={"kind": kind.value},
    )


def create_dataset(services: Services, body: DatasetCreate) -> Entity:
    if body.contentUrl:  # refused now if it can be told now; the job checks every hop again
        check_url(body.contentUrl, FetchPolicy(services.settings.allow_private_content_urls))
    entity = entities.insert(services, new_dataset(services, body))
    webhooks.notify(services, "datasetCreation", entity)
    if body.contentUrl:
        services.queue.enqueue(IMPORT_JOB, entity.id)
    return entity


def upload_dataset(
    services: Services, body: DatasetCreate, file_name: str, chunks: Iterable[bytes]
) -> Entity:
    """Create a dataset and store its content in one request (portal and CLI)."""
    entity = new_dataset(services, body, file_name)
    services.blobs.put_stream(
        content_key(entity), _capped(chunks, services.settings.max_upload_bytes)
    )
    entities.insert(services, entity)
    webhooks.notify(services, "datasetCreation", entity)
    services.queue.enqueue(IMPORT_JOB, entity.id)
    return entity


def _capped(chunks: Iterable[bytes], limit: int) -> Iterable[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise InvalidInputError(
                f"the upload exceeds {limit} bytes", inner_code="InvalidPayload"
            )
        yield chunk


def dataset_report(services: Services, dataset_id: str) -> DatasetReport | None:
    """The validation report the import job stored; None before it ran, or when the file
    could not be read at all (the dataset's error then says why)."""
    entity = entities.get(services, "datasets", dataset_id)
    for record in list_owner_files(services, entity.id):
        if record.kind == REPORT_FILE_KIND:
            return DatasetReport.from_json(json.loads(services.blobs.read_bytes(record.blob_key)))
    return None


def _awaiting_blocks(services: Services, dataset_id: str) -> Entity:
    entity = entities.get(services, "datasets", dataset_id)
    if entity.attrs.get("upload") != "blocks" or entity.attrs.get("committed"):
        raise ConflictError(
            "the dataset does not accept blocks (created with a contentUrl, or committed)",
            inner_code="InvalidDataset",
        )
    return entity


def check_block_size(services: Services, size: int) -> None:
    if size > services.settings.max_block_bytes:
        raise InvalidInputError(
            f"a block may hold at most {services.settings.max_block_bytes} bytes",
            inner_code="InvalidPayload",
        )


def upload_block(services: Services, dataset_id: str, block_id: str, data: bytes) -> None:
    entity = _awaiting_blocks(services, dataset_id)
    if not block_id or len(block_id) > 4 * MAX_BLOCK_ID_BYTES // 3 + 4:
        raise InvalidInputError("blockid must be a Base64 string of at most 64 bytes")
    check_block_size(services, len(data))
    digest = hashlib.sha256(block_id.encode()).hexdigest()
    key = f"{BLOB_PREFIX}/{entity.id}/blocks/{digest}"
    services.blobs.put_bytes(key, data)
    # Microseconds, not the API's seconds: blocks are listed in upload order, and several
    # blocks arrive within one second.
    uploaded = datetime.now(UTC).replace(tzinfo=None)
    with services.database.begin() as connection:
        records.put_block(
            connection, BlockRecord(entity.id, block_id, key, len(data), 0, uploaded)
        )


def list_blocks(services: Services, dataset_id: str) -> dict[str, list[dict[str, Any]]]:
    entity = entities.get(services, "datasets", dataset_id)
    with services.database.begin() as connection:
        blocks = records.list_blocks(connection, entity.id)
    return {
        "committedBlocks": [{"name": b.block_id, "size": b.size} for b in blocks if b.committed],
        "uncommittedBlocks": [
            {"name": b.block_id, "size": b.size} for b in blocks if not b.committed
        ],
    }


def commit_blocks(services: Services, dataset_id: str, block_list: list[CommitBlock]) -> Entity:
    """Concatenate the listed blocks, in order, into the dataset's content; start processing."""
    entity = _awaiting_blocks(services, dataset_id)
    if not block_list:
        raise InvalidInputError("the block list is empty", inner_code="EmptyRequest")
    with services.database.begin() as connection:
        blocks = {b.block_id: b for b in records.list_blocks(connection, entity.id)}
    missing = [entry.id for entry in block_list if entry.id not in blocks]
    if missing:
        raise InvalidInputError(f"unknown block ids: {', '.join(missing[:5])}")
    total = sum(blocks[entry.id].size for entry in block_list)
    if total > services.settings.max_upload_bytes:
        raise InvalidInputError(f"the dataset exceeds {services.settings.max_upload_bytes} bytes")
    keys = [blocks[entry.id].blob_key for entry in block_list]
    services.blobs.put_stream(
        content_key(entity), (chunk for key in keys for chunk in services.blobs.iter_chunks(key))
    )
    services.blobs.delete_prefix(f"{BLOB_PREFIX}/{entity.id}/blocks")
    with services.database.begin() as connection:  # listed as committedBlocks from now on
        records.commit_blocks(connection, entity.id, [entry.id for entry in block_list])
    entity = entities.save(services, entity.with_changes(attrs={**entity.attrs, "committed": True}))
    services.queue.enqueue(IMPORT_JOB, entity.id)
    return entity


def update_dataset(services: Services, dataset_id: str, body: CommonUpdate) -> Entity:
    entity = entities.get(services, "datasets", dataset_id)
    return entities.save(services, entities.apply_common_update(services, entity, body))


def delete_dataset(services: Services, dataset_id: str) -> None:
    entity = entities.get(services, "datasets", dataset_id)
    with services.database.begin() as connection:
        users = records.count_references(connection, "model_datasets", "dataset_id", entity.id)
        users += records.count_references(connection, "evaluations", "dataset_id", entity.id)
        users += records.count_references(connection, "transcriptions", "dataset_id", entity.id)
        if users:
            raise ConflictError(
                f"the dataset is used by {users} model(s), evaluation(s) or transcription(s)"
            )
        records.delete_entity(connection, "datasets", entity.id)
        records.delete_blocks(connection, entity.id)
    delete_owner_files(services, entity.id, BLOB_PREFIX)
    webhooks.notify(services, "datasetDeletion", entity)
