"""The tables. Entity tables share one column set; kind-specific references are columns too,
so "is this dataset in use?" is a query. Free-form Azure fields live in JSON text columns.

Times: entity timestamps are naive UTC datetimes; job leases are epoch seconds (floats compare
the same way in every SQL dialect).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = 36  # a UUID in its canonical text form


def _entity_columns() -> list[Column[object]]:
    return [
        Column("id", String(ID), primary_key=True),
        Column("display_name", String(512), nullable=False, default=""),
        Column("description", Text, nullable=False, default=""),
        Column("locale", String(32), nullable=False, default=""),
        Column("status", String(16), nullable=False, default="NotStarted"),
        Column("project_id", String(ID), nullable=True, index=True),
        Column("custom_properties", Text, nullable=False, default="{}"),
        Column("properties", Text, nullable=False, default="{}"),
        Column("attrs", Text, nullable=False, default="{}"),
        Column("created_at", DateTime, nullable=False),
        Column("last_action_at", DateTime, nullable=False),
    ]


projects = Table("projects", metadata, *_entity_columns())
datasets = Table(
    "datasets", metadata, *_entity_columns(), Column("kind", String(32), nullable=False)
)
models = Table(
    "models", metadata, *_entity_columns(), Column("base_model_id", String(ID), nullable=True)
)
evaluations = Table(
    "evaluations",
    metadata,
    *_entity_columns(),
    Column("dataset_id", String(ID), nullable=True, index=True),
    Column("model1_id", String(ID), nullable=True, index=True),
    Column("model2_id", String(ID), nullable=True, index=True),
)
endpoints = Table(
    "endpoints", metadata, *_entity_columns(), Column("model_id", String(ID), index=True)
)
transcriptions = Table(
    "transcriptions",
    metadata,
    *_entity_columns(),
    Column("model_id", String(ID), nullable=True, index=True),
    Column("dataset_id", String(ID), nullable=True, index=True),
)
webhooks = Table("webhooks", metadata, *_entity_columns())

# Which datasets a model was trained on (many to many).
model_datasets = Table(
    "model_datasets",
    metadata,
    Column("model_id", String(ID), primary_key=True),
    Column("dataset_id", String(ID), primary_key=True, index=True),
)

files = Table(
    "files",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("owner_id", String(ID), nullable=False, index=True),
    Column("name", String(512), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("blob_key", String(1024), nullable=False),
    Column("size", Integer, nullable=False, default=0),
    Column("duration_ms", Integer, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

blocks = Table(
    "blocks",
    metadata,
    Column("dataset_id", String(ID), primary_key=True),
    Column("block_id", String(128), primary_key=True),
    Column("blob_key", String(1024), nullable=False),
    Column("size", Integer, nullable=False),
    Column("committed", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("entity_id", String(ID), nullable=False, index=True),
    Column("payload", Text, nullable=False, default="{}"),
    Column("status", String(16), nullable=False, index=True),
    Column("progress", Float, nullable=False, default=0.0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False, default=3),
    Column("lease_expires_at", Float, nullable=True),
    Column("heartbeat_at", Float, nullable=True),
    Column("worker_id", String(128), nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(256), nullable=False, default=""),
    Column("salt", String(64), nullable=False),
    Column("key_hash", String(128), nullable=False),
    Column("lookup", String(16), nullable=False, index=True),  # the key's first characters
    Column("created_at", DateTime, nullable=False),
    Column("revoked", Integer, nullable=False, default=0),
)

# A target server's permission for one model copy from another server (models:authorizecopy).
copy_authorizations = Table(
    "copy_authorizations",
    metadata,
    Column("id", String(ID), primary_key=True),  # also the id of the model the copy creates
    Column("source_resource_id", String(512), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("model_id", String(ID), nullable=True),  # set once the copy has arrived
)
