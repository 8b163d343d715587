"""Isolated jobs run in a child process: progress is relayed, errors keep their codes, the
child dies when the lease is lost and when its worker is SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from test_jobs_support import process_gone
from voxtune.errors import DatasetError, VoxtuneError
from voxtune.jobs import JobContext, JobKind, JobQueue, Worker
from voxtune.jobs.queue import Job
from voxtune.store.db import open_database
from voxtune.store.tables import jobs

TESTS_DIR = Path(__file__).resolve().parent


def _write_pid(context: JobContext) -> None:
    home = Path(context.job.payload["home"])
    (home / "child.pid").write_text(str(os.getpid()))
    context.progress(0.5)
    time.sleep(float(context.job.payload.get("sleep_s", 0.8)))


def _bad_input(context: JobContext) -> None:
    raise DatasetError("not a zip")


def _ignore(job: Job, error: VoxtuneError) -> None:
    pass


def child_kinds() -> dict[str, JobKind]:
    """The factory a spawned child imports (module level, so it pickles by name)."""
    return {
        "pid": JobKind(_write_pid, _ignore, isolated=True),
        "bad": JobKind(_bad_input, _ignore, isolated=True),
    }


def _queue(tmp_path: Path, lease_s: float = 0.6) -> JobQueue:
    return JobQueue(
        open_database(f"sqlite:///{tmp_path / 'jobs.db'}"), lease_s=lease_s, max_attempts=3
    )


def _wait_for(path: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_an_isolated_job_runs_in_a_child_and_its_progress_reaches_the_job_table(
    tmp_path: Path,
) -> None:
    queue = _queue(tmp_path)
    job_id = queue.enqueue("pid", "e", {"home": str(tmp_path), "sleep_s": 1.0})
    worker = Worker(queue, child_kinds(), child_kinds=child_kinds)
    runner = threading.Thread(target=worker.run_once)
    runner.start()
    seen: set[float] = set()
    while runner.is_alive():
        seen.add(queue.get(job_id).progress)  # type: ignore[union-attr]
        time.sleep(0.05)
    runner.join()
    assert int((tmp_path / "child.pid").read_text()) != os.getpid()
    assert 0.5 in seen
    assert queue.get(job_id).status == "Succeeded"  # type: ignore[union-attr]


def test_an_input_error_in_the_child_fails_the_job_at_once_with_its_code(tmp_path: Path) -> None:
    queue = _queue(tmp_path)
    failures: list[VoxtuneError] = []
    kinds = {**child_kinds(), "bad": JobKind(_bad_input, lambda j, e: failures.append(e), True)}
    job_id = queue.enqueue("bad", "e")
    assert Worker(queue, kinds, child_kinds=child_kinds).run_once()
    job = queue.get(job_id)
    assert job is not None and job.status == "Failed" and job.attempts == 1
    assert isinstance(failures[0], DatasetError) and failures[0].inner_code == "InvalidDataset"


def test_the_child_is_killed_when_the_lease_is_lost(tmp_path: Path) -> None:
    queue = _queue(tmp_path)
    job_id = queue.enqueue("pid", "e", {"home": str(tmp_path), "sleep_s": 60})
    worker = Worker(queue, child_kinds(), child_kinds=child_kinds)
    runner = threading.Thread(target=worker.run_once)
    started = time.monotonic()
    runner.start()
    _wait_for(tmp_path / "child.pid")
    with queue.database.begin() as connection:  # another worker took the job over
        connection.execute(jobs.update().where(jobs.c.id == job_id).values(worker_id="other"))
    runner.join(10)
    assert not runner.is_alive() and time.monotonic() - started < 20
    assert process_gone(int((tmp_path / "child.pid").read_text()))


PARENT_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from test_jobs_isolation import child_kinds
    from voxtune.jobs import JobQueue, Worker
    from voxtune.store.db import open_database

    if __name__ == "__main__":
        home = Path(sys.argv[1])
        queue = JobQueue(open_database(f"sqlite:///{home / 'jobs.db'}"), lease_s=5, max_attempts=3)
        Worker(queue, child_kinds(), child_kinds=child_kinds).run_once()
""")


def test_the_child_exits_when_its_worker_is_sigkilled(tmp_path: Path) -> None:
    queue = _queue(tmp_path, lease_s=5)
    queue.enqueue("pid", "e", {"home": str(tmp_path), "sleep_s": 60})
    script = tmp_path / "parent.py"
    script.write_text(PARENT_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path), str(TESTS_DIR)])
    try:
        _wait_for(tmp_path / "child.pid")
        os.kill(parent.pid, signal.SIGKILL)
    finally:
        parent.wait()
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 10
    while not process_gone(child):
        assert time.monotonic() < deadline, "the orphaned job process kept running"
        time.sleep(0.1)
