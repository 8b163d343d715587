"""The whole lifecycle on a real server on loopback; every JSON answer validated against the
2025-10-15 specification."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from test_api_support import Api, live_server, validate


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with live_server(tmp_path_factory.mktemp("home")) as (base_url, key):
        client = Api(base_url, key)
        yield client
        client.close()


def _dataset(api: Api, project: dict[str, Any], kind: str, path: Path) -> dict[str, Any]:
    created = api.call(
        "POST",
        "/datasets",
        "Dataset",
        201,
        json={
            "displayName": path.name,
            "locale": "en-US",
            "kind": kind,
            "project": {"self": project["self"]},
        },
    )
    assert created["status"] == "NotStarted" and "uploadBlocks" in created["links"]
    api.upload_blocks(created["self"].split("/")[-1].split("?")[0], path.read_bytes())
    done = api.wait(created["self"], "Dataset")
    assert done["status"] == "Succeeded", done
    assert done["properties"]["acceptedLineCount"] > 0
    return done


def test_lifecycle(api: Api, shared_data: Path, azure_samples: Path) -> None:
    project = api.call(
        "POST", "/projects", "Project", 201, json={"displayName": "lifecycle", "locale": "en-US"}
    )
    general = azure_samples / "en-US" / "general"
    acoustic = _dataset(api, project, "Acoustic", general / "testing" / "audio-and-trans.zip")
    assert acoustic["properties"]["durationMilliseconds"] > 0
    _dataset(api, project, "Language", shared_data / "an4" / "train-text.txt")
    _dataset(api, project, "Pronunciation", general / "training" / "pronunciation.txt")

    page = api.call("GET", "/datasets", "PaginatedDatasets", 200, params={"top": 2})
    assert len(page["values"]) == 2 and page["@nextLink"].startswith(api.base_url)
    rest = api.call("GET", page["@nextLink"], "PaginatedDatasets", 200)
    assert len(rest["values"]) == 1 and "@nextLink" not in rest
    only = api.call(
        "GET",
        "/datasets",
        "PaginatedDatasets",
        200,
        params={"filter": "kind eq 'Acoustic' and status ne 'Failed'"},
    )
    assert [d["self"] for d in only["values"]] == [acoustic["self"]]
    members = api.call("GET", project["links"]["datasets"], "PaginatedDatasets", 200)
    assert len(members["values"]) == 3

    files = api.call("GET", acoustic["links"]["files"], "PaginatedFiles", 200)
    report = next(f for f in files["values"] if f["kind"] == "DatasetReport")
    api.call("GET", report["self"], "File", 200)
    content = httpx.get(report["links"]["contentUrl"], timeout=60)  # signed: no key
    assert content.status_code == 200 and content.json()["usable"] is True

    base = api.call("GET", "/models/base", "PaginatedBaseModels", 200)["values"][0]
    validate(base, "BaseModel")
    api.call("GET", base["self"], "BaseModel", 200)
    api.call("GET", base["links"]["manifest"], "ModelManifest", 200)

    evaluation = api.call(
        "POST",
        "/evaluations",
        "Evaluation",
        201,
        json={
            "displayName": "base vs base",
            "locale": "en-US",
            "model1": {"self": base["self"]},
            "model2": {"self": base["self"]},
            "dataset": {"self": acoustic["self"]},
        },
    )
    endpoint = api.call(
        "POST",
        "/endpoints",
        "Endpoint",
        201,
        json={
            "displayName": "ep",
            "locale": "en-US",
            "model": {"self": base["self"]},
        },
    )
    assert f"cid={endpoint['self'].split('/')[-1].split('?')[0]}" in endpoint["links"]["webSocket"]
    api.call("PATCH", endpoint["self"], "Endpoint", 200, json={"displayName": "renamed"})
    transcription = api.call(
        "POST",
        "/transcriptions:submit",
        "Transcription",
        201,
        json={
            "displayName": "batch",
            "locale": "en-US",
            "dataset": {"self": acoustic["self"]},
            "properties": {"timeToLiveHours": 6},
        },
    )

    evaluated = api.wait(evaluation["self"], "Evaluation", 240)
    assert evaluated["status"] == "Succeeded", evaluated
    props = evaluated["properties"]
    assert props["wordErrorRate1"] == props["wordErrorRate2"] and props["wordCount1"] > 0
    details = api.call("GET", evaluated["links"]["files"], "PaginatedFiles", 200)["values"]
    assert details and all(d["kind"] == "EvaluationDetails" for d in details)
    assert "model1" in httpx.get(details[0]["links"]["contentUrl"], timeout=60).json()

    transcribed = api.wait(transcription["self"], "Transcription", 240)
    assert transcribed["status"] == "Succeeded", transcribed
    results = api.call("GET", transcribed["links"]["files"], "PaginatedFiles", 200)["values"]
    kinds = {f["kind"] for f in results}
    assert kinds == {"Transcription", "TranscriptionReport"}
    result_file = next(f for f in results if f["kind"] == "Transcription")
    result = httpx.get(result_file["links"]["contentUrl"], timeout=60).json()
    assert result["combinedRecognizedPhrases"][0]["lexical"]

    in_use = api.call("DELETE", acoustic["self"], "Error", 409)
    assert in_use["innerError"]["code"] == "InUseViolation"
    api.call("DELETE", endpoint["self"], None, 204)
    api.call("GET", endpoint["self"], "Error", 404)
