"""Rows as typed records, and the queries the service needs. No rules live here.

Every entity table shares one column set (`Entity`); the kind-specific reference columns
(datasets.kind, evaluations.dataset_id, ...) travel in `Entity.refs`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update

from voxtune.store import tables

ENTITY_TABLES: dict[str, Table] = {
    "projects": tables.projects,
    "datasets": tables.datasets,
    "models": tables.models,
    "evaluations": tables.evaluations,
    "endpoints": tables.endpoints,
    "transcriptions": tables.transcriptions,
    "webhooks": tables.webhooks,
}
_JSON_COLUMNS = ("custom_properties", "properties", "attrs")
_BASE_COLUMNS = {column.name for column in tables.projects.columns}


def utc_now() -> datetime:
    """Naive UTC, as stored (second precision is what the API shows)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Entity:
    table: str  # "datasets", "models", ...
    id: str
    display_name: str = ""
    description: str = ""
    locale: str = ""
    status: str = "NotStarted"
    project_id: str | None = None
    custom_properties: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)  # other fields of the Azure object
    refs: dict[str, str | None] = field(default_factory=dict)  # kind-specific columns
    created_at: datetime = field(default_factory=utc_now)
    last_action_at: datetime = field(default_factory=utc_now)

    def with_changes(self, **changes: Any) -> Entity:
        return replace(self, last_action_at=utc_now(), **changes)


def _to_row(entity: Entity) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": entity.id,
        "display_name": entity.display_name,
        "description": entity.description,
        "locale": entity.locale,
        "status": entity.status,
        "project_id": entity.project_id,
        "created_at": entity.created_at,
        "last_action_at": entity.last_action_at,
    }
    for name in _JSON_COLUMNS:
        row[name] = json.dumps(getattr(entity, name))
    row.update(entity.refs)
    return row


def _from_row(table: str, row: Any) -> Entity:
    mapping = dict(row._mapping)
    refs = {key: value for key, value in mapping.items() if key not in _BASE_COLUMNS}
    return Entity(
        table=table,
        id=mapping["id"],
        display_name=mapping["display_name"],
        description=mapping["description"],
        locale=mapping["locale"],
        status=mapping["status"],
        project_id=mapping["project_id"],
        custom_properties=json.loads(mapping["custom_properties"]),
        properties=json.loads(mapping["properties"]),
        attrs=json.loads(mapping["attrs"]),
        refs=refs,
        created_at=mapping["created_at"],
        last_action_at=mapping["last_action_at"],
    )


def insert_entity(connection: Connection, entity: Entity) -> None:
    connection.execute(insert(ENTITY_TABLES[entity.table]).values(**_to_row(entity)))


def save_entity(connection: Connection, entity: Entity) -> None:
    table = ENTITY_TABLES[entity.table]
    connection.execute(update(table).where(table.c.id == entity.id).values(**_to_row(entity)))


def get_entity(connection: Connection, table_name: str, entity_id: str) -> Entity | None:
    table = ENTITY_TABLES[table_name]
    row = connection.execute(select(table).where(table.c.id == entity_id)).first()
    return _from_row(table_name, row) if row is not None else None


def list_entities(connection: Connection, table_name: str, **equals: str | None) -> list[Entity]:
    """All rows, oldest first, restricted by column equality (e.g. project_id=...)."""
    table = ENTITY_TABLES[table_name]
    query = select(table).order_by(table.c.created_at, table.c.id)
    for column, value in equals.items():
        query = query.where(table.c[column] == value)
    return [_from_row(table_name, row) for row in connection.execute(query)]


def delete_entity(connection: Connection, table_name: str, entity_id: str) -> None:
    table = ENTITY_TABLES[table_name]
    connection.execute(delete(table).where(table.c.id == entity_id))


def count_references(connection: Connection, table_name: str, column: str, value: str) -> int:
    table = ENTITY_TABLES.get(table_name, tables.model_datasets)
    rows = connection.execute(select(table.c[column]).where(table.c[column] == value))
    return len(rows.all())


def link_model_datasets(connection: Connection, model_id: str, dataset_ids: list[str]) -> None:
    for dataset_id in dataset_ids:
        connection.execute(
            insert(tables.model_datasets).values(model_id=model_id, dataset_id=dataset_id)
        )


def unlink_model_datasets(connection: Connection, model_id: str) -> None:
    table = tables.model_datasets
    connection.execute(delete(table).where(table.c.model_id == model_id))


@dataclass(frozen=True)
class FileRecord:
    id: str
    owner_id: str
    name: str
    kind: str  # Azure FileKind
    blob_key: str
    size: int
    duration_ms: int | None
    created_at: datetime


def add_file(connection: Connection, record: FileRecord) -> None:
    connection.execute(insert(tables.files).values(**record.__dict__))


def list_files(connection: Connection, owner_id: str) -> list[FileRecord]:
    table = tables.files
    query = select(table).where(table.c.owner_id == owner_id).order_by(table.c.created_at)
    return [FileRecord(**dict(row._mapping)) for row in connection.execute(query)]


def get_file(connection: Connection, owner_id: str, file_id: str) -> FileRecord | None:
    table = tables.files
    row = connection.execute(
        select(table).where(table.c.owner_id == owner_id, table.c.id == file_id)
    ).first()
    return FileRecord(**dict(row._mapping)) if row is not None else None


def delete_files(connection: Connection, owner_id: str) -> None:
    connection.execute(delete(tables.files).where(tables.files.c.owner_id == owner_id))


@dataclass(frozen=True)
class BlockRecord:
    dataset_id: str
    block_id: str
    blob_key: str
    size: int
    committed: int
    created_at: datetime


def put_block(connection: Connection, record: BlockRecord) -> None:
    table = tables.blocks
    connection.execute(
        delete(table).where(
            table.c.dataset_id == record.dataset_id, table.c.block_id == record.block_id
        )
    )
    connection.execute(insert(table).values(**record.__dict__))


def list_blocks(connection: Connection, dataset_id: str) -> list[BlockRecord]:
    table = tables.blocks
    query = select(table).where(table.c.dataset_id == dataset_id).order_by(table.c.created_at)
    return [BlockRecord(**dict(row._mapping)) for row in connection.execute(query)]


def commit_blocks(connection: Connection, dataset_id: str, block_ids: list[str]) -> None:
    """Keep the committed blocks' records (marked committed), drop the others."""
    table = tables.blocks
    of_dataset = table.c.dataset_id == dataset_id
    connection.execute(delete(table).where(of_dataset, table.c.block_id.not_in(block_ids)))
    connection.execute(update(table).where(of_dataset).values(committed=1))


def delete_blocks(connection: Connection, dataset_id: str) -> None:
    connection.execute(delete(tables.blocks).where(tables.blocks.c.dataset_id == dataset_id))
