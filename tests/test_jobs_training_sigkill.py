"""A `voxtune worker` SIGKILLed in the middle of real training: every process of the training
job dies with it, the job is claimed again only once its lease has expired, and the retry on a
new worker publishes a complete, verified bundle with nothing half-written left beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from test_api_support import Api, an4_subset, base_model_url, live_server
from test_jobs_support import process_children, process_gone
from voxtune.engine import load_bundle
from voxtune.jobs.queue import Job
from voxtune.service.context import open_services
from voxtune.service.models import BLOB_PREFIX, TRAIN_JOB, bundle_key
from voxtune.settings import Settings

LEASE_S = 3.0  # short, so the retry comes soon; heartbeats renew it every second
TRAIN_SPEAKERS = ("fbbh", "fclc")  # 26 utterances: acoustic adaptation runs in aligner processes
VOXTUNE = Path(sys.executable).with_name("voxtune")


def _descendants(pid: int) -> set[int]:
    tree, found, todo = process_children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@contextmanager
def _worker(home: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`voxtune worker` on the store under `home`, with the test's short lease."""
    environment = {
        **os.environ,
        "VOXTUNE_HOME": str(home),
        "VOXTUNE_JOB_LEASE_S": str(LEASE_S),
        "VOXTUNE_JOB_POLL_S": "0.2",
    }
    process = subprocess.Popen([str(VOXTUNE), "worker"], env=environment)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()  # a graceful stop: the job in hand is handed back
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until(condition: Any, what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _training_job(home: Path, model_id: str) -> Job:
    services = open_services(Settings(home=home), migrate=False)
    try:
        (job,) = [j for j in services.queue.for_entity(model_id) if j.kind == TRAIN_JOB]
        return job
    finally:
        services.close()


def _dataset(api: Api, path: Path) -> dict[str, Any]:
    body = {"displayName": path.name, "locale": "en-US", "kind": "Acoustic"}
    created = api.call("POST", "/datasets", "Dataset", 201, json=body)
    api.upload_blocks(created["self"].split("/")[-1].split("?")[0], path.read_bytes())
    done = api.wait(created["self"], "Dataset")
    assert done["status"] == "Succeeded", done
    return done


def _model(api: Api, dataset: dict[str, Any]) -> str:
    body = {"displayName": "killed", "locale": "en-US", "datasets": [{"self": dataset["self"]}],
            "baseModel": {"self": base_model_url(api)}}  # sphinx: killed in its MAP step
    model = api.call("POST", "/models", "CustomModel", 201, json=body)
    return str(model["self"]).split("/")[-1].split("?")[0]


@pytest.mark.slow
def test_a_worker_killed_during_training_leaves_the_job_to_a_new_worker(
    tmp_path: Path, an4_train_zip: Path
) -> None:
    home = tmp_path / "home"
    subset = tmp_path / "an4-subset.zip"
    an4_subset(an4_train_zip, subset, lambda _, name: name.split("-")[1] in TRAIN_SPEAKERS)
    with live_server(home, workers=0, job_lease_s=LEASE_S) as (base_url, key):
        api = Api(base_url, key)
        with _worker(home) as first:
            model_id = _model(api, _dataset(api, subset))
            model_dir = Settings(home=home).resolved_blob_dir() / BLOB_PREFIX / model_id
            # Kill during acoustic adaptation: the language model and dictionary are already in
            # training's work directory, and aligner processes run below the job's process.
            _wait_until(
                lambda: any(model_dir.glob("training/.bundle.*/dictionary.dict")),
                "training to reach acoustic adaptation",
                180,
            )
            _wait_until(
                lambda: any(len(_descendants(c)) > 0 for c in _descendants(first.pid)),
                "the training job's own worker processes",
                60,
            )
            processes = _descendants(first.pid)
            before = _training_job(home, model_id)
            first.send_signal(signal.SIGKILL)
            first.wait()
        _wait_until(lambda: all(map(process_gone, processes)), "the job's processes to die", 15)
        assert before.status == "Running" and before.attempts == 1
        assert api.call("GET", f"/models/{model_id}", "CustomModel", 200)["status"] == "Running"
        assert any(model_dir.glob("training/.bundle.*"))  # the half-written bundle

        with _worker(home):
            claim_allowed_at = before.lease_expires_at or 0.0
            while time.time() < claim_allowed_at - 0.3:  # the lease still holds: no claim
                assert _training_job(home, model_id).worker_id == before.worker_id
                time.sleep(0.1)
            done = api.wait(f"/models/{model_id}", "CustomModel", 300)
        api.close()
    assert done["status"] == "Succeeded", done
    job = _training_job(home, model_id)
    assert job.status == "Succeeded" and job.attempts == 2 and job.worker_id != before.worker_id
    bundle = load_bundle(Settings(home=home).resolved_blob_dir() / bundle_key(model_id))
    assert bundle.root is not None  # adapted acoustic model: the whole training ran again
    assert bundle.acoustic_model_dir.is_relative_to(bundle.root)
    assert sorted(p.name for p in model_dir.iterdir()) == ["bundle", "files"]
    assert not [p for p in model_dir.rglob("*") if p.name.startswith((".bundle", ".tmp"))]
