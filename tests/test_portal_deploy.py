""""Deploy models", the try-it box and "View fine-tuned models" in the portal, on a real
server on loopback with one job worker: a sphinx custom model (trained from text through the
REST API) deployed through the wizard, tried with real speech, listed in the catalog."""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from portal_support import (
    ZERO_ID,
    LivePortal,
    api_project,
    csrf_of,
    entity_id,
    live_portal,
    post_form,
)
from test_api_support import base_model_url
from voxtune.service.views import BASE_MODEL_ID

CLIP = "sense_and_sensibility_01_austen_64kb-0880.wav"  # "he was not an ill disposed young man"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePortal]:
    with live_portal(tmp_path_factory.mktemp("home")) as server:
        yield server


@pytest.fixture(scope="module")
def project(live: LivePortal, smoke_dir: Path) -> dict[str, str]:
    """A project with a sphinx custom model trained from the smoke clips' transcripts."""
    created = api_project(live.api, "Dictation")
    lines = (smoke_dir / "trans.txt").read_text(encoding="utf-8-sig").splitlines()
    model = live.api.call(
        "POST", "/models", "CustomModel", 201,
        json={
            "displayName": "Austen custom", "locale": "en-US",
            "baseModel": {"self": base_model_url(live.api)},
            "project": {"self": created["self"]},
            "text": "\n".join(line.split("\t")[1].lower() for line in lines),
        },
    )
    model = live.api.wait(f"/models/{entity_id(model)}", "CustomModel")
    assert model["status"] == "Succeeded", model
    return {"id": entity_id(created), "model": entity_id(model)}


def _wizard_post(portal: httpx.Client, project_id: str, **fields: str) -> httpx.Response:
    return post_form(portal, f"/portal/projects/{project_id}/deployments/new", fields)


@pytest.fixture(scope="module")
def deployment(live: LivePortal, project: dict[str, str]) -> dict[str, str]:
    """The custom model deployed through the wizard: the page it opens."""
    response = _wizard_post(
        live.client, project["id"], model=f"models/{project['model']}", name="Austen endpoint",
        description="tried by the tests", terms="accepted",
    )
    assert response.status_code == 303, response.text
    page = live.client.get(response.headers["location"])
    assert page.status_code == 200
    return {"path": response.headers["location"], "page": page.text}


def _endpoint_id(page: str) -> str:
    match = re.search(r'<code id="endpoint-id"[^>]*>([0-9a-f-]{36})</code>', page)
    assert match, "the page shows no endpoint ID"
    return match.group(1)


def _try(portal: httpx.Client, path: str, name: str, audio: bytes) -> httpx.Response:
    token = csrf_of(portal.get(path).text)
    return portal.post(
        f"{path}/try", data={"csrf_token": token}, files={"audio": (name, audio, "audio/wav")}
    )


def _text_of(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', page, re.S)
    assert match, f"no #{element_id} on the page"
    return html.unescape(match.group(1)).strip()


def test_the_wizard_offers_the_custom_and_base_models(
    live: LivePortal, project: dict[str, str]
) -> None:
    page = live.client.get(f"/portal/projects/{project['id']}/deployments/new").text
    assert f'value="models/{project["model"]}"' in page and ">Austen custom<" in page
    assert f'value="models/base/{BASE_MODEL_ID}"' in page
    assert "I agree that this deployment is used under the terms" in page
    assert "BSD" in page  # the sphinx base model's licence is named


def test_the_terms_checkbox_is_required(live: LivePortal, project: dict[str, str]) -> None:
    response = _wizard_post(
        live.client, project["id"], model=f"models/base/{BASE_MODEL_ID}", name="No terms"
    )
    assert response.status_code == 400
    assert "tick &#34;I agree&#34;" in response.text or 'tick "I agree"' in response.text
    listed = live.api.call("GET", f"/projects/{project['id']}/endpoints", "PaginatedEndpoints", 200)
    assert "No terms" not in [e["displayName"] for e in listed["values"]]


def test_a_model_that_is_not_there_is_refused_in_words(
    live: LivePortal, project: dict[str, str]
) -> None:
    response = _wizard_post(
        live.client, project["id"], model=f"models/{ZERO_ID}", name="Ghost", terms="accepted"
    )
    assert response.status_code == 400
    assert f"no model with id {ZERO_ID}" in response.text and "Traceback" not in response.text


def test_the_deployment_page_shows_its_endpoint_id_urls_and_snippets(
    deployment: dict[str, str], live: LivePortal, project: dict[str, str]
) -> None:
    page = deployment["page"]
    endpoint_id = _endpoint_id(page)
    listed = live.api.call("GET", f"/projects/{project['id']}/endpoints", "PaginatedEndpoints", 200)
    [endpoint] = [e for e in listed["values"] if e["displayName"] == "Austen endpoint"]
    assert entity_id(endpoint) == endpoint_id
    assert endpoint["model"]["self"].split("?")[0].endswith(f"/models/{project['model']}")
    base_url = live.base_url
    short = _text_of(page, "url-short-audio")
    assert short == (
        f"{base_url}/speech/recognition/conversation/cognitiveservices/v1"
        f"?language=en-US&cid={endpoint_id}"
    )
    assert _text_of(page, "url-web-socket") == endpoint["links"]["webSocket"]
    assert _text_of(page, "url-resource") == endpoint["self"]
    sdk = _text_of(page, "snippet-sdk")
    assert f'SpeechConfig(host="{base_url.replace("http", "ws")}", subscription=KEY)' in sdk
    assert f'endpoint_id = "{endpoint_id}"' in sdk
    assert f'endpoint_id="{endpoint_id}"' in page  # what the browser walk reads
    for element in ("endpoint-id", "url-short-audio", "snippet-curl", "snippet-client"):
        assert f'data-copy="{element}"' in page


def test_the_short_audio_url_and_the_python_snippets_work(
    deployment: dict[str, str], live: LivePortal, smoke_dir: Path, tmp_path: Path
) -> None:
    key = live.key
    page = deployment["page"]
    audio = (smoke_dir / CLIP).read_bytes()
    answer = httpx.post(
        _text_of(page, "url-short-audio"), content=audio, timeout=120,
        headers={"Ocp-Apim-Subscription-Key": key, "Content-Type": "audio/wav"},
    )
    assert answer.status_code == 200, answer.text
    assert "young man" in answer.json()["DisplayText"].lower()
    (tmp_path / "audio.wav").write_bytes(audio)
    for snippet in ("snippet-client", "snippet-sdk"):  # as a user pastes them, key filled in
        code = _text_of(page, snippet).replace("YOUR_API_KEY", key)
        printed = io.StringIO()
        with contextlib.chdir(tmp_path), contextlib.redirect_stdout(printed):
            exec(compile(code, snippet, "exec"), {})
        assert "young man" in printed.getvalue().lower(), snippet


def test_the_curl_snippet_works(
    deployment: dict[str, str], live: LivePortal, smoke_dir: Path, tmp_path: Path
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    key = live.key
    (tmp_path / "audio.wav").write_bytes((smoke_dir / CLIP).read_bytes())
    script = _text_of(deployment["page"], "snippet-curl").replace("YOUR_API_KEY", key)
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        check=True,
    )
    assert "young man" in json.loads(done.stdout)["DisplayText"].lower()


def test_the_try_it_box_recognizes_a_real_clip(
    live: LivePortal, deployment: dict[str, str], smoke_dir: Path
) -> None:
    response = _try(live.client, deployment["path"], CLIP, (smoke_dir / CLIP).read_bytes())
    assert response.status_code == 200, response.text
    assert f"Result for {CLIP}" in response.text
    display = _text_of(response.text, "trial-display")
    lexical = _text_of(response.text, "trial-lexical")
    assert "young man" in display.lower(), display
    assert display[0].isupper() and display.endswith(".")  # the display form
    assert lexical == lexical.lower() and "young man" in lexical


def _silence_wav(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * int(16000 * seconds))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "audio", "words"),
    [
        ("noise.wav", b"this is not audio at all, only text" * 20, "not"),
        ("cut.wav", _silence_wav(1.0)[:30], "WAV"),
        ("empty.wav", b"", "no audio"),
    ],
)
def test_bad_audio_in_the_try_it_box_is_an_error_in_words(
    live: LivePortal, deployment: dict[str, str], name: str, audio: bytes, words: str
) -> None:
    response = _try(live.client, deployment["path"], name, audio)
    assert response.status_code == 400, response.text
    error = _text_of(response.text, "trial-error")
    assert words.lower() in error.lower(), error
    assert "Traceback" not in response.text and "<h1>" in response.text


def test_no_file_chosen_is_an_error_in_words(live: LivePortal, deployment: dict[str, str]) -> None:
    path = deployment["path"]
    token = csrf_of(live.client.get(path).text)
    response = live.client.post(
        f"{path}/try", data={"csrf_token": token},
        files={"audio": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "Choose an audio file" in _text_of(response.text, "trial-error")


def test_silence_is_no_match(live: LivePortal, deployment: dict[str, str]) -> None:
    response = _try(live.client, deployment["path"], "silence.wav", _silence_wav(1.5))
    assert response.status_code == 200
    assert "No speech was recognized" in response.text


def test_the_try_it_form_needs_its_csrf_token(
    live: LivePortal, deployment: dict[str, str], smoke_dir: Path
) -> None:
    response = live.client.post(
        f"{deployment['path']}/try", files={"audio": (CLIP, (smoke_dir / CLIP).read_bytes())}
    )
    assert response.status_code == 403


def test_an_endpoint_of_another_project_is_not_found(
    live: LivePortal, deployment: dict[str, str]
) -> None:
    other = api_project(live.api, "Other")
    endpoint_id = _endpoint_id(deployment["page"])
    response = live.client.get(f"/portal/projects/{entity_id(other)}/deployments/{endpoint_id}")
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.text


def test_the_list_and_the_catalog_show_the_model_and_its_endpoint(
    live: LivePortal, project: dict[str, str], deployment: dict[str, str]
) -> None:
    listing = live.client.get(f"/portal/projects/{project['id']}/deployments").text
    assert "<h1>Deploy models</h1>" in listing and "+ Deploy model" in listing
    assert f'href="{deployment["path"]}">Austen endpoint</a>' in listing
    assert "Austen custom" in listing  # the model it serves
    catalog = live.client.get("/portal/models")
    assert catalog.status_code == 200 and "<h1>View fine-tuned models</h1>" in catalog.text
    rows = re.findall(r"<tr>(.*?)</tr>", catalog.text, re.S)
    [row] = [r for r in rows if "Austen custom" in r]
    assert "Dictation" in row and "en-US base model (pocketsphinx)" in row
    assert f'href="{deployment["path"]}">Austen endpoint</a>' in row
    assert f'href="/portal/projects/{project["id"]}/models/{project["model"]}"' in row
    assert 'data-status="Succeeded"' in row
