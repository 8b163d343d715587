"""Training a pocketsphinx model: the language model, the lexicon and acoustic adaptation.

On the datasets the engine-neutral step (training/) has read: a language model (domain
Kneser-Ney mixed with the base LM, language_model.py); the lexicon (every LM word pronounced:
base dictionary, user pronunciations, G2P); acoustic adaptation from the Acoustic datasets'
audio (aligned with that lexicon, adapt/), after which the pronunciation variants that audio
hardly used are pruned. The files are written into `work`, the bundle being built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxtune.data import AcousticDataset
from voxtune.data.acoustic import iter_training_audio
from voxtune.engine.bundle import ModelBundle
from voxtune.engine.sphinx.adapt import AdaptationReport, AdaptOptions, adapt_acoustic_model
from voxtune.engine.sphinx.decoder_options import CUSTOM_DECODER_OPTIONS
from voxtune.engine.sphinx.language_model import (
    LanguageModelReport,
    build_language_model,
    vocabulary_oov_rate,
)
from voxtune.errors import TrainingError
from voxtune.lexicon import (
    Lexicon,
    LexiconBuild,
    PhoneSet,
    PrunedPronunciation,
    UserPronunciation,
    build_lexicon,
    prune_unheard_variants,
)
from voxtune.lm.classes import WordClass

Progress = Callable[[str, float], None]  # (stage, fraction of the whole training 0..1)

LM_FILE = "language-model.lm.bin"
DICTIONARY_FILE = "dictionary.dict"
ACOUSTIC_DIR = "acoustic"


@dataclass(frozen=True)
class SphinxInputs:
    """What the engine-neutral training step hands over: the datasets, read, and the options
    (their defaults and meaning: training.TrainingOptions)."""

    sentences: Sequence[Sequence[str]]  # lexical tokens; may contain class tokens
    classes: Sequence[WordClass]
    pronunciations: Sequence[UserPronunciation]
    acoustic: Sequence[AcousticDataset]
    phone_set: PhoneSet  # the base acoustic model's
    weight_percent: int | None
    lm_order: int
    acoustic_adaptation: bool
    adapt: AdaptOptions
    prune_pronunciations: bool
    decoder_options: Mapping[str, Any] | None  # None: CUSTOM_DECODER_OPTIONS


@dataclass(frozen=True)
class SphinxTraining:
    """What training wrote into `work`, and what each step measured."""

    files: dict[str, str | None]  # manifest role -> bundle path (None: the base model's file)
    oov_rate: float  # running words of the training text missing from the base vocabulary
    language_model: LanguageModelReport
    lexicon: LexiconBuild
    pruned: tuple[PrunedPronunciation, ...]
    acoustic: AdaptationReport | None  # None: no audio, or adaptation switched off
    decoder_options: dict[str, Any]  # what the model is served with


def train_sphinx(
    base: ModelBundle, inputs: SphinxInputs, work: Path, progress: Progress
) -> SphinxTraining:
    base_lexicon = Lexicon.load(base.dictionary_path)
    oov_rate = vocabulary_oov_rate(inputs.sentences, set(base_lexicon.words()))
    progress("language model", 0.05)
    model, lm_report = build_language_model(
        inputs.sentences, inputs.classes, base.language_model_path, work / LM_FILE,
        weight_percent=inputs.weight_percent, order=inputs.lm_order,
    )
    progress("lexicon", 0.35)
    lexicon = build_lexicon(
        model.vocabulary(), base=base_lexicon, user=inputs.pronunciations,
        phone_set=inputs.phone_set,
    )
    lexicon.lexicon.write(work / DICTIONARY_FILE)
    acoustic = None
    pruned: tuple[PrunedPronunciation, ...] = ()
    if inputs.acoustic_adaptation and inputs.acoustic:
        acoustic = _adapt(base, inputs, work, progress)
        if inputs.prune_pronunciations:
            user_words = {word.word for word in lexicon.added if word.source == "user"}
            pruned_lexicon, pruned = prune_unheard_variants(
                lexicon.lexicon, acoustic.pronunciation_usage, keep=user_words
            )
            pruned_lexicon.write(work / DICTIONARY_FILE)
    return SphinxTraining(
        files={
            "acoustic_model": ACOUSTIC_DIR if acoustic is not None else None,
            "dictionary": DICTIONARY_FILE,
            "language_model": LM_FILE,
        },
        oov_rate=oov_rate,
        language_model=lm_report,
        lexicon=lexicon,
        pruned=pruned,
        acoustic=acoustic,
        decoder_options=dict(
            CUSTOM_DECODER_OPTIONS if inputs.decoder_options is None else inputs.decoder_options
        ),
    )


def _adapt(
    base: ModelBundle, inputs: SphinxInputs, work: Path, progress: Progress
) -> AdaptationReport:
    utterances = [
        (utterance.name, audio, utterance.normalized)
        for utterance, audio in iter_training_audio(inputs.acoustic)
    ]
    if not utterances:
        raise TrainingError("the Acoustic datasets contain no audio usable for adaptation")

    def adapt_progress(done: int, total: int) -> None:
        progress("acoustic adaptation", 0.4 + 0.6 * done / max(total, 1))

    return adapt_acoustic_model(
        base.acoustic_model_dir, utterances, work / ACOUSTIC_DIR, inputs.adapt,
        dictionary_path=work / DICTIONARY_FILE, on_progress=adapt_progress,
    )
