"""Infra: SQLAlchemy tables (with Alembic migrations) and the BlobStore."""

from voxtune.store.blobs import BlobStore, LocalBlobStore
from voxtune.store.db import Database, open_database

__all__ = ["BlobStore", "Database", "LocalBlobStore", "open_database"]
