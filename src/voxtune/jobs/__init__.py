"""Durable jobs: the job table is the source of truth; workers claim jobs under a lease."""

from voxtune.jobs.kinds import JobContext, JobKind
from voxtune.jobs.queue import Job, JobQueue
from voxtune.jobs.worker import Worker, WorkerPool

__all__ = ["Job", "JobContext", "JobKind", "JobQueue", "Worker", "WorkerPool"]
