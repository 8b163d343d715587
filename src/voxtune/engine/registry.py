"""The base models voxtune offers, and which engine runs each.

Nothing above engine/ and training/ knows which engine runs a model: they ask the registry
for a base model by name, and a bundle's manifest names its engine. Engines are imported
only when a model of theirs is opened, so serving sphinx models never imports PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voxtune.engine.bundle import (
    BASE_MODEL_NAME,
    ENGINE_POCKETSPHINX,
    ENGINE_WHISPER,
    ModelBundle,
    sphinx_base_bundle,
)
from voxtune.errors import ModelError

if TYPE_CHECKING:
    from voxtune.engine.recognizer import RecognitionOptions, Recognizer

ALL_KINDS = ("Acoustic", "Language", "LanguageMarkdown", "Pronunciation", "OutputFormatting")
# Whisper's locales that voxtune's samples and normalization cover; Whisper knows ~99 languages.
WHISPER_LOCALES = (
    "en-US",
    "en-GB",
    "en-AU",
    "en-CA",
    "en-IN",
    "de-DE",
    "fr-FR",
    "es-ES",
    "es-MX",
    "it-IT",
    "pt-BR",
    "pt-PT",
    "nl-NL",
    "ja-JP",
    "ko-KR",
    "zh-CN",
)


@dataclass(frozen=True)
class BaseModel:
    name: str  # what load_bundle, the CLI and the service take
    engine: str
    display_name: str
    description: str
    locales: tuple[str, ...]
    adapts_with: tuple[str, ...]  # Azure dataset kinds that adapt it ("features")
    parameters_m: int  # millions of parameters, for the listing

    def bundle(self) -> ModelBundle:
        if self.engine == ENGINE_POCKETSPHINX:
            return sphinx_base_bundle(self.name, self.locales[0])
        from voxtune.engine.whisper.weights import whisper_model_dir

        return ModelBundle(
            name=self.name,
            locale=self.locales[0],
            engine=self.engine,
            files={"model": whisper_model_dir(self.name)},
            base=self.name,
            manifest={"name": self.name, "engine": self.engine},
        )

    @property
    def available(self) -> bool:
        if self.engine != ENGINE_WHISPER:
            return True
        from voxtune.engine.whisper.weights import is_installed

        return is_installed(self.name)


SPHINX_EN_US = "sphinx-en-us"
BASE_MODELS: dict[str, BaseModel] = {
    model.name: model
    for model in (
        BaseModel(
            SPHINX_EN_US,
            ENGINE_POCKETSPHINX,
            "base model (pocketsphinx)",
            "The en-US acoustic model, dictionary and language model of pocketsphinx; "
            "adapted by LM, lexicon and MAP acoustic adaptation",
            ("en-US",),
            ALL_KINDS,
            0,
        ),
        BaseModel(
            "whisper-tiny.en",
            ENGINE_WHISPER,
            "Whisper tiny.en",
            "OpenAI Whisper tiny.en (39 M parameters), English; fine-tuned on audio with "
            "human-labeled transcripts",
            ("en-US", "en-GB", "en-AU", "en-CA", "en-IN"),
            ALL_KINDS,
            39,
        ),
        BaseModel(
            "whisper-base",
            ENGINE_WHISPER,
            "Whisper base (multilingual)",
            "OpenAI Whisper base (74 M parameters), multilingual; fine-tuned on audio "
            "with human-labeled transcripts",
            WHISPER_LOCALES,
            ALL_KINDS,
            74,
        ),
    )
}
# "base" has always named the pocketsphinx model; bundles and scripts keep meaning it.
ALIASES = {BASE_MODEL_NAME: SPHINX_EN_US}


def find_base_model(name: str) -> BaseModel | None:
    return BASE_MODELS.get(ALIASES.get(name, name))


def base_model(name: str) -> BaseModel:
    found = find_base_model(name)
    if found is None:
        raise ModelError(f"no base model named {name!r} (known: {', '.join(BASE_MODELS)})")
    return found


def engine_base_model(engine: str) -> BaseModel | None:
    """The first base model of an engine (what an old bundle without `base` was trained from)."""
    return next((m for m in BASE_MODELS.values() if m.engine == engine), None)


def available_base_models() -> list[BaseModel]:
    return [m for m in BASE_MODELS.values() if m.available]


def open_recognizer_for(bundle: ModelBundle, options: RecognitionOptions | None) -> Recognizer:
    opener = _OPENERS.get(bundle.engine)
    if opener is None:
        raise ModelError(f"model {bundle.name!r}: no engine {bundle.engine!r}")
    return opener(bundle, options)


def _open_sphinx(bundle: ModelBundle, options: RecognitionOptions | None) -> Recognizer:
    from voxtune.engine.sphinx.recognizer import PocketsphinxRecognizer

    return PocketsphinxRecognizer(bundle, options)


def _open_whisper(bundle: ModelBundle, options: RecognitionOptions | None) -> Recognizer:
    from voxtune.engine.whisper.recognizer import WhisperRecognizer

    return WhisperRecognizer(bundle, options)


_OPENERS: dict[str, Callable[[ModelBundle, RecognitionOptions | None], Recognizer]] = {
    ENGINE_POCKETSPHINX: _open_sphinx,
    ENGINE_WHISPER: _open_whisper,
}
