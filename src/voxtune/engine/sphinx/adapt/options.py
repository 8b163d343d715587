"""Options and report of acoustic adaptation (typed, frozen).

Why mean_tau is 50, not 5: the codebook means are shared by every senone of a phone, so moving
them far towards the training speakers' channel costs general speech. Measured with the AN4
model (all of train.zip) on the smoke clips (LibriVox + JFK, 93 words; base model 0.269):
mean tau 5: 0.387 | 20: 0.301 | 50: 0.269 (mixture weight tau 50 each; the LM alone, with the
base acoustic model: 0.280). On held-out AN4 training speakers (fold 0, 1627 words) the same
taus gave 0.117 | 0.117 | 0.112, and on a held-out FSDD speaker (theo) 0.044 with 5 and 50.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from voxtune.errors import InvalidInputError
from voxtune.units import Seconds

FRAMES_PER_SECOND = 100  # pocketsphinx -frate: a frame every 10 ms
MllrMode = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class AdaptOptions:
    """Defaults chosen on held-out AN4 speakers (see the adaptation notes in the package)."""

    # MAP prior weights, in frames of evidence; None leaves that parameter as in the base.
    mixture_weight_tau: float | None = 50.0  # senone mixture weights: most of the gain (PTM)
    mean_tau: float | None = 50.0  # codebook means (shared by all senones of a phone)
    variance_tau: float | None = None  # codebook variances: no gain measured, off
    # Global MLLR (one transform per stream) before MAP: "auto" only below mllr_max_audio_s.
    mllr: MllrMode = "auto"
    mllr_max_audio_s: Seconds = 300.0  # MLLR wins over MAP only with less than ~5 minutes
    passes: int = 1  # MAP statistics passes; 2 re-aligns with the adapted model first
    workers: int = 2  # decoder processes for alignment (one decoder, ~130 MB, per process)
    alignment_beam: float = 1e-48  # decoder -beam of the alignment search (smaller = wider)
    posterior_topn: int | None = None  # Gaussians per frame in the statistics; None = all

    def use_mllr(self, audio_s: Seconds) -> bool:
        if self.mllr == "auto":
            return audio_s < self.mllr_max_audio_s
        return self.mllr == "always"

    def alignment_passes(self, audio_s: Seconds) -> int:
        return self.passes + (1 if self.use_mllr(audio_s) else 0)


def validate_options(options: AdaptOptions) -> None:
    taus = (options.mixture_weight_tau, options.mean_tau, options.variance_tau)
    if any(tau is not None and not tau >= 0 for tau in taus):
        raise InvalidInputError("MAP tau values must be non-negative")
    if options.mllr not in ("auto", "always", "never"):
        raise InvalidInputError(f"mllr must be auto, always or never, not {options.mllr!r}")
    if options.passes < 1 or options.workers < 1:
        raise InvalidInputError("passes and workers must be at least 1")
    if not 0 < options.alignment_beam < 1:
        raise InvalidInputError("alignment_beam must be between 0 and 1")
    if options.posterior_topn is not None and options.posterior_topn < 1:
        raise InvalidInputError("posterior_topn must be at least 1")


@dataclass(frozen=True)
class UtteranceFailure:
    utterance_id: str
    reason: str  # e.g. "Final result does not match the grammar in frame 329"


@dataclass(frozen=True)
class PassReport:
    """One alignment pass over the training audio."""

    name: str  # "base", "mllr", "map-2"...: the model the statistics were collected with
    utterances_aligned: int
    frames: int
    log_likelihood_per_frame: float  # natural log, all streams: how well the model fits
    elapsed_s: Seconds


@dataclass(frozen=True)
class AdaptationReport:
    utterances_total: int
    utterances_aligned: int
    frames_aligned: int  # in the last pass
    audio_seconds_aligned: Seconds
    failures: tuple[UtteranceFailure, ...]  # of the last pass
    passes: tuple[PassReport, ...]
    mllr_applied: bool
    senones_updated: int  # senones whose mixture weights MAP moved
    gaussians_updated: int  # codebook Gaussians whose means MAP moved
    variances_updated: int
    elapsed_s: Seconds
    options: AdaptOptions = field(compare=False)
    # (dictionary entry, times the last pass aligned it), entries like "a(2)": sorted
    pronunciation_usage: tuple[tuple[str, int], ...] = ()
