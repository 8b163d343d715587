"""Evaluate one or two models on an Acoustic (audio + transcript) dataset: the use case behind
`voxtune evaluate` and, later, the service's evaluation jobs.

An utterance the engine cannot recognize still counts: its hypothesis is empty (all words
deleted) and the failure is listed, so a model cannot look better by failing on hard audio.

Word figures compare lexical forms; token figures compare display forms: the transcript as
written against the display text a user of the model reads (its display formatter with Azure's
default options: profanity masked, dictated and automatic punctuation).

An inspection (`inspect_audio_files`) recognizes an AudioFiles dataset (audio without
transcripts) the same way, for people to compare the models' transcripts: nothing is scored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voxtune.data import (
    AcousticDataset,
    AudioFilesDataset,
    iter_audio,
    iter_audio_files,
    parse_acoustic,
)
from voxtune.engine import ModelBundle, load_bundle, recognize_items
from voxtune.engine.azure_json import combined_forms
from voxtune.engine.formatting import bundle_formatter
from voxtune.engine.recognizer import RecognitionOptions
from voxtune.engine.types import RecognitionResult
from voxtune.errors import DatasetError, VoxtuneError
from voxtune.scoring import CorpusScores, JSONValue, azure_evaluation_properties, score
from voxtune.scoring.tokens import CorpusTokenScores, azure_token_properties, score_tokens
from voxtune.text.display import DisplayOptions

ProgressCallback = Callable[[str, int, int], None]  # (model name, done, total)


@dataclass(frozen=True)
class UtteranceFailure:
    utterance: str
    reason: str


@dataclass(frozen=True)
class ModelEvaluation:
    model: str  # the base model's location ("whisper-base") or the bundle directory
    scores: CorpusScores  # lexical words
    failures: tuple[UtteranceFailure, ...]
    token_scores: CorpusTokenScores  # display tokens, same utterances in the same order


@dataclass(frozen=True)
class EvaluationResult:
    dataset: AcousticDataset
    models: tuple[ModelEvaluation, ...]

    def azure_properties(self) -> dict[str, JSONValue]:
        """Azure EvaluationProperties word, sentence and token figures: suffix 1 and 2 per
        model."""
        properties: dict[str, JSONValue] = {}
        for number, evaluation in enumerate(self.models, start=1):
            properties.update(azure_evaluation_properties(evaluation.scores, str(number)))
            properties.update(azure_token_properties(evaluation.token_scores, str(number)))
        return properties


def evaluate_dataset(
    dataset: str | Path | AcousticDataset,
    models: Sequence[str | Path | ModelBundle],
    *,
    jobs: int = 1,
    options: RecognitionOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> EvaluationResult:
    if not models:
        raise ValueError("evaluate_dataset needs at least one model")
    parsed = dataset if isinstance(dataset, AcousticDataset) else parse_acoustic(dataset)
    if not parsed.utterances:
        raise DatasetError(
            "the dataset has no usable utterances: "
            + "; ".join(e.reason for e in parsed.report.entries[:3])
        )
    bundles = [m if isinstance(m, ModelBundle) else load_bundle(m) for m in models]
    items = [(utt.name, audio) for utt, audio in iter_audio(parsed)]
    evaluations = tuple(
        _evaluate_model(parsed, items, bundle, jobs, options or RecognitionOptions(), on_progress)
        for bundle in bundles
    )
    return EvaluationResult(parsed, evaluations)


def _evaluate_model(
    dataset: AcousticDataset,
    items: list[tuple[str, bytes]],
    bundle: ModelBundle,
    jobs: int,
    options: RecognitionOptions,
    on_progress: ProgressCallback | None,
) -> ModelEvaluation:
    hypotheses, failures = _recognize(items, bundle, jobs, options, on_progress)
    pairs = list(zip(dataset.utterances, hypotheses, strict=True))
    return ModelEvaluation(
        bundle.identity,
        score(((u.name, u.transcript, lex) for u, (lex, _) in pairs), locale=dataset.locale),
        failures,
        score_tokens(
            ((u.name, u.transcript, shown) for u, (_, shown) in pairs), locale=dataset.locale
        ),
    )


def _recognize(
    items: list[tuple[str, bytes]],
    bundle: ModelBundle,
    jobs: int,
    options: RecognitionOptions,
    on_progress: ProgressCallback | None,
) -> tuple[list[tuple[str, str]], tuple[UtteranceFailure, ...]]:
    """(lexical, display) per item, ("", "") where recognition failed, and the failures."""

    def progress(done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(bundle.name, done, total)

    outcomes = recognize_items(items, bundle, jobs=jobs, options=options, on_progress=progress)
    formatter = bundle_formatter(bundle)
    failures: list[UtteranceFailure] = []
    hypotheses: list[tuple[str, str]] = []
    for (name, _), outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, RecognitionResult):
            display = combined_forms(outcome.phrases, formatter, DisplayOptions()).display
            hypotheses.append((outcome.lexical, display))
        else:
            failures.append(UtteranceFailure(name, _reason(outcome)))
            hypotheses.append(("", ""))
    return hypotheses, tuple(failures)


@dataclass(frozen=True)
class Transcript:
    """One audio file as one model recognized it (an inspection scores nothing)."""

    utterance: str  # the file's name in the dataset
    lexical: str
    display: str
    failure: str | None  # why recognition failed; the texts are then empty

    def to_json(self) -> dict[str, str | None]:
        return {
            "id": self.utterance,
            "hypothesis": self.lexical,
            "display": self.display,
            "failure": self.failure,
        }


@dataclass(frozen=True)
class ModelInspection:
    model: str  # as ModelEvaluation.model
    transcripts: tuple[Transcript, ...]  # the dataset's files, in its order


def inspect_audio_files(
    dataset: AudioFilesDataset,
    models: Sequence[str | Path | ModelBundle],
    *,
    jobs: int = 1,
    options: RecognitionOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> tuple[ModelInspection, ...]:
    """Each model's transcript of every audio file, for a side-by-side inspection."""
    if not dataset.files:
        raise DatasetError("the dataset has no usable audio files")
    bundles = [m if isinstance(m, ModelBundle) else load_bundle(m) for m in models]
    items = [(audio_file.name, audio) for audio_file, audio in iter_audio_files(dataset)]
    inspections = []
    for bundle in bundles:
        hypotheses, failures = _recognize(
            items, bundle, jobs, options or RecognitionOptions(), on_progress
        )
        reasons = {failure.utterance: failure.reason for failure in failures}
        transcripts = tuple(
            Transcript(name, lexical, display, reasons.get(name))
            for (name, _), (lexical, display) in zip(items, hypotheses, strict=True)
        )
        inspections.append(ModelInspection(bundle.identity, transcripts))
    return tuple(inspections)


def _reason(outcome: object) -> str:
    return outcome.message if isinstance(outcome, VoxtuneError) else str(outcome)
