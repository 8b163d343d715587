"""Files that belong to an entity (reports, results, details), stored in the BlobStore."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from voxtune.errors import AuthError, NotFoundError
from voxtune.service.context import Services
from voxtune.service.security import verify_signed_path
from voxtune.store import records
from voxtune.store.records import FileRecord, utc_now
from voxtune.store.tables import files as files_table


def file_id_for(owner_id: str, name: str) -> str:
    """Stable per owner and name, so a retried job replaces its files instead of adding."""
    return str(uuid.uuid5(uuid.UUID(owner_id), name))


def add_file(
    services: Services,
    owner_id: str,
    name: str,
    kind: str,
    blob_key: str,
    duration_ms: int | None = None,
) -> FileRecord:
    record = FileRecord(
        id=file_id_for(owner_id, name),
        owner_id=owner_id,
        name=name,
        kind=kind,
        blob_key=blob_key,
        size=services.blobs.size(blob_key),
        duration_ms=duration_ms,
        created_at=utc_now(),
    )
    with services.database.begin() as connection:
        existing = records.get_file(connection, owner_id, record.id)
        if existing is None:
            records.add_file(connection, record)
    return record


def add_json_file(
    services: Services, owner_id: str, prefix: str, name: str, kind: str, body: Any
) -> FileRecord:
    key = f"{prefix}/{owner_id}/files/{file_id_for(owner_id, name)}.json"
    services.blobs.put_bytes(key, json.dumps(body, ensure_ascii=False, indent=1).encode())
    return add_file(services, owner_id, name, kind, key)


def list_owner_files(services: Services, owner_id: str) -> list[FileRecord]:
    with services.database.begin() as connection:
        return records.list_files(connection, owner_id)


def get_owner_file(services: Services, owner_id: str, file_id: str) -> FileRecord:
    with services.database.begin() as connection:
        record = records.get_file(connection, owner_id, file_id.lower())
    if record is None:
        raise NotFoundError(f"no file {file_id}")
    return record


def delete_owner_files(services: Services, owner_id: str, prefix: str) -> None:
    with services.database.begin() as connection:
        records.delete_files(connection, owner_id)
    services.blobs.delete_prefix(f"{prefix}/{owner_id}")


def open_signed_file(
    services: Services, file_id: str, name: str, expires: int, signature: str
) -> tuple[FileRecord, Path]:
    """The file a signed link names, after checking the signature and expiry."""
    verify_signed_path(services.secret, f"/files/{file_id}/{name}", expires, signature)
    with services.database.begin() as connection:
        row = connection.execute(files_table.select().where(files_table.c.id == file_id)).first()
    if row is None:
        raise NotFoundError("the file no longer exists")
    record = FileRecord(**dict(row._mapping))
    if not services.blobs.exists(record.blob_key):
        raise AuthError("the file's content is gone")
    return record, services.blobs.local_path(record.blob_key)
