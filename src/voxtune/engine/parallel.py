"""Recognize many inputs at once: a pool of worker processes, one decoder loaded in each.

A decoder is single-threaded C code holding ~128 MB, so parallelism is by processes
(forkserver: a fork of a clean server process, without the caller's threads or open decoders).
Each worker builds its recognizer once, in the pool initializer. With jobs=1 everything runs
in the calling process, without a pool.

Every input gets its own slot in the answer, in input order: a RecognitionResult, or the
error for that input (AudioError for audio that cannot be decoded, EngineError when
recognition failed or kept killing its worker process). One bad file never sinks the batch:
a worker that dies takes only the inputs it was given again (see _recognize_in_pool).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeAlias

from voxtune.engine.bundle import ModelBundle
from voxtune.engine.recognizer import RecognitionOptions, Recognizer
from voxtune.engine.registry import open_recognizer_for
from voxtune.engine.types import RecognitionResult
from voxtune.errors import EngineError, VoxtuneError

ItemOutcome: TypeAlias = RecognitionResult | VoxtuneError
ProgressCallback: TypeAlias = Callable[[int, int], None]  # (inputs done, inputs in total)
AudioSource: TypeAlias = str | Path | bytes

# Inputs that killed their worker even alone, before any worker answered: the workers
# cannot recognize at all (e.g. the model does not load there), so the rest fail at once.
STARTUP_FAILURES = 3

_worker: dict[str, Recognizer] = {}  # the worker process's recognizer


def recognize_files(
    paths: Sequence[str | Path],
    bundle: ModelBundle,
    *,
    jobs: int = 1,
    options: RecognitionOptions | None = None,
    on_progress: ProgressCallback | None = None,
    recognizer: Recognizer | None = None,
) -> list[ItemOutcome]:
    """Recognize audio files; `recognizer` (jobs=1 only) reuses an already loaded decoder."""
    sources: list[tuple[str, AudioSource]] = [(str(path), Path(path)) for path in paths]
    return _recognize_all(sources, bundle, jobs, options, on_progress, recognizer)


def recognize_items(
    items: Sequence[tuple[str, bytes]],
    bundle: ModelBundle,
    *,
    jobs: int = 1,
    options: RecognitionOptions | None = None,
    on_progress: ProgressCallback | None = None,
    recognizer: Recognizer | None = None,
) -> list[ItemOutcome]:
    """Recognize in-memory encoded audio files given as (id, bytes), e.g. members of a zip."""
    sources: list[tuple[str, AudioSource]] = [(name, data) for name, data in items]
    return _recognize_all(sources, bundle, jobs, options, on_progress, recognizer)


def _recognize_all(
    sources: list[tuple[str, AudioSource]],
    bundle: ModelBundle,
    jobs: int,
    options: RecognitionOptions | None,
    on_progress: ProgressCallback | None,
    recognizer: Recognizer | None,
) -> list[ItemOutcome]:
    total = len(sources)
    jobs = max(1, min(jobs, total))
    if total == 0:
        return []
    if jobs == 1:
        local = recognizer if recognizer is not None else open_recognizer_for(bundle, options)
        outcomes: list[ItemOutcome] = []
        for name, source in sources:
            outcomes.append(_guarded(local, name, source))
            if on_progress is not None:
                on_progress(len(outcomes), total)
        return outcomes
    return _recognize_in_pool(sources, bundle, jobs, options, on_progress)


def _recognize_in_pool(
    sources: list[tuple[str, AudioSource]],
    bundle: ModelBundle,
    jobs: int,
    options: RecognitionOptions | None,
    on_progress: ProgressCallback | None,
) -> list[ItemOutcome]:
    """A worker process that dies (a crash in the C decoder, the OOM killer) breaks the whole
    pool. The inputs that were in flight are then retried one at a time, each in a pool of its
    own, so only an input that kills its worker again fails; the rest go on in a new pool.
    Workers that die before anything succeeds (the model cannot load) fail the rest at once."""
    total = len(sources)
    slots: list[ItemOutcome | None] = [None] * total
    done = died_alone = 0

    def record(index: int, outcome: ItemOutcome) -> None:
        nonlocal done
        slots[index] = outcome
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    def run(queue: deque[int], width: int) -> list[int]:
        return _run_pool(sources, bundle, options, queue, width, record)

    queue = deque(range(total))
    while queue:
        for index in run(queue, jobs):
            if run(deque([index]), 1):
                died_alone += 1
                record(index, EngineError(
                    f"{sources[index][0]}: recognition failed: its worker process died"))
        if died_alone >= STARTUP_FAILURES and done == died_alone:  # no worker answered yet
            while queue:
                index = queue.popleft()
                record(index, EngineError(
                    f"{sources[index][0]}: recognition failed: every worker process died"))
    return [slot if slot is not None else EngineError("no result") for slot in slots]


def _run_pool(
    sources: list[tuple[str, AudioSource]],
    bundle: ModelBundle,
    options: RecognitionOptions | None,
    queue: deque[int],
    width: int,
    record: Callable[[int, ItemOutcome], None],
) -> list[int]:
    """Recognize the inputs of `queue` (taken from it) in a fresh pool, at most `width` in
    flight so that when a worker dies the suspects are few; returns those in flight then."""
    context = multiprocessing.get_context("forkserver")
    running: dict[Future[ItemOutcome], int] = {}
    with ProcessPoolExecutor(max_workers=width, mp_context=context, initializer=_start_worker,
                             initargs=(bundle, options)) as pool:
        try:
            while queue or running:
                while queue and len(running) < width:
                    future = pool.submit(_recognize_in_worker, *sources[queue[0]])
                    running[future] = queue.popleft()  # only once submitted
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        raise
                    except Exception as exc:  # e.g. a result that cannot be unpickled
                        outcome = EngineError(
                            f"{sources[running[future]][0]}: recognition failed: {exc!r}")
                    record(running.pop(future), outcome)
        except BrokenProcessPool:  # a worker died: the pool is unusable
            return sorted(running.values())
    return []


def _start_worker(bundle: ModelBundle, options: RecognitionOptions | None) -> None:
    _worker["recognizer"] = open_recognizer_for(bundle, options)


def _recognize_in_worker(name: str, source: AudioSource) -> ItemOutcome:
    return _guarded(_worker["recognizer"], name, source)


def _guarded(recognizer: Recognizer, name: str, source: AudioSource) -> ItemOutcome:
    """One input's outcome: its result or its error, never an exception out of the batch."""
    from voxtune.audio import load_audio  # decoding lives in audio/, loaded where it runs

    try:
        audio = load_audio(source, target_rate_hz=recognizer.sample_rate_hz, name=name)
        return recognizer.recognize(audio)
    except VoxtuneError as exc:
        return exc
    except Exception as exc:  # a bug or a C-level failure on this input only
        return EngineError(f"{name}: recognition failed: {exc!r}")
