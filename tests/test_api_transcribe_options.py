"""Options of synchronous transcription (`transcriptions:transcribe`): what the engine cannot
honour is refused with the spec's error codes instead of being silently ignored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_api_support import Api, live_server
from voxtune.service.transcribe_now import recognize_to_json
from voxtune.text.profanity import ProfanityMode


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with live_server(tmp_path_factory.mktemp("home"), workers=0) as (base_url, key):
        client = Api(base_url, key)
        yield client
        client.close()


def _transcribe(api: Api, audio: Path, definition: dict[str, Any], expect: int) -> Any:
    return api.call(
        "POST",
        "/transcriptions:transcribe",
        "TranscribeResult" if expect == 200 else "Error",
        expect,
        files={"audio": (audio.name, audio.read_bytes(), "audio/wav")},
        data={"definition": json.dumps(definition)},
    )


@pytest.mark.parametrize(
    ("definition", "inner_code"),
    [
        ({"enhancedMode": {"enabled": True, "task": "transcribe"}}, "InvalidParameter"),
        ({"diarization": {"enabled": True, "maxSpeakers": 2}}, "InvalidParameter"),
        ({"channels": [0, 1]}, "BadChannelConfiguration"),
        ({"channels": [1]}, "BadChannelConfiguration"),
        ({"channels": [0, 0]}, "InvalidChannels"),
        ({"channels": [0, 1, 2]}, "InvalidChannels"),
        ({"profanityFilterMode": "Hidden"}, "InvalidRequestBodyFormat"),
    ],
)
def test_options_the_engine_cannot_honour_are_refused(
    api: Api, smoke_dir: Path, definition: dict[str, Any], inner_code: str
) -> None:
    clip = sorted(smoke_dir.glob("*.wav"))[0]
    error = _transcribe(api, clip, {"locales": ["en-US"], **definition}, 400)
    assert error["innerError"]["code"] == inner_code


def test_accepted_options_still_transcribe(api: Api, smoke_dir: Path) -> None:
    clip = sorted(smoke_dir.glob("*.wav"))[0]
    definition = {
        "locales": ["en-US"],
        "channels": [0],
        "profanityFilterMode": "Masked",
        "enhancedMode": {"enabled": False},
        "phraseList": {"phrases": ["voxtune"], "biasingWeight": 1.0},
    }
    result = _transcribe(api, clip, definition, 200)
    assert result["combinedPhrases"][0]["text"] and result["durationMilliseconds"] > 0
    assert result["combinedPhrases"][0]["text"][0].isupper()  # display text, as Azure's


@pytest.mark.parametrize(
    ("mode", "shown"),
    [
        ("Masked", "your ******* can do"),
        ("Removed", "your can do"),
        ("Tags", "your <profanity>country</profanity> can do"),
        ("None", "your country can do"),
    ],
)
def test_profanity_filter_mode_shapes_the_text(
    rules_only_bundle: Path, smoke_dir: Path, mode: ProfanityMode, shown: str
) -> None:
    """The function the API's transcription process runs, on a model whose rules call
    "country" profane (the base model's built-in list has no word the clip says)."""
    audio = (smoke_dir / "jfk.flac").read_bytes()
    result = recognize_to_json(str(rules_only_bundle), audio, "en-US", mode)
    assert shown in result["combinedPhrases"][0]["text"]
    assert any(shown in phrase["text"] for phrase in result["phrases"])


@pytest.mark.parametrize(
    "properties", [{"punctuationMode": "Everywhere"}, {"profanityFilterMode": "Hidden"}]
)
def test_batch_transcription_modes_outside_the_spec_are_refused(
    api: Api, properties: dict[str, Any]
) -> None:
    error = api.call(
        "POST",
        "/transcriptions:submit",
        "Error",
        400,
        json={
            "displayName": "bad mode",
            "locale": "en-US",
            "contentUrls": ["https://example.com/a.wav"],
            "properties": properties,
        },
    )
    assert error["innerError"]["code"] == "InvalidRequestBodyFormat", error
