"""Training for pocketsphinx base models: the datasets read as for every engine, then the
engine's trainer (engine/sphinx/trainer.py: language model, lexicon, acoustic adaptation), the
formatting rules and the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from voxtune.engine.bundle import ModelBundle
from voxtune.engine.formatting import formatter_from_files
from voxtune.engine.sphinx.trainer import SphinxInputs, train_sphinx
from voxtune.lexicon import read_phone_set
from voxtune.training.inputs import TrainingInputs, dataset_hashes, read_corpus
from voxtune.training.options import Progress, TrainingOptions
from voxtune.training.outputs import REPORT_FILE, write_formatting
from voxtune.training.report import (
    TrainingReport,
    formatting_tests_summary,
    lexicon_summary,
)


def train_sphinx_model(
    base: ModelBundle, inputs: TrainingInputs, work: Path, options: TrainingOptions,
    progress: Progress,
) -> tuple[dict[str, Any], TrainingReport]:
    """The engine's manifest fields (which files are its model) and the report, written."""
    started = time.monotonic()
    progress("reading datasets", 0.0)
    phone_set = read_phone_set(base.acoustic_model_dir)
    corpus = read_corpus(inputs, phone_set, options.locale)
    trained = train_sphinx(
        base,
        SphinxInputs(
            corpus.sentences,
            corpus.classes,
            corpus.pronunciations,
            corpus.acoustic,
            phone_set,
            options.weight_percent,
            options.lm_order,
            options.acoustic_adaptation,
            options.adapt,
            options.prune_pronunciations,
            options.decoder_options,
        ),
        work,
        progress,
    )
    formatting = write_formatting(corpus.formatting_files, work)
    progress("formatting tests", 1.0)
    tests = formatter_from_files(corpus.formatting_files, options.locale).run_tests()
    report = TrainingReport(
        datasets=tuple(
            {"path": d.path, "kind": d.kind, **d.report.to_json()} for d in corpus.datasets
        ),
        dataset_hashes=dataset_hashes(inputs),
        sentences=len(corpus.sentences),
        words=corpus.word_count,
        classes=tuple((c.name, len(c.items)) for c in corpus.classes),
        oov_rate=round(trained.oov_rate, 6),
        language_model=trained.language_model,
        lexicon=lexicon_summary(trained.lexicon, corpus.rejected_pronunciations, trained.pruned),
        acoustic=trained.acoustic,
        formatting_files=formatting,
        formatting_tests=formatting_tests_summary(tests),
        decoder_options=trained.decoder_options,
        elapsed_s=round(time.monotonic() - started, 1),
    ).write(work / REPORT_FILE)
    return trained.files, report
