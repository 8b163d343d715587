"""The registry of base models: which base model each locale gets by default, the names that
keep meaning the sphinx model, and a multilingual model's location in one of its locales."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from voxtune.engine import load_bundle
from voxtune.engine.registry import (
    default_base_location,
    default_base_model,
    find_base_location,
    find_base_model,
    model_location,
)
from voxtune.engine.whisper import weights
from voxtune.errors import ModelError


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("models")
    mp = pytest.MonkeyPatch()
    mp.setenv("VOXTUNE_MODEL_CACHE", str(cache))
    yield cache
    mp.undo()


@pytest.mark.parametrize(
    ("locale", "model", "location"),
    [
        ("en-US", "whisper-base", "whisper-base"),  # measured best for its cost
        ("en-us", "whisper-base", "whisper-base"),
        ("en-GB", "whisper-base", "whisper-base@en-GB"),
        ("de-DE", "whisper-base", "whisper-base@de-DE"),  # the multilingual model
        ("DE-de", "whisper-base", "whisper-base@de-DE"),  # spelled as the model spells it
        ("ja-JP", "whisper-base", "whisper-base@ja-JP"),
    ],
)
def test_each_locale_gets_its_default_base_model(locale: str, model: str, location: str) -> None:
    assert default_base_model(locale).name == model
    assert default_base_location(locale) == location
    assert model_location(None, locale) == location


def test_sphinx_is_the_default_where_it_is_the_only_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the Whisper weight packages installed, en-US has only the sphinx model left
    monkeypatch.setattr(weights, "is_installed", lambda name: False)
    assert default_base_model("en-US").name == "sphinx-en-us"
    with pytest.raises(ModelError, match="no installed base model serves de-DE"):
        default_base_model("de-DE")


def test_a_locale_no_model_serves_is_an_invalid_locale() -> None:
    with pytest.raises(ModelError, match="xx-XX") as error:
        default_base_model("xx-XX")
    assert error.value.inner_code == "InvalidLocale"


def test_base_and_sphinx_en_us_still_name_the_sphinx_model() -> None:
    for name in ("base", "sphinx-en-us"):
        model = find_base_model(name)
        assert model is not None and model.engine == "pocketsphinx"
        assert model_location(name) == "sphinx-en-us"
        assert load_bundle(name).engine == "pocketsphinx"
    with pytest.raises(ModelError, match="sphinx-en-us does not serve de-DE"):
        model_location("base", "de-DE")


def test_a_named_model_takes_the_locale_and_a_bundle_keeps_its_own(tmp_path: Path) -> None:
    assert model_location("whisper-base", "fr-FR") == "whisper-base@fr-FR"
    assert model_location("whisper-base@fr-FR", "de-DE") == "whisper-base@fr-FR"  # said so
    bundle_dir = str(tmp_path / "a@model")  # a folder, even with the mark in its name
    assert model_location(bundle_dir, "de-DE") == bundle_dir
    assert find_base_location(bundle_dir) is None
    with pytest.raises(ModelError, match=r"whisper-tiny\.en does not serve de-DE"):
        find_base_location("whisper-tiny.en@de-DE")


def test_a_multilingual_bundle_decodes_in_the_locale_it_was_loaded_for(
    model_cache: Path,
) -> None:
    german = load_bundle("whisper-base@de-DE")
    english = load_bundle("whisper-base")
    assert (german.locale, english.locale) == ("de-DE", "en-US")
    assert german.name == english.name == "whisper-base"  # what a trained model records
    assert german.identity != english.identity  # decoders cached apart
    assert german.model_dir.parent == model_cache
