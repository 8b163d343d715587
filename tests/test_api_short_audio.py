"""Short-audio REST recognition (`POST /speech/recognition/{mode}/cognitiveservices/v1`) on a
real server on loopback, with real speech, as apps written for Azure Speech call it."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from test_api_support import base_model_endpoint, live_server
from voxtune.realtime.short_audio import ShortAudioRequest, recognize_to_json
from voxtune.text.profanity import ProfanityMode

PATH = "/speech/recognition/conversation/cognitiveservices/v1"
WAV = "audio/wav; codecs=audio/pcm; samplerate=16000"
CLIP = "sense_and_sensibility_01_austen_64kb-0880.wav"  # "he was not an ill disposed young man"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home"), workers=0) as (base_url, key):
        yield base_url, key


@pytest.fixture(scope="module")
def client(server: tuple[str, str]) -> Iterator[httpx.Client]:
    base_url, key = server
    with httpx.Client(
        base_url=base_url, headers={"Ocp-Apim-Subscription-Key": key}, timeout=120
    ) as client:
        yield client


def _post(client: httpx.Client, audio: bytes, path: str = PATH, **params: Any) -> httpx.Response:
    return client.post(path, params=params, content=audio, headers={"Content-Type": WAV})


def _wav(samples: np.ndarray[Any, Any], rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def test_simple_format_gives_display_text(client: httpx.Client, smoke_dir: Path) -> None:
    response = _post(client, (smoke_dir / CLIP).read_bytes(), language="en-US")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"RecognitionStatus", "DisplayText", "Offset", "Duration"}
    assert body["RecognitionStatus"] == "Success"
    assert "young man" in body["DisplayText"].lower()
    assert body["DisplayText"][0].isupper() and body["DisplayText"][-1] in ".?"
    assert 0 <= body["Offset"] < body["Offset"] + body["Duration"] <= 3 * 10**7  # 3 s clip


def test_detailed_format_gives_nbest_forms_and_word_timings(
    client: httpx.Client, smoke_dir: Path
) -> None:
    audio = (smoke_dir / CLIP).read_bytes()
    response = _post(client, audio, language="en-us", format="detailed",
                     wordLevelTimestamps="true")
    body = response.json()
    assert body["RecognitionStatus"] == "Success" and "DisplayText" not in body
    best = body["NBest"][0]
    assert {"Confidence", "Lexical", "ITN", "MaskedITN", "Display", "Words"} <= set(best)
    assert "young man" in best["Lexical"]
    assert [w["Word"] for w in best["Words"]] == best["Lexical"].split()
    offsets = [w["Offset"] for w in best["Words"]]
    assert offsets == sorted(offsets) and all(w["Duration"] > 0 for w in best["Words"])
    confidences = [alternative["Confidence"] for alternative in body["NBest"]]
    assert confidences == sorted(confidences, reverse=True)
    without_words = _post(client, audio, language="en-US", format="detailed").json()
    assert "Words" not in without_words["NBest"][0]


def test_chunked_upload_and_bearer_token(
    server: tuple[str, str], client: httpx.Client, smoke_dir: Path
) -> None:
    base_url, _ = server
    token = client.post("/sts/v1.0/issueToken").text
    audio = (smoke_dir / CLIP).read_bytes()

    def chunks() -> Iterator[bytes]:  # no Content-Length: Transfer-Encoding: chunked
        for start in range(0, len(audio), 3200):
            yield audio[start : start + 3200]

    response = httpx.post(
        f"{base_url}/speech/recognition/interactive/cognitiveservices/v1",
        params={"language": "en-US"},
        content=chunks(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": WAV},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    assert "young man" in response.json()["DisplayText"].lower()


def test_an_endpoint_id_selects_its_model(
    server: tuple[str, str], client: httpx.Client, smoke_dir: Path
) -> None:
    cid = base_model_endpoint(*server)
    response = _post(client, (smoke_dir / CLIP).read_bytes(), cid=cid)
    assert response.status_code == 200, response.text
    assert "young man" in response.json()["DisplayText"].lower()
    unknown = _post(client, (smoke_dir / CLIP).read_bytes(),
                    cid="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404, unknown.text


def test_silence_is_no_match(client: httpx.Client) -> None:
    body = _post(client, _wav(np.zeros(32000)), language="en-US").json()
    assert body["RecognitionStatus"] == "NoMatch"


@pytest.mark.parametrize(
    ("params", "audio", "message"),
    [
        ({}, "clip", "language"),
        ({"language": "xx-XX"}, "clip", "not supported"),
        ({"language": "en-US", "format": "xml"}, "clip", "format"),
        ({"language": "en-US", "profanity": "hidden"}, "clip", "profanity"),
        ({"language": "en-US"}, "empty", "no audio"),
        ({"language": "en-US"}, "corrupt", ""),
        ({"language": "en-US"}, "long", "60 s"),
    ],
)
def test_bad_requests_are_clear_400s(
    client: httpx.Client, smoke_dir: Path, params: dict[str, str], audio: str, message: str
) -> None:
    bodies = {
        "clip": (smoke_dir / CLIP).read_bytes(),
        "empty": b"",
        "corrupt": b"RIFF\x10\x00\x00\x00WAVEfmt garbage that is not audio" * 10,
        "long": _wav(np.zeros(16000 * 61)),
    }
    response = _post(client, bodies[audio], **params)
    assert response.status_code == 400, response.text
    assert message in response.json()["message"]


def test_missing_key_is_401_and_unknown_mode_is_refused(
    server: tuple[str, str], smoke_dir: Path, client: httpx.Client
) -> None:
    base_url, _ = server
    audio = (smoke_dir / CLIP).read_bytes()
    response = httpx.post(f"{base_url}{PATH}", params={"language": "en-US"}, content=audio)
    assert response.status_code == 401
    bogus = _post(client, audio, "/speech/recognition/whisper/cognitiveservices/v1",
                  language="en-US")
    assert 400 <= bogus.status_code < 500 and bogus.status_code != 401


@pytest.mark.parametrize(
    ("mode", "shown"),
    [("Masked", "your ******* can do"), ("Removed", "your can do"), ("None", "your country")],
)
def test_profanity_parameter_shapes_every_display_form(
    rules_only_bundle: Path, smoke_dir: Path, mode: ProfanityMode, shown: str
) -> None:
    """The function the server's recognition process runs, on a model whose rules call
    "country" profane (the JFK clip says it)."""
    request = ShortAudioRequest(str(rules_only_bundle), "detailed", mode, False)
    body = recognize_to_json(request, (smoke_dir / "jfk.flac").read_bytes())
    best = body["NBest"][0]
    assert shown in best["Display"]
    assert "country" in best["Lexical"] and "*******" in best["MaskedITN"]
