"""The durable job queue: atomic claims, leases, retries, and a SIGKILL'd worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from voxtune.errors import DatasetError
from voxtune.jobs import JobContext, JobKind, JobQueue, Worker
from voxtune.store.db import open_database


def _queue(tmp_path: Path, lease_s: float = 30.0, max_attempts: int = 3) -> JobQueue:
    database = open_database(f"sqlite:///{tmp_path / 'jobs.db'}")
    return JobQueue(database, lease_s=lease_s, max_attempts=max_attempts)


def test_a_job_is_claimed_once(tmp_path: Path) -> None:
    queue = _queue(tmp_path)
    job_id = queue.enqueue("k", "e")
    first = queue.claim("w1")
    assert first is not None and first.id == job_id and first.attempts == 1
    assert queue.claim("w2") is None
    assert queue.complete(job_id, "w1")
    assert queue.get(job_id).status == "Succeeded"  # type: ignore[union-attr]


def test_an_expired_lease_is_claimed_again_and_the_old_owner_is_locked_out(
    tmp_path: Path,
) -> None:
    queue = _queue(tmp_path, lease_s=0.2)
    job_id = queue.enqueue("k", "e")
    assert queue.claim("w1") is not None
    time.sleep(0.3)
    again = queue.claim("w2")
    assert again is not None and again.id == job_id and again.attempts == 2
    assert not queue.heartbeat(job_id, "w1")
    assert not queue.complete(job_id, "w1")
    assert queue.complete(job_id, "w2")


def test_errors_retry_until_attempts_run_out_and_input_errors_fail_at_once(
    tmp_path: Path,
) -> None:
    queue = _queue(tmp_path, max_attempts=2)
    failures: list[str] = []

    def flaky(context: JobContext) -> None:
        raise RuntimeError("transient")

    def bad_input(context: JobContext) -> None:
        raise DatasetError("not a zip")

    kinds = {
        "flaky": JobKind(flaky, lambda job, error: failures.append(f"flaky:{error}")),
        "bad": JobKind(bad_input, lambda job, error: failures.append(f"bad:{error}")),
    }
    worker = Worker(queue, kinds)
    flaky_id = queue.enqueue("flaky", "e1")
    bad_id = queue.enqueue("bad", "e2")
    while worker.run_once():
        pass
    assert queue.get(flaky_id).status == "Failed"  # type: ignore[union-attr]
    assert queue.get(flaky_id).attempts == 2  # type: ignore[union-attr]
    assert queue.get(bad_id).attempts == 1  # type: ignore[union-attr]
    assert sorted(failures) == ["bad:not a zip", "flaky:RuntimeError: transient"]


WORKER_SCRIPT = textwrap.dedent("""
    import sys, threading, time
    from pathlib import Path
    from voxtune.jobs import JobKind, JobQueue, Worker
    from voxtune.store.db import open_database

    home = Path(sys.argv[1])
    queue = JobQueue(open_database(f"sqlite:///{home / 'jobs.db'}"), lease_s=1.0, max_attempts=3)

    def long_job(context):
        attempt = context.job.attempts
        (home / f"started-{attempt}").touch()
        time.sleep(30 if attempt == 1 else 0.2)
        (home / "done").write_text(str(attempt))

    worker = Worker(queue, {"long": JobKind(long_job, lambda job, error: None)}, poll_s=0.1)
    stop = threading.Event()
    threading.Thread(target=lambda: (time.sleep(60), stop.set()), daemon=True).start()
    while not (home / "done").exists() and not stop.is_set():
        worker.run_once() or time.sleep(0.1)
""")


def _wait_for(path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_a_sigkilled_worker_s_job_is_retried_by_another_worker(tmp_path: Path) -> None:
    queue = _queue(tmp_path, lease_s=1.0)
    job_id = queue.enqueue("long", "entity")
    script = tmp_path / "worker.py"
    script.write_text(WORKER_SCRIPT)
    first = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    try:
        _wait_for(tmp_path / "started-1", 30)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait()
    assert queue.get(job_id).status == "Running"  # type: ignore[union-attr]
    second = subprocess.run([sys.executable, str(script), str(tmp_path)], timeout=60, check=True)
    assert second.returncode == 0
    job = queue.get(job_id)
    assert job is not None and job.status == "Succeeded" and job.attempts == 2
    assert (tmp_path / "done").read_text() == "2"
