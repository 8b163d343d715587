"""Training on the official Custom Speech samples: a complete, deterministic, usable bundle."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from voxtune.audio import load_audio
from voxtune.engine import load_bundle, open_recognizer
from voxtune.engine.bundle import MANIFEST_NAME
from voxtune.engine.formatting import bundle_formatter
from voxtune.errors import ConflictError, DatasetError, InvalidInputError, ModelError
from voxtune.training import TrainedModel, TrainingInputs, TrainingOptions, train


@pytest.fixture(scope="module")
def sample_inputs(azure_samples: Path) -> TrainingInputs:
    general = azure_samples / "en-US" / "general" / "training"
    return TrainingInputs(
        acoustic=[general / "audio-and-trans.zip"],
        text=[general / "related-text.txt"],
        markdown=[general / "structured-text.md"],
        pronunciation=[general / "pronunciation.txt"],
        formatting=[
            azure_samples / "en-US" / "display-formatting" / "training" / "data_display-format.txt"
        ],
        inline_text=["voxtune trains custom speech models"],
    )


@pytest.fixture(scope="module")
def trained(
    sample_inputs: TrainingInputs, tmp_path_factory: pytest.TempPathFactory
) -> TrainedModel:
    out = tmp_path_factory.mktemp("models") / "sample"
    return train("base", sample_inputs, out)


def test_bundle_is_complete_and_verifies(trained: TrainedModel) -> None:
    assert trained.bundle.root is not None
    manifest = json.loads((trained.bundle.root / MANIFEST_NAME).read_text())
    assert manifest["base"] == "sphinx-en-us" and manifest["bundle_hash"]  # "base" resolved
    bundle = load_bundle(trained.bundle.root)  # verifies every file's hash
    assert bundle.acoustic_model_dir.name == "acoustic"
    assert bundle.language_model_path.name.endswith(".lm.bin")
    assert (bundle.root / "training-report.json").is_file()  # type: ignore[operator]


def test_acoustic_model_is_adapted_not_copied(trained: TrainedModel) -> None:
    base = load_bundle("base")
    for name in ("sendump", "means"):
        adapted = (trained.bundle.acoustic_model_dir / name).read_bytes()
        assert adapted != (base.acoustic_model_dir / name).read_bytes()
    assert trained.report.acoustic is not None
    assert trained.report.acoustic.utterances_aligned >= 1
    assert trained.report.acoustic.senones_updated > 0


def test_report_records_data_lm_and_lexicon(trained: TrainedModel) -> None:
    report = trained.report
    kinds = sorted(d["kind"] for d in report.datasets)
    assert kinds == ["Acoustic", "Language", "LanguageMarkdown", "OutputFormatting",
                     "Pronunciation"]
    assert 0.0 <= report.oov_rate < 1.0
    lm = report.language_model
    assert lm.weight_chosen_by == "held-out perplexity" and 1 <= lm.weight_percent <= 100
    # Both perplexities are recorded (this sample's domain text is a few sentences, too few
    # for the mix to beat the general LM on its held-out slice: test_lm_tune checks AN4 text).
    assert lm.perplexity_base > 0 and lm.perplexity_custom > 0
    assert [w for w, _ in lm.candidates] == sorted(w for w, _ in lm.candidates)
    sources = {source for _, _, source in report.lexicon.added}
    assert "user" in sources  # the Pronunciation dataset's display forms
    assert report.formatting_files


def test_display_rules_are_tested_at_training_and_used_by_the_model(
    trained: TrainedModel,
) -> None:
    tests = trained.report.formatting_tests
    assert tests.failed == 0 and tests.passed >= 20, tests.failures  # the sample's #test lines
    formatter = bundle_formatter(trained.bundle)
    assert formatter.display("navigate to sweet relief") == "Navigate to Sweet Relief."
    assert formatter.display("twenty to thirty K") == "20-30 cadence."


def test_custom_words_are_in_the_dictionary(trained: TrainedModel) -> None:
    words = {
        line.split()[0] for line in trained.bundle.dictionary_path.read_text().splitlines()
    }
    assert "voxtune" in words  # from inline text, pronounced by G2P
    assert {w for w, _, s in trained.report.lexicon.added if s == "user"} <= words


def test_trained_model_recognizes_speech(trained: TrainedModel, smoke_dir: Path) -> None:
    recognizer = open_recognizer(trained.bundle)
    result = recognizer.recognize(load_audio(smoke_dir / "jfk.flac"))
    assert "country" in result.lexical


def test_same_inputs_give_the_same_bundle_hash(
    trained: TrainedModel, sample_inputs: TrainingInputs, tmp_path: Path
) -> None:
    again = train("base", sample_inputs, tmp_path / "again")
    first = trained.bundle.manifest["bundle_hash"]
    assert again.bundle.manifest["bundle_hash"] == first


def test_user_weight_is_used(sample_inputs: TrainingInputs, tmp_path: Path) -> None:
    inputs = TrainingInputs(text=sample_inputs.text)
    result = train("base", inputs, tmp_path / "w", TrainingOptions(weight_percent=30))
    assert result.report.language_model.weight_percent == 30
    assert result.report.language_model.weight_chosen_by == "user"
    assert result.report.acoustic is None
    assert load_bundle(tmp_path / "w").acoustic_model_dir == load_bundle("base").acoustic_model_dir


def test_failed_training_leaves_no_half_bundle(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    out = tmp_path / "models" / "m"
    with pytest.raises(DatasetError):
        train("base", TrainingInputs(acoustic=[bad]), out)
    assert not out.exists()
    assert list((tmp_path / "models").iterdir()) == []  # no temporary folder left either


def test_output_folder_in_use_is_refused(tmp_path: Path, sample_inputs: TrainingInputs) -> None:
    out = tmp_path / "m"
    out.mkdir()
    (out / "keep.txt").write_text("user data")
    with pytest.raises(ConflictError):
        train("base", TrainingInputs(text=sample_inputs.text), out)
    assert (out / "keep.txt").read_text() == "user data"


def test_weight_out_of_range_is_refused(tmp_path: Path, sample_inputs: TrainingInputs) -> None:
    with pytest.raises(InvalidInputError):
        train("base", TrainingInputs(text=sample_inputs.text), tmp_path / "m",
              TrainingOptions(weight_percent=0))


def test_text_free_datasets_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "audio.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("trans.txt", "a.wav\t\n")
    with pytest.raises((DatasetError, InvalidInputError)):
        train("base", TrainingInputs(acoustic=[empty]), tmp_path / "m")


def test_corrupt_bundle_is_refused(trained: TrainedModel, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    assert trained.bundle.root is not None
    shutil.copytree(trained.bundle.root, copy)
    (copy / "dictionary.dict").write_text("tampered 1\n")
    with pytest.raises(ModelError, match="corrupt"):
        load_bundle(copy)


def test_user_words_survive_normalization_into_the_lm_text(tmp_path: Path) -> None:
    from voxtune.lexicon import read_phone_set
    from voxtune.training.inputs import read_corpus

    pronunciation = tmp_path / "pron.txt"
    pronunciation.write_text("3CPO\tthree c p o\nIEEE\ti triple e\n", encoding="utf-8")
    inputs = TrainingInputs(pronunciation=[pronunciation],
                            inline_text=["Ask 3CPO about the IEEE standard"])
    phones = read_phone_set(load_bundle("base").acoustic_model_dir)
    corpus = read_corpus(inputs, phones, "en-US")
    assert corpus.sentences == [["ask", "3cpo", "about", "the", "ieee", "standard"]]
