"""adapt_acoustic_model: base model + transcribed audio -> adapted model directory + report.

1. Align every utterance with the base model and collect statistics (align.py).
2. Optionally (little audio, or asked for) estimate global MLLR, apply it, and re-collect the
   statistics with the transformed model: estimating MLLR and MAP against the same base
   statistics is worse than MAP alone.
3. MAP of mixture weights and means (and optionally variances) from one set of statistics.
4. Optionally re-align with the adapted model and redo step 3 from the same prior.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voxtune.audio import Audio, resample
from voxtune.engine.sphinx.adapt.align import (
    AlignerSettings,
    AlignmentOutcome,
    ProgressCallback,
    Utterance,
    collect_statistics,
)
from voxtune.engine.sphinx.adapt.map import map_means, map_mixture_weights, map_variances
from voxtune.engine.sphinx.adapt.mllr import estimate_mllr
from voxtune.engine.sphinx.adapt.model import (
    DECODER_VARIANCE_FLOOR,
    AcousticModel,
    load_acoustic_model,
    save_acoustic_model,
)
from voxtune.engine.sphinx.adapt.options import (
    FRAMES_PER_SECOND,
    AdaptationReport,
    AdaptOptions,
    PassReport,
    UtteranceFailure,
    validate_options,
)
from voxtune.engine.sphinx.adapt.stats import Statistics
from voxtune.errors import InvalidInputError, TrainingError

UtteranceInput = tuple[str, Audio | bytes, str]  # (id, audio or 16-bit PCM, lexical transcript)


@dataclass(frozen=True)
class _Updates:
    model: AcousticModel
    senones: int = 0
    means: int = 0
    variances: int = 0


class _Passes:
    """Runs alignment passes and keeps their reports."""

    def __init__(self, utterances: list[Utterance], dictionary: Path, work: Path,
                 options: AdaptOptions, planned: int, on_progress: ProgressCallback | None
                 ) -> None:
        self._utterances, self._dictionary, self._work = utterances, dictionary, work
        self._options, self._planned, self._on_progress = options, planned, on_progress
        self.reports: list[PassReport] = []
        self.outcomes: list[AlignmentOutcome] = []

    def run(self, name: str, model: AcousticModel, model_dir: Path | None = None) -> Statistics:
        if model_dir is None:
            model_dir = self._work / name
            save_acoustic_model(model, model_dir)
        settings = AlignerSettings(model_dir, self._dictionary, self._work,
                                   self._options.alignment_beam, self._options.posterior_topn)
        done_before = len(self.reports) * len(self._utterances)
        total = self._planned * len(self._utterances)

        def progress(done: int, _: int) -> None:
            if self._on_progress is not None:
                self._on_progress(done_before + done, total)

        started = time.monotonic()
        stats, self.outcomes = collect_statistics(settings, model, self._utterances,
                                                  self._options.workers, progress)
        aligned = sum(1 for o in self.outcomes if o.error is None)
        self.reports.append(PassReport(name, aligned, stats.frames,
                                       stats.log_likelihood / max(stats.frames, 1),
                                       time.monotonic() - started))
        if stats.frames == 0:
            reasons = sorted({o.error or "" for o in self.outcomes})[:3]
            raise TrainingError(f"no utterance could be aligned ({'; '.join(reasons)})")
        return stats


def adapt_acoustic_model(
    base_dir: Path,
    utterances: Sequence[UtteranceInput],
    out_dir: Path,
    options: AdaptOptions | None = None,
    dictionary_path: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> AdaptationReport:
    """Write an adapted copy of the pocketsphinx model in `base_dir` to `out_dir`.

    `dictionary_path` must pronounce every transcript word (default: the bundled CMUdict);
    utterances with other words are skipped and reported. Raises TrainingError when nothing
    can be aligned, ModelError when `base_dir` is not an adaptable model.
    """
    options = options or AdaptOptions()
    validate_options(options)
    started = time.monotonic()
    base = load_acoustic_model(base_dir)
    rate_hz = base.features.sample_rate_hz
    prepared = _prepare(utterances, rate_hz)
    audio_s = sum(len(u.pcm) for u in prepared) / (2 * rate_hz)  # 2 bytes per sample
    mllr_applied = options.use_mllr(audio_s)
    dictionary = dictionary_path or _default_dictionary()
    with tempfile.TemporaryDirectory(prefix="voxtune-adapt-") as scratch:
        passes = _Passes(prepared, dictionary, Path(scratch), options,
                         options.alignment_passes(audio_s), on_progress)
        stats = passes.run("base", base, base_dir)
        prior = base
        if mllr_applied:
            transform = estimate_mllr(base.means.values.astype(float), base.floored_variances(),
                                      stats.counts, stats.sums)
            prior = base.with_means(transform.apply(base.means.values.astype(float)))
            stats = passes.run("mllr", prior)
        updates = _map_update(prior, stats, options)
        for number in range(2, options.passes + 1):
            stats = passes.run(f"map-{number}", updates.model)
            updates = _map_update(prior, stats, options)
        save_acoustic_model(updates.model, out_dir)
    return _report(passes, prepared, updates, mllr_applied, options, time.monotonic() - started)


def _map_update(prior: AcousticModel, stats: Statistics, options: AdaptOptions) -> _Updates:
    model, senones, means_moved, variances_moved = prior, 0, 0, 0
    prior_means = prior.means.values.astype(float)
    means = prior_means
    if options.mixture_weight_tau is not None:
        sendump, senones = map_mixture_weights(prior.mixture_weights, stats.mixture_counts,
                                               options.mixture_weight_tau)
        model = model.with_sendump(sendump)
    if options.mean_tau is not None:
        means, means_moved = map_means(prior_means, stats.counts, stats.sums, options.mean_tau)
        model = model.with_means(means)
    if options.variance_tau is not None:
        variances, variances_moved = map_variances(
            prior.variances.values.astype(float), prior_means, means, stats.counts, stats.sums,
            stats.squares, options.variance_tau, DECODER_VARIANCE_FLOOR)
        model = model.with_variances(variances)
    return _Updates(model, senones, means_moved, variances_moved)


def _prepare(utterances: Sequence[UtteranceInput], rate_hz: int) -> list[Utterance]:
    prepared = []
    for utterance_id, audio, transcript in utterances:
        if isinstance(audio, Audio):
            pcm = resample(audio, rate_hz).to_pcm16()
        elif isinstance(audio, bytes | bytearray) and len(audio) % 2 == 0:
            pcm = bytes(audio)
        else:
            raise InvalidInputError(f"utterance {utterance_id}: audio is neither Audio nor PCM")
        prepared.append(Utterance(str(utterance_id), pcm, " ".join(transcript.split())))
    if not prepared:
        raise InvalidInputError("adaptation needs at least one transcribed utterance")
    return prepared


def _default_dictionary() -> Path:
    from voxtune.engine.bundle import base_bundle

    return base_bundle().dictionary_path


def _report(passes: _Passes, utterances: list[Utterance], updates: _Updates, mllr: bool,
            options: AdaptOptions, elapsed_s: float) -> AdaptationReport:
    failures = tuple(UtteranceFailure(o.utterance_id, o.error) for o in passes.outcomes
                     if o.error is not None)
    frames = sum(o.frames for o in passes.outcomes)
    usage = Counter(entry for o in passes.outcomes for entry in o.pronunciations)
    return AdaptationReport(
        utterances_total=len(utterances),
        utterances_aligned=len(utterances) - len(failures),
        frames_aligned=frames,
        audio_seconds_aligned=frames / FRAMES_PER_SECOND,
        failures=failures,
        passes=tuple(passes.reports),
        mllr_applied=mllr,
        senones_updated=updates.senones,
        gaussians_updated=updates.means,
        variances_updated=updates.variances,
        elapsed_s=elapsed_s,
        options=options,
        pronunciation_usage=tuple(sorted(usage.items())),
    )
