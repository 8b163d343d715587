"""Streaming recognition: partials while speech goes on, finals that agree with recognize()."""

from __future__ import annotations

import itertools
import re
import zipfile
from pathlib import Path

import jiwer
import numpy as np
import pytest

from voxtune.audio import Audio, load_audio
from voxtune.engine import (
    FinalPhrase,
    PartialHypothesis,
    PocketsphinxRecognizer,
    RecognitionOptions,
    StreamEvent,
    open_recognizer,
)
from voxtune.errors import EngineError
from voxtune.units import TICKS_PER_SECOND

RATE = 16_000
CHUNK_BYTES = 3200  # 100 ms of 16-bit mono at 16 kHz, what the Speech SDK sends
SMOKE_WAVS = [
    "sense_and_sensibility_01_austen_64kb-0870.wav",
    "sense_and_sensibility_01_austen_64kb-0880.wav",
    "sense_and_sensibility_01_austen_64kb-0890.wav",
    "sense_and_sensibility_01_austen_64kb-0920.wav",
    "sense_and_sensibility_01_austen_64kb-0930.wav",
]


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def transcripts(smoke_dir: Path) -> dict[str, str]:
    lines = (smoke_dir / "trans.txt").read_text(encoding="utf-8-sig").splitlines()
    return dict(line.split("\t", 1) for line in lines if line.strip())


def long_clip(smoke_dir: Path) -> Audio:
    """The five smoke clips joined by 1 s of silence (~29 s)."""
    parts = []
    for name in SMOKE_WAVS:
        parts += [load_audio(smoke_dir / name).samples, np.zeros(RATE, dtype=np.float32)]
    return Audio(np.concatenate(parts[:-1]), RATE, name="smoke-long")


def stream_all(
    recognizer: PocketsphinxRecognizer, pcm: bytes, chunk: int = CHUNK_BYTES
) -> list[StreamEvent]:
    stream = recognizer.stream()
    events: list[StreamEvent] = []
    for start in range(0, len(pcm), chunk):
        events += stream.feed(pcm[start : start + chunk])
    return events + stream.finish()


def finals_text(events: list[StreamEvent]) -> str:
    return " ".join(e.phrase.lexical for e in events if isinstance(e, FinalPhrase))


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return open_recognizer("base")


@pytest.fixture(scope="module")
def an4_clip(an4_dev_zip: Path) -> Audio:
    with zipfile.ZipFile(an4_dev_zip) as archive:
        return load_audio(archive.read("an255-fash-b.wav"), name="an255-fash-b.wav")


@pytest.fixture(scope="module")
def phrase_at_every_pause() -> PocketsphinxRecognizer:
    """recognize() cutting a phrase at every pause, as a stream does (it cannot wait to know
    the audio is short, nor join phrases without delaying finals)."""
    return open_recognizer("base", RecognitionOptions(segment_above_s=0.0, min_phrase_s=0.0))


@pytest.mark.parametrize("clip", ["jfk", "long"])
def test_streamed_finals_match_recognize(
    recognizer: PocketsphinxRecognizer,
    phrase_at_every_pause: PocketsphinxRecognizer,
    smoke_dir: Path,
    clip: str,
) -> None:
    if clip == "jfk":
        # 11 s: by default recognize() decodes it whole, and whole vs per-phrase decoding
        # differ by 0.18 WER on it (equally good against the reference): compare like with like.
        audio, recognizer = load_audio(smoke_dir / "jfk.flac"), phrase_at_every_pause
        reference = normalize(transcripts(smoke_dir)["jfk.flac"])
    else:
        # ~29 s, five clips: recognize() joins them into 3 phrases of >= 10 s, the stream
        # finalizes 5; the defaults agree to ~0.10 WER.
        audio = long_clip(smoke_dir)
        reference = " ".join(normalize(transcripts(smoke_dir)[name]) for name in SMOKE_WAVS)
    expected = recognizer.recognize(audio).lexical
    events = stream_all(recognizer, audio.to_pcm16())
    assert jiwer.wer(expected, finals_text(events)) < 0.15
    assert jiwer.wer(reference, finals_text(events)) < 0.5

    kinds = [type(e) for e in events]
    assert PartialHypothesis in kinds and FinalPhrase in kinds
    assert kinds.index(PartialHypothesis) < kinds.index(FinalPhrase)
    end_ticks = round(audio.duration_s * TICKS_PER_SECOND)
    last_offset = 0
    for event in events:
        if isinstance(event, PartialHypothesis):
            assert event.lexical and event.duration_ticks > 0
        else:
            phrase = event.phrase
            assert last_offset <= phrase.offset_ticks
            assert phrase.offset_ticks + phrase.duration_ticks <= end_ticks
            last_offset = phrase.offset_ticks + phrase.duration_ticks
    partials = [e for e in events if isinstance(e, PartialHypothesis)]
    for before, after in itertools.pairwise(partials):
        if before.offset_ticks == after.offset_ticks:  # same phrase: the text changed
            assert before.lexical != after.lexical
            assert after.duration_ticks - before.duration_ticks >= TICKS_PER_SECOND // 4


@pytest.fixture(scope="module")
def an4_finals(recognizer: PocketsphinxRecognizer, an4_clip: Audio) -> str:
    return finals_text(stream_all(recognizer, an4_clip.to_pcm16()))


def test_odd_chunk_sizes_give_the_same_finals(
    recognizer: PocketsphinxRecognizer, an4_clip: Audio, an4_finals: str
) -> None:
    assert an4_finals
    assert finals_text(stream_all(recognizer, an4_clip.to_pcm16(), 333)) == an4_finals


def test_a_stream_survives_other_use_of_its_decoder(
    recognizer: PocketsphinxRecognizer, an4_clip: Audio, an4_finals: str
) -> None:
    pcm = an4_clip.to_pcm16()
    stream = recognizer.stream()
    events: list[StreamEvent] = []
    for start in range(0, len(pcm), CHUNK_BYTES):
        events += stream.feed(pcm[start : start + CHUNK_BYTES])
        if start == 10 * CHUNK_BYTES:  # mid-phrase: another caller uses the decoder
            recognizer.recognize(an4_clip)
    events += stream.finish()
    assert finals_text(events) == an4_finals


def test_silence_streams_no_events(recognizer: PocketsphinxRecognizer) -> None:
    silence = Audio(np.zeros(3 * RATE, dtype=np.float32), RATE).to_pcm16()
    assert stream_all(recognizer, silence) == []
    assert recognizer.stream().finish() == []


def test_a_finished_stream_refuses_more_audio(recognizer: PocketsphinxRecognizer) -> None:
    stream = recognizer.stream()
    stream.finish()
    with pytest.raises(EngineError):
        stream.feed(b"\x00\x00")
    with pytest.raises(EngineError):
        stream.finish()
