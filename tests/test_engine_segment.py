"""Phrase splitting at pauses (engine/segment.py) on synthetic signals with known speech."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from voxtune.engine.segment import (
    PhraseSegmenter,
    SpeechSpan,
    join_short_phrases,
    split_phrases,
)

RATE = 16_000
Signal = npt.NDArray[np.float32]


def noise(seconds: float, level: float, seed: int = 0) -> Signal:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(round(seconds * RATE)) * level).astype(np.float32)


def babble(seconds: float, seed: int = 1) -> Signal:
    """Speech-like: a loud 200 Hz tone with a syllable-rate (4 Hz) envelope, never quiet."""
    t = np.arange(round(seconds * RATE)) / RATE
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    tone = (0.3 * envelope * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    return tone + noise(seconds, 1e-3, seed)


def with_pauses(parts: list[tuple[str, float]]) -> tuple[Signal, list[tuple[float, float]]]:
    """Concatenate ("speech"|"pause", seconds) parts over a low noise floor; speech intervals."""
    chunks, speech, position = [], [], 0.0
    for seed, (kind, seconds) in enumerate(parts):
        if kind == "speech":
            chunks.append(babble(seconds, seed))
            speech.append((position, position + seconds))
        else:
            chunks.append(noise(seconds, 1e-3, seed))
        position += seconds
    return np.concatenate(chunks), speech


def seconds(span: SpeechSpan) -> tuple[float, float]:
    return span.start_sample / RATE, span.end_sample / RATE


def test_pauses_split_speech_into_padded_phrases() -> None:
    signal, speech = with_pauses(
        [("pause", 1.0), ("speech", 2.0), ("pause", 1.0), ("speech", 1.5), ("pause", 0.8)]
    )
    spans = split_phrases(signal, RATE, min_pause_s=0.5, max_phrase_s=30.0)
    assert len(spans) == 2
    for span, (start, end) in zip(spans, speech, strict=True):
        got_start, got_end = seconds(span)
        assert start - 0.25 <= got_start <= start  # padded by up to 0.2 s of silence
        assert end <= got_end <= end + 0.25


def test_a_pause_shorter_than_min_pause_stays_inside_the_phrase() -> None:
    signal, _ = with_pauses([("pause", 0.5), ("speech", 1.0), ("pause", 0.3), ("speech", 1.0)])
    spans = split_phrases(signal, RATE, min_pause_s=0.5, max_phrase_s=30.0)
    assert len(spans) == 1


@pytest.mark.parametrize(
    "signal",
    [np.zeros(3 * RATE, dtype=np.float32), noise(3.0, 0.01), np.zeros(0, dtype=np.float32)],
    ids=["digital-silence", "steady-noise", "empty"],
)
def test_silence_and_steady_noise_have_no_phrases(signal: Signal) -> None:
    assert split_phrases(signal, RATE, min_pause_s=0.5, max_phrase_s=30.0) == []


def test_a_click_is_not_a_phrase() -> None:
    signal = noise(2.0, 1e-3)
    signal[RATE : RATE + 480] = 0.5  # 30 ms
    assert split_phrases(signal, RATE, min_pause_s=0.5, max_phrase_s=30.0) == []


def test_long_speech_is_cut_at_its_quietest_point_below_max_length() -> None:
    signal = babble(12.0)
    dip = slice(int(7.0 * RATE), int(7.1 * RATE))  # a 100 ms near-pause, too short to split
    signal[dip] *= 0.01
    spans = split_phrases(signal, RATE, min_pause_s=0.5, max_phrase_s=8.0)
    assert len(spans) == 2
    assert abs(seconds(spans[0])[1] - 7.05) < 0.1
    assert spans[1].start_sample == spans[0].end_sample  # nothing lost at the cut
    assert all(s.end_sample - s.start_sample <= 8 * RATE for s in spans)


def test_chunked_push_finds_the_same_phrases_as_one_push() -> None:
    signal, _ = with_pauses([("pause", 0.7), ("speech", 1.2), ("pause", 1.0), ("speech", 0.9)])
    whole = split_phrases(signal, RATE, min_pause_s=0.5, max_phrase_s=30.0)
    segmenter = PhraseSegmenter(RATE, min_pause_s=0.5, max_phrase_s=30.0)
    chunked: list[SpeechSpan] = []
    for start in range(0, len(signal), 1234):  # pieces that are not whole frames
        chunked.extend(segmenter.push(signal[start : start + 1234]))
    chunked.extend(segmenter.flush())
    assert len(chunked) == len(whole) == 2
    for live, batch in zip(chunked, whole, strict=True):
        assert abs(live.start_sample - batch.start_sample) <= 0.05 * RATE
        assert abs(live.end_sample - batch.end_sample) <= 0.05 * RATE


def test_live_segmenter_reports_phrase_in_progress_and_keeps_its_audio() -> None:
    signal, _ = with_pauses([("pause", 1.0), ("speech", 1.0)])
    segmenter = PhraseSegmenter(RATE, min_pause_s=0.5, max_phrase_s=30.0)
    assert segmenter.push(signal) == []
    start = segmenter.phrase_start_sample()
    assert start is not None and abs(start / RATE - 0.8) < 0.1
    assert segmenter.retain_from_sample() <= start
    (span,) = segmenter.flush()
    assert span.start_sample == start and span.end_sample == len(signal)
    assert segmenter.phrase_start_sample() is None


def test_short_phrases_are_joined_up_to_the_minimum_length() -> None:
    second = RATE
    spans = [
        SpeechSpan(0, 3 * second),
        SpeechSpan(4 * second, 9 * second),
        SpeechSpan(10 * second, 12 * second),  # joins: the phrase so far is 9 s < 10 s
        SpeechSpan(13 * second, 14 * second),  # starts a new one: the last is 12 s long
        SpeechSpan(15 * second, 40 * second),  # would make 27 s > max 20 s: stays apart
    ]
    joined = join_short_phrases(spans, RATE, min_phrase_s=10.0, max_phrase_s=20.0)
    assert joined == [
        SpeechSpan(0, 12 * second),
        SpeechSpan(13 * second, 14 * second),
        SpeechSpan(15 * second, 40 * second),
    ]
