"""Workers: claim a job, run its kind's function while a heartbeat thread renews the lease,
then record the outcome.

A kind marked `isolated` runs in a child process of its own (see isolation.py) when the worker
was given a factory of job kinds for children; other kinds (web hook deliveries: I/O only) run
in the worker's thread. Either way, killing the worker process (even with SIGKILL) ends the work
and its heartbeats together: the lease runs out and another worker claims the job again.
Job functions therefore write their outputs idempotently (same keys, atomic blob writes).
Errors: a VoxtuneError is the input's fault and fails the job at once; anything else is retried
until the job's attempts are used up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Mapping

from voxtune.errors import VoxtuneError
from voxtune.jobs.isolation import JobAbandoned, run_isolated
from voxtune.jobs.kinds import JobContext, JobKind, KindsFactory
from voxtune.jobs.queue import Job, JobQueue

log = logging.getLogger(__name__)

def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(
        self,
        queue: JobQueue,
        kinds: Mapping[str, JobKind],
        *,
        poll_s: float = 0.5,
        worker_id: str | None = None,
        child_kinds: KindsFactory | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.queue = queue
        self.kinds = dict(kinds)
        self.poll_s = poll_s
        self.worker_id = worker_id or new_worker_id()
        self.child_kinds = child_kinds  # None: every kind runs in this thread
        self.stop = stop or threading.Event()

    def run_once(self) -> bool:
        """Claim and run one job; False when there was nothing to do."""
        job = self.queue.claim(self.worker_id, list(self.kinds))
        if job is None:
            return False
        kind = self.kinds[job.kind]
        if job.exhausted:
            self._give_up(
                job,
                kind,
                VoxtuneError(
                    f"the job was interrupted {job.max_attempts} times (worker lost); giving up"
                ),
            )
            return True
        context = JobContext(job)
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(context, stop), daemon=True)
        beat.start()
        try:
            self._execute(kind, context)
        except JobAbandoned as reason:
            log.warning("job %s (%s) abandoned: %s", job.id, job.kind, reason)
            if not context.lost.is_set():  # stopping: let another worker take it at once
                self.queue.fail(job.id, self.worker_id, str(reason), retry=True)
        except VoxtuneError as error:
            self._give_up(job, kind, error)
        except Exception as error:
            log.error("job %s (%s) failed:\n%s", job.id, job.kind, traceback.format_exc())
            if job.attempts < job.max_attempts:
                self.queue.fail(job.id, self.worker_id, repr(error), retry=True)
            else:
                self._give_up(job, kind, VoxtuneError(f"{type(error).__name__}: {error}"))
        else:
            self.queue.complete(job.id, self.worker_id)
        finally:
            stop.set()
            beat.join()
        return True

    def _execute(self, kind: JobKind, context: JobContext) -> None:
        if kind.isolated and self.child_kinds is not None:
            run_isolated(self.child_kinds, context.job, context, self.stop)
        else:
            kind.run(context)

    def _give_up(self, job: Job, kind: JobKind, error: VoxtuneError) -> None:
        if self.queue.fail(job.id, self.worker_id, error.message, retry=False):
            try:
                kind.on_failed(job, error)
            except Exception:
                log.exception("recording the failure of job %s failed", job.id)

    def _heartbeat(self, context: JobContext, stop: threading.Event) -> None:
        interval_s = self.queue.lease_s / 3
        while not stop.wait(interval_s):
            if not self.queue.heartbeat(context.job.id, self.worker_id, context._progress):
                context.lost.set()
                return

    def run_forever(self, stop: threading.Event) -> None:
        self.stop = stop
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker %s: claiming a job failed", self.worker_id)
                busy = False
            if not busy:
                stop.wait(self.poll_s)


class WorkerPool:
    """`count` worker threads in this process (embedded in `serve`, or `voxtune worker`)."""

    def __init__(
        self,
        queue: JobQueue,
        kinds: Mapping[str, JobKind],
        count: int,
        *,
        poll_s: float = 0.5,
        child_kinds: KindsFactory | None = None,
    ) -> None:
        self.stop_event = threading.Event()
        self.workers = [
            Worker(queue, kinds, poll_s=poll_s, child_kinds=child_kinds, stop=self.stop_event)
            for _ in range(count)
        ]
        self.threads = [
            threading.Thread(
                target=w.run_forever,
                args=(self.stop_event,),
                daemon=True,
                name=f"voxtune-worker-{i}",
            )
            for i, w in enumerate(self.workers)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout_s)
