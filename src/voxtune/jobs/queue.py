"""The job table's state machine, in portable SQL.

    NotStarted --claim--> Running --complete--> Succeeded
                             |  \\--fail (final)--> Failed
                             |   \\--fail (retry)--> NotStarted
                             \\--lease expires (worker died)--> claimable again

A claim is an UPDATE guarded by the same condition the candidate was selected with; the row
count tells the claimer whether it won (no SELECT ... FOR UPDATE, so SQLite and Postgres alike).
Heartbeats and completion are guarded by the worker id, so a worker that lost its lease cannot
overwrite the job another worker now owns.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from voxtune.store.db import Database
from voxtune.store.tables import jobs

NOT_STARTED = "NotStarted"
RUNNING = "Running"
SUCCEEDED = "Succeeded"
FAILED = "Failed"


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    entity_id: str
    payload: dict[str, Any]
    status: str
    progress: float
    attempts: int
    max_attempts: int
    lease_expires_at: float | None
    heartbeat_at: float | None
    worker_id: str | None
    error: str | None
    created_at: float = 0.0  # epoch seconds
    updated_at: float = 0.0

    @property
    def exhausted(self) -> bool:
        """Claimed more often than allowed: earlier attempts died without finishing."""
        return self.attempts > self.max_attempts


def _job(row: Any) -> Job:
    data = dict(row._mapping)
    data["payload"] = json.loads(data["payload"])
    return Job(**data)


class JobQueue:
    def __init__(self, database: Database, *, lease_s: float, max_attempts: int) -> None:
        self.database = database
        self.lease_s = lease_s
        self.max_attempts = max_attempts

    def enqueue(self, kind: str, entity_id: str, payload: dict[str, Any] | None = None) -> str:
        job_id = str(uuid.uuid4())
        now = time.time()
        with self.database.begin() as connection:
            connection.execute(
                insert(jobs).values(
                    id=job_id,
                    kind=kind,
                    entity_id=entity_id,
                    payload=json.dumps(payload or {}),
                    status=NOT_STARTED,
                    progress=0.0,
                    attempts=0,
                    max_attempts=self.max_attempts,
                    created_at=now,
                    updated_at=now,
                )
            )
        return job_id

    def get(self, job_id: str) -> Job | None:
        with self.database.begin() as connection:
            row = connection.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return _job(row) if row is not None else None

    def for_entity(self, entity_id: str) -> list[Job]:
        with self.database.begin() as connection:
            rows = connection.execute(
                select(jobs).where(jobs.c.entity_id == entity_id).order_by(jobs.c.created_at)
            )
            return [_job(row) for row in rows]

    def _claimable(self, now: float) -> Any:
        return or_(
            jobs.c.status == NOT_STARTED,
            and_(jobs.c.status == RUNNING, jobs.c.lease_expires_at < now),
        )

    def claim(self, worker_id: str, kinds: list[str] | None = None) -> Job | None:
        """Take the oldest claimable job, or None. Safe against concurrent claimers."""
        for _ in range(5):  # lost races: try the next candidate
            now = time.time()
            query = select(jobs.c.id).where(self._claimable(now))
            if kinds is not None:
                query = query.where(jobs.c.kind.in_(kinds))
            query = query.order_by(jobs.c.created_at).limit(1)
            with self.database.begin() as connection:
                candidate = connection.execute(query).scalar()
                if candidate is None:
                    return None
                won = connection.execute(
                    update(jobs)
                    .where(jobs.c.id == candidate, self._claimable(now))
                    .values(
                        status=RUNNING,
                        worker_id=worker_id,
                        attempts=jobs.c.attempts + 1,
                        lease_expires_at=now + self.lease_s,
                        heartbeat_at=now,
                        updated_at=now,
                    )
                ).rowcount
            if won == 1:
                return self.get(candidate)
        return None

    def heartbeat(self, job_id: str, worker_id: str, progress: float | None = None) -> bool:
        """Extend the lease; False when this worker no longer owns the job."""
        now = time.time()
        values: dict[str, Any] = {
            "heartbeat_at": now,
            "lease_expires_at": now + self.lease_s,
            "updated_at": now,
        }
        if progress is not None:
            values["progress"] = progress
        return self._owned_update(job_id, worker_id, values)

    def complete(self, job_id: str, worker_id: str) -> bool:
        values = {
            "status": SUCCEEDED,
            "progress": 1.0,
            "lease_expires_at": None,
            "updated_at": time.time(),
            "error": None,
        }
        return self._owned_update(job_id, worker_id, values)

    def fail(self, job_id: str, worker_id: str, error: str, *, retry: bool) -> bool:
        values = {
            "status": NOT_STARTED if retry else FAILED,
            "error": error,
            "lease_expires_at": None,
            "updated_at": time.time(),
        }
        return self._owned_update(job_id, worker_id, values)

    def _owned_update(self, job_id: str, worker_id: str, values: dict[str, Any]) -> bool:
        with self.database.begin() as connection:
            result = connection.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.worker_id == worker_id, jobs.c.status == RUNNING)
                .values(**values)
            )
        return result.rowcount == 1
