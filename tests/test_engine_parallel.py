"""Batch recognition in worker processes: same answers as in-process, in order, errors in place."""

from __future__ import annotations

import dataclasses
import os
import signal
import zipfile
from pathlib import Path

import pytest

from test_jobs_support import process_children, process_gone
from voxtune.engine import (
    ModelBundle,
    RecognitionOptions,
    RecognitionResult,
    load_bundle,
    open_recognizer,
    recognize_files,
    recognize_items,
)
from voxtune.errors import AudioError, EngineError

AN4_CLIPS = ["an251-fash-b.wav", "an253-fash-b.wav", "an132-fkdo-b.wav", "an134-fkdo-b.wav"]


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return load_bundle("base")


@pytest.fixture(scope="module")
def items(an4_dev_zip: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(an4_dev_zip) as archive:
        clips = [(name, archive.read(name)) for name in AN4_CLIPS]
    # A bad item in the middle: its error must take its own slot only.
    return [*clips[:2], ("broken.wav", b"RIFF this is not audio"), *clips[2:]]


def result(outcome: object) -> RecognitionResult:
    assert isinstance(outcome, RecognitionResult), outcome
    return outcome


def lexical(outcome: object) -> str:
    return result(outcome).lexical


def test_two_workers_answer_like_one_in_input_order(
    bundle: ModelBundle, items: list[tuple[str, bytes]]
) -> None:
    progress: list[tuple[int, int]] = []
    serial = recognize_items(items, bundle, jobs=1)
    pooled = recognize_items(
        items, bundle, jobs=2, on_progress=lambda done, total: progress.append((done, total))
    )
    assert len(serial) == len(pooled) == len(items)
    for (name, _), one, two in zip(items, serial, pooled, strict=True):
        if name == "broken.wav":
            assert isinstance(one, AudioError) and isinstance(two, AudioError)
            assert "broken.wav" in str(two)
        else:
            assert lexical(one) == lexical(two)
            assert result(two).source == name
    assert [lexical(serial[i]) for i in (0, 1)] == ["yes", "go"]
    assert progress == [(n, len(items)) for n in range(1, len(items) + 1)]


def test_files_with_a_missing_one_reuse_a_loaded_recognizer(
    bundle: ModelBundle, an4_dev_zip: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(an4_dev_zip) as archive:
        archive.extract(AN4_CLIPS[0], tmp_path)
    paths = [tmp_path / "missing.wav", tmp_path / AN4_CLIPS[0]]
    recognizer = open_recognizer(bundle, RecognitionOptions(max_alternatives=1))
    outcomes = recognize_files(paths, bundle, jobs=1, recognizer=recognizer)
    assert isinstance(outcomes[0], AudioError)
    assert lexical(outcomes[1]) == "yes"
    assert len(result(outcomes[1]).phrases[0].alternatives) == 1


def test_an_empty_batch_is_an_empty_answer(bundle: ModelBundle) -> None:
    assert recognize_files([], bundle, jobs=4) == []


def _pool_workers() -> list[int]:
    """Worker processes of a pool: forkserver children, so grandchildren of this process."""
    tree = process_children()
    return sorted(pid for child in tree.get(os.getpid(), []) for pid in tree.get(child, []))


def test_a_worker_killed_mid_batch_costs_no_result(
    bundle: ModelBundle, items: list[tuple[str, bytes]]
) -> None:
    """A dead worker breaks the whole pool; what was in flight is retried, nothing is lost."""
    clips = [item for item in items if item[0] != "broken.wav"] * 2
    serial = recognize_items(clips, bundle, jobs=1)
    killed: list[int] = []

    def kill_a_worker(done: int, total: int) -> None:
        if done == 1:
            workers = _pool_workers()
            assert workers, "no pool worker found"
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])

    pooled = recognize_items(clips, bundle, jobs=2, on_progress=kill_a_worker)
    assert killed and process_gone(killed[0])
    assert [lexical(o) for o in pooled] == [lexical(o) for o in serial]


def test_workers_that_cannot_load_the_model_fail_every_input_quickly(
    bundle: ModelBundle, items: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    unloadable = dataclasses.replace(bundle, files={**bundle.files, "acoustic_model": tmp_path})
    clips = [item for item in items if item[0] != "broken.wav"] * 3
    outcomes = recognize_items(clips, unloadable, jobs=2)
    assert len(outcomes) == len(clips)
    assert all(isinstance(o, EngineError) for o in outcomes)
    assert "worker process died" in str(outcomes[0])
    assert "every worker process died" in str(outcomes[-1])
