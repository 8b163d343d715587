"""The real Azure Speech SDK (Python, 1.53) against a voxtune server on loopback: single-shot
and continuous recognition over the WebSocket protocol, partial results, detailed output,
endpoint ids, audio formats the SDK sends unconverted, and refusals that do not hang."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azure.cognitiveservices.speech as speechsdk
import numpy as np
import pytest
import soundfile
import soxr

from test_api_support import base_model_endpoint, live_server
from voxtune.text.normalize import lexical_tokens

CLIP = "sense_and_sensibility_01_austen_64kb-0880.wav"  # "he was not an ill disposed young man"
# Words the base model gets right in the first three smoke clips (each followed by 1 s of
# silence in the stream).
PHRASES = ("leisure to consider", "young man", "cold hearted")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home"), workers=0) as (base_url, key):
        yield base_url.replace("http://", "ws://"), key


def _config(server: tuple[str, str], **properties: Any) -> speechsdk.SpeechConfig:
    host, key = server
    config = speechsdk.SpeechConfig(host=host, subscription=key)
    config.speech_recognition_language = "en-US"
    for name, value in properties.items():
        setattr(config, name, value)
    return config


def _recognizer(config: speechsdk.SpeechConfig, wav: Path) -> speechsdk.SpeechRecognizer:
    audio = speechsdk.audio.AudioConfig(filename=str(wav))
    return speechsdk.SpeechRecognizer(speech_config=config, audio_config=audio)


@pytest.fixture(scope="module")
def three_phrases(smoke_dir: Path) -> np.ndarray[Any, Any]:
    parts = []
    for clip in sorted(smoke_dir.glob("*.wav"))[:3]:
        samples, rate = soundfile.read(clip, dtype="float32")
        assert rate == 16000
        parts += [samples, np.zeros(rate, np.float32)]
    return np.concatenate(parts)


def _wav(samples: np.ndarray[Any, Any], path: Path, rate: int = 16000, channels: int = 1,
         subtype: str = "PCM_16") -> Path:
    if rate != 16000:
        samples = soxr.resample(samples, 16000, rate)
    if channels == 2:
        samples = np.stack([samples, samples], axis=1)
    soundfile.write(path, samples, rate, subtype=subtype)
    return path


def test_recognize_once_gives_partials_and_a_display_result(
    server: tuple[str, str], smoke_dir: Path
) -> None:
    recognizer = _recognizer(_config(server), smoke_dir / CLIP)
    partials: list[str] = []
    recognizer.recognizing.connect(lambda event: partials.append(event.result.text))
    started = time.monotonic()
    result = recognizer.recognize_once()
    assert result.reason == speechsdk.ResultReason.RecognizedSpeech, result.cancellation_details
    assert "young man" in result.text.lower()
    assert result.text[0].isupper() and result.text[-1] in ".?"
    assert result.duration > 0 and partials
    # Partials grow towards the result. Whisper (en-US's default) shows only the words two
    # decodes agree on, so the last partial may stop short of the last words, and the final
    # decode of the whole phrase may still revise one word (seen in CI under load: partial
    # "an ill disposed", final "an ill-sposed"), as Azure's partials may be revised too.
    heard, said = lexical_tokens(partials[-1]), lexical_tokens(result.text)
    agreeing = sum(a == b for a, b in zip(heard, said, strict=False))
    assert len(heard) >= 2 and agreeing >= len(heard) - 1, (partials, result.text)
    assert heard[:2] == said[:2], (partials, result.text)
    assert time.monotonic() - started < 30  # no protocol stall (the SDK would wait ~70 s)


@pytest.fixture(scope="module")
def sphinx_endpoint(server: tuple[str, str]) -> str:
    """The format tests test the SDK's audio formats, not an engine: the fast sphinx model."""
    host, key = server
    return base_model_endpoint(host.replace("ws://", "http://"), key)


@pytest.mark.parametrize(
    ("rate", "channels", "subtype"),
    [(16000, 1, "PCM_16"), (44100, 2, "PCM_16"), (8000, 1, "PCM_16"), (48000, 1, "FLOAT")],
)
def test_continuous_recognition_of_each_format_the_sdk_sends(
    server: tuple[str, str], three_phrases: np.ndarray[Any, Any], tmp_path: Path,
    sphinx_endpoint: str, rate: int, channels: int, subtype: str,
) -> None:
    wav = _wav(three_phrases, tmp_path / "three.wav", rate, channels, subtype)
    recognizer = _recognizer(_config(server, endpoint_id=sphinx_endpoint), wav)
    finals: list[tuple[str, int]] = []
    stopped = threading.Event()
    recognizer.recognized.connect(  # display text as words: "cold-hearted" -> cold hearted
        lambda event: finals.append((" ".join(lexical_tokens(event.result.text)),
                                     event.result.offset))
        if event.result.reason == speechsdk.ResultReason.RecognizedSpeech
        else None
    )
    recognizer.session_stopped.connect(lambda _event: stopped.set())
    recognizer.canceled.connect(lambda _event: stopped.set())  # EndOfStream at the file's end
    recognizer.start_continuous_recognition()
    assert stopped.wait(120)
    recognizer.stop_continuous_recognition()
    assert len(finals) == len(PHRASES), finals
    for (text, _), expected in zip(finals, PHRASES, strict=True):
        assert expected in text, (expected, text)
    offsets = [offset for _, offset in finals]
    assert offsets == sorted(offsets) and offsets[1] > 70_000_000  # the second clip is at 8.1 s


def test_detailed_output_with_word_timings(server: tuple[str, str], smoke_dir: Path) -> None:
    config = _config(server, output_format=speechsdk.OutputFormat.Detailed)
    config.request_word_level_timestamps()
    result = _recognizer(config, smoke_dir / CLIP).recognize_once()
    assert result.reason == speechsdk.ResultReason.RecognizedSpeech
    detailed = json.loads(result.json)
    best = detailed["NBest"][0]
    assert {"Lexical", "ITN", "MaskedITN", "Display", "Confidence", "Words"} <= set(best)
    assert "young man" in best["Lexical"]
    assert [word["Word"] for word in best["Words"]] == best["Lexical"].split()


def test_an_endpoint_id_selects_the_deployed_model(
    server: tuple[str, str], smoke_dir: Path
) -> None:
    host, key = server
    config = _config(server)
    config.endpoint_id = base_model_endpoint(host.replace("ws://", "http://"), key)
    result = _recognizer(config, smoke_dir / CLIP).recognize_once()
    assert result.reason == speechsdk.ResultReason.RecognizedSpeech
    assert "young man" in result.text.lower()


def test_a_whisper_endpoint_streams_partials_and_phrases(
    server: tuple[str, str], three_phrases: np.ndarray[Any, Any], tmp_path: Path
) -> None:
    host, key = server
    config = _config(server)
    config.endpoint_id = base_model_endpoint(host.replace("ws://", "http://"), key,
                                             "whisper-tiny.en")
    recognizer = _recognizer(config, _wav(three_phrases, tmp_path / "three.wav"))
    finals: list[str] = []
    partials: list[str] = []
    stopped = threading.Event()
    recognizer.recognizing.connect(lambda event: partials.append(event.result.text))
    recognizer.recognized.connect(
        lambda event: finals.append(event.result.text.lower())
        if event.result.reason == speechsdk.ResultReason.RecognizedSpeech
        else None
    )
    recognizer.session_stopped.connect(lambda _event: stopped.set())
    recognizer.canceled.connect(lambda _event: stopped.set())
    recognizer.start_continuous_recognition()
    assert stopped.wait(120)
    recognizer.stop_continuous_recognition()
    assert partials
    assert len(finals) == len(PHRASES), finals
    for text, expected in zip(finals, PHRASES, strict=True):
        assert expected.replace(" ", "") in text.replace(" ", "").replace("-", ""), (expected, text)


def test_silence_is_no_match(server: tuple[str, str], tmp_path: Path) -> None:
    wav = _wav(np.zeros(32000, np.float32), tmp_path / "silence.wav")
    result = _recognizer(_config(server), wav).recognize_once()
    assert result.reason == speechsdk.ResultReason.NoMatch


def test_a_wrong_key_is_refused_without_hanging(
    server: tuple[str, str], smoke_dir: Path
) -> None:
    host, _ = server
    config = speechsdk.SpeechConfig(host=host, subscription="not-a-key")
    started = time.monotonic()
    result = _recognizer(config, smoke_dir / CLIP).recognize_once()
    assert result.reason == speechsdk.ResultReason.Canceled
    assert result.cancellation_details.reason == speechsdk.CancellationReason.Error
    assert time.monotonic() - started < 30
