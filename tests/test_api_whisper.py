"""Whisper base models through the REST API on a real loopback server: listed with their
features and locales, deployed to an endpoint, and recognizing through short-audio REST."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from test_api_support import Api, live_server, validate

CLIP = "sense_and_sensibility_01_austen_64kb-0880.wav"  # "he was not an ill disposed young man"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("VOXTUNE_MODEL_CACHE", str(home / "models"))
    with live_server(home, workers=0) as (base_url, key):
        client = Api(base_url, key)
        yield client
        client.close()
    mp.undo()


def _base_models(api: Api) -> list[dict[str, object]]:
    values: list[dict[str, object]] = api.call(
        "GET", "/models/base", "PaginatedBaseModels", 200, params={"top": 100}
    )["values"]
    return values


def test_base_models_list_every_engine_and_locale(api: Api) -> None:
    models = _base_models(api)
    for body in models:
        validate(body, "BaseModel")
    names = {(m["properties"]["baseModelName"], m["locale"]) for m in models}  # type: ignore[index]
    assert ("sphinx-en-us", "en-US") in names
    assert ("whisper-tiny.en", "en-US") in names
    assert ("whisper-base", "de-DE") in names and ("whisper-base", "fr-FR") in names
    assert ("whisper-tiny.en", "de-DE") not in names  # an English-only model
    whisper = next(m for m in models if m["properties"]["baseModelName"] == "whisper-base")  # type: ignore[index]
    assert "Acoustic" in whisper["properties"]["features"]["supportsAdaptationsWith"]  # type: ignore[index]


def test_a_whisper_endpoint_recognizes_short_audio(api: Api, smoke_dir: Path) -> None:
    tiny = next(
        m for m in _base_models(api)
        if m["properties"]["baseModelName"] == "whisper-tiny.en" and m["locale"] == "en-US"  # type: ignore[index]
    )
    endpoint = api.call(
        "POST", "/endpoints", "Endpoint", 201,
        json={"displayName": "tiny", "locale": "en-US", "model": {"self": tiny["self"]}},
    )
    endpoint_id = str(endpoint["self"]).rsplit("/", 1)[1].split("?")[0]
    response = api.client.post(
        "/speech/recognition/conversation/cognitiveservices/v1",
        params={"cid": endpoint_id, "format": "detailed"},
        content=(smoke_dir / CLIP).read_bytes(),
        headers={"Content-Type": "audio/wav"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["RecognitionStatus"] == "Success"
    assert "ill disposed young man" in body["NBest"][0]["Lexical"]
