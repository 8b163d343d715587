"""Auth, api-version and error shape, on the app in-process (no workers)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Client as HttpClient

from test_api_support import live_server, validate
from voxtune.service.context import open_services
from voxtune.settings import Settings

V = {"api-version": "2025-10-15"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HttpClient, str, Path]]:
    home = tmp_path_factory.mktemp("home")
    with live_server(home, workers=0) as (base_url, key), HttpClient(base_url=base_url) as c:
        yield c, key, home


def test_every_route_but_health_and_signed_files_needs_a_key(
    client: tuple[HttpClient, str, Path],
) -> None:
    test_client, _, _ = client
    paths = test_client.get("/openapi.json").json()["paths"]
    checked = 0
    for path, operations in paths.items():
        if path in ("/health",) or path.startswith(("/files/", "/voxtune/copy/")):
            continue
        url = path.replace("{id}", "00000000-0000-0000-0000-000000000000").replace(
            "{fileId}", "00000000-0000-0000-0000-000000000000"
        )
        for method in operations:
            response = test_client.request(method.upper(), url, params=V)
            assert response.status_code == 401, (method, path, response.text)
            validate(response.json(), "Error")
            checked += 1
    assert checked > 40
    assert test_client.get("/health").status_code == 200


def test_bearer_token_and_wrong_key(client: tuple[HttpClient, str, Path]) -> None:
    test_client, key, _ = client
    wrong = test_client.get(
        "/speechtotext/projects", params=V, headers={"Ocp-Apim-Subscription-Key": "0" * 32}
    )
    assert wrong.status_code == 401
    token = test_client.post(
        "/sts/v1.0/issueToken", headers={"Ocp-Apim-Subscription-Key": key}
    ).text
    ok = test_client.get(
        "/speechtotext/projects", params=V, headers={"Authorization": f"Bearer {token}"}
    )
    assert ok.status_code == 200
    validate(ok.json(), "PaginatedProjects")
    forged = test_client.get(
        "/speechtotext/projects", params=V, headers={"Authorization": f"Bearer {token[:-2]}xx"}
    )
    assert forged.status_code == 401


def test_api_version_is_required(client: tuple[HttpClient, str, Path]) -> None:
    test_client, key, _ = client
    headers = {"Ocp-Apim-Subscription-Key": key}
    for params in ({}, {"api-version": "3.2"}):
        response = test_client.get("/speechtotext/projects", params=params, headers=headers)
        assert response.status_code == 400
        assert validate(response.json(), "Error")["code"] == "InvalidArgument"
    old = test_client.get(
        "/speechtotext/projects", params={"api-version": "2024-11-15"}, headers=headers
    )
    assert old.status_code == 200


def test_invalid_body_is_400_invalid_argument(client: tuple[HttpClient, str, Path]) -> None:
    test_client, key, _ = client
    response = test_client.post(
        "/speechtotext/datasets",
        params=V,
        json={"displayName": 3},
        headers={"Ocp-Apim-Subscription-Key": key},
    )
    assert response.status_code == 400
    assert validate(response.json(), "Error")["code"] == "InvalidArgument"


def test_content_url_to_loopback_is_refused(client: tuple[HttpClient, str, Path]) -> None:
    test_client, key, _ = client
    for url in (
        "http://127.0.0.1:9/data.txt",
        "http://localhost/x.txt",
        "http://169.254.169.254/latest",
        "file:///etc/passwd",
    ):
        response = test_client.post(
            "/speechtotext/datasets",
            params=V,
            headers={"Ocp-Apim-Subscription-Key": key},
            json={"displayName": "x", "locale": "en-US", "kind": "Language", "contentUrl": url},
        )
        assert response.status_code == 400, url
        assert validate(response.json(), "Error")["innerError"]["code"] == "InvalidRecordingsUri"


def test_zip_with_parent_entries_is_reported_and_nothing_escapes(
    client: tuple[HttpClient, str, Path],
    azure_samples: Path,
) -> None:
    from voxtune.jobs.kinds import JobContext
    from voxtune.service.runners import import_dataset  # run the job inline (no workers)

    test_client, key, home = client
    buffer = io.BytesIO()
    sample = azure_samples / "en-US" / "general" / "testing" / "audio-and-trans.zip"
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("../../escaped.wav", b"RIFF0000WAVE")
    response = test_client.post(
        "/speechtotext/datasets:upload",
        params=V,
        headers={"Ocp-Apim-Subscription-Key": key},
        data={"displayName": "evil", "locale": "en-US", "kind": "Acoustic"},
        files={"data": ("evil.zip", buffer.getvalue(), "application/zip")},
    )
    assert response.status_code == 201, response.text
    dataset_id = response.json()["self"].split("/")[-1].split("?")[0]
    services = open_services(Settings(home=home))
    job = services.queue.claim("inline")
    assert job is not None and job.entity_id == dataset_id
    import_dataset(services, JobContext(job))
    body = test_client.get(
        f"/speechtotext/datasets/{dataset_id}", params=V, headers={"Ocp-Apim-Subscription-Key": key}
    ).json()
    validate(body, "Dataset")
    assert body["properties"]["rejectedLineCount"] >= 1
    files = test_client.get(
        f"/speechtotext/datasets/{dataset_id}/files",
        params=V,
        headers={"Ocp-Apim-Subscription-Key": key},
    ).json()["values"]
    report_url = next(f for f in files if f["kind"] == "DatasetReport")["links"]["contentUrl"]
    report = test_client.get(report_url).json()
    services.close()
    assert any(
        "escaped" in entry["item"] and entry["status"] == "rejected" for entry in report["entries"]
    )
    assert not list(home.parent.rglob("escaped.wav"))
