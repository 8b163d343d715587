"""What every use case needs, opened once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from voxtune.jobs.queue import JobQueue
from voxtune.settings import Settings
from voxtune.store.blobs import LocalBlobStore
from voxtune.store.db import Database, open_database


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: Database
    blobs: LocalBlobStore
    queue: JobQueue
    secret: bytes

    def close(self) -> None:
        self.database.dispose()


def open_services(settings: Settings, *, migrate: bool = True) -> Services:
    database = open_database(settings.resolved_database_url(), migrate=migrate)
    return Services(
        settings=settings,
        database=database,
        blobs=LocalBlobStore(settings.resolved_blob_dir()),
        queue=JobQueue(
            database, lease_s=settings.job_lease_s, max_attempts=settings.job_max_attempts
        ),
        secret=settings.resolved_signing_secret(),
    )
