"""PocketsphinxRecognizer.recognize on real speech: transcripts, timings, N-best, long audio."""

from __future__ import annotations

import dataclasses
import itertools
import re
import zipfile
from pathlib import Path

import jiwer
import numpy as np
import pytest

from voxtune.audio import Audio, load_audio
from voxtune.engine import (
    PocketsphinxRecognizer,
    RecognitionOptions,
    RecognitionResult,
    load_bundle,
    open_recognizer,
)
from voxtune.errors import ModelError
from voxtune.units import TICKS_PER_SECOND

RATE = 16_000
SMOKE_WAVS = [
    "sense_and_sensibility_01_austen_64kb-0870.wav",
    "sense_and_sensibility_01_austen_64kb-0880.wav",
    "sense_and_sensibility_01_austen_64kb-0890.wav",
    "sense_and_sensibility_01_austen_64kb-0920.wav",
    "sense_and_sensibility_01_austen_64kb-0930.wav",
]
AN4_CLIPS = ["an251-fash-b.wav", "an255-fash-b.wav", "cen7-fash-b.wav", "an131-fkdo-b.wav"]


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def transcripts(smoke_dir: Path) -> dict[str, str]:
    lines = (smoke_dir / "trans.txt").read_text(encoding="utf-8-sig").splitlines()
    return dict(line.split("\t", 1) for line in lines if line.strip())


def long_clip(smoke_dir: Path) -> tuple[Audio, list[float]]:
    """The five smoke clips joined by 1 s of silence (~29 s), and where each clip starts."""
    parts, starts, position = [], [], 0
    for name in SMOKE_WAVS:
        samples = load_audio(smoke_dir / name).samples
        starts.append(position / RATE)
        parts += [samples, np.zeros(RATE, dtype=np.float32)]
        position += len(samples) + RATE
    return Audio(np.concatenate(parts[:-1]), RATE, name="smoke-long"), starts


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return open_recognizer("base")


@pytest.fixture(scope="module")
def an4_audio(an4_dev_zip: Path) -> dict[str, Audio]:
    with zipfile.ZipFile(an4_dev_zip) as archive:
        return {name: load_audio(archive.read(name), name=name) for name in AN4_CLIPS}


@pytest.fixture(scope="module")
def an4_results(
    recognizer: PocketsphinxRecognizer, an4_audio: dict[str, Audio]
) -> dict[str, RecognitionResult]:
    return {name: recognizer.recognize(audio) for name, audio in an4_audio.items()}


def test_jfk_at_its_native_rate_gives_a_sensible_transcript(
    recognizer: PocketsphinxRecognizer, smoke_dir: Path
) -> None:
    audio = load_audio(smoke_dir / "jfk.flac", target_rate_hz=None)  # 44.1 kHz: engine resamples
    assert audio.sample_rate_hz == 44_100
    result = recognizer.recognize(audio)
    reference = normalize(transcripts(smoke_dir)["jfk.flac"])
    assert jiwer.wer(reference, result.lexical) < 0.5
    assert "country" in result.lexical.split()
    assert result.duration_ticks == 11 * TICKS_PER_SECOND
    assert result.source == audio.name


def test_words_are_timed_in_order_within_the_audio(
    an4_audio: dict[str, Audio], an4_results: dict[str, RecognitionResult]
) -> None:
    for name, result in an4_results.items():
        words = result.words
        assert words, name
        assert result.duration_ticks == round(an4_audio[name].duration_s * TICKS_PER_SECOND)
        for word in words:
            assert word.duration_ticks > 0
            assert 0.0 <= word.confidence <= 1.0
            assert word.text == word.text.lower() and "(" not in word.text
        for before, after in itertools.pairwise(words):
            assert before.offset_ticks + before.duration_ticks <= after.offset_ticks
        assert words[0].offset_ticks >= 0
        assert words[-1].offset_ticks + words[-1].duration_ticks <= result.duration_ticks
        for phrase in result.phrases:
            assert phrase.lexical == " ".join(w.text for w in phrase.words)
            assert phrase.offset_ticks == phrase.words[0].offset_ticks


def test_nbest_alternatives_are_distinct_sorted_and_sum_to_at_most_one(
    an4_results: dict[str, RecognitionResult],
) -> None:
    phrases = [p for result in an4_results.values() for p in result.phrases]
    assert any(len(p.alternatives) > 1 for p in phrases)
    for phrase in phrases:
        alternatives = phrase.alternatives
        assert 1 <= len(alternatives) <= 5
        texts = [a.lexical for a in alternatives]
        assert len(set(texts)) == len(texts)
        confidences = [a.confidence for a in alternatives]
        assert confidences == sorted(confidences, reverse=True)
        assert confidences[0] > 0.0 and sum(confidences) <= 1.0 + 1e-9


def test_same_audio_gives_the_same_result_whatever_came_before(
    recognizer: PocketsphinxRecognizer,
    an4_audio: dict[str, Audio],
    an4_results: dict[str, RecognitionResult],
) -> None:
    first = AN4_CLIPS[0]
    assert recognizer.recognize(an4_audio[first]) == an4_results[first]


def test_long_audio_is_split_into_phrases_where_the_clips_are(
    recognizer: PocketsphinxRecognizer, smoke_dir: Path
) -> None:
    audio, starts = long_clip(smoke_dir)
    assert audio.duration_s > 28.0
    result = recognizer.recognize(audio)
    assert len(result.phrases) >= 3
    phrase_starts = [p.offset_ticks / TICKS_PER_SECOND for p in result.phrases]
    for start in phrase_starts:
        assert min(abs(start - clip) for clip in starts) < 0.5, (phrase_starts, starts)
    offsets = [p.offset_ticks for p in result.phrases]
    assert offsets == sorted(offsets)
    reference = " ".join(normalize(transcripts(smoke_dir)[name]) for name in SMOKE_WAVS)
    assert jiwer.wer(reference, result.lexical) < 0.45


@pytest.mark.parametrize(
    "samples",
    [
        np.zeros(3 * RATE, dtype=np.float32),
        np.zeros(25 * RATE, dtype=np.float32),  # long enough to go through phrase splitting
        (np.random.default_rng(0).standard_normal(3 * RATE) * 0.003).astype(np.float32),
        np.zeros(0, dtype=np.float32),
    ],
    ids=["short-silence", "long-silence", "steady-noise", "empty"],
)
def test_silence_gives_no_phrases(recognizer: PocketsphinxRecognizer, samples: np.ndarray) -> None:
    result = recognizer.recognize(Audio(samples, RATE))
    assert result.phrases == ()
    assert result.lexical == ""
    assert result.duration_ticks == len(samples) * TICKS_PER_SECOND // RATE


def test_options_limit_alternatives_and_drop_word_timings(an4_audio: dict[str, Audio]) -> None:
    options = RecognitionOptions(max_alternatives=1, word_timestamps=False)
    plain = open_recognizer(load_bundle("base"), options)
    result = plain.recognize(an4_audio[AN4_CLIPS[1]])
    assert result.phrases
    for phrase in result.phrases:
        assert len(phrase.alternatives) == 1
        assert phrase.words == ()
        assert phrase.lexical


def test_a_model_that_does_not_load_is_a_model_error(tmp_path: Path) -> None:
    broken = load_bundle("base")
    bad = dataclasses.replace(
        broken, files={**broken.files, "acoustic_model": tmp_path / "missing"}
    )
    with pytest.raises(ModelError):
        PocketsphinxRecognizer(bad)


def test_a_quiet_clip_trimmed_to_its_word_is_still_recognized(
    recognizer: PocketsphinxRecognizer, fsdd_zip: Path
) -> None:
    # These FSDD clips peak at -38..-46 dBFS and hold no pause: the phrase splitter sees no
    # noise floor to tell speech from, so short audio must not depend on its verdict.
    with zipfile.ZipFile(fsdd_zip) as archive:
        for name in ("0_theo_12.wav", "0_theo_20.wav", "0_theo_49.wav"):
            audio = load_audio(archive.read(name), name=name)
            result = recognizer.recognize(audio)
            assert result.phrases and result.lexical, name
