"""Running one job in a child process, so CPU-bound work (decoding holds the GIL) cannot slow
the API or the heartbeats that keep the job's lease.

The parent spawns the child with only the job and a picklable factory of the job kinds (the
child opens its own database and blob store from the settings), relays the child's progress,
and kills the child when the lease is lost or the worker stops. The child watches the pipe to
its parent and exits when the parent dies (even by SIGKILL), so a job never runs twice at once
on one machine because of an orphan. The child leads a process group of its own, so the
processes a job starts in turn (training's aligners, parallel decoders) are killed with it.

    parent                                   child (spawned)
    run_isolated(factory, job, context) ---> _child_main(factory, job, pipe)
      <- ("progress", 0.4)                     context.progress(0.4)
      <- ("done", None) | ("error", pickled)   kinds[job.kind].run(context)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from voxtune.jobs.kinds import JobContext, KindsFactory
from voxtune.jobs.queue import Job

POLL_S = 0.2  # how often the parent looks at the lease, the stop flag and the child
KILL_WAIT_S = 5.0  # after SIGKILL, how long to wait for the child to be reaped


class JobAbandoned(Exception):
    """The child was killed because the lease was lost or the worker is stopping."""


def run_isolated(
    factory: KindsFactory, job: Job, context: JobContext, stop: threading.Event
) -> None:
    """Run `job` in a spawned child; raise what the job raised there."""
    spawn = multiprocessing.get_context("spawn")
    parent_end, child_end = spawn.Pipe()
    process = spawn.Process(
        target=_child_main, args=(factory, job, child_end), name=f"voxtune-job-{job.id[:8]}"
    )
    process.start()
    child_end.close()  # only the child holds its end now: its exit shows as EOF here
    outcome: tuple[str, Any] | None = None
    try:
        outcome = _relay(parent_end, process, context, stop)
    finally:
        if outcome is None:  # abandoned or died: its own children may still be running
            _kill_job_processes(process)
        process.join(None if outcome is not None else KILL_WAIT_S)
        parent_end.close()
    if outcome is None:
        raise RuntimeError(f"the job's process died (exit code {process.exitcode})")
    if outcome[0] == "error":
        error = pickle.loads(outcome[1])
        raise error


def _relay(
    pipe: Connection, process: Any, context: JobContext, stop: threading.Event
) -> tuple[str, Any] | None:
    """Pass progress on until the child reports its outcome (None: it died without one)."""
    while True:
        if context.lost.is_set() or stop.is_set():
            raise JobAbandoned("lease lost" if context.lost.is_set() else "worker stopping")
        if not pipe.poll(POLL_S):
            if not process.is_alive() and not pipe.poll(0):
                return None
            continue
        try:
            kind, value = pipe.recv()
        except EOFError:
            return None
        if kind == "progress":
            context.progress(float(value))
        else:
            return kind, value


def _kill_job_processes(process: Any) -> None:
    """SIGKILL the job's child and every process in its group (the child's pid is the group's
    id once it has called setsid; before that, only the child itself exists to kill)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.is_alive():
        process.kill()


def _exit_with_parent(pipe: Connection) -> None:
    """Block on the pipe; the parent never writes, so this returns only when it is gone."""
    with contextlib.suppress(EOFError, OSError):
        pipe.recv()
    # The parent died: the lease will expire and the job be retried elsewhere, so nothing this
    # job started may keep running (or keep writing its outputs). The group is ours alone.
    if os.getpgrp() == os.getpid():  # only a group we lead: never the worker's own group
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(70)  # EX_SOFTWARE; reached only if the group could not be signalled


def _picklable(error: BaseException) -> bytes:
    try:
        data = pickle.dumps(error)
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))


def _child_main(factory: KindsFactory, job: Job, pipe: Connection) -> None:
    os.setsid()  # a process group of our own: what this job starts can be killed together
    threading.Thread(target=_exit_with_parent, args=(pipe,), daemon=True).start()
    lock = threading.Lock()

    def send(message: tuple[str, Any]) -> None:
        with lock:
            pipe.send(message)

    context = JobContext(job, on_progress=lambda fraction: send(("progress", fraction)))
    try:
        factory()[job.kind].run(context)
    except BaseException as error:
        send(("error", _picklable(error)))
    else:
        send(("done", None))
