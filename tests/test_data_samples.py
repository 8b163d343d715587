"""Every official Azure sample parses with no rejections; AN4 and FSDD parse completely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SHARED_DATA
from voxtune.data import (
    DatasetKind,
    LanguageMarkdown,
    OutputFormattingDataset,
    check_dataset,
    iter_audio,
    parse_acoustic,
    parse_dataset,
)

AZURE_SAMPLES = SHARED_DATA / "azure-samples"
# What each official sample file is (the display-formatting rules file is a .txt in the samples).
SAMPLE_KINDS = {
    "audio-and-trans.zip": DatasetKind.ACOUSTIC,
    "audio.zip": DatasetKind.AUDIO_FILES,
    "related-text.txt": DatasetKind.LANGUAGE,
    "plain-text.txt": DatasetKind.LANGUAGE,
    "data_text.txt": DatasetKind.LANGUAGE,
    "structured-text.md": DatasetKind.LANGUAGE_MARKDOWN,
    "pronunciation.txt": DatasetKind.PRONUNCIATION,
    "data_display-format.txt": DatasetKind.OUTPUT_FORMATTING,
}
NOT_DATA = {"README.md", "LICENSE"}
SAMPLES = sorted(p for p in AZURE_SAMPLES.rglob("*") if p.is_file() and p.name not in NOT_DATA)


def test_every_sample_file_has_a_kind() -> None:
    assert len(SAMPLES) >= 40  # 9 locales of zips and text
    assert {p.name for p in SAMPLES} <= set(SAMPLE_KINDS)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(AZURE_SAMPLES)))
def test_official_sample_parses_without_rejections(path: Path) -> None:
    locale = path.relative_to(AZURE_SAMPLES).parts[0]
    report = check_dataset(path, SAMPLE_KINDS[path.name], locale)
    assert report.rejected == 0, report.rejected_entries
    assert report.accepted >= 1
    assert report.notes == ()
    json.dumps(report.to_json())  # storable as-is


def test_long_training_files_are_text_only_not_rejected() -> None:
    # Official training samples hold files over Azure's 40 s training limit (es-ES 46.7 s).
    dataset = parse_acoustic(AZURE_SAMPLES / "es-ES/training/audio-and-trans.zip", "es-ES")
    by_name = {u.name: u for u in dataset.utterances}
    assert by_name["audio1.wav"].text_only and by_name["audio1.wav"].duration_s > 40
    assert not by_name["audio2.wav"].text_only
    assert "text only" in dataset.report.entries[0].reason


def test_testing_transcript_trailing_nbsp_is_trimmed() -> None:
    dataset = parse_acoustic(AZURE_SAMPLES / "en-US/general/testing/audio-and-trans.zip")
    (utterance,) = dataset.utterances
    assert not utterance.transcript.endswith("\u00a0")
    assert utterance.normalized.startswith("once the test is complete")


def test_structured_text_sample_keeps_lists_as_classes() -> None:
    path = AZURE_SAMPLES / "en-US/general/training/structured-text.md"
    parsed = parse_dataset(path, DatasetKind.LANGUAGE_MARKDOWN)
    assert isinstance(parsed, LanguageMarkdown)
    assert [w.name for w in parsed.lists] == ["locale", "programming_language"]
    assert parsed.lexicon[0].word == ".net"
    assert parsed.lexicon[0].phones == ("D", "AO", "T", "N", "EH", "T")
    # ".net" has a lexicon entry, so normalization keeps it instead of turning it into "net".
    assert ".net" in parsed.word_list("programming_language").normalized
    assert parsed.templates[0].normalized.endswith("{@locale}")
    assert len(parsed.templates) == 3


def test_media_entities_sample_flags_damaged_text_but_accepts_it() -> None:
    path = AZURE_SAMPLES / "en-US/media-entities/training/structured-text.md"
    report = check_dataset(path, DatasetKind.LANGUAGE_MARKDOWN)
    assert report.accepted == 1800 and report.rejected == 0
    reasons = {entry.line: entry.reason for entry in report.entries}
    assert "pokémon" in reasons[755]
    assert "doubled quote" in reasons[237]


def test_display_format_sample_is_output_formatting_rules() -> None:
    path = AZURE_SAMPLES / "en-US/display-formatting/training/data_display-format.txt"
    parsed = parse_dataset(path, DatasetKind.OUTPUT_FORMATTING)
    assert isinstance(parsed, OutputFormattingDataset)
    rules = parsed.rules
    assert [p.pattern for p in rules.itn] == ["cat-\\d", "\\d\\d{to>-}\\d\\d {K>cadence}"]
    assert len(rules.rewrites) == 16 and rules.rewrites[0].replacement == "E2E"
    assert [p.phrase for p in rules.profanity] == ["fake word", "masked word"]
    assert len(rules.tests) == 20


def test_an4_dev(an4_dev_zip: Path) -> None:
    dataset = parse_acoustic(an4_dev_zip)
    assert dataset.report.accepted == 113 and dataset.report.rejected == 0
    assert len(dataset.utterances) == 113
    assert round(dataset.report.audio_duration_s / 60, 1) == 4.7  # 279.2 s
    first = dataset.utterances[0]
    assert (first.name, first.transcript, first.normalized) == ("an251-fash-b.wav", "YES", "yes")
    assert first.sample_rate_hz == 16_000 and first.channels == 1


def test_an4_dev_audio_reads_back_from_the_zip(an4_dev_zip: Path) -> None:
    dataset = parse_acoustic(an4_dev_zip)
    pairs = list(iter_audio(dataset))
    assert [u for u, _ in pairs] == list(dataset.utterances)
    assert all(audio.startswith(b"RIFF") for _, audio in pairs)


@pytest.mark.slow
def test_fsdd(fsdd_zip: Path) -> None:
    dataset = parse_acoustic(fsdd_zip)
    assert dataset.report.accepted == 2000 and dataset.report.rejected == 0
    assert {u.sample_rate_hz for u in dataset.utterances} == {8000}
    assert dataset.utterances[0].normalized == "zero"
