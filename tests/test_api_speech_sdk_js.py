"""The real JavaScript Speech SDK (npm microsoft-cognitiveservices-speech-sdk 1.52, in Node)
against a voxtune server on loopback: it sends credentials in the query string, offers no
subprotocol and waits forever without turn.end (SDK-PROTOCOL.md section 3).

`make test` installs the package into tests/js (npm ci); without Node or npm these tests skip,
unless VOXTUNE_REQUIRE_JS_SDK is set (CI sets it), where they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
import soxr

from test_api_support import live_server
from voxtune.text.normalize import lexical_tokens

JS_DIR = Path(__file__).resolve().parent / "js"
SDK_DIR = JS_DIR / "node_modules" / "microsoft-cognitiveservices-speech-sdk"
NODE = shutil.which("node")
if NODE is None or not SDK_DIR.is_dir():
    if os.environ.get("VOXTUNE_REQUIRE_JS_SDK"):
        raise RuntimeError(f"the JavaScript SDK tests need node and {SDK_DIR} (make test)")
    pytest.skip("node or the JavaScript Speech SDK is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def host_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home"), workers=0) as (base_url, key):
        yield base_url.replace("http://", "ws://"), key


def _run(host_and_key: tuple[str, str], wav: Path, mode: str) -> dict[str, Any]:
    assert NODE is not None
    host, key = host_and_key
    done = subprocess.run(
        [NODE, str(JS_DIR / "recognize.js"), host, key, str(wav), mode],
        capture_output=True, text=True, timeout=150, cwd=JS_DIR, check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result.get("timeout"), result  # the SDK never waited for a missing message
    return result


def test_recognize_once(host_and_key: tuple[str, str], smoke_dir: Path) -> None:
    result = _run(host_and_key, smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav",
                  "once")
    (final,) = result["finals"]
    assert final["reason"] == "RecognizedSpeech" and "young man" in final["text"].lower()
    assert result["partials"] > 0


@pytest.mark.parametrize(("rate", "channels"), [(16000, 1), (44100, 2)])
def test_continuous_recognition(
    host_and_key: tuple[str, str], smoke_dir: Path, tmp_path: Path, rate: int, channels: int
) -> None:
    parts = []
    for clip in sorted(smoke_dir.glob("*.wav"))[:3]:
        samples, clip_rate = soundfile.read(clip, dtype="float32")
        parts += [samples, np.zeros(clip_rate, np.float32)]
    samples = soxr.resample(np.concatenate(parts), 16000, rate)
    if channels == 2:
        samples = np.stack([samples, samples], axis=1)
    soundfile.write(tmp_path / "three.wav", samples, rate, subtype="PCM_16")
    result = _run(host_and_key, tmp_path / "three.wav", "continuous")
    # display text as words ("cold-hearted" -> cold hearted)
    texts = [" ".join(lexical_tokens(final["text"])) for final in result["finals"]]
    assert len(texts) == 3, result
    for text, expected in zip(texts, ("leisure to consider", "young man", "cold hearted"),
                              strict=True):
        assert expected in text
    assert result.get("canceled") in (None, "EndOfStream"), result
