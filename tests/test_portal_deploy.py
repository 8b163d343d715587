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
from typing import Any

import httpx
import pytest

from test_api_support import Api, base_model_url, live_server
from test_portal_auth import csrf_of, signed_in
from voxtune.service.views import BASE_MODEL_ID

CLIP = "sense_and_sensibility_01_austen_64kb-0880.wav"  # "he was not an ill disposed young man"
ZERO_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home"), workers=1) as (base_url, key):
        yield base_url, key


@pytest.fixture(scope="module")
def api(server: tuple[str, str]) -> Iterator[Api]:
    client = Api(*server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def portal(server: tuple[str, str]) -> Iterator[httpx.Client]:
    with signed_in(*server) as client:
        client.timeout = httpx.Timeout(120)
        yield client


def _id(body: dict[str, Any]) -> str:
    return str(body["self"]).split("?")[0].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def project(api: Api, smoke_dir: Path) -> dict[str, str]:
    """A project with a sphinx custom model trained from the smoke clips' transcripts."""
    created = api.call(
        "POST", "/projects", "Project", 201, json={"displayName": "Dictation", "locale": "en-US"}
    )
    lines = (smoke_dir / "trans.txt").read_text(encoding="utf-8-sig").splitlines()
    model = api.call(
        "POST", "/models", "CustomModel", 201,
        json={
            "displayName": "Austen custom", "locale": "en-US",
            "baseModel": {"self": base_model_url(api)},
            "project": {"self": created["self"]},
            "text": "\n".join(line.split("\t")[1].lower() for line in lines),
        },
    )
    model = api.wait(f"/models/{_id(model)}", "CustomModel")
    assert model["status"] == "Succeeded", model
    return {"id": _id(created), "model": _id(model)}


def _wizard_post(portal: httpx.Client, project_id: str, **fields: str) -> httpx.Response:
    path = f"/portal/projects/{project_id}/deployments/new"
    token = csrf_of(portal.get(path).text)
    return portal.post(path, data={"csrf_token": token, **fields})


@pytest.fixture(scope="module")
def deployment(portal: httpx.Client, project: dict[str, str]) -> dict[str, str]:
    """The custom model deployed through the wizard: the page it opens."""
    response = _wizard_post(
        portal, project["id"], model=f"models/{project['model']}", name="Austen endpoint",
        description="tried by the tests", terms="accepted",
    )
    assert response.status_code == 303, response.text
    page = portal.get(response.headers["location"])
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
    portal: httpx.Client, project: dict[str, str]
) -> None:
    page = portal.get(f"/portal/projects/{project['id']}/deployments/new").text
    assert f'value="models/{project["model"]}"' in page and ">Austen custom<" in page
    assert f'value="models/base/{BASE_MODEL_ID}"' in page
    assert "I agree that this deployment is used under the terms" in page
    assert "BSD" in page  # the sphinx base model's licence is named


def test_the_terms_checkbox_is_required(
    portal: httpx.Client, api: Api, project: dict[str, str]
) -> None:
    response = _wizard_post(
        portal, project["id"], model=f"models/base/{BASE_MODEL_ID}", name="No terms"
    )
    assert response.status_code == 400
    assert "tick &#34;I agree&#34;" in response.text or 'tick "I agree"' in response.text
    listed = api.call("GET", f"/projects/{project['id']}/endpoints", "PaginatedEndpoints", 200)
    assert "No terms" not in [e["displayName"] for e in listed["values"]]


def test_a_model_that_is_not_there_is_refused_in_words(
    portal: httpx.Client, project: dict[str, str]
) -> None:
    response = _wizard_post(
        portal, project["id"], model=f"models/{ZERO_ID}", name="Ghost", terms="accepted"
    )
    assert response.status_code == 400
    assert f"no model with id {ZERO_ID}" in response.text and "Traceback" not in response.text


def test_the_deployment_page_shows_its_endpoint_id_urls_and_snippets(
    deployment: dict[str, str], api: Api, project: dict[str, str], server: tuple[str, str]
) -> None:
    page = deployment["page"]
    endpoint_id = _endpoint_id(page)
    listed = api.call("GET", f"/projects/{project['id']}/endpoints", "PaginatedEndpoints", 200)
    [endpoint] = [e for e in listed["values"] if e["displayName"] == "Austen endpoint"]
    assert _id(endpoint) == endpoint_id
    assert endpoint["model"]["self"].split("?")[0].endswith(f"/models/{project['model']}")
    base_url, _ = server
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
    deployment: dict[str, str], server: tuple[str, str], smoke_dir: Path, tmp_path: Path
) -> None:
    _, key = server
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
    deployment: dict[str, str], server: tuple[str, str], smoke_dir: Path, tmp_path: Path
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    _, key = server
    (tmp_path / "audio.wav").write_bytes((smoke_dir / CLIP).read_bytes())
    script = _text_of(deployment["page"], "snippet-curl").replace("YOUR_API_KEY", key)
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        check=True,
    )
    assert "young man" in json.loads(done.stdout)["DisplayText"].lower()


def test_the_try_it_box_recognizes_a_real_clip(
    portal: httpx.Client, deployment: dict[str, str], smoke_dir: Path
) -> None:
    response = _try(portal, deployment["path"], CLIP, (smoke_dir / CLIP).read_bytes())
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
    portal: httpx.Client, deployment: dict[str, str], name: str, audio: bytes, words: str
) -> None:
    response = _try(portal, deployment["path"], name, audio)
    assert response.status_code == 400, response.text
    error = _text_of(response.text, "trial-error")
    assert words.lower() in error.lower(), error
    assert "Traceback" not in response.text and "<h1>" in response.text


def test_no_file_chosen_is_an_error_in_words(
    portal: httpx.Client, deployment: dict[str, str]
) -> None:
    path = deployment["path"]
    token = csrf_of(portal.get(path).text)
    response = portal.post(
        f"{path}/try", data={"csrf_token": token},
        files={"audio": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "Choose an audio file" in _text_of(response.text, "trial-error")


def test_silence_is_no_match(portal: httpx.Client, deployment: dict[str, str]) -> None:
    response = _try(portal, deployment["path"], "silence.wav", _silence_wav(1.5))
    assert response.status_code == 200
    assert "No speech was recognized" in response.text


def test_the_try_it_form_needs_its_csrf_token(
    portal: httpx.Client, deployment: dict[str, str], smoke_dir: Path
) -> None:
    response = portal.post(
        f"{deployment['path']}/try", files={"audio": (CLIP, (smoke_dir / CLIP).read_bytes())}
    )
    assert response.status_code == 403


def test_an_endpoint_of_another_project_is_not_found(
    portal: httpx.Client, api: Api, deployment: dict[str, str]
) -> None:
    other = api.call(
        "POST", "/projects", "Project", 201, json={"displayName": "Other", "locale": "en-US"}
    )
    endpoint_id = _endpoint_id(deployment["page"])
    response = portal.get(f"/portal/projects/{_id(other)}/deployments/{endpoint_id}")
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.text


def test_the_list_and_the_catalog_show_the_model_and_its_endpoint(
    portal: httpx.Client, project: dict[str, str], deployment: dict[str, str]
) -> None:
    listing = portal.get(f"/portal/projects/{project['id']}/deployments").text
    assert "<h1>Deploy models</h1>" in listing and "+ Deploy model" in listing
    assert f'href="{deployment["path"]}">Austen endpoint</a>' in listing
    assert "Austen custom" in listing  # the model it serves
    catalog = portal.get("/portal/models")
    assert catalog.status_code == 200 and "<h1>View fine-tuned models</h1>" in catalog.text
    rows = re.findall(r"<tr>(.*?)</tr>", catalog.text, re.S)
    [row] = [r for r in rows if "Austen custom" in r]
    assert "Dictation" in row and "en-US base model (pocketsphinx)" in row
    assert f'href="{deployment["path"]}">Austen endpoint</a>' in row
    assert f'href="/portal/projects/{project["id"]}/models/{project["model"]}"' in row
    assert 'data-status="Succeeded"' in row
