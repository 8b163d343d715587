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

    def served_locale(self, locale: str) -> str | None:
        """The model's spelling of `locale` ("de-de" -> "de-DE"), None if it does not serve it."""
        wanted = locale.strip().lower()
        return next((known for known in self.locales if known.lower() == wanted), None)

    def location(self, locale: str | None = None) -> str:
        """What load_bundle takes for this model in `locale`: its name in its first locale,
        "name@locale" in another (a multilingual model decodes in the language it is told)."""
        chosen = self.resolve_locale(locale)
        return self.name if chosen == self.locales[0] else f"{self.name}{LOCALE_MARK}{chosen}"

    def bundle(self, locale: str | None = None) -> ModelBundle:
        chosen = self.resolve_locale(locale)
        if self.engine == ENGINE_POCKETSPHINX:
            return sphinx_base_bundle(self.name, chosen)
        from voxtune.engine.whisper.weights import whisper_model_dir

        return ModelBundle(
            name=self.name,
            locale=chosen,
            engine=self.engine,
            files={"model": whisper_model_dir(self.name)},
            base=self.name,
            manifest={"name": self.name, "engine": self.engine, "location": self.location(chosen)},
        )

    def resolve_locale(self, locale: str | None) -> str:
        """`locale` as the model spells it (None: its first); ModelError if not served."""
        if locale is None:
            return self.locales[0]
        chosen = self.served_locale(locale)
        if chosen is None:
            raise ModelError(f"base model {self.name} does not serve {locale}")
        return chosen

    @property
    def available(self) -> bool:
        if self.engine != ENGINE_WHISPER:
            return True
        from voxtune.engine.whisper.weights import is_installed

        return is_installed(self.name)


SPHINX_EN_US = "sphinx-en-us"
WHISPER_BASE = "whisper-base"
LOCALE_MARK = "@"  # "whisper-base@de-DE": a base model in one of the locales it serves
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
            WHISPER_BASE,
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
# Which base model a locale gets when none is named, best first: whisper-base measures best
# for its cost (smoke clips WER 0.0215 vs sphinx 0.27; AN4 custom 0.016 vs 0.10,
# BENCHMARKS.md) and serves every locale of WHISPER_LOCALES; sphinx where it is all there is
# (e.g. the Whisper weight packages not installed).
DEFAULT_ORDER = (WHISPER_BASE, SPHINX_EN_US)


def find_base_model(name: str) -> BaseModel | None:
    return BASE_MODELS.get(ALIASES.get(name, name))


def find_base_location(location: str) -> tuple[BaseModel, str] | None:
    """(model, locale) of a base model's name or "name@locale"; None if it names none.
    ModelError for a known model in a locale it does not serve."""
    name, mark, locale = location.partition(LOCALE_MARK)
    model = find_base_model(name)
    if model is None:
        return None
    return model, model.resolve_locale(locale if mark else None)


def default_base_model(locale: str = "en-US") -> BaseModel:
    """The base model `locale` gets when none is named (the CLI's, the service's): the first
    of DEFAULT_ORDER that is installed and serves it, else any that does."""
    preferred = [BASE_MODELS[name] for name in DEFAULT_ORDER]
    rest = [m for m in BASE_MODELS.values() if m.name not in DEFAULT_ORDER]
    for model in preferred + rest:
        if model.served_locale(locale) and model.available:
            return model
    raise ModelError(f"no installed base model serves {locale}", inner_code="InvalidLocale")


def default_base_location(locale: str = "en-US") -> str:
    """What load_bundle takes for the default base model of `locale`."""
    return default_base_model(locale).location(locale)


def base_model(name: str) -> BaseModel:
    found = find_base_model(name)
    if found is None:
        raise ModelError(f"no base model named {name!r} (known: {', '.join(BASE_MODELS)})")
    return found


def model_location(model: str | None, locale: str = "en-US") -> str:
    """What load_bundle takes for a model as a user names it with a locale (the CLI's --model
    and --locale): none, the locale's default base model; a base model's name, that model in
    the locale; anything else (a bundle directory knows its locale, "name@locale" says it)
    as given."""
    if model is None:
        return default_base_location(locale)
    found = find_base_location(model)
    if found is None or LOCALE_MARK in model:
        return model
    return found[0].location(locale)


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
