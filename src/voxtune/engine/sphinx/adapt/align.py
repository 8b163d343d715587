"""Statistics collection: force-align each utterance with the decoder, then accumulate.

Alignment follows pocketsphinx 5.1.1's API: `set_align_text(transcript)` and a pass over the
audio (word alignment), then `set_alignment()` and a second pass, after which
`get_alignment().states()` lists (senone, start frame, frames). The decoder is created with
`bestpath=False`; with the default bestpath about 30% of utterances fail to align. Its cepstra
come from `mfclogdir` (see features.py), its error messages from `logfn`: they are the reasons
reported for utterances that fail ("Final result does not match the grammar in frame 329").

Decoders run in worker processes (one each, started with "spawn"): pocketsphinx's log file is
process-global, a crash in it cannot take the caller down, and 2 processes use 2 cores.
"""

from __future__ import annotations

import math
import multiprocessing
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxtune.engine.sphinx.adapt.features import decoder_features, read_cepstra_log
from voxtune.engine.sphinx.adapt.model import AcousticModel, load_acoustic_model
from voxtune.engine.sphinx.adapt.stats import Accumulator, Statistics
from voxtune.errors import TrainingError

ProgressCallback = Callable[[int, int], None]  # (utterances done, total), like ProgressBar
CHUNKS_PER_WORKER = 6  # enough chunks for steady progress and balanced workers


@dataclass(frozen=True)
class Utterance:
    utterance_id: str
    pcm: bytes  # 16-bit little-endian mono at the model's sample rate
    transcript: str  # lexical words, each in the dictionary


@dataclass(frozen=True)
class AlignmentOutcome:
    utterance_id: str
    frames: int  # frames aligned (0 when it failed)
    error: str | None = None  # why it could not be aligned
    # The dictionary entries the alignment chose, variants named like "a(2)": which
    # pronunciation of each word was spoken (training prunes variants never heard).
    pronunciations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Aligned:
    features: npt.NDArray[np.float32]
    senones: npt.NDArray[np.int64]  # senone of each feature frame
    pronunciations: tuple[str, ...]


@dataclass(frozen=True)
class AlignerSettings:
    model_dir: Path  # the model to align with (and whose Gaussians give the posteriors)
    dictionary_path: Path
    work_dir: Path  # scratch space for the decoders' cepstra and logs
    beam: float = 1e-48  # decoder -beam for the alignment search
    posterior_topn: int | None = None  # see Accumulator


class Aligner:
    """One decoder in alignment mode plus the accumulator for its model."""

    def __init__(self, settings: AlignerSettings) -> None:
        import pocketsphinx

        self._dir = Path(tempfile.mkdtemp(prefix="align-", dir=settings.work_dir))
        self._log = self._dir / "pocketsphinx.log"
        self._log.touch()
        self._decoder = pocketsphinx.Decoder(
            hmm=str(settings.model_dir), dict=str(settings.dictionary_path), lm=None,
            bestpath=False, beam=settings.beam, mfclogdir=str(self._dir),
            logfn=str(self._log), loglevel="ERROR",
        )
        self.model = load_acoustic_model(settings.model_dir)
        self.accumulator = Accumulator(self.model, settings.posterior_topn)

    def align(self, utterance: Utterance) -> Aligned | str:
        """Features, senones and pronunciations, or why the utterance cannot be aligned."""
        words = utterance.transcript.split()
        missing = [w for w in words if self._decoder.lookup_word(w) is None]
        if not words or missing:
            return f"not in the dictionary: {' '.join(missing)}" if missing else "no words"
        mark = self._log.stat().st_size
        try:
            self._decoder.set_align_text(" ".join(words))
            self._run(utterance.pcm)
            if self._decoder.hyp() is None:
                return self._error(mark, "the audio does not match the transcript")
            chosen = tuple(seg.word for seg in self._decoder.seg()
                           if not seg.word.startswith(("<", "[", "+")))
            self._decoder.set_alignment()
            self._run(utterance.pcm)
            alignment = self._decoder.get_alignment()
        except RuntimeError as exc:
            return self._error(mark, str(exc))
        states = [(int(s.name), s.start, s.duration) for s in alignment.states()]
        cepstra = self._latest_cepstra()  # the second pass's: what the alignment scored
        try:
            features = decoder_features(cepstra, self.model.features)
        except ValueError as exc:
            return str(exc)
        senones = np.full(len(features), -1, dtype=np.int64)
        for senone, start, duration in states:
            senones[start : start + duration] = senone
        keep = senones >= 0
        return Aligned(features[keep], senones[keep], chosen)

    def _run(self, pcm: bytes) -> None:
        self._decoder.start_utt()
        self._decoder.process_raw(pcm, full_utt=True)
        self._decoder.end_utt()

    def _latest_cepstra(self) -> npt.NDArray[np.float32]:
        logs = sorted(self._dir.glob("*.mfc"))
        cepstra = read_cepstra_log(logs[-1], self.model.features.cepstra)
        for path in logs:
            path.unlink()
        return cepstra

    def _error(self, mark: int, fallback: str) -> str:
        with self._log.open("rb") as handle:
            handle.seek(mark)
            lines = handle.read().decode("utf-8", "replace").splitlines()
        errors = [line.split(": ", 2)[-1].strip() for line in lines if "ERROR" in line]
        return errors[-1] if errors else fallback


_aligner: Aligner | None = None  # the worker process's own decoder


def _start_worker(settings: AlignerSettings) -> None:
    global _aligner
    _aligner = Aligner(settings)


def _align_chunk(chunk: Sequence[Utterance]) -> tuple[Statistics, list[AlignmentOutcome]]:
    if _aligner is None:
        raise RuntimeError("worker was not initialized")
    return align_and_accumulate(_aligner, chunk)


def align_and_accumulate(aligner: Aligner, chunk: Sequence[Utterance]
                         ) -> tuple[Statistics, list[AlignmentOutcome]]:
    """Align a chunk and accumulate its statistics in one batch (fewer, larger array ops)."""
    features: list[npt.NDArray[np.float32]] = []
    senones: list[npt.NDArray[np.int64]] = []
    outcomes = []
    for utterance in chunk:
        result = aligner.align(utterance)
        if isinstance(result, str):
            outcomes.append(AlignmentOutcome(utterance.utterance_id, 0, result))
            continue
        features.append(result.features)
        senones.append(result.senones)
        outcomes.append(AlignmentOutcome(utterance.utterance_id, len(result.senones),
                                         pronunciations=result.pronunciations))
    if not features:
        return Statistics.zeros(aligner.model), outcomes
    stats = aligner.accumulator.accumulate(np.concatenate(features), np.concatenate(senones))
    return stats, outcomes


def collect_statistics(
    settings: AlignerSettings,
    model: AcousticModel,
    utterances: Sequence[Utterance],
    workers: int,
    on_progress: ProgressCallback | None = None,
) -> tuple[Statistics, list[AlignmentOutcome]]:
    """One alignment pass of `settings.model_dir` over all utterances, `workers` processes."""
    size = max(1, math.ceil(len(utterances) / (max(1, workers) * CHUNKS_PER_WORKER)))
    chunks = [utterances[i : i + size] for i in range(0, len(utterances), size)]
    total = Statistics.zeros(model)
    results: list[list[AlignmentOutcome]] = [[] for _ in chunks]
    done = 0
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max(1, min(workers, len(chunks))), mp_context=context,
                                 initializer=_start_worker, initargs=(settings,)) as pool:
            futures = {pool.submit(_align_chunk, c): i for i, c in enumerate(chunks)}
            for future in as_completed(futures):
                stats, results[futures[future]] = future.result()
                total = total + stats
                done += len(results[futures[future]])
                if on_progress is not None:
                    on_progress(done, len(utterances))
    except BrokenProcessPool as exc:
        raise TrainingError(f"the alignment decoder crashed: {exc}") from exc
    return total, [outcome for chunk in results for outcome in chunk]
