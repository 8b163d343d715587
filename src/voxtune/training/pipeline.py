"""train(base, inputs, out_dir) -> TrainedModel: datasets + base model -> a complete ModelBundle.

Steps: read the datasets; language model (domain Kneser-Ney mixed with the base LM); lexicon
(every LM word pronounced: base dictionary, user pronunciations, G2P); acoustic adaptation
from the Acoustic datasets' audio (aligned with that lexicon); formatting rules copied and
their #test lines run (the report lists the failures).
Everything is written into a temporary sibling of `out_dir` that is renamed into place only
once the manifest (with the hash of every file) is written: a failed or killed training
leaves no half bundle behind.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voxtune.data.acoustic import iter_training_audio
from voxtune.engine.bundle import (
    ENGINE_WHISPER,
    ModelBundle,
    file_sha256,
    load_bundle,
    write_manifest,
)
from voxtune.engine.formatting import formatter_from_files
from voxtune.engine.sphinx.adapt import AdaptationReport, AdaptOptions, adapt_acoustic_model
from voxtune.engine.sphinx.decoder_options import CUSTOM_DECODER_OPTIONS
from voxtune.engine.sphinx.language_model import build_language_model, vocabulary_oov_rate
from voxtune.engine.whisper.finetune import FineTuneOptions
from voxtune.engine.whisper.trainer import WhisperTrainingReport
from voxtune.errors import ConflictError, TrainingError
from voxtune.lexicon import (
    Lexicon,
    PrunedPronunciation,
    build_lexicon,
    prune_unheard_variants,
    read_phone_set,
)
from voxtune.training.inputs import TrainingCorpus, TrainingInputs, read_corpus
from voxtune.training.report import (
    TrainingReport,
    formatting_tests_summary,
    lexicon_summary,
)

Progress = Callable[[str, float], None]  # (stage, fraction of the whole training 0..1)

LM_FILE = "language-model.lm.bin"
DICTIONARY_FILE = "dictionary.dict"
ACOUSTIC_DIR = "acoustic"
FORMATTING_DIR = "formatting"
REPORT_FILE = "training-report.json"


@dataclass(frozen=True)
class TrainingOptions:
    weight_percent: int | None = None  # Azure customModelWeightPercent 1..100; None: tuned
    lm_order: int = 3  # n-gram order of the domain LM
    acoustic_adaptation: bool = True  # adapt to the Acoustic datasets' audio when given
    adapt: AdaptOptions = field(default_factory=AdaptOptions)
    # drop pronunciation variants the training audio never used (lexicon/usage.py)
    prune_pronunciations: bool = True
    locale: str = "en-US"
    name: str = ""  # model name recorded in the manifest (default: the output folder name)
    # pocketsphinx settings the model is served with; None: CUSTOM_DECODER_OPTIONS (measured)
    decoder_options: Mapping[str, Any] | None = None
    # Whisper base models: the fine-tuning recipe (None: the measured defaults), and where a
    # killed training's checkpoints are kept for the next attempt (None: inside the work dir)
    fine_tune: FineTuneOptions | None = None
    checkpoint_dir: Path | None = None


@dataclass(frozen=True)
class TrainedModel:
    bundle: ModelBundle
    report: TrainingReport | WhisperTrainingReport


def train(
    base: str | Path | ModelBundle,
    inputs: TrainingInputs,
    out_dir: Path,
    options: TrainingOptions | None = None,
    on_progress: Progress | None = None,
) -> TrainedModel:
    options = options or TrainingOptions()
    progress = on_progress or (lambda stage, fraction: None)
    base_bundle = base if isinstance(base, ModelBundle) else load_bundle(base)
    out_dir = out_dir.resolve()
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ConflictError(f"{out_dir} exists and is not empty: choose a new output folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    work.chmod(0o755)  # mkdtemp makes it private; a bundle is shared with servers/workers
    try:
        if base_bundle.engine == ENGINE_WHISPER:
            neural, fields = _train_neural(base_bundle, inputs, work, options, progress)
            write_manifest(work, _neural_manifest(base_bundle, neural, fields, options, out_dir))
            if out_dir.exists():
                out_dir.rmdir()
            work.rename(out_dir)
            progress("done", 1.0)
            return TrainedModel(load_bundle(out_dir), neural)
        report = _train_into(base_bundle, inputs, work, options, progress)
        manifest = {
            "name": options.name or out_dir.name,
            "locale": options.locale,
            "engine": base_bundle.engine,
            "base": base_bundle.name,
            "acoustic_model": ACOUSTIC_DIR if report.acoustic is not None else None,
            "dictionary": DICTIONARY_FILE,
            "language_model": LM_FILE,
            "formatting_rules": FORMATTING_DIR if report.formatting_files else None,
            "decoder_options": report.decoder_options,
            "training_report": REPORT_FILE,
            "datasets": report.dataset_hashes,
        }
        write_manifest(work, manifest)
        if out_dir.exists():
            out_dir.rmdir()
        work.rename(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress("done", 1.0)
    return TrainedModel(load_bundle(out_dir), report)


def _train_neural(
    base: ModelBundle, inputs: TrainingInputs, work: Path, options: TrainingOptions,
    progress: Progress,
) -> tuple[WhisperTrainingReport, dict[str, Any]]:
    """The report and the engine's manifest fields (which files are its model)."""
    from voxtune.training.neural import train_neural_into

    manifest, report, formatting = train_neural_into(
        base, inputs, work, options.locale, options.fine_tune, options.checkpoint_dir,
        _dataset_hashes(inputs), progress,
    )
    _write_formatting(formatting, work)
    return report.write(work / REPORT_FILE), manifest


def _neural_manifest(
    base: ModelBundle, report: WhisperTrainingReport, fields: dict[str, Any],
    options: TrainingOptions, out_dir: Path,
) -> dict[str, Any]:
    return {
        "name": options.name or out_dir.name,
        "locale": options.locale,
        "engine": base.engine,
        "base": base.name,
        **fields,
        "formatting_rules": FORMATTING_DIR if report.formatting_files else None,
        "decoder_options": report.decoder_options,
        "training_report": REPORT_FILE,
        "datasets": report.dataset_hashes,
    }


def _train_into(
    base: ModelBundle, inputs: TrainingInputs, work: Path, options: TrainingOptions,
    progress: Progress,
) -> TrainingReport:
    started = time.monotonic()
    progress("reading datasets", 0.0)
    phone_set = read_phone_set(base.acoustic_model_dir)
    corpus = read_corpus(inputs, phone_set, options.locale)
    base_lexicon = Lexicon.load(base.dictionary_path)
    oov_rate = vocabulary_oov_rate(corpus.sentences, set(base_lexicon.words()))
    progress("language model", 0.05)
    model, lm_report = build_language_model(
        corpus.sentences, corpus.classes, base.language_model_path, work / LM_FILE,
        weight_percent=options.weight_percent, order=options.lm_order,
    )
    progress("lexicon", 0.35)
    lexicon = build_lexicon(
        model.vocabulary(), base=base_lexicon, user=corpus.pronunciations, phone_set=phone_set
    )
    lexicon.lexicon.write(work / DICTIONARY_FILE)
    acoustic = None
    pruned: tuple[PrunedPronunciation, ...] = ()
    if options.acoustic_adaptation and corpus.acoustic:
        acoustic = _adapt(base, corpus, work, options, progress)
        if options.prune_pronunciations:
            user_words = {word.word for word in lexicon.added if word.source == "user"}
            pruned_lexicon, pruned = prune_unheard_variants(
                lexicon.lexicon, acoustic.pronunciation_usage, keep=user_words
            )
            pruned_lexicon.write(work / DICTIONARY_FILE)
    formatting = _copy_formatting(corpus, work)
    progress("formatting tests", 1.0)
    tests = formatter_from_files(corpus.formatting_files, options.locale).run_tests()
    return TrainingReport(
        datasets=tuple(
            {"path": d.path, "kind": d.kind, **d.report.to_json()} for d in corpus.datasets
        ),
        dataset_hashes=_dataset_hashes(inputs),
        sentences=len(corpus.sentences),
        words=corpus.word_count,
        classes=tuple((c.name, len(c.items)) for c in corpus.classes),
        oov_rate=round(oov_rate, 6),
        language_model=lm_report,
        lexicon=lexicon_summary(lexicon, corpus.rejected_pronunciations, pruned),
        acoustic=acoustic,
        formatting_files=formatting,
        formatting_tests=formatting_tests_summary(tests),
        decoder_options=dict(
            CUSTOM_DECODER_OPTIONS if options.decoder_options is None else options.decoder_options
        ),
        elapsed_s=round(time.monotonic() - started, 1),
    ).write(work / REPORT_FILE)


def _adapt(
    base: ModelBundle, corpus: TrainingCorpus, work: Path, options: TrainingOptions,
    progress: Progress,
) -> AdaptationReport:
    utterances = [
        (utterance.name, audio, utterance.normalized)
        for utterance, audio in iter_training_audio(corpus.acoustic)
    ]
    if not utterances:
        raise TrainingError("the Acoustic datasets contain no audio usable for adaptation")

    def adapt_progress(done: int, total: int) -> None:
        progress("acoustic adaptation", 0.4 + 0.6 * done / max(total, 1))

    return adapt_acoustic_model(
        base.acoustic_model_dir, utterances, work / ACOUSTIC_DIR, options.adapt,
        dictionary_path=work / DICTIONARY_FILE, on_progress=adapt_progress,
    )


def _copy_formatting(corpus: TrainingCorpus, work: Path) -> tuple[str, ...]:
    return _write_formatting(corpus.formatting_files, work)


def _write_formatting(files: list[tuple[str, bytes]], work: Path) -> tuple[str, ...]:
    if not files:
        return ()
    folder = work / FORMATTING_DIR
    folder.mkdir()
    names = []
    for number, (name, data) in enumerate(files):
        target = f"{number:02d}-{Path(name).name}"
        (folder / target).write_bytes(data)
        names.append(target)
    return tuple(names)


def _dataset_hashes(inputs: TrainingInputs) -> dict[str, str]:
    paths = [*inputs.acoustic, *inputs.text, *inputs.markdown, *inputs.pronunciation,
             *inputs.formatting]
    hashes = {str(p): file_sha256(p) for p in paths}
    if inputs.inline_text:
        joined = "\n".join(inputs.inline_text).encode()
        hashes["inline-text"] = hashlib.sha256(joined).hexdigest()
    return hashes


__all__ = ["TrainedModel", "TrainingOptions", "train"]
