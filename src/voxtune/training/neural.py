"""Training for neural (Whisper) base models: the datasets read as for every engine, then the
engine's trainer (engine/whisper/trainer.py), the formatting rules and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voxtune.data import parse_pronunciation
from voxtune.engine.bundle import ModelBundle
from voxtune.engine.formatting import formatter_from_files
from voxtune.engine.registry import SPHINX_EN_US, base_model
from voxtune.engine.whisper.finetune import FineTuneOptions
from voxtune.engine.whisper.trainer import WhisperInputs, WhisperTrainingReport, train_whisper
from voxtune.lexicon import read_phone_set
from voxtune.training.inputs import TrainingInputs, dataset_hashes, read_corpus
from voxtune.training.options import TrainingOptions
from voxtune.training.outputs import REPORT_FILE, write_formatting
from voxtune.training.report import formatting_tests_summary

Progress = Any
REWRITES_FILE = "pronunciation-rewrites.md"


def pronunciation_rewrites(paths: list[Path]) -> list[tuple[str, str]]:
    """(spoken, display) of every Pronunciation entry."""
    pairs = []
    for path in paths:
        for entry in parse_pronunciation(path.read_bytes(), path.name).entries:
            spoken = " ".join(entry.spoken)
            if spoken and spoken != entry.display.lower():
                pairs.append((spoken, entry.display))
    return pairs


def rewrites_file(pairs: list[tuple[str, str]]) -> tuple[str, bytes]:
    lines = ["#rewrite", *(f"{spoken}\t{display}" for spoken, display in pairs)]
    return REWRITES_FILE, ("\n".join(lines) + "\n").encode("utf-8")


def train_neural_model(
    base: ModelBundle, inputs: TrainingInputs, work: Path, options: TrainingOptions,
    progress: Progress,
) -> tuple[dict[str, Any], WhisperTrainingReport]:
    """The engine's manifest fields (which files are its model) and the report, written."""
    manifest, report, formatting = train_neural_into(
        base, inputs, work, options.locale, options.fine_tune, options.checkpoint_dir,
        dataset_hashes(inputs), progress,
    )
    write_formatting(formatting, work)
    return manifest, report.write(work / REPORT_FILE)


def train_neural_into(
    base: ModelBundle,
    inputs: TrainingInputs,
    work: Path,
    locale: str,
    fine_tune: FineTuneOptions | None,
    checkpoint_dir: Path | None,
    dataset_hashes: dict[str, str],
    progress: Progress,
) -> tuple[dict[str, Any], WhisperTrainingReport, list[tuple[str, bytes]]]:
    """Manifest fields, the report, and the formatting files to copy into the bundle."""
    progress("reading datasets", 0.0)
    # Structured text may carry pronunciations; they are checked against a phone set even
    # though this engine has none (the sphinx model's, so the datasets validate the same).
    phone_set = read_phone_set(base_model(SPHINX_EN_US).bundle().acoustic_model_dir)
    corpus = read_corpus(inputs, phone_set, locale)
    rewrites = pronunciation_rewrites(list(inputs.pronunciation))
    # The corpus's sentences include the Acoustic transcripts: with audio, the engine gets
    # them only when text was given too, so that its report can say what became of the text.
    given_text = bool(inputs.text or inputs.markdown or inputs.inline_text)
    sentences = (
        [" ".join(s) for s in corpus.sentences] if given_text or not corpus.acoustic else []
    )
    result = train_whisper(
        base,
        WhisperInputs(
            corpus.acoustic,
            sentences,
            rewrites,
            locale,
            fine_tune or FineTuneOptions(),
            checkpoint_dir,
        ),
        work,
        dataset_hashes,
        progress,
    )
    formatting = list(corpus.formatting_files)
    if rewrites:
        formatting.append(rewrites_file(rewrites))
    progress("formatting tests", 0.99)
    tests = formatter_from_files(formatting, locale).run_tests()
    report = WhisperTrainingReport(
        datasets=tuple(
            {"path": d.path, "kind": d.kind, **d.report.to_json()} for d in corpus.datasets
        ),
        dataset_hashes=dataset_hashes,
        uses=result["uses"],
        fine_tuning=result["fine_tuning"],
        prompt_text=result["prompt_text"],
        rewrites=len(rewrites),
        formatting_files=tuple(name for name, _ in formatting),
        formatting_tests=formatting_tests_summary(tests),
        decoder_options=result["decoder_options"],
        elapsed_s=result["elapsed_s"],
    )
    return result["manifest"], report, formatting
