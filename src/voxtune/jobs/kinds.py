"""What a job kind is: the function that runs a job, given its context, and what records its
failure; shared by the workers (worker.py) and the job processes they spawn (isolation.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from voxtune.errors import VoxtuneError
from voxtune.jobs.queue import Job

FailureHook = Callable[[Job, VoxtuneError], None]


@dataclass
class JobContext:
    job: Job
    _progress: float | None = field(default=None, repr=False)
    lost: threading.Event = field(default_factory=threading.Event)
    on_progress: Callable[[float], None] | None = None  # in a child: relays to the parent

    def progress(self, fraction: float) -> None:
        """Report progress 0..1; the next heartbeat stores it."""
        self._progress = max(0.0, min(1.0, fraction))
        if self.on_progress is not None:
            self.on_progress(self._progress)


@dataclass(frozen=True)
class JobKind:
    run: Callable[[JobContext], None]
    on_failed: FailureHook  # marks the job's entity Failed with the error
    isolated: bool = False  # CPU-bound: run in a child process when the worker can


KindsFactory = Callable[[], Mapping[str, JobKind]]  # picklable: module function or partial
