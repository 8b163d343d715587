"""The custom language model of a training run: domain text + the base general LM -> one model.

    result = build_custom_model(sentences, read_binary(base_lm), LanguageModelOptions())
    write_binary(result.model, bundle / "language-model.lm.bin")
    report["languageModel"] = result.report          # weight, how it was chosen, perplexities

Sentences are lists of lexical words; structured-text templates carry class tokens
(`class_token(name)`) and their lists come as `classes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voxtune.errors import TrainingError
from voxtune.lm.classes import WordClass, estimate_with_classes
from voxtune.lm.interpolate import interpolate
from voxtune.lm.kneser_ney import DEFAULT_ORDER
from voxtune.lm.model import NGramModel
from voxtune.lm.tune import (
    DEFAULT_CANDIDATES,
    HELDOUT_EVERY,
    MIN_HELDOUT_SENTENCES,
    WeightChoice,
    choose_weight,
    split_heldout,
)

# Used when the domain text is too small to hold out a tuning slice; the top of the tuning range.
DEFAULT_WEIGHT = 0.9


@dataclass(frozen=True)
class LanguageModelOptions:
    order: int = DEFAULT_ORDER  # n-gram order of the domain model
    # Domain share 0..1 (Azure customModelWeightPercent / 100); None: chosen on held-out text.
    weight: float | None = None
    candidates: tuple[float, ...] = DEFAULT_CANDIDATES  # weights tried when tuning
    heldout_every: int = HELDOUT_EVERY  # every n-th domain sentence is held out for tuning
    default_weight: float = DEFAULT_WEIGHT  # when there is too little text to tune on


@dataclass(frozen=True)
class LanguageModelReport:
    """What the training report says about the language model."""

    weight: float  # domain share used
    weight_source: str  # "user", "tuned" or "default" (too little text to tune)
    choice: WeightChoice | None  # the tuning evidence when tuned
    domain_sentences: int
    domain_ngrams: tuple[int, ...]  # n-grams per order of the domain model
    model_ngrams: tuple[int, ...]  # n-grams per order of the interpolated model

    @property
    def weight_percent(self) -> int:
        return round(self.weight * 100)


@dataclass(frozen=True, eq=False)
class CustomLanguageModel:
    model: NGramModel
    domain: NGramModel
    report: LanguageModelReport


def build_custom_model(
    sentences: Sequence[Sequence[str]],
    general: NGramModel,
    options: LanguageModelOptions = LanguageModelOptions(),
    *,
    classes: Sequence[WordClass] = (),
    vocabulary_extra: Iterable[str] = (),
) -> CustomLanguageModel:
    """Estimate the domain model on all `sentences`, choose the weight unless given, and
    interpolate with `general`."""
    if not sentences:
        raise TrainingError("no domain text for the language model")
    extra = tuple(vocabulary_extra)
    weight, source, choice = _weight(sentences, general, options, classes)
    domain = estimate_with_classes(sentences, classes, options.order, vocabulary_extra=extra)
    model = interpolate(domain, general, weight)
    report = LanguageModelReport(
        weight, source, choice, len(sentences), domain.counts, model.counts
    )
    return CustomLanguageModel(model, domain, report)


def _weight(
    sentences: Sequence[Sequence[str]],
    general: NGramModel,
    options: LanguageModelOptions,
    classes: Sequence[WordClass],
) -> tuple[float, str, WeightChoice | None]:
    if options.weight is not None:
        if not 0.0 < options.weight <= 1.0:
            raise TrainingError(f"the model weight must be within 1..100%, not {options.weight}")
        return options.weight, "user", None
    train, heldout = split_heldout(sentences, options.heldout_every)
    if len(heldout) < MIN_HELDOUT_SENTENCES:
        return options.default_weight, "default", None
    choice = choose_weight(
        train, heldout, general, options.candidates, order=options.order, classes=classes
    )
    return choice.weight, "tuned", choice
